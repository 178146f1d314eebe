"""The sync button, progress, cancel and status bar against a real gridserver on
loopback; automatic syncs from the connectivity monitor and the interval; the password
prompt when the server session expired; the demo's embedded server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from gridclient.demo.bootstrap import DemoSession
from gridclient.storage.syncmeta import OpStatus, SyncKey
from gridclient.sync import engine as engine_module
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.engine import Phase, SyncReport
from gridclient.sync.session import UserSession, log_in, log_in_offline
from gridclient.ui.context import AppContext
from gridclient.ui.login import user_info
from gridclient.ui.main_window import MainWindow
from gridclient.ui.sync_controller import SyncController
from gridclient.ui.tasks import TaskRunner
from gridcore.domain import codec
from gridcore.domain.entities import Household
from gridcore.domain.enums import EntityKind
from tests.demo_store import open_demo_copy
from tests.integration.sync.conftest import PASSWORD, Laptop, World, server_snapshot
from tests.ui import test_login
from tests.ui.test_login import fast_transport
from tests.unit.storage.factories import CHEAP_KDF

# The login tests' fixtures: a server on loopback per test, Chinese translations.
world = test_login.world
chinese = test_login.chinese

WAIT = 30_000


class Desk:
    """A signed-in grid worker: session, context, controller and main window."""

    def __init__(
        self,
        qtbot: QtBot,
        session: UserSession,
        *,
        synchronous: bool = False,
        owns_session: bool = True,
        **options: object,
    ) -> None:
        self.session = session
        self.owns_session = owns_session
        self.runner = TaskRunner(synchronous=synchronous)
        self.ctx = AppContext(session.store, self.runner, user_info(session))
        self.sync = SyncController(
            self.ctx,
            session,
            transport_factory=fast_transport,
            **options,  # type: ignore[arg-type]
        )
        self.window = MainWindow(self.ctx, sync=self.sync)
        qtbot.addWidget(self.window)
        self.window.show()
        self.reports: list[SyncReport] = []
        self.progress: list[tuple[str, int, int]] = []
        self.sync.finished.connect(self.reports.append)
        self.sync.progressed.connect(lambda *args: self.progress.append(args))

    def add_household(self, grid: str, address: str) -> Household:
        household = Household(grid_id=grid, address=address)
        self.ctx.write(lambda uow: uow.create(household))
        return household

    def pending(self) -> int:
        with self.session.store.read() as repos:
            return repos.outbox.status_counts()[OpStatus.PENDING]

    def close(self) -> None:
        self.window.close()
        self.runner.shutdown()
        if self.owns_session:
            self.session.close()


def _log_in(
    root: Path, world: World, user: str, tokens: MemoryTokenStore | None = None
) -> UserSession:
    return log_in(
        root,
        world.url,
        user,
        PASSWORD,
        tokens or MemoryTokenStore(),
        transport_factory=fast_transport,
        kdf=CHEAP_KDF,
    )


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path, world: World) -> Iterator[Desk]:
    d = Desk(qtbot, _log_in(tmp_path / "w1", world, "w1"))
    yield d
    d.close()


def test_sync_button_uploads_a_local_edit_with_progress_and_the_status_follows(
    qtbot: QtBot, desk: Desk, world: World
) -> None:
    window = desk.window
    assert window.connection_label.text() == "● 在线"  # the login was checked by the server
    household = desk.add_household(world.areas["G1"], "幸福路8号")
    qtbot.waitUntil(lambda: window.pending_label.text() == "待同步 1 条", timeout=WAIT)

    visible_while_syncing: list[bool] = []
    desk.sync.started.connect(
        lambda: visible_while_syncing.append(
            window.sync_progress.isVisible() and window.cancel_sync_button.isVisible()
        )
    )
    button = window.toolbar.widgetForAction(window.sync_action)
    assert button is not None and window.sync_action.text() == "同步"
    with qtbot.waitSignal(desk.sync.finished, timeout=WAIT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert desk.sync.running and not desk.sync.sync()  # never two at once
    qtbot.waitUntil(lambda: len(desk.reports) == 2, timeout=WAIT)  # the coalesced follow-up
    assert all(r.ok for r in desk.reports) and desk.reports[0].pushed == 1
    assert visible_while_syncing == [True, True]
    assert (Phase.PUSH, 1, 1) in desk.progress
    assert any(phase == Phase.PULL for phase, _d, _t in desk.progress)
    assert (EntityKind.HOUSEHOLD.value, household.id) in server_snapshot(world)

    qtbot.waitUntil(lambda: window.pending_label.text() == "待同步 0 条", timeout=WAIT)
    assert window.connection_label.text() == "● 在线"
    assert window.last_sync_label.text().startswith("上次同步")
    assert window.rejected_label.text() == "被拒 0 条"
    assert not window.sync_progress.isVisible() and window.sync_action.isEnabled()
    assert "同步完成" in window.statusBar().currentMessage()


def test_a_sync_that_changes_nothing_leaves_the_lists_alone(
    qtbot: QtBot, desk: Desk, world: World
) -> None:
    desk.add_household(world.areas["G1"], "幸福路11号")
    qtbot.waitUntil(lambda: desk.pending() == 1, timeout=WAIT)
    with qtbot.waitSignal(desk.sync.finished, timeout=WAIT):
        desk.sync.sync()
    qtbot.waitUntil(lambda: not desk.runner.busy(), timeout=WAIT)  # the reload after it
    assert desk.window.model.rowCount() == 1
    table = desk.window.household_pane.table
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.waitUntil(lambda: table.current_id() is not None, timeout=WAIT)  # lazy rows
    published: list[object] = []
    desk.ctx.bus.changed.connect(published.append)
    with qtbot.waitSignal(desk.sync.finished, timeout=WAIT) as blocker:
        desk.sync.sync()
    report = blocker.args[0]
    assert report.ok and report.pushed == 0 and report.pulled == 0
    qtbot.wait(100)
    assert not published  # no reload: the selection stays
    assert table.current_id() is not None


def test_cancel_stops_a_sync_between_pages_and_the_next_sync_finishes(
    qtbot: QtBot, tmp_path: Path, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    t1 = Laptop(tmp_path / "t1", world.url, "t1")
    for i in range(30):
        t1.new_household(world.areas["G1"], address=f"路{i}号")
    assert t1.sync().ok
    t1.close()
    # Synchronous runner: the sync runs inside sync(), so the cancel click lands after
    # exactly one pulled page (each page its own transaction here, not grouped).
    monkeypatch.setattr(engine_module, "GROUP_SECONDS", 0.0)
    monkeypatch.setattr(engine_module, "FIRST_GROUP_SECONDS", 0.0)
    desk = Desk(qtbot, _log_in(tmp_path / "w1", world, "w1"), synchronous=True, page_size=7)
    try:
        window = desk.window

        enabled_after_unlock: list[bool] = []

        def cancel_on_first_page(phase: str, _done: int, _total: int) -> None:
            if phase == Phase.PULL and window.cancel_sync_button.isEnabled():
                window.lock()  # locking and unlocking mid-sync keeps the button disabled
                window.unlock()
                enabled_after_unlock.append(window.sync_action.isEnabled())
                window.cancel_sync_button.click()

        desk.sync.progressed.connect(cancel_on_first_page)
        with qtbot.waitSignal(desk.sync.cancelled, timeout=WAIT):
            desk.sync.sync()
        assert not desk.reports and not desk.sync.running
        assert enabled_after_unlock == [False]
        assert "同步已取消" in window.statusBar().currentMessage()
        with desk.session.store.read() as repos:
            counts = repos.records.counts()
            cursor = repos.sync_state.get(SyncKey.PULL_CURSOR)
        # One whole page (areas first, then households) and its cursor, nothing partial.
        assert sum(counts.values()) == 7 and cursor
        assert 0 < counts[EntityKind.HOUSEHOLD] < 30
        assert window.sync_action.isEnabled() and not window.cancel_sync_button.isVisible()

        desk.sync.progressed.disconnect(cancel_on_first_page)
        desk.sync.sync()
        assert desk.reports and desk.reports[-1].ok
        with desk.session.store.read() as repos:
            assert repos.records.counts()[EntityKind.HOUSEHOLD] == 30
        assert window.model.rowCount() == 30  # the open list refreshed after the sync
    finally:
        desk.close()


def test_expired_session_asks_for_the_password_then_syncs(
    qtbot: QtBot, desk: Desk, world: World
) -> None:
    desk.add_household(world.areas["G1"], "幸福路9号")
    qtbot.waitUntil(lambda: desk.pending() == 1, timeout=WAIT)
    desk.session.transport.forget()  # the server session is gone (expired, revoked)
    with qtbot.waitSignal(desk.sync.reauth_needed, timeout=WAIT):
        desk.window.start_sync()
    prompt = desk.window.password_prompt
    qtbot.waitUntil(prompt.isVisible, timeout=WAIT)
    assert "过期" in desk.window.statusBar().currentMessage()
    assert desk.pending() == 1
    prompt.password.setText("wrong")
    prompt.submit()
    qtbot.waitUntil(lambda: "密码错误" in prompt.message.text(), timeout=WAIT)
    prompt.password.setText(PASSWORD)
    with qtbot.waitSignal(desk.sync.finished, timeout=WAIT) as blocker:
        qtbot.keyClick(prompt.password, Qt.Key.Key_Return)
    assert blocker.args[0].ok and desk.pending() == 0
    assert desk.window.password_prompt is None  # closed
    desk.sync.reauth_needed.emit()  # asked again later: one prompt at a time
    first = desk.window.password_prompt
    desk.sync.reauth_needed.emit()
    assert first is not None and desk.window.password_prompt is first


def test_password_reset_while_working_is_completed_in_the_prompt(
    qtbot: QtBot, tmp_path: Path, world: World
) -> None:
    """The administrator reset the password while the laptop was in use: the sync asks
    for the password, the temporary one asks for a new one right there, then the pending
    work is pushed and only the new password opens the laptop."""
    from gridserver import auth

    tokens = MemoryTokenStore()
    desk = Desk(qtbot, _log_in(tmp_path / "w1", world, "w1", tokens))
    try:
        household = desk.add_household(world.areas["G1"], "重置路1号")
        qtbot.waitUntil(lambda: desk.pending() == 1, timeout=WAIT)
        auth.set_password(world.server.db, world.server.settings, "w1", "temporary 2026")
        with qtbot.waitSignal(desk.sync.reauth_needed, timeout=WAIT):
            desk.window.start_sync()
        prompt = desk.window.password_prompt
        qtbot.waitUntil(prompt.isVisible, timeout=WAIT)
        prompt.password.setText("temporary 2026")
        prompt.submit()
        qtbot.waitUntil(prompt.new_password.isVisible, timeout=WAIT)
        assert "重置" in prompt.message.text()
        prompt.new_password.setText("my own 2026")
        prompt.new_password_again.setText("my own 2026")
        with qtbot.waitSignal(desk.sync.finished, timeout=WAIT) as blocker:
            prompt.submit()
        assert blocker.args[0].ok and desk.pending() == 0
        assert (EntityKind.HOUSEHOLD.value, household.id) in server_snapshot(world)
    finally:
        desk.close()
    with pytest.raises(Exception, match="密码错误"):
        log_in_offline(tmp_path / "w1", world.url, "w1", PASSWORD, tokens)
    log_in_offline(tmp_path / "w1", world.url, "w1", "my own 2026", tokens).close()


def test_a_lost_device_pushes_nothing_wipes_its_store_and_closes(
    qtbot: QtBot, tmp_path: Path, world: World
) -> None:
    """An administrator marked the laptop lost while it held pending work: the next sync
    uploads nothing, the store is deleted and every window closes with one message."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from gridserver import auth

    desk = Desk(qtbot, _log_in(tmp_path / "w1", world, "w1"), owns_session=False)
    try:
        household = desk.add_household(world.areas["G1"], "丢失路1号")
        qtbot.waitUntil(lambda: desk.pending() == 1, timeout=WAIT)
        path = desk.session.store.path
        auth.mark_device_lost(world.server.db, "w1", desk.session.store.device_id)
        with qtbot.waitSignal(desk.sync.device_lost, timeout=WAIT):
            desk.window.start_sync()
        assert (EntityKind.HOUSEHOLD.value, household.id) not in server_snapshot(world)
        assert not path.exists() and not path.with_name(path.name + ".key").exists()
        qtbot.waitUntil(lambda: not desk.window.isVisible(), timeout=WAIT)
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        assert boxes and "丢失" in boxes[0].text()
        for box in boxes:
            box.close()
        # Work the window queued before the wipe (the search index, the area tree)
        # may start after it: it must not touch the wiped store nor raise.
        from gridclient.ui.search import SearchController

        late = SearchController(desk.window.ctx)
        late.build()
        desk.window._load_tree_and_status()
        qtbot.wait(200)
        assert not late.is_ready
    finally:
        desk.runner.shutdown()


def test_rotated_refresh_token_is_written_back(qtbot: QtBot, tmp_path: Path, world: World) -> None:
    tokens = MemoryTokenStore()
    _log_in(tmp_path / "w2", world, "w2", tokens).close()
    first = tokens.get(world.url, "w2")
    session = log_in_offline(
        tmp_path / "w2", world.url, "w2", PASSWORD, tokens, transport_factory=fast_transport
    )
    desk = Desk(qtbot, session)
    try:
        assert desk.window.connection_label.text() == "○ 离线"  # unlocked offline
        with qtbot.waitSignal(desk.sync.finished, timeout=WAIT) as blocker:
            desk.sync.sync()
        assert blocker.args[0].ok
        assert tokens.get(world.url, "w2") not in (None, first)
        assert desk.window.connection_label.text() == "● 在线"
    finally:
        desk.close()


def test_monitor_syncs_when_the_server_becomes_reachable(
    qtbot: QtBot, tmp_path: Path, world: World
) -> None:
    reachable = [False]
    session = log_in_offline(*_offline_args(tmp_path, world), transport_factory=fast_transport)
    desk = Desk(qtbot, session, probe=lambda: reachable[0], min_backoff=0.0, tick_seconds=0.05)
    try:
        desk.sync.start()
        qtbot.waitUntil(lambda: desk.window.connection_label.text() == "○ 离线", timeout=WAIT)
        qtbot.wait(200)
        assert not desk.reports  # offline: nothing tried
        reachable[0] = True
        qtbot.waitUntil(lambda: len(desk.reports) == 1, timeout=WAIT)
        assert desk.reports[0].ok
        assert desk.window.connection_label.text() == "● 在线"
        qtbot.wait(300)
        assert len(desk.reports) == 1  # still reachable: no sync per probe
    finally:
        desk.sync.stop()
        desk.close()


def _offline_args(tmp_path: Path, world: World) -> tuple[Path, str, str, str, MemoryTokenStore]:
    tokens = MemoryTokenStore()
    _log_in(tmp_path / "w1", world, "w1", tokens).close()
    return tmp_path / "w1", world.url, "w1", PASSWORD, tokens


def test_interval_sync_runs_by_itself(qtbot: QtBot, tmp_path: Path, world: World) -> None:
    desk = Desk(
        qtbot, _log_in(tmp_path / "w1", world, "w1"), probe=lambda: True, interval_minutes=0.002
    )
    try:
        desk.add_household(world.areas["G1"], "幸福路10号")
        desk.sync.interval_timer.start()
        qtbot.waitUntil(lambda: desk.pending() == 0 and bool(desk.reports), timeout=WAIT)
    finally:
        desk.sync.stop()
        desk.close()


@pytest.fixture
def demo(tmp_path: Path, demo_template: Path) -> Iterator[DemoSession]:
    session = open_demo_copy(demo_template, tmp_path / "demo")
    yield session
    session.close()


def test_demo_syncs_through_the_same_controller(qtbot: QtBot, demo: DemoSession) -> None:
    desk = Desk(qtbot, demo.session, owns_session=False)
    try:
        assert desk.window.connection_label.text() == "● 在线"  # after the demo's first sync
        with demo.store.read() as repos:
            household = repos.records.households_of_grid(demo.info.grid_ids[0])[0]
        desk.ctx.write(lambda uow: uow.update(codec.replace(household, {"address": "演示路1号"})))
        qtbot.waitUntil(lambda: desk.pending() == 1, timeout=WAIT)
        with qtbot.waitSignal(desk.sync.finished, timeout=WAIT) as blocker:
            desk.window.sync_action.trigger()
        assert blocker.args[0].ok and blocker.args[0].pushed == 1
        qtbot.waitUntil(lambda: desk.window.pending_label.text() == "待同步 0 条", timeout=WAIT)
    finally:
        desk.close()


def test_a_sync_that_changed_one_household_updates_its_row_in_place(
    qtbot: QtBot, tmp_path: Path, world: World
) -> None:
    """The sync's change set names the household: its row repaints with the new values,
    the list is not reset, the selection and the scroll position stay where they were."""
    t1 = Laptop(tmp_path / "t1", world.url, "t1")
    made = [
        t1.new_household(world.areas["G1"], address=f"幸福路{i}号", number=f"H{i:03d}")
        for i in range(80)
    ]
    assert t1.sync().ok
    desk = Desk(qtbot, _log_in(tmp_path / "w1", world, "w1"), synchronous=True)
    try:
        window, model = desk.window, desk.window.model
        desk.sync.sync()
        assert desk.reports[-1].ok and model.rowCount() == 80
        table = window.household_pane.table
        table.resize(800, 400)
        chosen = model.id_at(60)
        table.selectRow(60)
        table.scrollTo(model.index(50, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        top = model.id_at(table.rowAt(0))
        resets: list[bool] = []
        model.modelReset.connect(lambda: resets.append(True))

        target = next(h for h in made if h.id == chosen)
        t1.edit(EntityKind.HOUSEHOLD, target.id, number="H999")
        assert t1.sync().ok
        desk.sync.sync()

        report = desk.reports[-1]
        assert report.ok and report.changes.ids == {target.id}
        assert not resets
        row = model.row_of(target.id)
        assert model.data(model.index(row, 0)) == "H999"
        selected = {model.id_at(i.row()) for i in table.selectionModel().selectedRows()}
        assert selected == {target.id}
        assert model.id_at(table.rowAt(0)) == top
    finally:
        desk.close()
        t1.close()


def test_the_sync_button_shows_its_shortcut_and_f9_syncs(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window
    assert window.sync_action is not None
    assert window.sync_action.toolTip() == "上传本机修改并下载服务器的更新（F9）"
    window.activateWindow()
    with qtbot.waitSignal(desk.sync.finished, timeout=WAIT):
        qtbot.keyClick(window, Qt.Key.Key_F9)
