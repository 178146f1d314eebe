"""Special groups that follow the birth date: computed at the time of the list or report.

老年人 60+/80+/90+/100+ are derived and never stored: a stored tag would go stale as people
age (someone born 1966-12-01 is 60+ from 2026-12-01 without anyone editing the record),
so they are computed from ``birth_date`` against today's date in China Standard Time
wherever they are shown, counted, filtered or printed. Tags stored by older clients are
ignored, not rejected: ``effective_tags`` drops them and adds the derived ones.

留守儿童 (under 16), 困境儿童 (under 18) and 重点青少年 (6–25) are stored — someone records
that the child is left behind — but counted only while the age is inside the bounds
(``AGE_BOUNDS``): a 留守儿童 tag on someone who turned 16 is not shown, counted or printed.
With no birth date the stored tag counts. The rules are data in
:mod:`gridcore.domain.grouprules`.

Age is counted in 周岁 (completed years): a person turns N on the N-th anniversary of the
birth date. Someone born on 29 February turns N on 1 March in a year without
29 February (the anniversary has not happened on 28 February yet). This is the rule the
senior-citizen benefits (高龄津贴, 老年人优待) use; note that the criminal-law rule for
minors (周岁 from the day *after* the birthday) is a different, narrower convention.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from gridcore.domain.entities import CST, Resident
from gridcore.domain.enums import SpecialGroup
from gridcore.domain.grouprules import GROUP_RULES

__all__ = [
    "AGE_BOUNDS",
    "AGE_GROUPS",
    "DERIVED_GROUPS",
    "age_groups",
    "age_on",
    "birth_cutoff",
    "birth_window",
    "effective_codes",
    "effective_tags",
    "today_cst",
]

#: Derived group → the age (周岁) from which a person belongs to it.
AGE_GROUPS: dict[SpecialGroup, int] = {
    g: r.min_age for g, r in GROUP_RULES.items() if r.derived and r.min_age is not None
}
DERIVED_GROUPS: frozenset[SpecialGroup] = frozenset(AGE_GROUPS)
#: Stored groups counted only within these ages (周岁, inclusive; None: no bound).
AGE_BOUNDS: dict[SpecialGroup, tuple[int | None, int | None]] = {
    g: (r.min_age, r.max_age) for g, r in GROUP_RULES.items() if r.age_bounded
}


def today_cst(now: datetime | None = None) -> date:
    """Today's date in China Standard Time (``now`` must be timezone-aware)."""
    return (now or datetime.now(CST)).astimezone(CST).date()


def age_on(birth_date: date, today: date) -> int:
    """Completed years (周岁) on ``today``; 29 February birthdays count from 1 March in
    common years."""
    before = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before


def birth_cutoff(years: int, today: date) -> date:
    """The latest birth date of someone at least ``years`` old on ``today``:
    ``age_on(b, today) >= years`` exactly when ``b <= birth_cutoff(years, today)``,
    so a query can filter with ``birth_date <= cutoff``."""
    year = today.year - years
    try:
        return today.replace(year=year)
    except ValueError:  # today is 29 February and ``year`` is a common year
        return date(year, 2, 28)


def birth_window(group: SpecialGroup, today: date) -> tuple[date | None, date | None]:
    """Birth dates ``(after, up_to)`` of the people whose age is within ``group``'s
    bounds on ``today``: ``after < birth_date <= up_to`` (None: open), for a query. For a
    derived group only ``up_to`` is set; for a group without ages both are None."""
    if group in AGE_GROUPS:
        return None, birth_cutoff(AGE_GROUPS[group], today)
    low, high = AGE_BOUNDS.get(group, (None, None))
    up_to = None if low is None else birth_cutoff(low, today)
    after = None if high is None else birth_cutoff(high + 1, today)
    return after, up_to


def _within(group: SpecialGroup, age: int) -> bool:
    low, high = AGE_BOUNDS[group]
    return (low is None or age >= low) and (high is None or age <= high)


def age_groups(birth_date: date | None, today: date) -> frozenset[SpecialGroup]:
    """The age groups someone born on ``birth_date`` belongs to on ``today``."""
    if birth_date is None:
        return frozenset()
    age = age_on(birth_date, today)
    return frozenset(g for g, years in AGE_GROUPS.items() if age >= years)


def effective_tags(resident: Resident, today: date) -> frozenset[SpecialGroup]:
    """The resident's stored tags without any stored age group or any age-bounded group
    the age is outside of, plus the derived ones."""
    kept = resident.tags - DERIVED_GROUPS
    if resident.birth_date is not None and kept & _BOUNDED:
        age = age_on(resident.birth_date, today)
        kept = frozenset(g for g in kept if g not in _BOUNDED or _within(g, age))
    return kept | age_groups(resident.birth_date, today)


def effective_codes(codes: Iterable[str], birth_date: date | None, today: date) -> list[str]:
    """Like ``effective_tags`` for raw stored codes (a JSON column; codes from a newer
    server are kept as they are), in enum order with unknown codes last. Called once per
    list row, so it avoids work for the common case (no tags, under 60)."""
    kept = [c for c in codes if c not in _DERIVED_CODES]
    if birth_date is not None:
        age = age_on(birth_date, today)
        if kept:
            kept = [c for c in kept if c not in _BOUNDED_CODES or _within(_BOUNDED_CODES[c], age)]
        kept.extend(g.value for g, years in AGE_GROUPS.items() if age >= years)
    if len(kept) > 1:
        kept.sort(key=lambda c: _ORDER.get(c, len(_ORDER)))
    return kept


_DERIVED_CODES = frozenset(g.value for g in DERIVED_GROUPS)
_BOUNDED = frozenset(AGE_BOUNDS)
_BOUNDED_CODES = {g.value: g for g in AGE_BOUNDS}
_ORDER = {g.value: i for i, g in enumerate(SpecialGroup)}
