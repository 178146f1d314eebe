"""When to sync by itself: the server became reachable, or the laptop woke up.

No Qt: the UI's ``SyncController`` drives :meth:`ConnectivityMonitor.tick` from a timer,
on the network lane, and passes a ``sync`` callback that only notes that a sync is due;
the controller starts it (and is the one that never runs two syncs at once).

* **Reachability.** While offline, ``health()`` is probed with exponential backoff
  (``min_backoff`` doubling up to ``max_backoff``) so a laptop in a village without
  signal does not hammer the network; the first success asks for a sync.
* **Wake-up.** Suspend stops the monotonic clock but not the wall clock, so a wall-clock
  jump between ticks bigger than ``wake_jump`` means the laptop slept (or its clock was
  corrected): probe at once and ask for a sync if the server answers.
"""

from __future__ import annotations

import logging
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
        count as unreachable. ``sync``: called when a sync is due (the caller runs it)."""
        self._probe = probe
        self._sync = sync
        self.interval = interval
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.wake_jump = wake_jump
        self._wall = wall_clock
        self._mono = monotonic
        self._online: bool | None = None
        self._backoff = min_backoff
        self._next_probe = monotonic()
        self._last_wall = wall_clock()
        self._last_mono = monotonic()

    @property
    def online(self) -> bool | None:
        """None until the first probe."""
        return self._online

    # -- ticks ------------------------------------------------------------------------

    def tick(self) -> bool:
        """Check for a wake-up and probe when due; returns True if it asked for a sync."""
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
            self._sync()
            return True
        return False
