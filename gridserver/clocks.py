"""Laptops whose clock is wrong, as the server sees them.

Every sync request carries the device's own clock (``X-Grid-Client-Time``, see
:mod:`gridcore.protocol`). The client corrects the times it records by the offset
it measures, so nothing is dated wrongly; but a clock off by more than
:data:`gridcore.domain.clock.MAX_SKEW` is still worth fixing, so the server keeps the
device in ``device_clocks`` (``gridserver clock-skew`` lists them) until it reports a
good clock again. A missing or unreadable header is ignored: it only informs IT.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update

from gridcore.domain.clock import MAX_SKEW
from gridserver.db import Database, device_clocks, users, utcnow
from gridserver.scope import Caller

log = logging.getLogger(__name__)

_LATENCY = timedelta(minutes=1)
"""Allowance for the time a request spends in transit and queues before it is read."""

_RECHECK = 60.0
"""A device seen with a good clock and no entry is not looked up again for this long:
an initial pull is hundreds of requests, each would otherwise cost a lookup."""
_good: dict[str, float] = {}
_good_lock = threading.Lock()


def parse_client_time(value: str | None) -> datetime | None:
    if not value or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def note_clock(db: Database, caller: Caller, client_time: datetime | None) -> None:
    """Remember (or forget) the caller's device as one with a wrong clock."""
    if client_time is None:
        return
    now = utcnow()
    try:
        offset = client_time.astimezone(UTC) - now
    except (OverflowError, ValueError):
        return
    skewed = abs(offset) > MAX_SKEW + _LATENCY
    with _good_lock:
        if skewed:
            _good.pop(caller.device_id, None)
        elif time.monotonic() - _good.get(caller.device_id, -_RECHECK) < _RECHECK:
            return
    with db.engine.connect() as conn:
        known = conn.execute(
            select(device_clocks.c.device_id).where(device_clocks.c.device_id == caller.device_id)
        ).first()
    if not skewed:
        with _good_lock:
            _good[caller.device_id] = time.monotonic()
        if known is None:
            return
    with db.write() as conn:
        if not skewed:
            conn.execute(delete(device_clocks).where(device_clocks.c.device_id == caller.device_id))
            return
        values = {
            "user_id": caller.user_id,
            "offset_seconds": offset.total_seconds(),
            "seen_at": now,
        }
        if known is None:
            conn.execute(insert(device_clocks).values(device_id=caller.device_id, **values))
            log.warning(
                "device %s of user %d has a clock off by %.0f s",
                caller.device_id,
                caller.user_id,
                offset.total_seconds(),
            )
        else:
            conn.execute(
                update(device_clocks)
                .where(device_clocks.c.device_id == caller.device_id)
                .values(**values)
            )


@dataclass(frozen=True, slots=True)
class SkewedDevice:
    device_id: str
    username: str
    offset: timedelta
    seen_at: datetime


def skewed_devices(db: Database) -> list[SkewedDevice]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(device_clocks, users.c.username)
            .join(users, users.c.id == device_clocks.c.user_id)
            .order_by(device_clocks.c.seen_at.desc())
        ).all()
    return [
        SkewedDevice(r.device_id, r.username, timedelta(seconds=r.offset_seconds), r.seen_at)
        for r in rows
    ]
