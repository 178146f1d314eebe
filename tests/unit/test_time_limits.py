"""Time limits (issue #15 item 4): calendar and working days, hour limits, 当日 after
hours, and the holiday calendar (法定节假日, 调休 working weekends), all in CST."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from gridcore.domain.catalog import (
    AFTER_HOURS,
    CatalogError,
    EventCatalog,
    EventCategory,
    TimeLimit,
    deadline_after,
    deadline_text,
    event_deadline,
    event_limit,
    stamp_terms,
)
from gridcore.domain.entities import CST, Event
from gridcore.domain.enums import EventGroup, Ledger, LimitKind, Urgency
from gridcore.domain.holidays import HolidayError, WorkCalendar, default_calendar

ROOT = Path(__file__).resolve().parents[2]
W = LimitKind.WORKING
C = LimitKind.CALENDAR
END = time.max


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CST)


def end(y: int, m: int, d: int) -> datetime:
    return datetime.combine(date(y, m, d), END, tzinfo=CST)


CAL = default_calendar()


# ---------------------------------------------------------------- the holiday calendar


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 4), True),  # a Friday
        (date(2026, 12, 5), False),  # a Saturday
        (date(2026, 10, 1), False),  # 国庆
        (date(2026, 10, 7), False),  # 国庆, a Wednesday
        (date(2026, 10, 10), True),  # 调休: a Saturday worked
        (date(2026, 9, 20), True),  # 调休: a Sunday worked
        (date(2026, 2, 14), True),  # 春节调休 Saturday
        (date(2026, 2, 23), False),  # 春节, a Monday
        (date(2025, 1, 26), True),  # 2025 春节调休 Sunday
        (date(2025, 10, 8), False),  # 2025 国庆中秋
        (date(2027, 2, 5), False),  # 2027 除夕 (statutory)
        (date(2028, 1, 3), True),  # a year the calendar does not list: Monday to Friday
    ],
)
def test_the_shipped_calendar_knows_holidays_and_worked_weekends(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_the_shipped_calendar_covers_2025_to_2027() -> None:
    assert CAL.years() == [2025, 2026, 2027]
    # 2026 as the State Council's notice gives it: 33 days off, 6 weekend days worked.
    off_2026 = [d for h in CAL.holidays for d in h.off if d.year == 2026]
    work_2026 = [d for h in CAL.holidays for d in h.work if d.year == 2026]
    assert len(off_2026) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert sorted(work_2026) == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]


def test_a_calendar_document_round_trips() -> None:
    document = json.loads((ROOT / "gridcore" / "data" / "holidays.json").read_text("utf-8"))
    parsed = WorkCalendar.from_json(document)
    assert WorkCalendar.from_json(parsed.to_json()) == parsed
    assert parsed.to_json()["holidays"][7] == {
        "name": "2026 春节",
        "off": [["2026-02-15", "2026-02-23"]],
        "work": ["2026-02-14", "2026-02-28"],
    }


@pytest.mark.parametrize(
    ("holidays", "message"),
    [
        ("x", "holidays 列表"),
        ([{"off": ["2026-01-01"]}], "名称"),
        ([{"name": "元旦", "off": ["2026-13-01"]}], "日期无效"),
        ([{"name": "元旦", "off": [["2026-01-03", "2026-01-01"]]}], "止日早于起日"),
        ([{"name": "元旦", "off": [["2026-01-01", "2026-03-01"]]}], "超过 31 天"),
        ([{"name": "元旦", "off": [], "work": ["2026-01-05"]}], "不是周六或周日"),
        ([{"name": "元旦", "off": []}], "没有任何"),
        (
            [{"name": "a", "off": ["2026-01-04"]}, {"name": "b", "work": ["2026-01-04"]}],
            "既是放假日又是调休上班日",
        ),
    ],
)
def test_a_bad_calendar_document_says_what_is_wrong(holidays: object, message: str) -> None:
    with pytest.raises(HolidayError, match=message):
        WorkCalendar.from_json({"holidays": holidays})


# ---------------------------------------------------------------- calendar days


def test_calendar_days_count_every_day() -> None:
    assert deadline_after(at(2026, 9, 30), 3) == end(2026, 10, 3)
    assert deadline_after(at(2026, 12, 4), 15, kind=C) == end(2026, 12, 19)


def test_working_days_skip_weekends() -> None:
    # Friday + 1 working day = Monday; + 5 = the next Friday.
    assert deadline_after(at(2026, 12, 4), 1, kind=W, calendar=CAL) == end(2026, 12, 7)
    assert deadline_after(at(2026, 12, 4), 5, kind=W, calendar=CAL) == end(2026, 12, 11)
    # Reported on a Saturday: Monday is the first working day after it.
    assert deadline_after(at(2026, 12, 5), 1, kind=W, calendar=CAL) == end(2026, 12, 7)


def test_working_days_skip_holidays_and_count_worked_saturdays() -> None:
    # 2026-09-30 (Wed) + 3 working days: 10-01..07 off, 10-08 Thu, 10-09 Fri, and the
    # 调休 Saturday 10-10.
    assert deadline_after(at(2026, 9, 30), 3, kind=W, calendar=CAL) == end(2026, 10, 10)
    # 2026-02-13 (Fri) + 1: the 调休 Saturday 02-14.
    assert deadline_after(at(2026, 2, 13), 1, kind=W, calendar=CAL) == end(2026, 2, 14)
    # + 2: 02-15..23 are off, so Tuesday 02-24.
    assert deadline_after(at(2026, 2, 13), 2, kind=W, calendar=CAL) == end(2026, 2, 24)
    # 15 working days over 春节 (02-11..13, the 调休 Saturdays 02-14 and 02-28, 02-24..27,
    # 03-02..06, 03-09): twelve days later than 15 calendar days.
    working = deadline_after(at(2026, 2, 10), 15, kind=W, calendar=CAL)
    assert working == end(2026, 3, 9)
    assert deadline_after(at(2026, 2, 10), 15, kind=C) == end(2026, 2, 25)


def test_a_calendar_without_the_holiday_counts_it_as_a_working_day() -> None:
    bare = WorkCalendar()
    assert deadline_after(at(2026, 9, 30), 3, kind=W, calendar=bare) == end(2026, 10, 5)


# ---------------------------------------------------------------- 当日 and after hours


def test_same_day_before_the_cutoff_is_the_end_of_that_day() -> None:
    assert time(17, 0) == AFTER_HOURS
    for kind in LimitKind:
        assert deadline_after(at(2026, 12, 3, 16, 59), 0, kind=kind) == end(2026, 12, 3)
        assert deadline_after(at(2026, 12, 3, 0, 5), 0, kind=kind) == end(2026, 12, 3)


def test_same_day_after_hours_moves_to_the_next_working_day() -> None:
    # Thursday 23:50: not 9 minutes but the end of Friday.
    assert deadline_after(at(2026, 12, 3, 23, 50), 0, kind=W, calendar=CAL) == end(2026, 12, 4)
    assert deadline_after(at(2026, 12, 3, 17, 0), 0, kind=W, calendar=CAL) == end(2026, 12, 4)
    # Friday evening and the whole weekend: Monday.
    assert deadline_after(at(2026, 12, 4, 18), 0, kind=W, calendar=CAL) == end(2026, 12, 7)
    assert deadline_after(at(2026, 12, 5, 9), 0, kind=W, calendar=CAL) == end(2026, 12, 7)
    # The evening before 国庆: the first working day after the holiday.
    assert deadline_after(at(2026, 9, 30, 20), 0, kind=W, calendar=CAL) == end(2026, 10, 8)
    # On the 调休 Saturday it is a working day like any other.
    assert deadline_after(at(2026, 10, 10, 9), 0, kind=W, calendar=CAL) == end(2026, 10, 10)


def test_same_day_after_hours_in_calendar_days_is_the_next_day() -> None:
    # A calendar-day category's clock runs on weekends: Friday night is due Saturday.
    assert deadline_after(at(2026, 12, 4, 23, 50), 0, kind=C) == end(2026, 12, 5)
    assert deadline_after(at(2026, 12, 5, 9), 0, kind=C) == end(2026, 12, 5)


# ---------------------------------------------------------------- hours and time zones


def test_hour_limits_are_clock_hours_across_midnight_and_holidays() -> None:
    four = TimeLimit(0, W, hours=4)
    assert four.deadline(at(2026, 12, 3, 22, 30), CAL) == at(2026, 12, 4, 2, 30)
    day = TimeLimit(0, W, hours=24)
    assert day.deadline(at(2026, 10, 1, 8), CAL) == at(2026, 10, 2, 8)
    assert four.deadline(at(2026, 12, 3, 22, 30)).tzinfo == CST


def test_the_day_is_the_china_standard_time_day() -> None:
    # 2026-12-03 17:30 UTC is 01:30 on Friday the 4th in China: due the 4th, not the 3rd.
    utc = datetime(2026, 12, 3, 17, 30, tzinfo=UTC)
    assert deadline_after(utc, 0, kind=W, calendar=CAL) == end(2026, 12, 4)
    # 2026-12-04 09:30 UTC is 17:30 CST: after hours, so Monday.
    assert deadline_after(datetime(2026, 12, 4, 9, 30, tzinfo=UTC), 0, kind=W, calendar=CAL) == end(
        2026, 12, 7
    )
    # Any other offset is converted first.
    west = timezone(timedelta(hours=-5))
    assert deadline_after(datetime(2026, 12, 3, 12, tzinfo=west), 1, kind=W) == end(2026, 12, 7)
    with pytest.raises(ValueError, match="aware"):
        deadline_after(datetime(2026, 12, 3, 12), 1)
    with pytest.raises(ValueError, match="aware"):
        TimeLimit(0, hours=4).deadline(datetime(2026, 12, 3, 12))


@pytest.mark.parametrize(
    ("limit", "label"),
    [
        (TimeLimit(0, W, 4), "4小时"),
        (TimeLimit(0, W), "当日"),
        (TimeLimit(15), "15天"),
        (TimeLimit(5, W), "5个工作日"),
    ],
)
def test_limit_labels(limit: TimeLimit, label: str) -> None:
    assert limit.label == label


def test_deadline_text_shows_the_minute_only_for_hour_limits() -> None:
    assert deadline_text(end(2026, 12, 4)) == "2026-12-04"
    assert deadline_text(at(2026, 12, 4, 2, 30)) == "2026-12-04 02:30"
    assert deadline_text(datetime(2026, 12, 3, 18, 30, tzinfo=UTC)) == "2026-12-04 02:30"


# ---------------------------------------------------------------- the catalog fields


def _document() -> dict[str, object]:
    return {
        "version": "t",
        "categories": [
            {
                "code": "03001",
                "name": "安全隐患",
                "group": "hazard",
                "ledger": "appeal",
                "limit_kind": "working",
                "time_limits": {"normal": 5, "urgent": 1},
                "hour_limits": {"critical": 4},
            },
            {
                "code": "01001",
                "name": "邻里纠纷",
                "group": "dispute",
                "ledger": "appeal",
                "time_limits": {"normal": 15},
            },
        ],
    }


def test_the_catalog_keeps_limit_kind_and_hour_limits() -> None:
    catalog = EventCatalog.from_json(_document())
    hazard, dispute = catalog.get("03001"), catalog.get("01001")
    assert hazard.limit_kind is W and dispute.limit_kind is C  # absent = calendar days
    assert hazard.time_limit(Urgency.CRITICAL) == TimeLimit(0, W, 4)
    assert hazard.time_limit(Urgency.NORMAL) == TimeLimit(5, W)
    assert EventCatalog.from_json(catalog.to_json()) == catalog


def test_an_unlisted_urgency_above_an_hour_limit_takes_those_hours() -> None:
    category = EventCategory(
        code="x",
        name="x",
        group=EventGroup.HAZARD,
        ledger=Ledger.APPEAL,
        time_limits={Urgency.NORMAL: 3},
        hour_limits={Urgency.URGENT: 24},
    )
    assert category.time_limit(Urgency.CRITICAL) == TimeLimit(0, C, 24)
    assert category.time_limit(Urgency.NORMAL) == TimeLimit(3, C)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"limit_kind": "weekly"}, "limit_kind"),
        ({"hour_limits": {"critical": 0}}, "1–720 的整数小时数"),
        ({"hour_limits": {"critical": 721}}, "1–720 的整数小时数"),
        ({"hour_limits": {"urgent": 4}}, "不能同时给出天数和小时数"),
        ({"hour_limits": []}, "格式错误"),
        ({"time_limits": {}, "hour_limits": {}}, "缺少办理时限"),
    ],
)
def test_bad_limit_fields_are_refused(change: dict[str, object], message: str) -> None:
    document = _document()
    document["categories"][0].update(change)  # type: ignore[index]
    with pytest.raises(CatalogError, match=message):
        EventCatalog.from_json(document)


def test_an_event_keeps_its_limit_kind_and_hours() -> None:
    catalog = EventCatalog.from_json(_document())
    event = Event(
        id="e1",
        grid_id="g",
        category_code="03001",
        ledger=Ledger.APPEAL,
        urgency=Urgency.CRITICAL,
        title="t",
        reporter="u",
        reported_at=at(2026, 12, 4, 22),
    )
    stamped = stamp_terms(event, catalog)
    assert (stamped.limit_kind, stamped.time_limit_days, stamped.time_limit_hours) == (W, 0, 4)
    assert event_deadline(stamped, catalog) == at(2026, 12, 5, 2)
    normal = stamp_terms(dataclasses.replace(event, urgency=Urgency.NORMAL), catalog)
    assert event_deadline(normal, catalog) == end(2026, 12, 11)  # 5 working days
    # The catalog turning the category into calendar days leaves the event as it was.
    changed = dataclasses.replace(
        catalog,
        categories={
            **catalog.categories,
            "03001": dataclasses.replace(
                catalog.get("03001"), limit_kind=C, hour_limits={}, time_limits={"normal": 2}
            ),
        },
    )
    assert event_deadline(normal, changed) == end(2026, 12, 11)
    # An event stored before limit kinds existed counts calendar days, as it did.
    legacy = dataclasses.replace(normal, limit_kind=C)
    assert event_limit(legacy, catalog) == TimeLimit(5, C)
    assert event_deadline(legacy, catalog) == end(2026, 12, 9)


def test_event_deadline_counts_with_the_catalogs_calendar() -> None:
    catalog = EventCatalog.from_json(_document())
    event = stamp_terms(
        Event(
            id="e2",
            grid_id="g",
            category_code="03001",
            ledger=Ledger.APPEAL,
            urgency=Urgency.URGENT,
            title="t",
            reporter="u",
            reported_at=at(2026, 12, 4),  # Friday, 1 working day
        ),
        catalog,
    )
    assert event_deadline(event, catalog) == end(2026, 12, 7)
    # A calendar making Monday 12-07 a day off moves it to Tuesday.
    extra = WorkCalendar.from_json({"holidays": [{"name": "停电", "off": ["2026-12-07"]}]})
    assert event_deadline(event, catalog.with_calendar(extra)) == end(2026, 12, 8)
    assert catalog.with_calendar(extra) == catalog  # the calendar is not the catalog
