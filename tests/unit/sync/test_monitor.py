"""The connectivity monitor with fake clocks and a scripted probe (no sleeps). Two syncs
never overlap because the UI's ``SyncController`` starts them (tests/ui/test_sync_ui.py)."""

from __future__ import annotations

import itertools

from gridclient.sync.monitor import ConnectivityMonitor


class Clocks:
    def __init__(self) -> None:
        self.wall = 1_000_000.0
        self.mono = 50.0

    def advance(self, seconds: float, *, asleep: bool = False) -> None:
        self.wall += seconds
        if not asleep:  # suspend stops the monotonic clock
            self.mono += seconds


def _monitor(clocks: Clocks, probe: list[bool], syncs: list[int]) -> ConnectivityMonitor:
    answers = iter(probe)
    return ConnectivityMonitor(
        lambda: next(answers),
        lambda: syncs.append(1),
        interval=30,
        min_backoff=5,
        max_backoff=40,
        wake_jump=60,
        wall_clock=lambda: clocks.wall,
        monotonic=lambda: clocks.mono,
    )


def test_offline_probes_back_off_and_the_first_success_syncs() -> None:
    clocks, syncs = Clocks(), []
    probes = [False, False, False, False, True]
    monitor = _monitor(clocks, probes, syncs)
    probed_at: list[float] = []
    original = monitor._probe

    def probe() -> bool:
        probed_at.append(clocks.mono)
        return original()

    monitor._probe = probe
    start = clocks.mono
    while len(probed_at) < len(probes):
        monitor.tick()
        clocks.advance(1)
    gaps = [b - a for a, b in itertools.pairwise(probed_at)]
    assert probed_at[0] == start
    assert gaps == [5, 10, 20, 40]
    assert monitor.online is True and syncs == [1]
    clocks.advance(10)
    assert not monitor.tick()  # online: no probe before the interval, no new sync
    assert syncs == [1]


def test_a_wall_clock_jump_means_wake_up_and_syncs() -> None:
    clocks, syncs = Clocks(), []
    monitor = _monitor(clocks, [True, True, True], syncs)
    assert monitor.tick() and syncs == [1]
    clocks.advance(5)
    assert not monitor.tick()
    clocks.advance(3600, asleep=True)
    assert monitor.tick()
    assert syncs == [1, 1]


def test_probe_exceptions_count_as_offline() -> None:
    clocks = Clocks()

    def probe() -> bool:
        raise OSError("no route")

    monitor = ConnectivityMonitor(
        probe, lambda: None, wall_clock=lambda: clocks.wall, monotonic=lambda: clocks.mono
    )
    assert not monitor.tick()
    assert monitor.online is False
