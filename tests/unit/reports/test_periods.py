"""Report periods: month, quarter, year and custom, their names and parsing."""

from __future__ import annotations

from datetime import date

import pytest

from gridclient.reports.data import Period
from gridclient.reports.periods import (
    PeriodKind,
    containing,
    file_label,
    month_period,
    parse_month,
    parse_quarter,
    parse_year,
    period_name,
    quarter_period,
    year_period,
)


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2024, 1, 1), date(2024, 3, 31)),
        (2, date(2024, 4, 1), date(2024, 6, 30)),
        (3, date(2024, 7, 1), date(2024, 9, 30)),
        (4, date(2024, 10, 1), date(2024, 12, 31)),
    ],
)
def test_quarters(quarter: int, start: date, end: date) -> None:
    assert quarter_period(2024, quarter) == Period(start, end)


def test_containing_and_names() -> None:
    day = date(2026, 2, 14)
    month = containing(PeriodKind.MONTH, day)
    assert month == Period(date(2026, 2, 1), date(2026, 2, 28))
    quarter = containing(PeriodKind.QUARTER, day)
    assert quarter == Period(date(2026, 1, 1), date(2026, 3, 31))
    year = containing(PeriodKind.YEAR, day)
    assert year == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert period_name(PeriodKind.MONTH, month) == "2026年2月"
    assert period_name(PeriodKind.QUARTER, quarter) == "2026年第一季度"
    assert period_name(PeriodKind.YEAR, year) == "2026年"
    custom = Period(date(2026, 2, 3), date(2026, 3, 9))
    assert period_name(PeriodKind.CUSTOM, custom) == custom.text
    assert file_label(PeriodKind.MONTH, month) == "2026年02月"
    assert file_label(PeriodKind.QUARTER, quarter) == "2026年第1季度"
    assert file_label(PeriodKind.YEAR, year) == "2026年"
    assert file_label(PeriodKind.CUSTOM, custom) == "20260203-20260309"


def test_parsing() -> None:
    assert parse_month("2026-9") == parse_month("202609") == parse_month(" 2026-09 ")
    assert parse_quarter("2026Q4") == parse_quarter("2026-q4") == parse_quarter("2026-4")
    assert parse_quarter("2026 Q4").end == date(2026, 12, 31)
    assert parse_year("2025") == Period(date(2025, 1, 1), date(2025, 12, 31))
    for bad, parse in (
        ("2026-13", parse_month),
        ("26-09", parse_month),
        ("2026Q0", parse_quarter),
        ("2026Q5", parse_quarter),
        ("1899", parse_year),
        ("二〇二六", parse_year),
    ):
        with pytest.raises(ValueError):
            parse(bad)


def test_a_report_heading_names_a_whole_month_quarter_or_year() -> None:
    assert month_period(2026, 9).whole_name == "2026年9月"
    assert month_period(2024, 2).whole_name == "2024年2月"
    assert quarter_period(2026, 3).whole_name == "2026年第三季度"
    assert quarter_period(2026, 4).whole_name == "2026年第四季度"
    assert year_period(2026).whole_name == "2026年"
    assert Period(date(2026, 9, 1), date(2026, 9, 29)).whole_name == ""
    assert Period(date(2026, 2, 1), date(2026, 4, 30)).whole_name == ""
    assert Period(date(2025, 12, 1), date(2026, 2, 28)).whole_name == ""
