"""The main window: area tree, lists, dashboard, status bar, keyboard, masking."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from gridclient.storage.queries import (
    EventQueries,
    EventStateFilter,
    HouseholdQueries,
    ResidentQueries,
    SyncSummary,
    VisitQueries,
    month_start,
)
from gridclient.ui.context import AppContext
from gridclient.ui.lazy_model import ID_ROLE
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.domain import codec, idnumber
from gridcore.domain.entities import CST, Household, Resident
from gridcore.domain.enums import AreaLevel, EntityKind
from gridcore.domain.workflow import event_status
from tests.demo_store import DemoStore


@pytest.fixture
def demo(demo_store: DemoStore) -> DemoStore:
    return demo_store


@pytest.fixture
def window(qtbot: QtBot, demo: DemoStore) -> MainWindow:
    win = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(win)
    # The start settles on the first event-loop turns: the dashboard (the current tab)
    # and the search index.
    qtbot.waitUntil(lambda: win.search_controller.is_ready, timeout=5000)
    return win


def _grid(demo: DemoStore) -> str:
    return demo.info.grid_ids[0]


def _walk(model: QAbstractItemModel, parent: QModelIndex) -> Iterator[QModelIndex]:
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        yield index
        yield from _walk(model, index)


def test_every_model_passes_the_qt_model_tester(window: MainWindow) -> None:
    fatal = QAbstractItemModelTester.FailureReportingMode.Fatal
    models = [
        window.model,
        window.resident_model,
        window.visit_model,
        window.event_model,
        window.tree.area_model,
    ]
    testers = [QAbstractItemModelTester(m, fatal) for m in models]
    for pane in (window.resident_pane, window.visit_pane, window.event_pane):
        window.tabs.setCurrentWidget(pane)  # lists load when first shown
    window.reload()  # resets every model under the testers
    window.event_state.setCurrentIndex(window.event_state.findData(EventStateFilter.OPEN.value))
    assert all(m.rowCount() > 0 for m in models)
    assert len(testers) == len(models)


def test_area_tree_shows_counts_and_filters_the_lists(window: MainWindow, demo: DemoStore) -> None:
    with demo.store.read() as repos:
        households = repos.records.households_of_grid(_grid(demo))
    by_micro: dict[str | None, list[Household]] = {}
    for household in households:
        by_micro.setdefault(household.micro_grid_id, []).append(household)
    micro_id, members = max(by_micro.items(), key=lambda item: len(item[1]))
    assert micro_id is not None

    model = window.tree.area_model
    labels = [i.data() for i in _walk(model, QModelIndex())]
    assert any(f"({len(households)})" in label for label in labels)
    assert window.model.rowCount() == len(households)

    assert window.tree.select_area(micro_id)
    shown = set(window.model.ids())
    assert shown == {h.id for h in members}
    assert window.tree.currentIndex().data().endswith(f"({len(members)})")
    with demo.store.read() as repos:
        residents = [r for h in members for r in repos.records.residents_of_household(h.id)]
    assert window.resident_pane.stale  # not on screen: built when its tab is shown
    window.tabs.setCurrentWidget(window.resident_pane)
    assert set(window.resident_model.ids()) == {r.id for r in residents}
    window.tabs.setCurrentWidget(window.visit_pane)
    visit_households = {
        window.visits.household_of(visit_id) for visit_id in window.visit_model.ids()
    }
    assert visit_households <= shown

    assert window.tree.select_area(_grid(demo))
    assert window.model.rowCount() == len(households)


def test_only_the_first_window_loads_at_start(
    qtbot: QtBot, demo: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Households, tree and status at construction; the current tab's content on the
    first event-loop turn; the other lists when their tab is first shown; the search
    index once the household list is on screen."""
    asked: list[str] = []
    for name in ("resident_ids", "visit_ids", "event_ids"):
        cls = {"resident_ids": ResidentQueries, "visit_ids": VisitQueries}.get(name, EventQueries)
        real = getattr(cls, name)

        def spy(self: object, *args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            asked.append(_name if kw.get("limit") is None else f"{_name} first screen")
            return _real(self, *args, **kw)

        monkeypatch.setattr(cls, name, spy)
    win = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(win)
    assert win.model.rowCount() > 0
    assert win.tree.area_model.rowCount() == 0  # filled right after the list paints
    assert win.dashboard.figures is None and not win.search_controller.is_ready
    assert win.idle is None  # the auto-lock's event filter, once the list is painted
    assert asked == []
    qtbot.waitUntil(lambda: win.search_controller.is_ready, timeout=5000)
    assert win.tree.area_model.rowCount() > 0
    assert win.idle is not None and win.idle.timer.isActive()
    assert win.dashboard.figures is not None  # the current tab (its counts use event_ids)
    assert win.resident_pane.stale and win.visit_pane.stale and win.event_pane.stale
    asked.clear()
    win.tabs.setCurrentWidget(win.visit_pane)
    # First shown: its first screen, then the whole list.
    assert asked == ["visit_ids first screen", "visit_ids"] and win.visit_model.rowCount() > 0
    asked.clear()
    win.set_area(win.current_area())  # a filter change reloads only what is on screen
    assert asked == ["visit_ids"]  # the list on screen is replaced in one step
    asked.clear()
    win.tabs.setCurrentWidget(win.event_pane)
    assert asked == ["event_ids first screen", "event_ids"] and not win.event_pane.stale
    assert win.event_pane.complete
    assert win.resident_pane.stale


def test_the_household_list_paints_its_first_screen_first(
    qtbot: QtBot, demo: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The household list opens as the events and visits lists do (issue #18 item 4):
    its first screen (an index walk that stops there), then the whole list; a reload of
    the list on screen is one step, its selection following its record; "not visited in
    N days" needs every household's last visit, so it has no first screen."""
    asked: list[str] = []
    real = HouseholdQueries.household_ids

    def spy(self: HouseholdQueries, *args: Any, **kw: Any) -> list[str]:
        asked.append("whole" if kw.get("limit") is None else "first screen")
        return real(self, *args, **kw)

    monkeypatch.setattr(HouseholdQueries, "household_ids", spy)
    win = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(win)
    assert asked == ["first screen", "whole"] and win.household_pane.complete
    whole = win.model.ids()
    assert len(whole) > 10
    assert whole[:5] == real(win.households, area=win.current_area(), limit=5)
    win.household_pane.table.selectRow(7)
    asked.clear()
    win.load_households()
    assert asked == ["whole"]
    assert win.household_pane.table.current_id() == whole[7]
    asked.clear()
    win.recency.setCurrentIndex(1)
    assert asked == ["whole"] and win.household_pane.complete


def test_the_current_tab_loads_on_the_first_event_loop_turn(qtbot: QtBot, demo: DemoStore) -> None:
    win = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(win)
    assert win.tabs.currentWidget() is win.dashboard
    qtbot.waitUntil(lambda: win.dashboard.figures is not None, timeout=5000)
    assert win.resident_pane.stale


def test_tree_levels_are_village_grid_micro_grid(window: MainWindow, demo: DemoStore) -> None:
    roots = window.areas.tree(demo.info.grid_ids)
    assert [r.level for r in roots] == [AreaLevel.VILLAGE]
    grid = roots[0].children[0]
    assert grid.level is AreaLevel.GRID and grid.id == _grid(demo)
    assert {c.level for c in grid.children} == {AreaLevel.MICRO_GRID}
    assert sum(c.households for c in grid.children) == grid.households


def test_dashboard_figures_match_counts_from_the_repositories(
    window: MainWindow, demo: DemoStore
) -> None:
    now = datetime.now(UTC)
    grid = _grid(demo)
    with demo.store.read() as repos:
        households = {h.id for h in repos.records.households_of_grid(grid)}
        visits = repos.records.visits_of_grid(grid)
        catalog = repos.catalog.load()
        histories = repos.records.events_of_grid(grid)
    first_of_month = now.astimezone(CST).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    assert month_start(now) == first_of_month
    visited_month = {v.household_id for v in visits if v.visited_at >= first_of_month}
    for days in (30, 60, 90):
        recent = {v.household_id for v in visits if v.visited_at >= now - timedelta(days=days)}
        figures = window.figures.summary(window.current_area(), days, now)
        assert figures.not_visited == len(households - recent)
    statuses = [event_status(h.event, h.actions, catalog, now) for h in histories]
    open_count = sum(s.is_open for s in statuses)
    overdue_count = sum(s.is_open and s.overdue for s in statuses)

    shown = window.dashboard.figures
    assert shown is not None
    assert shown.households == len(households)
    assert shown.visited_this_month == len(visited_month & households)
    assert shown.open_events == open_count
    assert shown.overdue_events == overdue_count > 0
    assert shown.pending_ops == 0
    assert window.dashboard.overdue_events.value.text() == str(overdue_count)

    window.dashboard.overdue_button.click()
    assert window.tabs.currentWidget() is window.event_pane
    assert window.event_model.rowCount() == overdue_count
    window.dashboard.open_button.click()
    assert window.event_model.rowCount() == open_count

    window.dashboard.days.setCurrentIndex(window.dashboard.days.findData(60))
    window.dashboard.not_visited_button.click()
    assert window.tabs.currentWidget() is window.household_pane
    recent = {v.household_id for v in visits if v.visited_at >= now - timedelta(days=60)}
    assert set(window.model.ids()) == households - recent


def test_a_change_refreshes_dashboard_and_status_bar(window: MainWindow, demo: DemoStore) -> None:
    assert window.pending_label.text() == "0 change(s) waiting to sync"
    household_id = window.model.id_at(0)
    with demo.store.read() as repos:
        household = repos.records.get(Household, household_id)
    assert household is not None
    changed = dataclasses.replace(household, notes="门口有狗")
    window.ctx.write(lambda uow: uow.update(changed, base=household))
    assert window.dashboard.figures is not None
    assert window.dashboard.figures.pending_ops == 1
    assert window.pending_label.text() == "1 change(s) waiting to sync"


def test_status_bar_shows_offline_last_sync_and_conflicts(
    window: MainWindow, demo: DemoStore
) -> None:
    assert "Offline" in window.connection_label.text()
    with demo.store.read() as repos:
        last = repos.sync_state.last_sync_at()
    assert last is not None  # the demo synced from its embedded server
    when = last.astimezone(CST).strftime("%Y-%m-%d %H:%M")
    assert window.last_sync_label.text() == f"Last sync: {when}"
    assert window.conflicts_label.text() == "0 conflict(s)"
    window.set_connection_state(True)
    assert "Online" in window.connection_label.text()
    window.set_connection_state(None)
    assert "Offline" in window.connection_label.text()


def test_residents_table_never_shows_a_full_id_number_or_phone(
    window: MainWindow, demo: DemoStore
) -> None:
    window.tabs.setCurrentWidget(window.resident_pane)
    with demo.store.read() as repos:
        residents = repos.records.get_many(Resident, window.resident_model.ids())
    secrets = {r.id_number for r in residents.values() if r.id_number}
    secrets |= {r.phone for r in residents.values() if len(r.phone) >= 7}
    model = window.resident_model
    cells = [
        str(model.data(model.index(row, column)))
        for row in range(model.rowCount())
        for column in range(model.columnCount())
    ]
    assert model.rowCount() == len(residents) > 1000
    assert not [c for c in cells if any(secret in c for secret in secrets)]
    sample = next(r for r in residents.values() if len(r.id_number) == 18)
    row = model.row_of(sample.id)
    assert model.data(model.index(row, 2)) == idnumber.mask(sample.id_number)
    assert "********" in model.data(model.index(row, 2))


def test_overdue_events_are_highlighted(window: MainWindow) -> None:
    window.show_events(EventStateFilter.OVERDUE)
    model = window.event_model
    assert model.rowCount() > 0
    index = model.index(0, 0)
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(0, model.OVERDUE_COLUMN)) == "Overdue"
    window.show_events(EventStateFilter.FINISHED)
    plain = [
        model.data(model.index(row, 0), Qt.ItemDataRole.ForegroundRole)
        for row in range(model.rowCount())
        if not model.data(model.index(row, model.OVERDUE_COLUMN))
    ]
    assert plain and all(p is None for p in plain)


def test_enter_opens_and_ctrl_n_starts_a_visit(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    visits: list[str] = []
    monkeypatch.setattr(window, "open_household", opened.append)
    monkeypatch.setattr(window, "new_visit", visits.append)
    window.household_pane.table.open_requested.disconnect()
    window.household_pane.table.open_requested.connect(window.open_household)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.household_pane)
    table = window.household_pane.table
    table.setFocus()
    table.selectRow(3)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [window.model.id_at(3)]
    window.new_visit_action.trigger()
    assert visits == [window.model.id_at(3)]
    assert window.new_visit_action.shortcut().toString() == "Ctrl+N"
    assert table.currentIndex().data(ID_ROLE) == window.model.id_at(3)


def test_ctrl_f_focuses_the_search_box(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.household_pane.table.setFocus()
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert window.focusWidget() is window.household_pane.table
    window.find_action.trigger()
    assert window.focusWidget() is window.search_box


def test_visits_table_shows_date_address_method_visitor_summary(
    window: MainWindow, demo: DemoStore
) -> None:
    window.tabs.setCurrentWidget(window.visit_pane)
    model = window.visit_model
    first = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert first[0][:4].isdigit() and "号" in first[1]
    assert first[3] == demo.info.display_name != demo.info.username  # people by name
    assert first[2] and first[4]


def test_enter_opens_the_real_household_dialog(qtbot: QtBot, window: MainWindow) -> None:
    from gridclient.ui.household_dialog import HouseholdDialog

    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.household_pane)
    table = window.household_pane.table
    table.setFocus()
    table.selectRow(2)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    dialogs = [d for d in window.findChildren(HouseholdDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialogs[0].reject()


def test_save_and_next_moves_to_the_next_door(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    visits: list[str] = []
    monkeypatch.setattr(window, "new_visit", visits.append)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.household_pane)
    table = window.household_pane.table
    table.selectRow(4)
    window._visit_next_household()
    assert visits == [window.model.id_at(5)]
    assert table.current_id() == window.model.id_at(5)


def test_conflict_count_links_to_the_conflicts_tab(window: MainWindow) -> None:
    window._show_status((SyncSummary(pending_ops=0, conflicts=2, last_sync_at=None), 0, 0))
    assert "2 conflict(s)" in window.conflicts_label.text()
    assert 'href="conflicts"' in window.conflicts_label.text()
    assert window.tabs.currentWidget() is not window.conflicts_view
    window.conflicts_label.linkActivated.emit("conflicts")
    assert window.tabs.currentWidget() is window.conflicts_view
    window._show_status((SyncSummary(pending_ops=0, conflicts=0, last_sync_at=None), 0, 0))
    assert window.conflicts_label.text() == "0 conflict(s)"


def test_a_wrong_clock_and_held_records_show_in_the_status_bar(window: MainWindow) -> None:
    from datetime import UTC, datetime, timedelta

    window._show_status((SyncSummary(pending_ops=0, conflicts=0, last_sync_at=None), 0, 0))
    assert window.warning_label.isHidden()
    window.ctx.store.clock.set(timedelta(hours=-3), datetime.now(UTC))
    window._show_status((SyncSummary(pending_ops=0, conflicts=0, last_sync_at=None), 0, 2))
    assert not window.warning_label.isHidden()
    assert "180 min" in window.warning_label.text()
    assert "2 record(s)" in window.warning_label.text()
    window.ctx.store.clock.set(timedelta(0), datetime.now(UTC))
    # The tool tip lists the held records with their reasons (received text, literally).
    from gridclient.storage.repositories import HeldRecord

    now = datetime.now(UTC)
    listed = [
        HeldRecord("organization", "org-1", 3, "字段 members 的值无效：expected int", now),
        HeldRecord("spaceship", "x-2", 1, "<b>未知的记录类型</b>", now),
    ]
    summary = SyncSummary(pending_ops=0, conflicts=0, last_sync_at=None)
    window._show_status((summary, 0, 12, "", listed))
    assert "12 record(s)" in window.warning_label.text()
    tip = window.warning_label.toolTip()
    assert f"{EntityKind.ORGANIZATION.label} org-1（3）：字段 members 的值无效：expected int" in tip
    assert "spaceship x-2（1）：&lt;b&gt;未知的记录类型&lt;/b&gt;" in tip
    assert "…" in tip  # 12 held, 2 listed
    window._show_status((SyncSummary(pending_ops=0, conflicts=0, last_sync_at=None), 0, 0))
    assert window.warning_label.isHidden()


def test_every_local_save_says_saved_in_the_status_bar(window: MainWindow) -> None:
    household_id = window.model.id_at(0)
    with window.ctx.store.read() as repos:
        household = repos.records.get(Household, household_id)
    assert household is not None
    window.statusBar().clearMessage()
    window.ctx.write(lambda uow: uow.update(codec.replace(household, {"notes": "已核实"})))
    assert window.statusBar().currentMessage().startswith("Saved on this computer")
