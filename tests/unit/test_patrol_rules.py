"""The day and time rules of a patrol (gridcore.domain.patrols), shared by the form and
the server: what each rule allows and refuses, and that only touched fields are judged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from gridcore.domain.entities import CST
from gridcore.domain.patrols import patrol_problems

TODAY = date(2026, 11, 20)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST)


def _fields(problems: list) -> list[str]:  # type: ignore[type-arg]
    return [p.field for p in problems]


def test_a_plain_patrol_passes() -> None:
    assert patrol_problems(TODAY, None, None, TODAY) == []
    assert patrol_problems(TODAY, _at(TODAY, 8), _at(TODAY, 11), TODAY) == []
    assert patrol_problems(TODAY, _at(TODAY, 8), None, TODAY) == []  # still under way
    # Tomorrow passes (a laptop clock a little ahead); the day after does not.
    assert patrol_problems(TODAY + timedelta(days=1), None, None, TODAY) == []
    [late] = patrol_problems(TODAY + timedelta(days=2), None, None, TODAY)
    assert (late.field, late.message) == ("patrol_date", "巡查日期（2026-11-22）不能晚于今天")


def test_times_must_fit_the_day_and_each_other() -> None:
    [end] = patrol_problems(TODAY, _at(TODAY, 9), _at(TODAY, 8, 59), TODAY)
    assert (end.field, end.message) == ("ended_at", "结束时间不能早于开始时间")
    [start] = patrol_problems(TODAY, _at(TODAY - timedelta(days=1), 9), None, TODAY)
    assert (start.field, start.message) == ("started_at", "开始时间须在巡查日期当天")
    # China time decides the day: 01:00 UTC is 09:00 in Beijing on the same day.
    utc = _at(TODAY, 9).astimezone(UTC)
    assert utc.hour == 1 and patrol_problems(TODAY, utc, None, TODAY) == []
    # 23:00 UTC the evening before is 07:00 of the day in Beijing.
    assert patrol_problems(TODAY, _at(TODAY, 7).astimezone(UTC), None, TODAY) == []
    # A night patrol ending after midnight is fine.
    assert patrol_problems(TODAY, _at(TODAY, 22), _at(TODAY, 22) + timedelta(hours=3), TODAY) == []


def test_only_the_touched_fields_are_judged() -> None:
    """A patrol stored with a wrong start (before the rule) may still get a note."""
    wrong = _at(TODAY - timedelta(days=1), 9)
    assert patrol_problems(TODAY, wrong, None, TODAY, changed={"notes"}) == []
    assert _fields(patrol_problems(TODAY, wrong, None, TODAY, changed={"started_at"})) == [
        "started_at"
    ]


def test_a_night_patrol_ends_on_the_next_day_within_24_hours() -> None:
    """Started 22:00, ended 01:30 the next morning: recorded; a day later is refused."""
    start = _at(TODAY, 22)
    assert patrol_problems(TODAY, start, _at(TODAY + timedelta(days=1), 1, 30), TODAY) == []
    assert patrol_problems(TODAY, start, start + timedelta(hours=24), TODAY) == []
    [long] = patrol_problems(TODAY, start, start + timedelta(hours=24, minutes=1), TODAY)
    assert (long.field, long.message) == ("ended_at", "结束时间不能晚于开始时间24小时")
    # An edit of the notes alone does not judge a stored over-long patrol.
    assert patrol_problems(TODAY, start, start + timedelta(days=3), TODAY, changed={"notes"}) == []
