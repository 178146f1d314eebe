"""The bulk path: wire rows in, the same storage as the unit of work, newest version
wins, bad values refused before anything of their chunk is written."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text

from gridclient.storage import Store, bulk_upsert, write_connection
from gridclient.storage.convert import table_for
from gridcore.domain.codec import CodecError, encode_fields
from gridcore.domain.entities import Household, Record, Resident
from gridcore.domain.enums import EntityKind
from tests.unit.storage.factories import (
    ACTOR,
    action,
    area,
    attachment,
    event,
    household,
    organization,
    resident,
    satisfied_action,
    sparse_resident,
    visit,
)

SERVER_TIME = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def _wire(record: Record, **meta: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": record.id,
        "version": record.version,
        "deleted": record.deleted,
        "updated_at": None if record.updated_at is None else record.updated_at.isoformat(),
    }
    row.update(meta)
    row.update(encode_fields(record))
    return row


def _served(record: Record, version: int = 1) -> Record:
    return dataclasses.replace(record, version=version, updated_at=SERVER_TIME)


def test_every_kind_round_trips_through_bulk(store: Store) -> None:
    home = household()
    ev = event()
    records = [
        _served(r)
        for r in (
            area(),
            home,
            resident(home.id),
            sparse_resident(home.id),
            organization(members=None),
            visit(home.id),
            ev,
            action(ev.id),
            satisfied_action(ev.id),
            attachment(),
        )
    ]
    with write_connection(store.engine) as connection:
        for record in records:
            assert bulk_upsert(connection, record.KIND, [_wire(record)]) == 1
    with store.read() as repos:
        for record in records:
            assert repos.records.get(type(record), record.id) == record, record.KIND


def test_bulk_stores_exactly_what_the_unit_of_work_stores(store: Store) -> None:
    home = household()
    via_uow = resident(home.id)
    via_bulk = dataclasses.replace(via_uow, id="bulk-" + via_uow.id)
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        uow.create(via_uow)
    with write_connection(store.engine) as connection:
        bulk_upsert(connection, EntityKind.RESIDENT, [_wire(via_bulk)])
    columns = [c.name for c in table_for(EntityKind.RESIDENT).columns if c.name != "id"]
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT * FROM residents WHERE id IN (:a, :b) ORDER BY id"),
            {"a": via_uow.id, "b": via_bulk.id},
        ).mappings()
        stored = [tuple(row[c] for c in columns) for row in rows]
        types = connection.execute(
            text("SELECT typeof(birth_date), typeof(tags), typeof(deleted) FROM residents")
        ).all()
    assert stored[0] == stored[1]
    assert set(types) == {("text", "text", "integer")}


def test_only_a_newer_version_replaces_the_stored_copy(store: Store) -> None:
    home = _served(household(), version=5)
    with write_connection(store.engine) as connection:
        bulk_upsert(connection, EntityKind.HOUSEHOLD, [_wire(home)])
        bulk_upsert(connection, EntityKind.HOUSEHOLD, [_wire(home, version=4, address="旧")])
        bulk_upsert(connection, EntityKind.HOUSEHOLD, [_wire(home, version=5, address="同")])
    with store.read() as repos:
        assert repos.records.get(Household, home.id) == home
    newer = dataclasses.replace(home, version=6, address="新地址", deleted=True)
    with write_connection(store.engine) as connection:
        bulk_upsert(connection, EntityKind.HOUSEHOLD, [_wire(newer)])
    with store.read() as repos:
        assert repos.records.get(Household, home.id) == newer


def test_many_rows_in_small_chunks(store: Store) -> None:
    homes = [_served(household(address=f"{i} 号")) for i in range(25)]
    with write_connection(store.engine) as connection:
        assert bulk_upsert(connection, EntityKind.HOUSEHOLD, map(_wire, homes), chunk_size=4) == 25
    with store.read() as repos:
        assert repos.records.get_many(Household, [h.id for h in homes]) == {h.id: h for h in homes}
    with pytest.raises(ValueError), write_connection(store.engine) as connection:
        bulk_upsert(connection, EntityKind.HOUSEHOLD, [], chunk_size=0)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("relation", "cousin_twice_removed"),  # unknown enum code
        ("birth_date", "1990-13-01"),
        ("disability_grade", True),  # a bool is not an int
        ("disability_grade", "2"),
        ("name", 42),
        ("tags", ["no_such_group"]),
        ("tags", "elderly_60"),  # not a list
        ("id", ""),
        ("version", -1),
        ("deleted", "yes"),
        ("updated_at", "yesterday"),
    ],
)
def test_bad_values_are_refused_before_writing(store: Store, field: str, value: Any) -> None:
    home = household()
    good = _served(resident(home.id))
    bad = _wire(_served(resident(home.id)))
    bad[field] = value
    with pytest.raises(CodecError) as caught, write_connection(store.engine) as connection:
        bulk_upsert(connection, EntityKind.RESIDENT, [_wire(good), bad])
    assert caught.value.field in {field, "id"}
    with store.read() as repos:
        assert repos.records.get(Resident, good.id) is None


def test_missing_fields_are_refused(store: Store) -> None:
    row = _wire(_served(household()))
    del row["address"]
    with pytest.raises(CodecError) as caught, write_connection(store.engine) as connection:
        bulk_upsert(connection, EntityKind.HOUSEHOLD, [row])
    assert caught.value.field == "address"


def test_a_true_among_ones_is_still_caught(store: Store) -> None:
    home = household()
    rows = [_wire(_served(resident(home.id, disability_grade=1))) for _ in range(3)]
    rows[2]["disability_grade"] = True
    with pytest.raises(CodecError), write_connection(store.engine) as connection:
        bulk_upsert(connection, EntityKind.RESIDENT, rows)


def test_metadata_defaults(store: Store) -> None:
    home = household()
    row = {"id": home.id, **encode_fields(home)}  # no version / deleted / updated_at
    with write_connection(store.engine) as connection:
        bulk_upsert(connection, EntityKind.HOUSEHOLD, [row])
    with store.read() as repos:
        assert repos.records.get(Household, home.id) == home
    with store.engine.connect() as connection:
        table = table_for(EntityKind.HOUSEHOLD)
        assert connection.execute(select(table.c.version)).scalar_one() == 0
