"""Regenerate the screenshots in docs/screenshots/ from the demo data.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py

Uses a throw-away data directory, the Chinese UI and the synchronous task runner, so
every screen is fully loaded when it is grabbed (the 工作台 also as township staff see it,
and the list a click on a chart opens); the main window as maximised on a
1366×768 laptop, each picture the whole screen with its taskbar: the dashboard, the four lists
(residents masked), a search, the overdue events, the status bar during a sync, the lock
screen and the login dialog (also refusing a wrong password and offering offline unlock).
"""

from __future__ import annotations

import sys
import tempfile
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QApplication
from shots import chinese_app, laptop_screen, maximise, save

from gridclient.config import ITSettings, Paths
from gridclient.demo.bootstrap import DemoSession, open_demo
from gridclient.storage.queries import EventStateFilter
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.engine import Phase
from gridclient.sync.transport import RetryPolicy, Transport
from gridclient.ui.context import AppContext, UserInfo
from gridclient.ui.login import LoginDialog
from gridclient.ui.main_window import MainWindow
from gridclient.ui.sync_controller import SyncController
from gridclient.ui.tasks import TaskRunner
from gridcore.demo.generator import DEMO_PASSWORD
from gridcore.domain import codec
from gridcore.domain.enums import Role


def _login(app: QApplication, session: DemoSession, data_dir: Path) -> None:
    """The login dialog as IT configured it; refusing a wrong password; then, after a
    first online login, the server gone and offline unlock offered. Real attempts
    against the demo's embedded server (stopped at the end: run this last)."""
    runner = TaskRunner(synchronous=True)
    paths = Paths.resolve(data_dir).ensure()
    settings = ITSettings(server_url=session.server.url)
    tokens = MemoryTokenStore()
    factory = partial(Transport, retry=RetryPolicy(max_attempts=1))

    def dialog() -> LoginDialog:
        made = LoginDialog(runner, paths, settings, tokens, transport_factory=factory)
        made.username.setText(session.username)
        made.show()
        return made

    first = dialog()
    save(app, first, "login")
    first.password.setText("wrong password")
    first.submit()
    save(app, first, "login_wrong_password")
    first.password.setText(DEMO_PASSWORD)
    first.submit()
    assert first.session is not None  # the store of this "laptop" now exists
    first.session.close()
    session.server.stop()
    second = dialog()
    second.password.setText(DEMO_PASSWORD)
    second.submit()
    save(app, second, "login_offline")
    second.close()


def _sync_status(app: QApplication, window: MainWindow, session: DemoSession) -> None:
    """The status bar while a sync uploads a few edits: progress, cancel, counts."""
    with session.store.read() as repos:
        households = repos.records.households_of_grid(session.info.grid_ids[0])[:3]
    with session.store.unit_of_work(actor=session.username) as uow:
        for household in households:
            uow.update(codec.replace(household, {"address": household.address + "（已核实）"}))
    window.refresh_status()
    grabbed: list[bool] = []

    def grab(phase: str, _done: int, _total: int) -> None:
        if phase == Phase.PUSH and not grabbed:
            grabbed.append(True)
            save(app, window.statusBar(), "status_bar_sync", settle=False)

    assert window.sync is not None
    window.sync.progressed.connect(grab)
    window.sync.batch_size = 2
    window.start_sync()
    window.sync.progressed.disconnect(grab)
    save(app, window.statusBar(), "status_bar")


def _township_dashboard(app: QApplication, session: DemoSession) -> None:
    """The 工作台 as township staff see it (charts of every grid in the store), and the
    events list a click on the overdue chart's first category opens."""
    user = UserInfo("township01", "赵佳", Role.TOWNSHIP, "桃源镇")
    ctx = AppContext(session.store, TaskRunner(synchronous=True), user)
    window = MainWindow(ctx)
    maximise(window)
    window.show()
    laptop_screen(app, window, name="dashboard_township")
    window.dashboard.scroll_to_end()
    laptop_screen(app, window, name="dashboard_township_charts")
    window.dashboard.category_chart.activated.emit(0)
    laptop_screen(app, window, name="dashboard_click_overdue_category")
    window.close()


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            ctx = AppContext(session.store, TaskRunner(synchronous=True), session.info)
            sync = SyncController(ctx, session.session)
            window = MainWindow(ctx, sync=sync)
            maximise(window)  # as on a 1366×768 laptop, where it opens maximised
            window.show()
            laptop_screen(app, window, name="dashboard")
            _township_dashboard(app, session)
            window.tabs.setCurrentWidget(window.household_pane)
            window.household_pane.table.selectRow(0)
            laptop_screen(app, window, name="main_window")
            laptop_screen(app, window, name="households")
            window.tabs.setCurrentWidget(window.resident_pane)
            laptop_screen(app, window, name="residents")
            window.tabs.setCurrentWidget(window.visit_pane)
            laptop_screen(app, window, name="visits")
            window.show_events(EventStateFilter.ALL)
            laptop_screen(app, window, name="events")
            window.show_events(EventStateFilter.OVERDUE)
            laptop_screen(app, window, name="events_overdue")
            window.show_events(EventStateFilter.ALL)
            window.search_box.setText("zl")
            window.search_box.flush()
            window.tabs.setCurrentWidget(window.resident_pane)
            laptop_screen(app, window, name="search")
            window.search_box.clear()
            window.search_box.flush()
            window.tabs.setCurrentWidget(window.household_pane)
            _sync_status(app, window, session)
            window.lock()
            window.lock_screen.password.setText("wrong")
            window.lock_screen.try_unlock()
            laptop_screen(app, window, name="lock")
            window.close()
            _login(app, session, Path(tmp) / "login")
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
