"""巡查: each grid worker's daily patrols of the last :data:`PATROL_DAYS` days, linked to
the events they reported on the way."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta

from gridcore.demo import texts as T
from gridcore.demo.generator.drafts import Grid
from gridcore.demo.generator.draws import Draws
from gridcore.demo.generator.model import PATROL_DAYS
from gridcore.domain.entities import CST, Event, Patrol
from gridcore.domain.enums import EventSource


def add_patrols(d: Draws, grids: list[Grid], rng: random.Random) -> None:
    """巡查: each grid worker's patrols of the last :data:`PATROL_DAYS` days (most
    days but Sundays, and every day they reported an event, which the patrol links).
    Drawn from ``rng``, a generator of their own, so adding them changed no other
    record."""

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    reported: dict[tuple[str, date], list[Event]] = {}
    for event in d.ds.events:
        if event.source is EventSource.GRID_WORKER:
            day = event.reported_at.astimezone(CST).date()
            reported.setdefault((event.grid_id, day), []).append(event)
    first = d.today_ord - PATROL_DAYS
    for grid in grids:
        spots = T.PATROL_SPOTS_VILLAGE if grid.is_village else T.PATROL_SPOTS_COMMUNITY
        for ordinal in range(first, d.today_ord):
            day = date.fromordinal(ordinal)
            events = sorted(
                (e for e in reported.get((grid.area.id, day), ()) if e.reporter == grid.worker),
                key=lambda e: e.reported_at,
            )
            if not events and (day.weekday() == 6 or rng.random() < 0.15):
                continue
            start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=CST) + timedelta(
                minutes=int(rng.random() * 90)
            )
            if events:
                findings = "；".join(e.title for e in events) + "。已现场上报事件。"
            elif rng.random() < 0.35:
                findings = rng.choice(T.PATROL_FINDINGS)
            else:
                findings = T.PATROL_NOTHING
            d.ds.patrols.append(
                Patrol(
                    id=uid(),
                    grid_id=grid.area.id,
                    patroller=grid.worker,
                    patrol_date=day,
                    started_at=start,
                    ended_at=start + timedelta(minutes=90 + int(rng.random() * 90)),
                    route="—".join(rng.sample(grid.places, min(4, len(grid.places)))),
                    places="、".join(rng.sample(spots, 2)),
                    findings=findings,
                    event_ids=tuple(e.id for e in events),
                )
            )
