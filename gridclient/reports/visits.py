"""入户走访登记表 and 网格走访情况汇总表 (see :mod:`gridclient.reports.data`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from gridclient.reports.common import (
    AmbiguousHousehold,
    Cell,
    Column,
    HouseholdNotFound,
    Period,
    Report,
    ReportKind,
    _Context,
    _local_day,
    _percent,
    _Scope,
    _scope,
)
from gridclient.reports.progress import Step, ticking
from gridclient.storage import reportqueries as queries
from gridclient.storage.repositories import Repositories
from gridclient.storage.store import Store
from gridcore.domain.enums import VisitMethod

__all__ = [
    "build_visit_register",
    "build_visit_summary",
]


# ------------------------------------------------------------------ 入户走访登记表


def build_visit_register(
    store: Store,
    area: str,
    period: Period,
    *,
    household_id: str | None = None,
    now: datetime | None = None,
    step: Step | None = None,
) -> Report:
    """Visits of the area's grids (or of one household) in the period, oldest first."""
    context = _Context(store, now)
    with store.read() as repos:
        scope = _scope(repos, area)
        names = repos.sync_state.display_names()
        subtitle = ""
        if household_id is not None:
            home_id, number, address = _household(repos, scope, household_id)
            fetched = queries.visit_lines(
                repos,
                scope.grid_ids,
                period.since,
                period.until,
                household_id=home_id,
                tick=step,
            )
            subtitle = f"户号{number} {address}" if number else address
        else:
            fetched = queries.visit_lines(
                repos, scope.grid_ids, period.since, period.until, tick=step
            )
        fetched.sort(key=lambda r: (r.visited_at, r.household_id))
        rows: list[tuple[Cell, ...]] = []
        for n, r in enumerate(ticking(fetched, step, len(fetched)), start=1):
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


def _household(repos: Repositories, scope: _Scope, key: str) -> tuple[str, str, str]:
    """(id, 户号, address) of the household ``key`` names in the scope: its internal id,
    else its 户号 (household register number, what a clerk has on paper)."""
    key = key.strip()
    home = queries.household_by_id(repos, key)
    if home is not None:
        return home
    found = queries.households_numbered(repos, scope.grid_ids, key)
    if not found:
        raise HouseholdNotFound(key, scope.area.name)
    if len(found) > 1:
        raise AmbiguousHousehold(key, sorted(address for _id, _number, address in found))
    return found[0]


# ------------------------------------------------------------ 网格走访情况汇总表


def build_visit_summary(
    store: Store, area: str, period: Period, *, now: datetime | None = None
) -> Report:
    """Per grid: worker, households, households visited, coverage and visits by method."""
    context = _Context(store, now)
    methods = list(VisitMethod)
    with store.read() as repos:
        scope = _scope(repos, area)
        households: Counter[str] = Counter()
        visited: Counter[str] = Counter()
        by_method: dict[str, Counter[str]] = defaultdict(Counter)
        visitors: dict[str, Counter[str]] = defaultdict(Counter)
        names = repos.sync_state.display_names()
        tally = queries.visit_counts(repos, scope.grid_ids, period.since, period.until)
        households.update(tally.households)
        visited.update(tally.visited)
        for grid_id, method, visitor, count in tally.by_method:
            by_method[grid_id][method] += count
            visitors[grid_id][names.get(visitor, visitor)] += count
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
