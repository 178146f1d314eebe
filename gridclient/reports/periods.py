"""Report periods: a month, a quarter, a year or any range of days, for the 报表 dialog
and ``gridclient report`` alike (``--month 2026-09``, ``--quarter 2026Q3``,
``--year 2026`` or ``--from``/``--to``)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum

from gridclient.reports.data import QUARTER_NAMES, Period

__all__ = [
    "PeriodKind",
    "containing",
    "file_label",
    "month_period",
    "parse_month",
    "parse_quarter",
    "parse_year",
    "period_name",
    "quarter_of",
    "quarter_period",
    "year_period",
]

MIN_YEAR, MAX_YEAR = 2000, 2099


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def quarter_of(day: date) -> int:
    """1–4."""
    return (day.month - 1) // 3 + 1


def quarter_period(year: int, quarter: int) -> Period:
    if not 1 <= quarter <= 4:
        raise ValueError(f"季度应为 1–4：{quarter}")
    first_month = 3 * (quarter - 1) + 1
    return Period(date(year, first_month, 1), month_period(year, first_month + 2).end)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def containing(kind: PeriodKind, day: date) -> Period:
    """The month, quarter or year ``day`` is in (a custom period: that month)."""
    if kind is PeriodKind.QUARTER:
        return quarter_period(day.year, quarter_of(day))
    if kind is PeriodKind.YEAR:
        return year_period(day.year)
    return month_period(day.year, day.month)


def period_name(kind: PeriodKind, period: Period) -> str:
    """What the period is called: 2026年9月, 2026年第三季度, 2026年, or its dates."""
    start = period.start
    if kind is PeriodKind.MONTH:
        return f"{start.year}年{start.month}月"
    if kind is PeriodKind.QUARTER:
        return f"{start.year}年{QUARTER_NAMES[quarter_of(start) - 1]}"
    if kind is PeriodKind.YEAR:
        return f"{start.year}年"
    return period.text


def file_label(kind: PeriodKind, period: Period) -> str:
    """For file names: 2026年09月, 2026年第3季度, 2026年, 20260901-20261015."""
    start = period.start
    if kind is PeriodKind.MONTH:
        return f"{start:%Y}年{start:%m}月"
    if kind is PeriodKind.QUARTER:
        return f"{start:%Y}年第{quarter_of(start)}季度"
    if kind is PeriodKind.YEAR:
        return f"{start:%Y}年"
    return f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"


def _year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间：{year}")
    return year


def parse_month(text: str) -> Period:
    """``2026-09``, ``2026-9`` or ``202609``."""
    match = re.fullmatch(r"\s*(\d{4})-?(\d{1,2})\s*", text)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"月份格式应为 YYYY-MM（如 2026-09）：{text}")
    return month_period(_year(match[1]), int(match[2]))


def parse_quarter(text: str) -> Period:
    """``2026Q3``, ``2026-Q3``, ``2026-3`` (case and a space do not matter)."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-\s]?\s*[Qq]?([1-4])\s*", text)
    if match is None:
        raise ValueError(f"季度格式应为 YYYYQn（如 2026Q3）：{text}")
    return quarter_period(_year(match[1]), int(match[2]))


def parse_year(text: str) -> Period:
    """``2026``."""
    if re.fullmatch(r"\s*\d{4}\s*", text) is None:
        raise ValueError(f"年份格式应为 YYYY（如 2026）：{text}")
    return year_period(_year(text))
