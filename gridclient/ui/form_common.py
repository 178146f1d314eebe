"""Pieces the record dialogs share: a small table model over records, error texts for
people, CST time formatting, the red inline labels and the sensitive-group rule."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.errors import (
    AttachmentMismatch,
    MissingParent,
    RecordNotFound,
    StaleRecord,
    StorageError,
)
from gridclient.storage.uow import UnitOfWork
from gridclient.ui.context import UserInfo
from gridclient.ui.i18n import ui_text
from gridclient.ui.plaintext import TextLabel, plain, tooltip
from gridclient.ui.screen_fit import grow_to_content
from gridcore.domain import limits, phone
from gridcore.domain.entities import CST, Record
from gridcore.domain.enums import EntityKind, Role
from gridcore.domain.idnumber import InvalidIdNumber
from gridcore.domain.limits import InvalidValue
from gridcore.domain.phone import InvalidPhone
from gridcore.domain.workflow import IllegalTransition

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

ERROR_COLOR = "#b00020"
WARNING_COLOR = "#8a4b00"
#: Older eyes on small laptop screens: nothing in a form below this size.
READABLE_POINT_SIZE = 11

Confirm = Callable[[QWidget, str, str], bool]
"""Ask a yes/no question (parent, title, text); injectable so tests need no modal box."""


def ask(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)  # the question quotes user data
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def enum_data(combo: QComboBox, cls: type[E]) -> E | None:
    """The enum member behind a combo's current item (Qt hands StrEnum data back as
    plain ``str``), or None for a "(not given)" item."""
    data = combo.currentData()
    if data is None:
        return None
    try:
        return cls(data)
    except ValueError:
        return None


def enum_value(combo: QComboBox, cls: type[E]) -> E:
    """Like :func:`enum_data` for combos that always hold a member."""
    value = enum_data(combo, cls)
    if value is None:
        raise ValueError(f"{cls.__name__} combo has no value")
    return value


def emphasize(label: QLabel, *, point_size: float | None = None, bold: bool = True) -> QLabel:
    """Bold (and optionally bigger) text that still inherits the dialog's font.

    Style sheets would cut the label off from the dialog's readable font size, so
    only the attributes set here are overridden."""
    font = QFont()
    font.setBold(bold)
    if point_size is not None:
        font.setPointSizeF(point_size)
    label.setFont(font)
    return label


def tint(label: QLabel, color: str) -> QLabel:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
    label.setPalette(palette)
    return label


def make_readable(widget: QWidget) -> None:
    font = widget.font()
    if font.pointSizeF() < READABLE_POINT_SIZE:
        font.setPointSizeF(READABLE_POINT_SIZE)
        widget.setFont(font)


def cst_text(when: datetime | None, *, with_time: bool = True) -> str:
    if when is None:
        return ""
    local = when.astimezone(CST)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def may_see_sensitive(user: UserInfo, grid_id: str) -> bool:
    """Who sees the sensitive special groups (刑满释放, 社区矫正, 吸毒, 严重精神障碍):
    township staff and administrators always; a grid worker only for households of
    their own grids (a worker whose scope lists no grids works on every grid in the
    store). Tags a user may not see are kept unchanged when they save."""
    if user.role in (Role.TOWNSHIP, Role.ADMIN):
        return True
    return not user.grid_ids or grid_id in user.grid_ids


def error_text(exc: BaseException) -> str:
    """What happened and what to do, in the user's language (storage errors carry a
    message the UI renders: :func:`~gridclient.ui.i18n.ui_text`)."""

    said = ui_text(exc)
    if isinstance(exc, IllegalTransition | InvalidIdNumber | InvalidPhone | InvalidValue):
        return said
    if isinstance(exc, StaleRecord):
        return f"{said}\n" + QCoreApplication.translate(
            "Errors",
            "Your input is kept. Note what you typed, close this window, "
            "open it again and redo the change.",
        )
    if isinstance(exc, RecordNotFound | MissingParent):
        return f"{said}\n" + QCoreApplication.translate(
            "Errors", "Close this window and refresh the list; the record may have been removed."
        )
    if isinstance(exc, AttachmentMismatch):
        return said
    if isinstance(exc, StorageError):
        return f"{said}\n" + QCoreApplication.translate(
            "Errors",
            "Your input is kept. Try saving again; if it still fails, contact your IT staff.",
        )
    return QCoreApplication.translate(
        "Errors",
        "Saving failed because of an unexpected error ({name}). Your input is kept. "
        "Try again; if it still fails, send the log file to your IT staff.",
    ).format(name=type(exc).__name__)


class InlineMessage(QLabel):
    """A red (error) or brown (warning) line under a field; hidden when empty."""

    def __init__(self, *, warning: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        plain(self)  # messages quote values and the server's words
        self.setWordWrap(True)
        tint(self, WARNING_COLOR if warning else ERROR_COLOR)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def sizeHint(self) -> QSize:
        """As tall as the text at the width the layout gave (a wrapped label's own hint
        guesses a narrower width, and a form row kept that height: blank space around
        a two-line message, or a cut one)."""
        hint = super().sizeHint()
        if self.width() > 0 and self.text():
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()

    def show_message(self, text: str) -> None:
        shown = bool(text) and not self.isVisibleTo(self.window())
        self.setText(text)
        self.setVisible(bool(text))
        window = self.window()
        if shown and isinstance(window, QDialog):
            # A dialog grows (where the screen allows) rather than hide the message
            # below the fold of its scroll area.
            QTimer.singleShot(0, window, lambda: grow_to_content(window))


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    text: Callable[[T], str]
    alert: Callable[[T], bool] | None = None
    """Paint the cell red (e.g. 超期)."""


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """A small read-only table over a list already in memory (one household's members,
    visits or events; one event's actions)."""

    def __init__(self, columns: Sequence[Column[T]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_at(self, row: int) -> T:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        column = self._columns[index.column()]
        record = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(column.text(record))
        alert = column.alert
        if role == Qt.ItemDataRole.ForegroundRole and alert is not None and alert(record):
            return QBrush(QColor(ERROR_COLOR))
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section].title
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None


def scrolling(content: QLayout) -> QScrollArea:
    """Put a form in a frameless scroll area, so that a long form on a 768-pixel
    laptop screen scrolls instead of squeezing its fields."""
    inner = QWidget()
    inner.setLayout(content)
    area = QScrollArea()
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


def make_table(model: QAbstractItemModel) -> QTableView:
    """A read-only, row-selecting table for the small lists in the dialogs."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    header_font = QFont()  # headers get a smaller per-class font on some styles
    header_font.setPointSizeF(READABLE_POINT_SIZE)
    view.horizontalHeader().setFont(header_font)
    return view


R = TypeVar("R", bound=Record)


def checked_phone(text: str, error: InlineMessage) -> str | None:
    """A phone field's number as stored (``""`` when empty), or ``None`` with the field's
    message shown."""
    if not text:
        error.show_message("")
        return ""
    try:
        number = phone.parse(text).number
    except InvalidPhone as exc:
        error.show_message(exc.message)
        return None
    error.show_message("")
    return number


def form_record(
    original: R | None, cls: type[R], values: Mapping[str, Any], banner: InlineMessage
) -> R | None:
    """The record a form's ``values`` make: a new ``cls`` or the ``original`` with them,
    checked by the limits every store holds, or ``None`` with the message in ``banner``."""
    record = cls(**values) if original is None else dataclasses.replace(original, **values)
    try:
        limits.check_record(record)
    except limits.InvalidValue as exc:
        banner.show_message(exc.message)
        return None
    return record


def save_work(record: Record, base: Record | None) -> Callable[[UnitOfWork], str]:
    """The write of a form's record: created when it has no ``base``, else updated
    against the copy the form was opened on (so an edit made elsewhere meanwhile is a
    conflict, not overwritten)."""

    def work(uow: UnitOfWork) -> str:
        if base is None:
            uow.create(record)
        else:
            uow.update(record, base=base)
        return record.id

    return work


def delete_work(kind: EntityKind, record_id: str) -> Callable[[UnitOfWork], str]:
    """The write that deletes (tombstones) one record."""

    def work(uow: UnitOfWork) -> str:
        uow.delete(kind, record_id)
        return record_id

    return work


class DeleteWithReasonDialog(QDialog):
    """Delete a record with a reason: the record's own reasons, the last one "Other",
    which needs details. ``reason()`` is what is written on the record before its
    tombstone, so the history says why."""

    def __init__(
        self,
        *,
        title: str,
        reasons: Sequence[str],
        note: str,
        missing_detail: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)

        self.setWindowTitle(title)
        make_readable(self)
        self._missing_detail = missing_detail
        self.reason_combo = QComboBox()
        self.reason_combo.addItems(
            [*reasons, QCoreApplication.translate("DeleteWithReasonDialog", "Other")]
        )
        self.detail_edit = QLineEdit()
        self.detail_edit.setPlaceholderText(
            QCoreApplication.translate("DeleteWithReasonDialog", "Details (required for “Other”)")
        )
        self.error = InlineMessage()
        form = QFormLayout()
        form.addRow(
            QCoreApplication.translate("DeleteWithReasonDialog", "Reason"), self.reason_combo
        )
        form.addRow(
            QCoreApplication.translate("DeleteWithReasonDialog", "Details"), self.detail_edit
        )
        form.addRow("", self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            QCoreApplication.translate("DeleteWithReasonDialog", "Delete")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            QCoreApplication.translate("DeleteWithReasonDialog", "Cancel")
        )
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = TextLabel(note)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def reason(self) -> str:
        detail = self.detail_edit.text().strip()
        chosen = self.reason_combo.currentText()
        return f"{chosen}：{detail}" if detail else chosen

    def _ok(self) -> None:
        other = self.reason_combo.currentIndex() == self.reason_combo.count() - 1
        if other and not self.detail_edit.text().strip():
            self.error.show_message(self._missing_detail)
            return
        self.accept()
