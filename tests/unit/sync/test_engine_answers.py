"""How the engine records the server's answers, with a scripted transport (no network):
a busy answer keeps the op pending and fails the run; an answer never raises the local
version (the pull brings the server's copy); progress and the last successful sync time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from gridclient.storage import Store, session_scope
from gridclient.storage.repositories import OUTBOX_RETENTION
from gridclient.storage.syncmeta import OpStatus, SyncKey
from gridclient.storage.uow import UnitOfWork
from gridclient.sync.engine import SyncEngine
from gridclient.sync.errors import ServerError
from gridclient.sync.transport import PullPage
from gridcore.domain.clock import DeviceClock
from gridcore.domain.entities import Household
from gridcore.domain.enums import EntityKind
from gridcore.protocol import OpResult, PullResponse, PushRequest, PushResponse
from tests.unit.storage.factories import CHEAP_KDF, PASSWORD

GRID = str(uuid.uuid4())


class Scripted:
    """Answers pushes with ``answer(op)`` and pulls with one empty page."""

    def __init__(self) -> None:
        self.answer: Any = lambda op: OpResult(op_id=op.op_id, status="applied", version=1)
        self.pushed: list[PushRequest] = []

    def push(self, request: PushRequest, **_: Any) -> PushResponse:
        self.pushed.append(request)
        return PushResponse(
            results=[self.answer(op) for op in request.ops], server_time=datetime.now(UTC)
        )

    def pull(self, cursor: str, limit: int | None = None, **_: Any) -> PullResponse:
        return PullResponse(
            changes=[],
            evictions=[],
            conflicts=[],
            cursor="c1",
            more=False,
            server_time=datetime.now(UTC),
        )

    def seed_offer(self, **_: Any) -> None:
        return None  # no seed on this server: a first pull fetches rows

    def pull_page(self, cursor: str, limit: int | None = None, **_: Any) -> PullPage:
        return PullPage.from_response(self.pull(cursor, limit))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.create(tmp_path / "s.db", PASSWORD, kdf=CHEAP_KDF)
    try:
        yield opened
    finally:
        opened.close()


def _households(store: Store, count: int) -> list[Household]:
    made = [Household(grid_id=GRID, address=f"路{i}号") for i in range(count)]
    with store.unit_of_work(actor="w1") as uow:
        for household in made:
            uow.create(household)
    return made


def test_busy_answers_stay_pending_and_fail_the_run(store: Store) -> None:
    first, second = _households(store, 2)
    transport = Scripted()
    transport.answer = lambda op: (
        OpResult(op_id=op.op_id, status="rejected", reason="busy", message="服务器繁忙")
        if op.entity_id == second.id
        else OpResult(op_id=op.op_id, status="applied", version=1)
    )
    report = SyncEngine(store, transport).run()  # type: ignore[arg-type]
    assert not report.ok and isinstance(report.errors[0], ServerError)
    assert report.applied == 1 and report.rejected == 0
    with store.read() as repos:
        [pending] = repos.outbox.pending()
        assert pending.entity_id == second.id
        assert repos.sync_state.last_sync_at() is None
        assert repos.sync_state.get(SyncKey.PULL_CURSOR) is None  # no pull after a failed push
    transport.answer = lambda op: OpResult(op_id=op.op_id, status="applied", version=1)
    progress: list[tuple[str, int, int]] = []
    report = SyncEngine(store, transport, progress=lambda *a: progress.append(a)).run()  # type: ignore[arg-type]
    assert report.ok and report.pushed == 1
    assert ("push", 1, 1) in progress and any(p[0] == "pull" for p in progress)
    with store.read() as repos:
        assert repos.outbox.pending() == []
        assert repos.sync_state.last_sync_at() is not None
        assert repos.sync_state.get(SyncKey.PULL_CURSOR) == "c1"
        # The answer never raises the local version: only the server's copy, pulled,
        # may (it carries what the server assigned, and the version guard would refuse
        # it if the version had been claimed already).
        assert repos.records.get(Household, first.id).version == 0  # type: ignore[union-attr]


@pytest.mark.parametrize("version", [1, 3])
def test_push_answer_never_raises_the_local_version(store: Store, version: int) -> None:
    [household] = _households(store, 1)
    transport = Scripted()
    transport.answer = lambda op: OpResult(op_id=op.op_id, status="applied", version=version)
    assert SyncEngine(store, transport).run().ok  # type: ignore[arg-type]
    with store.read() as repos:
        assert repos.records.get(Household, household.id).version == 0  # type: ignore[union-attr]


def test_batches_follow_seq_order(store: Store) -> None:
    _households(store, 7)
    transport = Scripted()
    report = SyncEngine(store, transport, batch_size=3).run()  # type: ignore[arg-type]
    assert report.ok and [len(r.ops) for r in transport.pushed] == [3, 3, 1]
    seqs = [op.seq for r in transport.pushed for op in r.ops]
    assert seqs == sorted(seqs)
    with store.read() as repos:
        assert repos.outbox.status_counts()[OpStatus.APPLIED] == 7
        assert repos.records.counts()[EntityKind.HOUSEHOLD] == 7


def _made_ago(store: Store, age: timedelta) -> Household:
    """A household whose create op was queued ``age`` ago (ops are immutable, so the
    unit of work's clock is set back instead of the op's time)."""
    made = Household(grid_id=GRID, address="旧路1号")
    with session_scope(store.engine, write=True) as session:
        UnitOfWork(session, actor="w1", clock=DeviceClock(-age)).create(made)
    return made


class PullFails(Scripted):
    def pull_page(self, cursor: str, limit: int | None = None, **_: Any) -> PullPage:
        raise ServerError(status=503)


def test_a_clean_sync_prunes_answered_ops_older_than_the_retention(store: Store) -> None:
    """The outbox keeps a month of answered ops; pending and rejected ones always stay
    (the refused-changes views and ``rescue`` read them), and a failed run prunes nothing."""
    month = OUTBOX_RETENTION
    old, old_refused = (_made_ago(store, month + timedelta(days=1)) for _ in range(2))
    recent = _made_ago(store, month - timedelta(days=1))
    transport = Scripted()
    transport.answer = lambda op: (
        OpResult(op_id=op.op_id, status="rejected", reason="invalid_field", message="地址不合规")
        if op.entity_id == old_refused.id
        else OpResult(op_id=op.op_id, status="applied", version=1)
    )
    report = SyncEngine(store, transport).run()  # type: ignore[arg-type]
    assert report.rejected == 1 and not report.ok and report.pruned == 0
    with store.read() as repos:  # the first run had a rejection: nothing pruned
        assert len(repos.outbox.for_entity(EntityKind.HOUSEHOLD, old.id)) == 1

    assert not SyncEngine(store, PullFails()).run().ok  # type: ignore[arg-type]
    with store.read() as repos:
        assert len(repos.outbox.for_entity(EntityKind.HOUSEHOLD, old.id)) == 1  # kept

    report = SyncEngine(store, Scripted()).run()  # type: ignore[arg-type]
    assert report.ok and report.pruned == 1
    with store.read() as repos:
        assert repos.outbox.for_entity(EntityKind.HOUSEHOLD, old.id) == []
        [refused] = repos.outbox.for_entity(EntityKind.HOUSEHOLD, old_refused.id)
        assert refused.status is OpStatus.REJECTED and refused.message == "地址不合规"
        [kept] = repos.outbox.for_entity(EntityKind.HOUSEHOLD, recent.id)
        assert kept.status is OpStatus.APPLIED
