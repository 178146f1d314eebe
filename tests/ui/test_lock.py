"""Auto-lock: idle time covers the window; only the store password uncovers it.

The idle watcher reads a test clock: the tests move it and run the watcher's check
instead of waiting on the wall clock (one test lets the real timer fire, after the
clock has moved, to prove the wiring)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from gridclient.config import ITSettings
from gridclient.ui.context import AppContext
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.demo.generator import DEMO_PASSWORD
from tests.demo_store import DemoStore

IDLE_MS = 3 * 60_000


class FakeClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms / 1000


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def window(qtbot: QtBot, demo_store: DemoStore, clock: FakeClock) -> MainWindow:
    ctx = AppContext(
        demo_store.store,
        TaskRunner(synchronous=True),
        demo_store.info,
        settings=ITSettings(auto_lock_minutes=3),
    )
    win = MainWindow(ctx, idle_clock=clock)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.idle is not None, timeout=5000)
    return win


def test_idle_time_comes_from_the_settings(window: MainWindow) -> None:
    assert window.idle is not None
    assert window.idle.timer.interval() == IDLE_MS
    assert window.idle.timer.isActive()


def test_idle_locks_and_hides_everything(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    dialog = QDialog(window)
    dialog.show()
    assert window.idle is not None
    clock.advance(IDLE_MS)
    window.idle.timer.start(1)  # the real timer fires and finds the idle time over
    qtbot.waitUntil(lambda: window.locked, timeout=2000)
    assert window.stack.currentWidget() is window.lock_screen
    assert not window.content.isVisible()
    assert not window.toolbar.isVisible()
    assert not window.statusBar().isVisible()
    assert not dialog.isVisible()
    assert not any(a.isEnabled() for a in window.actions())
    assert not window.search_box.isVisible() and not window.household_pane.isVisible()
    assert window.lock_screen.isVisible()


def test_input_restarts_the_idle_timer(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    idle = window.idle
    assert idle is not None
    clock.advance(120_000)
    assert idle.quiet_ms() == 120_000
    press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    QApplication.sendEvent(window.search_box, press)
    assert idle.quiet_ms() == 0
    clock.advance(120_000)  # past the idle time since the start, not since the key
    idle.check()
    assert not window.locked
    assert idle.timer.isActive() and idle.timer.interval() == IDLE_MS - 120_000
    qtbot.mouseMove(window.household_pane, window.household_pane.rect().center())
    assert idle.quiet_ms() == 0
    clock.advance(IDLE_MS - 1)
    idle.check()
    assert not window.locked
    clock.advance(1)  # then nothing: it locks
    idle.check()
    assert window.locked


def test_non_input_events_do_not_count_as_activity(window: MainWindow, clock: FakeClock) -> None:
    """Paints, timers and other events are not the user: the idle time runs on."""
    idle = window.idle
    assert idle is not None
    clock.advance(100_000)
    window.household_pane.table.viewport().repaint()
    QApplication.sendEvent(window, QEvent(QEvent.Type.User))
    window.search_box.setText("无人")
    assert idle.quiet_ms() == 100_000
    clock.advance(IDLE_MS - 100_000)
    idle.check()
    assert window.locked


def test_activity_in_a_modal_dialog_keeps_it_unlocked(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    """Idle for the idle time locks; typing and clicking in a modal dialog (its own
    window) count as activity like input in the main window."""
    idle = window.idle
    assert idle is not None
    dialog = QDialog(window)
    dialog.setModal(True)
    edit = QLineEdit(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for n in range(8):  # a minute between inputs, 8 minutes in all: far past the idle time
        clock.advance(60_000)
        if n % 2:
            qtbot.keyClick(edit, Qt.Key.Key_A)
        else:
            qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
        idle.check()
        assert not window.locked
    assert edit.text() == "aaaa"
    clock.advance(IDLE_MS - 1)
    idle.check()
    assert not window.locked
    clock.advance(1)  # locked only after the idle time
    idle.check()
    assert window.locked
    assert not dialog.isVisible()


def test_wrong_password_stays_locked_then_right_password_unlocks(
    qapp: QApplication, window: MainWindow
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
