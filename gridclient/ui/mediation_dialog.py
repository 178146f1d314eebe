"""调解: record or edit the mediation of a dispute event (人民调解): who mediated, the
parties, each session (date, place, what happened), the agreement, the outcome and the
follow-up visit, with photos of the signed agreement.

A mediation is a mutable record: saved on this computer in one unit of work (with the
new photos), uploaded at the next sync and merged field by field with edits from other
laptops (the worker writes the sessions, the township the outcome). The form checks the
rules of :mod:`gridcore.domain.mediation` and shows each message under its field; the
unit of work and the server check them again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
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

from gridclient.storage.repositories import Repositories
from gridclient.storage.uow import UnitOfWork
from gridclient.ui.context import AppContext
from gridclient.ui.form_common import (
    Confirm,
    InlineMessage,
    ask,
    delete_work,
    emphasize,
    enum_value,
    error_text,
    make_readable,
    scrolling,
)
from gridclient.ui.photos import PhotoPicker, PickFiles, store_photos
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.screen_fit import fit_to_screen
from gridcore.domain import limits
from gridcore.domain.entities import CST, Event, Mediation, MediationSession
from gridcore.domain.enums import (
    EntityKind,
    MediationAgreement,
    MediationOutcome,
    OrganizationKind,
)
from gridcore.domain.mediation import MAX_SESSIONS, MediationProblem, mediation_problems

__all__ = ["MediationDialog", "MediationSource"]

_DATE, _PLACE, _NOTE = range(3)
"""The session table's columns: 日期, 地点, 情况."""


@dataclass(frozen=True, slots=True)
class MediationSource:
    """What the dialog loads: the event, the record being edited (None for a new one)
    and the grid's 人民调解委员会 names to offer."""

    event: Event | None
    mediation: Mediation | None
    committees: tuple[str, ...]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def _text_box(height: int = 56) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


class MediationDialog(QDialog):
    saved = Signal(str)
    """The mediation's id, after the save (or the removal) is committed."""

    def __init__(
        self,
        ctx: AppContext,
        event_id: str,
        mediation_id: str | None = None,
        *,
        parent: QWidget | None = None,
        pick_files: PickFiles | None = None,
        confirm: Confirm = ask,
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self.confirm = confirm
        self._event_id = event_id
        self._original: Mediation | None = None
        self._loading = True
        self.setWindowTitle(
            self.tr("New mediation record") if mediation_id is None else self.tr("Mediation record")
        )
        fit_to_screen(self, 760, 760)

        self.heading = emphasize(TextLabel(self.tr("Loading…")), point_size=14)
        self.heading.setWordWrap(True)
        self.started_edit = QDateEdit()
        self.started_edit.setCalendarPopup(True)
        self.started_edit.setDisplayFormat("yyyy-MM-dd")
        self.started_edit.setDate(_qdate(ctx.store.clock.now().astimezone(CST).date()))
        self.mediator_edit = QLineEdit()
        self.mediator_edit.setPlaceholderText(self.tr("Name (and post), e.g. 调委会主任 李桂兰"))
        self.committee_combo = QComboBox()
        self.committee_combo.setEditable(True)
        committee_line = self.committee_combo.lineEdit()
        assert committee_line is not None  # an editable combo has one
        committee_line.setPlaceholderText(
            self.tr("The mediation committee, e.g. 和平村人民调解委员会")
        )
        self.parties_edit = _text_box()
        self.parties_edit.setPlaceholderText(self.tr("Both sides, e.g. 张某（申请人）、王某"))

        self.sessions = QTableWidget(0, 3)
        self.sessions.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("Place"), self.tr("What happened")]
        )
        self.sessions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sessions.verticalHeader().setVisible(True)
        header = self.sessions.horizontalHeader()
        header.setSectionResizeMode(_DATE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_PLACE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(_PLACE, 180)
        header.setSectionResizeMode(_NOTE, QHeaderView.ResizeMode.Stretch)
        self.sessions.setMinimumHeight(130)
        self.add_session_button = QPushButton(self.tr("Add a session"))
        self.add_session_button.clicked.connect(lambda: self.add_session())
        self.remove_session_button = QPushButton(self.tr("Remove session"))
        self.remove_session_button.clicked.connect(self.remove_session)
        session_buttons = QHBoxLayout()
        session_buttons.addWidget(self.add_session_button)
        session_buttons.addWidget(self.remove_session_button)
        session_buttons.addStretch(1)
        sessions_box = QVBoxLayout()
        sessions_box.setContentsMargins(0, 0, 0, 0)
        sessions_box.addWidget(self.sessions)
        sessions_box.addLayout(session_buttons)

        self.outcome_combo = QComboBox()
        for outcome in MediationOutcome:
            self.outcome_combo.addItem(outcome.label, outcome)
        self.agreement_kind_combo = QComboBox()
        for kind in MediationAgreement:
            self.agreement_kind_combo.addItem(kind.label, kind)
        self.agreement_edit = _text_box(70)
        self.agreement_edit.setPlaceholderText(self.tr("What the parties agreed"))
        self.follow_up_edit = _text_box()
        self.follow_up_edit.setPlaceholderText(
            self.tr("Follow-up visit: date, whether the agreement is kept")
        )
        self.existing_photos = TextLabel()
        self.photos = PhotoPicker(ctx, pick_files=pick_files)
        self.notes_edit = QLineEdit()

        self.errors = {
            name: InlineMessage()
            for name in ("started_on", "mediator", "parties", "sessions", "agreement_kind",
                         "agreement", "outcome", "follow_up", "notes")
        }  # fmt: skip
        form = QFormLayout()
        form.addRow(self.tr("Started on"), self.started_edit)
        form.addRow("", self.errors["started_on"])
        form.addRow(self.tr("Mediator"), self.mediator_edit)
        form.addRow(self.tr("Committee"), self.committee_combo)
        form.addRow("", self.errors["mediator"])
        form.addRow(self.tr("Parties"), self.parties_edit)
        form.addRow("", self.errors["parties"])
        form.addRow(self.tr("Sessions"), sessions_box)
        form.addRow("", self.errors["sessions"])
        form.addRow(self.tr("Outcome"), self.outcome_combo)
        form.addRow("", self.errors["outcome"])
        form.addRow(self.tr("Agreement"), self.agreement_kind_combo)
        form.addRow("", self.errors["agreement_kind"])
        form.addRow(self.tr("Agreement text"), self.agreement_edit)
        form.addRow("", self.errors["agreement"])
        form.addRow(self.tr("Follow-up"), self.follow_up_edit)
        form.addRow("", self.errors["follow_up"])
        form.addRow(self.tr("Photos"), self.existing_photos)
        form.addRow("", self.photos)
        form.addRow(self.tr("Notes"), self.notes_edit)
        form.addRow("", self.errors["notes"])

        self.banner = InlineMessage()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.clicked.connect(self.remove)
        self.remove_button.setVisible(mediation_id is not None)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(scrolling(form), 1)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        self._editable = [
            self.started_edit, self.mediator_edit, self.committee_combo, self.parties_edit,
            self.sessions, self.add_session_button, self.remove_session_button,
            self.outcome_combo, self.agreement_kind_combo, self.agreement_edit,
            self.follow_up_edit, self.photos, self.notes_edit, self.save_button,
            self.remove_button,
        ]  # fmt: skip
        self._set_editable(False)
        self._load(mediation_id)

    # -- sessions -----------------------------------------------------------------------

    def add_session(self, session: MediationSession | None = None) -> None:
        """A row for one more session (today's date, or the last session's)."""
        row = self.sessions.rowCount()
        if row >= MAX_SESSIONS:
            self.errors["sessions"].show_message(
                self.tr("At most {n} sessions.").format(n=MAX_SESSIONS)
            )
            return
        self.sessions.insertRow(row)
        day = QDateEdit()
        day.setCalendarPopup(True)
        day.setDisplayFormat("yyyy-MM-dd")
        if session is not None:
            day.setDate(_qdate(session.on))
        elif row > 0:
            previous = self.sessions.cellWidget(row - 1, _DATE)
            assert isinstance(previous, QDateEdit)
            day.setDate(previous.date())
        else:
            day.setDate(self.started_edit.date())
        self.sessions.setCellWidget(row, _DATE, day)
        self.sessions.setItem(row, _PLACE, QTableWidgetItem(session.place if session else ""))
        self.sessions.setItem(row, _NOTE, QTableWidgetItem(session.note if session else ""))
        self.sessions.setCurrentCell(row, _PLACE)

    def remove_session(self) -> None:
        rows = sorted({index.row() for index in self.sessions.selectedIndexes()}, reverse=True)
        if not rows and self.sessions.currentRow() >= 0:
            rows = [self.sessions.currentRow()]
        for row in rows:
            self.sessions.removeRow(row)

    def session_values(self) -> tuple[MediationSession, ...]:
        out: list[MediationSession] = []
        for row in range(self.sessions.rowCount()):
            day = self.sessions.cellWidget(row, _DATE)
            assert isinstance(day, QDateEdit)
            place = self.sessions.item(row, _PLACE)
            note = self.sessions.item(row, _NOTE)
            out.append(
                MediationSession(
                    on=_pydate(day.date()),
                    place=place.text().strip() if place is not None else "",
                    note=note.text().strip() if note is not None else "",
                )
            )
        return tuple(out)

    # -- loading ------------------------------------------------------------------------

    def _load(self, mediation_id: str | None) -> None:
        event_id = self._event_id

        def work(repos: Repositories) -> MediationSource:
            event = repos.records.get(Event, event_id)
            found = None if mediation_id is None else repos.records.get(Mediation, mediation_id)
            committees: tuple[str, ...] = ()
            if event is not None:
                committees = tuple(
                    o.name
                    for o in repos.records.organizations_of_grid(
                        event.grid_id, OrganizationKind.MEDIATION_COMMITTEE.value
                    )
                )
            return MediationSource(event, found, committees)

        self.ctx.read(work, self._loaded, self._failed)

    def _loaded(self, source: MediationSource) -> None:
        event = source.event
        if event is None or event.deleted:
            self.heading.setText(self.tr("Event not found"))
            self.banner.show_message(self.tr("The event of this mediation is not here."))
            return
        number = event.number or self.tr("not numbered yet")
        self.heading.setText(
            self.tr("Mediation of {title} ({number})").format(title=event.title, number=number)
        )
        self.committee_combo.clear()
        self.committee_combo.addItem("")
        for name in source.committees:
            self.committee_combo.addItem(name)
        found = source.mediation
        if found is not None and not found.deleted:
            self._original = found
            self.started_edit.setDate(_qdate(found.started_on))
            self.mediator_edit.setText(found.mediator)
            self.committee_combo.setEditText(found.committee)
            self.parties_edit.setPlainText(found.parties)
            for session in found.sessions:
                self.add_session(session)
            self.sessions.clearSelection()
            self.sessions.setCurrentCell(-1, -1)
            self.outcome_combo.setCurrentIndex(self.outcome_combo.findData(found.outcome))
            self.agreement_kind_combo.setCurrentIndex(
                self.agreement_kind_combo.findData(found.agreement_kind)
            )
            self.agreement_edit.setPlainText(found.agreement)
            self.follow_up_edit.setPlainText(found.follow_up)
            self.notes_edit.setText(found.notes)
        elif self.remove_button.isVisible():
            self.banner.show_message(self.tr("This mediation record no longer exists."))
            return
        else:
            if len(source.committees) == 1:
                self.committee_combo.setCurrentIndex(1)
            self.parties_edit.setPlainText(event.people_involved)
        kept = len(self._original.attachments) if self._original is not None else 0
        self.existing_photos.setText(self.tr("{count} photo(s) attached").format(count=kept))
        self._loading = False
        self._set_editable(True)

    def _set_editable(self, editable: bool) -> None:
        for widget in self._editable:
            widget.setEnabled(editable)

    # -- saving -------------------------------------------------------------------------

    def edited(self) -> Mediation | None:
        """The mediation as the form says, or ``None`` with the messages shown under the
        fields they are about."""
        for message in self.errors.values():
            message.show_message("")
        self.banner.show_message("")
        values = {
            "event_id": self._event_id,
            "started_on": _pydate(self.started_edit.date()),
            "mediator": self.mediator_edit.text().strip(),
            "committee": self.committee_combo.currentText().strip(),
            "parties": self.parties_edit.toPlainText().strip(),
            "sessions": self.session_values(),
            "outcome": enum_value(self.outcome_combo, MediationOutcome),
            "agreement_kind": enum_value(self.agreement_kind_combo, MediationAgreement),
            "agreement": self.agreement_edit.toPlainText().strip(),
            "follow_up": self.follow_up_edit.toPlainText().strip(),
            "notes": self.notes_edit.text().strip(),
        }
        if self._original is None:
            record = Mediation(**values)  # type: ignore[arg-type]
        else:
            record = dataclasses.replace(self._original, **values)  # type: ignore[arg-type]
        problems = mediation_problems(record)
        try:
            limits.check_record(record)
        except limits.InvalidValue as exc:
            problems.insert(0, MediationProblem(exc.field, exc.message))
        for problem in problems:
            shown = self.errors.get(problem.field)
            if shown is None:
                self.banner.show_message(problem.message)
            elif not shown.text():
                shown.show_message(problem.message)
        return None if problems else record

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
            return
        base = self._original
        photos = self.photos.photos()

        def work(uow: UnitOfWork) -> str:
            added = store_photos(uow, photos)
            final = dataclasses.replace(
                record, attachments=tuple(dict.fromkeys((*record.attachments, *added)))
            )
            if base is None:
                uow.create(final)
            else:
                uow.update(final, base=base)
            return final.id

        self._set_editable(False)
        self.ctx.write(work, on_done=self._done, on_error=self._failed)

    def remove(self) -> None:
        original = self._original
        if original is None or self._loading:
            return
        question = self.tr(
            "Remove this mediation record? It disappears on every computer after the next sync."
        )
        if not self.confirm(self, self.tr("Remove mediation record"), question):
            return

        self._set_editable(False)
        self.ctx.write(
            delete_work(EntityKind.MEDIATION, original.id),
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, mediation_id: str) -> None:
        self.saved.emit(mediation_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_editable(not self._loading)
        field = getattr(exc, "field", None)
        shown = self.errors.get(field) if isinstance(field, str) else None
        if shown is not None and isinstance(exc, limits.InvalidValue):
            shown.show_message(exc.message)
        else:
            self.banner.show_message(error_text(exc))
