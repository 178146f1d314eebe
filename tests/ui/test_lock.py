"""Auto-lock: idle time covers the window; only the store password uncovers it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from gridclient.config import ITSettings, Paths
from gridclient.demo.bootstrap import DemoSession, open_demo
from gridclient.demo.generator import DEMO_PASSWORD
from gridclient.ui.context import AppContext
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner


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
    window.idle.timer.setInterval(50)
    window.idle.timer.start()
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
    window.idle.timer.setInterval(400)
    window.idle.timer.start()
    qtbot.wait(250)
    before = window.idle.timer.remainingTime()
    press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    QApplication.sendEvent(window.search_box, press)
    assert window.idle.timer.remainingTime() > before
    qtbot.mouseMove(window.household_pane, window.household_pane.rect().center())
    assert not window.locked


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
