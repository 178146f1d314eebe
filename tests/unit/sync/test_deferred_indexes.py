"""A first pull into an empty store leaves the record tables' secondary indexes out and
builds them in the transaction of its last page (``gridclient.storage.indexes``). Killed
or stopped in between, the store says so (the mark is written with the drop), the next
open builds them, and queries give the same answers throughout; a pull into a store that
holds records never drops them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from gridclient.storage import Store, indexes
from gridclient.storage.engine import read_session
from gridclient.sync.engine import SyncEngine, SyncReport
from gridclient.sync.errors import NetworkError
from tests.unit.storage.factories import PASSWORD
from tests.unit.sync import test_engine_answers
from tests.unit.sync.test_engine_prefetch import Pages, saved_cursor, stored_households

store = test_engine_answers.store  # a fresh encrypted store
WANTED = {str(index.name) for index in indexes.record_indexes()}


def present(store: Store) -> set[str]:
    """The record indexes the store's schema holds now."""
    with read_session(store.engine) as session:
        rows = session.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
        return {str(name) for (name,) in rows} & WANTED


def marked(store: Store) -> bool:
    with read_session(store.engine) as session:
        return indexes.deferred(session.connection())


def test_the_models_indexes_are_the_migrated_schemas(store: Store) -> None:
    assert (
        len(WANTED) >= 10
        and {"ix_visits_grid_id_visited_at", "ix_event_actions_event_id"} <= WANTED
    )
    assert present(store) == WANTED


def test_a_first_pull_builds_the_indexes_with_its_last_page(store: Store) -> None:
    transport = Pages(4)
    engine = SyncEngine(store, transport)  # type: ignore[arg-type]
    original = engine._apply_on
    seen: list[tuple[set[str], bool]] = []

    def spy(connection: Any, page: Any, report: SyncReport) -> None:
        names = connection.execute(text("SELECT name FROM sqlite_master WHERE type='index'"))
        seen.append(({str(n) for (n,) in names} & WANTED, indexes.deferred(connection)))
        original(connection, page, report)

    engine._apply_on = spy  # type: ignore[method-assign]
    assert engine.run().ok
    assert seen and all(names == set() and mark for names, mark in seen)  # left out
    assert present(store) == WANTED and not marked(store)
    assert stored_households(store) == 12


def test_a_stopped_first_pull_is_resumed_and_the_next_open_builds_them(
    store: Store, tmp_path: Path
) -> None:
    transport = Pages(4, fail_at=2)  # p1 and p2 committed, then the network fails
    report = SyncEngine(store, transport).run()  # type: ignore[arg-type]
    assert not report.ok and isinstance(report.errors[0], NetworkError)
    assert saved_cursor(store) == "p2"
    assert present(store) == set() and marked(store)  # what a kill here leaves too
    assert stored_households(store) == 6  # queries answer the same without them
    path = store.path
    store.close()
    reopened = Store.open(path, PASSWORD)
    try:
        assert present(reopened) == WANTED and not marked(reopened)
        assert stored_households(reopened) == 6
        transport.fail_at = None
        assert SyncEngine(reopened, transport).run().ok  # type: ignore[arg-type]
        assert transport.asked[-2:] == ["p2", "p3"]  # resumed from the cursor
        assert present(reopened) == WANTED and stored_households(reopened) == 12
    finally:
        reopened.close()


def test_a_resumed_first_pull_in_the_same_session_builds_them_at_its_end(
    store: Store,
) -> None:
    transport = Pages(4, fail_at=2)
    assert not SyncEngine(store, transport).run().ok  # type: ignore[arg-type]
    assert marked(store)
    transport.fail_at = None
    assert SyncEngine(store, transport).run().ok  # type: ignore[arg-type]
    assert present(store) == WANTED and not marked(store)
    assert stored_households(store) == 12


def test_a_pull_into_a_store_with_records_keeps_its_indexes(store: Store) -> None:
    assert SyncEngine(store, Pages(1)).run().ok  # type: ignore[arg-type]
    with store.write() as repos:  # as after the repair of migration r0004: from the start
        repos.session.execute(text("DELETE FROM sync_state WHERE key = 'pull_cursor'"))
    engine = SyncEngine(store, Pages(3))  # type: ignore[arg-type]
    original = engine._apply_on
    seen: list[set[str]] = []

    def spy(connection: Any, page: Any, report: SyncReport) -> None:
        names = connection.execute(text("SELECT name FROM sqlite_master WHERE type='index'"))
        seen.append({str(n) for (n,) in names} & WANTED)
        original(connection, page, report)

    engine._apply_on = spy  # type: ignore[method-assign]
    assert engine.run().ok
    assert seen and all(names == WANTED for names in seen)
