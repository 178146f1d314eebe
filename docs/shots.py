"""What the screenshot scripts share: a QApplication with the Chinese translations, a
grab that waits for the deferred start-up work (tree, status bar, sync column), and
whole-screen pictures of a 1366×768 laptop (:func:`laptop_screen`): the main window
maximised above a taskbar, dialogs at the size they open with there, framed and centred
in the work area, so one sees that they fit."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from gridclient.ui.i18n import install_translators
from gridclient.ui.screen_fit import WORK_AREAS, fitted_size

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


SCREEN = (1366, 768)
TASKBAR = SCREEN[1] - WORK_AREAS["1366×768"].height()
TITLE_BAR = 31
MAXIMISED_TITLE = 23
MAXIMISED = (SCREEN[0], SCREEN[1] - TASKBAR - MAXIMISED_TITLE)
"""The main window's client area, maximised on a 1366×768 laptop."""


def maximise(window: QWidget) -> None:
    """The main window at its maximised size on the laptop (this display may differ)."""
    window.resize(*MAXIMISED)


def laptop_size(dialog: QWidget) -> None:
    """The size ``dialog`` opens with on a 1366×768 laptop (see ``ui.screen_fit``)."""
    dialog.resize(fitted_size(dialog, WORK_AREAS["1366×768"]))


def frame(widget: QWidget, title_bar: int = TITLE_BAR) -> QPixmap:
    """The widget with a plain title bar and border, as a window manager would draw it."""
    body = widget.grab()
    framed = QPixmap(body.width() + 2, body.height() + title_bar + 1)
    framed.fill(QColor("#5b6b7f"))
    painter = QPainter(framed)
    painter.fillRect(QRect(1, 1, body.width(), title_bar - 1), QColor("#dfe4ea"))
    font = QFont(widget.font())
    font.setPointSize(10)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#1d2733"))
    painter.drawText(
        QRect(12, 0, body.width() - 24, title_bar),
        Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
        widget.windowTitle(),
    )
    painter.drawPixmap(1, title_bar, body)
    painter.end()
    return framed


def laptop_screen(
    app: QApplication, background: QWidget | None, *windows: QWidget, name: str
) -> Path:
    """The whole 1366×768 screen: ``background`` (the main window, see
    :func:`maximise`) and ``windows`` framed and centred in the work area above the
    taskbar, each at the size it has (see :func:`laptop_size`)."""
    for widget in (background, *windows):
        if widget is not None:
            widget.show()
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    shot = QPixmap(*SCREEN)
    shot.fill(QColor("#2f3b4a"))
    painter = QPainter(shot)
    if background is not None:
        framed = frame(background, MAXIMISED_TITLE)
        painter.drawPixmap(-1, 0, framed)
    work_height = SCREEN[1] - TASKBAR
    painter.fillRect(QRect(0, work_height, SCREEN[0], TASKBAR), QColor("#1f2630"))
    for window in windows:
        pixmap = frame(window)
        top_left = QPoint(
            max(0, (SCREEN[0] - pixmap.width()) // 2), max(0, (work_height - pixmap.height()) // 2)
        )
        painter.drawPixmap(top_left, pixmap)
    painter.end()
    path = OUT / f"{name}.png"
    shot.save(str(path))
    print(path)
    return path
