"""重点户花名册 and 防返贫监测台账: households by program (see :mod:`gridclient.reports.data`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from gridclient.reports.common import (
    _MASK_NOTE,
    Cell,
    Column,
    Period,
    Report,
    ReportKind,
    _Context,
    _household_lines,
    _mask_id,
    _mask_phone,
    _scope,
    may_see_full_ids,
)
from gridclient.reports.progress import Step, ticking
from gridclient.storage import reportqueries as queries
from gridclient.storage.repositories import Repositories
from gridclient.storage.store import Store
from gridcore.domain.enums import (
    HouseholdTag,
    MonitorStatus,
    Program,
    RiskType,
    Role,
)
from gridcore.domain.programs import MONITOR_TAGS, program_tags
from gridcore.domain.sorting import natural_key

__all__ = [
    "build_household_roster",
    "build_monitoring_ledger",
]


# ------------------------------------------------------------------ household programs


def build_household_roster(
    store: Store,
    area: str,
    program: str,
    role: Role,
    *,
    masked: bool = False,
    now: datetime | None = None,
    step: Step | None = None,
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
    with store.read() as repos:
        scope = _scope(repos, area)
        fetched = _household_lines(repos, scope, tagged=codes, step=step)
        order = {g.id: i for i, g in enumerate(scope.grids)}
        ordered = sorted(
            fetched,
            key=lambda r: (order.get(r.grid_id, 0), natural_key(r.address), r.number or ""),
        )
        since = _open_since(repos, [r.id for r in ordered], backed) if backed is not None else {}
        rows: list[tuple[Cell, ...]] = []
        people = 0
        kinds: Counter[str] = Counter()
        for n, r in enumerate(ticking(ordered, step, len(ordered)), start=1):
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
    repos: Repositories, household_ids: Sequence[str], program: Program
) -> dict[str, str]:
    """The start day (ISO) of each household's earliest open record of ``program``."""
    return {
        household_id: started.isoformat() if started is not None else ""
        for household_id, started in queries.open_program_since(
            repos, household_ids, program
        ).items()
    }


def build_monitoring_ledger(
    store: Store, area: str, period: Period, *, now: datetime | None = None
) -> Report:
    """防返贫监测台账: the 防返贫监测 records of the area's live households that ran in
    ``period`` (identified on or before its last day, not cleared before its first), by
    grid and address: 户主, 地址, the household's monitored kind, 风险类型, 识别日期,
    帮扶措施, 状态, 消除日期. Below: how many were identified, cleared and still
    monitored in the period, and the count per risk type."""
    context = _Context(store, now)
    with store.read() as repos:
        scope = _scope(repos, area)
        homes = {h.id: h for h in _household_lines(repos, scope)}
        fetched = queries.monitoring_records(repos, list(homes), period.start, period.end)
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
