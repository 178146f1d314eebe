"""Regenerate the record-dialog screenshots in docs/screenshots/ from the demo data.

    QT_QPA_PLATFORM=offscreen python docs/make_form_screenshots.py

Household dialog, resident form with an ID number typed, visit dialog, a saved visit's
detail, the 迁出 form, event report dialog and event dialog, in Chinese, at a 1366×768
laptop's usable size. Uses a throw-away data directory and the synchronous task runner,
so every dialog is fully loaded when it is grabbed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from shots import chinese_app, save

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.ui.context import AppContext
from gridclient.ui.event_dialogs import EventDialog, EventReportDialog
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.tasks import TaskRunner
from gridclient.ui.visit_detail import VisitDetailDialog
from gridclient.ui.visit_dialog import VisitDialog
from gridcore.domain import idnumber
from gridcore.domain.enums import EventState
from gridcore.domain.workflow import derive_state


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            ctx = AppContext(session.store, TaskRunner(synchronous=True), session.info)
            grid_id = session.info.grid_ids[0]
            household_id = session.queries.household_ids([grid_id])[0]

            household = HouseholdDialog(ctx, household_id)
            household.resize(1100, 700)
            save(app, household, "household_dialog.png")

            household.add_resident()
            form = household.member_form
            assert form is not None
            form.name_edit.setText("王小明")
            first17 = "41152619850315123"
            form.id_field.edit.setText(first17 + idnumber.check_character(first17))
            form._id_changed(form.id_field.edit.text())
            form.resize(760, 700)
            save(app, form, "resident_form.png")
            form.reject()
            household.reject()

            visit = VisitDialog(ctx, household_id)
            visit.content_edit.setPlainText("入户了解家庭近况，老人身体良好，子女在外务工。")
            visit.needs_edit.setPlainText("希望协助办理高龄补贴。")
            visit.resize(760, 680)
            save(app, visit, "visit_dialog.png")
            visit.confirm = lambda _p, _t, _x: True
            visit.reject()

            with session.store.read() as repos:
                [*_, latest] = repos.records.visits_of_household(household_id, current_only=True)
            detail = VisitDetailDialog(ctx, latest.id)
            detail.resize(760, 620)
            save(app, detail, "visit_detail.png")
            detail.reject()

            household = HouseholdDialog(ctx, household_id)
            household.resize(1100, 700)
            household.move_out()
            assert household.move_out_form is not None
            household.move_out_form.place_edit.setText("县城幸福小区")
            save(app, household.move_out_form, "household_move_out.png")
            household.move_out_form.reject()
            household.reject()

            report = EventReportDialog(ctx, grid_id, household_id)
            report.category_combo.setCurrentIndex(0)
            report.title_edit.setText("两户因排水沟堵塞发生争执")
            report.resize(780, 700)
            save(app, report, "event_report_dialog.png")
            # Time limits (issue #15 item 4): a hazard's 4-hour limit, a 建议's working days.
            for name, shot in (
                ("消防安全隐患", "event_report_dialog_hours.png"),
                ("基础设施建设建议", "event_report_dialog_working_days.png"),
            ):
                report.category_combo.setCurrentIndex(report.category_combo.findText(name))
                save(app, report, shot)
            report.reject()

            with session.store.read() as repos:
                histories = repos.records.events_of_grid(grid_id)
            busy = next(
                (h for h in histories if derive_state(h.actions) is EventState.HANDLED),
                histories[0],
            )
            event = EventDialog(ctx, busy.event.id)
            event.resize(1100, 700)
            save(app, event, "event_dialog.png")
            event.reject()
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
