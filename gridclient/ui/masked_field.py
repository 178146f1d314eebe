"""A personal number (ID number, phone) shown masked until the user presses 显示.

Pressing 显示 on a stored record logs the reveal (PIPL audit) through the unit of work
before the full value appears; only then can an editable field be changed. A value the
user is typing for a new record is theirs and shows as typed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from gridclient.ui.context import AppContext
from gridclient.ui.form_common import error_text
from gridcore.domain import idnumber, phone
from gridcore.domain.enums import EntityKind


def mask_id_number(value: str) -> str:
    return idnumber.mask(value) if value else ""


def mask_phone(value: str) -> str:
    return phone.mask(value) if value else ""


def mask_certificate(value: str) -> str:
    """残疾证号: the ID number (birth date hidden) and the two category and grade digits;
    anything else all but its last 2 characters."""
    if not value:
        return ""
    if len(value) == 20:
        return idnumber.mask(value[:18]) + value[18:]
    return "*" * max(len(value) - 2, 0) + value[-2:]


def mask_field(field: str, value: str) -> str:
    """A personal number of a resident masked by its kind (the field name)."""
    if field == "id_number":
        return mask_id_number(value)
    if field == "disability_certificate":
        return mask_certificate(value)
    return mask_phone(value)


class MaskedField(QWidget):
    """A line edit that shows ``masker(value)`` until revealed.

    ``record_id`` None means the record is not stored yet: there is nothing to hide.
    """

    revealed = Signal()
    textEdited = Signal(str)
    revealFailed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        kind: EntityKind,
        record_id: str | None,
        field: str,
        value: str,
        *,
        masker: Callable[[str], str],
        editable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._kind = kind
        self._record_id = record_id
        self._field = field
        self._value = value
        self._masker = masker
        self._editable = editable
        self._masked = bool(value) and record_id is not None

        self.edit = QLineEdit(self)
        self.edit.textEdited.connect(self.textEdited)
        self.reveal_button = QPushButton(self.tr("Show"), self)
        self.reveal_button.setToolTip(
            self.tr("Show the full number; the reveal is recorded in the audit log")
        )
        self.reveal_button.clicked.connect(self.reveal)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.reveal_button)
        self.setFocusProxy(self.edit)
        self._refresh()

    @property
    def masked(self) -> bool:
        return self._masked

    def value(self) -> str:
        """The real value: the stored one while masked, else what the field holds."""
        return self._value if self._masked else self.edit.text().strip()

    def _refresh(self) -> None:
        if self._masked:
            self.edit.setText(self._masker(self._value))
            self.edit.setReadOnly(True)
        else:
            if self.edit.text() != self._value:
                self.edit.setText(self._value)
            self.edit.setReadOnly(not self._editable)
        self.reveal_button.setVisible(self._masked)

    def reveal(self) -> None:
        if not self._masked or self._record_id is None:
            return
        kind, record_id, field = self._kind, self._record_id, self._field
        self.reveal_button.setEnabled(False)
        self._ctx.write(
            lambda uow: uow.record_reveal(kind, record_id, field),
            on_done=self._on_revealed,
            on_error=self._on_failed,
        )

    def _on_revealed(self, _result: object) -> None:
        self._masked = False
        self.reveal_button.setEnabled(True)
        self._refresh()
        self.revealed.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.reveal_button.setEnabled(True)
        self.revealFailed.emit(error_text(exc))
