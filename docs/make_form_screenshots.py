"""Regenerate the record-dialog screenshots in docs/screenshots/ from the demo data.

    QT_QPA_PLATFORM=offscreen python docs/make_form_screenshots.py

Household dialog, resident form with an ID number typed (and with its messages: a
duplicate ID number and its 打开该户 button), visit dialog, a saved visit's detail, the
迁出 form, event report dialog (also with its messages), event dialog and one of its
action forms, the conflicts window, the report dialog and its print preview, the import
dialog and 关于, in Chinese. Each picture is the whole 1366×768 laptop screen: the main
window maximised behind, the dialog at the size it opens with there (less the taskbar
and its title bar), so one sees that it fits. Uses a throw-away data directory and the
synchronous task runner, so every dialog is fully loaded when it is grabbed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtPrintSupport import QPrintPreviewWidget
from PySide6.QtWidgets import QWidget
from shots import chinese_app, laptop_screen, laptop_size, maximise

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.ui.about import AboutInfo
from gridclient.ui.conflicts import ConflictsDialog
from gridclient.ui.context import AppContext, UserInfo
from gridclient.ui.event_dialogs import ActionForm, EventDialog, EventReportDialog
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.import_dialog import ImportDialog
from gridclient.ui.main_window import MainWindow
from gridclient.ui.report_dialogs import ReportDialog
from gridclient.ui.tasks import TaskRunner
from gridclient.ui.visit_detail import VisitDetailDialog
from gridclient.ui.visit_dialog import VisitDialog
from gridcore.domain import idnumber
from gridcore.domain.enums import EventActionKind, EventState, Role
from gridcore.domain.workflow import derive_state


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            ctx = AppContext(session.store, TaskRunner(synchronous=True), session.info)
            window = MainWindow(ctx)
            maximise(window)
            window.show()
            grid_id = session.info.grid_ids[0]
            household_ids = session.queries.household_ids([grid_id])
            household_id = household_ids[0]

            def shot(dialog: QWidget, name: str) -> None:
                dialog.show()
                laptop_size(dialog)
                laptop_screen(app, window, dialog, name=name)

            household = HouseholdDialog(ctx, household_id, parent=window)
            shot(household, "household_dialog")

            household.add_resident()
            form = household.member_form
            assert form is not None
            form.name_edit.setText("王小明")
            first17 = "41152619850315123"
            form.id_field.edit.setText(first17 + idnumber.check_character(first17))
            form._id_changed(form.id_field.edit.text())
            shot(form, "resident_form")
            form.reject()

            household.add_resident()
            form = household.member_form
            assert form is not None
            with session.store.read() as repos:
                other = next(
                    r
                    for h in household_ids[1:20]
                    for r in repos.records.residents_of_household(h)
                    if r.id_number
                )
            form.id_field.edit.setText(other.id_number)
            form._id_changed(other.id_number)
            form.try_accept()
            shot(form, "resident_form_messages")
            form.reject()
            household.reject()

            visit = VisitDialog(ctx, household_id, parent=window)
            visit.content_edit.setPlainText("入户了解家庭近况，老人身体良好，子女在外务工。")
            visit.needs_edit.setPlainText("希望协助办理高龄补贴。")
            shot(visit, "visit_dialog")
            visit.confirm = lambda _p, _t, _x: True
            visit.reject()

            with session.store.read() as repos:
                [*_, latest] = repos.records.visits_of_household(household_id, current_only=True)
            detail = VisitDetailDialog(ctx, latest.id, parent=window)
            shot(detail, "visit_detail")
            detail.reject()

            household = HouseholdDialog(ctx, household_id, parent=window)
            laptop_size(household)
            household.move_out()
            assert household.move_out_form is not None
            household.move_out_form.place_edit.setText("县城幸福小区")
            shot(household.move_out_form, "household_move_out")
            household.move_out_form.reject()
            household.reject()

            report = EventReportDialog(ctx, grid_id, household_id, parent=window)
            report.category_combo.setCurrentIndex(0)
            report.title_edit.setText("两户因排水沟堵塞发生争执")
            shot(report, "event_report_dialog")
            # Time limits (issue #15 item 4): a hazard's 4-hour limit, a 建议's working days.
            for name, picture in (
                ("消防安全隐患", "event_report_dialog_hours"),
                ("基础设施建设建议", "event_report_dialog_working_days"),
            ):
                report.category_combo.setCurrentIndex(report.category_combo.findText(name))
                shot(report, picture)
            report.reject()

            report = EventReportDialog(ctx, grid_id, household_id, parent=window)
            report.self_resolve_box.setChecked(True)
            report.submit()  # no category, no title, no resolution: every message shown
            shot(report, "event_report_messages")
            report.reject()

            with session.store.read() as repos:
                histories = repos.records.events_of_grid(grid_id)
            busy = next(
                (h for h in histories if derive_state(h.actions) is EventState.HANDLED),
                histories[0],
            )
            event = EventDialog(ctx, busy.event.id, parent=window)
            shot(event, "event_dialog")
            action = ActionForm(ctx, EventActionKind.DISPATCH, ["综合治理办公室", "派出所"], event)
            shot(action, "event_action_form")
            action.reject()
            event.reject()

            conflicts = ConflictsDialog(ctx, parent=window)
            shot(conflicts, "conflicts_dialog")
            conflicts.reject()

            township = AppContext(
                session.store,
                ctx.runner,
                UserInfo("township01", "陈立", Role.TOWNSHIP, "桃源镇"),
                bus=ctx.bus,
            )
            reports = ReportDialog(township, parent=window)
            shot(reports, "report_dialog_1366")
            reports.preview()
            preview = reports.preview_dialog
            assert preview is not None
            preview_widget = preview.findChild(QPrintPreviewWidget)
            assert preview_widget is not None
            preview_widget.setZoomMode(QPrintPreviewWidget.ZoomMode.FitInView)
            shot(preview, "report_preview_1366")
            preview.close()
            reports.reject()

            importer = ImportDialog(ctx, grid_id=grid_id, parent=window)
            shot(importer, "import_dialog_1366")
            importer.reject()

            window.set_about(AboutInfo(Path(tmp), "https://grid.taoyuan.gov.cn", demo=False))
            about = window.show_about()
            shot(about, "about")
            about.reject()
            window.close()
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
