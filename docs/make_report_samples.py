"""Regenerate docs/reports/*.png: page 1 of each report, from the demo data (S size),
and the screenshots of the report and roster import dialogs in docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python docs/make_report_samples.py

Builds the demo township in a temporary store, renders each report to PDF for the
township (the roster of 残疾人 as township staff would print it, as a grid worker sees it
with masked numbers and as a masked copy for passing upward; the 留守儿童 roster with the
guardian columns; the 90+ roster; the 意见建议账 and the 超期未办结 list on their own) and
converts page 1 (every page of the statistics) to PNG with ``pdftoppm -r 80``. The
dialogs run in Chinese on the synchronous task runner: the report dialog with the
event ledger's preview, and the import dialog after checking a messy roster.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from gridclient.demo.local import load_dataset
from gridclient.reports.data import EventFilter, EventStateFilter, Period, ReportKind, build_report
from gridclient.reports.render import render_pdf
from gridclient.storage import Store, keys
from gridcore.demo import generate
from gridcore.demo.generator import Dataset, SizeSpec
from gridcore.domain.entities import CST
from gridcore.domain.enums import AreaLevel, Ledger, Role, SpecialGroup

OUT = Path(__file__).resolve().parent / "reports"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
TODAY = date(2026, 11, 20)
NOW = datetime.combine(TODAY, time(9, 0), tzinfo=CST)
"""When the samples are printed (the figures of open events depend on it)."""
CHEAP_KDF = keys.KdfParams(time_cost=1, memory_cost=8192, parallelism=1)


def main() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])  # before the reports make a QGuiApplication
    OUT.mkdir(exist_ok=True)
    dataset = generate("S", today=TODAY)
    # The event reports from a township of six small grids in several villages, so the
    # statistics show their rows per village and per grid too.
    events = generate(SizeSpec(("town",), 6, (70, 90), 10.0, 2.0), today=TODAY)
    end = TODAY.replace(day=1) - timedelta(days=1)
    period = Period(end.replace(day=1), end)
    everything = EventFilter()
    disabled = SpecialGroup.DISABLED
    township = Role.TOWNSHIP
    jobs: list[Job] = [
        (kind.value, kind, township, disabled, False, everything)
        for kind in ReportKind
        if kind
        not in (ReportKind.EVENT_LEDGER, ReportKind.EVENT_STATS, ReportKind.MEDIATION_LEDGER)
    ] + [
        # Issue #16 item 2: the 低保户 roster (with the head's masked number, as a worker
        # prints it).
        (
            "household-roster-worker",
            ReportKind.HOUSEHOLD_ROSTER,
            Role.WORKER,
            disabled,
            False,
            everything,
        ),
        ("roster-worker", ReportKind.ROSTER, Role.WORKER, disabled, False, everything),
        # Issue #16: guardian columns, 残疾证号 in a masked copy, 90+ (高龄津贴).
        (
            "roster-left-behind-child",
            ReportKind.ROSTER,
            township,
            SpecialGroup.LEFT_BEHIND_CHILD,
            False,
            everything,
        ),
        ("roster-masked", ReportKind.ROSTER, township, disabled, True, everything),
        (
            "roster-elderly-90",
            ReportKind.ROSTER,
            township,
            SpecialGroup.ELDERLY_90,
            False,
            everything,
        ),
    ]
    event_jobs: list[Job] = [
        ("event-ledger", ReportKind.EVENT_LEDGER, township, disabled, False, everything),
        ("event-stats", ReportKind.EVENT_STATS, township, disabled, False, everything),
        # Issue #16 item 4: the 矛盾纠纷调解台账 with the period's 调处成功率.
        ("mediations", ReportKind.MEDIATION_LEDGER, township, disabled, False, everything),
        # Issue #15: one 三本账 ledger and the 超期未办结 list on their own.
        (
            "event-ledger-suggestion",
            ReportKind.EVENT_LEDGER,
            township,
            disabled,
            False,
            EventFilter(ledger=Ledger.SUGGESTION),
        ),
        (
            "event-ledger-overdue",
            ReportKind.EVENT_LEDGER,
            township,
            disabled,
            False,
            EventFilter(state=EventStateFilter.UNFINISHED, overdue=True),
        ),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for name, data, planned in (("demo", dataset, jobs), ("events", events, event_jobs)):
            store = Store.create(Path(folder) / f"{name}.db", "samples", kdf=CHEAP_KDF)
            try:
                load_dataset(store, data)
                area = next(a for a in data.areas if a.level is AreaLevel.TOWNSHIP)
                for job in planned:
                    sample(store, area.code, period, Path(folder), job)
                if name == "events":
                    dialogs(store, data, Path(folder))
            finally:
                store.close()
    del app
    return 0


Job = tuple[str, ReportKind, Role, SpecialGroup, bool, EventFilter]
"""File name, report, role, group (rosters), masked copy, which events."""


#: The household program each 重点户花名册 sample lists.
PROGRAMS = {"household-roster": "monitored", "household-roster-worker": "minimum_living"}


def sample(store: Store, area: str, period: Period, folder: Path, job: Job) -> None:
    name, kind, role, group, masked, which = job
    report = build_report(
        store,
        kind,
        area,
        period,
        role=role,
        group=group,
        program=PROGRAMS.get(name),
        masked=masked,
        which=which,
        now=NOW,
    )
    pdf = folder / f"{name}.pdf"
    pages = render_pdf(report, pdf)
    # Every page of the statistics (per category, ledger, village and grid); page 1 of
    # the others.
    last = pages if kind is ReportKind.EVENT_STATS else 1
    for page in range(1, last + 1):
        target = OUT / (name if page == 1 else f"{name}-p{page}")
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(target),
            ],
            check=True,
        )
        print(f"{target}.png: {report.full_title}, {len(report.rows)} rows, {pages} pages")


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
    report.ledger_combo.setCurrentIndex(report.ledger_combo.findData(Ledger.SUGGESTION.value))
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
