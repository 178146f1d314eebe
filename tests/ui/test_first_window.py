"""`gridclient --demo`: a generated grid in an encrypted store, listed in the window.

The first start (empty data directory: server database built, login, full sync) runs once
per session, building the ``demo_template`` these tests copy; ``tests/integration/
test_demo_start.py`` runs it once more as the real command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gridclient.__main__ import build_parser
from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.storage.keys import DEFAULT_KDF
from gridclient.ui.context import AppContext
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import Household
from gridcore.domain.enums import EntityKind
from tests.demo_store import open_demo_copy


@pytest.fixture
def demo(tmp_path: Path, demo_template: Path):  # type: ignore[no-untyped-def]
    session = open_demo_copy(demo_template, tmp_path)
    yield session
    session.close()


def test_demo_store_lives_under_data_dir_and_is_encrypted(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert demo.store.path.is_relative_to(tmp_path)
    first_id = demo.queries.household_ids()[0]
    with demo.store.read() as repos:
        counts = repos.records.counts()
        household = repos.records.get(Household, first_id)
        assert household is not None
        head = repos.records.residents_of_household(household.id)[0]
    assert counts[EntityKind.HOUSEHOLD] > 400
    demo.store.checkpoint()
    raw = demo.store.path.read_bytes()
    assert head.name.encode() not in raw
    assert household.address.encode() not in raw
    # A login seals the store's key at the full cost (only tests ask for a cheap one).
    kdf = json.loads(demo.store.key_path.read_text("utf-8"))["kdf"]
    assert (kdf["time_cost"], kdf["memory_cost"], kdf["parallelism"]) == (
        DEFAULT_KDF.time_cost,
        DEFAULT_KDF.memory_cost,
        DEFAULT_KDF.parallelism,
    )


def test_reopening_the_demo_keeps_the_data(tmp_path: Path, demo_template: Path) -> None:
    first = open_demo_copy(demo_template, tmp_path)
    ids = first.queries.household_ids()
    with first.store.unit_of_work(actor=first.username) as uow:
        uow.create(Household(grid_id=first.info.grid_ids[0], address="新村路 1 号"))
    first.close()
    second = open_demo(Paths.resolve(tmp_path).ensure())
    try:
        assert len(second.queries.household_ids()) == len(ids) + 1  # the edit was kept
    finally:
        second.close()


def test_window_lists_the_households_in_chinese(qtbot, qapp, demo_store) -> None:  # type: ignore[no-untyped-def]
    demo = demo_store
    translators = install_translators(qapp, "zh_CN")
    try:
        window = MainWindow(
            AppContext(demo.store, TaskRunner(synchronous=True), demo.info), demo.queries
        )
        qtbot.addWidget(window)
        expected = len(demo.queries.household_ids())
        assert window.model.rowCount() == expected
        assert window.model.headerData(1, Qt.Orientation.Horizontal) == "地址"
        assert window.count_label.text() == f"共 {expected} 户"
        first = window.model.data(window.model.index(0, 1))
        assert first and "号" in first
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)


def test_command_line_knows_demo_and_data_dir(tmp_path: Path) -> None:
    args = build_parser().parse_args(["--demo", "--data-dir", str(tmp_path)])
    assert args.demo and args.data_dir == tmp_path
