"""The connectivity monitor with fake clocks and a scripted probe; concurrency with real
threads coordinated by events (no sleeps)."""

from __future__ import annotations

import itertools
import threading

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


def test_requests_during_a_sync_coalesce_into_one_follow_up() -> None:
    entered = threading.Event()
    release = threading.Event()
    runs: list[int] = []
    active = 0
    overlap = False
    lock = threading.Lock()

    def sync() -> None:
        nonlocal active, overlap
        with lock:
            active += 1
            overlap = overlap or active > 1
        runs.append(1)
        if len(runs) == 1:
            entered.set()
            assert release.wait(10)
        with lock:
            active -= 1

    monitor = ConnectivityMonitor(lambda: True, sync)
    first = threading.Thread(target=monitor.request_sync)
    first.start()
    assert entered.wait(10)
    results = []
    others = [
        threading.Thread(target=lambda: results.append(monitor.request_sync())) for _ in range(5)
    ]
    for thread in others:
        thread.start()
    for thread in others:
        thread.join(10)
    assert results == [False] * 5 and monitor.syncing
    release.set()
    first.join(10)
    assert not first.is_alive()
    assert len(runs) == 2  # the first run and exactly one follow-up
    assert not overlap and not monitor.syncing


def test_a_failing_sync_does_not_wedge_the_monitor() -> None:
    calls: list[int] = []

    def sync() -> None:
        calls.append(1)
        raise RuntimeError("server exploded")

    monitor = ConnectivityMonitor(lambda: True, sync)
    assert monitor.request_sync()
    assert monitor.request_sync()
    assert len(calls) == 2 and not monitor.syncing
