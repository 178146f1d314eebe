"""What every report shares (pure: no Qt, no rendering, no SQL): :class:`Report` and its
:class:`Column` and :class:`Period`, :class:`ReportKind`, the area a report covers (its
scope: the grids of the subtree, the 填报单位), the area picker's choices, the number
masks and the household lines the household rosters print.

The reads are :mod:`gridclient.storage.reportqueries`; the builders, one module per
family, are re-exported by :mod:`gridclient.reports.data`.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from gridclient.storage import reportqueries as queries
from gridclient.storage.repositories import Repositories
from gridclient.storage.store import Store
from gridclient.storage.syncmeta import SyncKey
from gridcore.domain import idnumber, phone
from gridcore.domain.entities import CST
from gridcore.domain.enums import (
    AreaLevel,
    EventState,
    Role,
)

__all__ = [
    "NOT_SYNCED",
    "QUARTER_NAMES",
    "AmbiguousHousehold",
    "AreaChoice",
    "AreaNotFound",
    "Cell",
    "Column",
    "HouseholdNotFound",
    "Period",
    "Report",
    "ReportKind",
    "may_see_full_ids",
    "report_areas",
    "stored_role",
]


Cell = str | int | float
NOT_SYNCED = "尚未同步"
#: 办结: closed, evaluated after closing, or resolved on the spot (voided is not 办结).
_CLOSED_STATES = frozenset({EventState.CLOSED, EventState.EVALUATED, EventState.SELF_RESOLVED})


class ReportKind(StrEnum):
    VISIT_REGISTER = "visits"
    VISIT_SUMMARY = "visit-summary"
    EVENT_LEDGER = "event-ledger"
    ROSTER = "roster"
    HOUSEHOLD_ROSTER = "household-roster"
    ORGANIZATION_ROSTER = "organizations"
    PATROL_LOG = "patrols"
    PLACE_ROSTER = "places"
    MICRO_GRID_ROSTER = "micro-grids"
    CADRE_ROSTER = "cadres"
    EVENT_STATS = "event-stats"
    MEDIATION_LEDGER = "mediations"
    MONITORING_LEDGER = "monitoring"

    @property
    def chinese(self) -> str:
        return _TITLES[self]


_TITLES = {
    ReportKind.VISIT_REGISTER: "入户走访登记表",
    ReportKind.VISIT_SUMMARY: "网格走访情况汇总表",
    ReportKind.EVENT_LEDGER: "事件台账",
    ReportKind.ROSTER: "特殊群体花名册",
    ReportKind.HOUSEHOLD_ROSTER: "重点户花名册",
    ReportKind.ORGANIZATION_ROSTER: "组织名册",
    ReportKind.PATROL_LOG: "巡查日志",
    ReportKind.PLACE_ROSTER: "场所名册",
    ReportKind.MICRO_GRID_ROSTER: "微网格联户名册",
    ReportKind.CADRE_ROSTER: "包户名册",
    ReportKind.EVENT_STATS: "事件办理统计",
    ReportKind.MEDIATION_LEDGER: "矛盾纠纷调解台账",
    ReportKind.MONITORING_LEDGER: "防返贫监测台账",
}


class HouseholdNotFound(LookupError):
    def __init__(self, key: str, area: str) -> None:
        super().__init__(f"在{area}找不到户号或住户编号为“{key}”的住户")
        self.key = key


class AmbiguousHousehold(LookupError):
    def __init__(self, key: str, addresses: Sequence[str]) -> None:
        shown = "、".join(addresses[:5]) + ("等" if len(addresses) > 5 else "")
        super().__init__(
            f"户号“{key}”对应 {len(addresses)} 户（{shown}），请改用住户编号或选择更小的区域"
        )
        self.key = key


class AreaNotFound(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(f"找不到区域：{key}（请使用区域编码或编号）")
        self.key = key


def may_see_full_ids(role: Role) -> bool:
    """Township staff and administrators may print full ID numbers; workers see masked."""
    return role in (Role.TOWNSHIP, Role.ADMIN)


def stored_role(store: Store) -> Role | None:
    """The role the server granted at the last online login of this store's user (the
    login saves it with the display name and scope under ``SyncKey.PROFILE``); None
    when the store was never logged in online."""
    with store.read() as repos:
        profile = repos.sync_state.get(SyncKey.PROFILE)
    if not isinstance(profile, dict):
        return None
    try:
        return Role(str(profile.get("role")))
    except ValueError:
        return None


QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")


@dataclass(frozen=True, slots=True)
class Period:
    """From ``start`` to ``end``, both dates included, in China Standard Time."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("统计期间的结束日期早于开始日期")

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=CST).astimezone(UTC)

    @property
    def until(self) -> datetime:
        """Exclusive upper bound: midnight CST after ``end``."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=CST).astimezone(UTC)

    @property
    def text(self) -> str:
        return f"{_cn_date(self.start)} 至 {_cn_date(self.end)}"

    @property
    def whole_name(self) -> str:
        """2026年9月, 2026年第三季度 or 2026年 when the period is exactly that month,
        quarter or year (what a report heading names it by); "" for any other range."""
        start, end = self.start, self.end
        if start.day != 1:
            return ""
        last = date(end.year, end.month, monthrange(end.year, end.month)[1])
        if end != last or end.year != start.year:
            return ""
        months = end.month - start.month + 1
        if months == 12:
            return f"{start.year}年"
        if months == 3 and start.month % 3 == 1:
            return f"{start.year}年{QUARTER_NAMES[start.month // 3]}"
        if months == 1:
            return f"{start.year}年{start.month}月"
        return ""


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width: int
    """Relative width in characters (the PDF shares the page width by these; Excel uses
    them as column widths)."""
    numeric: bool = False


@dataclass(frozen=True, slots=True)
class Report:
    kind: ReportKind
    unit_name: str
    period: Period | None
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...] | None
    printed_at: datetime
    data_as_of: datetime | None
    summary: tuple[str, ...] = ()
    subtitle: str = ""
    landscape: bool = False
    notes: tuple[str, ...] = field(default=())
    section_rows: frozenset[int] = frozenset()
    """Indices of ``rows`` that head a section (一、按事件类别 …): printed bold, shaded."""
    area_text: str = ""
    """The area covered, when ``unit_name`` is the issuing body rather than the area."""

    @property
    def unit_line(self) -> str:
        """填报单位 (and 统计范围 when the unit is an issuing body) for the heading."""
        line = f"填报单位：{self.unit_name}"
        return f"{line}　统计范围：{self.area_text}" if self.area_text else line

    @property
    def title(self) -> str:
        return self.kind.chinese

    @property
    def full_title(self) -> str:
        return f"{self.title}（{self.subtitle}）" if self.subtitle else self.title

    @property
    def period_text(self) -> str:
        """The dates, and the month, quarter or year they make: 2026年7月1日 至
        2026年9月30日（2026年第三季度）."""
        if self.period is not None:
            name = self.period.whole_name
            return f"{self.period.text}（{name}）" if name else self.period.text
        return f"截至{_cn_date(self.printed_at.astimezone(CST).date())}"

    @property
    def printed_text(self) -> str:
        return _cn_datetime(self.printed_at)

    @property
    def data_as_of_text(self) -> str:
        return NOT_SYNCED if self.data_as_of is None else _cn_datetime(self.data_as_of)


# ----------------------------------------------------------------------------- helpers


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _cn_datetime(moment: datetime) -> str:
    local = moment.astimezone(CST)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _local_day(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(CST).strftime("%Y-%m-%d")


def _percent(part: int, whole: int) -> str:
    if whole <= 0:
        return "—"
    return f"{part * 100 / whole:.1f}%"


@dataclass(frozen=True, slots=True)
class _Area:
    id: str
    code: str
    name: str
    level: AreaLevel
    parent_id: str | None
    issuer: str = ""


@dataclass(frozen=True, slots=True)
class _Scope:
    area: _Area
    unit_name: str
    grids: tuple[_Area, ...]
    """The grids of the subtree, in code order."""
    grid_names: Mapping[str, str]
    area_text: str = ""
    """The chain of area names when ``unit_name`` is an issuing body, else empty."""
    villages: tuple[_Area, ...] = ()
    """The 村/社区 the grids belong to, in code order."""
    grid_village: Mapping[str, str] = field(default_factory=dict)
    """Grid id → its village's id."""

    @property
    def grid_ids(self) -> list[str]:
        return [g.id for g in self.grids]


def _areas(repos: Repositories) -> dict[str, _Area]:
    return {
        r.id: _Area(r.id, r.code, r.name, r.level, r.parent_id, r.issuer)
        for r in queries.area_lines(repos)
    }


def _issuer(area: _Area, areas: Mapping[str, _Area]) -> str:
    """填报单位 of a report on ``area``: its own issuer, else the nearest one above it (a
    grid's roster is issued by its village or township), else empty."""
    node: _Area | None = area
    seen: set[str] = set()
    while node is not None and node.id not in seen:
        if node.issuer.strip():
            return node.issuer.strip()
        seen.add(node.id)
        node = areas.get(node.parent_id or "")
    return ""


def _scope(repos: Repositories, key: str) -> _Scope:
    areas = _areas(repos)
    area = areas.get(key) or next((a for a in areas.values() if a.code == key), None)
    if area is None:
        raise AreaNotFound(key)
    children: dict[str | None, list[_Area]] = defaultdict(list)
    for a in areas.values():
        children[a.parent_id].append(a)
    grids: list[_Area] = []
    stack = [area]
    while stack:
        node = stack.pop()
        if node.level is AreaLevel.GRID:
            grids.append(node)
        stack.extend(children.get(node.id, ()))
    grids.sort(key=lambda a: a.code)
    chain: list[str] = []
    node_or_none: _Area | None = area
    while node_or_none is not None:
        # A grid's or village's name often repeats its parent's: 李楼村 / 李楼村第一网格.
        if not chain or not chain[-1].startswith(node_or_none.name):
            chain.append(node_or_none.name)
        else:
            chain[-1] = chain[-1][len(node_or_none.name) :] or chain[-1]
            chain.append(node_or_none.name)
        node_or_none = areas.get(node_or_none.parent_id or "")
    grid_names = {}
    for g in grids:
        parent = areas.get(g.parent_id or "")
        short = g.name
        if parent is not None and not g.name.startswith(parent.name):
            short = parent.name + g.name
        grid_names[g.id] = short
    grid_village: dict[str, str] = {}
    villages: dict[str, _Area] = {}
    for g in grids:
        node_or_none = areas.get(g.parent_id or "")
        while node_or_none is not None and node_or_none.level is not AreaLevel.VILLAGE:
            node_or_none = areas.get(node_or_none.parent_id or "")
        if node_or_none is not None:
            grid_village[g.id] = node_or_none.id
            villages[node_or_none.id] = node_or_none
    # 填报单位: the issuing body set on the server (e.g. 和平镇人民政府); without one, the
    # chain of area names (测试县和平镇东村).
    names = "".join(reversed(chain))
    issuer = _issuer(area, areas)
    return _Scope(
        area,
        issuer or names,
        tuple(grids),
        grid_names,
        area_text=names if issuer else "",
        villages=tuple(sorted(villages.values(), key=lambda a: a.code)),
        grid_village=grid_village,
    )


@dataclass(frozen=True, slots=True)
class AreaChoice:
    """An area a report can be made for (township, village or grid), for a picker."""

    id: str
    code: str
    name: str
    level: AreaLevel
    depth: int
    """0 for the top area shown, +1 per level below it."""


def report_areas(store: Store, grid_ids: Sequence[str] | None = None) -> list[AreaChoice]:
    """Townships, villages and grids of the store, depth first in code order; with
    ``grid_ids`` only those grids and the areas above them (a worker's own)."""
    with store.read() as repos:
        areas = _areas(repos)
    wanted: set[str] | None = None
    if grid_ids:
        wanted = set()
        for grid_id in grid_ids:
            node = areas.get(grid_id)
            while node is not None and node.id not in wanted:
                wanted.add(node.id)
                node = areas.get(node.parent_id or "")
    shown = {
        a.id: a
        for a in areas.values()
        if a.level in (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GRID)
        and (wanted is None or a.id in wanted)
    }
    children: dict[str | None, list[_Area]] = defaultdict(list)
    roots: list[_Area] = []
    for a in shown.values():
        if a.parent_id in shown:
            children[a.parent_id].append(a)
        else:
            roots.append(a)
    out: list[AreaChoice] = []

    def walk(node: _Area, depth: int) -> None:
        out.append(AreaChoice(node.id, node.code, node.name, node.level, depth))
        for child in sorted(children.get(node.id, ()), key=lambda a: a.code):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda a: (a.level.depth, a.code)):
        walk(root, 0)
    return out


class _Context:
    """What every builder needs from the store, read in one snapshot."""

    def __init__(self, store: Store, now: datetime | None) -> None:
        self.store = store
        self.now = now if now is not None else datetime.now(UTC)

    def data_as_of(self, repos: Repositories) -> datetime | None:
        return repos.sync_state.last_sync_at()


_MASK_NOTE = "依据个人信息保护规定，身份证号码和电话号码已做脱敏处理。"


def _mask_id(text: str, full: bool) -> str:
    return text if full or not text else idnumber.mask(text)


def _mask_phone(text: str, full: bool) -> str:
    return text if full or not text else phone.mask(text)


def _mask_certificate(text: str, full: bool) -> str:
    """残疾证号 is the ID number and two digits (category, grade): masked like it (the
    birth date hidden); anything else all but its last 2 characters."""
    if full or not text:
        return text
    if len(text) == 20:
        return idnumber.mask(text[:18]) + text[18:]
    return "*" * max(len(text) - 2, 0) + text[-2:]


def _household_lines(
    repos: Repositories,
    scope: _Scope,
    *,
    tagged: Sequence[str] | None = None,
    step: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """The live households of ``scope`` (not moved out; with ``tagged``, those carrying
    any of these tag codes), each once, with its head's name, ID number and phone and its
    number of live members: what the household rosters print (a household with two heads
    prints the first)."""
    return list(queries.household_lines(repos, scope.grid_ids, tagged=tagged, tick=step))
