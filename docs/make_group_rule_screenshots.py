"""Screenshots of issue #16's special-group rules and roster options in docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python docs/make_group_rule_screenshots.py

The resident form of a man with 留守妇女 ticked (the rule's message, refused at OK) and
of a left-behind child with a guardian and a disability certificate; the report dialog
on the 留守儿童 roster with the masked copy ticked. Demo data, Chinese, synchronous
task runner, a throw-away data directory.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QScrollArea
from shots import chinese_app, save

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.reports.data import ReportKind
from gridclient.ui.context import AppContext
from gridclient.ui.report_dialogs import ReportDialog
from gridclient.ui.resident_form import ResidentForm
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import Resident
from gridcore.domain.enums import Gender, SpecialGroup


def main() -> int:
    app, translators = chinese_app()
    year = today_cst().year
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            ctx = AppContext(session.store, TaskRunner(synchronous=True), session.info)
            grid_id = session.info.grid_ids[0]
            household_id = session.queries.household_ids([grid_id])[0]

            man = Resident(
                household_id=household_id,
                name="刘强",
                gender=Gender.MALE,
                birth_date=date(year - 40, 3, 1),
            )
            form = ResidentForm(ctx, man, grid_id=grid_id, stored=False)
            form.group_boxes[SpecialGroup.LEFT_BEHIND_WOMAN].setChecked(True)
            form.resize(900, 720)
            save(app, form, "resident_form_group_rule.png")
            form.reject()

            child = Resident(
                household_id=household_id,
                name="王小明",
                gender=Gender.MALE,
                birth_date=date(year - 9, 5, 1),
            )
            form = ResidentForm(ctx, child, grid_id=grid_id, stored=False)
            form.group_boxes[SpecialGroup.LEFT_BEHIND_CHILD].setChecked(True)
            form.guardian_edit.setText("祖母 李秀英")
            form.guardian_phone_field.edit.setText("13912345678")
            form.group_boxes[SpecialGroup.DISABLED].setChecked(True)
            form.certificate_field.edit.setText("41152620170501123X42")
            form.resize(900, 768)
            form.show()
            bar = form.findChild(QScrollArea)
            if bar is not None:  # the groups box is at the bottom of the scrolled form
                bar.verticalScrollBar().setValue(bar.verticalScrollBar().maximum())
            save(app, form, "resident_form_guardian.png")
            form.reject()

            report = ReportDialog(ctx)
            report.kind_combo.setCurrentIndex(report.kind_combo.findData(ReportKind.ROSTER.value))
            report.group_combo.setCurrentIndex(
                report.group_combo.findData(SpecialGroup.LEFT_BEHIND_CHILD.value)
            )
            report.masked_box.setChecked(True)
            save(app, report, "report_dialog_masked.png")
            report.close()
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
