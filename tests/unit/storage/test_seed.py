"""Seeds (gridclient.storage.seed): what a seed carries, that every table is copied by
SQLite's transfer path (cells copied, no row decoded: the reason it is fast), and that a
store refuses what it must not take, unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from sqlalchemy import select

from gridclient.storage import Store, indexes, seed
from gridclient.storage.engine import write_connection
from gridclient.storage.errors import DiskFull
from gridclient.storage.models import Base
from gridclient.storage.syncmeta import SyncKey
from gridcore.domain.entities import Record
from gridcore.domain.enums import EntityKind
from tests.unit.storage.factories import (
    ACTOR,
    CHEAP_KDF,
    PASSWORD,
    PHOTO,
    action,
    area,
    attachment,
    event,
    household,
    inspection,
    mediation,
    organization,
    patrol,
    place,
    program_record,
    resident,
    satisfied_action,
    visit,
)

CURSOR = "eyJzZXEiOjQyfQ"
APPENDED = {
    EntityKind.VISIT,
    EntityKind.EVENT,
    EntityKind.EVENT_ACTION,
    EntityKind.PLACE_INSPECTION,
}


def test_a_seed_carries_the_scopes_state_and_nothing_of_the_device() -> None:
    # A new SyncKey must be put on one side or the other here, on purpose.
    assert {
        SyncKey.DEVICE_ID,
        SyncKey.NEXT_SEQ,
        SyncKey.LAST_SYNC_AT,
        SyncKey.SERVER_URL,
        SyncKey.USERNAME,
        SyncKey.PROFILE,
        SyncKey.CLOCK,
        SyncKey.CLEAN_SHUTDOWN,
        SyncKey.INDEXES_DEFERRED,
    } == seed.LOCAL_KEYS
    assert {"sync_state", "outbox", "reveal_log", "alembic_version"} == seed.LOCAL_TABLES


def _maker(path: Path) -> Store:
    """A store as the seed maker has it after its first pull: records of every kind
    written while the indexes were left out and built at the end, and a cursor."""
    store = Store.create(path, PASSWORD, username="seedmaker", kdf=CHEAP_KDF)
    with write_connection(store.engine) as connection:
        assert indexes.defer(connection)
    home = household()
    ev = event(household_id=home.id)
    pl = place()
    records: list[Record] = [
        area(),
        home,
        resident(home.id),
        organization(),
        patrol(),
        pl,
        inspection(pl.id),
        program_record(home.id),
        visit(home.id),
        ev,
        action(ev.id),
        satisfied_action(ev.id),
        mediation(ev.id),
    ]
    with store.unit_of_work(actor=ACTOR) as uow:
        for record in records:
            if record.KIND in {EntityKind.AREA, EntityKind.HOUSEHOLD}:
                uow.create(record)
        for record in records[2:]:
            if record.KIND in APPENDED:
                uow.append(record)
            else:
                uow.create(record)
        uow.append(attachment(), blob=PHOTO)
    with write_connection(store.engine) as connection:
        assert indexes.restore(connection)
    with store.write() as repos:
        repos.sync_state.set(SyncKey.PULL_CURSOR, CURSOR)
        repos.sync_state.set(SyncKey.DIRECTORY, {"w1": ["何子健", "worker"]})
    return store


def _rows(store: Store, table: str) -> list[Any]:
    model = Base.metadata.tables[table]
    with store.engine.connect() as connection:
        return sorted(tuple(row) for row in connection.execute(select(model)))


def _copied(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        driver = connection.connection.driver_connection
        return [t for t in seed._tables(driver, "main") if t not in seed.LOCAL_TABLES]


@pytest.fixture
def made(tmp_path: Path) -> tuple[Store, seed.Exported]:
    maker = _maker(tmp_path / "maker" / "store.db")
    exported = seed.export(maker.engine, tmp_path / "seeds", "seed-test")
    return maker, exported


def _laptop(tmp_path: Path, name: str = "laptop") -> Store:
    return Store.create(tmp_path / name / "store.db", PASSWORD, username="t1", kdf=CHEAP_KDF)


def test_export_keeps_the_records_and_drops_the_makers_own(
    made: tuple[Store, seed.Exported],
) -> None:
    maker, exported = made
    assert exported.path.name == "seed-test.gcseed"
    assert exported.cursor == CURSOR and exported.records > 10
    assert exported.sha256 == seed.file_sha256(exported.path)
    connection = sqlcipher3.connect(str(exported.path))
    try:
        connection.execute(f"PRAGMA key = \"x'{exported.key.hex()}'\"")
        keys = {row[0] for row in connection.execute("SELECT key FROM sync_state")}
        assert keys == {SyncKey.PULL_CURSOR, SyncKey.DIRECTORY}
        assert connection.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
        households = connection.execute("SELECT count(*) FROM households").fetchone()
        assert households == (1,)
    finally:
        connection.close()
    with pytest.raises(sqlcipher3.DatabaseError):  # not readable without the key
        plain = sqlcipher3.connect(str(exported.path))
        try:
            plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            plain.close()
    maker.close()


def test_every_table_is_copied_by_the_transfer_path(
    made: tuple[Store, seed.Exported], tmp_path: Path
) -> None:
    """Under the copy's conditions (foreign keys off, triggers dropped, the same
    schema), SQLite's plan for each table copies cells (``RowCell``) instead of
    building each row (``MakeRecord``). A schema change that breaks it (say, a
    trigger the copy does not drop) makes this fail, not a benchmark a month later."""
    maker, exported = made
    laptop = _laptop(tmp_path)
    path, key = laptop.path, laptop.engine.url.password
    tables = _copied(laptop)
    laptop.close()
    connection = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        connection.execute(f'PRAGMA key = "{key}"')
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute(
            "ATTACH DATABASE ? AS seed KEY ?", (str(exported.path), f"x'{exported.key.hex()}'")
        )
        connection.execute("BEGIN IMMEDIATE")
        for (name,) in connection.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            connection.execute(f'DROP TRIGGER main."{name}"')
        slow = []
        for table in tables:
            plan = {
                row[1]
                for row in connection.execute(
                    f'EXPLAIN INSERT INTO main."{table}" SELECT * FROM seed."{table}"'  # noqa: S608
                )
            }
            if "RowCell" not in plan and "RowData" not in plan:
                slow.append(table)
        connection.execute("ROLLBACK")
    finally:
        connection.close()
    assert len(tables) >= 15 and "households" in tables and "event_status" in tables
    assert slow == []
    maker.close()


def test_adopt_makes_the_laptop_hold_what_the_maker_held(
    made: tuple[Store, seed.Exported], tmp_path: Path
) -> None:
    maker, exported = made
    laptop = _laptop(tmp_path)
    device = laptop.device_id
    assert seed.adoptable(laptop.engine)
    adopted = seed.adopt(laptop.engine, exported.path, exported.key, username="t1")
    assert adopted.cursor == CURSOR and adopted.records == exported.records
    for table in _copied(laptop):
        assert _rows(laptop, table) == _rows(maker, table), table
    with laptop.read() as repos:
        assert repos.sync_state.get(SyncKey.PULL_CURSOR) == CURSOR
        assert repos.sync_state.get(SyncKey.USERNAME) == "t1"
        assert repos.sync_state.get(SyncKey.DEVICE_ID) == device
        assert repos.outbox.status_counts() == {s: 0 for s in repos.outbox.status_counts()}
    assert not seed.adoptable(laptop.engine)
    with laptop.engine.connect() as connection:  # the triggers are back, all of them
        driver = connection.connection.driver_connection
        triggers = driver.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        assert triggers.fetchone()[0] == _triggers(maker)
    laptop.close()
    reopened = Store.open(laptop.path, PASSWORD)  # a sound store, at head
    reopened.close()
    maker.close()


def _triggers(store: Store) -> int:
    with store.engine.connect() as connection:
        driver = connection.connection.driver_connection
        row = driver.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        return int(row.fetchone()[0])


def _unchanged(store: Store) -> None:
    assert _rows(store, "households") == []
    with store.read() as repos:
        assert repos.sync_state.get(SyncKey.PULL_CURSOR) is None


def test_a_store_with_records_or_a_cursor_refuses(
    made: tuple[Store, seed.Exported], tmp_path: Path
) -> None:
    maker, exported = made
    worked = _laptop(tmp_path, "worked")
    with worked.unit_of_work(actor="t1") as uow:
        uow.create(household())
    assert not seed.adoptable(worked.engine)
    with pytest.raises(seed.SeedRefused, match="already holds"):
        seed.adopt(worked.engine, exported.path, exported.key, username="t1")
    assert len(_rows(worked, "households")) == 1
    pulled = _laptop(tmp_path, "pulled")
    with pulled.write() as repos:
        repos.sync_state.set(SyncKey.PULL_CURSOR, "elsewhere")
    with pytest.raises(seed.SeedRefused, match="pulled before"):
        seed.adopt(pulled.engine, exported.path, exported.key, username="t1")
    for store in (worked, pulled, maker):
        store.close()


def test_a_wrong_key_another_revision_or_a_cancel_changes_nothing(
    made: tuple[Store, seed.Exported], tmp_path: Path
) -> None:
    import threading

    maker, exported = made
    laptop = _laptop(tmp_path)
    with pytest.raises(seed.SeedRefused, match="cannot open"):
        seed.adopt(laptop.engine, exported.path, bytes(32), username="t1")
    _unchanged(laptop)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(seed.SeedRefused, match="cancelled"):
        seed.adopt(laptop.engine, exported.path, exported.key, username="t1", cancel=cancel)
    _unchanged(laptop)
    assert _triggers(laptop) == _triggers(maker)  # dropped for the copy, back after it
    other = sqlcipher3.connect(str(exported.path))
    try:
        other.execute(f"PRAGMA key = \"x'{exported.key.hex()}'\"")
        other.execute("UPDATE alembic_version SET version_num = 'r9999'")
        other.commit()
    finally:
        other.close()
    with pytest.raises(seed.SeedRefused, match="schema"):
        seed.adopt(laptop.engine, exported.path, exported.key, username="t1")
    _unchanged(laptop)
    assert seed.adoptable(laptop.engine)
    laptop.close()
    maker.close()


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        ("database or disk is full", DiskFull),
        ("file is not a database", seed.SeedRefused),  # a page of the seed is damaged
    ],
)
def test_a_failing_copy_is_rolled_back_with_a_clear_error(
    made: tuple[Store, seed.Exported],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: str,
    raised: type[Exception],
) -> None:
    maker, exported = made
    laptop = _laptop(tmp_path)
    real = seed._copy

    def failing(driver: Any, username: str, stop: Any) -> Any:
        real(driver, username, stop)  # everything copied, then the disk fills up
        raise sqlcipher3.OperationalError(error)

    monkeypatch.setattr(seed, "_copy", failing)
    with pytest.raises(raised):
        seed.adopt(laptop.engine, exported.path, exported.key, username="t1")
    _unchanged(laptop)
    assert seed.adoptable(laptop.engine)
    assert _triggers(laptop) == _triggers(maker)
    laptop.close()
    maker.close()
