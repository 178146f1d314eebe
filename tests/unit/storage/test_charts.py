"""The 工作台's chart figures against a recount of the small sample township
(tests/unit/reports/sample.py), and against the lists a click opens."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from gridclient.demo.local import load_dataset
from gridclient.storage import Store
from gridclient.storage.charts import COVERAGE_DAYS, WEEKS, ChartQueries, quarter_weeks, week_start
from gridclient.storage.queries import (
    AreaFilter,
    DashboardQueries,
    EventFilter,
    EventQueries,
    EventStateFilter,
)
from gridcore.domain.entities import CST
from gridcore.domain.enums import EventActionKind, Satisfaction
from tests.unit.reports.sample import Sample, build_sample
from tests.unit.storage.factories import CHEAP_KDF, PASSWORD

NOW = datetime(2026, 9, 30, 23, 30, tzinfo=CST)
"""The last half hour of September: every September visit counts for the month."""


@pytest.fixture(scope="module")
def sample() -> Sample:
    return build_sample()


@pytest.fixture
def store(tmp_path: Path, sample: Sample) -> Iterator[Store]:
    opened = Store.create(tmp_path / "store.db", PASSWORD, username="t1", kdf=CHEAP_KDF)
    load_dataset(opened, sample.dataset)
    try:
        yield opened
    finally:
        opened.close()


def _recount_coverage(sample: Sample, grids: set[str]) -> dict[str, tuple[int, int]]:
    since = NOW - timedelta(days=COVERAGE_DAYS)
    homes = {h.id: h for h in sample.dataset.households if h.grid_id in grids}
    visited = {v.household_id for v in sample.dataset.visits if v.visited_at >= since}
    out: dict[str, tuple[int, int]] = {}
    for home in homes.values():
        total, seen = out.get(home.grid_id, (0, 0))
        out[home.grid_id] = (total + 1, seen + (home.id in visited))
    return out


@pytest.mark.parametrize("grid_keys", [None, ("g1",), ("g1", "g2")])
def test_figures_match_a_recount(store: Store, sample: Sample, grid_keys) -> None:  # type: ignore[no-untyped-def]
    grid_ids = None if grid_keys is None else tuple(sample.grids[k].id for k in grid_keys)
    grids = set(grid_ids) if grid_ids else {a.id for a in sample.grids.values()}
    area = AreaFilter(grid_ids)
    charts = ChartQueries(store.engine).charts(area, NOW)

    # Coverage per grid: households, and those visited in the last 30 days; the rest
    # of each bar is the households list's "not visited in 30 days" for that grid.
    coverage = {c.grid_id: (c.households, c.visited) for c in charts.coverage}
    assert coverage == _recount_coverage(sample, grids)
    figures = DashboardQueries(store.engine)
    for grid in charts.coverage:
        missing = figures.not_visited_ids(AreaFilter((grid.grid_id,)), COVERAGE_DAYS, NOW)
        assert len(missing) == grid.households - grid.visited
    assert [c.percent for c in charts.coverage] == sorted(c.percent for c in charts.coverage)
    names = {a.id: a.name for a in sample.dataset.areas}
    assert all(c.name == names[c.grid_id] for c in charts.coverage)

    # Reported and closed (结案 or 自处置) per week, China-time Mondays.
    mondays = quarter_weeks(NOW)
    assert len(charts.weeks) == WEEKS and [w.start for w in charts.weeks] == mondays
    assert mondays[-1] == week_start(NOW.date()) and mondays[-1].weekday() == 0
    events = [e for e in sample.dataset.events if e.grid_id in grids]
    reported = Counter(week_start(e.reported_at.astimezone(CST).date()) for e in events)
    closing = {EventActionKind.CLOSE, EventActionKind.SELF_RESOLVE}
    ids = {e.id for e in events}
    closed_events: dict[object, set[str]] = {}
    for action in sample.dataset.event_actions:
        if action.event_id in ids and action.kind in closing:
            week = week_start(action.at.astimezone(CST).date())
            closed_events.setdefault(week, set()).add(action.event_id)
    assert {w.start: w.reported for w in charts.weeks} == {m: reported.get(m, 0) for m in mondays}
    assert {w.start: w.closed for w in charts.weeks} == {
        m: len(closed_events.get(m, set())) for m in mondays
    }
    assert sum(w.reported for w in charts.weeks) == len(events)  # all within the quarter

    # Satisfaction of the quarter's evaluations.
    evaluations = Counter(
        a.satisfaction
        for a in sample.dataset.event_actions
        if a.event_id in ids and a.kind is EventActionKind.EVALUATE and a.satisfaction
    )
    assert charts.satisfaction == dict(evaluations)


def test_overdue_by_category_is_the_list_a_click_opens(store: Store, sample: Sample) -> None:
    charts = ChartQueries(store.engine).charts(AreaFilter(), NOW)
    assert charts.overdue_by_category, "the sample has an open overdue event"
    events = EventQueries(store.engine)
    for category in charts.overdue_by_category:
        listed = events.event_ids(
            AreaFilter(),
            now=NOW,
            filters=EventFilter(category_code=category.code, state=EventStateFilter.OVERDUE.value),
        )
        assert len(listed) == category.count
    total = len(events.event_ids(AreaFilter(), EventStateFilter.OVERDUE, NOW))
    assert sum(c.count for c in charts.overdue_by_category) == total
    by_title = {e.id: e.title for e in sample.dataset.events}
    overdue = events.event_ids(AreaFilter(), EventStateFilter.OVERDUE, NOW)
    assert "楼道堆物纠纷" in {by_title[i] for i in overdue}


def test_a_week_of_the_chart_is_the_list_of_that_week(store: Store, sample: Sample) -> None:
    """Clicking a week opens the events reported in it (the list's period filter)."""
    charts = ChartQueries(store.engine).charts(AreaFilter(), NOW)
    events = EventQueries(store.engine)
    for week in charts.weeks:
        listed = events.event_ids(
            AreaFilter(), filters=EventFilter(reported_from=week.start, reported_to=week.end)
        )
        assert len(listed) == week.reported


def test_moved_out_and_deleted_leave_the_figures(store: Store, sample: Sample) -> None:
    from gridcore.domain import codec

    home = sample.households["h1"]
    with store.unit_of_work(actor="t1") as uow:
        uow.update(codec.replace(home, {"moved_out_on": "2026-09-30", "moved_to": "县城"}))
    charts = ChartQueries(store.engine).charts(AreaFilter(), NOW)
    g1 = next(c for c in charts.coverage if c.grid_id == home.grid_id)
    assert (g1.households, g1.visited) == (2, 2)  # h1 gone; h2 (30 Sept), h3 (1 Oct)


def test_nothing_yet(tmp_path: Path) -> None:
    empty = Store.create(tmp_path / "empty.db", PASSWORD, username="t1", kdf=CHEAP_KDF)
    try:
        charts = ChartQueries(empty.engine).charts(AreaFilter(), NOW)
    finally:
        empty.close()
    assert charts.coverage == [] and charts.overdue_by_category == []
    assert [w.reported for w in charts.weeks] == [0] * WEEKS
    assert charts.satisfaction == {}
    assert charts.since == quarter_weeks(NOW)[0]
    assert charts.weeks[-1].end - charts.weeks[0].start == timedelta(days=7 * WEEKS - 1)
    assert Satisfaction.SATISFIED not in charts.satisfaction
