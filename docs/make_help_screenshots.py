"""Screenshots of the 帮助 and 报表 changes on a 1366×768 screen: the user guide (F1), the
report dialog with a quarter chosen, the message after an export (打开文件 / 打开所在文件夹)
and what a second 网格通 on the same data directory says.

    QT_QPA_PLATFORM=offscreen python docs/make_help_screenshots.py

Each picture is the whole 1366×768 screen: the demo's main window filling it, the
dialog over it where the window system would centre it (with a drawn title bar: an
offscreen grab has no window frame), so one can see that it fits.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docs.shots import OUT, chinese_app  # noqa: E402

SCREEN = (1366, 768)
TITLE_BAR = 30


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.02)


def frame(widget: QWidget) -> QPixmap:
    """The widget with a plain title bar and border, as a window manager would draw it."""
    body = widget.grab()
    framed = QPixmap(body.width() + 2, body.height() + TITLE_BAR + 1)
    framed.fill(QColor("#5b6b7f"))
    painter = QPainter(framed)
    painter.fillRect(QRect(1, 1, body.width(), TITLE_BAR - 1), QColor("#dfe4ea"))
    font = QFont(widget.font())
    font.setPointSize(10)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#1d2733"))
    painter.drawText(
        QRect(12, 0, body.width() - 24, TITLE_BAR),
        Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
        widget.windowTitle(),
    )
    painter.drawPixmap(1, TITLE_BAR, body)
    painter.end()
    return framed


def screen(background: QWidget, *windows: QWidget, name: str) -> Path:
    """``background`` (the main window, 1366×768) with ``windows`` framed and centred."""
    shot = QPixmap(*SCREEN)
    shot.fill(QColor("#2f3b4a"))
    painter = QPainter(shot)
    painter.drawPixmap(0, 0, frame(background))
    for window in windows:
        pixmap = frame(window)
        top_left = QPoint(
            max(0, (SCREEN[0] - pixmap.width()) // 2), max(0, (SCREEN[1] - pixmap.height()) // 2)
        )
        painter.drawPixmap(top_left, pixmap)
    painter.end()
    path = OUT / f"{name}.png"
    shot.save(str(path))
    print(path)
    return path


def main() -> int:
    from gridclient.app import second_instance_box
    from gridclient.config import ITSettings, Paths
    from gridclient.demo.bootstrap import open_demo
    from gridclient.reports.data import ReportKind
    from gridclient.reports.periods import PeriodKind
    from gridclient.ui.context import AppContext
    from gridclient.ui.main_window import MainWindow
    from gridclient.ui.report_dialogs import ReportDialog
    from gridclient.ui.tasks import TaskRunner

    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        session = open_demo(Paths.resolve(data_dir).ensure())
        try:
            ctx = AppContext(
                session.store, TaskRunner(synchronous=True), session.info, settings=ITSettings()
            )
            window = MainWindow(ctx)
            window.resize(SCREEN[0] - 2, SCREEN[1] - TITLE_BAR - 1)
            window.show()
            settle(app)

            window.show_user_guide()
            guide = window.guide_window
            assert guide is not None
            guide.find_edit.setText("季度")
            settle(app)
            screen(window, guide, name="user_guide")
            guide.close()

            report = ReportDialog(ctx, today=date(2026, 10, 15), parent=window)
            report.kind_combo.setCurrentIndex(
                report.kind_combo.findData(ReportKind.EVENT_LEDGER.value)
            )
            report.set_period_kind(PeriodKind.QUARTER)
            report.show()
            settle(app)
            screen(window, report, name="report_dialog_quarter")

            report.export_pdf(Path(tmp) / "乡镇_事件台账_2026年第3季度.pdf")
            settle(app)
            box = report.export_box
            assert box is not None
            screen(window, report, box, name="report_exported")
            box.close()
            report.close()

            second = second_instance_box(data_dir, reached=True)
            second.show()
            settle(app)
            screen(window, second, name="second_instance")
            second.close()
            window.close()
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
