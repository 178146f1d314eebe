"""Regenerate the screenshots in docs/screenshots/ from the demo data.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py

Uses a throw-away data directory, the Chinese UI and the synchronous task runner, so
every screen is fully loaded when it is grabbed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.ui.context import AppContext
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner

OUT = Path(__file__).resolve().parent / "screenshots"


def main() -> int:
    OUT.mkdir(exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    translators = install_translators(app, "zh_CN")
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            window = MainWindow(
                AppContext(session.store, TaskRunner(synchronous=True), session.info),
                session.queries,
            )
            window.resize(1200, 760)
            window.show()
            app.processEvents()
            path = OUT / "main_window.png"
            window.grab().save(str(path))
            print(path)
            window.close()
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
