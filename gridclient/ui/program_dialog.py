"""帮扶/监测记录: add or edit one program record of a household (低保, 特困供养, 临时救助,
防返贫监测 with its life cycle, 优抚).

The record is saved on this computer in one unit of work together with the household's
program tag (see :func:`gridcore.domain.programs.tags_after`: an open record sets its
tag, closing the last open record of a program removes it), then syncs like any mutable
record. The rules of :func:`gridcore.domain.programs.record_problems` are shown under
the form before anything is written; the server applies the same rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.uow import UnitOfWork
from gridclient.ui.context import AppContext
from gridclient.ui.form_common import (
    Confirm,
    InlineMessage,
    ask,
    emphasize,
    enum_data,
    enum_value,
    error_text,
    make_readable,
)
from gridclient.ui.plaintext import TextLabel
from gridcore.domain import limits
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import Household, ProgramRecord
from gridcore.domain.enums import EntityKind, HouseholdTag, MonitorStatus, Program, RiskType
from gridcore.domain.programs import MONITOR_TAGS, record_problems, tags_after

__all__ = ["ProgramRecordDialog", "SavedRecord"]

_NO_AMOUNT = -1


@dataclasses.dataclass(frozen=True)
class SavedRecord:
    record_id: str
    tags: frozenset[HouseholdTag] | None
    """The household's tags as stored after the save (None: unchanged)."""


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> dt.date:
    value = edit.date()
    return dt.date(value.year(), value.month(), value.day())


class ProgramRecordDialog(QDialog):
    """One program record of ``household``; ``record`` None adds one. ``others``: the
    household's other live records (closing the last open one of a program removes the
    program's tag)."""

    saved = Signal(object)
    """A :class:`SavedRecord`, after the save (or the removal) is committed."""

    def __init__(
        self,
        ctx: AppContext,
        household: Household,
        record: ProgramRecord | None,
        others: list[ProgramRecord],
        *,
        program: Program | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self.confirm: Confirm = ask
        self._household = household
        self._original = record
        self._others = [r for r in others if record is None or r.id != record.id]
        self.setWindowTitle(
            self.tr("Program record") if record is not None else self.tr("New program record")
        )
        heading = TextLabel(household.address)
        emphasize(heading, point_size=13)
        self.banner = InlineMessage()

        self.program_combo = QComboBox()
        for item in Program:
            self.program_combo.addItem(item.label, item)
        self.program_combo.currentIndexChanged.connect(lambda _i: self._program_changed())
        self.kind_combo = QComboBox()
        for tag in MONITOR_TAGS:
            self.kind_combo.addItem(tag.label, tag)
        self.kind_combo.setToolTip(self.tr("Which kind of monitored household (its tag)"))
        self.started_edit = QDateEdit()
        self.started_edit.setCalendarPopup(True)
        self.started_edit.setDisplayFormat("yyyy-MM-dd")
        self.ended_edit = QDateEdit()
        self.ended_edit.setCalendarPopup(True)
        self.ended_edit.setDisplayFormat("yyyy-MM-dd")
        self.ended_edit.setEnabled(False)
        self.ended_box = QCheckBox(self.tr("Ended"))
        self.ended_box.toggled.connect(self.ended_edit.setEnabled)
        self.status_combo = QComboBox()
        for status in MonitorStatus:
            self.status_combo.addItem(status.label, status)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._status_changed())
        self.risk_combo = QComboBox()
        self.risk_combo.addItem(self.tr("(choose)"), None)
        for risk in RiskType:
            self.risk_combo.addItem(risk.label, risk)
        self.measures_edit = QPlainTextEdit()
        self.measures_edit.setTabChangesFocus(True)
        self.measures_edit.setFixedHeight(70)
        self.measures_edit.setPlaceholderText(self.tr("e.g. 落实医疗救助，安排公益性岗位"))
        self.amount_spin = QSpinBox()
        self.amount_spin.setRange(_NO_AMOUNT, 10_000_000)
        self.amount_spin.setSpecialValueText(self.tr("not given"))
        self.amount_spin.setSuffix(self.tr(" yuan"))
        self.approved_edit = QLineEdit()
        self.approved_edit.setPlaceholderText(self.tr("e.g. 和平镇人民政府"))
        self.notes_edit = QLineEdit()

        ended_row = QHBoxLayout()
        ended_row.addWidget(self.ended_box)
        ended_row.addWidget(self.ended_edit, 1)
        form = QFormLayout()
        form.addRow(self.tr("Program"), self.program_combo)
        self.kind_label = TextLabel(self.tr("Monitored as"))
        form.addRow(self.kind_label, self.kind_combo)
        self.started_label = TextLabel(self.tr("Granted on"))
        form.addRow(self.started_label, self.started_edit)
        self.ended_label = TextLabel(self.tr("Stopped on"))
        form.addRow(self.ended_label, ended_row)
        self.status_label = TextLabel(self.tr("Status"))
        form.addRow(self.status_label, self.status_combo)
        self.risk_label = TextLabel(self.tr("Risk type"))
        form.addRow(self.risk_label, self.risk_combo)
        form.addRow(self.tr("Measures"), self.measures_edit)
        form.addRow(self.tr("Amount"), self.amount_spin)
        form.addRow(self.tr("Approved by"), self.approved_edit)
        form.addRow(self.tr("Notes"), self.notes_edit)
        self.cycle_note = TextLabel(
            self.tr(
                "Life cycle: identified → assisting → risk cleared (with the date) or "
                "risk not cleared (still monitored) or fallen into poverty (with the date)."
            )
        )
        self.cycle_note.setWordWrap(True)
        self.cycle_note.setStyleSheet("color: #66707a;")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.remove_button = QPushButton(self.tr("Delete record…"))
        self.remove_button.setToolTip(self.tr("Entered by mistake: delete it"))
        self.remove_button.clicked.connect(self.remove)
        self.remove_button.setVisible(record is not None)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.cycle_note)
        layout.addWidget(self.banner)
        layout.addLayout(bottom)
        self.resize(560, 0)
        self._fill(record, program)

    # -- filling ------------------------------------------------------------------------

    def _fill(self, record: ProgramRecord | None, program: Program | None) -> None:
        today = today_cst()
        current_kind = next((t for t in MONITOR_TAGS if t in self._household.tags), None)
        if current_kind is not None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(current_kind))
        else:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(HouseholdTag.MONITOR_MARGINAL))
        if record is None:
            chosen = program or Program.MONITORED
            self.program_combo.setCurrentIndex(self.program_combo.findData(chosen))
            self.started_edit.setDate(_qdate(today))
            self.ended_edit.setDate(_qdate(today))
            self.amount_spin.setValue(_NO_AMOUNT)
            self._program_changed()
            return
        self.program_combo.setCurrentIndex(self.program_combo.findData(record.program))
        # A record is one spell of one program: another program is a new record.
        self.program_combo.setEnabled(False)
        self.started_edit.setDate(_qdate(record.started_on))
        self.ended_box.setChecked(record.ended_on is not None)
        self.ended_edit.setDate(_qdate(record.ended_on or today))
        if record.status is not None:
            self.status_combo.setCurrentIndex(self.status_combo.findData(record.status))
        self.risk_combo.setCurrentIndex(max(0, self.risk_combo.findData(record.risk_type)))
        self.measures_edit.setPlainText(record.measures)
        self.amount_spin.setValue(_NO_AMOUNT if record.amount is None else record.amount)
        self.approved_edit.setText(record.approved_by)
        self.notes_edit.setText(record.notes)
        self._program_changed()

    def _program_changed(self) -> None:
        monitored = enum_data(self.program_combo, Program) is Program.MONITORED
        for widget in (
            self.kind_label,
            self.kind_combo,
            self.status_label,
            self.status_combo,
            self.risk_label,
            self.risk_combo,
            self.cycle_note,
        ):
            widget.setVisible(monitored)
        self.started_label.setText(self.tr("Identified on") if monitored else self.tr("Granted on"))
        self.ended_label.setText(self.tr("Risk cleared on") if monitored else self.tr("Stopped on"))
        self.ended_box.setText(self.tr("Closed") if monitored else self.tr("Ended"))

    def _status_changed(self) -> None:
        """A closing status asks for its date: the box is ticked for the person."""
        status = enum_data(self.status_combo, MonitorStatus)
        if status is not None and status.closed and not self.ended_box.isChecked():
            self.ended_box.setChecked(True)
        elif status is not None and not status.closed and self.ended_box.isChecked():
            self.ended_box.setChecked(False)

    # -- saving -------------------------------------------------------------------------

    def edited(self) -> ProgramRecord | None:
        """The record as the form says, or None with the first problem shown."""
        program = enum_value(self.program_combo, Program)
        monitored = program is Program.MONITORED
        amount = self.amount_spin.value()
        values = {
            "household_id": self._household.id,
            "program": program,
            "started_on": _day(self.started_edit),
            "ended_on": _day(self.ended_edit) if self.ended_box.isChecked() else None,
            "status": enum_data(self.status_combo, MonitorStatus) if monitored else None,
            "risk_type": enum_data(self.risk_combo, RiskType) if monitored else None,
            "measures": self.measures_edit.toPlainText().strip(),
            "amount": None if amount == _NO_AMOUNT else amount,
            "approved_by": self.approved_edit.text().strip(),
            "notes": self.notes_edit.text().strip(),
        }
        if self._original is None:
            record = ProgramRecord(**values)  # type: ignore[arg-type]
        else:
            record = dataclasses.replace(self._original, **values)  # type: ignore[arg-type]
        problems = record_problems(record)
        if problems:
            self.banner.show_message(problems[0].message)
            return None
        try:
            limits.check_record(record)
        except limits.InvalidValue as exc:
            self.banner.show_message(exc.message)
            return None
        self.banner.show_message("")
        return record

    def save(self) -> None:
        record = self.edited()
        if record is None:
            return
        base = self._original
        others = list(self._others)
        kind = enum_data(self.kind_combo, HouseholdTag)
        household_id = self._household.id

        def work(uow: UnitOfWork) -> SavedRecord:
            if base is None:
                uow.create(record)
            else:
                uow.update(record, base=base)
            stored = uow.repos.records.get(Household, household_id)
            if stored is None or stored.deleted:
                return SavedRecord(record.id, None)
            tags = tags_after(stored.tags, record, others, kind)
            if tags == stored.tags:
                return SavedRecord(record.id, None)
            uow.update(dataclasses.replace(stored, tags=tags))
            return SavedRecord(record.id, tags)

        self.save_button.setEnabled(False)
        self.ctx.write(work, on_done=self._done, on_error=self._failed)

    def remove(self) -> None:
        original = self._original
        if original is None:
            return
        question = self.tr(
            "Delete this {program} record? Only for a record entered by mistake: "
            "a program that ended keeps its record with the end date."
        ).format(program=original.program.label)
        if not self.confirm(self, self.tr("Delete record"), question):
            return

        def work(uow: UnitOfWork) -> SavedRecord:
            uow.delete(EntityKind.PROGRAM_RECORD, original.id)
            return SavedRecord(original.id, None)

        self.save_button.setEnabled(False)
        self.ctx.write(work, on_done=self._done, on_error=self._failed)

    def _done(self, result: object) -> None:
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.banner.show_message(error_text(exc))
