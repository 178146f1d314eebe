"""Auto-lock: idle time covers the window; only the store password uncovers it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from gridclient.config import ITSettings, Paths
from gridclient.demo.bootstrap import DemoSession, open_demo
from gridclient.ui.context import AppContext
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.demo.generator import DEMO_PASSWORD


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoSession]:
    session = open_demo(Paths.resolve(tmp_path).ensure())
    yield session
    session.close()


@pytest.fixture
def window(qtbot: QtBot, demo: DemoSession) -> MainWindow:
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
    return win


def test_idle_time_comes_from_the_settings(window: MainWindow) -> None:
    assert window.idle.timer.interval() == 3 * 60_000
    assert window.idle.timer.isActive()


def test_idle_locks_and_hides_everything(qtbot: QtBot, window: MainWindow) -> None:
    dialog = QDialog(window)
    dialog.show()
    window.idle.set_idle_ms(50)
    qtbot.waitUntil(lambda: window.locked, timeout=2000)
    assert window.stack.currentWidget() is window.lock_screen
    assert not window.content.isVisible()
    assert not window.toolbar.isVisible()
    assert not window.statusBar().isVisible()
    assert not dialog.isVisible()
    assert not any(a.isEnabled() for a in window.actions())
    assert not window.search_box.isVisible() and not window.household_pane.isVisible()
    assert window.lock_screen.isVisible()


def test_input_restarts_the_idle_timer(qtbot: QtBot, window: MainWindow) -> None:
    idle = window.idle
    assert idle is not None
    idle.set_idle_ms(400)
    qtbot.wait(250)
    assert idle.quiet_ms() >= 200
    press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    QApplication.sendEvent(window.search_box, press)
    assert idle.quiet_ms() < 100
    qtbot.wait(250)  # 500 ms after the idle time started, 250 ms after the key
    assert not window.locked
    qtbot.mouseMove(window.household_pane, window.household_pane.rect().center())
    assert idle.quiet_ms() < 100
    qtbot.wait(250)
    assert not window.locked
    qtbot.waitUntil(lambda: window.locked, timeout=2000)  # then nothing: it locks


def test_non_input_events_do_not_count_as_activity(qtbot: QtBot, window: MainWindow) -> None:
    """Paints, timers and other events are not the user: the idle time runs on."""
    idle = window.idle
    assert idle is not None
    idle.set_idle_ms(300)
    qtbot.wait(150)
    window.household_pane.table.viewport().repaint()
    QApplication.sendEvent(window, QEvent(QEvent.Type.User))
    window.search_box.setText("无人")
    assert idle.quiet_ms() >= 100
    qtbot.waitUntil(lambda: window.locked, timeout=2000)


def test_activity_in_a_modal_dialog_keeps_it_unlocked(qtbot: QtBot, window: MainWindow) -> None:
    """Idle for the idle time locks; typing and clicking in a modal dialog (its own
    window) count as activity like input in the main window."""
    idle = window.idle
    assert idle is not None
    dialog = QDialog(window)
    dialog.setModal(True)
    edit = QLineEdit(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    idle.set_idle_ms(300)
    started = time.monotonic()
    for n in range(8):  # 8 × 100 ms of typing: far past the idle time
        qtbot.wait(100)
        if n % 2:
            qtbot.keyClick(edit, Qt.Key.Key_A)
        else:
            qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
        assert not window.locked
    assert time.monotonic() - started > 0.6 and edit.text() == "aaaa"
    stopped = time.monotonic()
    qtbot.waitUntil(lambda: window.locked, timeout=2000)
    assert time.monotonic() - stopped >= 0.25  # locked only after the idle time
    assert not dialog.isVisible()


def test_wrong_password_stays_locked_then_right_password_unlocks(
    qapp: QApplication, window: MainWindow, demo: DemoSession
) -> None:
    translators = install_translators(qapp, "zh_CN")
    try:
        dialog = QDialog(window)
        dialog.show()
        window.lock()
        screen = window.lock_screen
        screen.password.setText("not the password")
        screen.button.click()
        assert window.locked
        assert screen.error.text() == "密码错误，请重试。"
        assert screen.password.text() == ""
        assert not window.content.isVisible()

        screen.password.setText(DEMO_PASSWORD)
        screen.button.click()
        assert not window.locked
        assert window.content.isVisible() and window.toolbar.isVisible()
        assert window.statusBar().isVisible()
        assert dialog.isVisible()
        assert all(a.isEnabled() for a in window.actions())
        assert window.idle.timer.isActive()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)


def test_empty_password_is_not_checked(window: MainWindow) -> None:
    window.lock()
    window.lock_screen.try_unlock()
    assert window.locked
    assert window.lock_screen.error.text() == "Enter your password."


def test_ctrl_l_locks(window: MainWindow) -> None:
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    window.lock_action.trigger()
    assert window.locked
