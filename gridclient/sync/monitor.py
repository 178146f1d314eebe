"""When to sync by itself: the server became reachable, or the laptop woke up.

No Qt: the UI drives :meth:`ConnectivityMonitor.tick` from a timer (or calls
:meth:`start` for a plain background thread) and passes a ``sync`` callback that runs
one sync (typically: submit it to the task runner and wait for it). The monitor is
thread-safe and guarantees that two syncs never run at once: a request that arrives
while one runs is coalesced into a single follow-up run, because the running one may
already have missed the edit that prompted it.

* **Reachability.** While offline, ``health()`` is probed with exponential backoff
  (``min_backoff`` doubling up to ``max_backoff``) so a laptop in a village without
  signal does not hammer the network; the first success triggers a sync.
* **Wake-up.** Suspend stops the monotonic clock but not the wall clock, so a wall-clock
  jump between ticks bigger than ``wake_jump`` means the laptop slept (or its clock was
  corrected): probe at once and sync if the server answers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["ConnectivityMonitor"]

log = logging.getLogger(__name__)


class ConnectivityMonitor:
    def __init__(
        self,
        probe: Callable[[], bool],
        sync: Callable[[], object],
        *,
        interval: float = 30.0,
        min_backoff: float = 5.0,
        max_backoff: float = 300.0,
        wake_jump: float = 60.0,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``probe``: True when the server answers (``Transport.health``); exceptions
        count as unreachable. ``sync``: one sync run; its exceptions are logged."""
        self._probe = probe
        self._sync = sync
        self.interval = interval
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.wake_jump = wake_jump
        self._wall = wall_clock
        self._mono = monotonic
        self._lock = threading.Lock()
        self._running = False
        self._again = False
        self._online: bool | None = None
        self._backoff = min_backoff
        self._next_probe = monotonic()
        self._last_wall = wall_clock()
        self._last_mono = monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.syncs_run = 0

    @property
    def online(self) -> bool | None:
        """None until the first probe."""
        return self._online

    @property
    def syncing(self) -> bool:
        with self._lock:
            return self._running

    # -- the one way to sync ----------------------------------------------------------

    def request_sync(self) -> bool:
        """Run a sync in the calling thread, unless one is running: then ask it for one
        follow-up run and return False at once. Returns True when this call ran it."""
        with self._lock:
            if self._running:
                self._again = True
                return False
            self._running = True
            self._again = False
        try:
            while True:
                try:
                    self._sync()
                except Exception:
                    log.exception("sync failed")
                finally:
                    self.syncs_run += 1
                with self._lock:
                    if not self._again:
                        self._running = False
                        return True
                    self._again = False
        except BaseException:
            with self._lock:
                self._running = False
                self._again = False
            raise

    # -- ticks ------------------------------------------------------------------------

    def tick(self) -> bool:
        """Check for a wake-up and probe when due; returns True if a sync was run."""
        wall, mono = self._wall(), self._mono()
        jumped = (wall - self._last_wall) - (mono - self._last_mono) > self.wake_jump
        self._last_wall, self._last_mono = wall, mono
        if jumped:
            log.info("wall clock jumped: woke up from sleep")
            self._next_probe = mono  # probe now
            self._backoff = self.min_backoff
        if mono < self._next_probe:
            return False
        try:
            reachable = bool(self._probe())
        except Exception as exc:
            log.info("health probe failed: %s", type(exc).__name__)
            reachable = False
        was_online = self._online
        self._online = reachable
        if not reachable:
            self._next_probe = mono + self._backoff
            self._backoff = min(self.max_backoff, self._backoff * 2)
            return False
        self._backoff = self.min_backoff
        self._next_probe = mono + self.interval
        if was_online is not True or jumped:
            log.info("server reachable: syncing")
            return self.request_sync()
        return False

    # -- an optional thread of its own ------------------------------------------------

    def start(self, period: float = 1.0) -> None:
        """Tick every ``period`` seconds on a daemon thread until :meth:`stop`."""
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(period):
                self.tick()

        self._thread = threading.Thread(target=loop, name="sync-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
