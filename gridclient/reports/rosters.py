"""特殊群体花名册 (see :mod:`gridclient.reports.data`)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from gridclient.reports.common import (
    _MASK_NOTE,
    Cell,
    Column,
    Report,
    ReportKind,
    _Context,
    _mask_certificate,
    _mask_id,
    _mask_phone,
    _scope,
    may_see_full_ids,
)
from gridclient.reports.progress import Step, ticking
from gridclient.storage import reportqueries as queries
from gridclient.storage.store import Store
from gridcore.domain.agegroups import age_on, today_cst
from gridcore.domain.enums import (
    DisabilityCategory,
    Gender,
    Role,
    SpecialGroup,
)
from gridcore.domain.sorting import natural_key

__all__ = [
    "build_roster",
]


# ------------------------------------------------------------------ 特殊群体花名册


#: Extra roster columns by group: the guardian of a child, the 残疾人证 of a disabled person.
_GUARDIAN_GROUPS = frozenset({SpecialGroup.LEFT_BEHIND_CHILD, SpecialGroup.CHILD_IN_DIFFICULTY})


def build_roster(
    store: Store,
    area: str,
    group: SpecialGroup,
    role: Role,
    *,
    masked: bool = False,
    now: datetime | None = None,
    step: Step | None = None,
) -> Report:
    """Live residents of the area in ``group`` on the day of the report (老年人 by the
    birth date; 留守儿童, 困境儿童 and 重点青少年 by the tag while the age is within the
    bounds). ID and phone numbers are masked unless ``role`` may see them in full, and
    always with ``masked`` (a copy for passing upward). The 留守儿童 and 困境儿童 rosters
    add 监护人 and 监护人电话; the 残疾人 roster 残疾类别等级 and 残疾证号."""
    context = _Context(store, now)
    full = may_see_full_ids(role) and not masked
    today = today_cst(context.now)
    guardian = group in _GUARDIAN_GROUPS
    disabled = group is SpecialGroup.DISABLED
    with store.read() as repos:
        scope = _scope(repos, area)
        fetched = queries.special_group_members(
            repos, scope.grid_ids, group.value, today, tick=step
        )
        order = {g.id: i for i, g in enumerate(scope.grids)}
        fetched.sort(key=lambda r: (order.get(r.grid_id, 0), natural_key(r.address), r.o, r.name))
        rows: list[tuple[Cell, ...]] = []
        genders: Counter[str] = Counter()
        for n, r in enumerate(ticking(fetched, step, len(fetched)), start=1):
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
