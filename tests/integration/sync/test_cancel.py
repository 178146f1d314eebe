"""Cooperative cancel in the push phase (the UI's cancel button): the engine stops after
the batch it is in, whatever the server answered stays recorded, the rest stays pending,
and the next run sends only the rest: nothing lost, nothing sent twice."""

from __future__ import annotations

import threading

import pytest

from gridclient.storage.syncmeta import OpStatus
from gridclient.sync.engine import Phase
from gridclient.sync.errors import Cancelled
from gridcore.domain.enums import EntityKind
from tests.integration.sync.conftest import Laptop, World, server_snapshot


def test_cancel_during_push_keeps_answered_batches_and_resumes(
    world: World, laptops: dict[str, Laptop]
) -> None:
    w1 = laptops["w1"]
    made = [w1.new_household(world.areas["G1"], address=f"路{i}号") for i in range(12)]
    cancel = threading.Event()
    seen: list[tuple[str, int, int]] = []

    def progress(phase: str, done: int, total: int) -> None:
        seen.append((phase, done, total))
        if phase == Phase.PUSH:
            cancel.set()  # the cancel button, pressed during the first batch

    engine = w1.engine(cancel=cancel, progress=progress)
    engine.batch_size = 5
    with pytest.raises(Cancelled):
        engine.run()
    assert seen == [(Phase.PUSH, 5, 12)]
    with w1.store.read() as repos:
        counts = repos.outbox.status_counts()
    assert counts[OpStatus.APPLIED] == 5 and counts[OpStatus.PENDING] == 7
    on_server = {i for (kind, i) in server_snapshot(world) if kind == EntityKind.HOUSEHOLD.value}
    assert len(on_server) == 5

    report = w1.sync()
    assert report.ok and report.pushed == 7  # only the rest: nothing sent twice
    on_server = {i for (kind, i) in server_snapshot(world) if kind == EntityKind.HOUSEHOLD.value}
    assert on_server == {h.id for h in made}
    assert w1.pending() == 0


def test_cancel_before_the_run_sends_nothing(world: World, laptops: dict[str, Laptop]) -> None:
    w1 = laptops["w1"]
    w1.new_household(world.areas["G1"])
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        w1.engine(cancel=cancel).run()
    assert w1.pending() == 1 and not server_snapshot(world)
