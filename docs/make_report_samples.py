"""Regenerate docs/reports/*.png: page 1 of each report, from the demo data (S size),
and the screenshots of the report and roster import dialogs in docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python docs/make_report_samples.py

Builds the demo township in a temporary store, renders each report to PDF for the
township (the roster of 残疾人 as township staff would print it, as a grid worker sees it
with masked numbers and as a masked copy for passing upward; the 留守儿童 roster with the
guardian columns; the 90+ roster) and converts page 1 to PNG with ``pdftoppm -r 80``. The
dialogs run in Chinese on the synchronous task runner: the report dialog with the
event ledger's preview, and the import dialog after checking a messy roster.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from gridclient.demo.local import load_dataset
from gridclient.reports.data import Period, ReportKind, build_report
from gridclient.reports.render import render_pdf
from gridclient.storage import Store, keys
from gridcore.demo import generate
from gridcore.demo.generator import Dataset
from gridcore.domain.enums import AreaLevel, Role, SpecialGroup

OUT = Path(__file__).resolve().parent / "reports"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
TODAY = date(2026, 11, 20)
CHEAP_KDF = keys.KdfParams(time_cost=1, memory_cost=8192, parallelism=1)


def main() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])  # before the reports make a QGuiApplication
    OUT.mkdir(exist_ok=True)
    dataset = generate("S", today=TODAY)
    township = next(a for a in dataset.areas if a.level is AreaLevel.TOWNSHIP)
    end = TODAY.replace(day=1) - timedelta(days=1)
    period = Period(end.replace(day=1), end)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.create(Path(folder) / "demo.db", "samples", kdf=CHEAP_KDF)
        try:
            load_dataset(store, dataset)
            disabled = SpecialGroup.DISABLED
            jobs = [(kind.value, kind, Role.TOWNSHIP, disabled, False) for kind in ReportKind] + [
                ("roster-worker", ReportKind.ROSTER, Role.WORKER, disabled, False),
                # Issue #16: guardian columns, 残疾证号 in a masked copy, 90+ (高龄津贴).
                (
                    "roster-left-behind-child",
                    ReportKind.ROSTER,
                    Role.TOWNSHIP,
                    SpecialGroup.LEFT_BEHIND_CHILD,
                    False,
                ),
                ("roster-masked", ReportKind.ROSTER, Role.TOWNSHIP, disabled, True),
                (
                    "roster-elderly-90",
                    ReportKind.ROSTER,
                    Role.TOWNSHIP,
                    SpecialGroup.ELDERLY_90,
                    False,
                ),
            ]
            for name, kind, role, group, masked in jobs:
                report = build_report(
                    store, kind, township.code, period, role=role, group=group, masked=masked
                )
                pdf = Path(folder) / f"{name}.pdf"
                pages = render_pdf(report, pdf)
                target = OUT / name
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "80",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        str(pdf),
                        str(target),
                    ],
                    check=True,
                )
                print(f"{target}.png: {report.full_title}, {len(report.rows)} rows, {pages} pages")
            dialogs(store, dataset, Path(folder))
        finally:
            store.close()
    del app
    return 0


def dialogs(store: Store, dataset: Dataset, folder: Path) -> None:
    from PySide6.QtPrintSupport import QPrintPreviewWidget
    from PySide6.QtWidgets import QApplication, QWidget

    from gridclient.ui.context import AppContext, UserInfo
    from gridclient.ui.i18n import install_translators
    from gridclient.ui.import_dialog import ImportDialog
    from gridclient.ui.report_dialogs import ReportDialog
    from gridclient.ui.tasks import TaskRunner
    from tests.unit.reports.test_importer import messy_roster

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = install_translators(app, "zh_CN")
    SCREENSHOTS.mkdir(exist_ok=True)
    township = next(a for a in dataset.areas if a.level is AreaLevel.TOWNSHIP)
    grid = next(a for a in dataset.areas if a.level is AreaLevel.GRID)
    user = UserInfo("township01", "乡镇管理员", Role.TOWNSHIP, township.name)
    ctx = AppContext(store, TaskRunner(synchronous=True), user)

    def save(widget: QWidget, name: str) -> None:
        widget.show()
        app.processEvents()
        path = SCREENSHOTS / f"{name}.png"
        widget.grab().save(str(path))
        print(path)

    report = ReportDialog(ctx, area_id=township.id, today=TODAY)
    report.kind_combo.setCurrentIndex(report.kind_combo.findData(ReportKind.EVENT_LEDGER.value))
    report.export_pdf(folder / "ledger.pdf")
    save(report, "report_dialog")
    report.preview()
    preview = report.preview_dialog
    assert preview is not None
    widget = preview.findChild(QPrintPreviewWidget)
    assert widget is not None
    widget.setZoomMode(QPrintPreviewWidget.ZoomMode.FitInView)
    save(preview, "report_preview")
    preview.close()
    report.close()

    roster = folder / "花名册.xlsx"
    existing = next(r for r in dataset.residents if r.id_number)
    messy_roster(roster, existing.id_number)
    importer = ImportDialog(ctx, grid_id=grid.id)
    importer.choose_file(roster)
    save(importer, "import_dialog")
    importer.close()
    del translators


if __name__ == "__main__":
    sys.exit(main())
