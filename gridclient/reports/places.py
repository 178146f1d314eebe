"""组织名册 and 场所名册 (see :mod:`gridclient.reports.data`)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from gridclient.reports.common import (
    Cell,
    Column,
    Report,
    ReportKind,
    _Context,
    _mask_phone,
    _scope,
    may_see_full_ids,
)
from gridclient.storage import reportqueries as queries
from gridclient.storage.store import Store
from gridcore.domain.agegroups import today_cst
from gridcore.domain.enums import (
    OrganizationKind,
    PlaceKind,
    RiskLevel,
    Role,
)
from gridcore.domain.sorting import natural_key

__all__ = [
    "build_organization_roster",
    "build_place_roster",
]


def build_organization_roster(
    store: Store, area: str, role: Role, *, masked: bool = False, now: datetime | None = None
) -> Report:
    """The live organizations of the area's grids by grid and kind: name, kind, leader,
    phone (masked unless ``role`` may see numbers, always with ``masked``), members,
    address; a count per kind below."""
    context = _Context(store, now)
    full = may_see_full_ids(role) and not masked
    kinds = {kind.value: n for n, kind in enumerate(OrganizationKind)}
    with store.read() as repos:
        scope = _scope(repos, area)
        fetched = queries.organization_lines(repos, scope.grid_ids)
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
    with store.read() as repos:
        scope = _scope(repos, area)
        fetched = queries.place_lines(
            repos, scope.grid_ids, place_kind.value if place_kind is not None else None
        )
        checks = queries.place_checks(repos, [r.id for r in fetched])
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
            Column("地址", 12),
            Column("负责人", 6),
            Column("联系电话", 11),
            Column("风险等级", 6),
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
