"""事件: report an event (or resolve it on the spot), and follow one through its steps.

The report dialog creates the Event with its first action (REPORT, or SELF_RESOLVE for
"小事不出网格") in one unit of work. The event dialog shows details, deadline and 超期,
the action timeline, and a button for exactly each action ``workflow.allowed_actions``
gives the user's role in the current state; the transition is checked again inside
the unit of work against the stored history, so a stale screen cannot append an
illegal step (the Chinese ``IllegalTransition`` message is shown instead).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from PySide6.QtCore import QDate, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.events import append_action, dispatch_targets, event_view
from gridclient.storage.lookups import Lookups
from gridclient.storage.queries import PickerEntry, picker_entries, picker_matches
from gridclient.storage.repositories import EventHistory, Repositories
from gridclient.storage.syncmeta import OpStatus
from gridclient.storage.uow import UnitOfWork
from gridclient.ui.context import AppContext, ChangeSet
from gridclient.ui.form_common import (
    Column,
    InlineMessage,
    RecordTableModel,
    cst_text,
    emphasize,
    enum_data,
    enum_value,
    error_text,
    make_readable,
    make_table,
    scrolling,
    tint,
)
from gridclient.ui.mediation_dialog import MediationDialog
from gridclient.ui.photos import PhotoPicker, PickFiles, store_photos
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.screen_fit import fit_to_screen
from gridcore.domain.catalog import (
    EventCatalog,
    EventCategory,
    deadline_text,
    event_category_name,
    stamp_terms,
)
from gridcore.domain.departments import GRID_ASSIGNEE, Department, DepartmentList
from gridcore.domain.entities import CST, Event, EventAction, Household, Mediation
from gridcore.domain.enums import (
    EntityKind,
    EventActionKind,
    EventSource,
    Ledger,
    LimitKind,
    Role,
    Satisfaction,
    Urgency,
)
from gridcore.domain.mediation import is_dispute
from gridcore.domain.workflow import (
    MAX_REWORK_ROUNDS,
    EventStatus,
    IllegalTransition,
    check_source,
    next_state,
)

A = EventActionKind


COMMENT_COLUMN = 3
"""The event dialog's timeline: 时间, 办理人, 操作, 意见说明, 满意度, 派遣对象."""

#: Actions whose comment is required (a reason or a result has to be written down).
COMMENT_REQUIRED = frozenset(
    {A.RETURN, A.VOID, A.REWORK, A.FEEDBACK, A.SUPERVISE, A.COMMENT, A.SELF_RESOLVE,
     A.HAND_BACK, A.REQUEST_EXTENSION, A.REFUSE_EXTENSION, A.SECRETARY_REVIEW}
)  # fmt: skip
#: Actions that send the event to a handler (the grid or a department).
SENDING = frozenset({A.DISPATCH, A.REDISPATCH})


def _text_box(height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


def _buttons(ok_text: str, cancel_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    return box


@dataclass(frozen=True)
class ReportData:
    catalog: EventCatalog
    households: list[PickerEntry]


class HouseholdPicker(QWidget):
    """关联住户: a search field over the grid's households (address, 户号, 户主's name or
    its pinyin initials) and the list of matches, in natural address order with their
    户主. Typing keeps the chosen household while it still matches, else chooses the
    first match; 无 stays first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search address, household no., head or pinyin"))
        self.combo = QComboBox()
        self.combo.setMaxVisibleItems(15)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(24)
        self.matches_label = TextLabel()
        self._entries: list[PickerEntry] = []
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 0, 0)
        layout.addWidget(self.matches_label, 0, 1)
        layout.addWidget(self.combo, 1, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        self.search.textChanged.connect(self._filter)
        self._fill(None)

    def entry_text(self, entry: PickerEntry) -> str:
        """Address · 户主 · 户号 (what is known of them)."""
        parts = [entry.address]
        if entry.head:
            parts.append(entry.head)
        if entry.number:
            parts.append(self.tr("No. {number}").format(number=entry.number))
        return " · ".join(parts)

    def set_entries(self, entries: list[PickerEntry], selected: str | None = None) -> None:
        self._entries = list(entries)
        self._fill(selected)

    def current_id(self) -> str | None:
        data = self.combo.currentData()
        return data if isinstance(data, str) else None

    def set_current(self, household_id: str | None) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(household_id)))

    def _filter(self, _text: str) -> None:
        self._fill(self.current_id(), choose_first=True)

    def _fill(self, selected: str | None, *, choose_first: bool = False) -> None:
        query = self.search.text().strip()
        shown = [e for e in self._entries if not query or picker_matches(e, query)]
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self.tr("(none)"), None)
        for entry in shown:
            self.combo.addItem(self.entry_text(entry), entry.id)
        ids = {e.id for e in shown}
        if selected not in ids and choose_first and query and shown:
            selected = shown[0].id
        self.combo.setCurrentIndex(max(0, self.combo.findData(selected)))
        self.combo.blockSignals(False)
        if not query:
            self.matches_label.setText(self.tr("%n household(s)", "", len(shown)))
        elif shown:
            self.matches_label.setText(self.tr("%n match(es)", "", len(shown)))
        else:
            self.matches_label.setText(self.tr("No household matches"))


class EventReportDialog(QDialog):
    """事件上报, or 自处置 when the worker resolved it on the spot."""

    reported = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        grid_id: str,
        household_id: str | None = None,
        parent: QWidget | None = None,
        *,
        pick_files: PickFiles | None = None,
        also: Callable[[UnitOfWork, str], None] | None = None,
    ) -> None:
        """``also`` runs in the unit of work that stores the event, with its id: a
        patrol links the event it reported there, so there is never one without the
        other."""
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self._also = also
        self._grid_id = grid_id
        self._household_id = household_id
        self._catalog = EventCatalog()
        self.setWindowTitle(self.tr("Report event"))
        fit_to_screen(self, 780, 700)

        self.banner = InlineMessage()
        self.category_combo = QComboBox()
        self.category_combo.setEditable(True)
        self.category_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.category_combo.setPlaceholderText(self.tr("Type to search categories"))
        self.category_combo.currentTextChanged.connect(self._category_changed)
        self.category_info = TextLabel()
        self.category_info.setWordWrap(True)
        self.category_error = InlineMessage()
        self.ledger_combo = QComboBox()
        for ledger in Ledger:
            self.ledger_combo.addItem(ledger.label, ledger)
        self.urgency_combo = QComboBox()
        for urgency in Urgency:
            self.urgency_combo.addItem(urgency.label, urgency)
        self.title_edit = QLineEdit()
        self.title_error = InlineMessage()
        self.description_edit = _text_box(80)
        self.description_edit.setMaximumHeight(110)
        self.location_edit = QLineEdit()
        self.people_edit = QLineEdit()
        self.household_picker = HouseholdPicker()
        self.household_combo = self.household_picker.combo
        self.photos = PhotoPicker(ctx, pick_files=pick_files)
        # Township staff take events in from a channel (热线, 来访 …); a grid worker's
        # report is 网格员上报 and needs no choice.
        self.intake = ctx.user.role is not Role.WORKER
        self.source_combo = QComboBox()
        self.source_combo.addItem(self.tr("(choose)"), None)
        for source in EventSource:
            if source is not EventSource.GRID_WORKER:
                self.source_combo.addItem(source.label, source)
        self.source_error = InlineMessage()
        self.self_resolve_box = QCheckBox(self.tr("Resolved on the spot (self-resolve)"))
        self.resolution_edit = _text_box(60)
        self.resolution_edit.setPlaceholderText(self.tr("How it was resolved"))
        self.resolution_edit.setEnabled(False)
        self.resolution_error = InlineMessage()
        self.self_resolve_box.toggled.connect(self._self_resolve_toggled)

        form = QFormLayout()
        if self.intake:
            self.setWindowTitle(self.tr("Register event"))
            form.addRow(self.tr("Source"), self.source_combo)
            form.addRow("", self.source_error)
        form.addRow(self.tr("Category"), self.category_combo)
        form.addRow("", self.category_info)
        form.addRow("", self.category_error)
        form.addRow(self.tr("Ledger"), self.ledger_combo)
        form.addRow(self.tr("Urgency"), self.urgency_combo)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow("", self.title_error)
        form.addRow(self.tr("Description"), self.description_edit)
        form.addRow(self.tr("Location"), self.location_edit)
        form.addRow(self.tr("People involved"), self.people_edit)
        form.addRow(self.tr("Household"), self.household_picker)
        form.addRow(self.tr("Photos"), self.photos)
        if not self.intake:  # 自处置 is the grid worker's
            form.addRow("", self.self_resolve_box)
            form.addRow(self.tr("Resolution"), self.resolution_edit)
            form.addRow("", self.resolution_error)

        self.buttons = _buttons(self.tr("Report"), self.tr("Cancel"))
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        if self.intake:
            self.ok_button.setText(self.tr("Register"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(scrolling(form), 1)
        layout.addWidget(self.buttons)

        engine = ctx.store.engine

        def read(repos: Repositories) -> ReportData:
            return ReportData(repos.catalog.load(), picker_entries(engine, grid_id))

        ctx.read(read, self._loaded, lambda exc: self.banner.show_message(error_text(exc)))

    def _loaded(self, data: ReportData) -> None:
        self._catalog = data.catalog
        categories = sorted(data.catalog.active(), key=lambda c: c.code)
        self.category_combo.blockSignals(True)
        for category in categories:
            self.category_combo.addItem(category.name, category.code)
        self.category_combo.setCurrentIndex(-1)
        self.category_combo.blockSignals(False)
        completer = QCompleter(QStringListModel([c.name for c in categories], self), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated.connect(self.choose_category_by_name)
        self.category_combo.setCompleter(completer)
        self.household_picker.set_entries(data.households, self._household_id)
        if not categories:
            self.banner.show_message(
                self.tr("The event catalog is empty. Synchronise once to download it.")
            )
            return
        self.ok_button.setEnabled(True)
        self.category_combo.setFocus()

    def choose_category_by_name(self, name: str) -> None:
        index = self.category_combo.findText(name, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            self.category_combo.setCurrentIndex(index)

    def category(self) -> EventCategory | None:
        text = self.category_combo.currentText().strip()
        index = self.category_combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index < 0:
            return None
        code = self.category_combo.itemData(index)
        return self._catalog.get(code) if code in self._catalog else None

    def _category_changed(self, _text: str) -> None:
        category = self.category()
        if category is None:
            self.category_info.setText("")
            return
        self.category_error.show_message("")
        self.category_info.setText(
            self.tr("Group: {group} · Time limit: {limits}").format(
                group=category.group.label, limits=self.limits_text(category)
            )
        )
        self.ledger_combo.setCurrentIndex(self.ledger_combo.findData(category.ledger))
        # Serious matters go through the township: not offered for self-resolving.
        self.self_resolve_box.setEnabled(category.self_resolvable)
        if not category.self_resolvable:
            self.self_resolve_box.setChecked(False)
        self.self_resolve_box.setToolTip(
            ""
            if category.self_resolvable
            else self.tr("This category cannot be self-resolved; report it to the township.")
        )

    def limits_text(self, category: EventCategory) -> str:
        """Every urgency's limit, the ones the category does not list by the stated
        fallback rule (what the event will keep if reported so)."""
        parts = []
        for urgency in Urgency:
            limit = category.time_limit(urgency)
            if limit.hours is not None:
                span = self.tr("{hours} hours").format(hours=limit.hours)
            elif limit.days == 0:
                span = self.tr("same day")
            elif limit.kind is LimitKind.WORKING:
                span = self.tr("{days} working days").format(days=limit.days)
            else:
                span = self.tr("{days} days").format(days=limit.days)
            parts.append(f"{urgency.label} {span}")
        return ", ".join(parts)

    def _self_resolve_toggled(self, checked: bool) -> None:
        self.resolution_edit.setEnabled(checked)
        self.ok_button.setText(self.tr("Save as self-resolved") if checked else self.tr("Report"))

    def submit(self) -> None:
        category = self.category()
        self.category_error.show_message(
            "" if category else self.tr("Choose a category from the list.")
        )
        title = self.title_edit.text().strip()
        self.title_error.show_message("" if title else self.tr("Enter a short title."))
        self_resolve = self.self_resolve_box.isChecked()
        resolution = self.resolution_edit.toPlainText().strip()
        missing_resolution = self_resolve and not resolution
        self.resolution_error.show_message(
            self.tr("Write down how it was resolved.") if missing_resolution else ""
        )
        source = (
            enum_data(self.source_combo, EventSource) if self.intake else EventSource.GRID_WORKER
        )
        self.source_error.show_message(
            self.tr("Choose where the event came from.") if source is None else ""
        )
        if category is None or not title or missing_resolution or source is None:
            return
        if self.photos.busy:
            self.banner.show_message(
                self.tr("Photos are still being prepared; save again in a moment.")
            )
            return
        kind = A.SELF_RESOLVE if self_resolve else A.REPORT
        user = self.ctx.user
        try:
            next_state(None, kind, user.role)
            check_source(user.role, source)
        except IllegalTransition as exc:
            self.banner.show_message(str(exc))
            return
        now = self.ctx.store.clock.now()
        household = self.household_picker.current_id()
        event = Event(
            grid_id=self._grid_id,
            category_code=category.code,
            ledger=enum_value(self.ledger_combo, Ledger),
            urgency=enum_value(self.urgency_combo, Urgency),
            title=title,
            reporter=user.username,
            reported_at=now,
            description=self.description_edit.toPlainText().strip(),
            location=self.location_edit.text().strip(),
            people_involved=self.people_edit.text().strip(),
            household_id=household if isinstance(household, str) else None,
            source=source,
        )
        # The terms it is reported under stay with the event (a later catalog change
        # must not move its deadline).
        event = stamp_terms(event, self._catalog)
        action = EventAction(
            event_id=event.id,
            kind=kind,
            actor=user.username,
            actor_role=user.role,
            at=now,
            comment=resolution if self_resolve else "",
        )
        photos = self.photos.photos()
        also = self._also

        def work(uow: UnitOfWork) -> str:
            ids = store_photos(uow, photos)
            when = uow.now()  # the device clock corrected against the server's
            uow.append(dataclasses.replace(event, reported_at=when, attachments=ids))
            uow.append(dataclasses.replace(action, at=when))
            if also is not None:
                also(uow, event.id)
            return event.id

        self.ok_button.setEnabled(False)
        self.banner.show_message("")
        self.ctx.write(work, on_done=self._saved, on_error=self._failed)

    def _saved(self, event_id: object) -> None:
        assert isinstance(event_id, str)
        self.reported.emit(event_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.banner.show_message(error_text(exc))


class ActionForm(QDialog):
    """The input one action needs; ``submitted`` fires on OK and the event dialog
    closes the form only once the action is stored (errors stay in the form)."""

    submitted = Signal()

    def __init__(
        self,
        ctx: AppContext,
        kind: EventActionKind,
        assignees: list[str],
        parent: QWidget | None = None,
        *,
        pick_files: PickFiles | None = None,
        departments: Sequence[Department] = (),
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.kind = kind
        self.listed = bool(departments)
        """The township has a department list (from the server): choose from it only."""
        self.setWindowTitle(kind.label)
        self.banner = InlineMessage()
        self.comment_edit = _text_box(90)
        self.comment_error = InlineMessage()
        self.assignee_combo = QComboBox()
        self.assignee_combo.addItem(self.tr("Back to the grid"), GRID_ASSIGNEE)
        if self.listed:
            # The departments (职能部门) the server lists for the township: no free text.
            for department in departments:
                self.assignee_combo.addItem(department.name, department.code)
            self.assignee_combo.setToolTip(self.tr("Choose the grid or a department"))
            self.assignee_combo.setPlaceholderText(self.tr("Choose the grid or a department"))
        else:
            # No department list for this township yet: a department name as text.
            self.assignee_combo.setEditable(True)
            self.assignee_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            for name in assignees:
                self.assignee_combo.addItem(name, name)
            self.assignee_combo.setToolTip(self.tr("Choose the grid or type a department name"))
        # Nothing chosen beforehand: OK without a choice must not send the event anywhere.
        self.assignee_combo.setCurrentIndex(-1)
        assignee_edit = self.assignee_combo.lineEdit()
        if assignee_edit is not None:  # editable: it has one
            assignee_edit.setPlaceholderText(self.tr("Choose the grid or type a department name"))
        self.assignee_error = InlineMessage()
        self.satisfaction_combo = QComboBox()
        self.satisfaction_combo.addItem(self.tr("(choose)"), None)
        for satisfaction in Satisfaction:
            self.satisfaction_combo.addItem(satisfaction.label, satisfaction)
        self.satisfaction_error = InlineMessage()
        self.photos = PhotoPicker(ctx, pick_files=pick_files)
        self.deadline_edit = QDateEdit()
        self.deadline_edit.setCalendarPopup(True)
        self.deadline_edit.setDisplayFormat("yyyy-MM-dd")
        self.deadline_edit.setDate(QDate.currentDate().addDays(7))
        self.note_label = TextLabel()
        self.note_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow("", self.note_label)
        if kind in SENDING:
            form.addRow(self.tr("Assign to"), self.assignee_combo)
            form.addRow("", self.assignee_error)
        if kind is A.EVALUATE:
            form.addRow(self.tr("Satisfaction"), self.satisfaction_combo)
            form.addRow("", self.satisfaction_error)
        if kind is A.REQUEST_EXTENSION:
            form.addRow(self.tr("New deadline"), self.deadline_edit)
        caption = {
            A.HAND_BACK: self.tr("Reason"),
            A.REQUEST_EXTENSION: self.tr("Reason"),
            A.REFUSE_EXTENSION: self.tr("Reason"),
            A.SECRETARY_REVIEW: self.tr("Instructions"),
        }.get(kind, self.tr("Comment"))
        form.addRow(caption, self.comment_edit)
        form.addRow("", self.comment_error)
        form.addRow(self.tr("Photos"), self.photos)
        self.buttons = _buttons(kind.label, self.tr("Cancel"))
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(scrolling(form), 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 560, 420)

    def assignee(self) -> str:
        if self.listed:
            data = self.assignee_combo.currentData()
            return str(data) if self.assignee_combo.currentIndex() >= 0 and data else ""
        text = self.assignee_combo.currentText().strip()
        index = self.assignee_combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return str(self.assignee_combo.itemData(index))
        return text

    def satisfaction(self) -> Satisfaction | None:
        return enum_data(self.satisfaction_combo, Satisfaction)

    def deadline(self) -> date:
        chosen = self.deadline_edit.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def set_note(self, text: str) -> None:
        """A line above the inputs (the deadline asked for, what 不满意 does)."""
        self.note_label.setText(text)

    def comment(self) -> str:
        return self.comment_edit.toPlainText().strip()

    def valid(self) -> bool:
        ok = True
        if self.kind in COMMENT_REQUIRED and not self.comment():
            self.comment_error.show_message(self.tr("Write a comment for this step."))
            ok = False
        else:
            self.comment_error.show_message("")
        if self.kind in SENDING and not self.assignee():
            self.assignee_error.show_message(
                self.tr("Choose the grid or a department.")
                if self.listed
                else self.tr("Choose the grid or type a department.")
            )
            ok = False
        if self.kind is A.EVALUATE and self.satisfaction() is None:
            self.satisfaction_error.show_message(self.tr("Choose the resident's satisfaction."))
            ok = False
        if self.photos.busy:
            self.banner.show_message(
                self.tr("Photos are still being prepared; save again in a moment.")
            )
            ok = False
        return ok

    def _ok(self) -> None:
        if self.valid():
            self.ok_button.setEnabled(False)
            self.submitted.emit()

    def failed(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.banner.show_message(message)


@dataclass(frozen=True)
class EventData:
    history: EventHistory
    status: EventStatus | None
    status_error: str
    category_name: str
    category_group: str
    household_address: str
    assignees: list[str]
    allowed: tuple[EventActionKind, ...] = ()
    timeline: tuple[EventAction, ...] = ()
    refused: Mapping[str, str] = field(default_factory=dict)
    """Steps of this laptop the server refused (action id → its reason): they never
    reach the history, so they must not read as waiting to sync."""
    departments: DepartmentList = field(default_factory=DepartmentList)
    """The department list the server sent (names of dispatch targets)."""
    targets: tuple[Department, ...] = ()
    """The departments this event may be dispatched to (its township's, active)."""
    patrol_day: date | None = None
    """The day of the patrol it was reported from (来自巡查), read from the patrols."""
    dispute: bool = False
    """A 矛盾纠纷 event (by the local catalog): it shows its 调解 section."""
    mediations: tuple[Mediation, ...] = ()


def load_event(
    repos: Repositories, lookups: Lookups, event_id: str, role: Role, now: datetime
) -> EventData | None:
    view = event_view(repos, event_id, role, now)
    if view is None:
        return None
    catalog = repos.catalog.load()
    event = view.history.event
    name, group = event_category_name(event, catalog), ""
    if event.category_code in catalog:
        group = catalog.get(event.category_code).group.label
    address = ""
    if event.household_id is not None:
        household = repos.records.get(Household, event.household_id)
        address = household.address if household is not None else ""
    refused: dict[str, str] = {}
    for action in view.timeline:
        if action.server_at is None:
            ops = repos.outbox.for_entity(EntityKind.EVENT_ACTION, action.id)
            parked = [op for op in ops if op.status is OpStatus.REJECTED]
            if parked:
                refused[action.id] = parked[-1].message or parked[-1].reason or ""
    dispute = event.category_code in catalog and is_dispute(event, catalog)
    return EventData(
        view.history,
        view.status,
        view.problem,
        name,
        group,
        address,
        lookups.assignees(),
        view.allowed,
        tuple(view.timeline),
        refused,
        repos.catalog.load_departments(),
        tuple(dispatch_targets(repos, event.grid_id)),
        lookups.patrol_day_of_event(event_id),
        dispute,
        tuple(repos.records.mediations_of_event(event_id)) if dispute else (),
    )


class MediationSection(QWidget):
    """调解 of a dispute event: its mediation records (start, who, sessions, outcome,
    agreement) with 新增调解记录 and open-to-edit."""

    open_requested = Signal(object)
    """A mediation id to edit, or None for a new record."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: RecordTableModel[Mediation] = RecordTableModel(
            [
                Column(self.tr("Started"), lambda m: m.started_on.isoformat()),
                Column(
                    self.tr("Mediator / committee"),
                    lambda m: "，".join(t for t in (m.mediator, m.committee) if t),
                ),
                Column(self.tr("Sessions held"), lambda m: str(len(m.sessions))),
                Column(self.tr("Outcome"), lambda m: m.outcome.label),
                Column(self.tr("Agreement"), lambda m: m.agreement_kind.label),
                Column(self.tr("Follow-up"), lambda m: m.follow_up.replace("\n", " ")),
            ],
            self,
        )
        self.table = make_table(self.model)
        self.table.setMaximumHeight(150)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        caption = TextLabel(self.tr("Mediation"))
        emphasize(caption)
        self.new_button = QPushButton(self.tr("New mediation record…"))
        self.new_button.clicked.connect(lambda: self.open_requested.emit(None))
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.clicked.connect(self._open_selected)
        self.empty_label = TextLabel(self.tr("No mediation recorded yet."))
        head = QHBoxLayout()
        head.addWidget(caption)
        head.addWidget(self.empty_label)
        head.addStretch(1)
        head.addWidget(self.new_button)
        head.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.table)

    def set_rows(self, rows: list[Mediation]) -> None:
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty_label.setVisible(not rows)
        self.open_button.setEnabled(bool(rows))

    def _open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_requested.emit(self.model.row_at(row).id)

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._open_row(rows[0].row() if rows else 0)


class EventDialog(QDialog):
    """One event: details, deadline and 超期, timeline, and the allowed next steps."""

    changed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        event_id: str,
        parent: QWidget | None = None,
        *,
        pick_files: PickFiles | None = None,
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self._event_id = event_id
        self._pick_files = pick_files
        self._data: EventData | None = None
        self.action_form: ActionForm | None = None
        self.action_buttons: dict[EventActionKind, QPushButton] = {}
        self.mediation_dialog: MediationDialog | None = None
        self.setWindowTitle(self.tr("Event"))
        fit_to_screen(self, 980, 720)

        self.title_label = TextLabel(self.tr("Loading…"))
        emphasize(self.title_label, point_size=15)
        self.title_label.setWordWrap(True)
        self.state_label = TextLabel()
        emphasize(self.state_label, point_size=13)
        self.deadline_label = TextLabel()
        emphasize(self.deadline_label, point_size=13)
        self.overdue_label = TextLabel(self.tr("Overdue"))
        self.overdue_label.setStyleSheet(
            "font-size: 13pt; font-weight: bold; color: white; background: #b00020;"
            " padding: 2px 10px; border-radius: 4px;"
        )
        self.overdue_label.hide()
        self.banner = InlineMessage()

        self.detail_labels: dict[str, QLabel] = {}
        details = QGridLayout()
        fields = [
            ("category", self.tr("Category")),
            ("ledger", self.tr("Ledger")),
            ("urgency", self.tr("Urgency")),
            ("reporter", self.tr("Reported by")),
            ("reported_at", self.tr("Reported at")),
            ("source", self.tr("Source")),
            ("handler", self.tr("Handled by")),
            ("number", self.tr("Event number")),
            ("limit", self.tr("Time limit")),
            ("household", self.tr("Household")),
            ("location", self.tr("Location")),
            ("people", self.tr("People involved")),
            ("description", self.tr("Description")),
            ("photos", self.tr("Photos")),
        ]
        pairs = len(fields) - 2  # description and photos get a full row each
        for i, (key, title) in enumerate(fields):
            caption = TextLabel(title)
            tint(caption, "#555555")
            value = TextLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.detail_labels[key] = value
            if i < pairs:
                details.addWidget(caption, i // 2, (i % 2) * 2)
                details.addWidget(value, i // 2, (i % 2) * 2 + 1)
            else:
                row = (pairs + 1) // 2 + (i - pairs)
                details.addWidget(caption, row, 0)
                details.addWidget(value, row, 1, 1, 3)
        details.setColumnStretch(1, 1)
        details.setColumnStretch(3, 1)

        self.timeline_model: RecordTableModel[EventAction] = RecordTableModel(
            [
                Column(self.tr("When"), self._when_text),
                Column(
                    self.tr("Who"), lambda a: f"{self.ctx.person(a.actor)}（{a.actor_role.label}）"
                ),
                Column(self.tr("Action"), lambda a: a.kind.label),
                Column(self.tr("Comment"), self._comment_text),
                Column(
                    self.tr("Satisfaction"),
                    lambda a: a.satisfaction.label if a.satisfaction else "",
                ),
                Column(self.tr("Assigned to"), self._assignee_text),
            ],
            self,
        )
        self.timeline = make_table(self.timeline_model)
        self.timeline.setWordWrap(True)
        # The comment (a handling result can be several sentences) takes the free width
        # and wraps, so it never pushes 满意度 and 派遣对象 out of sight.
        timeline_header = self.timeline.horizontalHeader()
        timeline_header.setStretchLastSection(False)
        timeline_header.setSectionResizeMode(COMMENT_COLUMN, QHeaderView.ResizeMode.Stretch)
        rows = self.timeline.verticalHeader()
        rows.setMinimumSectionSize(rows.defaultSectionSize())  # one-line rows as before
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.actions_row = QHBoxLayout()
        # Until the event has loaded (and again while a step is being saved) the row says
        # so, rather than "no step for your role".
        self.no_actions_label = TextLabel(self.tr("Loading…"))
        self.actions_row.addWidget(self.no_actions_label)
        self.actions_row.addStretch(1)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.accept)

        head = QHBoxLayout()
        head.addWidget(self.state_label)
        head.addSpacing(24)
        head.addWidget(self.deadline_label)
        head.addWidget(self.overdue_label)
        head.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(head)
        layout.addWidget(self.banner)
        layout.addLayout(details)
        timeline_caption = TextLabel(self.tr("Timeline"))
        emphasize(timeline_caption)
        layout.addWidget(timeline_caption)
        layout.addWidget(self.timeline, 1)
        self.mediation_section = MediationSection(self)
        self.mediation_section.open_requested.connect(self.open_mediation)
        self.mediation_section.hide()
        layout.addWidget(self.mediation_section)
        bottom = QHBoxLayout()
        bottom.addLayout(self.actions_row, 1)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        # A sync (the automatic ones too) may bring steps taken elsewhere: show them.
        ctx.bus.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, changes: ChangeSet) -> None:
        steps = {EntityKind.EVENT, EntityKind.EVENT_ACTION, EntityKind.MEDIATION}
        if changes.source == "sync" and (changes.kinds & steps or changes.sync_states):
            self.reload()

    def _when_text(self, action: EventAction) -> str:
        # When it happened (device clock corrected against the server), not when it
        # reached the server: a step taken offline at 16:00 stays 16:00 after sync.
        if action.server_at is not None:
            return cst_text(action.at)
        if self._data is not None and action.id in self._data.refused:
            return self.tr("{time} (refused by the server)").format(time=cst_text(action.at))
        return self.tr("{time} (not synced yet)").format(time=cst_text(action.at))

    def _comment_text(self, action: EventAction) -> str:
        if action.deadline is None:
            return action.comment
        asked = self.tr("(new deadline asked: {day})").format(day=action.deadline.isoformat())
        return f"{action.comment} {asked}".strip()

    def _assignee_text(self, action: EventAction) -> str:
        return self._handler_name(action.assignee)

    def _handler_name(self, assignee: str) -> str:
        """A dispatch target as people read it: 网格, a department's name, or the text."""
        if assignee == GRID_ASSIGNEE:
            return self.tr("Grid")
        return self._data.departments.name(assignee) if self._data is not None else assignee

    def reload(self) -> None:
        lookups = Lookups(self.ctx.store.engine)
        event_id = self._event_id
        role = self.ctx.user.role
        now = self.ctx.store.clock.now()
        self.ctx.read(
            lambda repos: load_event(repos, lookups, event_id, role, now),
            self._fill,
            lambda exc: self.banner.show_message(error_text(exc)),
        )

    def _fill(self, data: EventData | None) -> None:
        self.no_actions_label.setText(self.tr("No further step for your role."))
        if data is None or data.history.event.deleted:
            self.title_label.setText(self.tr("Event not found"))
            self._set_actions([])
            return
        self._data = data
        event = data.history.event
        status = data.status
        self.title_label.setText(event.title)
        labels = self.detail_labels
        group = f"（{data.category_group}）" if data.category_group else ""
        labels["category"].setText(f"{data.category_name}{group}")
        labels["ledger"].setText(event.ledger.label)
        labels["urgency"].setText(event.urgency.label)
        labels["reporter"].setText(self.ctx.person(event.reporter))
        labels["reported_at"].setText(cst_text(event.reported_at))
        if data.patrol_day is not None:
            labels["source"].setText(
                self.tr("{source} (from the patrol of {day})").format(
                    source=event.source.label, day=data.patrol_day.isoformat()
                )
            )
        else:
            labels["source"].setText(event.source.label)
        labels["number"].setText(
            event.number or self.tr("Not numbered yet (the server numbers it at the first sync)")
        )
        labels["limit"].setText(self._limit_text(event))
        labels["household"].setText(data.household_address)
        labels["location"].setText(event.location)
        labels["people"].setText(event.people_involved)
        labels["description"].setText(event.description)
        photo_count = len(event.attachments) + sum(len(a.attachments) for a in data.history.actions)
        labels["photos"].setText(self.tr("{count} photo(s)").format(count=photo_count))
        self.timeline_model.set_rows(list(data.timeline))
        self.mediation_section.setVisible(data.dispute)
        self.mediation_section.set_rows(list(data.mediations))
        reasons = "；".join(dict.fromkeys(r for r in data.refused.values() if r))
        self.banner.show_message(
            self.tr("The server refused a step of this laptop: {reason}").format(reason=reasons)
            if data.refused
            else ""
        )
        if status is None:
            self.state_label.setText("")
            self.deadline_label.setText("")
            self.overdue_label.hide()
            self.banner.show_message(data.status_error)
            self._set_actions([])
            return
        labels["handler"].setText(self._handler_name(status.assignee))
        state = status.state.label
        if status.rework_rounds:
            state = self.tr("{state} (rework round {n} of {max})").format(
                state=state, n=status.rework_rounds, max=MAX_REWORK_ROUNDS
            )
        self.state_label.setText(self.tr("State: {state}").format(state=state))
        deadline = self.tr("Deadline: {deadline}").format(deadline=deadline_text(status.deadline))
        if status.original_deadline is not None:
            deadline += self.tr(" (extended; originally {deadline})").format(
                deadline=deadline_text(status.original_deadline)
            )
        if status.extension_pending is not None:
            deadline += self.tr(" · extension to {day} awaiting approval").format(
                day=status.extension_pending.isoformat()
            )
        self.deadline_label.setText(deadline)
        self.overdue_label.setVisible(status.overdue)
        self._set_actions(list(data.allowed))

    def _limit_text(self, event: Event) -> str:
        """The time limit the event keeps (its own terms), and where it came from."""
        if event.time_limit_days is None:
            return ""
        days = event.time_limit_days
        if event.time_limit_hours is not None:
            span = self.tr("{hours} hours").format(hours=event.time_limit_hours)
        elif days == 0:
            span = self.tr("same day")
        elif event.limit_kind is LimitKind.WORKING:
            span = self.tr("{days} working days").format(days=days)
        else:
            span = self.tr("{days} days").format(days=days)
        if event.terms_inferred:
            return self.tr(
                "{span} (filled in from the catalog when the system was upgraded)"
            ).format(span=span)
        return self.tr("{span} (catalog revision {revision})").format(
            span=span, revision=event.catalog_revision
        )

    def _set_actions(self, actions: list[EventActionKind]) -> None:
        for button in self.action_buttons.values():
            self.actions_row.removeWidget(button)
            button.deleteLater()
        self.action_buttons = {}
        for position, kind in enumerate(actions):
            button = QPushButton(kind.label)
            button.setProperty("action", kind.value)
            button.clicked.connect(self._action_clicked)
            self.actions_row.insertWidget(position, button)
            self.action_buttons[kind] = button
        self.no_actions_label.setVisible(not actions)

    def _action_clicked(self) -> None:
        button = self.sender()
        if isinstance(button, QPushButton):
            self.start_action(EventActionKind(str(button.property("action"))))

    def start_action(self, kind: EventActionKind) -> ActionForm:
        """Open the input form for ``kind`` (non-modal to the event loop: ``open``)."""
        assignees = self._data.assignees if self._data is not None else []
        targets = self._data.targets if self._data is not None else ()
        form = ActionForm(
            self.ctx, kind, assignees, self, pick_files=self._pick_files, departments=targets
        )
        status = self._data.status if self._data is not None else None
        if status is not None:
            form.set_note(self._action_note(kind, status))
            if kind is A.REQUEST_EXTENSION:  # offer a date past the current deadline
                due = status.deadline.astimezone(CST).date()
                form.deadline_edit.setMinimumDate(QDate(due.year, due.month, due.day).addDays(1))
                form.deadline_edit.setDate(QDate(due.year, due.month, due.day).addDays(7))
        form.submitted.connect(lambda: self._submit(form))
        self.action_form = form
        form.open()
        return form

    def _action_note(self, kind: EventActionKind, status: EventStatus) -> str:
        """What the person should know before taking ``kind``."""
        if kind in (A.APPROVE_EXTENSION, A.REFUSE_EXTENSION) and status.extension_pending:
            return self.tr("Extension asked for: to {day} (current deadline {deadline}).").format(
                day=status.extension_pending.isoformat(), deadline=deadline_text(status.deadline)
            )
        if kind is A.REQUEST_EXTENSION:
            return self.tr("Current deadline: {deadline}.").format(
                deadline=deadline_text(status.deadline)
            )
        if kind is A.EVALUATE and status.rework_rounds < MAX_REWORK_ROUNDS:
            return self.tr("Unsatisfied reopens the event for rework (round {n} of {max}).").format(
                n=status.rework_rounds + 1, max=MAX_REWORK_ROUNDS
            )
        if kind is A.CLOSE and status.rework_rounds >= MAX_REWORK_ROUNDS:
            return self.tr(
                "Reworked {n} times: write how the matter was decided; a further "
                "unsatisfied evaluation will be final."
            ).format(n=status.rework_rounds)
        if kind is A.REDISPATCH and status.assignee:
            return self.tr("Currently with: {handler}.").format(
                handler=self._handler_name(status.assignee)
            )
        return ""

    def open_mediation(self, mediation_id: str | None) -> MediationDialog:
        """The mediation record to edit, or a new one for this event."""
        dialog = MediationDialog(
            self.ctx, self._event_id, mediation_id, parent=self, pick_files=self._pick_files
        )
        dialog.saved.connect(lambda _id: self.reload())
        self.mediation_dialog = dialog
        dialog.open()
        return dialog

    def _submit(self, form: ActionForm) -> None:
        user = self.ctx.user
        action = EventAction(
            event_id=self._event_id,
            kind=form.kind,
            actor=user.username,
            actor_role=user.role,
            at=self.ctx.store.clock.now(),  # append_action dates it when it is stored
            comment=form.comment(),
            assignee=form.assignee() if form.kind in SENDING else "",
            satisfaction=form.satisfaction() if form.kind is A.EVALUATE else None,
            deadline=form.deadline() if form.kind is A.REQUEST_EXTENSION else None,
        )
        photos = form.photos.photos()

        def work(uow: UnitOfWork) -> str:
            return append_action(uow, action, store_photos(uow, photos)).id

        def done(_action_id: object) -> None:
            form.accept()
            self.action_form = None
            self._set_actions([])  # the old steps must not be offered again meanwhile
            self.no_actions_label.setText(self.tr("Saved; updating…"))
            self.changed.emit(self._event_id)
            self.reload()

        def failed(exc: BaseException) -> None:
            form.failed(error_text(exc))

        self.ctx.write(work, on_done=done, on_error=failed)
