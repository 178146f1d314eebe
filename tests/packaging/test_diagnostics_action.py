"""帮助 → 导出诊断包…: asks where to save, builds the bundle on the task runner with the
open store's sync-state counts, and tells where it went."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from gridclient.config import Paths
from gridclient.logsetup import setup_logging
from gridclient.ui.context import AppContext
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from tests.demo_store import DemoStore


@pytest.fixture
def demo(demo_store: DemoStore) -> DemoStore:
    setup_logging(Paths.resolve(demo_store.data_dir).ensure().log_dir)
    return demo_store


def test_the_menu_action_saves_a_bundle_with_the_open_stores_counts(
    qtbot: QtBot, demo: DemoStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = install_translators(app, "zh_CN")
    try:
        window = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    finally:
        for translator in translators:
            app.removeTranslator(translator)
    qtbot.addWidget(window)
    asked: list[str] = []
    told: list[str] = []

    def save_name(*args: object) -> tuple[str, str]:
        asked.append(str(args[3]))  # the file filter
        return str(tmp_path / "out" / "bundle"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    monkeypatch.setattr(
        QMessageBox, "information", staticmethod(lambda _p, _t, text: told.append(text))
    )
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _p, _t, text: pytest.fail(text))
    )
    actions = [a for a in window.help_menu.actions() if a is window.diagnostics_action]
    assert actions and window.diagnostics_action.text() == "导出诊断包…"
    window.diagnostics_action.trigger()

    target = tmp_path / "out" / "bundle.zip"
    assert asked and "*.zip" in asked[0]
    assert told and str(target) in told[0]
    with zipfile.ZipFile(target) as archive:
        stores = json.loads(archive.read("stores.json"))
        assert "logs/gridclient.log" in archive.namelist()
    (state,) = stores["sync_state"]
    assert state["file"] == demo.store.path.name
    assert state["records"]["household"] > 0
    assert state["last_sync_at"] is not None  # the demo synced on start


def test_a_cancelled_dialog_writes_nothing(
    qtbot: QtBot, demo: DemoStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(window)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    window.diagnostics_action.trigger()
    assert not list(tmp_path.rglob("*.zip"))
