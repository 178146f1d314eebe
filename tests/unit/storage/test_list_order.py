"""The events and visits lists' first screen (``limit``) is the start of the whole list,
and both lists are read in the order of their index, with no sort (issue #13 item 5)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import event, text

from gridclient.storage import Store
from gridclient.storage.queries import (
    AreaFilter,
    EventFilter,
    EventQueries,
    EventStateFilter,
    VisitFilter,
    VisitQueries,
)
from gridcore.domain.entities import CST
from gridcore.domain.enums import VisitMethod
from tests.unit.storage import factories as f

START = datetime(2026, 3, 1, 8, tzinfo=CST)


def _visits(store: Store) -> dict[str, list[str]]:
    """Three households (one moved out, 迁出), visits at distinct and at equal times,
    one visit corrected by another."""
    live = [f.household(), f.household(grid_id="grid-002")]
    gone = f.household(moved_out_on=date(2026, 3, 5), moved_to="县城")
    visits = [
        f.visit(
            live[n % 2].id,
            grid_id=live[n % 2].grid_id,
            # pairs at the same minute: the id decides between them
            visited_at=START + timedelta(hours=n // 2),
            method=VisitMethod.PHONE if n % 3 else VisitMethod.IN_PERSON,
        )
        for n in range(24)
    ]
    corrected = visits[5]
    correction = f.visit(
        corrected.household_id,
        grid_id=corrected.grid_id,
        visited_at=corrected.visited_at,
        corrects_id=corrected.id,
    )
    moved = f.visit(gone.id, visited_at=START + timedelta(days=1))
    with store.unit_of_work(actor=f.ACTOR) as uow:
        for home in (*live, gone):
            uow.create(home)
        for visit in (*visits, correction, moved):
            uow.append(visit)
    return {
        "expected": [
            v.id
            for v in sorted(
                [*visits, correction],
                key=lambda v: (-v.visited_at.timestamp(), v.id),
            )
            if v is not corrected
        ]
    }


def test_a_visits_first_screen_is_the_start_of_the_whole_list(store: Store) -> None:
    expected = _visits(store)["expected"]
    q = VisitQueries(store.engine)
    assert q.visit_ids() == expected  # no moved-out or corrected visit; ties by id
    for filters, area in (
        (None, AreaFilter()),
        (VisitFilter(method=VisitMethod.PHONE.value), AreaFilter()),
        (VisitFilter(visited_from=date(2026, 3, 1)), AreaFilter(("grid-002",))),
    ):
        whole = q.visit_ids(area, filters)
        assert whole
        for limit in (1, 5, 100):
            assert q.visit_ids(area, filters, limit=limit) == whole[:limit]


def test_an_events_first_screen_is_the_start_of_the_whole_list(store: Store) -> None:
    ids = []
    with store.unit_of_work(actor=f.ACTOR) as uow:
        for n in range(30):
            e = f.event(
                title=f"事件{n}",
                reported_at=START + timedelta(hours=n // 3),  # threes at the same time
                grid_id="grid-001" if n % 4 else "grid-002",
            )
            uow.append(e)
            uow.append(f.action(e.id))
            ids.append(e.id)
    q = EventQueries(store.engine)
    now = START + timedelta(days=30)
    for area, filters in (
        (AreaFilter(), None),
        (AreaFilter(("grid-001",)), None),
        (AreaFilter(), EventFilter(text="事件1")),
        (AreaFilter(), EventFilter(state=EventStateFilter.OPEN.value)),
    ):
        whole = q.event_ids(area, now=now, filters=filters)
        assert whole
        for limit in (1, 7, 100):
            assert q.event_ids(area, now=now, filters=filters, limit=limit) == whole[:limit]
    # newest first, the id between equal times
    assert q.event_ids(now=now) == sorted(ids, key=lambda i: (-(ids.index(i) // 3), i))


def _plans(store: Store, run: Any) -> list[str]:
    """The query plan of every id-list statement ``run`` sends."""
    sent: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: Any) -> None:
        if "ORDER BY" in statement:
            sent.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    with store.engine.connect() as connection:
        return [
            " / ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}", p))
            for s, p in sent
        ]


def test_the_township_lists_walk_their_index_without_a_sort(store: Store) -> None:
    _visits(store)
    visits, events = VisitQueries(store.engine), EventQueries(store.engine)
    [whole, first] = _plans(store, lambda: (visits.visit_ids(), visits.visit_ids(limit=10)))
    for plan in (whole, first):
        assert "SCAN visits USING COVERING INDEX ix_visits_list_order" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
        # the corrections through their partial index, not a read of every visit
        assert "SEARCH visits USING INDEX ix_visits_corrects_id" in plan, plan
        # live households from the index alone
        assert "SEARCH households EXISTS USING COVERING INDEX ix_households_live" in plan, plan
    [whole, first] = _plans(store, lambda: (events.event_ids(), events.event_ids(limit=10)))
    for plan in (whole, first):
        assert "SCAN events USING COVERING INDEX ix_events_list_order" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_0013_replaces_the_reported_at_index(store: Store) -> None:
    with store.engine.connect() as connection:
        indexes = {
            name: sql
            for name, sql in connection.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
            )
        }
    assert "ix_events_reported_at" not in indexes
    assert "reported_at DESC, id, deleted" in indexes["ix_events_list_order"]
    assert "visited_at DESC, id, deleted, household_id" in indexes["ix_visits_list_order"]
    assert "WHERE corrects_id IS NOT NULL" in indexes["ix_visits_corrects_id"]
    assert "(id, deleted, moved_out_on)" in indexes["ix_households_live"]
