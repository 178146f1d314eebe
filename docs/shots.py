"""What the screenshot scripts share: a QApplication with the Chinese translations, and
a grab that waits for the deferred start-up work (tree, status bar, sync column)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from gridclient.ui.i18n import install_translators

OUT = Path(__file__).resolve().parent / "screenshots"


def chinese_app() -> tuple[QApplication, object]:
    """The application and its translators (keep the second alive while grabbing)."""
    OUT.mkdir(exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    return app, install_translators(app, "zh_CN")


def save(app: QApplication, widget: QWidget, name: str, *, settle: bool = True) -> None:
    """Show ``widget``, let queued work land, and save it as ``docs/screenshots/NAME.png``.
    ``settle=False`` grabs the moment as it is (mid-sync progress)."""
    widget.show()
    for _ in range(20 if settle else 1):
        app.processEvents()
        if settle:
            time.sleep(0.02)
    path = OUT / (name if name.endswith(".png") else f"{name}.png")
    widget.grab().save(str(path))
    print(path)
