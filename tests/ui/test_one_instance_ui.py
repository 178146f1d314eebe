"""One process per data directory, the window's side: a second start on a directory in
use says so in a message box and opens nothing; the running window (its lock screen,
if locked) comes to the front when a second start knocks. The two-process journey is in
tests/integration/test_one_instance.py."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from gridclient.app import bring_to_front, run_gui, second_instance_box
from gridclient.config import ITSettings
from gridclient.demo.bootstrap import DemoSession
from gridclient.instance import (
    ALREADY_RUNNING,
    LOCK_FILE,
    ActivationServer,
    InstanceLock,
    ask_running_instance_to_show,
)
from gridclient.ui.context import AppContext
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from tests.demo_store import open_demo_copy


@pytest.fixture
def held(tmp_path: Path) -> Iterator[InstanceLock]:
    """The data directory as another process would hold it (a live pid in the file)."""
    lock = InstanceLock(tmp_path / "data")
    assert lock.acquire()
    yield lock
    lock.release()


def test_a_second_start_shows_a_chinese_message_and_opens_no_store(
    qtbot: QtBot, held: InstanceLock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    knocked: list[bool] = []
    running = ActivationServer(held.data_dir, lambda: knocked.append(True))
    assert running.listening
    shown: list[QMessageBox] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    app = QApplication.instance()
    assert app is not None
    translators = set(app.findChildren(QTranslator))
    try:
        code = run_gui(data_dir=held.data_dir, demo=True, lang="zh_CN")
    finally:
        for translator in set(app.findChildren(QTranslator)) - translators:
            app.removeTranslator(translator)
    assert code == ALREADY_RUNNING
    assert len(shown) == 1
    box = shown[0]
    assert box.windowTitle() == "网格通已在运行"
    assert f"网格通正在使用本机的数据目录 {held.data_dir}" in box.text()
    assert "已切换到该窗口" in box.text()
    qtbot.waitUntil(lambda: bool(knocked), timeout=3000)  # the running one came forward
    running.close()
    assert not (held.data_dir / "stores").exists()  # nothing opened
    assert not (held.data_dir / "demo-server").exists()
    assert held.held and (held.data_dir / LOCK_FILE).exists()


def test_the_message_without_a_window_to_bring_forward(qtbot: QtBot, tmp_path: Path) -> None:
    """A headless command holds the directory: nothing to bring forward; say what to do."""
    app = QApplication.instance()
    assert app is not None
    translators = install_translators(app, "zh_CN")
    try:
        assert not ask_running_instance_to_show(tmp_path, timeout_ms=200)
        box = second_instance_box(tmp_path, reached=False)
        qtbot.addWidget(box)
        assert "请切换到已经打开的网格通窗口" in box.text()
        assert "一个数据目录同时只能由一个网格通使用" in box.text()
    finally:
        for translator in translators:
            app.removeTranslator(translator)


@pytest.fixture
def window(qtbot: QtBot, demo_template: Path, tmp_path: Path) -> Iterator[MainWindow]:
    demo: DemoSession = open_demo_copy(demo_template, tmp_path / "demo")
    ctx = AppContext(demo.store, TaskRunner(synchronous=True), demo.info, settings=ITSettings())
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    demo.close()


def test_a_knock_brings_the_locked_window_to_the_front_on_its_lock_screen(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.lock()
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized, timeout=2000)
    server = ActivationServer(tmp_path / "demo", lambda: bring_to_front(window))
    try:
        assert ask_running_instance_to_show(tmp_path / "demo")
        qtbot.waitUntil(lambda: not window.isMinimized(), timeout=3000)
    finally:
        server.close()
    assert window.isVisible()
    assert window.locked and window.stack.currentWidget() is window.lock_screen
    assert window.lock_screen.isVisible() and not window.content.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


def test_before_the_window_the_login_dialog_comes_forward(qtbot: QtBot) -> None:
    dialog = QWidget()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.showMinimized()
    qtbot.waitUntil(dialog.isMinimized, timeout=2000)
    bring_to_front(None)
    assert not dialog.isMinimized() and dialog.isVisible()


def test_on_windows_the_second_start_lets_the_first_take_the_foreground(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Windows only lets the process the user started last raise a window; the second
    start hands that right to the running one (its pid from the lock), else any."""
    import ctypes
    import types

    from gridclient.instance import allow_foreground

    allowed: list[int] = []
    user32 = types.SimpleNamespace(AllowSetForegroundWindow=lambda pid: allowed.append(pid) or 1)
    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(user32=user32), raising=False)
    assert not allow_foreground(1234)  # not Windows: nothing to do
    monkeypatch.setattr(sys, "platform", "win32")
    assert allow_foreground(1234) and allow_foreground(None)
    assert allowed == [1234, -1]


def test_the_lock_names_its_holder(held: InstanceLock) -> None:
    import os

    other = InstanceLock(held.data_dir)
    assert not other.acquire()
    holder = other.holder()
    assert holder is not None and holder[0] == os.getpid()
