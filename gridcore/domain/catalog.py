"""网格事项清单: the event catalog, its time limits and the deadline arithmetic.

The catalog is data from the server, never code; this module only knows its shape.
A time limit of ``n`` days means "by the end of the n-th calendar day after the report,
China Standard Time"; ``0`` means the same day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from gridcore.domain.entities import CST
from gridcore.domain.enums import EventGroup, Ledger, Urgency


class CatalogError(ValueError):
    """A catalog document that cannot be used; the message is Chinese."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EventCategory:
    code: str
    name: str
    group: EventGroup
    ledger: Ledger
    time_limits: Mapping[Urgency, int]
    """Days allowed per urgency (0 = the same day)."""
    active: bool = True

    def __hash__(self) -> int:
        # The code identifies a category; time_limits is a mapping and not hashable.
        return hash(self.code)

    def limit_days(self, urgency: Urgency) -> int:
        try:
            return self.time_limits[urgency]
        except KeyError:
            # A category without a limit for this urgency falls back to the strictest
            # limit it has: safer to warn early than to miss a deadline.
            return min(self.time_limits.values())

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

    @classmethod
    def of(cls, categories: Iterable[EventCategory], version: str = "") -> EventCatalog:
        table: dict[str, EventCategory] = {}
        for category in categories:
            if category.code in table:
                raise CatalogError(f"事项编码重复：{category.code}")
            table[category.code] = category
        return cls(table, version)

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
            "categories": [
                {
                    "code": c.code,
                    "name": c.name,
                    "group": c.group.value,
                    "ledger": c.ledger.value,
                    "time_limits": {u.value: d for u, d in c.time_limits.items()},
                    "active": c.active,
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
            if not isinstance(raw_limits, Mapping) or not raw_limits:
                raise CatalogError(f"事项清单{where}（{name}）缺少办理时限")
            limits: dict[Urgency, int] = {}
            for key, value in raw_limits.items():
                try:
                    urgency = Urgency(key)
                except ValueError:
                    raise CatalogError(f"事项清单{where}（{name}）紧急程度无效：{key}") from None
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise CatalogError(f"事项清单{where}（{name}）办理时限必须是非负整数天数")
                limits[urgency] = value
            categories.append(
                EventCategory(
                    code=code,
                    name=name,
                    group=group,
                    ledger=ledger,
                    time_limits=limits,
                    active=active,
                )
            )
        return cls.of(categories, str(document.get("version", "")))
