"""The 巡查 list's queries: newest day first within the area's grids, narrowed by days,
rows with the patroller's real name and the number of events reported; the events a
patrol links (those not held here marked so) and the patrol an event came from."""

from __future__ import annotations

from datetime import date

from gridclient.storage import Store
from gridclient.storage.queries import AreaFilter, PatrolFilter, PatrolQueries
from gridclient.storage.syncmeta import SyncKey
from tests.unit.storage.factories import ACTOR, event, patrol


def test_list_order_filters_rows_and_links(store: Store) -> None:
    reported = event(grid_id="grid-001", title="河堤护栏松动", number="2026-001-00007")
    first = patrol(patrol_date=date(2026, 3, 2), event_ids=(reported.id, "not-held-here"))
    second = patrol(
        patrol_date=date(2026, 3, 5), started_at=None, ended_at=None, event_ids=(), route=""
    )
    other_grid = patrol(grid_id="grid-002", patrol_date=date(2026, 3, 9), event_ids=())
    removed = patrol(patrol_date=date(2026, 3, 7), event_ids=())
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.repos.sync_state.set(SyncKey.DIRECTORY, {ACTOR: ["王五", "worker"]})
        uow.append(reported)
        for record in (first, second, other_grid, removed):
            uow.create(record)
        uow.delete(removed.KIND, removed.id)

    queries = PatrolQueries(store.engine)
    assert queries.patrol_ids() == [other_grid.id, second.id, first.id]
    mine = AreaFilter(grid_ids=("grid-001",))
    assert queries.patrol_ids(mine) == [second.id, first.id]
    assert queries.patrol_ids(mine, limit=1) == [second.id]
    march_3_on = PatrolFilter(patrol_from=date(2026, 3, 3))
    assert queries.patrol_ids(mine, march_3_on) == [second.id]
    assert queries.patrol_ids(mine, PatrolFilter(patrol_to=date(2026, 3, 2))) == [first.id]

    rows = queries.patrol_rows([first.id, second.id])
    day, _grid, who, where, findings, count = rows[first.id]
    assert (day, who, count) == ("2026-03-02", "王五", "2")
    assert where == "村委会—幸福街—河堤—学校；幸福超市、河堤 3 号闸口"
    assert findings == "河堤护栏松动一处"
    assert rows[second.id][3] == "幸福超市、河堤 3 号闸口" and rows[second.id][5] == "0"

    linked = queries.linked_events(first.event_ids)
    assert [(e.number, e.title, e.present) for e in linked] == [
        ("2026-001-00007", "河堤护栏松动", True),
        ("", "", False),
    ]
    assert queries.patrol_of_event(reported.id) == (first.id, date(2026, 3, 2))
    assert queries.patrol_of_event("some-other-event") is None
