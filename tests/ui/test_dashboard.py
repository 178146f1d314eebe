"""The 工作台 on the demo store: its charts show what the chart queries count, off the
UI thread, and a click on a bar opens the list behind it with the same count."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QApplication

from gridclient.storage.charts import COVERAGE_DAYS, ChartQueries
from gridclient.storage.queries import AreaFilter, EventFilter, EventStateFilter
from gridclient.ui.charts import BarChart, ColumnChart
from gridclient.ui.context import AppContext, UserInfo
from gridclient.ui.dashboard import CATEGORY_BARS
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.enums import EventState, Role
from tests.demo_store import DemoStore

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(autouse=True)
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    translators = install_translators(qapp, "zh_CN")
    yield
    for translator in translators:
        QCoreApplication.removeTranslator(translator)


def _township(demo: DemoStore, runner: TaskRunner) -> AppContext:
    user = UserInfo("township01", "陈立", Role.TOWNSHIP, "桃源镇")
    return AppContext(demo.store, runner, user)


@pytest.fixture
def window(qtbot, demo_store: DemoStore) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(_township(demo_store, TaskRunner(synchronous=True)))
    qtbot.addWidget(win)
    win.resize(1366, 705)
    win.show()
    win.tabs.setCurrentWidget(win.dashboard)
    qtbot.waitUntil(lambda: win.dashboard.charts is not None)
    for _ in range(3):
        QApplication.processEvents()
    return win


def _bar(chart: BarChart, index: int) -> QPoint:
    return QPoint(chart.width() // 2, 4 + index * chart.ROW + chart.ROW // 2)


def _week(chart: ColumnChart, index: int) -> QPoint:
    plot = chart._plot()
    slot = plot.width() / len(chart.labels)
    return QPoint(int(plot.left() + (index + 0.5) * slot), plot.center().y())


def _listed(qtbot, window: MainWindow, pane) -> int:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not pane.stale)
    return pane.model.rowCount()


def test_charts_show_what_the_queries_count(window: MainWindow, demo_store: DemoStore) -> None:
    charts = window.dashboard.charts
    assert charts is not None
    again = ChartQueries(demo_store.store.engine).charts(AreaFilter())
    assert charts.coverage == again.coverage
    assert charts.overdue_by_category == again.overdue_by_category
    assert charts.satisfaction == again.satisfaction
    assert [w.reported for w in charts.weeks] == [w.reported for w in again.weeks]
    page = window.dashboard
    assert [b.value for b in page.coverage_chart.bars] == [g.percent for g in charts.coverage]
    categories = charts.overdue_by_category
    assert len(page.category_chart.bars) == min(CATEGORY_BARS + 1, len(categories))
    # Every overdue event is in a bar (the last one sums the categories left out).
    assert sum(b.value for b in page.category_chart.bars) == sum(c.count for c in categories)
    assert page.weeks_chart.series[0].values == [w.reported for w in charts.weeks]
    assert page.weeks_chart.series[1].values == [w.closed for w in charts.weeks]
    # The legend names what is counted (not the list's column 上报时间).
    assert [s.name for s in page.weeks_chart.series] == ["上报", "办结"]
    assert sum(b.value for b in page.satisfaction_chart.bars) == sum(charts.satisfaction.values())
    # The demo has a quarter of events, overdue ones and evaluations: no chart is empty.
    assert charts.coverage and charts.overdue_by_category and charts.satisfaction
    assert sum(w.reported for w in charts.weeks) > 0


def test_coverage_bar_opens_that_grids_households_not_visited(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    charts = window.dashboard.charts
    assert charts is not None
    grid = charts.coverage[0]
    qtbot.mouseClick(
        window.dashboard.coverage_chart, LEFT, pos=_bar(window.dashboard.coverage_chart, 0)
    )
    assert window.tabs.currentWidget() is window.household_pane
    assert window.current_area().grid_ids == (grid.grid_id,)
    assert window.recency.currentData() == COVERAGE_DAYS
    assert _listed(qtbot, window, window.household_pane) == grid.households - grid.visited


def test_week_opens_the_events_reported_that_week(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    charts = window.dashboard.charts
    assert charts is not None
    index = max(range(len(charts.weeks)), key=lambda i: charts.weeks[i].reported)
    week = charts.weeks[index]
    qtbot.mouseClick(
        window.dashboard.weeks_chart, LEFT, pos=_week(window.dashboard.weeks_chart, index)
    )
    assert window.tabs.currentWidget() is window.event_pane
    wanted = window.event_filters.filter()
    assert (wanted.reported_from, wanted.reported_to) == (week.start, week.end)
    assert wanted.state == EventStateFilter.ALL.value
    assert _listed(qtbot, window, window.event_pane) == week.reported


def test_category_opens_its_overdue_events(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    charts = window.dashboard.charts
    assert charts is not None
    category = charts.overdue_by_category[0]
    chart = window.dashboard.category_chart
    qtbot.mouseClick(chart, LEFT, pos=_bar(chart, 0))
    assert window.tabs.currentWidget() is window.event_pane
    wanted = window.event_filters.filter()
    assert wanted == EventFilter(category_code=category.code, state=EventStateFilter.OVERDUE.value)
    assert window.event_filters.category.currentText() == category.name
    assert _listed(qtbot, window, window.event_pane) == category.count


def test_satisfaction_opens_the_evaluated_events(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    chart = window.dashboard.satisfaction_chart
    qtbot.mouseClick(chart, LEFT, pos=_bar(chart, 0))
    assert window.tabs.currentWidget() is window.event_pane
    assert window.event_filters.filter().state == EventState.EVALUATED.value
    assert _listed(qtbot, window, window.event_pane) > 0


def test_a_click_beside_the_bars_opens_nothing(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    chart = window.dashboard.category_chart
    below = QPoint(10, 4 + (len(chart.bars) + 1) * chart.ROW)
    if below.y() < chart.height():
        qtbot.mouseClick(chart, LEFT, pos=below)
    assert window.tabs.currentWidget() is window.dashboard


def test_figures_are_computed_off_the_ui_thread(qtbot, demo_store: DemoStore, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    threads: list[threading.Thread] = []
    real = ChartQueries.charts

    def recording(self, area, now=None):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real(self, area, now)

    monkeypatch.setattr(ChartQueries, "charts", recording)
    runner = TaskRunner()
    win = MainWindow(_township(demo_store, runner))
    qtbot.addWidget(win)
    win.show()
    win.tabs.setCurrentWidget(win.dashboard)
    try:
        qtbot.waitUntil(lambda: win.dashboard.charts is not None, timeout=20_000)
    finally:
        win.close()
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_worker_sees_their_grids_figures(qtbot, demo_store: DemoStore) -> None:  # type: ignore[no-untyped-def]
    """A grid worker: not visited, open and overdue of their own grid, on the tiles."""
    ctx = AppContext(demo_store.store, TaskRunner(synchronous=True), demo_store.info)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.tabs.setCurrentWidget(win.dashboard)
    qtbot.waitUntil(lambda: win.dashboard.figures is not None)
    figures = win.dashboard.figures
    assert figures is not None
    area = AreaFilter(demo_store.info.grid_ids)
    days = win.dashboard.not_visited_days()
    assert figures.not_visited == len(win.figures.not_visited_ids(area, days))
    assert win.dashboard.not_visited.value.text() == str(figures.not_visited)
    qtbot.mouseClick(win.dashboard.overdue_button, LEFT)
    assert win.tabs.currentWidget() is win.event_pane
    assert _listed(qtbot, win, win.event_pane) == figures.overdue_events
