"""Regenerate the 帮扶/监测记录 screenshots in docs/screenshots/ and the 防返贫监测台账
sample page.

    QT_QPA_PLATFORM=offscreen python docs/make_program_screenshots.py

From a throw-away demo data directory, in Chinese: a monitored household's 帮扶/监测记录
tab, its 防返贫监测 record in the record dialog, a new record refused for a missing risk
type, the 工作台's program charts; then page 1 of the worker's 防返贫监测台账 for this
year as ``docs/reports/monitoring-year.png`` (``pdftoppm -r 80``; the month's sample,
``monitoring.png``, comes from ``make_report_samples.py``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from shots import chinese_app, save

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.reports.data import Period, build_monitoring_ledger, report_areas
from gridclient.reports.render import render_pdf
from gridclient.ui.context import AppContext
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.main_window import MainWindow
from gridclient.ui.program_dialog import ProgramRecordDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.agegroups import today_cst
from gridcore.domain.enums import MonitorStatus, Program

REPORTS = Path(__file__).resolve().parent / "reports"


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            ctx = AppContext(session.store, TaskRunner(synchronous=True), session.info)
            window = MainWindow(ctx)
            window.resize(1366, 728)
            window.show()
            for _ in range(20):  # the charts land, the page grows
                app.processEvents()
                time.sleep(0.02)
            window.dashboard.scroll_to_end()
            save(app, window, "dashboard_programs.png", settle=False)

            with session.store.read() as repos:
                chosen = None
                for grid in session.info.grid_ids:
                    for household_id in repos.records.household_ids_of_grid(grid):
                        records = repos.records.program_records_of_household(household_id)
                        if (
                            any(
                                r.program is Program.MONITORED
                                and r.status is MonitorStatus.ASSISTING
                                for r in records
                            )
                            and len(records) > 1
                        ):
                            chosen = household_id
                            break
                    if chosen:
                        break
            assert chosen is not None, "the demo has a monitored household with two records"
            dialog = HouseholdDialog(ctx, chosen, parent=window)
            dialog.show()
            app.processEvents()
            dialog.tabs.setCurrentIndex(1)
            app.processEvents()
            save(app, dialog, "program_records_tab.png")
            monitored = next(
                i for i, r in enumerate(dialog.program_model.rows())
                if r.program is Program.MONITORED
            )  # fmt: skip
            dialog.program_table.selectRow(monitored)
            dialog.open_program_record()
            form = dialog.program_form
            assert isinstance(form, ProgramRecordDialog)
            app.processEvents()
            save(app, form, "program_record_dialog.png")
            form.reject()
            dialog.new_program_record(Program.MONITORED)
            form = dialog.program_form
            assert isinstance(form, ProgramRecordDialog)
            form.save()  # no risk type: the rule's message under the form
            app.processEvents()
            save(app, form, "program_record_refused.png")
            form.reject()
            dialog.reject()
            window.close()

            top = report_areas(session.store)[0]
            today = today_cst()
            report = build_monitoring_ledger(
                session.store, top.code, Period(date(today.year, 1, 1), today)
            )
            pdf = Path(tmp) / "monitoring.pdf"
            render_pdf(report, pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                 str(REPORTS / "monitoring-year")],
                check=True,
            )  # fmt: skip
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
