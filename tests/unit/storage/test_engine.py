"""The engine factory: key, PRAGMAs, our own BEGIN, aware UTC datetimes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, event, select, text
from sqlalchemy.exc import DBAPIError, StatementError

from gridclient.storage import (
    Store,
    SyncKey,
    create_store_engine,
    read_session,
    write_connection,
    write_session,
)
from gridclient.storage.engine import CACHE_KIB, READ_CACHE_KIB
from gridclient.storage.keys import key_file_for, unlock
from gridclient.storage.models import SyncStateRow
from gridcore.domain.entities import Household
from tests.unit.storage.factories import ACTOR, PASSWORD, household, visit


def _statements(store: Store) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split()[0].upper() + " " + " ".join(statement.split()[1:2]))

    event.listen(store.engine, "before_cursor_execute", record)
    return seen


def test_connections_get_the_pragmas(store: Store) -> None:
    with store.engine.connect() as connection:

        def pragma(name: str) -> object:
            return connection.execute(text(f"PRAGMA {name}")).scalar_one()

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 1  # NORMAL
        assert pragma("busy_timeout") == 15_000
        assert pragma("temp_store") == 2  # MEMORY
        assert str(pragma("cipher_version")).startswith("4.")
        assert pragma("cache_size") == -READ_CACHE_KIB


def test_bulk_writes_get_the_big_cache_for_their_duration(store: Store) -> None:
    with write_connection(store.engine) as connection:
        assert connection.execute(text("PRAGMA cache_size")).scalar_one() == -CACHE_KIB
        driver = connection.connection.driver_connection
    assert CACHE_KIB > READ_CACHE_KIB
    assert driver is not None
    assert driver.execute("PRAGMA cache_size").fetchone()[0] == -READ_CACHE_KIB


def test_writes_begin_immediate_and_reads_deferred(store: Store) -> None:
    seen = _statements(store)
    with write_session(store.engine) as session:
        session.execute(select(SyncStateRow))
    with read_session(store.engine) as session:
        session.execute(select(SyncStateRow))
    with write_connection(store.engine) as connection:
        connection.execute(select(SyncStateRow.key))
    begins = [s for s in seen if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN DEFERRED", "BEGIN IMMEDIATE"]


def test_a_unit_of_work_is_one_immediate_transaction(store: Store) -> None:
    store.clock  # noqa: B018 - loaded once per store, in a read of its own
    seen = _statements(store)
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        uow.append(visit(home.id))
    assert [s for s in seen if s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))] == [
        "BEGIN IMMEDIATE"
    ]  # the COMMIT goes through the DBAPI's commit(), not a statement
    with store.read() as repos:
        assert repos.records.get(Household, home.id) == home


def test_naive_datetimes_are_refused(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    naive = visit(home.id, visited_at=datetime(2026, 1, 1, 8, 0))
    with pytest.raises((StatementError, ValueError)), store.unit_of_work(actor=ACTOR) as uow:
        uow.append(naive)
    with store.read() as repos:
        assert repos.records.visits_of_household(home.id) == []


def test_the_key_must_be_32_bytes(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        create_store_engine(tmp_path / "x.db", b"short")
    with pytest.raises(ValueError):
        create_store_engine(tmp_path / "x.db", os.urandom(33))


def test_a_wrong_key_cannot_read_the_store(store: Store, db_path: Path) -> None:
    store.close()
    engine = create_store_engine(db_path, os.urandom(32))
    try:
        with pytest.raises(DBAPIError, match="file is not a database"), engine.connect():
            pass
    finally:
        engine.dispose()


def test_the_key_is_not_shown_with_the_engine(store: Store) -> None:
    assert "x'" not in str(store.engine.url) and "x'" not in repr(store.engine.url)
    assert "x'" not in repr(store.engine) and "x'" not in repr(store)


def test_read_only_engine_cannot_write(store: Store, db_path: Path) -> None:
    engine = create_store_engine(db_path, unlock(key_file_for(db_path), PASSWORD), read_only=True)
    try:
        with pytest.raises(DBAPIError, match="readonly"), write_connection(engine) as connection:
            connection.execute(delete(SyncStateRow))
    finally:
        engine.dispose()
    with store.read() as repos:
        assert repos.sync_state.get(SyncKey.DEVICE_ID) == store.device_id


def test_stored_datetimes_are_utc_text(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        uow.append(visit(home.id))
    with store.engine.connect() as connection:
        raw = connection.execute(text("SELECT visited_at FROM visits")).scalar_one()
    assert raw == "2026-03-01 01:30:15.123456"  # 09:30:15 CST
    assert datetime.fromisoformat(raw).replace(tzinfo=UTC).hour == 1


def test_storage_imports_no_qt() -> None:
    code = (
        "import sys, gridclient.storage, gridclient.storage.store;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6', 'shiboken6'});"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
