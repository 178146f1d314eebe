"""Three laptops syncing through a proxy that resets, truncates, times out, answers 500
and delivers requests twice: after the network heals everything converges, nothing is
lost and no op is applied twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gridclient.storage.syncmeta import OpStatus
from gridcore.domain.entities import Visit
from gridcore.domain.enums import EntityKind
from gridserver.db import op_log
from tests.integration.sync.conftest import Laptop, World, server_snapshot
from tests.integration.sync.faultproxy import Fault, FaultProxy, random_plan

H = EntityKind.HOUSEHOLD


@pytest.fixture
def proxy(world: World) -> Iterator[FaultProxy]:
    proxy = FaultProxy(world.server.port, random_plan(seed=11, rate=0.5), stall=1.0)
    try:
        yield proxy
    finally:
        proxy.close()


def _ops_logged(world: World, device: str) -> int:
    with world.server.db.engine.connect() as connection:
        statement = select(func.count()).select_from(op_log).where(op_log.c.device_id == device)
        return int(connection.execute(statement).scalar_one())


def test_faulty_network_converges_without_loss_or_duplicates(
    world: World, proxy: FaultProxy, tmp_path: Path
) -> None:
    def laptop(user: str) -> Laptop:
        return Laptop(
            tmp_path / user, proxy.url, user, batch_size=4, page_size=6, timeout=(2.0, 0.5)
        )

    w1, w2, t1 = laptop("w1"), laptop("w2"), laptop("t1")
    g1, g2 = world.areas["G1"], world.areas["G2"]
    mine = [w1.new_household(g1, address=f"东路{i}号") for i in range(8)]
    for household in mine[:4]:
        w1.new_resident(household.id)
    theirs = [w2.new_household(g2, address=f"西路{i}号") for i in range(8)]
    shared = [t1.new_household(g1, address=f"中路{i}号", notes="原") for i in range(4)]
    shared2 = [t1.new_household(g2, address=f"南路{i}号", notes="原") for i in range(3)]
    for lap in (t1, w1, w2, t1):
        lap.sync_until_ok()
    # Offline edits on all three laptops, some of them on the same records.
    for i, household in enumerate(shared):
        w1.edit(H, household.id, notes=f"网格员{i}")
        t1.edit(H, household.id, number=str(i) if i % 2 else "", notes="街道" if i < 2 else "原")
    with w2.store.unit_of_work(actor="w2") as uow:
        uow.delete(H, shared2[0].id)
    t1.edit(H, shared2[0].id, notes="删除后编辑")
    w2.edit(H, shared2[1].id, notes="w2改")
    with w1.store.unit_of_work(actor="w1") as uow:
        for household in mine[:3]:
            uow.append(
                Visit(
                    household_id=household.id,
                    grid_id=g1,
                    visitor="w1",
                    visited_at=datetime.now(UTC),
                )
            )
    w2.edit(H, theirs[0].id, address="西路改0号")
    for lap in (w1, t1, w2, t1, w1, w2):
        lap.sync_until_ok()
    assert sum(proxy.seen[f] for f in Fault if f is not Fault.NONE) >= 8, proxy.seen
    assert len([f for f in Fault if proxy.seen[f]]) >= 5, proxy.seen  # most kinds happened
    proxy.plan = lambda _method, _path: Fault.NONE  # the network heals
    for lap in (w1, w2, t1, w1, w2, t1):
        assert lap.sync().ok
    server = server_snapshot(world)
    for lap in (w1, w2, t1):
        assert lap.pending() == 0
        fresh = Laptop(tmp_path / "fresh", world.url, lap.username)
        assert fresh.sync().ok
        a, b = lap.snapshot(), fresh.snapshot()
        diff = {k: (a.get(k), b.get(k)) for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
        assert not diff, repr(
            [(k, x[2][k], y[2][k]) for x, y in diff.values() for k in x[2] if x[2][k] != y[2][k]]
        )
        assert {k: v for k, v in server.items() if k in fresh.snapshot()} == fresh.snapshot()
        with lap.store.read() as repos:
            counts = repos.outbox.status_counts()
            answered = (
                counts[OpStatus.APPLIED] + counts[OpStatus.MERGED] + counts[OpStatus.CONFLICT]
            )
            conflicted = [
                op
                for op in repos.outbox.for_entity(H, shared[0].id)
                if op.status is OpStatus.CONFLICT
            ]
            conflicts = repos.conflicts.entries()
        assert _ops_logged(world, lap.store.device_id) == answered + counts[OpStatus.REJECTED]
        for op in conflicted:  # a losing edit is held in a conflict record
            assert any(c.entity_id == op.entity_id for c in conflicts)
        fresh.close()
    assert len([k for k in server if k[0] == H.value]) == 8 + 8 + 4 + 3
    assert len([k for k in server if k[0] == EntityKind.VISIT.value]) == 3
    assert server[(H.value, shared2[0].id)][1] is True  # deleted, the late edit a conflict
    for lap in (w1, w2, t1):
        lap.close()
