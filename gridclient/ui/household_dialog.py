"""One household (户): its details, members, visit history and events.

Everything the user changes here (the household and any number of its members) is
saved in ONE unit of work when they press Save; on an error the dialog stays open with
their input and says what to do. Members are removed by tombstone after a confirmation.
Moving a household to another grid (within the user's grids) clears its micro-grid.

The 帮扶/监测记录 tab lists the household's program records (低保, 防返贫监测 …, with their
dates): 新增 and open to edit in a :class:`~gridclient.ui.program_dialog.ProgramRecordDialog`,
saved at once with the program tag the record implies (the tag box here follows).

A stored household can also move out (迁出: date and destination; it then leaves the lists
and figures but keeps its record), be deleted with a reason (the reason is written, then
the household and its members are tombstoned; all of it syncs), or get a new head of
household (设为户主, the former head's new relation asked for).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.lookups import GridChoice, Lookups
from gridclient.storage.repositories import EventHistory, Repositories
from gridclient.storage.syncmeta import SyncKey, directory_names
from gridclient.storage.syncstate_queries import SyncStateQueries
from gridclient.storage.uow import UnitOfWork
from gridclient.ui.conflicts import ConflictsDialog, SyncBanner
from gridclient.ui.context import AppContext
from gridclient.ui.form_common import (
    Column,
    Confirm,
    DeleteWithReasonDialog,
    InlineMessage,
    RecordTableModel,
    ask,
    cst_text,
    emphasize,
    error_text,
    make_readable,
    make_table,
    may_see_sensitive,
)
from gridclient.ui.masked_field import MaskedField, mask_id_number, mask_phone
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.resident_form import ResidentForm
from gridclient.ui.screen_fit import fit_to_screen
from gridcore.domain import phone
from gridcore.domain.agegroups import effective_tags, today_cst
from gridcore.domain.catalog import EventCatalog, deadline_text, event_category_name
from gridcore.domain.entities import (
    Area,
    Household,
    ProgramRecord,
    Resident,
    Visit,
    new_id,
    utcnow,
)
from gridcore.domain.enums import EntityKind, HouseholdTag, Relation, SpecialGroup
from gridcore.domain.workflow import EventStatus, IllegalTransition, event_status


@dataclass(frozen=True)
class EventRow:
    history: EventHistory
    category: str
    status: EventStatus | None


@dataclass(frozen=True)
class HouseholdData:
    household: Household | None
    residents: list[Resident]
    visits: list[Visit]
    events: list[EventRow]
    programs: list[ProgramRecord]
    grids: list[GridChoice]
    micro_grids: dict[str, list[tuple[str, str]]]
    grid_name: str


def _event_rows(histories: list[EventHistory], catalog: EventCatalog) -> list[EventRow]:
    now = utcnow()
    rows = []
    for history in histories:
        event = history.event
        name = event_category_name(event, catalog)
        try:
            status: EventStatus | None = event_status(event, history.actions, catalog, now)
        except (IllegalTransition, KeyError):
            status = None
        rows.append(EventRow(history, name or event.category_code, status))
    return rows


def _cadre_names(repos: Repositories) -> list[str]:
    """The names of the users this laptop's directory holds, for the 包户干部 field."""
    return sorted(set(directory_names(repos.sync_state.get(SyncKey.DIRECTORY)).values()))


def load_household(
    repos: Repositories,
    lookups: Lookups,
    household_id: str | None,
    grid_id: str | None,
    scope: tuple[str, ...],
) -> HouseholdData:
    household = repos.records.get(Household, household_id) if household_id else None
    grids = lookups.grids_in_scope(scope)
    home = household.grid_id if household is not None else grid_id
    if home is not None and home not in {g.id for g in grids}:
        areas: dict[str, Area] = lookups.areas_by_id([home])
        if home in areas:
            grids.insert(0, GridChoice(home, areas[home].name, ""))
    micro = {g.id: lookups.micro_grids_of(g.id) for g in grids}
    grid_name = next((g.label for g in grids if g.id == home), "")
    if household is None:
        return HouseholdData(None, [], [], [], [], grids, micro, grid_name)
    return HouseholdData(
        household,
        repos.records.residents_of_household(household.id),
        repos.records.visits_of_household(household.id, current_only=True),
        _event_rows(lookups.events_of_household(household.id), repos.catalog.load()),
        repos.records.program_records_of_household(household.id),
        grids,
        micro,
        grid_name,
    )


class HouseholdDialog(QDialog):
    """View and edit a household; ``household_id`` None creates one in ``grid_id``."""

    saved = Signal(str)
    openHousehold = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        household_id: str | None,
        *,
        grid_id: str | None = None,
        micro_grid_id: str | None = None,
        parent: QWidget | None = None,
        on_open_household: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        if household_id is None and grid_id is None:
            raise ValueError("a new household needs its grid")
        make_readable(self)
        self.ctx = ctx
        self.confirm: Confirm = ask
        self.choose_relation: Callable[[str], Relation | None] = self._ask_relation
        self.move_out_form: MoveOutDialog | None = None
        self.delete_form: DeleteHouseholdDialog | None = None
        self._household_id = household_id
        self._grid_id = grid_id
        self._initial_micro = micro_grid_id
        self._original: Household | None = None
        self._residents: list[Resident] = []
        self._stored_residents: dict[str, Resident] = {}
        self._removed: set[str] = set()
        self._micro: dict[str, list[tuple[str, str]]] = {}
        self._loaded = False
        self.member_form: ResidentForm | None = None
        self.visit_detail: QDialog | None = None
        if on_open_household is not None:
            self.openHousehold.connect(on_open_household)
        self.setWindowTitle(
            self.tr("Household details") if household_id else self.tr("New household")
        )
        fit_to_screen(self, 1000, 720)

        self.heading = TextLabel()
        emphasize(self.heading, point_size=15)
        self.banner = InlineMessage()
        self.sync_banner = SyncBanner()
        self.sync_banner.open_conflicts.connect(self.open_conflicts)

        # -- details --
        self.address_edit = QLineEdit()
        self.address_error = InlineMessage()
        self.number_edit = QLineEdit()
        self._new_household_id = new_id()
        self.phone_holder = QWidget()
        phone_layout = QVBoxLayout(self.phone_holder)
        phone_layout.setContentsMargins(0, 0, 0, 0)
        self.phone_field = self._make_phone(None, "")
        self.phone_error = InlineMessage()
        self.grid_combo = QComboBox()
        self.grid_combo.currentIndexChanged.connect(self._grid_changed)
        self.move_note = InlineMessage(warning=True)
        self.micro_combo = QComboBox()
        # 五级五长包户: who answers for this household; the completer offers the names
        # of the users this laptop knows (any name and post may be typed).
        self.cadre_edit = QLineEdit()
        self.cadre_edit.setPlaceholderText(self.tr("Name and post"))
        self.cadre_edit.setToolTip(self.tr("Name and post, e.g. 村支书 张建国"))
        self.ctx.read(_cadre_names, self._set_cadre_names)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(60)
        self.tag_boxes: dict[HouseholdTag, QCheckBox] = {}
        tags_box = QGroupBox(self.tr("Household tags"))
        tags_layout = QGridLayout(tags_box)
        for i, tag in enumerate(HouseholdTag):
            box = QCheckBox(tag.label)
            self.tag_boxes[tag] = box
            tags_layout.addWidget(box, i // 3, i % 3)

        form = QFormLayout()
        form.addRow(self.tr("Address"), self.address_edit)
        form.addRow("", self.address_error)
        form.addRow(self.tr("Household no."), self.number_edit)
        form.addRow(self.tr("Phone"), self.phone_holder)
        form.addRow("", self.phone_error)
        form.addRow(self.tr("Grid"), self.grid_combo)
        form.addRow("", self.move_note)
        # Micro-grid and cadre share a row: the dialog must fit 1366×768 at 125 %.
        micro_row = QHBoxLayout()
        micro_row.addWidget(self.micro_combo, 3)
        micro_row.addWidget(TextLabel(self.tr("Cadre in charge")))
        micro_row.addWidget(self.cadre_edit, 2)
        form.addRow(self.tr("Micro-grid"), micro_row)
        form.addRow(self.tr("Notes"), self.notes_edit)

        # -- members --
        self._sensitive_ok = may_see_sensitive(ctx.user, grid_id or "")
        self.resident_model: RecordTableModel[Resident] = RecordTableModel(
            [
                Column(self.tr("Name"), lambda r: r.name),
                Column(self.tr("Relation"), lambda r: r.relation.label),
                Column(self.tr("Gender"), lambda r: r.gender.label if r.gender else ""),
                Column(
                    self.tr("Birth date"),
                    lambda r: r.birth_date.isoformat() if r.birth_date else "",
                ),
                Column(self.tr("ID number"), lambda r: mask_id_number(r.id_number)),
                Column(self.tr("Phone"), lambda r: mask_phone(r.phone)),
                Column(self.tr("Special groups"), self._group_text),
            ],
            self,
        )
        self.resident_table = make_table(self.resident_model)
        self.resident_table.doubleClicked.connect(lambda _i: self.edit_resident())
        self.add_button = QPushButton(self.tr("Add resident…"))
        self.add_button.clicked.connect(self.add_resident)
        self.edit_button = QPushButton(self.tr("Edit resident…"))
        self.edit_button.clicked.connect(self.edit_resident)
        self.remove_button = QPushButton(self.tr("Remove resident"))
        self.remove_button.clicked.connect(self.remove_resident)
        self.head_button = QPushButton(self.tr("Make head of household"))
        self.head_button.clicked.connect(self.make_head)
        member_buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button, self.head_button):
            member_buttons.addWidget(button)
        member_buttons.addStretch(1)
        members_box = QGroupBox(self.tr("Members"))
        members_layout = QVBoxLayout(members_box)
        members_layout.addWidget(self.resident_table)
        members_layout.addLayout(member_buttons)

        details_page = QWidget()
        top = QHBoxLayout()
        top.addLayout(form, 3)
        top.addWidget(tags_box, 2)
        details_layout = QVBoxLayout(details_page)
        details_layout.addLayout(top)
        details_layout.addWidget(members_box, 1)

        # -- visits and events --
        self.visit_model: RecordTableModel[Visit] = RecordTableModel(
            [
                Column(self.tr("Date"), lambda v: cst_text(v.visited_at)),
                Column(self.tr("Method"), lambda v: v.method.label),
                Column(self.tr("Content"), lambda v: v.content),
                Column(self.tr("Visitor"), lambda v: self.ctx.person(v.visitor)),
            ],
            self,
        )
        self.visit_table = make_table(self.visit_model)
        self.visit_table.doubleClicked.connect(lambda _i: self.open_visit())
        self.visit_table.setToolTip(self.tr("Double-click a visit to see all of it"))
        self.event_model: RecordTableModel[EventRow] = RecordTableModel(
            [
                Column(self.tr("Category"), lambda e: e.category),
                Column(self.tr("Title"), lambda e: e.history.event.title),
                Column(self.tr("State"), lambda e: e.status.state.label if e.status else ""),
                Column(
                    self.tr("Deadline"),
                    lambda e: deadline_text(e.status.deadline) if e.status else "",
                ),
                Column(
                    self.tr("Overdue"),
                    lambda e: self.tr("Overdue") if e.status and e.status.overdue else "",
                    alert=lambda e: bool(e.status and e.status.overdue),
                ),
            ],
            self,
        )
        self.event_table = make_table(self.event_model)
        self.event_table.doubleClicked.connect(self._open_event)

        # -- program records (帮扶/监测记录) --
        self.program_model: RecordTableModel[ProgramRecord] = RecordTableModel(
            [
                Column(self.tr("Program"), lambda r: r.program.label),
                Column(self.tr("Since"), lambda r: r.started_on.isoformat()),
                Column(self.tr("Until"), lambda r: r.ended_on.isoformat() if r.ended_on else ""),
                Column(self.tr("Status"), self._program_state),
                Column(self.tr("Risk type"), lambda r: r.risk_type.label if r.risk_type else ""),
                Column(self.tr("Measures"), lambda r: r.measures),
                Column(
                    self.tr("Amount (yuan)"), lambda r: "" if r.amount is None else str(r.amount)
                ),
            ],
            self,
        )
        self.program_table = make_table(self.program_model)
        self.program_table.doubleClicked.connect(lambda _i: self.open_program_record())
        self.program_table.setToolTip(self.tr("Double-click a record to open it"))
        self.add_program_button = QPushButton(self.tr("New record…"))
        self.add_program_button.clicked.connect(lambda: self.new_program_record())
        self.open_program_button = QPushButton(self.tr("Open record…"))
        self.open_program_button.clicked.connect(self.open_program_record)
        program_buttons = QHBoxLayout()
        program_buttons.addWidget(self.add_program_button)
        program_buttons.addWidget(self.open_program_button)
        program_buttons.addStretch(1)
        program_page = QWidget()
        program_layout = QVBoxLayout(program_page)
        program_layout.addWidget(self.program_table, 1)
        program_layout.addLayout(program_buttons)
        self.program_form: QDialog | None = None
        self._programs: list[ProgramRecord] = []

        self.tabs = QTabWidget()
        self.tabs.addTab(details_page, self.tr("Household and members"))
        self.tabs.addTab(program_page, self.tr("Programs and monitoring"))
        self.tabs.addTab(self.visit_table, self.tr("Visits"))
        self.tabs.addTab(self.event_table, self.tr("Events"))

        self.visit_button = QPushButton(self.tr("Record visit…"))
        self.visit_button.clicked.connect(self._record_visit)
        self.event_button = QPushButton(self.tr("Report event…"))
        self.event_button.clicked.connect(self._report_event)
        self.move_out_button = QPushButton(self.tr("Move out…"))
        self.move_out_button.setToolTip(
            self.tr("The household left: it leaves the lists and figures, its record stays")
        )
        self.move_out_button.clicked.connect(self.move_out)
        self.delete_button = QPushButton(self.tr("Delete household…"))
        self.delete_button.setToolTip(
            self.tr("Registered by mistake or twice: delete with a reason")
        )
        self.delete_button.clicked.connect(self.delete_household)
        for button in (self.move_out_button, self.delete_button):
            button.setEnabled(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.save_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.visit_button)
        bottom.addWidget(self.event_button)
        bottom.addWidget(self.move_out_button)
        bottom.addWidget(self.delete_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.sync_banner)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self._set_busy(self.tr("Loading…"))
        self.tabs.setEnabled(False)  # read-only until loaded: nothing typed is overwritten
        self.reload()

    # -- loading ------------------------------------------------------------------------

    def _set_busy(self, text: str) -> None:
        self.heading.setText(text)

    def reload(self) -> None:
        lookups = Lookups(self.ctx.store.engine)
        household_id, grid_id, scope = self._household_id, self._grid_id, self.ctx.user.grid_ids
        self.ctx.read(
            lambda repos: load_household(repos, lookups, household_id, grid_id, scope),
            self._fill,
            self._load_failed,
        )
        self.reload_sync_state()

    # -- sync state ---------------------------------------------------------------------

    def reload_sync_state(self) -> None:
        """The banner: what of this household has not reached the server yet."""
        household_id = self._household_id
        if household_id is None:
            return
        queries = SyncStateQueries(self.ctx.store.engine)
        self.ctx.runner.submit(
            lambda _ctx: queries.household_state(household_id),
            on_done=self.sync_banner.show_state,
        )

    def open_conflicts(self) -> None:
        """The conflicts of this household, in their own window (modal: decisions are
        written while this dialog shows the record, which reloads afterwards)."""
        dialog = ConflictsDialog(self.ctx, self._household_id, self)
        dialog.view.confirm = self.confirm
        self.conflicts_dialog = dialog
        decided: list[str] = []
        dialog.view.resolved.connect(decided.append)
        # A kept value may have changed what this dialog shows: load it again then.
        dialog.finished.connect(
            lambda _result: self.reload() if decided else self.reload_sync_state()
        )
        dialog.open()

    def _load_failed(self, exc: BaseException) -> None:
        self.banner.show_message(error_text(exc))

    def _fill(self, data: HouseholdData) -> None:
        household = data.household
        if self._household_id is not None and (household is None or household.deleted):
            self.banner.show_message(
                self.tr("This household no longer exists (deleted or moved out of your area).")
            )
            return
        self._original = household
        self.tabs.setEnabled(True)
        home = household.grid_id if household is not None else self._grid_id
        assert home is not None
        self._sensitive_ok = may_see_sensitive(self.ctx.user, home)
        self._micro = data.micro_grids
        self.grid_combo.blockSignals(True)
        self.grid_combo.clear()
        for grid in data.grids:
            self.grid_combo.addItem(grid.label, grid.id)
        self.grid_combo.setCurrentIndex(max(0, self.grid_combo.findData(home)))
        self.grid_combo.blockSignals(False)
        self._fill_micro(home, household.micro_grid_id if household else self._initial_micro)
        if household is not None:
            self.heading.setText(
                self.tr("{address} · {grid}").format(address=household.address, grid=data.grid_name)
            )
            self.address_edit.setText(household.address)
            self.number_edit.setText(household.number)
            self.phone_field = self._make_phone(household.id, household.phone)
            for tag, box in self.tag_boxes.items():
                box.setChecked(tag in household.tags)
            self.notes_edit.setPlainText(household.notes)
            self.cadre_edit.setText(household.cadre)
        else:
            self.heading.setText(self.tr("New household · {grid}").format(grid=data.grid_name))
        self._residents = _head_first(data.residents)
        self._stored_residents = {r.id: r for r in data.residents}
        self._removed = set()
        self.resident_model.set_rows(self._residents)
        if household is not None and household.moved_out_on is not None:
            self.banner.show_message(
                self.tr("This household moved out on {date} (to {place}).").format(
                    date=household.moved_out_on.isoformat(), place=household.moved_to or "—"
                )
            )
        self.visit_model.set_rows(data.visits)
        self.event_model.set_rows(data.events)
        self._set_programs(data.programs)
        for button in (self.add_program_button, self.open_program_button):
            button.setEnabled(household is not None)
        self.visit_button.setEnabled(household is not None)
        self.event_button.setEnabled(household is not None)
        self.move_out_button.setEnabled(household is not None and household.moved_out_on is None)
        self.delete_button.setEnabled(household is not None)
        self.save_button.setEnabled(True)
        self._loaded = True
        self.address_edit.setFocus()

    # -- program records ----------------------------------------------------------------

    def _program_state(self, record: ProgramRecord) -> str:
        if record.status is not None:
            return record.status.label
        return self.tr("Ongoing") if record.open else self.tr("Ended")

    def _set_programs(self, records: list[ProgramRecord]) -> None:
        self._programs = records
        self.program_model.set_rows(records)
        count = sum(1 for r in records if r.open)
        title = self.tr("Programs and monitoring")
        self.tabs.setTabText(1, f"{title} ({count})" if count else title)

    def selected_program_record(self) -> ProgramRecord | None:
        rows = self.program_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self._programs[rows[0].row()]

    def new_program_record(self, program: object = None) -> None:
        self._program_dialog(None, program)

    def open_program_record(self) -> None:
        record = self.selected_program_record()
        if record is not None:
            self._program_dialog(record, None)

    def _program_dialog(self, record: ProgramRecord | None, program: object) -> None:
        from gridclient.ui.program_dialog import ProgramRecordDialog
        from gridcore.domain.enums import Program

        original = self._original
        if original is None:
            return
        dialog = ProgramRecordDialog(
            self.ctx,
            original,
            record,
            list(self._programs),
            program=program if isinstance(program, Program) else None,
            parent=self,
        )
        dialog.confirm = self.confirm
        dialog.saved.connect(self._program_saved)
        self.program_form = dialog
        dialog.open()

    def _program_saved(self, result: object) -> None:
        """The record is stored; when its tag changed, the tag boxes follow and the
        stored tags become this dialog's base, so Save keeps them."""
        from gridclient.ui.program_dialog import SavedRecord

        assert isinstance(result, SavedRecord)
        if result.tags is not None and self._original is not None:
            before = self._original.tags
            for tag, box in self.tag_boxes.items():
                if tag in result.tags and tag not in before:
                    box.setChecked(True)
                elif tag in before and tag not in result.tags:
                    box.setChecked(False)
            self._original = dataclasses.replace(self._original, tags=result.tags)
        household_id = self._household_id
        if household_id is None:
            return
        self.ctx.read(
            lambda repos: repos.records.program_records_of_household(household_id),
            self._set_programs,
        )

    def _make_phone(self, household_id: str | None, value: str) -> MaskedField:
        """The phone field for the loaded household (masked once it is stored)."""
        layout = self.phone_holder.layout()
        assert layout is not None
        if hasattr(self, "phone_field"):
            layout.removeWidget(self.phone_field)
            self.phone_field.deleteLater()
        field = MaskedField(
            self.ctx, EntityKind.HOUSEHOLD, household_id, "phone", value, masker=mask_phone
        )
        field.revealFailed.connect(self.banner.show_message)
        layout.addWidget(field)
        return field

    def _fill_micro(self, grid_id: str, current: str | None) -> None:
        self.micro_combo.clear()
        self.micro_combo.addItem(self.tr("(none)"), None)
        for micro_id, name in self._micro.get(grid_id, []):
            self.micro_combo.addItem(name, micro_id)
        self.micro_combo.setCurrentIndex(max(0, self.micro_combo.findData(current)))

    def _grid_changed(self, _index: int) -> None:
        grid_id = self.grid_combo.currentData()
        if not isinstance(grid_id, str):
            return
        home = self._original.grid_id if self._original is not None else self._grid_id
        moving = self._original is not None and grid_id != home
        self.move_note.show_message(
            self.tr(
                "The household will move to this grid when you save; its micro-grid is cleared."
            )
            if moving
            else ""
        )
        keep = self._original.micro_grid_id if self._original and not moving else None
        self._fill_micro(grid_id, keep)

    # -- members ------------------------------------------------------------------------

    def _group_text(self, resident: Resident) -> str:
        tags = effective_tags(resident, today_cst())  # 老年人 60+/80+ from the birth date
        shown = [
            g.label for g in SpecialGroup if g in tags and (self._sensitive_ok or not g.sensitive)
        ]
        return "、".join(shown)

    def _siblings(self, exclude: str) -> dict[str, str]:
        return {r.id_number: r.name for r in self._residents if r.id_number and r.id != exclude}

    def _home_grid(self) -> str:
        grid_id = self.grid_combo.currentData()
        if isinstance(grid_id, str):
            return grid_id
        assert self._grid_id is not None or self._original is not None
        return self._original.grid_id if self._original is not None else str(self._grid_id)

    def resident_form(
        self, resident: Resident, *, stored: bool, ask_relation: bool = False
    ) -> ResidentForm:
        form = ResidentForm(
            self.ctx,
            resident,
            grid_id=self._home_grid(),
            stored=stored,
            siblings=self._siblings(resident.id),
            ask_relation=ask_relation,
            parent=self,
        )
        form.openHousehold.connect(self.openHousehold)
        form.accepted.connect(lambda: self.accept_resident(form))
        self.member_form = form
        return form

    def new_resident_form(self) -> ResidentForm:
        """A new member: the head when the household has none yet (its first member),
        else the relation must be chosen (no silent 其他)."""
        household_id = self._household_id or self._pending_id()
        has_head = any(r.relation is Relation.HEAD for r in self._residents)
        resident = Resident(household_id=household_id, name="", relation=Relation.HEAD)
        return self.resident_form(resident, stored=False, ask_relation=has_head)

    def _pending_id(self) -> str:
        return self._new_household_id

    def add_resident(self) -> None:
        self.new_resident_form().open()

    def accept_resident(self, form: ResidentForm) -> None:
        """Take the form's result into the member list (saved with the household)."""
        edited = form.result_resident()
        if edited is None:
            return
        for i, resident in enumerate(self._residents):
            if resident.id == edited.id:
                self._residents[i] = edited
                break
        else:
            self._residents.append(edited)
        self._residents = _head_first(self._residents)
        self.resident_model.set_rows(self._residents)

    def selected_resident(self) -> Resident | None:
        rows = self.resident_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.resident_model.row_at(rows[0].row())

    def edit_resident(self) -> None:
        resident = self.selected_resident()
        if resident is None:
            return
        self.resident_form(resident, stored=resident.id in self._stored_residents).open()

    def remove_resident(self) -> None:
        resident = self.selected_resident()
        if resident is None:
            return
        question = self.tr(
            "Remove {name} from this household? The record is marked deleted when you save."
        ).format(name=resident.name)
        if not self.confirm(self, self.tr("Remove resident"), question):
            return
        self._residents = [r for r in self._residents if r.id != resident.id]
        if resident.id in self._stored_residents:
            self._removed.add(resident.id)
        self.resident_model.set_rows(self._residents)

    def make_head(self) -> None:
        """设为户主: the selected member becomes the head; the former head (if any) gets
        the relation the user picks. Saved with the household."""
        resident = self.selected_resident()
        if resident is None or resident.relation is Relation.HEAD:
            return
        former = next((r for r in self._residents if r.relation is Relation.HEAD), None)
        new_relation: Relation | None = None
        if former is not None:
            new_relation = self.choose_relation(former.name)
            if new_relation is None:
                return
        changed = []
        for member in self._residents:
            if member.id == resident.id:
                member = dataclasses.replace(member, relation=Relation.HEAD)
            elif former is not None and member.id == former.id and new_relation is not None:
                member = dataclasses.replace(member, relation=new_relation)
            changed.append(member)
        self._residents = _head_first(changed)
        self.resident_model.set_rows(self._residents)

    def _ask_relation(self, name: str) -> Relation | None:
        choices = [r for r in Relation if r is not Relation.HEAD]
        label, ok = QInputDialog.getItem(
            self,
            self.tr("Former head of household"),
            self.tr("{name} is no longer the head. Their relation to the new head:").format(
                name=name
            ),
            [r.label for r in choices],
            0,
            False,
        )
        return next((r for r in choices if r.label == label), None) if ok else None

    # -- moving out and deleting ----------------------------------------------------------

    def move_out(self) -> None:
        """Open the 迁出 form (window-modal, not blocking the event loop)."""
        if self._original is None or self._original.moved_out_on is not None:
            return
        form = MoveOutDialog(self)
        form.accepted.connect(lambda: self._move_out(form))
        self.move_out_form = form
        form.open()

    def _move_out(self, form: MoveOutDialog) -> None:
        original = self._original
        if original is None:
            return
        moved = dataclasses.replace(original, moved_out_on=form.day(), moved_to=form.place())

        def work(uow: UnitOfWork) -> str:
            uow.update(moved, base=original)
            return moved.id

        self.ctx.write(work, on_done=self._saved, on_error=self._save_failed)

    def delete_household(self) -> None:
        """Open the delete form (a reason is required)."""
        if self._original is None:
            return
        form = DeleteHouseholdDialog(len(self._stored_residents), self)
        form.accepted.connect(lambda: self._delete(form))
        self.delete_form = form
        form.open()

    def _delete(self, form: DeleteHouseholdDialog) -> None:
        original = self._original
        if original is None:
            return
        reason = form.reason()
        member_ids = sorted(self._stored_residents)
        record_ids = sorted(r.id for r in self._programs)

        def work(uow: UnitOfWork) -> str:
            # The reason first (its own op, kept in the history), then the tombstones:
            # members and program records go with the household registered by mistake.
            uow.update(dataclasses.replace(original, removal_reason=reason), base=original)
            for resident_id in member_ids:
                uow.delete(EntityKind.RESIDENT, resident_id)
            for record_id in record_ids:
                uow.delete(EntityKind.PROGRAM_RECORD, record_id)
            uow.delete(EntityKind.HOUSEHOLD, original.id)
            return original.id

        self.ctx.write(work, on_done=self._saved, on_error=self._save_failed)

    # -- saving -------------------------------------------------------------------------

    def edited_household(self) -> Household | None:
        address = self.address_edit.text().strip()
        self.address_error.show_message("" if address else self.tr("Enter the address."))
        phone_text = self.phone_field.value()
        phone_ok = True
        if phone_text:
            try:
                phone_text = phone.parse(phone_text).number
                self.phone_error.show_message("")
            except phone.InvalidPhone as exc:
                self.phone_error.show_message(exc.message)
                phone_ok = False
        else:
            self.phone_error.show_message("")
        if not address or not phone_ok:
            return None
        grid_id = self._home_grid()
        micro = self.micro_combo.currentData()
        base = self._original or Household(id=self._pending_id(), grid_id=grid_id, address="")
        return dataclasses.replace(
            base,
            grid_id=grid_id,
            address=address,
            number=self.number_edit.text().strip(),
            phone=phone_text,
            micro_grid_id=micro if isinstance(micro, str) else None,
            tags=frozenset(t for t, box in self.tag_boxes.items() if box.isChecked()),
            notes=self.notes_edit.toPlainText().strip(),
            cadre=self.cadre_edit.text().strip(),
        )

    def _set_cadre_names(self, names: list[str]) -> None:
        completer = QCompleter(names, self.cadre_edit)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.cadre_edit.setCompleter(completer)

    def save(self) -> None:
        if not self._loaded:
            return
        household = self.edited_household()
        if household is None:
            self.banner.show_message(self.tr("Some fields need attention (shown in red)."))
            return
        original = self._original
        stored = dict(self._stored_residents)
        residents = [dataclasses.replace(r, household_id=household.id) for r in self._residents]
        removed = sorted(self._removed)

        def work(uow: UnitOfWork) -> str:
            if original is None:
                uow.create(household)
            else:
                uow.update(household, base=original)
            for resident in residents:
                base = stored.get(resident.id)
                if base is None:
                    uow.create(resident)
                elif resident != base:
                    uow.update(resident, base=base)
            for resident_id in removed:
                uow.delete(EntityKind.RESIDENT, resident_id)
            return household.id

        self.save_button.setEnabled(False)
        self.banner.show_message("")
        self.ctx.write(work, on_done=self._saved, on_error=self._save_failed)

    def _saved(self, household_id: object) -> None:
        assert isinstance(household_id, str)
        self.saved.emit(household_id)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.banner.show_message(error_text(exc))

    # -- related dialogs ----------------------------------------------------------------

    def _record_visit(self) -> None:
        from gridclient.ui.visit_dialog import VisitDialog

        if self._original is None:
            return
        dialog = VisitDialog(self.ctx, self._original.id, parent=self)
        dialog.saved.connect(lambda _id: self.reload_history())
        dialog.open()

    def open_visit(self) -> None:
        """The selected visit, read-only, with its photos and a 更正 button."""
        from gridclient.ui.visit_detail import VisitDetailDialog

        rows = self.visit_table.selectionModel().selectedRows()
        if not rows:
            return
        visit = self.visit_model.row_at(rows[0].row())
        dialog = VisitDetailDialog(self.ctx, visit.id, parent=self)
        dialog.corrected.connect(lambda _id: self.reload_history())
        self.visit_detail = dialog
        dialog.open()

    def _report_event(self) -> None:
        from gridclient.ui.event_dialogs import EventReportDialog

        if self._original is None:
            return
        dialog = EventReportDialog(self.ctx, self._original.grid_id, self._original.id, parent=self)
        dialog.reported.connect(lambda _id: self.reload_history())
        dialog.open()

    def _open_event(self) -> None:
        from gridclient.ui.event_dialogs import EventDialog

        rows = self.event_table.selectionModel().selectedRows()
        if not rows:
            return
        event_id = self.event_model.row_at(rows[0].row()).history.event.id
        dialog = EventDialog(self.ctx, event_id, parent=self)
        dialog.open()

    def reload_history(self) -> None:
        """Refresh visits and events only: the user's unsaved edits stay."""
        if self._original is None:
            return
        lookups = Lookups(self.ctx.store.engine)
        household_id = self._original.id

        def read(repos: Repositories) -> tuple[list[Visit], list[EventRow]]:
            histories = lookups.events_of_household(household_id)
            return (
                repos.records.visits_of_household(household_id, current_only=True),
                _event_rows(histories, repos.catalog.load()),
            )

        self.ctx.read(read, self._fill_history, self._load_failed)

    def _fill_history(self, result: tuple[list[Visit], list[EventRow]]) -> None:
        visits, events = result
        self.visit_model.set_rows(visits)
        self.event_model.set_rows(events)


def _head_first(residents: list[Resident]) -> list[Resident]:
    """Members as a household register lists them: the head first, then as they were."""
    return sorted(residents, key=lambda r: r.relation is not Relation.HEAD)


class MoveOutDialog(QDialog):
    """迁出: when the household left and where to (both required)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Move out"))
        make_readable(self)
        today = today_cst()
        self.date_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText(self.tr("e.g. 县城幸福小区 or 外省务工"))
        self.error = InlineMessage()
        form = QFormLayout()
        form.addRow(self.tr("Moved out on"), self.date_edit)
        form.addRow(self.tr("Moved to"), self.place_edit)
        form.addRow("", self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Move out"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            TextLabel(
                self.tr(
                    "The household leaves the lists, figures and rosters; its record, "
                    "members and history are kept."
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(buttons)

    def day(self) -> dt.date:
        value = self.date_edit.date()
        return dt.date(value.year(), value.month(), value.day())

    def place(self) -> str:
        return self.place_edit.text().strip()

    def _ok(self) -> None:
        if not self.place():
            self.error.show_message(self.tr("Enter where the household moved to."))
            return
        self.accept()


class DeleteHouseholdDialog(DeleteWithReasonDialog):
    """Delete a household record with a reason (registered by mistake, twice, …)."""

    def __init__(self, members: int, parent: QWidget | None = None) -> None:
        super().__init__(
            title=self.tr("Delete household"),
            reasons=[
                self.tr("Registered by mistake"),
                self.tr("Registered twice"),
                self.tr("The household no longer exists"),
            ],
            note=self.tr(
                "The household and its %n member(s) are marked deleted on every computer "
                "after the next sync. Use “Move out” for a household that left.",
                "",
                members,
            ),
            missing_detail=self.tr("Write down why the household is deleted."),
            parent=parent,
        )
