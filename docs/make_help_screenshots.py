"""Screenshots of the 帮助 and 报表 changes on a 1366×768 screen: the user guide (F1), the
report dialog with a quarter chosen, the message after an export (打开文件 / 打开所在文件夹)
and what a second 网格通 on the same data directory says.

    QT_QPA_PLATFORM=offscreen python docs/make_help_screenshots.py

Each picture is the whole 1366×768 screen (``docs/shots.laptop_screen``): the demo's
main window maximised above the taskbar, the dialog over it where the window system
would centre it (with a drawn title bar: a grab has no window frame), so one can see
that it fits.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docs.shots import chinese_app, laptop_screen, laptop_size, maximise  # noqa: E402


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.02)


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
            maximise(window)  # as on a 1366×768 laptop
            window.show()
            settle(app)

            window.show_user_guide()
            guide = window.guide_window
            assert guide is not None
            guide.find_edit.setText("季度")
            settle(app)
            laptop_size(guide)
            laptop_screen(app, window, guide, name="user_guide")
            guide.close()

            report = ReportDialog(ctx, today=date(2026, 10, 15), parent=window)
            report.kind_combo.setCurrentIndex(
                report.kind_combo.findData(ReportKind.EVENT_LEDGER.value)
            )
            report.set_period_kind(PeriodKind.QUARTER)
            report.show()
            settle(app)
            laptop_screen(app, window, report, name="report_dialog_quarter")

            report.export_pdf(Path(tmp) / "乡镇_事件台账_2026年第3季度.pdf")
            settle(app)
            box = report.export_box
            assert box is not None
            laptop_screen(app, window, report, box, name="report_exported")
            box.close()
            report.close()

            second = second_instance_box(data_dir, reached=True)
            second.show()
            settle(app)
            laptop_screen(app, window, second, name="second_instance")
            second.close()
            window.close()
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
