"""场所: add, edit or delete a place or thing of a grid (沿街商铺, 出租房屋, 学校, 危化品/燃气点,
水域/河塘, 地质灾害隐患点, 电梯 …) and record its checks (检查记录).

A place is an ordinary mutable record, merged field by field with edits from other
laptops. Its checks are append-only records of their own, so two workers checking the same
place offline never conflict; a recheck that finds a hazard rectified is a new check. A
place is deleted with a reason (written just before the tombstone, as for households).
The grid list, the stored place and its checks load on the read lane; the form is
read-only until they arrive.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.lookups import GridChoice, Lookups
from gridclient.storage.places import PlaceQueries
from gridclient.storage.repositories import Repositories
from gridclient.storage.uow import UnitOfWork
from gridclient.ui.context import AppContext
from gridclient.ui.form_common import (
    DeleteWithReasonDialog,
    InlineMessage,
    checked_phone,
    emphasize,
    enum_data,
    enum_value,
    error_text,
    form_record,
    make_readable,
    save_work,
)
from gridclient.ui.masked_field import MaskedField, mask_phone
from gridclient.ui.plaintext import TextLabel, tooltip
from gridcore.domain import limits
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import Place, PlaceInspection
from gridcore.domain.enums import EntityKind, PlaceKind, RiskLevel
from gridcore.domain.places import inspection_problem

__all__ = ["DeletePlaceDialog", "InspectionDialog", "PlaceDialog"]

_Loaded = tuple[list[GridChoice], dict[str, list[tuple[str, str]]], Place | None]


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> dt.date:
    value = edit.date()
    return dt.date(value.year(), value.month(), value.day())


class PlaceDialog(QDialog):
    saved = Signal(str)
    """The place's id, after the save (or the deletion) is committed."""

    def __init__(
        self,
        ctx: AppContext,
        place_id: str | None = None,
        *,
        grid_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self._original: Place | None = None
        self._wanted_grid = grid_id
        self._wanted_micro: str | None = None
        self._micro: dict[str, list[tuple[str, str]]] = {}
        self._loading = True
        self.inspection_form: InspectionDialog | None = None
        self.delete_form: DeletePlaceDialog | None = None
        self.setWindowTitle(self.tr("New place") if place_id is None else self.tr("Place"))

        self.heading = emphasize(
            TextLabel(self.tr("Add a place") if place_id is None else self.tr("Loading…")),
            point_size=14,
        )
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("e.g. 惠民超市, 幸福路8号出租房, 东塘"))
        self.name_error = InlineMessage()
        self.kind_combo = QComboBox()
        for kind in PlaceKind:
            self.kind_combo.addItem(kind.label, kind)
        self.grid_combo = QComboBox()
        self.grid_combo.currentIndexChanged.connect(self._grid_changed)
        self.micro_combo = QComboBox()
        self.address_edit = QLineEdit()
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText(self.tr("Owner, manager or landlord"))
        self.phone_error = InlineMessage()
        self.banner = InlineMessage()
        self.phone_field = self._phone_field(None, "")
        self._phone_holder = QVBoxLayout()
        self._phone_holder.setContentsMargins(0, 0, 0, 0)
        self._phone_holder.addWidget(self.phone_field)
        self.risk_combo = QComboBox()
        self.risk_combo.addItem(self.tr("(not graded)"), None)
        for level in RiskLevel:
            self.risk_combo.addItem(level.label, level)
        self.key_check = QCheckBox(self.tr("Key place (checked regularly)"))
        self.notes_edit = QLineEdit()

        grid_row = QHBoxLayout()
        grid_row.addWidget(self.grid_combo, 1)
        grid_row.addWidget(TextLabel(self.tr("Micro-grid")))
        grid_row.addWidget(self.micro_combo, 1)
        risk_row = QHBoxLayout()
        risk_row.addWidget(self.risk_combo, 1)
        risk_row.addWidget(self.key_check, 1)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow("", self.name_error)
        form.addRow(self.tr("Kind"), self.kind_combo)
        form.addRow(self.tr("Grid"), grid_row)
        form.addRow(self.tr("Address"), self.address_edit)
        form.addRow(self.tr("Person in charge"), self.contact_edit)
        form.addRow(self.tr("Phone"), self._phone_holder)
        form.addRow("", self.phone_error)
        form.addRow(self.tr("Risk level"), risk_row)
        form.addRow(self.tr("Notes"), self.notes_edit)

        # 检查记录: newest first; a new one is its own record.
        self.inspection_table = QTableWidget(0, 6)
        self.inspection_table.setHorizontalHeaderLabels(
            [
                self.tr("Date"),
                self.tr("Inspector"),
                self.tr("Findings"),
                self.tr("Hazards"),
                self.tr("Rectify by"),
                self.tr("Rectified"),
            ]
        )
        self.inspection_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.inspection_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.inspection_table.verticalHeader().hide()
        header = self.inspection_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.inspection_table.setMinimumHeight(130)
        self.add_inspection_button = QPushButton(self.tr("Add inspection record…"))
        self.add_inspection_button.clicked.connect(self.add_inspection)
        self.inspection_hint = TextLabel(
            self.tr("Inspection records can be added once the place is saved.")
            if place_id is None
            else self.tr("No inspection recorded yet.")
        )
        checks_head = QHBoxLayout()
        checks_head.addWidget(emphasize(TextLabel(self.tr("Inspection records"))))
        checks_head.addWidget(self.inspection_hint, 1)
        checks_head.addWidget(self.add_inspection_button)

        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton(self.tr("Delete…"))
        self.remove_button.clicked.connect(self.remove)
        self.remove_button.setVisible(place_id is not None)
        cancel = QPushButton(self.tr("Close"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)

        layout = QVBoxLayout(self)
        self.setMinimumWidth(620)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addLayout(checks_head)
        layout.addWidget(self.inspection_table, 1)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        self._set_editable(False)
        self._load(place_id)

    def _phone_field(self, record_id: str | None, value: str) -> MaskedField:
        field = MaskedField(
            self.ctx, EntityKind.PLACE, record_id, "phone", value, masker=mask_phone
        )
        field.textEdited.connect(lambda _t: self.phone_error.show_message(""))
        field.revealFailed.connect(lambda text: self.banner.show_message(text))
        return field

    # -- loading ------------------------------------------------------------------------

    def _load(self, place_id: str | None) -> None:
        grids = list(self.ctx.user.grid_ids)
        engine = self.ctx.store.engine

        def work(repos: Repositories) -> _Loaded:
            lookups = Lookups(engine)
            choices = lookups.grids_in_scope(grids)
            micro = {g.id: lookups.micro_grids_of(g.id) for g in choices}
            found = repos.records.get(Place, place_id) if place_id is not None else None
            return choices, micro, found

        self.ctx.read(work, self._loaded, self._failed)

    def _loaded(self, result: _Loaded) -> None:
        choices, self._micro, found = result
        if found is not None and not found.deleted:
            self._original = found
            self.heading.setText(found.name)
            self.name_edit.setText(found.name)
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(found.kind))
            self._wanted_grid = found.grid_id
            self._wanted_micro = found.micro_grid_id
            self.address_edit.setText(found.address)
            self.contact_edit.setText(found.contact)
            stored = self._phone_field(found.id, found.phone)
            self._phone_holder.replaceWidget(self.phone_field, stored)
            self.phone_field.hide()  # off screen now; deleted when the loop is idle
            self.phone_field.deleteLater()
            self.phone_field = stored
            self.risk_combo.setCurrentIndex(max(0, self.risk_combo.findData(found.risk_level)))
            self.key_check.setChecked(found.is_key)
            self.notes_edit.setText(found.notes)
        elif self.remove_button.isVisible():
            self.banner.show_message(self.tr("This place no longer exists."))
            return
        self.grid_combo.blockSignals(True)
        self.grid_combo.clear()
        for choice in choices:
            self.grid_combo.addItem(choice.label, choice.id)
        if self._wanted_grid is not None:
            index = self.grid_combo.findData(self._wanted_grid)
            if index >= 0:
                self.grid_combo.setCurrentIndex(index)
        self.grid_combo.blockSignals(False)
        self._fill_micro(self._wanted_micro)
        self._loading = False
        self._set_editable(True)
        if not choices:
            self.banner.show_message(self.tr("There is no grid in the local data."))
            self.save_button.setEnabled(False)
        if self._original is not None:
            self.load_inspections()

    def _grid_changed(self, _index: int) -> None:
        if not self._loading:
            self._fill_micro(None)

    def _fill_micro(self, current: str | None) -> None:
        self.micro_combo.clear()
        self.micro_combo.addItem(self.tr("(none)"), None)
        grid_id = self.grid_combo.currentData()
        for micro_id, name in self._micro.get(grid_id if isinstance(grid_id, str) else "", []):
            self.micro_combo.addItem(name, micro_id)
        self.micro_combo.setCurrentIndex(max(0, self.micro_combo.findData(current)))

    def load_inspections(self) -> None:
        original = self._original
        if original is None:
            return
        queries = PlaceQueries(self.ctx.store.engine)
        self.ctx.read(lambda _repos: queries.inspections(original.id), self._show_inspections)

    def _show_inspections(self, checks: list[PlaceInspection]) -> None:
        table = self.inspection_table
        table.setRowCount(len(checks))
        for row, check in enumerate(checks):
            if not check.hazards.strip():
                state = ""
            elif check.rectified:
                state = self.tr("Rectified")
            else:
                state = self.tr("Not yet")
            cells = [
                check.inspected_on.isoformat(),
                check.inspector,
                check.findings,
                check.hazards,
                check.rectify_by.isoformat() if check.rectify_by else "",
                state,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip(text))  # escaped: a tool tip may render markup
                table.setItem(row, column, item)
        self.inspection_hint.setText(
            self.tr("%n record(s)", "", len(checks))
            if checks
            else self.tr("No inspection recorded yet.")
        )

    def _set_editable(self, editable: bool) -> None:
        for widget in (
            self.name_edit,
            self.kind_combo,
            self.grid_combo,
            self.micro_combo,
            self.address_edit,
            self.contact_edit,
            self.phone_field,
            self.risk_combo,
            self.key_check,
            self.notes_edit,
            self.save_button,
            self.remove_button,
        ):
            widget.setEnabled(editable)
        self.add_inspection_button.setEnabled(editable and self._original is not None)

    # -- saving -------------------------------------------------------------------------

    def edited(self) -> Place | None:
        """The place as the form says, or ``None`` with the messages shown."""
        ok = True
        name = self.name_edit.text().strip()
        self.name_error.show_message("" if name else self.tr("Enter the place's name."))
        ok = ok and bool(name)
        number = checked_phone(self.phone_field.value(), self.phone_error)
        ok = ok and number is not None
        grid_id = self.grid_combo.currentData()
        if not isinstance(grid_id, str):
            self.banner.show_message(self.tr("Choose the grid."))
            ok = False
        if not ok:
            return None
        assert isinstance(grid_id, str)
        micro = self.micro_combo.currentData()
        values = {
            "name": name,
            "kind": enum_value(self.kind_combo, PlaceKind),
            "grid_id": grid_id,
            "micro_grid_id": micro if isinstance(micro, str) else None,
            "address": self.address_edit.text().strip(),
            "contact": self.contact_edit.text().strip(),
            "phone": number,
            "risk_level": enum_data(self.risk_combo, RiskLevel),
            "is_key": self.key_check.isChecked(),
            "notes": self.notes_edit.text().strip(),
        }
        return form_record(self._original, Place, values, self.banner)

    def save(self) -> None:
        if self._loading:
            return
        record = self.edited()
        if record is None:
            return
        self._set_editable(False)
        self.banner.show_message("")
        self.ctx.write(save_work(record, self._original), on_done=self._done, on_error=self._failed)

    def remove(self) -> None:
        """Open the delete form (a reason is required)."""
        if self._original is None or self._loading:
            return
        form = DeletePlaceDialog(self._original.name, self)
        form.accepted.connect(lambda: self._delete(form.reason()))
        self.delete_form = form
        form.open()

    def _delete(self, reason: str) -> None:
        original = self._original
        if original is None:
            return

        def work(uow: UnitOfWork) -> str:
            # The reason first (its own op, kept in the history), then the tombstone.
            uow.update(dataclasses.replace(original, removal_reason=reason), base=original)
            uow.delete(EntityKind.PLACE, original.id)
            return original.id

        self._set_editable(False)
        self.ctx.write(work, on_done=self._done, on_error=self._failed)

    def add_inspection(self) -> None:
        original = self._original
        if original is None:
            return
        form = InspectionDialog(self.ctx, original, self)
        form.saved.connect(lambda _id: self.load_inspections())
        self.inspection_form = form
        form.open()

    def _done(self, place_id: str) -> None:
        self.saved.emit(place_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_editable(not self._loading)
        self.banner.show_message(error_text(exc))


class InspectionDialog(QDialog):
    """新增检查记录: one check of a place, saved at once as its own record."""

    saved = Signal(str)

    def __init__(self, ctx: AppContext, place: Place, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self.place = place
        self.setWindowTitle(self.tr("Inspection record"))
        today = today_cst()
        self.date_edit = QDateEdit(_qdate(today))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(_qdate(today))
        self.inspector_edit = QLineEdit(ctx.user.display_name or ctx.user.username)
        self.findings_edit = QPlainTextEdit()
        self.findings_edit.setPlaceholderText(self.tr("What was checked and found"))
        self.findings_edit.setFixedHeight(70)
        self.hazards_edit = QLineEdit()
        self.hazards_edit.setPlaceholderText(self.tr("Hazards found (empty: none)"))
        self.deadline_check = QCheckBox(self.tr("Rectify by"))
        self.deadline_edit = QDateEdit(_qdate(today + dt.timedelta(days=7)))
        self.deadline_edit.setCalendarPopup(True)
        self.deadline_edit.setDisplayFormat("yyyy-MM-dd")
        self.deadline_edit.setEnabled(False)
        self.deadline_check.toggled.connect(self.deadline_edit.setEnabled)
        self.rectified_check = QCheckBox(self.tr("The hazards are rectified (recheck)"))
        self.error = InlineMessage()
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.deadline_check)
        deadline_row.addWidget(self.deadline_edit, 1)
        form = QFormLayout()
        form.addRow(self.tr("Place"), TextLabel(place.name))
        form.addRow(self.tr("Date"), self.date_edit)
        form.addRow(self.tr("Inspector"), self.inspector_edit)
        form.addRow(self.tr("Findings"), self.findings_edit)
        form.addRow(self.tr("Hazards"), self.hazards_edit)
        form.addRow("", deadline_row)
        form.addRow("", self.rectified_check)
        form.addRow("", self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def edited(self) -> PlaceInspection | None:
        inspector = self.inspector_edit.text().strip()
        findings = self.findings_edit.toPlainText().strip()
        hazards = self.hazards_edit.text().strip()
        day = _day(self.date_edit)
        deadline = _day(self.deadline_edit) if self.deadline_check.isChecked() else None
        message = ""
        problem = inspection_problem(
            day, findings, hazards, deadline, self.rectified_check.isChecked()
        )
        if not inspector:
            message = self.tr("Enter who inspected.")
        elif problem is not None:
            message = problem.message  # the server's rule and words (gridcore.domain.places)
        self.error.show_message(message)
        if message:
            return None
        record = PlaceInspection(
            place_id=self.place.id,
            inspector=inspector,
            inspected_on=day,
            findings=findings,
            hazards=hazards,
            rectify_by=deadline,
            rectified=self.rectified_check.isChecked(),
        )
        try:
            limits.check_record(record)
        except limits.InvalidValue as exc:
            self.error.show_message(exc.message)
            return None
        return record

    def save(self) -> None:
        record = self.edited()
        if record is None:
            return

        def work(uow: UnitOfWork) -> str:
            uow.append(record)
            return record.id

        self.save_button.setEnabled(False)
        self.ctx.write(work, on_done=self._done, on_error=self._failed)

    def _done(self, inspection_id: str) -> None:
        self.saved.emit(inspection_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.error.show_message(error_text(exc))


class DeletePlaceDialog(DeleteWithReasonDialog):
    """Delete a place with a reason (registered by mistake, closed down, …)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(
            title=self.tr("Delete place"),
            reasons=[
                self.tr("Registered by mistake"),
                self.tr("Registered twice"),
                self.tr("Closed down or demolished"),
            ],
            note=self.tr(
                "{name} is marked deleted on every computer after the next sync; "
                "its inspection records are kept."
            ).format(name=name),
            missing_detail=self.tr("Write down why the place is deleted."),
            parent=parent,
        )
