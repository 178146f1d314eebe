"""A pull derives its events' states (``event_status``) once, when it has caught up,
not after every page or group. Until then the rows of the events it wrote are missing
(the triggers drop them in the page's own transaction), never stale: a pull stopped
halfway (a failure, a cancel or a kill, which loses only the uncommitted group) leaves
a store whose events list derives them before it is queried, and whose next pull
derives them when it catches up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gridclient.storage import Store, eventstate
from gridclient.storage.models import EventStatusRow
from gridclient.storage.queries import EventFilter, EventQueries
from gridclient.sync import engine as engine_module
from gridclient.sync.engine import SyncEngine
from gridclient.sync.errors import NetworkError
from gridclient.sync.transport import PullPage
from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import Record
from gridcore.domain.enums import EventActionKind, Role
from tests.unit.storage import factories as f
from tests.unit.sync import test_engine_answers
from tests.unit.sync.test_engine_prefetch import NOW, Pages, household_change, saved_cursor

store = test_engine_answers.store  # a fresh encrypted store
WHEN = datetime(2026, 3, 3, tzinfo=UTC)
HOUR = timedelta(hours=1)


def change(record: Record) -> dict[str, Any]:
    return {
        "entity": record.KIND.value,
        "id": record.id,
        "version": 1,
        "deleted": False,
        "updated_at": NOW.isoformat(),
        "fields": encode_fields(record),
    }


def event_pages(fail_at: int | None = None) -> tuple[Pages, dict[str, str]]:
    """Five pages: an event reported on page 1 and accepted on page 3, another event
    reported on page 2, households in between."""
    first, second = f.event(time_limit_days=3), f.event(time_limit_days=5)
    contents = [
        [change(first), change(f.action(first.id, server_at=WHEN))],
        [change(second), change(f.action(second.id, server_at=WHEN))],
        [
            change(
                f.action(
                    first.id,
                    kind=EventActionKind.ACCEPT,
                    actor_role=Role.TOWNSHIP,
                    server_at=WHEN + HOUR,
                )
            )
        ],
        [household_change(1)],
        [household_change(2)],
    ]
    pages = Pages(len(contents), size=0, fail_at=fail_at)
    pages.pages = [
        PullPage(items, [], [], f"p{n + 1}", n + 1 < len(contents), NOW)
        for n, items in enumerate(contents)
    ]
    return pages, {"first": first.id, "second": second.id}


def states(store: Store) -> dict[str, str | None]:
    with store.read() as repos:
        rows = repos.session.query(EventStatusRow).all()
        return {row.event_id: row.state for row in rows}


def missing(store: Store) -> list[str]:
    with store.read() as repos:
        return eventstate.missing_ids(repos.session)


def test_a_pull_derives_the_states_once_when_it_has_caught_up(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport, ids = event_pages()
    fills: list[int] = []
    original = engine_module._fill_event_states

    def counted(connection: Any) -> None:
        fills.append(1)
        original(connection)

    monkeypatch.setattr(engine_module, "_fill_event_states", counted)
    assert SyncEngine(store, transport).run().ok  # type: ignore[arg-type]
    assert len(fills) == 1, "derived once, at the end of the pull"
    assert states(store) == {ids["first"]: "accepted", ids["second"]: "reported"}
    assert missing(store) == []


def test_a_pull_stopped_halfway_leaves_states_missing_never_stale(store: Store) -> None:
    transport, ids = event_pages(fail_at=3)  # pages 1–3 committed, then the network fails
    report = SyncEngine(store, transport).run()  # type: ignore[arg-type]
    assert not report.ok and isinstance(report.errors[0], NetworkError)
    assert saved_cursor(store) == "p3"
    assert sorted(missing(store)) == sorted(ids.values())
    assert states(store) == {}
    # The events list derives them before it filters (in its own write transaction).
    queries = EventQueries(store.engine)
    assert queries.event_ids(filters=EventFilter(state="accepted")) == [ids["first"]]
    assert states(store) == {ids["first"]: "accepted", ids["second"]: "reported"}


def test_the_next_pull_derives_what_a_stopped_one_left_missing(store: Store) -> None:
    transport, ids = event_pages(fail_at=3)
    assert not SyncEngine(store, transport).run().ok  # type: ignore[arg-type]
    assert sorted(missing(store)) == sorted(ids.values())
    transport.fail_at = None
    assert SyncEngine(store, transport).run().ok  # type: ignore[arg-type]
    assert transport.asked[-2:] == ["p3", "p4"]  # resumed from the saved cursor
    assert missing(store) == []
    assert states(store) == {ids["first"]: "accepted", ids["second"]: "reported"}


def test_a_stale_row_is_never_left_by_a_later_page(store: Store) -> None:
    """Derived at the end of a first pull; a second pull whose first page changes the
    event and whose next page fails: the row is dropped with the page, not kept stale."""
    transport, ids = event_pages()
    assert SyncEngine(store, transport).run().ok  # type: ignore[arg-type]
    assert states(store)[ids["first"]] == "accepted"
    void = f.action(
        ids["first"], kind=EventActionKind.VOID, actor_role=Role.TOWNSHIP, server_at=WHEN + 2 * HOUR
    )
    later = Pages(2, size=0, fail_at=1)
    later.pages = [
        PullPage([change(void)], [], [], "q1", True, NOW),
        PullPage([household_change(3)], [], [], "q2", False, NOW),
    ]
    later.pull_page = _resume_from(later, "p5")  # type: ignore[method-assign]
    assert not SyncEngine(store, later).run().ok  # type: ignore[arg-type]
    assert missing(store) == [ids["first"]]
    queries = EventQueries(store.engine)
    assert queries.event_ids(filters=EventFilter(state="voided")) == [ids["first"]]


def _resume_from(pages: Pages, start: str) -> Any:
    """``pull_page`` of ``pages`` for a store whose saved cursor is ``start``."""

    def pull_page(cursor: str, limit: int | None = None, **_: Any) -> PullPage:
        pages.asked.append(cursor)
        index = 0 if cursor == start else int(cursor[1:])
        if index == pages.fail_at:
            raise NetworkError(detail="scripted failure")
        return pages.pages[index]

    return pull_page
