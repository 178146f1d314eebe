"""Migrations run in-process: empty store → head, an older store → head with a backup
first, the schema at head equal to the models, failures rolled back."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, text, update

from gridclient.storage import (
    MigrationFailed,
    Store,
    StoreTooNew,
    SyncKey,
    create_store_engine,
    write_connection,
)
from gridclient.storage.keys import create_key_file, key_file_for, unlock
from gridclient.storage.migrate import current_revision, head_revision, upgrade
from gridclient.storage.models import Base, ConflictRow, OutboxRow
from gridcore.domain.catalog import event_deadline
from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import Event, Household, Resident
from gridcore.domain.enums import EntityKind, EventSource, LimitKind
from tests.unit.storage.factories import ACTOR, CHEAP_KDF, PASSWORD, household, resident

UPDATED_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _wire(record: Household | Resident) -> dict[str, object]:
    return {
        "id": record.id,
        "version": 7,
        "deleted": False,
        "updated_at": UPDATED_AT.isoformat(),
        **encode_fields(record),
    }


def storage_rows(kind: EntityKind, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Wire rows in the storage form of the current models, by column name."""
    from gridclient.storage.bulk import _compiled, storage_tuples

    _sql, positions = _compiled(kind)
    return [dict(zip(positions, values, strict=True)) for values in storage_tuples(kind, rows)]


def _store_at_0001(path: Path) -> tuple[Household, Resident]:
    """A store as the previous client version left it: schema 0001 with data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = create_key_file(key_file_for(path), PASSWORD, params=CHEAP_KDF, user=ACTOR)
    engine = create_store_engine(path, key)
    try:
        upgrade(engine, "0001")
        home = household()
        person = resident(home.id)
        with write_connection(engine) as connection:
            # Households and residents gained columns since 0001: write the ones it had.
            for table, kind, record in (
                ("households", EntityKind.HOUSEHOLD, home),
                ("residents", EntityKind.RESIDENT, person),
            ):
                old_columns = [c["name"] for c in inspect(connection).get_columns(table)]
                [row] = storage_rows(kind, [_wire(record)])
                connection.execute(
                    text(
                        f"INSERT INTO {table} ({', '.join(old_columns)}) "  # noqa: S608
                        f"VALUES ({', '.join(':' + c for c in old_columns)})"
                    ),
                    {c: row[c] for c in old_columns},
                )
        assert current_revision(engine) == "0001"
        assert "outbox" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    return home, person


def test_a_new_store_is_at_head_and_matches_the_models(store: Store) -> None:
    assert current_revision(store.engine) == head_revision() == "0018"
    with store.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diffs == []
    assert not (store.path.parent / "backups").exists()


def test_schema_comparison_would_notice_a_difference(store: Store) -> None:
    with write_connection(store.engine) as connection:
        connection.execute(text("DROP INDEX ix_residents_id_number"))
    with store.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d[0] for d in diffs] == ["add_index"]


def test_an_existing_empty_store_is_migrated_without_a_backup(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    key = create_key_file(key_file_for(db_path), PASSWORD, params=CHEAP_KDF)
    engine = create_store_engine(db_path, key)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
    assert db_path.exists()

    with Store.open(db_path, PASSWORD) as store:
        assert current_revision(store.engine) == head_revision()
        with store.read() as repos:
            assert repos.sync_state.get(SyncKey.DEVICE_ID) == store.device_id
    assert not (db_path.parent / "backups").exists()


def test_a_store_at_0001_is_backed_up_then_upgraded_keeping_its_data(db_path: Path) -> None:
    home, person = _store_at_0001(db_path)

    with Store.open(db_path, PASSWORD) as store:
        assert current_revision(store.engine) == head_revision()
        with store.read() as repos:
            stored_home = repos.records.get(Household, home.id)
            stored_person = repos.records.get(Resident, person.id)
            assert repos.sync_state.get(SyncKey.NEXT_SEQ) == 1
        with store.unit_of_work(actor=ACTOR) as uow:
            uow.create(household())  # the new tables work
    assert stored_home == dataclasses.replace(home, version=7, updated_at=UPDATED_AT)
    assert stored_person == dataclasses.replace(person, version=7, updated_at=UPDATED_AT)

    backups = sorted((db_path.parent / "backups").iterdir())
    assert [p.suffix for p in backups] == [".db", ".key"]
    backup, backup_key = backups
    assert backup.name.startswith("store.rev-0001.")
    assert backup_key == key_file_for(backup)
    engine = create_store_engine(backup, unlock(backup_key, PASSWORD), read_only=True)
    try:
        assert current_revision(engine) == "0001"
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM households")).scalar_one()
        assert count == 1
    finally:
        engine.dispose()


def test_a_failed_migration_rolls_back_and_names_the_backup(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _person = _store_at_0001(db_path)
    real_upgrade = command.upgrade

    def upgrade_then_fail(config: object, revision: str) -> None:
        real_upgrade(config, revision)  # type: ignore[arg-type]
        raise OSError("disk full")

    monkeypatch.setattr(command, "upgrade", upgrade_then_fail)
    with pytest.raises(MigrationFailed) as caught:
        Store.open(db_path, PASSWORD)
    assert caught.value.backup is not None and caught.value.backup.exists()
    assert str(caught.value.backup) in str(caught.value)
    monkeypatch.undo()

    engine = create_store_engine(db_path, unlock(key_file_for(db_path), PASSWORD))
    try:
        # Transactional DDL: the 0002 tables are gone again, the data is untouched.
        assert current_revision(engine) == "0001"
        assert "outbox" not in inspect(engine).get_table_names()
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            ids = connection.execute(text("SELECT id FROM households")).scalars().all()
        assert ids == [home.id]
    finally:
        engine.dispose()
    with Store.open(db_path, PASSWORD) as store:
        assert current_revision(store.engine) == head_revision()


def test_a_store_from_a_newer_client_is_not_touched(store: Store, db_path: Path) -> None:
    with write_connection(store.engine) as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    store.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreTooNew):
        Store.open(db_path, PASSWORD)
    assert db_path.read_bytes() == before
    assert not (db_path.parent / "backups").exists()


def test_foreign_keys_are_back_on_after_migrating(store: Store) -> None:
    for _ in range(3):
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_migration_rejects_foreign_key_violations(store: Store) -> None:
    """The check that guards FK-less table rebuilds does fire."""
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.create(household())
    with write_connection(store.engine, foreign_keys=False) as connection:
        connection.execute(
            insert(ConflictRow).values(
                id="c",
                entity="household",
                entity_id="x",
                field="phone",
                base=None,
                mine=None,
                theirs=None,
                created_at=UPDATED_AT,
                resolved=False,
                op_id="no-such-op",
            )
        )
        connection.execute(
            update(OutboxRow).where(OutboxRow.op_id == op.op_id).values(status="applied")
        )
    with pytest.raises(MigrationFailed, match="升级失败"):
        upgrade(store.engine, "head")  # at head already: only the check runs


def test_0004_sends_a_laptop_that_synced_before_back_for_the_servers_copies(
    db_path: Path,
) -> None:
    """A store at 0003 that has pulled: its cursor goes back to the start and the next
    full pull may replace rows of the same version (their version may have been raised
    by the old push-answer rule without the server's copy)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    key = create_key_file(key_file_for(db_path), PASSWORD, params=CHEAP_KDF, user=ACTOR)
    engine = create_store_engine(db_path, key)
    try:
        upgrade(engine, "0003")
        with write_connection(engine) as connection:
            connection.execute(
                text("INSERT INTO sync_state (key, value) VALUES ('pull_cursor', '\"abc\"')")
            )
    finally:
        engine.dispose()
    with Store.open(db_path, PASSWORD) as store, store.read() as repos:
        assert repos.sync_state.get(SyncKey.PULL_CURSOR) == ""
        assert repos.sync_state.get(SyncKey.REPULL_EQUAL) is True
        assert "held_records" in inspect(store.engine).get_table_names()
        assert "server_at" in {c["name"] for c in inspect(store.engine).get_columns("visits")}


def test_0004_leaves_a_store_that_never_pulled_alone(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    key = create_key_file(key_file_for(db_path), PASSWORD, params=CHEAP_KDF, user=ACTOR)
    engine = create_store_engine(db_path, key)
    try:
        upgrade(engine, "0003")
    finally:
        engine.dispose()
    with Store.open(db_path, PASSWORD) as store, store.read() as repos:
        assert repos.sync_state.get(SyncKey.REPULL_EQUAL) is None


def test_0008_carries_events_over_with_the_terms_of_the_stored_catalog(db_path: Path) -> None:
    """Events stored before terms were kept get the catalog this laptop holds (marked
    inferred); one whose category that catalog lacks keeps its code and the default."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    key = create_key_file(key_file_for(db_path), PASSWORD, params=CHEAP_KDF, user=ACTOR)
    engine = create_store_engine(db_path, key)
    columns = (
        "id, version, deleted, updated_at, grid_id, category_code, ledger, urgency, title, "
        "reporter, reported_at, description, location, people_involved, household_id, "
        "attachments"
    )
    try:
        upgrade(engine, "0005")
        with write_connection(engine) as connection:
            connection.execute(
                text(
                    'INSERT INTO event_categories (code, name, "group", ledger, time_limits, '
                    "active, position) VALUES ('01001', '邻里纠纷', 'dispute', 'appeal', "
                    '\'{"normal": 15, "urgent": 3}\', 1, 0)'
                )
            )
            for event_id, code, urgency in [
                ("e1", "01001", "normal"),
                ("e2", "01001", "critical"),
                ("e3", "09999", "urgent"),
            ]:
                connection.execute(
                    text(
                        f"INSERT INTO events ({columns}) VALUES (:id, 1, 0, NULL, 'g', :code, "  # noqa: S608
                        "'appeal', :urgency, 't', 'w', '2026-01-02 03:04:05.000000', '', '', "
                        "'', NULL, '[]')"
                    ),
                    {"id": event_id, "code": code, "urgency": urgency},
                )
    finally:
        engine.dispose()
    with Store.open(db_path, PASSWORD) as store, store.read() as repos:
        events = repos.records.get_many(Event, ["e1", "e2", "e3"])
    assert {
        e: (v.category_name, v.time_limit_days, v.terms_inferred) for e, v in events.items()
    } == {
        "e1": ("邻里纠纷", 15, True),
        "e2": ("邻里纠纷", 0, True),  # 特急 not listed: the same day
        "e3": ("09999", 3, True),  # unknown: the code, the 紧急 default
    }
    assert all(e.number == "" for e in events.values())


def test_0010_carries_events_over_as_calendar_days(db_path: Path) -> None:
    """Events stored before limit kinds existed count calendar days, as they did: their
    deadline does not move, whatever the holiday calendar."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    key = create_key_file(key_file_for(db_path), PASSWORD, params=CHEAP_KDF, user=ACTOR)
    engine = create_store_engine(db_path, key)
    try:
        upgrade(engine, "0009")
        with write_connection(engine) as connection:
            connection.execute(
                text(
                    'INSERT INTO event_categories (code, name, "group", ledger, time_limits, '
                    "active, position) VALUES ('01001', '邻里纠纷', 'dispute', 'appeal', "
                    "'{\"normal\": 15}', 1, 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO events (id, version, deleted, updated_at, grid_id, "
                    "category_code, ledger, urgency, title, reporter, reported_at, "
                    "description, location, people_involved, household_id, attachments, "
                    "category_name, time_limit_days, catalog_revision, terms_inferred, number) "
                    "VALUES ('e1', 1, 0, NULL, 'g', '01001', 'appeal', 'normal', 't', 'w', "
                    "'2026-09-29 02:00:00.000000', '', '', '', NULL, '[]', '邻里纠纷', 3, 1, 0, '')"
                )
            )
    finally:
        engine.dispose()
    with Store.open(db_path, PASSWORD) as store, store.read() as repos:
        [event] = repos.records.get_many(Event, ["e1"]).values()
        catalog = repos.catalog.load()
    assert (event.limit_kind, event.time_limit_hours) == (LimitKind.CALENDAR, None)
    assert catalog.get("01001").limit_kind is LimitKind.CALENDAR
    assert catalog.get("01001").hour_limits == {}
    # Reported 2026-09-29 10:00 CST, 3 days: 10-02 in calendar days (in working days it
    # would be 10-09, after 国庆).
    assert event_deadline(event, catalog).date().isoformat() == "2026-10-02"


def test_0012_reads_every_stored_event_as_a_grid_workers_report(db_path: Path) -> None:
    """Events stored before sources existed are 网格员上报; the stored catalog's
    categories stay self-resolvable until the server's flagged catalog arrives; a 不满意
    the server accepted before stays final, one not sent yet follows the new rule."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    key = create_key_file(key_file_for(db_path), PASSWORD, params=CHEAP_KDF, user=ACTOR)
    engine = create_store_engine(db_path, key)
    try:
        upgrade(engine, "0011")
        with write_connection(engine) as connection:
            connection.execute(
                text(
                    'INSERT INTO event_categories (code, name, "group", ledger, time_limits, '
                    "active, position) VALUES ('04010', '涉黄赌毒线索举报', 'complaint', "
                    "'complaint', '{\"normal\": 7}', 1, 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO events (id, version, deleted, updated_at, grid_id, "
                    "category_code, ledger, urgency, title, reporter, reported_at, "
                    "description, location, people_involved, household_id, attachments, "
                    "category_name, time_limit_days, catalog_revision, terms_inferred, number) "
                    "VALUES ('e1', 1, 0, NULL, 'g', '04010', 'complaint', 'normal', 't', 'w', "
                    "'2026-09-29 02:00:00.000000', '', '', '', NULL, '[]', '涉黄赌毒线索举报', "
                    "7, 1, 0, '')"
                )
            )
            for action_id, server_at in [("a1", "2026-10-03 03:04:05.000000"), ("a2", None)]:
                connection.execute(
                    text(
                        "INSERT INTO event_actions (id, version, deleted, updated_at, event_id, "
                        "kind, actor, actor_role, at, comment, assignee, satisfaction, "
                        "attachments, server_at) VALUES (:id, 1, 0, NULL, 'e1', 'evaluate', "
                        "'w', 'worker', '2026-10-03 03:04:05.000000', '', '', 'unsatisfied', "
                        "'[]', :server_at)"
                    ),
                    {"id": action_id, "server_at": server_at},
                )
    finally:
        engine.dispose()
    with Store.open(db_path, PASSWORD) as store, store.read() as repos:
        event = repos.records.get(Event, "e1")
        catalog = repos.catalog.load()
        history = repos.records.event_history("e1")
    assert event is not None and event.source is EventSource.GRID_WORKER
    assert catalog.get("04010").self_resolvable
    assert history is not None
    assert {a.id: a.final_evaluation for a in history.actions} == {"a1": True, "a2": False}
