"""巡查: record or correct a worker's patrol of a grid — the day, when it started and
ended, the route and places, what was found, photos — and report events from it.

A patrol is an ordinary mutable record: saved on this computer in one unit of work,
uploaded at the next sync, merged field by field with edits from other laptops (like a
household). The grid list, the stored patrol, its photos and its events load on the read
lane; the form is read-only until they arrive.

从本次巡查上报事件 saves the patrol as the form shows it, then opens the ordinary 上报事件
dialog; the event and the patrol's link to it (``event_ids``) are written in the same
unit of work, so there is never one without the other.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QSize, Qt, QTime, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.lookups import GridChoice, Lookups
from gridclient.storage.queries import LinkedEvent, PatrolQueries
from gridclient.storage.repositories import Repositories
from gridclient.storage.uow import UnitOfWork
from gridclient.ui.context import AppContext
from gridclient.ui.form_common import (
    Confirm,
    InlineMessage,
    ask,
    emphasize,
    error_text,
    make_readable,
    scrolling,
)
from gridclient.ui.photos import THUMBNAIL, PhotoPicker, PickFiles, store_photos
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.screen_fit import fit_to_screen
from gridcore.domain import limits
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import CST, Patrol
from gridcore.domain.enums import EntityKind
from gridcore.domain.patrols import patrol_problems

__all__ = ["PatrolData", "PatrolDialog", "load_patrol"]


@dataclass(frozen=True)
class PatrolData:
    grids: list[GridChoice]
    patrol: Patrol | None
    photos: list[tuple[str, QImage]]
    """The stored photos (id, thumbnail; a null image: bytes not downloaded yet)."""
    events: list[LinkedEvent]
    patroller: str
    """The patroller's real name (the login when the directory does not know it)."""


def load_patrol(
    repos: Repositories, engine: Any, grid_ids: list[str], patrol_id: str | None
) -> PatrolData:
    """Off the UI thread: the grids, the patrol, its photos decoded (QImage may be built
    on any thread; QPixmap only on the UI thread), its events."""
    found = repos.records.get(Patrol, patrol_id) if patrol_id is not None else None
    photos: list[tuple[str, QImage]] = []
    events: list[LinkedEvent] = []
    patroller = ""
    if found is not None and not found.deleted:
        for sha256 in found.attachments:
            data = repos.records.blob(sha256)
            image = QImage.fromData(data) if data else QImage()
            if not image.isNull():
                image = image.scaled(
                    THUMBNAIL,
                    THUMBNAIL,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            photos.append((sha256, image))
        events = PatrolQueries(engine).linked_events(found.event_ids)
        patroller = repos.sync_state.display_names().get(found.patroller, found.patroller)
    return PatrolData(Lookups(engine).grids_in_scope(grid_ids), found, photos, events, patroller)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _qtime(when: datetime) -> QTime:
    local = when.astimezone(CST)
    return QTime(local.hour, local.minute)


def _text_box(height: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


def event_text(event: LinkedEvent) -> str:
    """One line of the 上报事件 list (plain text)."""
    if not event.present:
        return QCoreApplication.translate("PatrolDialog", "(event not on this computer yet)")
    number = event.number or QCoreApplication.translate("PatrolDialog", "(number pending)")
    return f"{number}  {event.title}"


class PatrolDialog(QDialog):
    saved = Signal(str)
    """The patrol's id, after a save, a removal or a linked event is committed."""

    def __init__(
        self,
        ctx: AppContext,
        patrol_id: str | None = None,
        *,
        grid_id: str | None = None,
        parent: QWidget | None = None,
        confirm: Confirm = ask,
        pick_files: PickFiles | None = None,
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self.confirm = confirm
        self._pick_files = pick_files
        self._original: Patrol | None = None
        self._kept: tuple[str, ...] = ()
        self._wanted_grid = grid_id
        self._loading = True
        self._report_next = False
        self._shown: tuple[object, ...] = ()
        """The form as loaded (or last saved): what closing compares with."""
        self.report_dialog: QDialog | None = None
        self.event_dialog: QDialog | None = None
        self.setWindowTitle(self.tr("New patrol") if patrol_id is None else self.tr("Patrol"))
        fit_to_screen(self, 760, 720)

        self.heading = emphasize(
            TextLabel(self.tr("Record a patrol") if patrol_id is None else self.tr("Loading…")),
            point_size=14,
        )
        self.banner = InlineMessage()
        self.grid_combo = QComboBox()
        today = today_cst(ctx.store.clock.now())
        self.date_edit = QDateEdit(_qdate(today))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.times_box = QCheckBox(self.tr("From"))
        self.times_box.setToolTip(self.tr("Record when the patrol started and ended"))
        self.start_edit = QTimeEdit(QTime(8, 30))
        self.end_edit = QTimeEdit(QTime(11, 0))
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("HH:mm")
            edit.setEnabled(False)
        # A night patrol (22:00 → 01:30) ends on the next day.
        self.next_day_box = QCheckBox(self.tr("next day"))
        self.next_day_box.setToolTip(self.tr("The patrol ended after midnight, on the next day"))
        self.next_day_box.setEnabled(False)
        self.times_box.toggled.connect(self.start_edit.setEnabled)
        self.times_box.toggled.connect(self.end_edit.setEnabled)
        self.times_box.toggled.connect(self.next_day_box.setEnabled)
        times = QHBoxLayout()
        times.setContentsMargins(0, 0, 0, 0)
        times.addWidget(self.times_box)
        times.addWidget(self.start_edit)
        times.addWidget(TextLabel(self.tr("to")))
        times.addWidget(self.end_edit)
        times.addWidget(self.next_day_box)
        times.addStretch(1)
        self.time_error = InlineMessage()
        self.route_edit = QLineEdit()
        self.route_edit.setPlaceholderText(
            self.tr("e.g. village office — main street — river bank")
        )
        self.places_edit = QLineEdit()
        self.places_edit.setPlaceholderText(self.tr("Shops, rental houses, hazard sites looked at"))
        self.findings_edit = _text_box(70)
        self.findings_edit.setPlaceholderText(self.tr("What was found (or that nothing was wrong)"))
        self.findings_error = InlineMessage()

        self.kept_list = QListWidget()
        self.kept_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.kept_list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.kept_list.setFixedHeight(THUMBNAIL + 40)
        self.kept_list.setFlow(QListWidget.Flow.LeftToRight)
        self.kept_list.setWrapping(False)
        self.remove_kept_button = QPushButton(self.tr("Remove photo"))
        self.remove_kept_button.clicked.connect(self.remove_kept_photo)
        kept = QHBoxLayout()
        kept.setContentsMargins(0, 0, 0, 0)
        kept.addWidget(self.kept_list, 1)
        kept.addWidget(self.remove_kept_button, 0, Qt.AlignmentFlag.AlignTop)
        self.kept_row = QWidget()
        self.kept_row.setLayout(kept)
        self.kept_row.setToolTip(self.tr("Photos kept with the patrol"))
        self.photos = PhotoPicker(ctx, pick_files=pick_files)
        # The kept photos beside the picker of new ones: one row, so the form fits a
        # 1366×768 laptop with its events list in view.
        photo_row = QHBoxLayout()
        photo_row.setContentsMargins(0, 0, 0, 0)
        photo_row.addWidget(self.kept_row, 1)
        photo_row.addWidget(self.photos, 1)

        self.event_list = QListWidget()
        self.event_list.setMaximumHeight(90)
        self.event_list.addItem(self.tr("(none)"))
        self.event_list.setToolTip(self.tr("Double-click an event to open it"))
        self.event_list.itemDoubleClicked.connect(self.open_event)
        self.report_button = QPushButton(self.tr("Report an event from this patrol…"))
        self.report_button.setToolTip(
            self.tr("Saves the patrol, then opens 上报事件; the event is linked to this patrol")
        )
        self.report_button.clicked.connect(self.report_event)
        events = QVBoxLayout()
        events.setContentsMargins(0, 0, 0, 0)
        events.addWidget(self.event_list)
        events.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.notes_edit = QLineEdit()
        self.patroller_label = TextLabel(ctx.user.display_name or ctx.user.username)

        form = QFormLayout()
        form.addRow(self.tr("Grid"), self.grid_combo)
        form.addRow(self.tr("Patrolled by"), self.patroller_label)
        form.addRow(self.tr("Date"), self.date_edit)
        form.addRow(self.tr("Time"), times)
        form.addRow("", self.time_error)
        form.addRow(self.tr("Route"), self.route_edit)
        form.addRow(self.tr("Places"), self.places_edit)
        form.addRow(self.tr("Findings"), self.findings_edit)
        form.addRow("", self.findings_error)
        form.addRow(self.tr("Photos"), photo_row)
        form.addRow(self.tr("Events reported"), events)
        form.addRow(self.tr("Notes"), self.notes_edit)
        self.kept_row.setVisible(False)

        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.clicked.connect(self.remove)
        self.remove_button.setVisible(patrol_id is not None)
        self.cancel_button = QPushButton(self.tr("Close"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addWidget(scrolling(form), 1)
        layout.addLayout(buttons)
        order: list[QWidget] = [
            self.grid_combo,
            self.date_edit,
            self.times_box,
            self.start_edit,
            self.end_edit,
            self.next_day_box,
            self.route_edit,
            self.places_edit,
            self.findings_edit,
            self.photos.add_button,
            self.report_button,
            self.notes_edit,
            self.save_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self._set_editable(False)
        self._load(patrol_id)

    # -- loading ------------------------------------------------------------------------

    def _load(self, patrol_id: str | None) -> None:
        grids = list(self.ctx.user.grid_ids)
        engine = self.ctx.store.engine
        self.ctx.read(
            lambda repos: load_patrol(repos, engine, grids, patrol_id), self._loaded, self._failed
        )

    def _loaded(self, data: PatrolData) -> None:
        self.grid_combo.clear()
        for choice in data.grids:
            self.grid_combo.addItem(choice.label, choice.id)
        found = data.patrol
        if found is not None and not found.deleted:
            self._show_patrol(found, data)
        elif self.remove_button.isVisible():
            self.heading.setText(self.tr("Patrol not found"))
            self.banner.show_message(self.tr("This patrol no longer exists."))
            return
        if self._wanted_grid is not None:
            index = self.grid_combo.findData(self._wanted_grid)
            if index >= 0:
                self.grid_combo.setCurrentIndex(index)
        self._loading = False
        self._set_editable(True)
        self._shown = self._form_values()
        if not data.grids:
            self.banner.show_message(self.tr("There is no grid in the local data."))
            self.save_button.setEnabled(False)
            self.report_button.setEnabled(False)

    def _show_patrol(self, found: Patrol, data: PatrolData) -> None:
        """The stored patrol into the form (first load), or only what a save or a linked
        event changed (a reload: the person's unsaved typing stays)."""
        first = self._original is None
        self._original = found
        self._kept = found.attachments
        self._wanted_grid = found.grid_id
        self.remove_button.setVisible(True)
        self.setWindowTitle(self.tr("Patrol"))
        self.heading.setText(self.tr("Patrol of {day}").format(day=found.patrol_date.isoformat()))
        self.patroller_label.setText(data.patroller or found.patroller)
        if first:
            self.date_edit.setDate(_qdate(found.patrol_date))
            timed = found.started_at is not None
            self.times_box.setChecked(timed)
            if found.started_at is not None:
                self.start_edit.setTime(_qtime(found.started_at))
            if found.ended_at is not None:
                self.end_edit.setTime(_qtime(found.ended_at))
                self.next_day_box.setChecked(
                    found.ended_at.astimezone(CST).date() > found.patrol_date
                )
            self.route_edit.setText(found.route)
            self.places_edit.setText(found.places)
            self.findings_edit.setPlainText(found.findings)
            self.notes_edit.setText(found.notes)
        self.kept_list.clear()
        for sha256, image in data.photos:
            item = QListWidgetItem()
            if image.isNull():
                item.setText(self.tr("(photo not downloaded yet)"))
            else:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
            item.setToolTip(sha256[:12])
            item.setData(Qt.ItemDataRole.UserRole, sha256)
            self.kept_list.addItem(item)
        self.kept_row.setVisible(bool(data.photos))
        self.event_list.clear()
        for event in data.events:
            item = QListWidgetItem(event_text(event))
            if event.present:
                item.setData(Qt.ItemDataRole.UserRole, event.id)
            self.event_list.addItem(item)
        if not data.events:
            self.event_list.addItem(self.tr("(none)"))

    def open_event(self, item: QListWidgetItem) -> None:
        """An event reported from this patrol, in its own dialog."""
        from gridclient.ui.event_dialogs import EventDialog

        event_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(event_id, str):
            dialog = EventDialog(self.ctx, event_id, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.event_dialog = dialog
            dialog.open()

    def _set_editable(self, editable: bool) -> None:
        for widget in (
            self.grid_combo,
            self.date_edit,
            self.times_box,
            self.route_edit,
            self.places_edit,
            self.findings_edit,
            self.photos,
            self.kept_row,
            self.report_button,
            self.notes_edit,
            self.save_button,
            self.remove_button,
        ):
            widget.setEnabled(editable)
        timed = editable and self.times_box.isChecked()
        self.start_edit.setEnabled(timed)
        self.end_edit.setEnabled(timed)
        self.next_day_box.setEnabled(timed)

    def _form_values(self) -> tuple[object, ...]:
        return (
            self.grid_combo.currentData(),
            self.date_edit.date(),
            self.times_box.isChecked(),
            self.start_edit.time(),
            self.end_edit.time(),
            self.next_day_box.isChecked(),
            self.route_edit.text().strip(),
            self.places_edit.text().strip(),
            self.findings_edit.toPlainText().strip(),
            self.notes_edit.text().strip(),
            self._kept,
        )

    def has_input(self) -> bool:
        """Something typed, chosen or added that is not saved."""
        if self._loading:
            return False
        return self._form_values() != self._shown or bool(self.photos.photos())

    def reject(self) -> None:
        if self.has_input() and not self.confirm(
            self,
            self.tr("Discard changes"),
            self.tr("Close without saving what you entered for this patrol?"),
        ):
            return
        super().reject()

    def remove_kept_photo(self) -> None:
        for item in self.kept_list.selectedItems():
            sha256 = item.data(Qt.ItemDataRole.UserRole)
            self._kept = tuple(a for a in self._kept if a != sha256)
            self.kept_list.takeItem(self.kept_list.row(item))
        self.kept_row.setVisible(self.kept_list.count() > 0)

    # -- saving -------------------------------------------------------------------------

    def edited(self) -> Patrol | None:
        """The patrol as the form says (without the photos being added), or ``None``
        with the messages shown."""
        grid_id = self.grid_combo.currentData()
        if not isinstance(grid_id, str):
            self.banner.show_message(self.tr("Choose the grid."))
            return None
        qday = self.date_edit.date()
        day = date(qday.year(), qday.month(), qday.day())
        started = ended = None
        if self.times_box.isChecked():
            start, end = self.start_edit.time(), self.end_edit.time()
            started = datetime.combine(day, time(start.hour(), start.minute()), CST)
            end_day = day + timedelta(days=1) if self.next_day_box.isChecked() else day
            ended = datetime.combine(end_day, time(end.hour(), end.minute()), CST)
        findings = self.findings_edit.toPlainText().strip()
        route = self.route_edit.text().strip()
        places = self.places_edit.text().strip()
        ok = True
        if not findings:
            self.findings_error.show_message(
                self.tr("Write what was found, or that nothing was wrong.")
            )
            ok = False
        else:
            self.findings_error.show_message("")
        if not route and not places:
            self.banner.show_message(self.tr("Enter the route or the places patrolled."))
            ok = False
        problems = patrol_problems(day, started, ended, today_cst(self.ctx.store.clock.now()))
        messages = [p.message for p in problems]
        if started is not None and ended is not None and ended < started:
            messages.append(self.tr("If the patrol ended after midnight, tick “next day”."))
        self.time_error.show_message("\n".join(messages))
        if problems or not ok:
            return None
        values = {
            "grid_id": grid_id,
            "patrol_date": day,
            "started_at": started,
            "ended_at": ended,
            "route": route,
            "places": places,
            "findings": findings,
            "notes": self.notes_edit.text().strip(),
            "attachments": self._kept,
        }
        original = self._original
        if original is None:
            record = Patrol(patroller=self.ctx.user.username, **values)  # type: ignore[arg-type]
        else:
            record = dataclasses.replace(original, **values)  # type: ignore[arg-type]
        try:
            limits.check_record(record)
        except limits.InvalidValue as exc:
            self.banner.show_message(exc.message)
            return None
        return record

    def save(self) -> None:
        if self._loading:
            return
        if self.photos.busy:
            self.banner.show_message(
                self.tr("Photos are still being prepared; save again in a moment.")
            )
            return
        record = self.edited()
        if record is None:
            self._report_next = False
            return
        base = self._original
        photos = self.photos.photos()

        def work(uow: UnitOfWork) -> Patrol:
            added = tuple(a for a in store_photos(uow, photos) if a not in record.attachments)
            stored = dataclasses.replace(record, attachments=record.attachments + added)
            if base is None:
                uow.create(stored)
            else:
                uow.update(stored, base=base)
            return stored

        self._set_editable(False)
        self.banner.show_message("")
        self.ctx.write(work, on_done=self._saved, on_error=self._write_failed)

    def _saved(self, patrol: Patrol) -> None:
        self.saved.emit(patrol.id)
        if not self._report_next:
            self.accept()
            return
        self._report_next = False
        self.photos.clear()
        self._reload(patrol.id, then_report=True)

    def _reload(self, patrol_id: str, *, then_report: bool = False) -> None:
        grids = list(self.ctx.user.grid_ids)
        engine = self.ctx.store.engine

        def loaded(data: PatrolData) -> None:
            self._loaded(data)
            if then_report:
                self._open_report()

        self._loading = True
        self.ctx.read(
            lambda repos: load_patrol(repos, engine, grids, patrol_id), loaded, self._failed
        )

    def report_event(self) -> None:
        """Save the patrol as shown, then open 上报事件 linked to it."""
        if self._loading:
            return
        self._report_next = True
        self.save()

    def _open_report(self) -> None:
        from gridclient.ui.event_dialogs import EventReportDialog

        patrol = self._original
        if patrol is None:
            return
        patrol_id = patrol.id

        def link(uow: UnitOfWork, event_id: str) -> None:
            current = uow.repos.records.get(Patrol, patrol_id) or patrol
            uow.update(dataclasses.replace(current, event_ids=(*current.event_ids, event_id)))

        dialog = EventReportDialog(
            self.ctx, patrol.grid_id, parent=self, pick_files=self._pick_files, also=link
        )
        dialog.description_edit.setPlainText(patrol.findings)
        dialog.location_edit.setText(patrol.places or patrol.route)
        dialog.reported.connect(self._event_reported)
        self.report_dialog = dialog
        dialog.open()

    def _event_reported(self, _event_id: str) -> None:
        patrol = self._original
        if patrol is None:
            return
        self.banner.show_message(self.tr("The event was reported and linked to this patrol."))
        self.saved.emit(patrol.id)
        self._reload(patrol.id)

    def remove(self) -> None:
        original = self._original
        if original is None or self._loading:
            return
        question = self.tr(
            "Remove the patrol of {day}? It disappears from the lists on every computer "
            "after the next sync; the events reported from it stay."
        ).format(day=original.patrol_date.isoformat())
        if not self.confirm(self, self.tr("Remove patrol"), question):
            return

        def work(uow: UnitOfWork) -> Patrol:
            uow.delete(EntityKind.PATROL, original.id)
            return original

        self._set_editable(False)
        self._report_next = False
        self.ctx.write(work, on_done=self._saved, on_error=self._write_failed)

    def _write_failed(self, exc: BaseException) -> None:
        self._report_next = False
        self._set_editable(True)
        self.banner.show_message(error_text(exc))

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self._set_editable(self._original is not None or self.grid_combo.count() > 0)
        self.banner.show_message(error_text(exc))
