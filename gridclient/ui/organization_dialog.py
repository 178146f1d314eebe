"""组织: add, edit or remove an organization of a grid (红白理事会, 老年人协会, 人民调解
委员会, 志愿服务队, 企业/商户 …).

An organization is an ordinary mutable record: saved on this computer in one unit of
work, uploaded at the next sync, merged field by field with edits from other laptops.
The grid list and the stored record load on the read lane; the form is read-only until
they arrive. Removing asks first and leaves a tombstone (synced like any delete).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.lookups import GridChoice, Lookups
from gridclient.storage.repositories import Repositories
from gridclient.ui.context import AppContext
from gridclient.ui.form_common import (
    Confirm,
    InlineMessage,
    ask,
    checked_phone,
    delete_work,
    emphasize,
    enum_value,
    error_text,
    form_record,
    make_readable,
    save_work,
)
from gridclient.ui.masked_field import MaskedField, mask_phone
from gridclient.ui.plaintext import TextLabel
from gridcore.domain.entities import Organization
from gridcore.domain.enums import EntityKind, OrganizationKind

__all__ = ["OrganizationDialog"]

_NO_MEMBERS = -1
"""The members box's "not given" value (shown as its special text)."""


class OrganizationDialog(QDialog):
    saved = Signal(str)
    """The organization's id, after the save (or the removal) is committed."""

    def __init__(
        self,
        ctx: AppContext,
        organization_id: str | None = None,
        *,
        grid_id: str | None = None,
        parent: QWidget | None = None,
        confirm: Confirm = ask,
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self.confirm = confirm
        self._original: Organization | None = None
        self._wanted_grid = grid_id
        self._loading = True
        self.setWindowTitle(
            self.tr("New organization") if organization_id is None else self.tr("Organization")
        )

        heading = emphasize(
            TextLabel(
                self.tr("Add an organization") if organization_id is None else self.tr("Loading…")
            ),
            point_size=14,
        )
        self.heading = heading
        self.name_edit = QLineEdit()
        self.name_error = InlineMessage()
        self.kind_combo = QComboBox()
        for kind in OrganizationKind:
            self.kind_combo.addItem(kind.label, kind)
        self.grid_combo = QComboBox()
        self.leader_edit = QLineEdit()
        self.phone_error = InlineMessage()
        self.banner = InlineMessage()
        # The leader's mobile is a person's number: masked until 显示 (logged), as on
        # a resident's form. Replaced by the stored value's field once it has loaded.
        self.phone_field = self._phone_field(None, "")
        self._phone_holder = QVBoxLayout()
        self._phone_holder.setContentsMargins(0, 0, 0, 0)
        self._phone_holder.addWidget(self.phone_field)
        self.members_spin = QSpinBox()
        self.members_spin.setRange(_NO_MEMBERS, 1_000_000)
        self.members_spin.setSpecialValueText(self.tr("(not given)"))
        self.members_spin.setValue(_NO_MEMBERS)
        self.address_edit = QLineEdit()
        self.notes_edit = QLineEdit()

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow("", self.name_error)
        form.addRow(self.tr("Kind"), self.kind_combo)
        form.addRow(self.tr("Grid"), self.grid_combo)
        form.addRow(self.tr("Leader"), self.leader_edit)
        form.addRow(self.tr("Phone"), self._phone_holder)
        form.addRow("", self.phone_error)
        form.addRow(self.tr("Members"), self.members_spin)
        form.addRow(self.tr("Address"), self.address_edit)
        form.addRow(self.tr("Notes"), self.notes_edit)

        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.clicked.connect(self.remove)
        self.remove_button.setVisible(organization_id is not None)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)

        layout = QVBoxLayout(self)
        self.setMinimumWidth(440)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        self._set_editable(False)
        self._load(organization_id)

    def _phone_field(self, record_id: str | None, value: str) -> MaskedField:
        field = MaskedField(
            self.ctx, EntityKind.ORGANIZATION, record_id, "phone", value, masker=mask_phone
        )
        field.textEdited.connect(lambda _t: self.phone_error.show_message(""))
        field.revealFailed.connect(lambda text: self.banner.show_message(text))
        return field

    # -- loading ------------------------------------------------------------------------

    def _load(self, organization_id: str | None) -> None:
        grids = list(self.ctx.user.grid_ids)
        engine = self.ctx.store.engine

        def work(repos: Repositories) -> tuple[list[GridChoice], Organization | None]:
            found = None
            if organization_id is not None:
                found = repos.records.get(Organization, organization_id)
            return Lookups(engine).grids_in_scope(grids), found

        self.ctx.read(work, self._loaded, self._failed)

    def _loaded(self, result: tuple[list[GridChoice], Organization | None]) -> None:
        choices, found = result
        self.grid_combo.clear()
        for choice in choices:
            self.grid_combo.addItem(choice.label, choice.id)
        if found is not None and not found.deleted:
            self._original = found
            self.heading.setText(found.name)
            self.name_edit.setText(found.name)
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(found.kind))
            self._wanted_grid = found.grid_id
            self.leader_edit.setText(found.leader)
            stored = self._phone_field(found.id, found.phone)
            self._phone_holder.replaceWidget(self.phone_field, stored)
            self.phone_field.hide()  # off screen now; deleted when the loop is idle
            self.phone_field.deleteLater()
            self.phone_field = stored
            self.members_spin.setValue(_NO_MEMBERS if found.members is None else found.members)
            self.address_edit.setText(found.address)
            self.notes_edit.setText(found.notes)
        elif self.remove_button.isVisible():
            self.banner.show_message(self.tr("This organization no longer exists."))
            return
        if self._wanted_grid is not None:
            index = self.grid_combo.findData(self._wanted_grid)
            if index >= 0:
                self.grid_combo.setCurrentIndex(index)
        self._loading = False
        self._set_editable(True)
        if not choices:
            self.banner.show_message(self.tr("There is no grid in the local data."))
            self.save_button.setEnabled(False)

    def _set_editable(self, editable: bool) -> None:
        for widget in (
            self.name_edit,
            self.kind_combo,
            self.grid_combo,
            self.leader_edit,
            self.phone_field,
            self.members_spin,
            self.address_edit,
            self.notes_edit,
            self.save_button,
            self.remove_button,
        ):
            widget.setEnabled(editable)

    # -- saving -------------------------------------------------------------------------

    def edited(self) -> Organization | None:
        """The organization as the form says, or ``None`` with the messages shown."""
        ok = True
        name = self.name_edit.text().strip()
        self.name_error.show_message("" if name else self.tr("Enter the organization's name."))
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
        members = self.members_spin.value()
        values = {
            "name": name,
            "kind": enum_value(self.kind_combo, OrganizationKind),
            "grid_id": grid_id,
            "leader": self.leader_edit.text().strip(),
            "phone": number,
            "members": None if members == _NO_MEMBERS else members,
            "address": self.address_edit.text().strip(),
            "notes": self.notes_edit.text().strip(),
        }
        return form_record(self._original, Organization, values, self.banner)

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
        original = self._original
        if original is None or self._loading:
            return
        question = self.tr(
            "Remove {name}? It disappears from the lists on every computer after the next sync."
        ).format(name=original.name)
        if not self.confirm(self, self.tr("Remove organization"), question):
            return

        self._set_editable(False)
        self.ctx.write(
            delete_work(EntityKind.ORGANIZATION, original.id),
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, organization_id: str) -> None:
        self.saved.emit(organization_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_editable(not self._loading)
        self.banner.show_message(error_text(exc))
