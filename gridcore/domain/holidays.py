"""节假日安排: which days are working days, for time limits counted in 工作日.

A day is a working day when it is Monday to Friday and not a 法定节假日 day off, or when it
is a weekend day the State Council's yearly notice makes a working day (调休上班). The
calendar is data from the server (``gridserver load-holidays FILE``), pulled by laptops
like the catalog; until a laptop or the server has one, the calendar shipped in
``gridcore/data/holidays.json`` stands in (:func:`default_calendar`). A year the calendar
does not list counts Monday to Friday only.

The document::

    {"version": "2025–2027", "note": "…", "holidays": [
        {"name": "春节", "off": [["2026-02-15", "2026-02-23"]], "work": ["2026-02-14"]}]}

``off`` lists days off (a date, or a ``[first, last]`` range of at most 31 days), ``work``
the weekend days worked instead. The server adds ``revision`` (bumped on every change).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

__all__ = ["Holiday", "HolidayError", "WorkCalendar", "default_calendar"]

MAX_RANGE_DAYS = 31
"""The longest run of days off one range may give (a typo guard: 春节 is 9 at most)."""


class HolidayError(ValueError):
    """A holiday document that cannot be used; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class Holiday:
    name: str
    off: tuple[date, ...]
    work: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    holidays: tuple[Holiday, ...] = ()
    version: str = ""
    note: str = ""
    revision: int = 0
    """Bumped by the server on every change (0 = the shipped default, or none)."""
    _off: frozenset[date] = field(default=frozenset(), init=False, compare=False, repr=False)
    _work: frozenset[date] = field(default=frozenset(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_off", frozenset(d for h in self.holidays for d in h.off))
        object.__setattr__(self, "_work", frozenset(d for h in self.holidays for d in h.work))

    def is_working_day(self, day: date) -> bool:
        if day in self._work:
            return True
        if day in self._off:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself never counts)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def years(self) -> list[int]:
        return sorted({d.year for d in self._off | self._work})

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "note": self.note,
            "revision": self.revision,
            "holidays": [
                {
                    "name": h.name,
                    "off": _ranges(h.off),
                    "work": [d.isoformat() for d in h.work],
                }
                for h in self.holidays
            ],
        }

    @classmethod
    def from_json(cls, document: Any) -> WorkCalendar:
        """Parse and validate a holiday document; raises HolidayError saying what is wrong."""
        if not isinstance(document, Mapping):
            raise HolidayError("节假日安排格式错误：应为 JSON 对象")
        items = document.get("holidays")
        if not isinstance(items, list):
            raise HolidayError("节假日安排格式错误：缺少 holidays 列表")
        holidays: list[Holiday] = []
        off_all: set[date] = set()
        work_all: set[date] = set()
        for index, item in enumerate(items, start=1):
            where = f"第{index}项"
            if not isinstance(item, Mapping):
                raise HolidayError(f"节假日安排{where}格式错误")
            name = str(item.get("name", "")).strip()
            if not name:
                raise HolidayError(f"节假日安排{where}缺少名称（name）")
            where = f"{where}（{name}）"
            raw_off, raw_work = item.get("off", []), item.get("work", [])
            if not isinstance(raw_off, list) or not isinstance(raw_work, list):
                raise HolidayError(f"节假日安排{where}的 off 和 work 必须是列表")
            off: list[date] = []
            for entry in raw_off:
                off.extend(_days(entry, where))
            work = [_date(entry, where) for entry in raw_work]
            for day in work:
                if day.weekday() < 5:
                    raise HolidayError(
                        f"节假日安排{where}的调休上班日 {day.isoformat()} 不是周六或周日"
                    )
            if not off and not work:
                raise HolidayError(f"节假日安排{where}没有任何放假或调休日期")
            off_all.update(off)
            work_all.update(work)
            holidays.append(Holiday(name, tuple(sorted(set(off))), tuple(sorted(set(work)))))
        both = sorted(off_all & work_all)
        if both:
            raise HolidayError(f"节假日安排中 {both[0].isoformat()} 既是放假日又是调休上班日")
        revision = document.get("revision", 0)
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
            raise HolidayError("节假日安排的修订号（revision）必须是非负整数")
        return cls(
            tuple(holidays),
            str(document.get("version", "")).strip(),
            str(document.get("note", "")).strip(),
            revision,
        )


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise HolidayError(f"节假日安排{where}的日期无效：{value}（应为 YYYY-MM-DD）") from None


def _days(entry: Any, where: str) -> list[date]:
    if isinstance(entry, list):
        if len(entry) != 2:
            raise HolidayError(f"节假日安排{where}的日期区间应为 [起, 止] 两个日期")
        first, last = _date(entry[0], where), _date(entry[1], where)
        if last < first:
            raise HolidayError(f"节假日安排{where}的日期区间止日早于起日：{entry}")
        count = (last - first).days + 1
        if count > MAX_RANGE_DAYS:
            raise HolidayError(f"节假日安排{where}的日期区间超过 {MAX_RANGE_DAYS} 天：{entry}")
        return [first + timedelta(days=i) for i in range(count)]
    return [_date(entry, where)]


def _ranges(days: Iterable[date]) -> list[Any]:
    """Runs of consecutive days as ``[first, last]`` pairs (a single day as a date)."""
    out: list[Any] = []
    run: list[date] = []
    for day in sorted(days):
        if run and day == run[-1] + timedelta(days=1):
            run.append(day)
            continue
        if run:
            out.append(_run(run))
        run = [day]
    if run:
        out.append(_run(run))
    return out


def _run(run: list[date]) -> Any:
    if len(run) == 1:
        return run[0].isoformat()
    return [run[0].isoformat(), run[-1].isoformat()]


@functools.cache
def default_calendar() -> WorkCalendar:
    """The calendar shipped with the core (``gridcore/data/holidays.json``): what a laptop
    or a server uses until it has one from ``load-holidays``."""
    text = resources.files("gridcore").joinpath("data", "holidays.json").read_text("utf-8")
    return WorkCalendar.from_json(json.loads(text))
