"""Issue 12, deliver 1: while locked, no window, dialog, preview or menu of the app is
visible, and nothing (menu, shortcut, entry point, late callback) can open one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridclient.config import ITSettings
from gridclient.storage.engine import read_session
from gridclient.storage.models import (
    EventRow,
    HouseholdRow,
    OrganizationRow,
    PatrolRow,
    PlaceRow,
    VisitRow,
)
from gridclient.ui.context import AppContext
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.report_dialogs import ReportDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.demo.generator import DEMO_PASSWORD
from tests.demo_store import DemoStore


@pytest.fixture
def demo(demo_store: DemoStore) -> DemoStore:
    return demo_store


@pytest.fixture
def window(qtbot: QtBot, demo: DemoStore) -> MainWindow:
    ctx = AppContext(
        demo.store,
        TaskRunner(synchronous=True),
        demo.info,
        settings=ITSettings(auto_lock_minutes=3),
    )
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.idle is not None, timeout=5000)
    return win


def _others(window: MainWindow) -> list[QWidget]:
    """Every visible top-level window of the app but the main window."""
    return [w for w in QApplication.topLevelWidgets() if w is not window and w.isVisible()]


def _record_ids(demo: DemoStore) -> dict[str, str]:
    """A patrol, an organization, a place and a visit of the demo (their dialogs came
    with later kinds: each entry point must refuse while locked, not only be hidden)."""
    with read_session(demo.store.engine) as session:
        return {
            "patrol": session.scalars(select(PatrolRow.id).limit(1)).one(),
            "organization": session.scalars(select(OrganizationRow.id).limit(1)).one(),
            "place": session.scalars(select(PlaceRow.id).limit(1)).one(),
            "visit": session.scalars(select(VisitRow.id).limit(1)).one(),
        }


def _first_ids(demo: DemoStore) -> tuple[str, str]:
    with read_session(demo.store.engine) as session:
        household = session.scalars(select(HouseholdRow.id).limit(1)).one()
        event = session.scalars(select(EventRow.id).limit(1)).one()
    return household, event


def _open_every_dialog(qtbot: QtBot, window: MainWindow, demo: DemoStore) -> list[QWidget]:
    household, event = _first_ids(demo)
    window.open_household(household)
    window.open_event(event)
    window.new_visit(household)
    window.new_event(demo.info.grid_ids[0], household)
    window.open_reports()
    window.open_import()
    reports = window.findChildren(ReportDialog)[-1]
    reports.preview()
    qtbot.waitUntil(lambda: reports.preview_dialog is not None, timeout=15_000)
    preview = reports.preview_dialog
    assert preview is not None
    qtbot.waitUntil(preview.isVisible)
    box = QMessageBox(QMessageBox.Icon.Information, "提示", "已保存", parent=window)
    box.open()
    opened = _others(window)
    assert len(opened) >= 8, opened  # 6 dialogs, the preview, the message box
    return opened


def test_lock_hides_every_dialog_preview_and_menu(
    qtbot: QtBot, window: MainWindow, demo: DemoStore
) -> None:
    opened = _open_every_dialog(qtbot, window, demo)
    menu = window.menuBar().actions()[0].menu()
    assert isinstance(menu, QMenu)
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitUntil(menu.isVisible)

    window.idle.set_idle_ms(30)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.locked, timeout=2000)
    assert _others(window) == []
    assert not menu.isVisible()
    assert not window.menuBar().isVisible() and not window.menuBar().isEnabled()
    assert window.stack.currentWidget() is window.lock_screen
    assert not window.content.isVisible()
    menu_actions = [a for m in window.menuBar().findChildren(QMenu) for a in m.actions()]
    assert menu_actions and not any(a.isEnabled() for a in menu_actions if not a.isSeparator())
    assert not any(a.isEnabled() for a in window.actions())

    # Unlocked: the same dialogs come back, the menu does not (a popup is closed).
    window.lock_screen.password.setText(DEMO_PASSWORD)
    window.lock_screen.button.click()
    assert not window.locked
    assert set(_others(window)) == set(opened)
    assert not menu.isVisible()
    assert window.menuBar().isVisible() and window.menuBar().isEnabled()
    assert all(a.isEnabled() for a in menu_actions if not a.isSeparator())
    for widget in opened:
        widget.close()


def test_nothing_opens_while_locked(qtbot: QtBot, window: MainWindow, demo: DemoStore) -> None:
    household, event = _first_ids(demo)
    window.lock()
    # Menus, their actions and every shortcut of the window.
    for action in window.findChildren(QAction):
        action.trigger()
    for key in (Qt.Key.Key_N, Qt.Key.Key_E, Qt.Key.Key_F, Qt.Key.Key_1, Qt.Key.Key_L):
        qtbot.keyClick(window.lock_screen.password, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_F9)
    # The entry points themselves, however reached.
    window.open_reports()
    window.open_import()
    window.open_household(household)
    window.open_event(event)
    window.new_visit(household)
    window.new_event(demo.info.grid_ids[0], household)
    window.new_visit_for_selection()
    window.new_event_for_selection()
    ids = _record_ids(demo)
    window.open_patrol(ids["patrol"])
    window.open_organization(ids["organization"])
    window.open_place(ids["place"])
    window.open_visit(ids["visit"])
    # Refused, not merely hidden by the guard (nothing queued to pop up at the unlock).
    assert window.findChildren(QDialog) == []
    qtbot.wait(50)
    assert _others(window) == []
    assert window.locked
    assert window.stack.currentWidget() is window.lock_screen


def test_a_window_shown_by_a_late_callback_waits_for_the_unlock(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A message box or prompt that some finished task opens while locked is hidden at
    once and shown after the unlock."""
    window.lock()
    box = QMessageBox(QMessageBox.Icon.Information, "同步", "同步完成", parent=window)
    QTimer.singleShot(0, box.open)
    qtbot.wait(50)
    assert not box.isVisible()
    assert _others(window) == []
    window.lock_screen.password.setText(DEMO_PASSWORD)
    window.lock_screen.button.click()
    assert box.isVisible()
    box.close()


def test_input_outside_the_lock_screen_is_swallowed(qtbot: QtBot, window: MainWindow) -> None:
    window.lock()
    window.search_box.setText("")
    qtbot.keyClicks(window.search_box, "abc")
    assert window.search_box.text() == ""
    qtbot.keyClicks(window.lock_screen.password, "abc")
    assert window.lock_screen.password.text() == "abc"


def test_idle_and_manual_locks_say_which(qapp: QApplication, window: MainWindow) -> None:
    translators = install_translators(qapp, "zh_CN")
    try:
        window.lock_action.trigger()
        manual = window.lock_screen.hint.text()
        assert "无人操作" not in manual and "手动" in manual
        window.unlock()
        window.lock(idle=True)
        assert "无人操作后已自动锁定" in window.lock_screen.hint.text()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
