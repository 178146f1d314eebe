"""Regenerate the 巡查 screenshots in docs/screenshots/ and the 巡查日志 sample page.

    QT_QPA_PLATFORM=offscreen python docs/make_patrol_screenshots.py

The demo worker's main window on its 巡查 tab; a patrol with a photo and the event
reported from it in its dialog; a new patrol with 上报事件 opened from it (从本次巡查
上报事件), each on a 1366×768 laptop screen, in Chinese, from a throw-away data directory
on the synchronous task runner. Then page 1 of the 巡查日志 as
``docs/make_report_samples.py`` prints it (the S demo township, last month, ``pdftoppm -r
80``), as docs/reports/patrols.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter, QPen
from shots import chinese_app, laptop_screen, laptop_size, maximise

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.ui.context import AppContext
from gridclient.ui.main_window import MainWindow
from gridclient.ui.patrol_dialog import PatrolDialog
from gridclient.ui.tasks import TaskRunner


def _photo(path: Path) -> Path:
    """A stand-in site photo: a river bank with a leaning rail."""
    image = QImage(1200, 800, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    sky = QLinearGradient(QPointF(0, 0), QPointF(0, 420))
    sky.setColorAt(0, QColor("#9cc7e8"))
    sky.setColorAt(1, QColor("#dbeaf4"))
    painter.fillRect(QRectF(0, 0, 1200, 420), sky)
    painter.fillRect(QRectF(0, 420, 1200, 380), QColor("#6f8f4e"))
    painter.fillRect(QRectF(0, 600, 1200, 200), QColor("#4f7da0"))
    painter.setPen(QPen(QColor("#8a8a8a"), 14))
    for x in range(80, 1200, 160):
        lean = 60 if 500 < x < 700 else 0
        painter.drawLine(QPointF(x, 560), QPointF(x + lean, 420))
    painter.drawLine(QPointF(40, 450), QPointF(1160, 450))
    painter.setPen(QColor("#ffffff"))
    painter.setFont(QFont(painter.font().family(), 36))
    painter.drawText(QRectF(0, 700, 1180, 90), Qt.AlignmentFlag.AlignRight, "2026-11-19 09:12")
    painter.end()
    assert image.save(str(path))
    return path


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        photo = _photo(Path(tmp) / "river-bank.jpg")
        try:
            ctx = AppContext(session.store, TaskRunner(synchronous=True), session.info)
            window = MainWindow(ctx)
            maximise(window)
            window.show()
            window.tabs.setCurrentWidget(window.patrol_pane)
            app.processEvents()
            laptop_screen(app, window, name="patrols_tab")

            # The newest patrol that reported an event, with a photo added.
            model = window.patrol_model
            rows = [r for r in range(model.rowCount()) if model.index(r, 5).data() != "0"]
            patrol_id = model.ids()[rows[0]]
            editing = PatrolDialog(
                ctx, patrol_id, parent=window, pick_files=lambda _w: [str(photo)]
            )
            editing.photos.choose()
            app.processEvents()
            editing.save()
            shown = PatrolDialog(ctx, patrol_id, parent=window)
            laptop_size(shown)
            laptop_screen(app, window, shown, name="patrol_dialog")
            shown.reject()

            # A new patrol, then 从本次巡查上报事件: the patrol is saved, 上报事件 opens.
            new = PatrolDialog(
                ctx, grid_id=session.info.grid_ids[0], parent=window,
                pick_files=lambda _w: [str(photo)],
            )  # fmt: skip
            laptop_size(new)
            new.route_edit.setText("村委会—1组—河堤—小学")
            new.places_edit.setText("河堤 3 号闸口、村口小卖部")
            new.findings_edit.setPlainText("河堤护栏松动两处，已设置临时警示带")
            new.times_box.setChecked(True)
            new.photos.choose()
            app.processEvents()
            laptop_screen(app, window, new, name="patrol_dialog_new")
            new.report_button.click()
            report = new.report_dialog
            assert report is not None
            laptop_size(report)
            report.title_edit.setText("河堤护栏松动")
            laptop_screen(app, window, new, report, name="patrol_report_event")
            report.reject()
            new.confirm = lambda *_args: True  # saved already; nothing to ask
            new.reject()
            window.close()
        finally:
            session.close()
        report_sample(Path(tmp))
    del translators
    return 0


def report_sample(folder: Path) -> None:
    """docs/reports/patrols.png exactly as ``make_report_samples.py`` makes it."""
    from datetime import timedelta

    import make_report_samples as samples

    from gridclient.demo.local import load_dataset
    from gridclient.reports.data import EventFilter, Period, ReportKind
    from gridclient.storage import Store
    from gridcore.demo import generate
    from gridcore.domain.enums import AreaLevel, Role, SpecialGroup

    data = generate("S", today=samples.TODAY)
    end = samples.TODAY.replace(day=1) - timedelta(days=1)
    store = Store.create(folder / "samples.db", "samples", kdf=samples.CHEAP_KDF)
    try:
        load_dataset(store, data)
        area = next(a for a in data.areas if a.level is AreaLevel.TOWNSHIP)
        job = (
            ReportKind.PATROL_LOG.value,
            ReportKind.PATROL_LOG,
            Role.TOWNSHIP,
            SpecialGroup.DISABLED,
            False,
            EventFilter(),
        )
        samples.sample(store, area.code, Period(end.replace(day=1), end), folder, job)
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
