"""The demo says 演示模式 in the window (a banner, not only the title), also over the
lock screen; 帮助 → 关于 shows the version, the data directory, the server and, in the
demo, the command for a second client."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gridclient import __version__
from gridclient.ui.about import AboutInfo
from gridclient.ui.context import AppContext
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from tests.demo_store import DemoStore


@pytest.fixture
def demo(demo_store: DemoStore) -> DemoStore:
    return demo_store


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    translators = install_translators(qapp, "zh_CN")
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


def _window(qtbot: QtBot, demo: DemoStore, *, is_demo: bool) -> MainWindow:
    info = dataclasses.replace(demo.info, demo=is_demo)
    win = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), info))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_the_demo_banner_shows_in_the_window_and_over_the_lock_screen(
    qtbot: QtBot, demo: DemoStore, chinese: None, tmp_path: Path
) -> None:
    win = _window(qtbot, demo, is_demo=True)
    assert win.demo_banner is not None and win.demo_banner.isVisible()
    assert "演示模式" in win.demo_banner.text()
    win.set_about(AboutInfo(tmp_path, "http://127.0.0.1:43210", demo=True))
    assert "http://127.0.0.1:43210" in win.demo_banner.text()
    win.lock()
    assert win.stack.currentWidget() is win.lock_screen
    assert win.demo_banner.isVisible()


def test_a_real_session_has_no_banner(qtbot: QtBot, demo: DemoStore) -> None:
    win = _window(qtbot, demo, is_demo=False)
    assert win.demo_banner is None


def test_about_shows_version_data_dir_server_and_the_second_client(
    qtbot: QtBot, demo: DemoStore, chinese: None, tmp_path: Path
) -> None:
    win = _window(qtbot, demo, is_demo=True)
    info = AboutInfo(tmp_path / "data", "http://127.0.0.1:43210", demo=True)
    win.set_about(info)
    assert win.about_action in win.help_menu.actions()
    dialog = win.show_about()
    text = dialog.text.text()
    assert __version__ in text
    assert str(tmp_path / "data") in text
    assert "http://127.0.0.1:43210" in text
    assert "--server http://127.0.0.1:43210 --data-dir" in text
    assert info.second_client_command() in text
    assert "演示" in text and "关于" in dialog.windowTitle()
