"""按期 in the event reports is judged against each event's own deadline, working days and
hour limits included (issue #15 item 4).

Two categories with the same "3 days": 邻里纠纷 counts working days (and has a 4-hour
limit for 特急), 环境卫生 calendar days. Both events are reported on Wednesday 30
September 2026, the eve of 国庆 (1–7 October off, Saturday 10 October worked), and closed
on Friday 9 October: the working-day one is due on the 调休 Saturday 10 October and is
按期; the calendar-day one was due 3 October and is 超期办结.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from gridclient.demo.local import load_dataset
from gridclient.reports.data import Period, Report, build_event_ledger, build_event_stats
from gridclient.storage import Store
from gridcore.demo.generator import Dataset, DemoUser, load_catalog
from gridcore.domain.catalog import EventCatalog, stamp_terms
from gridcore.domain.entities import CST, Area, Event, EventAction
from gridcore.domain.enums import AreaLevel, EventActionKind, LimitKind, Role, Urgency

A = EventActionKind
TOWNSHIP = "369900100000"
PERIOD = Period(date(2026, 9, 1), date(2026, 9, 30))
NOW = datetime(2026, 10, 9, 18, 0, tzinfo=CST)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=CST)


# name, category, urgency, reported, closed (None: still open)
PLAN = [
    ("w", "01001", Urgency.NORMAL, at(9, 30), at(10, 9, 15)),  # due 10-10 (working): 按期
    ("c", "04001", Urgency.NORMAL, at(9, 30), at(10, 9, 15)),  # due 10-03 (calendar): 超期
    ("h", "01001", Urgency.CRITICAL, at(9, 30, 22), at(10, 1, 1)),  # due 10-01 02:00: 按期
    ("o", "01001", Urgency.NORMAL, at(9, 30), None),  # open, due 10-10: not overdue
]


def _catalog() -> EventCatalog:
    shipped = load_catalog()
    changed = {
        "01001": {
            "limit_kind": LimitKind.WORKING,
            "time_limits": {Urgency.NORMAL: 3, Urgency.URGENT: 1},
            "hour_limits": {Urgency.CRITICAL: 4},
        },
        "04001": {"limit_kind": LimitKind.CALENDAR, "time_limits": {Urgency.NORMAL: 3}},
    }
    return EventCatalog.of(
        [dataclasses.replace(c, **changed.get(c.code, {})) for c in shipped],  # type: ignore[arg-type]
        "working-days",
        2,
    )


@pytest.fixture
def store(empty_store: Store) -> Store:
    catalog = _catalog()
    county = Area(code="369900000000", name="测试县", level=AreaLevel.COUNTY)
    town = Area(code=TOWNSHIP, name="和平镇", level=AreaLevel.TOWNSHIP, parent_id=county.id)
    village = Area(code="369900100200", name="东村", level=AreaLevel.VILLAGE, parent_id=town.id)
    grid = Area(
        code="369900100200001", name="东村第一网格", level=AreaLevel.GRID, parent_id=village.id
    )
    events: list[Event] = []
    actions: list[EventAction] = []
    for number, (name, code, urgency, reported, closed) in enumerate(PLAN, start=1):
        category = catalog.get(code)
        event = stamp_terms(
            Event(
                grid_id=grid.id,
                category_code=code,
                ledger=category.ledger,
                urgency=urgency,
                title=f"{name} {category.name}",
                reporter="worker01",
                reported_at=reported,
                number=f"2026-100-{number:05d}",
            ),
            catalog,
        )
        events.append(event)
        steps = [(A.REPORT, Role.WORKER, reported), (A.ACCEPT, Role.TOWNSHIP, reported)]
        if closed is not None:
            steps += [
                (A.DISPATCH, Role.TOWNSHIP, reported),
                (A.FEEDBACK, Role.WORKER, closed - timedelta(minutes=30)),
                (A.VERIFY, Role.WORKER, closed - timedelta(minutes=20)),
                (A.CLOSE, Role.TOWNSHIP, closed),
            ]
        for step, (kind, role, when) in enumerate(steps):
            actions.append(
                EventAction(
                    event_id=event.id,
                    kind=kind,
                    actor="worker01" if role is Role.WORKER else "township01",
                    actor_role=role,
                    at=when + timedelta(seconds=step),
                    server_at=when + timedelta(seconds=step + 1),
                    assignee="grid" if kind is A.DISPATCH else "",
                )
            )
    dataset = Dataset(
        catalog=catalog,
        areas=[county, town, village, grid],
        events=events,
        event_actions=actions,
        users=[
            DemoUser("worker01", "x", Role.WORKER, grid.code, "何子健"),
            DemoUser("township01", "x", Role.TOWNSHIP, TOWNSHIP, "林晓梅"),
        ],
    )
    load_dataset(empty_store, dataset)
    return empty_store


def _rows(report: Report) -> dict[str, tuple[object, ...]]:
    return {str(row[5]).split()[0]: row for row in report.rows}


def test_the_ledger_prints_working_day_and_hour_deadlines(store: Store) -> None:
    rows = _rows(build_event_ledger(store, TOWNSHIP, PERIOD, now=NOW))
    # 10 办理期限, 11 状态, 12 办结日期, 13 超期
    assert rows["w"][10:14] == ("2026-10-10", "已结案", "2026-10-09", "")
    assert rows["c"][10:14] == ("2026-10-03", "已结案", "2026-10-09", "超期办结")
    assert rows["h"][10:14] == ("2026-10-01 02:00", "已结案", "2026-10-01", "")
    assert rows["o"][10] == "2026-10-10" and rows["o"][13] == ""


def test_statistics_judge_on_time_by_working_days(store: Store) -> None:
    stats = build_event_stats(store, TOWNSHIP, PERIOD, now=NOW)
    by_name = {row[1]: row for row in stats.rows if row[0] != ""}
    # 事件数 办理中 已退回 已办结 已作废 超期未办结 超期办结 办结率 按期办结率
    assert by_name["邻里纠纷"][2:11] == (3, 1, 0, 2, 0, 0, 0, "66.7%", "100.0%")
    assert by_name["环境卫生"][2:11] == (1, 0, 0, 1, 0, 0, 1, "100.0%", "0.0%")
    assert stats.totals[2:11] == (4, 1, 0, 3, 0, 0, 1, "75.0%", "66.7%")
    assert any("工作日按节假日安排" in note for note in stats.notes)


def test_the_open_working_day_event_is_overdue_only_after_the_worked_saturday(
    store: Store,
) -> None:
    later = datetime(2026, 10, 12, 9, 0, tzinfo=CST)
    rows = _rows(build_event_ledger(store, TOWNSHIP, PERIOD, now=later))
    assert rows["o"][13] == "超期未办结"
    on_saturday = datetime(2026, 10, 10, 23, 0, tzinfo=CST)
    assert _rows(build_event_ledger(store, TOWNSHIP, PERIOD, now=on_saturday))["o"][13] == ""
