"""老年人 60+/80+ derived from the birth date (gridcore.domain.agegroups)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from gridcore.domain.agegroups import (
    age_groups,
    age_on,
    birth_cutoff,
    effective_codes,
    effective_tags,
    today_cst,
)
from gridcore.domain.entities import Resident
from gridcore.domain.enums import SpecialGroup as G

E60, E80 = G.ELDERLY_60, G.ELDERLY_80


def test_turns_sixty_on_the_birthday() -> None:
    born = date(1966, 12, 1)
    assert age_groups(born, date(2026, 11, 30)) == frozenset()
    assert age_groups(born, date(2026, 12, 1)) == {E60}
    assert age_groups(born, date(2046, 11, 30)) == {E60}
    assert age_groups(born, date(2046, 12, 1)) == {E60, E80}


def test_no_birth_date_no_age_group() -> None:
    assert age_groups(None, date(2026, 1, 1)) == frozenset()


def test_29_february_turns_n_on_1_march_in_common_years() -> None:
    born = date(1964, 2, 29)
    assert age_on(born, date(2024, 2, 28)) == 59
    assert age_on(born, date(2024, 2, 29)) == 60  # a leap year: the birthday itself
    born = date(1968, 2, 29)
    assert age_on(born, date(2028, 2, 28)) == 59
    assert age_on(born, date(2028, 2, 29)) == 60
    born = date(1964, 2, 29)
    assert age_groups(born, date(2024, 2, 28)) == frozenset()
    assert age_groups(date(1966, 2, 28), date(2026, 2, 28)) == {E60}
    leapling = date(1964, 2, 29)
    assert age_on(leapling, date(2025, 2, 28)) == 60
    assert age_on(leapling, date(2026, 2, 28)) == 61
    assert age_on(date(1944, 2, 29), date(2025, 2, 28)) == 80
    assert age_on(date(1945, 3, 1), date(2025, 2, 28)) == 79
    leap_born = date(1960, 2, 29)
    assert age_on(leap_born, date(2021, 2, 28)) == 60
    assert age_on(date(1961, 2, 28), date(2021, 2, 28)) == 60
    assert age_on(leap_born, date(2020, 2, 28)) == 59


def test_leapling_in_a_common_year() -> None:
    # Born 2000-02-29 (leap); 2001 is common: 1 on 1 March 2001, not on 28 February.
    born = date(2000, 2, 29)
    assert age_on(born, date(2001, 2, 28)) == 0
    assert age_on(born, date(2001, 3, 1)) == 1
    assert birth_cutoff(1, date(2001, 2, 28)) == date(2000, 2, 28)
    assert birth_cutoff(1, date(2001, 3, 1)) == date(2000, 3, 1)
    # Today 29 February, N years back a common year: the cutoff is 28 February.
    assert birth_cutoff(1, date(2004, 2, 29)) == date(2003, 2, 28)


def test_effective_tags_replace_stale_stored_age_groups() -> None:
    resident = Resident(
        household_id="h",
        name="张三",
        birth_date=date(1990, 5, 1),
        tags=frozenset({E60, E80, G.DISABLED}),
    )
    assert effective_tags(resident, date(2026, 1, 1)) == {G.DISABLED}
    old = Resident(household_id="h", name="李四", birth_date=date(1940, 5, 1))
    assert effective_tags(old, date(2026, 1, 1)) == {E60, E80}
    unknown = Resident(household_id="h", name="王五", tags=frozenset({E60}))
    assert effective_tags(unknown, date(2026, 1, 1)) == frozenset()


def test_effective_codes_keep_unknown_codes_and_enum_order() -> None:
    codes = ["party_member", "elderly_80", "from_newer_server", "disabled"]
    assert effective_codes(codes, date(1960, 1, 1), date(2026, 1, 1)) == [
        "elderly_60",
        "disabled",
        "party_member",
        "from_newer_server",
    ]
    assert effective_codes(codes, None, date(2026, 1, 1)) == [
        "disabled",
        "party_member",
        "from_newer_server",
    ]


def test_today_is_china_standard_time() -> None:
    # 2026-11-30 17:00 UTC is already 1 December in Beijing.
    assert today_cst(datetime(2026, 11, 30, 17, 0, tzinfo=UTC)) == date(2026, 12, 1)
    assert today_cst(datetime(2026, 11, 30, 15, 59, tzinfo=UTC)) == date(2026, 11, 30)


days = st.dates(min_value=date(1850, 1, 1), max_value=date(2100, 12, 31))


@given(born=days, today=days, years=st.sampled_from([1, 4, 60, 80, 100]))
def test_cutoff_agrees_with_age(born: date, today: date, years: int) -> None:
    assert (born <= birth_cutoff(years, today)) == (age_on(born, today) >= years)


@given(born=days, today=days)
def test_age_counts_anniversaries(born: date, today: date) -> None:
    """周岁 = the number of anniversaries on or before today (29 Feb → 1 Mar)."""

    def anniversary(year: int) -> date:
        try:
            return born.replace(year=year)
        except ValueError:
            return date(year, 3, 1)

    if today < born:
        return
    count = sum(1 for y in range(born.year + 1, today.year + 1) if anniversary(y) <= today)
    assert age_on(born, today) == count
    assert (E60 in age_groups(born, today)) == (count >= 60)
    assert (E80 in age_groups(born, today)) == (count >= 80)
    assert age_groups(born, today + timedelta(days=1)) >= age_groups(born, today)
