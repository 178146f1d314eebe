"""The data of the printed reports (pure: no Qt, no rendering).

Every report is a :class:`Report`: a title, the unit (area) it covers, the period, the
columns, the rows, an optional totals row, summary lines, the print time and "数据截至"
(the last successful sync). Rendering (PDF, printer) and the Excel export both read the
same object, so what is printed and what is passed upward always agree.

Areas are chosen by id or code and cover their whole subtree (a township covers all its
villages' grids). A period is two dates in China Standard Time, both included. Counts
over visits and households run as SQLAlchemy Core aggregates in the database.
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.engine import Connection

from gridclient.storage.chunks import chunked
from gridclient.storage.convert import record_from_row
from gridclient.storage.engine import read_session
from gridclient.storage.models import (
    AreaRow,
    EventActionRow,
    EventRow,
    HouseholdRow,
    MediationRow,
    OrganizationRow,
    PatrolRow,
    PlaceRow,
    ProgramRecordRow,
    ResidentRow,
    VisitRow,
)
from gridclient.storage.places import latest_checks
from gridclient.storage.queries import group_member, household_tagged
from gridclient.storage.repositories import Repositories
from gridclient.storage.store import Store
from gridclient.storage.syncmeta import SyncKey
from gridcore.domain import idnumber, phone
from gridcore.domain.agegroups import age_on, today_cst
from gridcore.domain.catalog import EventCatalog, deadline_text, event_category_name
from gridcore.domain.departments import DepartmentList
from gridcore.domain.entities import CST, Event, EventAction, Mediation
from gridcore.domain.enums import (
    AreaLevel,
    DisabilityCategory,
    EntityKind,
    EventActionKind,
    EventSource,
    EventState,
    Gender,
    HouseholdTag,
    Ledger,
    LimitKind,
    MediationAgreement,
    MediationOutcome,
    MonitorStatus,
    OrganizationKind,
    PlaceKind,
    Program,
    Relation,
    RiskLevel,
    RiskType,
    Role,
    Satisfaction,
    SpecialGroup,
    VisitMethod,
)
from gridcore.domain.eventnumber import UNNUMBERED
from gridcore.domain.mediation import success_rate
from gridcore.domain.programs import MONITOR_TAGS, program_tags
from gridcore.domain.sorting import natural_key
from gridcore.domain.workflow import EventStatus, event_status

__all__ = [
    "NOT_SYNCED",
    "AmbiguousHousehold",
    "AreaChoice",
    "AreaNotFound",
    "Cell",
    "Column",
    "EventFilter",
    "EventStateFilter",
    "HouseholdNotFound",
    "Period",
    "Report",
    "ReportKind",
    "build_event_ledger",
    "build_event_stats",
    "build_mediation_ledger",
    "build_patrol_log",
    "build_report",
    "build_roster",
    "build_visit_register",
    "build_visit_summary",
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


def _areas(connection: Connection) -> dict[str, _Area]:
    statement = select(
        AreaRow.id, AreaRow.code, AreaRow.name, AreaRow.level, AreaRow.parent_id, AreaRow.issuer
    ).where(AreaRow.deleted.is_(False))
    return {
        r.id: _Area(r.id, r.code, r.name, AreaLevel(r.level), r.parent_id, r.issuer or "")
        for r in connection.execute(statement)
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


def _scope(connection: Connection, key: str) -> _Scope:
    areas = _areas(connection)
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
    with _snapshot(store) as (connection, _repos):
        areas = _areas(connection)
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


@contextmanager
def _snapshot(store: Store) -> Iterator[tuple[Connection, Repositories]]:
    """A Core connection and repositories over one consistent read snapshot."""
    with read_session(store.engine) as session:
        yield session.connection(), Repositories(session)


# ------------------------------------------------------------------ 入户走访登记表


def build_visit_register(
    store: Store,
    area: str,
    period: Period,
    *,
    household_id: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Visits of the area's grids (or of one household) in the period, oldest first."""
    context = _Context(store, now)
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        head = (
            select(ResidentRow.name)
            .where(
                ResidentRow.household_id == VisitRow.household_id,
                ResidentRow.relation == Relation.HEAD.value,
                ResidentRow.deleted.is_(False),
            )
            .limit(1)
            .scalar_subquery()
        )
        base = (
            select(
                VisitRow.visited_at,
                VisitRow.grid_id,
                VisitRow.household_id,
                HouseholdRow.number,
                HouseholdRow.address,
                head.label("head"),
                VisitRow.method,
                VisitRow.visitor,
                VisitRow.content,
                VisitRow.findings,
                VisitRow.needs,
            )
            .join(HouseholdRow, HouseholdRow.id == VisitRow.household_id, isouter=True)
            .where(
                VisitRow.deleted.is_(False),
                VisitRow.visited_at >= period.since,
                VisitRow.visited_at < period.until,
                # A corrected visit prints once, as corrected.
                VisitRow.id.not_in(
                    select(VisitRow.corrects_id).where(
                        VisitRow.corrects_id.is_not(None), VisitRow.deleted.is_(False)
                    )
                ),
            )
        )
        names = repos.sync_state.display_names()
        subtitle = ""
        if household_id is not None:
            home_id, number, address = _household(connection, scope, household_id)
            statements: list[Select[tuple[object, ...]]] = [
                base.where(VisitRow.household_id == home_id)
            ]
            subtitle = f"户号{number} {address}" if number else address
        else:
            statements = [base.where(VisitRow.grid_id.in_(c)) for c in chunked(scope.grid_ids)]
        fetched = [row for s in statements for row in connection.execute(s)]
        fetched.sort(key=lambda r: (r.visited_at, r.household_id))
        rows: list[tuple[Cell, ...]] = []
        for n, r in enumerate(fetched, start=1):
            rows.append(
                (
                    n,
                    _local_day(r.visited_at),
                    scope.grid_names.get(r.grid_id, ""),
                    r.number or "",
                    r.address or "",
                    r.head or "",
                    VisitMethod(r.method).label,
                    names.get(r.visitor, r.visitor),
                    r.content,
                    "；".join(x for x in (r.findings, r.needs) if x),
                )
            )
        households = len({r.household_id for r in fetched})
        return Report(
            kind=ReportKind.VISIT_REGISTER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            subtitle=subtitle,
            columns=(
                Column("序号", 4, numeric=True),
                Column("走访日期", 10),
                Column("网格", 10),
                Column("户号", 8),
                Column("住址", 16),
                Column("户主", 6),
                Column("走访方式", 8),
                Column("走访人", 8),
                Column("走访内容", 22),
                Column("发现问题及诉求", 20),
            ),
            rows=tuple(rows),
            totals=("合计", f"{len(rows)}次", f"{households}户", "", "", "", "", "", "", ""),
            summary=(f"走访 {len(rows)} 次，涉及 {households} 户。",),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


def _household(connection: Connection, scope: _Scope, key: str) -> tuple[str, str, str]:
    """(id, 户号, address) of the household ``key`` names in the scope: its internal id,
    else its 户号 (household register number, what a clerk has on paper)."""
    columns = (HouseholdRow.id, HouseholdRow.number, HouseholdRow.address)
    key = key.strip()
    row = connection.execute(
        select(*columns).where(HouseholdRow.id == key, HouseholdRow.deleted.is_(False))
    ).first()
    if row is not None:
        return row.id, row.number or "", row.address or ""
    found = [
        r
        for chunk in chunked(scope.grid_ids)
        for r in connection.execute(
            select(*columns).where(
                HouseholdRow.number == key,
                HouseholdRow.deleted.is_(False),
                HouseholdRow.grid_id.in_(chunk),
            )
        )
    ]
    if not found:
        raise HouseholdNotFound(key, scope.area.name)
    if len(found) > 1:
        raise AmbiguousHousehold(key, sorted(r.address for r in found))
    return found[0].id, found[0].number or "", found[0].address or ""


# ------------------------------------------------------------ 网格走访情况汇总表


def build_visit_summary(
    store: Store, area: str, period: Period, *, now: datetime | None = None
) -> Report:
    """Per grid: worker, households, households visited, coverage and visits by method."""
    context = _Context(store, now)
    methods = list(VisitMethod)
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        households: Counter[str] = Counter()
        visited: Counter[str] = Counter()
        by_method: dict[str, Counter[str]] = defaultdict(Counter)
        visitors: dict[str, Counter[str]] = defaultdict(Counter)
        names = repos.sync_state.display_names()
        in_period = and_(
            VisitRow.deleted.is_(False),
            VisitRow.visited_at >= period.since,
            VisitRow.visited_at < period.until,
        )
        for chunk in chunked(scope.grid_ids):
            for grid_id, count in connection.execute(
                select(HouseholdRow.grid_id, func.count())
                .where(
                    HouseholdRow.deleted.is_(False),
                    HouseholdRow.moved_out_on.is_(None),
                    HouseholdRow.grid_id.in_(chunk),
                )
                .group_by(HouseholdRow.grid_id)
            ):
                households[grid_id] = int(count)
            # Households visited: distinct live households of the grid with a visit.
            for grid_id, count in connection.execute(
                select(HouseholdRow.grid_id, func.count(func.distinct(VisitRow.household_id)))
                .join(HouseholdRow, HouseholdRow.id == VisitRow.household_id)
                .where(
                    in_period,
                    HouseholdRow.deleted.is_(False),
                    HouseholdRow.moved_out_on.is_(None),
                    HouseholdRow.grid_id.in_(chunk),
                )
                .group_by(HouseholdRow.grid_id)
            ):
                visited[grid_id] = int(count)
            for grid_id, method, visitor, count in connection.execute(
                select(VisitRow.grid_id, VisitRow.method, VisitRow.visitor, func.count())
                .where(in_period, VisitRow.grid_id.in_(chunk))
                .group_by(VisitRow.grid_id, VisitRow.method, VisitRow.visitor)
            ):
                by_method[grid_id][method] += int(count)
                visitors[grid_id][names.get(visitor, visitor)] += int(count)
        rows: list[tuple[Cell, ...]] = []
        total_h = total_v = total_visits = 0
        total_methods: Counter[str] = Counter()
        for n, grid in enumerate(scope.grids, start=1):
            h, v = households[grid.id], visited[grid.id]
            counts = by_method[grid.id]
            visits = sum(counts.values())
            worker = "、".join(name for name, _ in visitors[grid.id].most_common(2))
            rows.append(
                (
                    n,
                    scope.grid_names[grid.id],
                    worker,
                    h,
                    v,
                    _percent(v, h),
                    *(counts[m.value] for m in methods),
                    visits,
                )
            )
            total_h, total_v, total_visits = total_h + h, total_v + v, total_visits + visits
            total_methods.update(counts)
        return Report(
            kind=ReportKind.VISIT_SUMMARY,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            columns=(
                Column("序号", 4, numeric=True),
                Column("网格", 16),
                Column("网格员", 10),
                Column("户数", 6, numeric=True),
                Column("已走访户数", 7, numeric=True),
                Column("走访覆盖率", 7, numeric=True),
                *(Column(m.label, 6, numeric=True) for m in methods),
                Column("走访总次数", 7, numeric=True),
            ),
            rows=tuple(rows),
            totals=(
                "合计",
                f"{len(rows)}个网格",
                "",
                total_h,
                total_v,
                _percent(total_v, total_h),
                *(total_methods[m.value] for m in methods),
                total_visits,
            ),
            summary=(
                f"共 {len(rows)} 个网格，{total_h} 户，期内走访 {total_v} 户、"
                f"{total_visits} 次，覆盖率 {_percent(total_v, total_h)}。",
            ),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


# ---------------------------------------------------------------------- 事件台账


class EventStateFilter(StrEnum):
    """Which events a ledger or the statistics cover, by where they stand."""

    ALL = "all"
    UNFINISHED = "unfinished"
    """未办结: every open event, returned ones included."""
    HANDLING = "handling"
    """办理中: open and with the township or a handler (not 已退回)."""
    RETURNED = "returned"
    FINISHED = "finished"
    """已办结: closed, evaluated or self-resolved."""
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return _STATE_FILTER_LABELS[self]

    def admits(self, state: EventState) -> bool:
        if self is EventStateFilter.ALL:
            return True
        if self is EventStateFilter.UNFINISHED:
            return state.is_open
        if self is EventStateFilter.HANDLING:
            return state.is_open and state is not EventState.RETURNED
        if self is EventStateFilter.RETURNED:
            return state is EventState.RETURNED
        if self is EventStateFilter.FINISHED:
            return state in _CLOSED_STATES
        return state is EventState.VOIDED


_STATE_FILTER_LABELS = {
    EventStateFilter.ALL: "全部",
    EventStateFilter.UNFINISHED: "未办结",
    EventStateFilter.HANDLING: "办理中",
    EventStateFilter.RETURNED: "已退回",
    EventStateFilter.FINISHED: "已办结",
    EventStateFilter.VOIDED: "已作废",
}


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What part of the events a ledger (or the statistics) prints: one 三本账 ledger,
    one category, a state, only overdue ones. The default is everything."""

    ledger: Ledger | None = None
    category: str | None = None
    """A category code, or the name an event was reported under."""
    state: EventStateFilter = EventStateFilter.ALL
    overdue: bool = False
    source: EventSource | None = None
    """来源: only events taken in by this channel (热线, 来访 …, or 网格员上报)."""

    @property
    def is_all(self) -> bool:
        return self == EventFilter()

    def admits(self, line: _EventLine) -> bool:
        event, status = line.event, line.status
        if self.ledger is not None and event.ledger is not self.ledger:
            return False
        if self.category is not None and self.category not in (
            event.category_code,
            line.category,
        ):
            return False
        if not self.state.admits(status.state):
            return False
        if self.source is not None and event.source is not self.source:
            return False
        return not self.overdue or status.overdue

    def subtitle(self, category_name: str = "") -> str:
        """What the title says after the report's name: 意见建议账, 超期未办结, …"""
        parts = []
        if self.source is not None:
            parts.append(f"来源：{self.source.label}")
        if self.ledger is not None:
            parts.append(f"{self.ledger.label}账")
        if self.category is not None:
            parts.append(category_name or self.category)
        if self.overdue and self.state is EventStateFilter.UNFINISHED:
            parts.append("超期未办结")
        elif self.overdue and self.state is EventStateFilter.FINISHED:
            parts.append("超期办结")
        else:
            if self.state is not EventStateFilter.ALL:
                parts.append(self.state.label)
            if self.overdue:
                parts.append("超期")
        return "·".join(parts)


@dataclass(frozen=True, slots=True)
class _EventLine:
    event: Event
    status: EventStatus
    result: str
    category: str
    """The category name the event was reported under."""
    handler: str = ""
    """处置单位: where the last dispatch sent it (网格员 for back to the grid)."""
    marks: str = ""
    """督办 / 延期 / 回访, where the history has them."""
    self_resolved: bool = False
    void_reason: str = ""
    mediations: tuple[MediationOutcome, ...] = ()
    """The outcomes of the event's 调解 records (调处成功率)."""


_RESULT_KINDS = frozenset(
    {EventActionKind.HANDLE, EventActionKind.FEEDBACK, EventActionKind.SELF_RESOLVE}
)
_SENDING = frozenset({EventActionKind.DISPATCH, EventActionKind.REDISPATCH})


def _marks(status: EventStatus, kinds: set[str]) -> str:
    """督办, 延期 (an approved extension), 返工 (rounds after 不满意), 回访."""
    marks = []
    if status.supervised:
        marks.append("督办")
    if status.extended:
        marks.append("延期")
    if status.rework_rounds:
        marks.append(f"返工{status.rework_rounds}次")
    if EventActionKind.RETURN_VISIT.value in kinds:
        marks.append("回访")
    return "、".join(marks)


def _deadline_text(status: EventStatus) -> str:
    """办理期限: the deadline in force; after an extension the original beside it."""
    if status.original_deadline is None:
        return deadline_text(status.deadline)
    return f"{deadline_text(status.deadline)}（原{deadline_text(status.original_deadline)}）"


def _reporter_text(event: Event, names: Mapping[str, str]) -> str:
    """上报人, with the channel when township staff took the event in (热线, 来访 …)."""
    name = names.get(event.reporter, event.reporter)
    if event.source is EventSource.GRID_WORKER:
        return name
    return f"{name}（{event.source.label}）"


_NO_DEPARTMENTS = DepartmentList()


def _handler(actions: Sequence[EventAction], departments: DepartmentList) -> str:
    """处置单位: where the last dispatch sent it (a department by its name)."""
    for action in reversed(actions):
        if action.kind in _SENDING:
            target = action.assignee.strip()
            return "网格员" if target in ("", "grid") else departments.name(target)
        if action.kind is EventActionKind.SELF_RESOLVE:
            return "网格员（自处置）"
    return ""


def _events(
    connection: Connection,
    scope: _Scope,
    period: Period,
    catalog: EventCatalog,
    now: datetime,
    departments: DepartmentList = _NO_DEPARTMENTS,
) -> list[_EventLine]:
    events: list[Event] = []
    for chunk in chunked(scope.grid_ids):
        statement = select(EventRow.__table__).where(
            EventRow.deleted.is_(False),
            EventRow.grid_id.in_(chunk),
            EventRow.reported_at >= period.since,
            EventRow.reported_at < period.until,
        )
        for row in connection.execute(statement).mappings():
            record = record_from_row(EntityKind.EVENT, row)
            assert isinstance(record, Event)
            events.append(record)
    events.sort(key=lambda e: (e.reported_at, e.number, e.id))
    actions: dict[str, list[EventAction]] = {e.id: [] for e in events}
    ids = list(actions)
    for chunk in chunked(ids):
        statement = select(EventActionRow.__table__).where(
            EventActionRow.deleted.is_(False), EventActionRow.event_id.in_(chunk)
        )
        for row in connection.execute(statement).mappings():
            action = record_from_row(EntityKind.EVENT_ACTION, row)
            assert isinstance(action, EventAction)
            actions[action.event_id].append(action)
    outcomes = _mediation_outcomes(connection, ids)
    lines: list[_EventLine] = []
    for event in events:
        history = actions[event.id]
        if not history:
            continue  # its actions have not arrived yet: no state to print
        # The event's own terms (never the catalog's current ones, see catalog.py).
        status = event_status(event, history, catalog, now)
        ordered = sorted(history, key=lambda a: a.fold_key)
        result = next(
            (a.comment for a in reversed(ordered) if a.kind in _RESULT_KINDS and a.comment), ""
        )
        kinds = {a.kind.value for a in ordered}
        void_reason = ""
        if status.state is EventState.VOIDED:
            void_reason = next(
                (a.comment for a in reversed(ordered) if a.kind is EventActionKind.VOID), ""
            )
        lines.append(
            _EventLine(
                event,
                status,
                result,
                event_category_name(event, catalog),
                handler=_handler(ordered, departments),
                marks=_marks(status, kinds),
                self_resolved=EventActionKind.SELF_RESOLVE.value in kinds,
                void_reason=void_reason,
                mediations=tuple(outcomes.get(event.id, ())),
            )
        )
    return lines


def _mediation_outcomes(
    connection: Connection, event_ids: Sequence[str]
) -> dict[str, list[MediationOutcome]]:
    """The outcomes of the live mediation records of the events (an outcome code from a
    newer version is left out: it is neither 成功 nor 不成 here)."""
    known = {o.value: o for o in MediationOutcome}
    found: dict[str, list[MediationOutcome]] = defaultdict(list)
    for chunk in chunked(event_ids):
        statement = select(MediationRow.event_id, MediationRow.outcome).where(
            MediationRow.deleted.is_(False), MediationRow.event_id.in_(chunk)
        )
        for event_id, outcome in connection.execute(statement):
            if outcome in known:
                found[event_id].append(known[outcome])
    return found


def _filtered(lines: Sequence[_EventLine], which: EventFilter) -> list[_EventLine]:
    return [line for line in lines if which.admits(line)]


def _category_name(lines: Sequence[_EventLine], catalog: EventCatalog, code: str | None) -> str:
    if code is None:
        return ""
    for line in lines:
        if code in (line.event.category_code, line.category):
            return line.category
    return catalog.categories[code].name if code in catalog.categories else code


def _overdue_text(status: EventStatus) -> str:
    if not status.overdue:
        return ""
    return "超期未办结" if status.is_open else "超期办结"


def _catalog_note(catalog: EventCatalog, lines: Sequence[_EventLine]) -> str:
    inferred = sum(1 for x in lines if x.event.terms_inferred)
    text = (
        f"办理时限按各事件上报时的事项清单计算（当前事项清单第 {catalog.revision} 次修订"
        f"{'，' + catalog.version if catalog.version else ''}）"
    )
    if inferred:
        text += f"；其中 {inferred} 件为系统升级前上报，时限按升级时的事项清单补记"
    if any(x.event.limit_kind is LimitKind.WORKING for x in lines):
        calendar = catalog.calendar
        text += (
            f"；工作日按节假日安排（{calendar.version or '内置'}"
            f"{f'，第 {calendar.revision} 次修订' if calendar.revision else ''}）计算，"
            "当日办结的事项 17:00 后上报的顺延至下一工作日"
        )
    return text + "。"


def build_event_ledger(
    store: Store,
    area: str,
    period: Period,
    *,
    which: EventFilter = EventFilter(),
    now: datetime | None = None,
) -> Report:
    """Events reported in the period (or the part ``which`` selects: one ledger, one
    category, a state, the overdue ones): 事件编号, dates, grid, reporter, category,
    ledger, urgency, handler, deadline, state, overdue, result or void reason,
    satisfaction and the 督办/延期/回访 marks."""
    context = _Context(store, now)
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        catalog = repos.catalog.load()
        names = repos.sync_state.display_names()
        listing = repos.catalog.load_departments()
        every = _events(connection, scope, period, catalog, context.now, listing)
        lines = _filtered(every, which)
        rows: list[tuple[Cell, ...]] = []
        for n, line in enumerate(lines, start=1):
            e, s = line.event, line.status
            voided = s.state is EventState.VOIDED
            result = f"作废原因：{line.void_reason or '未填写'}" if voided else line.result
            rows.append(
                (
                    n,
                    e.number or UNNUMBERED,
                    _local_day(e.reported_at),
                    scope.grid_names.get(e.grid_id, ""),
                    _reporter_text(e, names),
                    e.title,
                    line.category,
                    e.ledger.label,
                    e.urgency.label,
                    line.handler,
                    _deadline_text(s),
                    s.state.label,
                    "" if voided else _local_day(s.finished_at),
                    _overdue_text(s),
                    result,
                    s.satisfaction.label if s.satisfaction is not None else "",
                    line.marks,
                )
            )
        finished = sum(1 for x in lines if x.status.state in _CLOSED_STATES)
        overdue_open = sum(1 for x in lines if x.status.overdue and x.status.is_open)
        overdue_done = sum(1 for x in lines if x.status.overdue and not x.status.is_open)
        unnumbered = sum(1 for x in lines if not x.event.number)
        notes = [_catalog_note(catalog, lines)]
        if unnumbered:
            notes.append(f"{unnumbered} 件尚未同步到服务器，事件编号显示为“{UNNUMBERED}”。")
        return Report(
            kind=ReportKind.EVENT_LEDGER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            columns=(
                Column("序号", 4, numeric=True),
                Column("事件编号", 11),
                Column("上报日期", 8),
                Column("网格", 8),
                Column("上报人", 5),
                Column("事件", 10),
                Column("类别", 7),
                Column("台账", 6),
                Column("紧急程度", 5),
                Column("处置单位", 6),
                Column("办理期限", 8),
                Column("状态", 5),
                Column("办结日期", 8),
                Column("超期", 5),
                Column("办理结果", 11),
                Column("满意度", 5),
                Column("督办/延期/回访", 6),
            ),
            rows=tuple(rows),
            totals=(
                "合计",
                f"{len(rows)}件",
                *([""] * 9),
                f"办结{finished}件",
                "",
                f"{overdue_open + overdue_done}件",
                "",
                "",
                "",
            ),
            summary=(
                f"共 {len(rows)} 件，已办结 {finished} 件，超期未办结 {overdue_open} 件，"
                f"超期办结 {overdue_done} 件。",
            ),
            notes=tuple(notes),
            subtitle=which.subtitle(_category_name(every, catalog, which.category)),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


# ------------------------------------------------------------------ 事件办理统计

_STATS_FORMULAS = (
    "办结＝已结案、已评价或自处置；办理中不含已退回（单列）；超期未办结＝未办结且已过时限，"
    "超期办结＝办结晚于时限。",
    "办结率＝已办结÷（事件数－已作废）；按期办结率＝按期办结÷已办结；"
    "满意率＝（满意＋基本满意）÷已评价；自处置率（小事不出网格）＝自处置÷（事件数－已作废）。",
)
_MEDIATION_NOTE = (
    "调处成功率＝调解成功÷（调解成功＋调解不成），进行中和转其他途径的不计入；"
    "没有已办结的调解时为“—”。"
)


def _figures(group: Sequence[_EventLine]) -> tuple[Cell, ...]:
    states = [x.status.state for x in group]
    voided = sum(1 for s in states if s is EventState.VOIDED)
    returned = sum(1 for s in states if s is EventState.RETURNED)
    handling = sum(1 for s in states if s.is_open and s is not EventState.RETURNED)
    done = [x for x in group if x.status.state in _CLOSED_STATES]
    on_time = sum(1 for x in done if not x.status.overdue)
    overdue_open = sum(1 for x in group if x.status.is_open and x.status.overdue)
    overdue_done = len(done) - on_time
    rated = [x.status.satisfaction for x in group if x.status.satisfaction is not None]
    pleased = sum(1 for r in rated if r is not Satisfaction.UNSATISFIED)
    self_resolved = sum(1 for x in group if x.self_resolved)
    counted = len(group) - voided
    mediated = success_rate(o for x in group for o in x.mediations)
    return (
        len(group),
        handling,
        returned,
        len(done),
        voided,
        overdue_open,
        overdue_done,
        _percent(len(done), counted),
        _percent(on_time, len(done)),
        _percent(pleased, len(rated)),
        _percent(self_resolved, counted),
        mediated.total,
        mediated.text(),
    )


def build_event_stats(
    store: Store,
    area: str,
    period: Period,
    *,
    which: EventFilter = EventFilter(),
    now: datetime | None = None,
) -> Report:
    """The figures townships are judged on, per category, per 三本账 ledger, per village
    and per grid (the last two when the area has more than one): 办理中 and 已退回 apart,
    已办结, 已作废, 超期未办结 and 超期办结 apart, 办结率, 按期办结率, 满意率 and
    自处置率. Categories are the ones the events were reported under."""
    context = _Context(store, now)
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        catalog = repos.catalog.load()
        every = _events(connection, scope, period, catalog, context.now)
        lines = _filtered(every, which)
        width = 15
        rows: list[tuple[Cell, ...]] = []
        sections: list[int] = []

        def section(title: str, groups: Sequence[tuple[str, Sequence[_EventLine]]]) -> None:
            sections.append(len(rows))
            rows.append(("", title, *([""] * (width - 2))))
            for n, (name, group) in enumerate(groups, start=1):
                rows.append((n, name, *_figures(group)))

        by_category: dict[tuple[str, str], list[_EventLine]] = defaultdict(list)
        for line in lines:
            by_category[line.event.category_code, line.category].append(line)
        # By code (the catalog's own order in practice), not by position in the current
        # catalog: a retired or removed category must not move its row.
        keys = sorted(by_category)
        numbered = ["一", "二", "三", "四"]
        parts: list[tuple[str, list[tuple[str, Sequence[_EventLine]]]]] = [
            ("按事件类别", [(name, by_category[code, name]) for code, name in keys])
        ]
        ledgers = [which.ledger] if which.ledger is not None else list(Ledger)
        parts.append(
            (
                "按台账（三本账）",
                [(f"{x.label}账", [y for y in lines if y.event.ledger is x]) for x in ledgers],
            )
        )
        if len(scope.villages) > 1:
            parts.append(
                (
                    "按村（社区）",
                    [
                        (
                            v.name,
                            [y for y in lines if scope.grid_village.get(y.event.grid_id) == v.id],
                        )
                        for v in scope.villages
                    ],
                )
            )
        if len(scope.grids) > 1:
            parts.append(
                (
                    "按网格",
                    [
                        (scope.grid_names[g.id], [y for y in lines if y.event.grid_id == g.id])
                        for g in scope.grids
                    ],
                )
            )
        for index, (title, groups) in enumerate(parts):
            section(f"{numbered[index]}、{title}", groups)
        total = _figures(lines)
        states = Counter(x.status.state for x in lines)
        state_line = "，".join(f"{s.label} {states[s]} 件" for s in EventState if states[s])
        return Report(
            kind=ReportKind.EVENT_STATS,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            columns=(
                Column("序号", 3, numeric=True),
                Column("分组", 16),
                Column("事件数", 5, numeric=True),
                Column("办理中", 5, numeric=True),
                Column("已退回", 5, numeric=True),
                Column("已办结", 5, numeric=True),
                Column("已作废", 5, numeric=True),
                Column("超期未办结", 6, numeric=True),
                Column("超期办结", 5, numeric=True),
                Column("办结率", 6, numeric=True),
                Column("按期办结率", 6, numeric=True),
                Column("满意率", 6, numeric=True),
                Column("自处置率", 6, numeric=True),
                Column("调解数", 5, numeric=True),
                Column("调处成功率", 6, numeric=True),
            ),
            rows=tuple(rows),
            section_rows=frozenset(sections),
            totals=("合计", f"{len(lines)}件", *total),
            summary=(
                f"共 {total[0]} 件，办结 {total[3]} 件，办结率 {total[7]}，按期办结率 {total[8]}，"
                f"满意率 {total[9]}，自处置率 {total[10]}；超期未办结 {total[5]} 件，"
                f"超期办结 {total[6]} 件；调解 {total[11]} 件，调处成功率 {total[12]}。",
                f"按状态：{state_line or '无'}。",
                *_STATS_FORMULAS,
            ),
            notes=(
                _catalog_note(catalog, lines),
                f"调解数＝期间内上报事件的调解记录数；{_MEDIATION_NOTE}",
            ),
            subtitle=which.subtitle(_category_name(every, catalog, which.category)),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


# ------------------------------------------------------------------ 矛盾纠纷调解台账


def build_mediation_ledger(
    store: Store, area: str, period: Period, *, now: datetime | None = None
) -> Report:
    """The mediations started in the period (开始调解日期), whatever the event's report
    date: 事件编号, 纠纷类别, 网格, 当事人, 调解员/组织, 开始日期, 次数, 结果, 协议
    (form and text), 回访; the 调处成功率 of the period in the summary."""
    context = _Context(store, now)
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        catalog = repos.catalog.load()
        mediations: list[Mediation] = []
        for chunk in chunked(_period_mediations(connection, period)):
            statement = select(MediationRow.__table__).where(MediationRow.id.in_(chunk))
            for row in connection.execute(statement).mappings():
                record = record_from_row(EntityKind.MEDIATION, row)
                assert isinstance(record, Mediation)
                mediations.append(record)
        events: dict[str, Event] = {}
        for chunk in chunked(list(dict.fromkeys(m.event_id for m in mediations))):
            statement = select(EventRow.__table__).where(
                EventRow.id.in_(chunk), EventRow.deleted.is_(False)
            )
            for row in connection.execute(statement).mappings():
                event = record_from_row(EntityKind.EVENT, row)
                assert isinstance(event, Event)
                if event.grid_id in scope.grid_names:
                    events[event.id] = event
        mediations = [m for m in mediations if m.event_id in events]
        mediations.sort(key=lambda m: (m.started_on, events[m.event_id].number, m.id))
        rows: list[tuple[Cell, ...]] = []
        for n, m in enumerate(mediations, start=1):
            event = events[m.event_id]
            who = "\n".join(t for t in (m.mediator, m.committee) if t)
            if m.agreement_kind is MediationAgreement.NONE:
                agreement = m.agreement
            else:
                agreement = (
                    f"{m.agreement_kind.label}：{m.agreement}"
                    if m.agreement
                    else m.agreement_kind.label
                )
            rows.append(
                (
                    n,
                    event.number or UNNUMBERED,
                    event_category_name(event, catalog),
                    scope.grid_names.get(event.grid_id, ""),
                    m.parties,
                    who,
                    m.started_on.isoformat(),
                    len(m.sessions),
                    m.outcome.label,
                    agreement,
                    m.follow_up,
                )
            )
        rate = success_rate(m.outcome for m in mediations)
        sessions = sum(len(m.sessions) for m in mediations)
        unnumbered = sum(1 for m in mediations if not events[m.event_id].number)
        notes = [f"按开始调解日期在统计期间内的调解记录统计。{_MEDIATION_NOTE}"]
        if unnumbered:
            notes.append(f"{unnumbered} 件的事件尚未同步到服务器，事件编号显示为“{UNNUMBERED}”。")
        return Report(
            kind=ReportKind.MEDIATION_LEDGER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            columns=(
                Column("序号", 3, numeric=True),
                Column("事件编号", 11),
                Column("纠纷类别", 7),
                Column("网格", 8),
                Column("当事人", 9),
                Column("调解员/组织", 10),
                Column("开始日期", 6),
                Column("次数", 3, numeric=True),
                Column("结果", 5),
                Column("协议", 14),
                Column("回访", 11),
            ),
            rows=tuple(rows),
            totals=(
                "合计",
                f"{len(rows)}件",
                "",
                "",
                "",
                "",
                "",
                sessions,
                f"成功{rate.success}件",
                "",
                "",
            ),
            summary=(
                f"共调解 {rate.total} 件，调解成功 {rate.success} 件，调解不成 {rate.failed} 件，"
                f"进行中 {rate.in_progress} 件，转其他途径 {rate.referred} 件；"
                f"调处成功率 {rate.text()}。",
            ),
            notes=tuple(notes),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


def _period_mediations(connection: Connection, period: Period) -> list[str]:
    statement = select(MediationRow.id).where(
        MediationRow.deleted.is_(False),
        MediationRow.started_on >= period.start,
        MediationRow.started_on <= period.end,
    )
    return list(connection.execute(statement).scalars())


# ------------------------------------------------------------------ 特殊群体花名册


#: Extra roster columns by group: the guardian of a child, the 残疾人证 of a disabled person.
_GUARDIAN_GROUPS = frozenset({SpecialGroup.LEFT_BEHIND_CHILD, SpecialGroup.CHILD_IN_DIFFICULTY})
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


def build_roster(
    store: Store,
    area: str,
    group: SpecialGroup,
    role: Role,
    *,
    masked: bool = False,
    now: datetime | None = None,
) -> Report:
    """Live residents of the area in ``group`` on the day of the report (老年人 by the
    birth date; 留守儿童, 困境儿童 and 重点青少年 by the tag while the age is within the
    bounds). ID and phone numbers are masked unless ``role`` may see them in full, and
    always with ``masked`` (a copy for passing upward). The 留守儿童 and 困境儿童 rosters
    add 监护人 and 监护人电话; the 残疾人 roster 残疾类别等级 and 残疾证号."""
    context = _Context(store, now)
    full = may_see_full_ids(role) and not masked
    today = today_cst(context.now)
    member = group_member(group.value, today)
    guardian = group in _GUARDIAN_GROUPS
    disabled = group is SpecialGroup.DISABLED
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        fetched: list[Any] = []
        for chunk in chunked(scope.grid_ids):
            statement = (
                select(
                    ResidentRow.name,
                    ResidentRow.gender,
                    ResidentRow.birth_date,
                    ResidentRow.id_number,
                    ResidentRow.phone,
                    ResidentRow.ethnicity,
                    ResidentRow.disability_category,
                    ResidentRow.disability_grade,
                    ResidentRow.disability_certificate,
                    ResidentRow.guardian,
                    ResidentRow.guardian_phone,
                    ResidentRow.notes,
                    HouseholdRow.grid_id,
                    HouseholdRow.address,
                    case((ResidentRow.relation == Relation.HEAD.value, 0), else_=1).label("o"),
                )
                .join(HouseholdRow, HouseholdRow.id == ResidentRow.household_id)
                .where(
                    ResidentRow.deleted.is_(False),
                    HouseholdRow.deleted.is_(False),
                    HouseholdRow.moved_out_on.is_(None),
                    HouseholdRow.grid_id.in_(chunk),
                    member,
                )
            )
            fetched.extend(connection.execute(statement))
        order = {g.id: i for i, g in enumerate(scope.grids)}
        fetched.sort(key=lambda r: (order.get(r.grid_id, 0), natural_key(r.address), r.o, r.name))
        rows: list[tuple[Cell, ...]] = []
        genders: Counter[str] = Counter()
        for n, r in enumerate(fetched, start=1):
            gender = Gender(r.gender).label if r.gender else ""
            genders[gender] += 1
            age: Cell = ""
            if r.birth_date is not None:
                age = age_on(r.birth_date, today)
            extra: tuple[Cell, ...] = ()
            if guardian:
                extra = (r.guardian or "", _mask_phone(r.guardian_phone or "", full))
            elif disabled:
                extra = (
                    _disability_text(r.disability_category, r.disability_grade),
                    _mask_certificate(r.disability_certificate or "", full),
                )
            note = (
                r.notes
                if disabled
                else _roster_note(r.disability_category, r.disability_grade, r.notes)
            )
            rows.append(
                (
                    n,
                    r.name,
                    gender,
                    age,
                    r.ethnicity,
                    _mask_id(r.id_number, full),
                    _mask_phone(r.phone, full),
                    scope.grid_names.get(r.grid_id, ""),
                    r.address,
                    *extra,
                    note,
                )
            )
        male, female = genders[Gender.MALE.label], genders[Gender.FEMALE.label]
        extra_columns: tuple[Column, ...] = ()
        if guardian:
            extra_columns = (Column("监护人", 9), Column("监护人电话", 12))
        elif disabled:
            extra_columns = (Column("残疾类别等级", 9), Column("残疾证号", 21))
        columns = (
            Column("序号", 4, numeric=True),
            Column("姓名", 7),
            Column("性别", 4),
            Column("年龄", 4, numeric=True),
            Column("民族", 5),
            Column("公民身份号码", 19),
            Column("联系电话", 12),
            Column("网格", 10),
            Column("住址", 18 - 4 * bool(extra_columns)),
            *extra_columns,
            Column("备注", 10 - 2 * bool(extra_columns)),
        )
        totals: tuple[Cell, ...] = (
            "合计",
            f"{len(rows)}人",
            f"男{male} 女{female}",
            *([""] * (len(columns) - 3)),
        )
        return Report(
            kind=ReportKind.ROSTER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=None,
            subtitle=group.label,
            columns=columns,
            rows=tuple(rows),
            totals=totals,
            summary=(f"{group.label}共 {len(rows)} 人（男 {male} 人，女 {female} 人）。",),
            notes=() if full else (_MASK_NOTE,),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


def _disability_text(category: str | None, grade: int | None) -> str:
    if not category:
        return ""
    text = DisabilityCategory(category).label
    if grade:
        text += f"{'一二三四'[grade - 1] if 1 <= grade <= 4 else grade}级"
    return text


def _roster_note(category: str | None, grade: int | None, notes: str) -> str:
    parts = []
    text = _disability_text(category, grade)
    if text:
        parts.append(text)
    if notes:
        parts.append(notes)
    return "；".join(parts)


# ------------------------------------------------------------------ household programs


def _household_lines(
    connection: Connection, scope: _Scope, *where: ColumnElement[bool]
) -> list[Any]:
    """The live households of ``scope`` (not moved out) matching ``where``, each once,
    with its head's name, ID number and phone and its number of live members: what the
    household rosters print (a household with two heads prints the first)."""
    heads = (
        select(
            ResidentRow.household_id,
            ResidentRow.name,
            ResidentRow.id_number,
            ResidentRow.phone,
        )
        .where(ResidentRow.deleted.is_(False), ResidentRow.relation == Relation.HEAD.value)
        .subquery()
    )
    sizes = (
        select(ResidentRow.household_id, func.count().label("members"))
        .where(ResidentRow.deleted.is_(False))
        .group_by(ResidentRow.household_id)
        .subquery()
    )
    homes: dict[str, Any] = {}
    for chunk in chunked(scope.grid_ids):
        statement = (
            select(
                HouseholdRow.id,
                HouseholdRow.grid_id,
                HouseholdRow.micro_grid_id,
                HouseholdRow.number,
                HouseholdRow.address,
                HouseholdRow.phone,
                HouseholdRow.tags,
                HouseholdRow.notes,
                HouseholdRow.cadre,
                heads.c.name,
                heads.c.id_number,
                heads.c.phone.label("head_phone"),
                sizes.c.members,
            )
            .outerjoin(heads, heads.c.household_id == HouseholdRow.id)
            .outerjoin(sizes, sizes.c.household_id == HouseholdRow.id)
            .where(
                HouseholdRow.deleted.is_(False),
                HouseholdRow.moved_out_on.is_(None),
                HouseholdRow.grid_id.in_(chunk),
                *where,
            )
        )
        for row in connection.execute(statement):
            homes.setdefault(row.id, row)
    return list(homes.values())


def build_household_roster(
    store: Store,
    area: str,
    program: str,
    role: Role,
    *,
    masked: bool = False,
    now: datetime | None = None,
) -> Report:
    """Live households of the area in a program (低保户, 防返贫监测户, 党员中心户 …) with
    their head, the head's ID number (masked unless ``role`` may see it, always with
    ``masked``), phone, number of members, and the household's other programs. For a
    program kept in program records (低保, 特困供养, 临时救助, 防返贫监测) also the day its
    open record began (认定/识别日期; empty for a household tagged without a record)."""
    label, tags = program_tags(program)
    backed = _record_program(tags)
    codes = [t.value for t in tags]
    context = _Context(store, now)
    full = may_see_full_ids(role) and not masked
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        fetched = _household_lines(connection, scope, household_tagged(codes))
        order = {g.id: i for i, g in enumerate(scope.grids)}
        ordered = sorted(
            fetched,
            key=lambda r: (order.get(r.grid_id, 0), natural_key(r.address), r.number or ""),
        )
        since = (
            _open_since(connection, [r.id for r in ordered], backed) if backed is not None else {}
        )
        rows: list[tuple[Cell, ...]] = []
        people = 0
        kinds: Counter[str] = Counter()
        for n, r in enumerate(ordered, start=1):
            own = [HouseholdTag(c) for c in r.tags or () if c in HouseholdTag._value2member_map_]
            which = [t.label for t in own if t in tags]
            others = [t.label for t in own if t not in tags]
            kinds.update(which)
            members = int(r.members or 0)
            people += members
            rows.append(
                (
                    n,
                    r.number or "",
                    r.name or "",
                    _mask_id(r.id_number or "", full),
                    _mask_phone(r.phone or r.head_phone or "", full),
                    members,
                    scope.grid_names.get(r.grid_id, ""),
                    r.address,
                    "、".join(which),
                    *((since.get(r.id, ""),) if backed is not None else ()),
                    "、".join(others),
                    r.notes or "",
                )
            )
        dated = (Column("识别日期" if backed is Program.MONITORED else "认定日期", 9),)
        columns = (
            Column("序号", 4, numeric=True),
            Column("户号", 7),
            Column("户主", 7),
            Column("户主公民身份号码", 19),
            Column("联系电话", 12),
            Column("人口", 4, numeric=True),
            Column("网格", 10),
            Column("住址", 16),
            Column("类别", 9),
            *(dated if backed is not None else ()),
            Column("同时属于", 10),
            Column("备注", 10),
        )
        summary = [f"{label}共 {len(rows)} 户 {people} 人。"]
        if len(tags) > 1:
            summary.append(
                "其中" + "，".join(f"{t.label} {kinds[t.label]} 户" for t in tags) + "。"
            )
        return Report(
            kind=ReportKind.HOUSEHOLD_ROSTER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=None,
            subtitle=label,
            columns=columns,
            rows=tuple(rows),
            totals=("合计", f"{len(rows)}户", "", "", "", people, *([""] * (len(columns) - 6))),
            summary=tuple(summary),
            notes=() if full else (_MASK_NOTE,),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


def _record_program(tags: Sequence[HouseholdTag]) -> Program | None:
    """The program whose records stand behind these household tags, if any."""
    if tags and all(t in MONITOR_TAGS for t in tags):
        return Program.MONITORED
    if len(tags) == 1 and tags[0].value in Program._value2member_map_:
        return Program(tags[0].value)
    return None


def _open_since(
    connection: Connection, household_ids: Sequence[str], program: Program
) -> dict[str, str]:
    """The start day (ISO) of each household's earliest open record of ``program``."""
    record = ProgramRecordRow
    closed = [s.value for s in MonitorStatus if s.closed]
    found: dict[str, str] = {}
    for chunk in chunked(list(household_ids)):
        statement = (
            select(record.household_id, func.min(record.started_on))
            .where(
                record.deleted.is_(False),
                record.program == program.value,
                record.household_id.in_(chunk),
                record.ended_on.is_(None),
                (record.status.is_(None) | record.status.not_in(closed)),
            )
            .group_by(record.household_id)
        )
        for household_id, started in connection.execute(statement):
            found[household_id] = started.isoformat() if started is not None else ""
    return found


def build_monitoring_ledger(
    store: Store, area: str, period: Period, *, now: datetime | None = None
) -> Report:
    """防返贫监测台账: the 防返贫监测 records of the area's live households that ran in
    ``period`` (identified on or before its last day, not cleared before its first), by
    grid and address: 户主, 地址, the household's monitored kind, 风险类型, 识别日期,
    帮扶措施, 状态, 消除日期. Below: how many were identified, cleared and still
    monitored in the period, and the count per risk type."""
    context = _Context(store, now)
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        homes = {h.id: h for h in _household_lines(connection, scope)}
        record = ProgramRecordRow
        fetched: list[Any] = []
        for chunk in chunked(list(homes)):
            statement = select(
                record.household_id,
                record.started_on,
                record.ended_on,
                record.status,
                record.risk_type,
                record.measures,
                record.notes,
            ).where(
                record.deleted.is_(False),
                record.program == Program.MONITORED.value,
                record.household_id.in_(chunk),
                record.started_on <= period.end,
                (record.ended_on.is_(None) | (record.ended_on >= period.start)),
            )
            fetched.extend(connection.execute(statement))
        order = {g.id: i for i, g in enumerate(scope.grids)}

        def key(r: Any) -> tuple[Any, ...]:
            home = homes[r.household_id]
            return (order.get(home.grid_id, 0), natural_key(home.address), r.started_on)

        fetched.sort(key=key)
        statuses = {s.value: s for s in MonitorStatus}
        risks = {r.value: r for r in RiskType}
        rows: list[tuple[Cell, ...]] = []
        identified = cleared = relapsed = still = 0
        by_risk: Counter[str] = Counter()
        for n, r in enumerate(fetched, start=1):
            home = homes[r.household_id]
            status = statuses.get(r.status or "")
            risk = risks.get(r.risk_type or "")
            kinds = [t.label for t in MONITOR_TAGS if t.value in (home.tags or ())]
            if period.start <= r.started_on <= period.end:
                identified += 1
            ended_in = r.ended_on is not None and r.ended_on <= period.end
            if ended_in and status is MonitorStatus.CLEARED:
                cleared += 1
            elif ended_in and status is MonitorStatus.RELAPSED:
                relapsed += 1
            elif not ended_in:
                still += 1
            by_risk[risk.label if risk else (r.risk_type or "未填")] += 1
            rows.append(
                (
                    n,
                    home.name or "",
                    scope.grid_names.get(home.grid_id, ""),
                    home.address,
                    "、".join(kinds),
                    risk.label if risk else (r.risk_type or ""),
                    r.started_on.isoformat(),
                    r.measures or "",
                    status.label if status else (r.status or ""),
                    r.ended_on.isoformat() if r.ended_on else "",
                    r.notes or "",
                )
            )
        columns = (
            Column("序号", 4, numeric=True),
            Column("户主", 7),
            Column("网格", 10),
            Column("住址", 15),
            Column("监测对象类别", 9),
            Column("风险类型", 7),
            Column("识别日期", 9),
            Column("帮扶措施", 20),
            Column("状态", 7),
            Column("消除日期", 9),
            Column("备注", 9),
        )
        households = len({r.household_id for r in fetched})
        spells = f"（{len(rows)} 条记录）" if households != len(rows) else ""
        summary = [
            f"本期监测 {households} 户{spells}：新识别 {identified} 户，风险消除 {cleared} 户"
            + (f"，返贫致贫 {relapsed} 户" if relapsed else "")
            + f"，期末仍在监测 {still} 户。"
        ]
        if by_risk:
            summary.append(
                "按风险类型：" + "，".join(f"{k} {v} 户" for k, v in by_risk.most_common()) + "。"
            )
        return Report(
            kind=ReportKind.MONITORING_LEDGER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            columns=columns,
            rows=tuple(rows),
            totals=("合计", f"{households}户", *([""] * 9)),
            summary=tuple(summary),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


def build_organization_roster(
    store: Store, area: str, role: Role, *, masked: bool = False, now: datetime | None = None
) -> Report:
    """The live organizations of the area's grids by grid and kind: name, kind, leader,
    phone (masked unless ``role`` may see numbers, always with ``masked``), members,
    address; a count per kind below."""
    context = _Context(store, now)
    full = may_see_full_ids(role) and not masked
    kinds = {kind.value: n for n, kind in enumerate(OrganizationKind)}
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        fetched: list[Any] = []
        for chunk in chunked(scope.grid_ids):
            statement = select(
                OrganizationRow.grid_id,
                OrganizationRow.name,
                OrganizationRow.kind,
                OrganizationRow.leader,
                OrganizationRow.phone,
                OrganizationRow.members,
                OrganizationRow.address,
                OrganizationRow.notes,
            ).where(OrganizationRow.deleted.is_(False), OrganizationRow.grid_id.in_(chunk))
            fetched.extend(connection.execute(statement))
        order = {g.id: i for i, g in enumerate(scope.grids)}
        fetched.sort(
            key=lambda r: (order.get(r.grid_id, 0), kinds.get(r.kind, 99), natural_key(r.name))
        )
        counted: Counter[str] = Counter()
        rows: list[tuple[Cell, ...]] = []
        members = 0
        for n, r in enumerate(fetched, start=1):
            label = OrganizationKind(r.kind).label if r.kind in kinds else r.kind
            counted[label] += 1
            members += r.members or 0
            rows.append(
                (
                    n,
                    r.name,
                    label,
                    r.leader,
                    _mask_phone(r.phone or "", full),
                    "" if r.members is None else r.members,
                    scope.grid_names.get(r.grid_id, ""),
                    r.address,
                    r.notes,
                )
            )
        columns = (
            Column("序号", 4, numeric=True),
            Column("组织名称", 16),
            Column("类别", 10),
            Column("负责人", 7),
            Column("联系电话", 12),
            Column("成员数", 5, numeric=True),
            Column("网格", 10),
            Column("地址", 16),
            Column("备注", 12),
        )
        by_kind = "，".join(f"{label} {count} 个" for label, count in counted.items())
        summary = [f"共 {len(rows)} 个组织" + (f"：{by_kind}" if by_kind else "") + "。"]
        return Report(
            kind=ReportKind.ORGANIZATION_ROSTER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=None,
            columns=columns,
            rows=tuple(rows),
            totals=("合计", f"{len(rows)}个", "", "", "", members, "", "", ""),
            summary=tuple(summary),
            notes=() if full else ("依据个人信息保护规定，电话号码已做脱敏处理。",),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


# ------------------------------------------------------------------------ 巡查日志

#: An event a patrol links that this laptop does not hold (not synced yet, or outside
#: the user's scope): named so, rather than left out.
EVENT_NOT_HERE = "未同步事件"


def _clock(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(CST).strftime("%H:%M")


def _day(moment: datetime) -> date:
    return moment.astimezone(CST).date()


def build_patrol_log(
    store: Store, area: str, period: Period, *, now: datetime | None = None
) -> Report:
    """The patrols of the area's grids in the period, by day (then start, grid): day,
    times, grid, patroller (the real name), route and places, findings, the 事件编号 of
    the events reported from it, photos; a count per grid below."""
    context = _Context(store, now)
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        names = repos.sync_state.display_names()
        fetched: list[Any] = []
        for chunk in chunked(scope.grid_ids):
            fetched.extend(
                connection.execute(
                    select(
                        PatrolRow.id,
                        PatrolRow.grid_id,
                        PatrolRow.patroller,
                        PatrolRow.patrol_date,
                        PatrolRow.started_at,
                        PatrolRow.ended_at,
                        PatrolRow.route,
                        PatrolRow.places,
                        PatrolRow.findings,
                        PatrolRow.attachments,
                        PatrolRow.event_ids,
                    ).where(
                        PatrolRow.deleted.is_(False),
                        PatrolRow.grid_id.in_(chunk),
                        PatrolRow.patrol_date >= period.start,
                        PatrolRow.patrol_date <= period.end,
                    )
                )
            )
        linked = sorted({i for r in fetched for i in r.event_ids or ()})
        numbers: dict[str, str] = {}
        for chunk in chunked(linked):
            for event_id, number in connection.execute(
                select(EventRow.id, EventRow.number).where(
                    EventRow.id.in_(chunk), EventRow.deleted.is_(False)
                )
            ):
                numbers[event_id] = number or UNNUMBERED
        order = {g.id: i for i, g in enumerate(scope.grids)}
        fetched.sort(
            key=lambda r: (
                r.patrol_date,
                r.started_at is None,
                r.started_at or datetime.min.replace(tzinfo=UTC),
                order.get(r.grid_id, 0),
                r.id,
            )
        )
        rows: list[tuple[Cell, ...]] = []
        per_grid: Counter[str] = Counter()
        grid_events: Counter[str] = Counter()
        total_events = total_photos = 0
        for n, r in enumerate(fetched, start=1):
            events = list(r.event_ids or ())
            photos = len(r.attachments or ())
            per_grid[r.grid_id] += 1
            grid_events[r.grid_id] += len(events)
            total_events += len(events)
            total_photos += photos
            # An ASCII hyphen: the report font's en dash copies out of the PDF as U+2012.
            end = _clock(r.ended_at)
            if end and r.started_at is not None and _day(r.ended_at) > _day(r.started_at):
                end = f"次日{end}"  # a night patrol ending after midnight
            times = "-".join(t for t in (_clock(r.started_at), end) if t)
            rows.append(
                (
                    n,
                    r.patrol_date.isoformat(),
                    times,
                    scope.grid_names.get(r.grid_id, ""),
                    names.get(r.patroller, r.patroller),
                    "；".join(x for x in (r.route, r.places) if x),
                    r.findings,
                    "、".join(numbers.get(e, EVENT_NOT_HERE) for e in events),
                    photos,
                )
            )
        patrolled = [g for g in scope.grids if per_grid[g.id]]
        idle = len(scope.grids) - len(patrolled)
        summary = [
            f"期内巡查 {len(rows)} 次，涉及 {len(patrolled)} 个网格，"
            f"上报事件 {total_events} 件，照片 {total_photos} 张。"
        ]
        if len(scope.grids) > 1 or rows:
            parts = [
                f"{scope.grid_names[g.id]} {per_grid[g.id]} 次"
                + (f"（上报事件 {grid_events[g.id]} 件）" if grid_events[g.id] else "")
                for g in patrolled
            ]
            if parts:
                summary.append("各网格巡查次数：" + "；".join(parts) + "。")
            if idle:
                summary.append(f"期内无巡查记录的网格 {idle} 个。")
        return Report(
            kind=ReportKind.PATROL_LOG,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            columns=(
                Column("序号", 4, numeric=True),
                Column("日期", 10),
                Column("时间", 9),
                Column("网格", 10),
                Column("巡查人", 6),
                Column("路线/地点", 24),
                Column("发现问题", 24),
                Column("上报事件", 14),
                Column("照片数", 5, numeric=True),
            ),
            rows=tuple(rows),
            totals=(
                "合计",
                f"{len(rows)}次",
                "",
                f"{len(patrolled)}个网格",
                "",
                "",
                "",
                f"{total_events}件",
                total_photos,
            ),
            summary=tuple(summary),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


def build_place_roster(
    store: Store,
    area: str,
    role: Role,
    *,
    place_kind: PlaceKind | None = None,
    masked: bool = False,
    now: datetime | None = None,
) -> Report:
    """场所名册: the live places of the area's grids (of one kind when ``place_kind`` is
    given) by grid, kind and name: name, kind, grid, address, person in charge, phone
    (masked unless ``role`` may see numbers, always with ``masked``), risk level, key
    place, the latest check and the state of its hazard; counts below."""
    context = _Context(store, now)
    full = may_see_full_ids(role) and not masked
    kinds = {kind.value: n for n, kind in enumerate(PlaceKind)}
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        fetched: list[Any] = []
        for chunk in chunked(scope.grid_ids):
            statement = select(
                PlaceRow.id,
                PlaceRow.grid_id,
                PlaceRow.name,
                PlaceRow.kind,
                PlaceRow.address,
                PlaceRow.contact,
                PlaceRow.phone,
                PlaceRow.risk_level,
                PlaceRow.is_key,
                PlaceRow.notes,
            ).where(PlaceRow.deleted.is_(False), PlaceRow.grid_id.in_(chunk))
            if place_kind is not None:
                statement = statement.where(PlaceRow.kind == place_kind.value)
            fetched.extend(connection.execute(statement))
        checks = latest_checks(connection, [r.id for r in fetched])
        order = {g.id: i for i, g in enumerate(scope.grids)}
        fetched.sort(
            key=lambda r: (order.get(r.grid_id, 0), kinds.get(r.kind, 99), natural_key(r.name))
        )
        counted: Counter[str] = Counter()
        rows: list[tuple[Cell, ...]] = []
        key_places = risky = open_hazards = unchecked = 0
        for n, r in enumerate(fetched, start=1):
            label = PlaceKind(r.kind).label if r.kind in kinds else r.kind
            counted[label] += 1
            check = checks.get(r.id)
            key_places += bool(r.is_key)
            risky += r.risk_level in (RiskLevel.MAJOR.value, RiskLevel.SEVERE.value)
            if check is None:
                unchecked += 1
                state = ""
            elif check.open_hazard:
                open_hazards += 1
                deadline = check.rectify_by
                late = deadline is not None and deadline < today_cst(context.now)
                state = "逾期未整改" if late else "待整改"
                if deadline is not None:
                    state += f"（限{deadline.isoformat()}）"
            elif check.hazards.strip():
                state = "已整改"
            else:
                state = "无隐患"
            risk = RiskLevel(r.risk_level).label if r.risk_level in _RISK_CODES else ""
            rows.append(
                (
                    n,
                    r.name,
                    label,
                    scope.grid_names.get(r.grid_id, ""),
                    r.address,
                    r.contact,
                    _mask_phone(r.phone or "", full),
                    risk,
                    "是" if r.is_key else "",
                    check.inspected_on.isoformat() if check is not None else "未检查",
                    state,
                    r.notes,
                )
            )
        columns = (
            Column("序号", 4, numeric=True),
            Column("场所名称", 15),
            Column("类别", 9),
            Column("网格", 10),
            Column("地址", 13),
            Column("负责人", 6),
            Column("联系电话", 11),
            Column("风险等级", 5),
            Column("重点", 4),
            Column("最近检查", 9),
            Column("隐患整改", 13),
            Column("备注", 7),
        )
        by_kind = "，".join(f"{label} {count} 处" for label, count in counted.items())
        summary = [
            f"共 {len(rows)} 处场所" + (f"：{by_kind}" if by_kind else "") + "。",
            f"重点场所 {key_places} 处，较大及以上风险 {risky} 处；"
            f"最近一次检查发现隐患尚未整改的 {open_hazards} 处，未检查 {unchecked} 处。",
        ]
        return Report(
            kind=ReportKind.PLACE_ROSTER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=None,
            columns=columns,
            rows=tuple(rows),
            totals=(
                "合计",
                f"{len(rows)}处",
                "",
                "",
                "",
                "",
                "",
                "",
                f"{key_places}处",
                "",
                "",
                "",
            ),
            summary=tuple(summary),
            subtitle=place_kind.label if place_kind is not None else "",
            notes=() if full else ("依据个人信息保护规定，电话号码已做脱敏处理。",),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


_RISK_CODES = frozenset(level.value for level in RiskLevel)


#: The households that lead a micro-grid (网格核心户, 党员中心户), in the order named.
_LEADING = (HouseholdTag.GRID_CORE, HouseholdTag.PARTY_CENTRAL)


def build_micro_grid_roster(
    store: Store, area: str, role: Role, *, masked: bool = False, now: datetime | None = None
) -> Report:
    """Each micro-grid of the area with the household that leads it (网格核心户 or
    党员中心户, as tagged on a household of that micro-grid) and the households it
    links (联户): 户号, 户主, the head's phone (masked unless ``role`` may see numbers,
    always with ``masked``), members, address. A micro-grid without a leading household
    says so; households of a grid in no micro-grid are listed last under their grid."""
    context = _Context(store, now)
    full = may_see_full_ids(role) and not masked
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        micro_names = {
            row.id: (row.parent_id, row.name, row.code)
            for row in connection.execute(
                select(AreaRow.id, AreaRow.parent_id, AreaRow.name, AreaRow.code).where(
                    AreaRow.level == AreaLevel.MICRO_GRID.value, AreaRow.deleted.is_(False)
                )
            )
        }
        homes = _household_lines(connection, scope)
        groups: dict[tuple[str, str | None], list[Any]] = defaultdict(list)
        for home in homes:
            micro = home.micro_grid_id if home.micro_grid_id in micro_names else None
            groups[home.grid_id, micro].append(home)
        grid_order = {g.id: i for i, g in enumerate(scope.grids)}

        def group_key(key: tuple[str, str | None]) -> tuple[int, int, str]:
            grid_id, micro = key
            code = micro_names[micro][2] if micro is not None else ""
            return (grid_order.get(grid_id, 0), micro is None, natural_key(code))

        rows: list[tuple[Cell, ...]] = []
        sections: set[int] = set()
        led = unled = 0
        for key in sorted(groups, key=group_key):
            grid_id, micro = key
            members = sorted(groups[key], key=lambda h: (natural_key(h.address), h.number or ""))
            leaders = [(h, tag) for tag in _LEADING for h in members if tag.value in (h.tags or ())]
            grid = scope.grid_names.get(grid_id, "")
            if micro is None:
                title = f"{grid}　未划入微网格的住户（{len(members)}户）"
            else:
                if leaders:
                    leader, tag = leaders[0]
                    lead = f"{tag.label}：{leader.name or leader.address}"
                    led += 1
                else:
                    lead = "尚未确定网格核心户"
                    unled += 1
                name = micro_names[micro][1]
                where = name if name.startswith(grid) else f"{grid}{name}"
                title = f"{where}　{lead}　联户{len(members)}户"
            sections.add(len(rows))
            rows.append(("", title, *[""] * 6))  # in the wide 住址 column
            leading_ids = {h.id for h, _tag in leaders}
            for n, h in enumerate(members, start=1):
                roles = [t.label for t in _LEADING if t.value in (h.tags or ())]
                rows.append(
                    (
                        n,
                        h.address,
                        h.number or "",
                        h.name or "",
                        _mask_phone(h.phone or h.head_phone or "", full),
                        int(h.members or 0),
                        "、".join(roles),
                        "中心户" if h.id in leading_ids and roles else "",
                    )
                )
        columns = (
            Column("序号", 4, numeric=True),
            Column("住址", 30),
            Column("户号", 10),
            Column("户主", 7),
            Column("联系电话", 12),
            Column("人口", 4, numeric=True),
            Column("类别", 11),
            Column("备注", 6),
        )
        micro_count = led + unled
        summary = [
            f"共 {micro_count} 个微网格、{len(homes)} 户；"
            f"已确定网格核心户（党员中心户）的 {led} 个，尚未确定的 {unled} 个。"
        ]
        return Report(
            kind=ReportKind.MICRO_GRID_ROSTER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=None,
            columns=columns,
            rows=tuple(rows),
            totals=(
                "合计",
                f"{len(homes)}户",
                "",
                "",
                "",
                sum(int(h.members or 0) for h in homes),
                "",
                "",
            ),
            summary=tuple(summary),
            notes=() if full else ("依据个人信息保护规定，电话号码已做脱敏处理。",),
            section_rows=frozenset(sections),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=False,
        )


NO_CADRE = "未落实包户干部"


def build_cadre_roster(
    store: Store, area: str, role: Role, *, masked: bool = False, now: datetime | None = None
) -> Report:
    """五级五长包户: each 包户干部 with the households he or she answers for (户号, 户主,
    the household's phone masked unless ``role`` may see numbers or always with
    ``masked``, members, address, programs), then the households with no cadre yet."""
    context = _Context(store, now)
    full = may_see_full_ids(role) and not masked
    with _snapshot(store) as (connection, repos):
        scope = _scope(connection, area)
        homes = _household_lines(connection, scope)
        by_cadre: dict[str, list[Any]] = defaultdict(list)
        for home in homes:
            by_cadre[(home.cadre or "").strip() or NO_CADRE].append(home)
        order = {g.id: i for i, g in enumerate(scope.grids)}
        cadres = sorted((c for c in by_cadre if c != NO_CADRE), key=natural_key)
        if NO_CADRE in by_cadre:
            cadres.append(NO_CADRE)
        rows: list[tuple[Cell, ...]] = []
        sections: set[int] = set()
        for cadre in cadres:
            members = sorted(
                by_cadre[cadre],
                key=lambda h: (order.get(h.grid_id, 0), natural_key(h.address), h.number or ""),
            )
            people = sum(int(h.members or 0) for h in members)
            sections.add(len(rows))
            rows.append(("", f"{cadre}　包{len(members)}户 {people}人", *[""] * 6))
            for n, h in enumerate(members, start=1):
                programs = [HouseholdTag(t).label for t in h.tags or () if t in _TAG_CODES]
                rows.append(
                    (
                        n,
                        h.address,
                        h.number or "",
                        h.name or "",
                        _mask_phone(h.phone or h.head_phone or "", full),
                        int(h.members or 0),
                        scope.grid_names.get(h.grid_id, ""),
                        "、".join(programs),
                    )
                )
        columns = (
            Column("序号", 4, numeric=True),
            Column("住址", 20),
            Column("户号", 10),
            Column("户主", 7),
            Column("联系电话", 12),
            Column("人口", 4, numeric=True),
            Column("网格", 14),
            Column("类别", 14),
        )
        named = len(cadres) - (NO_CADRE in by_cadre)
        without = len(by_cadre.get(NO_CADRE, ()))
        summary = (
            f"{named} 名包户干部包联 {len(homes) - without} 户；尚未落实包户干部的 {without} 户。",
        )
        return Report(
            kind=ReportKind.CADRE_ROSTER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=None,
            columns=columns,
            rows=tuple(rows),
            totals=(
                "合计",
                f"{len(homes)}户",
                "",
                "",
                "",
                sum(int(h.members or 0) for h in homes),
                "",
                "",
            ),
            summary=summary,
            notes=() if full else ("依据个人信息保护规定，电话号码已做脱敏处理。",),
            section_rows=frozenset(sections),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
        )


_TAG_CODES = frozenset(t.value for t in HouseholdTag)


# ------------------------------------------------------------------------ dispatch


def build_report(
    store: Store,
    kind: ReportKind,
    area: str,
    period: Period,
    *,
    role: Role = Role.WORKER,
    group: SpecialGroup | None = None,
    program: str | None = None,
    place_kind: PlaceKind | None = None,
    household_id: str | None = None,
    masked: bool = False,
    which: EventFilter = EventFilter(),
    now: datetime | None = None,
) -> Report:
    """One entry point for the command line and the UI. ``household_id``: the household's
    id or its 户号 (入户走访登记表); ``masked``: ID and phone numbers masked whatever the
    role (花名册; the other reports print neither); ``which`` selects events for the
    event ledger and statistics."""
    if kind is ReportKind.VISIT_REGISTER:
        return build_visit_register(store, area, period, household_id=household_id, now=now)
    if kind is ReportKind.VISIT_SUMMARY:
        return build_visit_summary(store, area, period, now=now)
    if kind is ReportKind.EVENT_LEDGER:
        return build_event_ledger(store, area, period, which=which, now=now)
    if kind is ReportKind.EVENT_STATS:
        return build_event_stats(store, area, period, which=which, now=now)
    if kind is ReportKind.MEDIATION_LEDGER:
        return build_mediation_ledger(store, area, period, now=now)
    if kind is ReportKind.CADRE_ROSTER:
        return build_cadre_roster(store, area, role, masked=masked, now=now)
    if kind is ReportKind.MICRO_GRID_ROSTER:
        return build_micro_grid_roster(store, area, role, masked=masked, now=now)
    if kind is ReportKind.PATROL_LOG:
        return build_patrol_log(store, area, period, now=now)
    if kind is ReportKind.MONITORING_LEDGER:
        return build_monitoring_ledger(store, area, period, now=now)
    if kind is ReportKind.ORGANIZATION_ROSTER:
        return build_organization_roster(store, area, role, masked=masked, now=now)
    if kind is ReportKind.PLACE_ROSTER:
        return build_place_roster(store, area, role, place_kind=place_kind, masked=masked, now=now)
    if kind is ReportKind.HOUSEHOLD_ROSTER:
        if program is None:
            raise ValueError("重点户花名册需要指定类别（--program），如 低保户")
        return build_household_roster(store, area, program, role, masked=masked, now=now)
    if group is None:
        raise ValueError("特殊群体花名册需要指定群体（--group）")
    return build_roster(store, area, group, role, masked=masked, now=now)
