"""UnitOfWork.create_many: the bulk path of the Excel import writes the same rows and
the same outbox ops as create() one record at a time."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gridclient.storage import Store
from gridclient.storage.errors import DuplicateRecord, MissingParent, WrongOperation
from gridclient.storage.syncmeta import SyncKey
from gridcore.domain.entities import Household, Resident
from gridcore.domain.enums import EntityKind
from tests.unit.storage.factories import ACTOR, CHEAP_KDF, PASSWORD, household, resident, visit


def _family() -> list[Household | Resident]:
    home = household()
    return [home, resident(home.id), resident(home.id, name="李四")]


def _op_view(store: Store) -> list[tuple[object, ...]]:
    with store.read() as repos:
        return [
            (
                op.seq,
                op.entity,
                op.entity_id,
                op.kind,
                op.base_version,
                op.changes,
                op.actor,
                op.status,
            )
            for op in repos.outbox.pending()
        ]


def test_same_rows_and_ops_as_create(store: Store, tmp_path: Path) -> None:
    records = _family()
    twin = Store.create(tmp_path / "twin.db", PASSWORD, username=ACTOR, kdf=CHEAP_KDF)
    try:
        with store.unit_of_work(actor=ACTOR) as uow:
            ops = uow.create_many(records)
            assert uow.queued_ops() == ops
        with twin.unit_of_work(actor=ACTOR) as uow:
            for record in records:
                uow.create(dataclasses.replace(record))
        assert _op_view(store) == _op_view(twin)
        with store.read() as a, twin.read() as b:
            for record in records:
                assert a.records.get(type(record), record.id) == b.records.get(
                    type(record), record.id
                )
            assert a.sync_state.get(SyncKey.NEXT_SEQ) == b.sync_state.get(SyncKey.NEXT_SEQ)
    finally:
        twin.close()


def test_checks_like_create(store: Store) -> None:
    home = household()
    with pytest.raises(MissingParent), store.unit_of_work(actor=ACTOR) as uow:
        uow.create_many([resident(home.id)])
    with pytest.raises(DuplicateRecord), store.unit_of_work(actor=ACTOR) as uow:
        uow.create_many([home, home])
    with pytest.raises(WrongOperation), store.unit_of_work(actor=ACTOR) as uow:
        uow.create_many([home, visit(home.id)])
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create_many([home])
    with pytest.raises(DuplicateRecord), store.unit_of_work(actor=ACTOR) as uow:
        uow.create_many([dataclasses.replace(home)])
    with store.unit_of_work(actor=ACTOR) as uow:  # an existing live parent is fine
        assert len(uow.create_many([resident(home.id)])) == 1
    with store.read() as repos:
        assert repos.records.counts()[EntityKind.RESIDENT] == 1
        assert len(repos.outbox.pending()) == 2
