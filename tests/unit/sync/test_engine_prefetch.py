"""The engine fetches the next pull page while it writes the current one: pages are still
applied in order, each with its own cursor, and a failure or a cancel drops the page
fetched ahead, leaving the cursor of the last page committed. Pages that arrive while a
transaction is young share it (one COMMIT for several pages); the stored cursor and the
stored records always match."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from gridclient.storage import Store
from gridclient.storage.syncmeta import SyncKey
from gridclient.sync.engine import SyncEngine, SyncReport
from gridclient.sync.errors import Cancelled, NetworkError
from gridclient.sync.transport import PullPage
from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import Household
from gridcore.domain.enums import EntityKind
from gridcore.protocol import PushRequest, PushResponse
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

    def seed_offer(self, **_: Any) -> None:
        return None  # no seed on this server: a first pull fetches rows

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


def test_every_page_is_applied_in_order_on_the_stores_writer(store: Store) -> None:
    transport = Pages(4)
    applied: list[tuple[str, int]] = []
    engine = SyncEngine(store, transport)  # type: ignore[arg-type]
    original = engine._apply_on

    def spy(connection: Any, page: Any, report: SyncReport) -> None:
        applied.append((page.cursor, threading.get_ident()))
        original(connection, page, report)

    engine._apply_on = spy  # type: ignore[method-assign]
    report = engine.run()
    assert report.ok and report.pulled == 12
    assert [cursor for cursor, _ in applied] == ["p1", "p2", "p3", "p4"]
    [writer] = {thread for _, thread in applied}  # one thread: the store's writer
    assert writer != threading.get_ident()
    assert transport.asked == ["", "p1", "p2", "p3"]
    assert writer not in transport.threads
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
    original = engine._apply_on

    def fail_second(connection: Any, page: Any, report: SyncReport) -> None:
        if page.cursor == "p2":
            raise RuntimeError("disk full")
        original(connection, page, report)

    engine._apply_on = fail_second  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        engine.run()
    # p1 is committed, or rolled back with p2 if they shared a transaction: either way
    # the cursor and the records agree, and the next run goes on from there.
    assert (saved_cursor(store), stored_households(store)) in ((None, 0), ("p1", 3))


def test_cancel_stops_after_the_page_being_written(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gridclient.sync import engine as engine_module

    monkeypatch.setattr(engine_module, "GROUP_SECONDS", 0.0)  # a transaction per page
    monkeypatch.setattr(engine_module, "FIRST_GROUP_SECONDS", 0.0)
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


def test_pages_that_arrive_while_a_transaction_is_young_share_its_commit(store: Store) -> None:
    transport = Pages(6)
    commits: list[int] = []
    engine = SyncEngine(store, transport)  # type: ignore[arg-type]
    original = engine._apply_on

    def spy(connection: Any, page: Any, report: SyncReport) -> None:
        original(connection, page, report)
        commits.append(id(connection))

    engine._apply_on = spy  # type: ignore[method-assign]
    assert engine.run().ok
    assert len(commits) == 6 and len(set(commits)) < 6  # fewer transactions than pages
    assert saved_cursor(store) == "p6" and stored_households(store) == 18


def test_a_save_during_a_long_pull_commits_quickly(store: Store) -> None:
    """A person saving while a township's initial pull runs waits for at most one
    group of pages (GROUP_SECONDS), not for the whole pull."""
    import time

    from gridclient.sync import engine as engine_module

    transport = Pages(40, size=50)
    waited: list[float] = []
    engine = SyncEngine(store, transport)  # type: ignore[arg-type]
    original = engine._apply_on

    def slow(connection: Any, page: Any, report: SyncReport) -> None:
        time.sleep(0.05)  # a slow laptop writing a page
        original(connection, page, report)

    engine._apply_on = slow  # type: ignore[method-assign]
    pulling = threading.Thread(target=engine.run)
    pulling.start()
    try:
        time.sleep(0.3)
        for _ in range(3):
            began = time.monotonic()
            with store.unit_of_work(actor="w1") as uow:
                uow.create(Household(grid_id=GRID, address="新户"))
            waited.append(time.monotonic() - began)
    finally:
        pulling.join(60)
    assert max(waited) < engine_module.GROUP_SECONDS + 1.0, waited


def test_the_writer_owns_every_write_and_a_save_lands_within_a_second(store: Store) -> None:
    """The application's path: the pull runs on a network thread and hands its page
    groups to the store's writer; a person's save goes to the same writer (what
    ``AppContext.write`` does) and is written between two groups, within a second, while
    every write transaction of the pull and of the save runs on the writer thread."""
    import time

    from gridclient.storage import engine as storage_engine

    transport = Pages(40, size=50)
    engine = SyncEngine(store, transport)  # type: ignore[arg-type]
    original = engine._apply_on
    writers: set[str] = set()
    real_hold = storage_engine.FairLock.hold

    def spy_hold(self: Any) -> Any:
        writers.add(threading.current_thread().name)
        return real_hold(self)

    def slow(connection: Any, page: Any, report: SyncReport) -> None:
        time.sleep(0.05)  # a slow laptop writing a page
        original(connection, page, report)

    engine._apply_on = slow  # type: ignore[method-assign]
    storage_engine.FairLock.hold = spy_hold  # type: ignore[method-assign]
    waited: list[float] = []
    try:
        pulling = threading.Thread(target=engine.run, name="net-lane")
        pulling.start()
        try:
            time.sleep(0.3)
            for n in range(3):

                def save(n: int = n) -> None:
                    with store.unit_of_work(actor="w1") as uow:
                        uow.create(Household(grid_id=GRID, address=f"新户{n}"))

                began = time.monotonic()
                store.writer.run(save)
                waited.append(time.monotonic() - began)
            assert pulling.is_alive(), "the pull ended before the saves: not a real test"
        finally:
            pulling.join(60)
    finally:
        storage_engine.FairLock.hold = real_hold  # type: ignore[method-assign]
    assert max(waited) < 1.0, waited
    assert stored_households(store) == 40 * 50 + 3
    assert {name.split("_")[0] for name in writers} == {"gridclient-writer"}, writers


def test_a_first_pulls_long_group_stops_at_the_page_being_written_when_cancelled(
    store: Store,
) -> None:
    """A first pull's page groups are long (``FIRST_GROUP_SECONDS``: nothing of the
    user's to let through yet), but a cancel still ends the group after the page being
    written, and what was committed is whole pages with their cursor."""
    import time

    transport = Pages(40, size=5)
    cancel = threading.Event()
    engine = SyncEngine(store, transport, cancel=cancel)  # type: ignore[arg-type]
    original = engine._apply_on

    def slow(connection: Any, page: Any, report: SyncReport) -> None:
        time.sleep(0.05)  # a slow laptop writing a page: 40 pages take 2 s
        original(connection, page, report)

    engine._apply_on = slow  # type: ignore[method-assign]
    threading.Timer(0.4, cancel.set).start()
    began = time.monotonic()
    with pytest.raises(Cancelled):
        engine.run()
    assert time.monotonic() - began < 0.4 + 0.5
    cursor = saved_cursor(store)
    assert cursor is not None and 0 < int(cursor[1:]) < 40
    assert stored_households(store) == 5 * int(cursor[1:])
