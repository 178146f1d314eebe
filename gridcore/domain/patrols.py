"""The rules of a patrol (巡查) beyond its fields' types, one definition for the patrol
form on the laptop and the server's check of every incoming patrol.

Only what an edit touches is judged (``changed``), so a patrol stored before a rule
existed is not refused for an unrelated correction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gridcore.domain.entities import CST

__all__ = ["LONGEST_PATROL", "PatrolProblem", "patrol_problems"]

_TIME_FIELDS = frozenset({"patrol_date", "started_at", "ended_at"})

LONGEST_PATROL = timedelta(hours=24)
"""How long after its start a patrol may end: a night patrol ends the next morning
(22:00 → 01:30), never a day later."""


@dataclass(frozen=True, slots=True)
class PatrolProblem:
    field: str
    message: str
    """Chinese, for the worker (the form) and the server's rejection alike."""


def patrol_problems(
    patrol_date: date,
    started_at: datetime | None,
    ended_at: datetime | None,
    today: date,
    changed: Collection[str] | None = None,
) -> list[PatrolProblem]:
    """What is wrong with a patrol's day and times (empty: nothing).

    * the day is at most tomorrow (China time; a laptop's clock a little ahead still
      records today's patrol);
    * the start, when given, falls on the patrol's day (China time);
    * the end, when given, is not before the start and at most 24 hours after it (a
      night patrol may end on the next day).
    """
    touched = _TIME_FIELDS if changed is None else _TIME_FIELDS & set(changed)
    if not touched:
        return []
    problems: list[PatrolProblem] = []
    if "patrol_date" in touched and patrol_date > today + timedelta(days=1):
        problems.append(
            PatrolProblem("patrol_date", f"巡查日期（{patrol_date.isoformat()}）不能晚于今天")
        )
    if started_at is not None and started_at.astimezone(CST).date() != patrol_date:
        problems.append(PatrolProblem("started_at", "开始时间须在巡查日期当天"))
    if started_at is not None and ended_at is not None and ended_at < started_at:
        problems.append(PatrolProblem("ended_at", "结束时间不能早于开始时间"))
    elif started_at is not None and ended_at is not None and ended_at - started_at > LONGEST_PATROL:
        problems.append(PatrolProblem("ended_at", "结束时间不能晚于开始时间24小时"))
    return problems
