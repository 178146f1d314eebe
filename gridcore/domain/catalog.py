"""网格事项清单: the event catalog, its time limits and the deadline arithmetic.

The catalog is data from the server, never code; this module only knows its shape.
A time limit of ``n`` days means "by the end of the n-th calendar day after the report,
China Standard Time"; ``0`` means the same day.

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
from gridcore.domain.enums import EventGroup, Ledger, Urgency


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

_URGENCY_RANK = {u: i for i, u in enumerate(Urgency)}
"""一般 < 紧急 < 特急, in declaration order."""


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

    def deadline(self, urgency: Urgency, reported_at: datetime) -> datetime:
        return deadline_after(reported_at, self.limit_days(urgency))


def deadline_after(reported_at: datetime, days: int) -> datetime:
    """The end of the ``days``-th calendar day (CST) after ``reported_at``, as an aware
    datetime in CST."""
    if reported_at.tzinfo is None:
        raise ValueError("reported_at must be timezone-aware")
    if days < 0:
        raise ValueError("a time limit cannot be negative")
    local_day = reported_at.astimezone(CST).date() + timedelta(days=days)
    return datetime.combine(local_day, time.max, tzinfo=CST)


@dataclass(frozen=True, slots=True)
class EventCatalog:
    categories: Mapping[str, EventCategory] = field(default_factory=dict)
    version: str = ""
    """The label the document gives itself (e.g. ``demo-2024.1``)."""
    revision: int = 0
    """Bumped by the server on every ``load-catalog`` (0 = never loaded there); events
    keep the revision they were reported under."""

    @classmethod
    def of(
        cls, categories: Iterable[EventCategory], version: str = "", revision: int = 0
    ) -> EventCatalog:
        table: dict[str, EventCategory] = {}
        for category in categories:
            if category.code in table:
                raise CatalogError(f"事项编码重复：{category.code}")
            table[category.code] = category
        return cls(table, version, revision)

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
            if not isinstance(raw_limits, Mapping) or not raw_limits:
                raise CatalogError(f"事项清单{where}（{name}）缺少办理时限")
            limits: dict[Urgency, int] = {}
            for key, value in raw_limits.items():
                try:
                    urgency = Urgency(key)
                except ValueError:
                    raise CatalogError(f"事项清单{where}（{name}）紧急程度无效：{key}") from None
                if (
                    not isinstance(value, int)
                    or isinstance(value, bool)
                    or not 0 <= value <= MAX_LIMIT_DAYS
                ):
                    raise CatalogError(
                        f"事项清单{where}（{name}）办理时限必须是 0–{MAX_LIMIT_DAYS} 的整数天数"
                    )
                limits[urgency] = value
            categories.append(
                EventCategory(
                    code=code,
                    name=name,
                    group=group,
                    ledger=ledger,
                    time_limits=limits,
                    active=active,
                    self_resolvable=self_resolvable,
                )
            )
        revision = document.get("revision", 0)
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
            raise CatalogError("事项清单的修订号（revision）必须是非负整数")
        return cls.of(categories, str(document.get("version", "")), revision)


# ------------------------------------------------------------------ an event's own terms


def stamp_terms(event: Event, catalog: EventCatalog) -> Event:
    """``event`` with the terms of ``catalog`` written into it: what a laptop does when
    the event is reported, so the event keeps them whatever the catalog says later."""
    category = catalog.categories.get(event.category_code)
    return dataclasses.replace(
        event,
        category_name=category.name if category is not None else event.category_name,
        time_limit_days=(
            category.limit_days(event.urgency)
            if category is not None
            else DEFAULT_TIME_LIMITS[event.urgency]
        ),
        catalog_revision=catalog.revision,
        terms_inferred=category is None,
    )


def event_limit_days(event: Event, catalog: EventCatalog) -> int:
    """The event's own time limit; for an event without one (stored before terms were
    kept and not yet migrated) the catalog's, or the default for its urgency."""
    if event.time_limit_days is not None:
        return event.time_limit_days
    category = catalog.categories.get(event.category_code)
    if category is not None:
        return category.limit_days(event.urgency)
    return DEFAULT_TIME_LIMITS[event.urgency]


def event_deadline(event: Event, catalog: EventCatalog) -> datetime:
    """办理时限: the end of the event's own time limit after it was reported."""
    return deadline_after(event.reported_at, event_limit_days(event, catalog))


def event_category_name(event: Event, catalog: EventCatalog) -> str:
    """The category name the event was reported under (the catalog's, then the code,
    for an event without one)."""
    if event.category_name:
        return event.category_name
    category = catalog.categories.get(event.category_code)
    return category.name if category is not None else event.category_code
