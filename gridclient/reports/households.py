"""微网格联户名册 and 包户名册 (see :mod:`gridclient.reports.data`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from gridclient.reports.common import (
    Cell,
    Column,
    Report,
    ReportKind,
    _Context,
    _household_lines,
    _mask_phone,
    _scope,
    may_see_full_ids,
)
from gridclient.storage import reportqueries as queries
from gridclient.storage.store import Store
from gridcore.domain.enums import (
    HouseholdTag,
    Role,
)
from gridcore.domain.sorting import natural_key

__all__ = [
    "NO_CADRE",
    "build_cadre_roster",
    "build_micro_grid_roster",
]


#: The households that lead a micro-grid (网格核心户, 党员中心户), in the order named.
_LEADING = (HouseholdTag.GRID_CORE, HouseholdTag.PARTY_CENTRAL)


def _household_totals(homes: Sequence[Any]) -> tuple[Cell, ...]:
    """The 合计 row both household rosters print: households, and people under 人口."""
    members = sum(int(h.members or 0) for h in homes)
    return ("合计", f"{len(homes)}户", "", "", "", members, "", "")


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
    with store.read() as repos:
        scope = _scope(repos, area)
        micro_names = queries.micro_grids(repos)
        homes = _household_lines(repos, scope)
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
            totals=_household_totals(homes),
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
    with store.read() as repos:
        scope = _scope(repos, area)
        homes = _household_lines(repos, scope)
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
            totals=_household_totals(homes),
            summary=summary,
            notes=() if full else ("依据个人信息保护规定，电话号码已做脱敏处理。",),
            section_rows=frozenset(sections),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
        )


_TAG_CODES = frozenset(t.value for t in HouseholdTag)
