"""网格事项清单: the event catalog, its time limits and the deadline arithmetic.

The catalog is data from the server, never code; this module only knows its shape.
Each category counts its day limits in calendar days (自然日) or working days (工作日,
``limit_kind``), and an urgency may have an hour limit instead (``hour_limits``). The
arithmetic is :class:`TimeLimit` (rules in docs/events.md, "Time limits"):

* ``n`` days: the end (23:59:59 China Standard Time) of the n-th calendar day, or of the
  n-th working day of the holiday calendar (:mod:`gridcore.domain.holidays`), after the
  day of the report; the report day itself never counts.
* ``0`` days, 当日: the end of the report day, when reported before 17:00 (CST) on a day
  of the category's kind; otherwise the end of the next such day (the next working day
  for a working-day category, the next day for a calendar-day one).
* ``h`` hours: ``h`` clock hours after the report, whatever the day (urgent matters do
  not wait for Monday).

Every event keeps the terms it was reported under (category name, ledger, urgency, time
limit, catalog revision: :func:`stamp_terms`), and deadlines and reports read those
(:func:`event_deadline`, :func:`event_category_name`), so a later catalog change never
rewrites a past figure. The catalog only stands in for events stored before terms were
kept, and those carry ``terms_inferred``.

An urgency the category does not list falls back by one rule (:meth:`EventCategory.
limit_days`): the catalog-wide default for that urgency (:data:`DEFAULT_TIME_LIMITS`:
一般 15 days, 紧急 3 days, 特急 the same day), but never longer than a limit the category
gives a less urgent level, nor shorter than one it gives a more urgent level.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from gridcore.domain.entities import CST, Event
from gridcore.domain.enums import EventGroup, Ledger, LimitKind, Urgency
from gridcore.domain.holidays import WorkCalendar, default_calendar


class CatalogError(ValueError):
    """A catalog document that cannot be used; the message is Chinese."""


DEFAULT_TIME_LIMITS: Mapping[Urgency, int] = {
    Urgency.NORMAL: 15,
    Urgency.URGENT: 3,
    Urgency.CRITICAL: 0,
}
"""The limit of an urgency a category does not list (bounded by the levels it lists), and
of events whose category the catalog no longer knows."""

MAX_LIMIT_DAYS = 3_650
"""The longest time limit a catalog may give (ten years; the event field's bound)."""

MAX_LIMIT_HOURS = 720
"""The longest hour limit a catalog may give (30 days; longer ones are given in days)."""

AFTER_HOURS = time(17, 0)
"""当日 reported at or after this time (CST) is due by the end of the next day of the
category's kind (the 12345 hotlines' rule: work taken after 17:00 counts from the next
working day)."""

_URGENCY_RANK = {u: i for i, u in enumerate(Urgency)}
"""一般 < 紧急 < 特急, in declaration order."""


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """One time limit: ``days`` counted as ``kind``, or ``hours`` when that is set (then
    ``days`` is 0)."""

    days: int
    kind: LimitKind = LimitKind.CALENDAR
    hours: int | None = None

    def deadline(self, reported_at: datetime, calendar: WorkCalendar | None = None) -> datetime:
        """The deadline of an event reported at ``reported_at``, an aware datetime in
        CST (``calendar`` counts working days; the shipped one when None)."""
        if self.hours is not None:
            if reported_at.tzinfo is None:
                raise ValueError("reported_at must be timezone-aware")
            return (reported_at + timedelta(hours=self.hours)).astimezone(CST)
        return deadline_after(reported_at, self.days, kind=self.kind, calendar=calendar)

    @property
    def label(self) -> str:
        """办理时限 as staff say it: 4小时, 当日, 15天, 5个工作日."""
        if self.hours is not None:
            return f"{self.hours}小时"
        if self.days == 0:
            return "当日"
        if self.kind is LimitKind.WORKING:
            return f"{self.days}个工作日"
        return f"{self.days}天"


@dataclass(frozen=True, slots=True, kw_only=True)
class EventCategory:
    code: str
    name: str
    group: EventGroup
    ledger: Ledger
    time_limits: Mapping[Urgency, int]
    """Days allowed per urgency (0 = the same day)."""
    active: bool = True
    self_resolvable: bool = True
    """A grid worker may resolve it on the spot (自处置, 小事不出网格). Serious matters
    (涉黄赌毒线索, 诈骗线索, 危房, 救助申请 …) are not: they go through the township. A
    document without the field keeps the old behaviour (self-resolvable)."""
    limit_kind: LimitKind = LimitKind.CALENDAR
    """How the day limits count: calendar days or working days."""
    hour_limits: Mapping[Urgency, int] = field(default_factory=dict)
    """Hours allowed per urgency, for the urgencies limited in hours instead of days."""

    def __hash__(self) -> int:
        # The code identifies a category; time_limits is a mapping and not hashable.
        return hash(self.code)

    def limit_days(self, urgency: Urgency) -> int:
        """The limit for ``urgency``; one the category does not list is the catalog-wide
        default for it, capped by the limits of the less urgent levels listed and floored
        by those of the more urgent ones (an urgent 建议 with only 一般 15 days gets 3
        days, a critical 赡养纠纷 with 紧急 3 days the same day)."""
        listed = self.time_limits.get(urgency)
        if listed is not None:
            return listed
        days = DEFAULT_TIME_LIMITS[urgency]
        rank = _URGENCY_RANK[urgency]
        for other, limit in self.time_limits.items():
            if _URGENCY_RANK[other] < rank:
                days = min(days, limit)
        for other, limit in self.time_limits.items():
            if _URGENCY_RANK[other] > rank:
                days = max(days, limit)
        return days

    def limit_hours(self, urgency: Urgency) -> int | None:
        """The hour limit of ``urgency``, or None when it is limited in days. An unlisted
        urgency more urgent than one limited in hours gets the shortest such limit (the
        fallback rule of :meth:`limit_days`: never longer than a less urgent level)."""
        listed = self.hour_limits.get(urgency)
        if listed is not None:
            return listed
        if urgency in self.time_limits:
            return None
        rank = _URGENCY_RANK[urgency]
        less = [h for u, h in self.hour_limits.items() if _URGENCY_RANK[u] < rank]
        return min(less) if less else None

    def time_limit(self, urgency: Urgency) -> TimeLimit:
        """The limit an event of ``urgency`` is reported under."""
        hours = self.limit_hours(urgency)
        if hours is not None:
            return TimeLimit(0, self.limit_kind, hours)
        return TimeLimit(self.limit_days(urgency), self.limit_kind)

    def deadline(
        self, urgency: Urgency, reported_at: datetime, calendar: WorkCalendar | None = None
    ) -> datetime:
        return self.time_limit(urgency).deadline(reported_at, calendar)


def deadline_after(
    reported_at: datetime,
    days: int,
    *,
    kind: LimitKind = LimitKind.CALENDAR,
    calendar: WorkCalendar | None = None,
) -> datetime:
    """The end (CST) of the ``days``-th day of ``kind`` after the day of ``reported_at``;
    for ``days`` 0 (当日) the end of the report day, or of the next day of ``kind`` when
    reported from :data:`AFTER_HOURS` on or on a day that is not of ``kind`` (a weekend or
    holiday for working days). An aware datetime in CST."""
    if reported_at.tzinfo is None:
        raise ValueError("reported_at must be timezone-aware")
    if days < 0:
        raise ValueError("a time limit cannot be negative")
    local = reported_at.astimezone(CST)
    day = local.date()
    if kind is LimitKind.WORKING:
        cal = calendar if calendar is not None else default_calendar()
        if days == 0:
            if not cal.is_working_day(day) or local.time() >= AFTER_HOURS:
                day = cal.next_working_day(day)
        else:
            day = cal.add_working_days(day, days)
    elif days == 0:
        if local.time() >= AFTER_HOURS:
            day += timedelta(days=1)
    else:
        day += timedelta(days=days)
    return datetime.combine(day, time.max, tzinfo=CST)


@dataclass(frozen=True, slots=True)
class EventCatalog:
    categories: Mapping[str, EventCategory] = field(default_factory=dict)
    version: str = ""
    """The label the document gives itself (e.g. ``demo-2024.1``)."""
    revision: int = 0
    """Bumped by the server on every ``load-catalog`` (0 = never loaded there); events
    keep the revision they were reported under."""
    calendar: WorkCalendar = field(default_factory=default_calendar, compare=False)
    """The holiday calendar working-day deadlines count with: a document of its own
    (``load-holidays``), attached where the catalog is loaded (the laptop's store, the
    server's sync) so every deadline goes through :func:`event_deadline` with it; not
    part of the catalog document."""

    @classmethod
    def of(
        cls,
        categories: Iterable[EventCategory],
        version: str = "",
        revision: int = 0,
        calendar: WorkCalendar | None = None,
    ) -> EventCatalog:
        table: dict[str, EventCategory] = {}
        for category in categories:
            if category.code in table:
                raise CatalogError(f"事项编码重复：{category.code}")
            table[category.code] = category
        return cls(table, version, revision, calendar or default_calendar())

    def with_calendar(self, calendar: WorkCalendar | None) -> EventCatalog:
        """This catalog counting working days with ``calendar`` (the shipped one when
        None)."""
        return dataclasses.replace(self, calendar=calendar or default_calendar())

    def __iter__(self) -> Iterator[EventCategory]:
        return iter(self.categories.values())

    def __len__(self) -> int:
        return len(self.categories)

    def __contains__(self, code: object) -> bool:
        return code in self.categories

    def get(self, code: str) -> EventCategory:
        try:
            return self.categories[code]
        except KeyError:
            raise CatalogError(f"事项清单中没有编码为“{code}”的事项，请先同步事项清单") from None

    def active(self) -> list[EventCategory]:
        return [c for c in self.categories.values() if c.active]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "revision": self.revision,
            "categories": [
                {
                    "code": c.code,
                    "name": c.name,
                    "group": c.group.value,
                    "ledger": c.ledger.value,
                    "time_limits": {u.value: d for u, d in c.time_limits.items()},
                    "active": c.active,
                    "self_resolvable": c.self_resolvable,
                    "limit_kind": c.limit_kind.value,
                    "hour_limits": {u.value: h for u, h in c.hour_limits.items()},
                }
                for c in self.categories.values()
            ],
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> EventCatalog:
        """Parse and validate a catalog document; raises CatalogError saying what is wrong."""
        items = document.get("categories")
        if not isinstance(items, list):
            raise CatalogError("事项清单格式错误：缺少 categories 列表")
        categories = []
        for index, item in enumerate(items, start=1):
            where = f"第{index}项"
            if not isinstance(item, Mapping):
                raise CatalogError(f"事项清单{where}格式错误")
            try:
                code = str(item["code"]).strip()
                name = str(item["name"]).strip()
                group = EventGroup(item["group"])
                ledger = Ledger(item["ledger"])
                raw_limits = item["time_limits"]
            except KeyError as exc:
                raise CatalogError(f"事项清单{where}缺少字段 {exc.args[0]}") from None
            except ValueError as exc:
                raise CatalogError(f"事项清单{where}取值无效：{exc}") from None
            if not code or not name:
                raise CatalogError(f"事项清单{where}的编码和名称不能为空")
            active = item.get("active", True)
            if not isinstance(active, bool):
                raise CatalogError(f"事项清单{where}（{name}）active 必须是 true 或 false")
            self_resolvable = item.get("self_resolvable", True)
            if not isinstance(self_resolvable, bool):
                raise CatalogError(f"事项清单{where}（{name}）self_resolvable 必须是 true 或 false")
            raw_hours = item.get("hour_limits", {})
            if not isinstance(raw_limits, Mapping) or not isinstance(raw_hours, Mapping):
                raise CatalogError(f"事项清单{where}（{name}）办理时限格式错误")
            if not raw_limits and not raw_hours:
                raise CatalogError(f"事项清单{where}（{name}）缺少办理时限")
            limits = _limits(raw_limits, f"{where}（{name}）", 0, MAX_LIMIT_DAYS, "天数")
            hours = _limits(raw_hours, f"{where}（{name}）", 1, MAX_LIMIT_HOURS, "小时数")
            both = [u.label for u in Urgency if u in limits and u in hours]
            if both:
                raise CatalogError(
                    f"事项清单{where}（{name}）的“{both[0]}”不能同时给出天数和小时数"
                )
            try:
                limit_kind = LimitKind(item.get("limit_kind", LimitKind.CALENDAR.value))
            except ValueError:
                raise CatalogError(
                    f"事项清单{where}（{name}）limit_kind 必须是 calendar（自然日）"
                    "或 working（工作日）"
                ) from None
            categories.append(
                EventCategory(
                    code=code,
                    name=name,
                    group=group,
                    ledger=ledger,
                    time_limits=limits,
                    active=active,
                    self_resolvable=self_resolvable,
                    limit_kind=limit_kind,
                    hour_limits=hours,
                )
            )
        revision = document.get("revision", 0)
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
            raise CatalogError("事项清单的修订号（revision）必须是非负整数")
        return cls.of(categories, str(document.get("version", "")), revision)


def _limits(
    raw: Mapping[Any, Any], where: str, low: int, high: int, unit: str
) -> dict[Urgency, int]:
    limits: dict[Urgency, int] = {}
    for key, value in raw.items():
        try:
            urgency = Urgency(key)
        except ValueError:
            raise CatalogError(f"事项清单{where}紧急程度无效：{key}") from None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise CatalogError(f"事项清单{where}办理时限必须是 {low}–{high} 的整数{unit}")
        limits[urgency] = value
    return limits


# ------------------------------------------------------------------ an event's own terms


def stamp_terms(event: Event, catalog: EventCatalog) -> Event:
    """``event`` with the terms of ``catalog`` written into it: what a laptop does when
    the event is reported, so the event keeps them whatever the catalog says later."""
    category = catalog.categories.get(event.category_code)
    limit = (
        category.time_limit(event.urgency)
        if category is not None
        else TimeLimit(DEFAULT_TIME_LIMITS[event.urgency])
    )
    return dataclasses.replace(
        event,
        category_name=category.name if category is not None else event.category_name,
        time_limit_days=limit.days,
        time_limit_hours=limit.hours,
        limit_kind=limit.kind,
        catalog_revision=catalog.revision,
        terms_inferred=category is None,
    )


def event_limit(event: Event, catalog: EventCatalog) -> TimeLimit:
    """The event's own time limit (days and how they count, or hours); for an event
    without one (stored before terms were kept and not yet migrated) the catalog's, or
    the default for its urgency."""
    if event.time_limit_hours is not None:
        return TimeLimit(0, event.limit_kind, event.time_limit_hours)
    if event.time_limit_days is not None:
        return TimeLimit(event.time_limit_days, event.limit_kind)
    category = catalog.categories.get(event.category_code)
    if category is not None:
        return category.time_limit(event.urgency)
    return TimeLimit(DEFAULT_TIME_LIMITS[event.urgency])


def event_limit_days(event: Event, catalog: EventCatalog) -> int:
    """The day part of :func:`event_limit` (0 for an hour limit)."""
    return event_limit(event, catalog).days


def event_deadline(event: Event, catalog: EventCatalog) -> datetime:
    """办理时限: the deadline of the event's own time limit, counted from its report
    time with the catalog's holiday calendar. The one place every deadline comes from
    (the dialog, the lists, ``event_status``, the reports, the server)."""
    return event_limit(event, catalog).deadline(event.reported_at, catalog.calendar)


def deadline_text(deadline: datetime) -> str:
    """A deadline as every list and report prints it (CST): the date for a deadline at
    the end of a day, the date and minute for an hour limit."""
    local = deadline.astimezone(CST)
    if local.time() == time.max:
        return local.strftime("%Y-%m-%d")
    return local.strftime("%Y-%m-%d %H:%M")


def event_category_name(event: Event, catalog: EventCatalog) -> str:
    """The category name the event was reported under (the catalog's, then the code,
    for an event without one)."""
    if event.category_name:
        return event.category_name
    category = catalog.categories.get(event.category_code)
    return category.name if category is not None else event.category_code
