"""The engine fetches the next pull page while it writes the current one: pages are still
applied in order, each with its own cursor, and a failure or a cancel drops the page
fetched ahead, leaving the cursor of the last page written."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from gridclient.domain.codec import encode_fields
from gridclient.domain.entities import Household
from gridclient.domain.enums import EntityKind
from gridclient.storage import Store
from gridclient.storage.syncmeta import SyncKey
from gridclient.sync.engine import SyncEngine, SyncReport
from gridclient.sync.errors import Cancelled, NetworkError
from gridclient.sync.protocol import PushRequest, PushResponse
from gridclient.sync.transport import PullPage
from tests.unit.sync import test_engine_answers

store = test_engine_answers.store  # the same fixture: a fresh encrypted store
GRID = str(uuid.uuid4())
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def household_change(number: int) -> dict[str, Any]:
    household = Household(grid_id=GRID, address=f"幸福路{number}号")
    return {
        "entity": "household",
        "id": household.id,
        "version": 1,
        "deleted": False,
        "updated_at": NOW.isoformat(),
        "fields": encode_fields(household),
    }


class Pages:
    """Serves ``count`` pages of ``size`` households, cursors ``p1``…; records every
    request and the thread it came on. ``fail_at`` makes that page's request fail."""

    def __init__(self, count: int, size: int = 3, fail_at: int | None = None) -> None:
        self.pages = [
            PullPage(
                [household_change(n * size + i) for i in range(size)],
                [],
                [],
                f"p{n + 1}",
                n + 1 < count,
                NOW,
            )
            for n in range(count)
        ]
        self.fail_at = fail_at
        self.asked: list[str] = []
        self.threads: set[int] = set()

    def push(self, request: PushRequest, **_: Any) -> PushResponse:
        return PushResponse(results=[], server_time=NOW)

    def pull_page(self, cursor: str, limit: int | None = None, **_: Any) -> PullPage:
        self.asked.append(cursor)
        self.threads.add(threading.get_ident())
        index = 0 if not cursor else int(cursor[1:])
        if index == self.fail_at:
            raise NetworkError(detail="scripted failure")
        return self.pages[index]


def saved_cursor(store: Store) -> Any:
    with store.read() as repos:
        return repos.sync_state.get(SyncKey.PULL_CURSOR)


def stored_households(store: Store) -> int:
    with store.read() as repos:
        return len(repos.records.household_ids_of_grid(GRID))


def test_every_page_is_applied_in_order_on_the_calling_thread(store: Store) -> None:
    transport = Pages(4)
    applied: list[tuple[str, int]] = []
    engine = SyncEngine(store, transport)  # type: ignore[arg-type]
    original = engine.apply_page

    def spy(page: Any, report: SyncReport | None = None) -> None:
        applied.append((page.cursor, threading.get_ident()))
        original(page, report)

    engine.apply_page = spy  # type: ignore[method-assign]
    report = engine.run()
    assert report.ok and report.pulled == 12
    assert [cursor for cursor, _ in applied] == ["p1", "p2", "p3", "p4"]
    assert {thread for _, thread in applied} == {threading.get_ident()}
    assert transport.asked == ["", "p1", "p2", "p3"]
    assert threading.get_ident() not in transport.threads  # fetched on the helper thread
    assert saved_cursor(store) == "p4" and stored_households(store) == 12


def test_a_failed_fetch_keeps_the_pages_before_it(store: Store) -> None:
    transport = Pages(4, fail_at=2)
    report = SyncEngine(store, transport).run()  # type: ignore[arg-type]
    assert not report.ok and isinstance(report.errors[0], NetworkError)
    assert saved_cursor(store) == "p2" and stored_households(store) == 6
    # The next run resumes from the saved cursor.
    transport.fail_at = None
    transport.asked.clear()
    assert SyncEngine(store, transport).run().ok  # type: ignore[arg-type]
    assert transport.asked[0] == "p2" and stored_households(store) == 12


def test_a_failed_write_drops_the_page_fetched_ahead(store: Store) -> None:
    transport = Pages(3)
    engine = SyncEngine(store, transport)  # type: ignore[arg-type]
    original = engine.apply_page

    def fail_second(page: Any, report: SyncReport | None = None) -> None:
        if page.cursor == "p2":
            raise RuntimeError("disk full")
        original(page, report)

    engine.apply_page = fail_second  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        engine.run()
    assert saved_cursor(store) == "p1" and stored_households(store) == 3


def test_cancel_stops_after_the_page_being_written(store: Store) -> None:
    transport = Pages(5)
    cancel = threading.Event()

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "pull" and done >= 3:
            cancel.set()

    engine = SyncEngine(store, transport, progress=progress, cancel=cancel)  # type: ignore[arg-type]
    with pytest.raises(Cancelled):
        engine.run()
    assert saved_cursor(store) == "p1" and stored_households(store) == 3
    assert len(transport.asked) <= 2  # at most the one page fetched ahead


def test_kind_names_are_mapped_once_per_page(store: Store) -> None:
    transport = Pages(1, size=2)
    SyncEngine(store, transport).run()  # type: ignore[arg-type]
    with store.read() as repos:
        ids = repos.records.household_ids_of_grid(GRID)
        assert {repos.records.get_kind(EntityKind.HOUSEHOLD, i).address for i in ids} == {  # type: ignore[union-attr]
            "幸福路0号",
            "幸福路1号",
        }
