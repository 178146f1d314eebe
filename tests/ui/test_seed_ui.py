"""A township user's first sync in the window starts from the server's seed: the
progress line says what is happening (the package's megabytes, then its setting up),
and the window shows the office's households when it ends (issue 18, item 4)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridclient.sync.engine import Phase
from gridcore.domain.enums import Role
from gridserver import admin, auth
from gridserver.embedded import EmbeddedServer
from tests.integration.sync.conftest import (
    AREAS,
    FAST_ARGON2,
    PASSWORD,
    USERS,
    Laptop,
    World,
)
from tests.integration.sync.test_seed import make_seed
from tests.ui import test_login
from tests.ui.test_sync_ui import WAIT, Desk, _log_in

chinese = test_login.chinese


@pytest.fixture
def seeded_world(tmp_path: Path) -> Iterator[tuple[World, Path]]:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    server = EmbeddedServer.start(
        tmp_path / "server" / "server.sqlite3", argon2=FAST_ARGON2, seeds_dir=str(seeds)
    )
    world = World(server)
    for short, code, name, level, parent in AREAS:
        world.areas[short] = admin.add_area(server.db, code, name, level, parent)
    for name, role, scope in [*USERS, ("s1", Role.TOWNSHIP, "320101001000")]:
        auth.add_user(server.db, server.settings, auth.NewUser(name, role, scope), PASSWORD)
    try:
        yield world, seeds
    finally:
        server.stop()


def test_the_first_sync_in_the_window_starts_from_the_seed(
    qtbot: QtBot, tmp_path: Path, seeded_world: tuple[World, Path]
) -> None:
    world, seeds = seeded_world
    worker = Laptop(tmp_path / "w1", world.url, "w1")
    for number in range(25):
        worker.new_household(world.areas["G1"], f"幸福路{number}号")
    assert worker.sync().ok
    worker.close()
    make_seed(world, tmp_path, seeds)  # type: ignore[arg-type]  # only its url is used

    desk = Desk(qtbot, _log_in(tmp_path / "t1", world, "t1"))
    window = desk.window
    shown: list[str] = []
    desk.sync.progressed.connect(lambda *_args: shown.append(window.sync_phase_label.text()))
    button = window.toolbar.widgetForAction(window.sync_action)
    assert button is not None
    with qtbot.waitSignal(desk.sync.finished, timeout=WAIT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    report = desk.reports[0]
    assert report.ok and report.seeded >= 25
    phases = [phase for phase, _done, _total in desk.progress]
    assert phases.index(Phase.SEED) < phases.index(Phase.SEED_COPY)
    assert any(text.startswith("正在下载初始数据包：") and text.endswith("MB") for text in shown)
    assert "正在将初始数据包写入本机…" in shown
    qtbot.waitUntil(lambda: "同步完成" in window.statusBar().currentMessage(), timeout=WAIT)
    qtbot.waitUntil(lambda: window.model.rowCount() == 25, timeout=WAIT)  # the list refreshed
    desk.close()
