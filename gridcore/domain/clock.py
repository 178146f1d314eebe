"""The device clock, corrected against the server's.

Village laptops keep bad time (a flat CMOS battery resets them to 2009; a manual
change is never undone). Everything a grid worker does offline is dated by this clock:
when a visit happened, when an event was reported and each step taken. So every contact
with the server measures the offset between the two clocks (the server's time in an
answer against the midpoint of the request on the device), and the device's time plus
the last offset is what gets recorded. A step taken offline at 16:00 is then 16:00
after the sync, and deadlines count from the real report time.

``offset`` is *server minus device*; a laptop whose offset is beyond :data:`MAX_SKEW`
is told so (status bar) and reported to the server, which keeps a list for IT.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["MAX_SKEW", "ClockSample", "DeviceClock", "clock_warning_zh", "measure"]

MAX_SKEW = timedelta(minutes=10)
"""Beyond this a laptop's clock is called wrong (and flagged on the server)."""


@dataclass(frozen=True, slots=True)
class ClockSample:
    offset: timedelta
    """Server minus device."""
    round_trip: timedelta
    """The request's duration: the offset is known to within half of it."""


def measure(sent: datetime, received: datetime, server_time: datetime) -> ClockSample:
    """The offset seen by one request sent at ``sent`` and answered at ``received``
    (device clock) with ``server_time`` (the server's clock, taken while answering)."""
    if sent.tzinfo is None or received.tzinfo is None or server_time.tzinfo is None:
        raise ValueError("naive datetime refused")
    round_trip = max(received - sent, timedelta(0))
    return ClockSample(server_time - (sent + round_trip / 2), round_trip)


class DeviceClock:
    """Now, on the server's clock as well as this device can tell. Thread-safe: the
    sync engine updates it while the UI reads it."""

    def __init__(
        self, offset: timedelta = timedelta(0), measured_at: datetime | None = None
    ) -> None:
        self._lock = threading.Lock()
        self._offset = offset
        self._measured_at = measured_at

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    @property
    def measured_at(self) -> datetime | None:
        """When the offset was last measured (server time); None: never."""
        with self._lock:
            return self._measured_at

    def set(self, offset: timedelta, measured_at: datetime) -> None:
        with self._lock:
            self._offset = offset
            self._measured_at = measured_at

    def device_now(self) -> datetime:
        return datetime.now(UTC)

    def now(self) -> datetime:
        """The device's time corrected by the last measured offset."""
        return self.device_now() + self.offset

    @property
    def skewed(self) -> bool:
        return abs(self.offset) > MAX_SKEW

    def to_json(self) -> dict[str, object]:
        measured = self.measured_at
        return {
            "seconds": self.offset.total_seconds(),
            "measured_at": None if measured is None else measured.isoformat(),
        }

    @classmethod
    def from_json(cls, value: object) -> DeviceClock:
        """A clock from its stored form; anything unreadable is a clock never measured."""
        if not isinstance(value, dict):
            return cls()
        seconds = value.get("seconds")
        measured = value.get("measured_at")
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            return cls()
        try:
            when = datetime.fromisoformat(measured) if isinstance(measured, str) else None
            return cls(timedelta(seconds=float(seconds)), when)
        except (ValueError, OverflowError):
            return cls()


def clock_warning_zh(offset: timedelta) -> str:
    """What a person is told about a clock off by ``offset`` (server minus device)."""
    minutes = round(abs(offset).total_seconds() / 60)
    way = "慢" if offset > timedelta(0) else "快"
    return f"本机时钟比服务器{way}约 {minutes} 分钟，请校准电脑时间（记录的时间已按服务器时间校正）"
