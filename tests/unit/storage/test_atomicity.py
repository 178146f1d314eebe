"""A unit of work commits its rows and its ops together or not at all."""

from __future__ import annotations

import pytest

from gridclient.storage import Store, SyncKey
from gridclient.storage.repositories import OutboxRepository, RecordRepository
from gridclient.storage.uow import UnitOfWork
from gridcore.domain.entities import Household
from tests.unit.storage.factories import ACTOR, household


class Boom(RuntimeError):
    pass


def _nothing_written(store: Store, home: Household) -> None:
    with store.read() as repos:
        assert repos.records.get(Household, home.id) is None
        assert repos.outbox.pending() == []
        assert repos.sync_state.get(SyncKey.NEXT_SEQ) == 1


def test_failure_after_the_row_write_leaves_neither_row_nor_op(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = household()
    written: list[str] = []

    def row_is_there_then_fail(self: OutboxRepository, op: object) -> None:
        if RecordRepository(self._session).get(Household, home.id) is not None:
            written.append(home.id)
        raise Boom

    monkeypatch.setattr(OutboxRepository, "add", row_is_there_then_fail)
    with pytest.raises(Boom), store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    assert written == [home.id]
    _nothing_written(store, home)


def test_failure_after_the_op_rolls_back_everything(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = household()
    original = UnitOfWork._queue

    def queue_then_fail(self: UnitOfWork, *args: object, **kwargs: object) -> object:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        raise Boom

    monkeypatch.setattr(UnitOfWork, "_queue", queue_then_fail)
    with pytest.raises(Boom), store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    _nothing_written(store, home)


def test_an_error_later_in_the_block_undoes_earlier_changes(store: Store) -> None:
    first, second = household(), household()
    with pytest.raises(Boom), store.unit_of_work(actor=ACTOR) as uow:
        uow.create(first)
        uow.create(second)
        raise Boom
    _nothing_written(store, first)
    _nothing_written(store, second)

    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.create(first)
    assert op.seq == 1  # the rolled-back sequence numbers were not consumed
