"""走访: record one visit to a household, quickly and from the keyboard.

Focus starts in the content box; Tab moves through the fields in reading order;
Ctrl+Enter saves, Ctrl+Shift+Enter saves and asks for the next household; Esc cancels
and asks first if anything was typed. The visit and its photos are saved in one unit
of work. ``saved(visit_id)`` lets the main window move to the next row.

With ``corrects`` the dialog corrects a saved visit (visits are append-only): it opens
filled with that visit, and saving appends a new visit that names it in ``corrects_id``
and keeps its photos; lists then show the visit once, as corrected.
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
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
    enum_value,
    error_text,
    make_readable,
    scrolling,
)
from gridclient.ui.photos import PhotoPicker, PickFiles, store_photos
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.screen_fit import fit_to_screen
from gridcore.domain.entities import CST, Household, Visit
from gridcore.domain.enums import VisitMethod


def to_qdatetime(when: datetime) -> QDateTime:
    """A CST wall-clock QDateTime for the editor (the laptop's zone does not matter)."""
    local = when.astimezone(CST)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def from_qdatetime(value: QDateTime) -> datetime:
    day, clock = value.date(), value.time()
    return datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute(), tzinfo=CST)


def _text_box(height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


class VisitDialog(QDialog):
    saved = Signal(str)
    """The new visit's id, after it is committed."""
    nextRequested = Signal()
    """The user chose "save and next household"."""

    def __init__(
        self,
        ctx: AppContext,
        household_id: str,
        parent: QWidget | None = None,
        *,
        pick_files: PickFiles | None = None,
        corrects: Visit | None = None,
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self._corrects = corrects
        self.confirm: Confirm = ask
        self._household_id = household_id
        self._household: Household | None = None
        self._go_next = False
        self.setWindowTitle(
            self.tr("Correct visit") if corrects is not None else self.tr("Record visit")
        )
        fit_to_screen(self, 720, 640)

        self.heading = TextLabel(self.tr("Loading…"))
        emphasize(self.heading, point_size=15)
        self.banner = InlineMessage()
        self.content_edit = _text_box(110)
        self.content_edit.setPlaceholderText(self.tr("What was talked about or seen"))
        self.content_error = InlineMessage()
        self.method_combo = QComboBox()
        for method in VisitMethod:
            self.method_combo.addItem(method.label, method)
        # The laptop's clock corrected against the server's (a wrong clock dates nothing).
        self.when_edit = QDateTimeEdit(to_qdatetime(ctx.store.clock.now()))
        self.when_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when_edit.setCalendarPopup(True)
        self.findings_edit = _text_box()
        self.needs_edit = _text_box()
        self.follow_up_edit = _text_box()
        self.photos = PhotoPicker(ctx, pick_files=pick_files)

        form = QFormLayout()
        form.addRow(self.tr("Content"), self.content_edit)
        form.addRow("", self.content_error)
        form.addRow(self.tr("Method"), self.method_combo)
        form.addRow(self.tr("Date and time (Beijing)"), self.when_edit)
        form.addRow(self.tr("Findings"), self.findings_edit)
        form.addRow(self.tr("Needs"), self.needs_edit)
        form.addRow(self.tr("Follow-up"), self.follow_up_edit)
        form.addRow(self.tr("Photos"), self.photos)

        self.save_button = QPushButton(self.tr("Save (Ctrl+Enter)"))
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.next_button = QPushButton(self.tr("Save and next household"))
        self.next_button.setAutoDefault(False)
        self.next_button.clicked.connect(self.save_and_next)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.setEnabled(False)
        self.next_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.save_button, self.next_button, self.cancel_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addWidget(scrolling(form), 1)
        layout.addLayout(buttons)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.save)
        for keys in ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.save_and_next)

        order: list[QWidget] = [
            self.content_edit,
            self.method_combo,
            self.when_edit,
            self.findings_edit,
            self.needs_edit,
            self.follow_up_edit,
            self.photos.add_button,
            self.save_button,
            self.next_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.content_edit.setFocus()

        ctx.read(
            lambda repos: repos.records.get(Household, household_id),
            self._loaded,
            lambda exc: self.banner.show_message(error_text(exc)),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # After the window is activated, or activation moves focus to the first field.
        QTimer.singleShot(0, self.content_edit.setFocus)

    def _loaded(self, household: Household | None) -> None:
        if household is None or household.deleted:
            self.heading.setText(self.tr("Household not found"))
            self.banner.show_message(
                self.tr("This household no longer exists (deleted or moved out of your area).")
            )
            return
        self._household = household
        self.heading.setText(self.tr("Visit: {address}").format(address=household.address))
        self.save_button.setEnabled(True)
        self.next_button.setEnabled(True)
        corrects = self._corrects
        if corrects is not None:
            self.heading.setText(
                self.tr("Correct the visit of {when}: {address}").format(
                    when=to_qdatetime(corrects.visited_at).toString("yyyy-MM-dd HH:mm"),
                    address=household.address,
                )
            )
            self.next_button.hide()
            self.content_edit.setPlainText(corrects.content)
            self.method_combo.setCurrentIndex(max(0, self.method_combo.findData(corrects.method)))
            self.when_edit.setDateTime(to_qdatetime(corrects.visited_at))
            self.findings_edit.setPlainText(corrects.findings)
            self.needs_edit.setPlainText(corrects.needs)
            self.follow_up_edit.setPlainText(corrects.follow_up)

    def has_input(self) -> bool:
        boxes = (self.content_edit, self.findings_edit, self.needs_edit, self.follow_up_edit)
        if self._corrects is not None:
            return self._corrected() is not None or bool(self.photos.photos())
        return any(b.toPlainText().strip() for b in boxes) or bool(self.photos.photos())

    def _corrected(self) -> Visit | None:
        """The correction as typed so far, if it differs from the visit it corrects."""
        corrects = self._corrects
        if corrects is None:
            return None
        changed = (
            self.content_edit.toPlainText().strip() != corrects.content
            or self.findings_edit.toPlainText().strip() != corrects.findings
            or self.needs_edit.toPlainText().strip() != corrects.needs
            or self.follow_up_edit.toPlainText().strip() != corrects.follow_up
            or enum_value(self.method_combo, VisitMethod) is not corrects.method
            or from_qdatetime(self.when_edit.dateTime())
            != from_qdatetime(to_qdatetime(corrects.visited_at))
        )
        return corrects if changed else None

    def reject(self) -> None:
        if self.has_input() and not self.confirm(
            self, self.tr("Discard visit"), self.tr("Discard what you typed for this visit?")
        ):
            return
        super().reject()

    def save_and_next(self) -> None:
        self._go_next = True
        self.save()

    def visit(self) -> Visit | None:
        household = self._household
        if household is None:
            return None
        content = self.content_edit.toPlainText().strip()
        self.content_error.show_message(
            "" if content else self.tr("Enter what the visit was about.")
        )
        if not content:
            self.content_edit.setFocus()
            return None
        corrects = self._corrects
        return Visit(
            household_id=household.id,
            grid_id=household.grid_id,
            visitor=corrects.visitor if corrects is not None else self.ctx.user.username,
            corrects_id=corrects.id if corrects is not None else None,
            attachments=corrects.attachments if corrects is not None else (),
            visited_at=from_qdatetime(self.when_edit.dateTime()),
            method=enum_value(self.method_combo, VisitMethod),
            content=content,
            findings=self.findings_edit.toPlainText().strip(),
            needs=self.needs_edit.toPlainText().strip(),
            follow_up=self.follow_up_edit.toPlainText().strip(),
        )

    def save(self) -> None:
        if not self.save_button.isEnabled():
            self._go_next = False
            return
        if self.photos.busy:
            self.banner.show_message(
                self.tr("Photos are still being prepared; save again in a moment.")
            )
            self._go_next = False
            return
        visit = self.visit()
        if visit is None:
            self._go_next = False
            return
        photos = self.photos.photos()
        if self._corrects is not None and self._corrected() is None and not photos:
            self.banner.show_message(
                self.tr("Nothing was changed; there is no correction to save.")
            )
            return

        def work(uow: UnitOfWork) -> str:
            kept = visit.attachments  # a correction keeps the photos of the visit
            added = tuple(a for a in store_photos(uow, photos) if a not in kept)
            stored = dataclasses.replace(visit, attachments=kept + added)
            uow.append(stored)
            return stored.id

        self.save_button.setEnabled(False)
        self.next_button.setEnabled(False)
        self.banner.show_message("")
        self.ctx.write(work, on_done=self._saved, on_error=self._failed)

    def _saved(self, visit_id: object) -> None:
        assert isinstance(visit_id, str)
        self.saved.emit(visit_id)
        if self._go_next:
            self.nextRequested.emit()
        self.done(QDialog.DialogCode.Accepted)

    def _failed(self, exc: BaseException) -> None:
        self._go_next = False
        self.save_button.setEnabled(True)
        self.next_button.setEnabled(True)
        self.banner.show_message(error_text(exc))
