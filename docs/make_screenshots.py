"""Regenerate the screenshots in docs/screenshots/ from the demo data.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py

Uses a throw-away data directory, the Chinese UI and the synchronous task runner, so
every screen is fully loaded when it is grabbed: the dashboard, the four lists
(residents masked), a search, the overdue events and the lock screen.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.storage.queries import EventStateFilter
from gridclient.ui.context import AppContext
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner

OUT = Path(__file__).resolve().parent / "screenshots"


def _save(app: QApplication, window: QWidget, name: str) -> None:
    app.processEvents()
    path = OUT / f"{name}.png"
    window.grab().save(str(path))
    print(path)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    translators = install_translators(app, "zh_CN")
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            window = MainWindow(
                AppContext(session.store, TaskRunner(synchronous=True), session.info)
            )
            window.resize(1280, 800)
            window.show()
            _save(app, window, "dashboard")
            window.tabs.setCurrentWidget(window.household_pane)
            window.household_pane.table.selectRow(0)
            _save(app, window, "main_window")
            _save(app, window, "households")
            window.tabs.setCurrentWidget(window.resident_pane)
            _save(app, window, "residents")
            window.tabs.setCurrentWidget(window.visit_pane)
            _save(app, window, "visits")
            window.show_events(EventStateFilter.ALL)
            _save(app, window, "events")
            window.show_events(EventStateFilter.OVERDUE)
            _save(app, window, "events_overdue")
            window.show_events(EventStateFilter.ALL)
            window.search_box.setText("zl")
            window.search_box.flush()
            window.tabs.setCurrentWidget(window.resident_pane)
            _save(app, window, "search")
            window.search_box.clear()
            window.search_box.flush()
            window.lock()
            window.lock_screen.password.setText("wrong")
            window.lock_screen.try_unlock()
            _save(app, window, "lock")
            window.close()
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
