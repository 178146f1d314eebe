"""Conflicts to review (冲突) and the per-household sync banner.

A conflict is a value that lost a same-field race on the server (or an edit that met a
delete): the server applied the later arrival and kept the other value here. The view
lists the open ones with the household and the record, shows base, mine and theirs for
people (field and enum labels in Chinese, ID and phone numbers masked until revealed,
the reveal logged), and lets the roles allowed to decide keep either side: a grid worker
who wrote one of the two values, township staff and administrators (the server checks
the same rule). The decision is a ``resolve`` op queued through
:meth:`AppContext.write`, so it works offline and every list refreshes; the kept value
shows at once and the conflict leaves the list once the server confirms it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.lookups import Lookups
from gridclient.storage.syncmeta import kept_side
from gridclient.storage.syncstate_queries import (
    REFUSED_REASONS,
    ConflictEntry,
    HouseholdSyncState,
    RefusedRegistration,
    SyncState,
    SyncStateQueries,
)
from gridclient.storage.uow import Settlement
from gridclient.ui.context import AppContext, ChangeSet, UserInfo
from gridclient.ui.form_common import (
    Column,
    Confirm,
    InlineMessage,
    RecordTableModel,
    ask,
    cst_text,
    emphasize,
    error_text,
    make_readable,
    make_table,
    tint,
)
from gridclient.ui.masked_field import mask_field
from gridclient.ui.plaintext import TextLabel, escape
from gridclient.ui.screen_fit import fit_to_screen
from gridclient.ui.tasks import TaskContext
from gridcore.domain.enums import (
    DisabilityCategory,
    EntityKind,
    Gender,
    HouseholdTag,
    MediationAgreement,
    MediationOutcome,
    MonitorStatus,
    OrganizationKind,
    PlaceKind,
    PopulationType,
    Program,
    Relation,
    ResidenceStatus,
    RiskLevel,
    RiskType,
    Role,
    SpecialGroup,
)

__all__ = [
    "ConflictModel",
    "ConflictsDialog",
    "ConflictsView",
    "SyncBanner",
    "field_label",
    "format_value",
    "may_resolve",
]

_SENSITIVE = frozenset({"id_number", "phone", "guardian_phone", "disability_certificate"})
_AREA_FIELDS = frozenset({"grid_id", "micro_grid_id"})
_ENUMS: dict[tuple[EntityKind, str], type[StrEnum]] = {
    (EntityKind.RESIDENT, "gender"): Gender,
    (EntityKind.RESIDENT, "relation"): Relation,
    (EntityKind.RESIDENT, "population_type"): PopulationType,
    (EntityKind.RESIDENT, "residence_status"): ResidenceStatus,
    (EntityKind.RESIDENT, "tags"): SpecialGroup,
    (EntityKind.RESIDENT, "disability_category"): DisabilityCategory,
    (EntityKind.HOUSEHOLD, "tags"): HouseholdTag,
    (EntityKind.ORGANIZATION, "kind"): OrganizationKind,
    (EntityKind.MEDIATION, "outcome"): MediationOutcome,
    (EntityKind.MEDIATION, "agreement_kind"): MediationAgreement,
    (EntityKind.PLACE, "kind"): PlaceKind,
    (EntityKind.PLACE, "risk_level"): RiskLevel,
    (EntityKind.PROGRAM_RECORD, "program"): Program,
    (EntityKind.PROGRAM_RECORD, "status"): MonitorStatus,
    (EntityKind.PROGRAM_RECORD, "risk_type"): RiskType,
}


def _field_labels() -> dict[str, str]:
    # Literal calls, so that lupdate finds every label.
    return {
        "grid_id": QCoreApplication.translate("conflicts", "Grid"),
        "address": QCoreApplication.translate("conflicts", "Address"),
        "number": QCoreApplication.translate("conflicts", "Household no."),
        "micro_grid_id": QCoreApplication.translate("conflicts", "Micro-grid"),
        "phone": QCoreApplication.translate("conflicts", "Phone"),
        "tags": QCoreApplication.translate("conflicts", "Tags"),
        "notes": QCoreApplication.translate("conflicts", "Notes"),
        "household_id": QCoreApplication.translate("conflicts", "Household"),
        "name": QCoreApplication.translate("conflicts", "Name"),
        "id_number": QCoreApplication.translate("conflicts", "ID number"),
        "id_type": QCoreApplication.translate("conflicts", "Document type"),
        "gender": QCoreApplication.translate("conflicts", "Gender"),
        "birth_date": QCoreApplication.translate("conflicts", "Date of birth"),
        "relation": QCoreApplication.translate("conflicts", "Relation to head"),
        "ethnicity": QCoreApplication.translate("conflicts", "Ethnicity"),
        "population_type": QCoreApplication.translate("conflicts", "Population type"),
        "residence_status": QCoreApplication.translate("conflicts", "Residence status"),
        "disability_category": QCoreApplication.translate("conflicts", "Disability category"),
        "disability_grade": QCoreApplication.translate("conflicts", "Disability grade"),
        "workplace": QCoreApplication.translate("conflicts", "Workplace or school"),
        "disability_certificate": QCoreApplication.translate(
            "conflicts", "Disability certificate no."
        ),
        "guardian": QCoreApplication.translate("conflicts", "Guardian"),
        "guardian_phone": QCoreApplication.translate("conflicts", "Guardian's phone"),
        "issuer": QCoreApplication.translate("conflicts", "Issuing body"),
        "kind": QCoreApplication.translate("conflicts", "Type"),
        "leader": QCoreApplication.translate("conflicts", "Person in charge"),
        "members": QCoreApplication.translate("conflicts", "Members"),
        "code": QCoreApplication.translate("conflicts", "Area code"),
        "level": QCoreApplication.translate("conflicts", "Level"),
        "parent_id": QCoreApplication.translate("conflicts", "Parent area"),
        "mediator": QCoreApplication.translate("conflicts", "Mediator"),
        "committee": QCoreApplication.translate("conflicts", "Mediation committee"),
        "parties": QCoreApplication.translate("conflicts", "Parties"),
        "sessions": QCoreApplication.translate("conflicts", "Mediation sessions"),
        "agreement": QCoreApplication.translate("conflicts", "Agreement text"),
        "agreement_kind": QCoreApplication.translate("conflicts", "Agreement form"),
        "outcome": QCoreApplication.translate("conflicts", "Mediation outcome"),
        "follow_up": QCoreApplication.translate("conflicts", "Follow-up"),
        "contact": QCoreApplication.translate("conflicts", "Person in charge"),
        "risk_level": QCoreApplication.translate("conflicts", "Risk level"),
        "is_key": QCoreApplication.translate("conflicts", "Key place"),
        "program": QCoreApplication.translate("conflicts", "Program"),
        "started_on": QCoreApplication.translate("conflicts", "Identified or granted on"),
        "ended_on": QCoreApplication.translate("conflicts", "Cleared or stopped on"),
        "status": QCoreApplication.translate("conflicts", "Monitoring status"),
        "risk_type": QCoreApplication.translate("conflicts", "Risk type"),
        "measures": QCoreApplication.translate("conflicts", "Measures"),
        "amount": QCoreApplication.translate("conflicts", "Amount (yuan)"),
        "approved_by": QCoreApplication.translate("conflicts", "Approved by"),
    }


def _edit_of(entry: Any) -> dict[str, Any]:
    """The edit of a whole-record conflict (whichever side holds it), else empty."""
    for value in (entry.mine, entry.theirs):
        if isinstance(value, dict):
            return value
    return {}


def field_label(field: str, kind: EntityKind | None = None) -> str:
    """The Chinese label of a field (of a record of ``kind`` where names differ by
    kind); empty ``field``: the whole record (edit after delete)."""
    if not field:
        return QCoreApplication.translate(
            "conflicts", "Whole record (an edit and a deletion crossed)"
        )
    if field == "started_on" and kind is EntityKind.MEDIATION:
        return QCoreApplication.translate("conflicts", "Mediation started on")
    return _field_labels().get(field, field)


def _enum_text(cls: type[StrEnum], code: Any) -> str:
    try:
        member = cls(code)
    except ValueError:
        return str(code)  # a code from a newer server: show it rather than hide it
    return str(getattr(member, "label", member.value))


def format_value(
    kind: EntityKind,
    field: str,
    value: Any,
    *,
    revealed: bool = False,
    area_names: Mapping[str, str] | None = None,
) -> str:
    """A wire value as people read it: labels for codes, names for areas, masked
    numbers unless ``revealed``, and the edit of an edit-after-delete field by field."""
    if not field:
        if value is None:
            return QCoreApplication.translate("conflicts", "(deleted)")
        if isinstance(value, dict):
            parts = [
                f"{field_label(name, kind)}：{format_value(kind, name, new, revealed=revealed, area_names=area_names)}"  # noqa: E501
                for name, new in value.items()
            ]
            return "；".join(parts)
    if value is None or value == "" or value == []:
        return QCoreApplication.translate("conflicts", "(empty)")
    if field in _SENSITIVE and isinstance(value, str) and not revealed:
        return mask_field(field, value)
    enum = _ENUMS.get((kind, field))
    if enum is not None:
        if isinstance(value, list):
            return "、".join(_enum_text(enum, v) for v in value)
        return _enum_text(enum, value)
    if field in _AREA_FIELDS | {"household_id", "parent_id"} and isinstance(value, str):
        return (area_names or {}).get(value, value)
    if isinstance(value, bool):
        return (
            QCoreApplication.translate("conflicts", "Yes")
            if value
            else QCoreApplication.translate("conflicts", "No")
        )
    if field == "birth_date" and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%Y-%m-%d")
        except ValueError:
            return value
    if field == "sessions" and isinstance(value, list):  # a mediation's {on, place, note}
        return "；".join(
            " ".join(str(part) for part in (s.get("on"), s.get("place"), s.get("note")) if part)
            if isinstance(s, dict)
            else str(s)
            for s in value
        )
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def may_resolve(user: UserInfo, entry: ConflictEntry) -> bool:
    """The server's rule, mirrored so that nobody is offered a button that will be
    refused: township staff and administrators, or a grid worker who wrote one side."""
    if user.role in (Role.TOWNSHIP, Role.ADMIN):
        return True
    return user.username in (entry.server_user, entry.incoming_user)


def _is_party(user: UserInfo, entry: ConflictEntry) -> bool:
    return entry.mine_side is not None or user.username in (
        entry.server_user,
        entry.incoming_user,
    )


@dataclass(frozen=True)
class ConflictPage:
    entries: list[ConflictEntry]
    area_names: dict[str, str]
    registrations: list[RefusedRegistration]


def load_conflicts(
    queries: SyncStateQueries, lookups: Lookups, household_id: str | None
) -> ConflictPage:
    registrations = [
        r
        for r in queries.refused_registrations()
        if household_id is None or r.household_id == household_id
    ]
    entries = queries.conflicts(household_id=household_id)
    area_ids = {
        value
        for e in entries
        for value in _area_values(e)
        if isinstance(value, str) and len(value) == 36
    }
    names = {k: a.name for k, a in lookups.areas_by_id(sorted(area_ids)).items()}
    return ConflictPage(entries, names, registrations)


def _area_values(entry: ConflictEntry) -> list[Any]:
    if entry.field in _AREA_FIELDS:
        return [entry.base, entry.mine, entry.theirs]
    if not entry.field and isinstance(entry.mine, dict):
        return [entry.mine.get(f) for f in _AREA_FIELDS]
    return []


def _record_text(entry: ConflictEntry) -> str:
    return f"{entry.entity.label} {entry.record_name}".strip()


def _status_text(entry: ConflictEntry) -> str:
    if entry.resolution:
        return QCoreApplication.translate("conflicts", "Decided, waiting for sync")
    return QCoreApplication.translate("conflicts", "To review")


class ConflictModel(RecordTableModel[ConflictEntry]):
    """Open conflicts: household, record, field, when, and whether it is decided."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    QCoreApplication.translate("conflicts", "Household"),
                    lambda e: (
                        e.address
                        or QCoreApplication.translate(
                            "conflicts", "(household not in this computer)"
                        )
                    ),
                ),
                Column(QCoreApplication.translate("conflicts", "Record"), _record_text),
                Column(
                    QCoreApplication.translate("conflicts", "Field"),
                    lambda e: field_label(e.field, e.entity),
                ),
                Column(
                    QCoreApplication.translate("conflicts", "Reported"),
                    lambda e: cst_text(e.created_at),
                ),
                Column(QCoreApplication.translate("conflicts", "Status"), _status_text),
            ],
            parent,
        )


class ConflictsView(QWidget):
    """The list of conflicts and the detail of the selected one with the two choices.
    ``household_id`` narrows the list to one household (from the household dialog)."""

    resolved = Signal(str)
    """A decision was queued (the conflict id)."""
    loaded = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        household_id: str | None = None,
        parent: QWidget | None = None,
        *,
        autoload: bool = True,
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self.confirm: Confirm = ask
        self.household_id = household_id
        self.queries = SyncStateQueries(ctx.store.engine)
        self.lookups = Lookups(ctx.store.engine)
        self._area_names: dict[str, str] = {}
        self._revealed: set[str] = set()
        self._generation = 0
        self._wanted = False
        """Loaded once (a tab loads when first shown, then follows every change)."""

        self.model = ConflictModel(self)
        self.table = make_table(self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.intro = TextLabel(
            self.tr(
                "The same field was changed on two computers. The later change was "
                "saved; the other value is kept here. Choose which one stays."
            )
        )
        self.intro.setWordWrap(True)
        self.show_all_button = QPushButton(self.tr("Show all households"))
        self.show_all_button.clicked.connect(self.show_all)
        self.show_all_button.setVisible(household_id is not None)
        self.empty_label = TextLabel(self.tr("No conflicts to review."))
        emphasize(self.empty_label, bold=False)

        self.detail = QGroupBox(self.tr("Selected conflict"))
        form = QFormLayout(self.detail)
        self.record_value = TextLabel()
        self.field_value = TextLabel()
        self.base_value = TextLabel()
        self.mine_caption = TextLabel()
        self.mine_value = TextLabel()
        self.theirs_caption = TextLabel()
        self.theirs_value = TextLabel()
        for label in (self.record_value, self.base_value, self.mine_value, self.theirs_value):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        emphasize(self.mine_value, bold=True)
        emphasize(self.theirs_value, bold=True)
        form.addRow(self.tr("Record:"), self.record_value)
        form.addRow(self.tr("Field:"), self.field_value)
        form.addRow(self.tr("Before both changes:"), self.base_value)
        form.addRow(self.mine_caption, self.mine_value)
        form.addRow(self.theirs_caption, self.theirs_value)
        self.reveal_button = QPushButton(self.tr("Show full numbers"))
        self.reveal_button.setToolTip(
            self.tr("Show the full numbers; the reveal is recorded in the audit log")
        )
        self.reveal_button.clicked.connect(self.reveal)
        self.note = TextLabel()
        self.note.setWordWrap(True)
        tint(self.note, "#555555")
        self.keep_mine_button = QPushButton()
        self.keep_theirs_button = QPushButton()
        self.keep_mine_button.clicked.connect(lambda: self.resolve_current(keep_mine=True))
        self.keep_theirs_button.clicked.connect(lambda: self.resolve_current(keep_mine=False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.reveal_button)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_mine_button)
        buttons.addWidget(self.keep_theirs_button)
        form.addRow(self.note)
        form.addRow(buttons)
        self.message = InlineMessage()

        top = QHBoxLayout()
        top.addWidget(self.intro, 1)
        top.addWidget(self.show_all_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.table)
        holder_layout.addWidget(self.empty_label)
        splitter.addWidget(holder)
        # The detail scrolls when the window is short (1366×768 at 125 %).
        detail_area = QScrollArea()
        detail_area.setWidget(self.detail)
        detail_area.setWidgetResizable(True)
        detail_area.setFrameShape(QScrollArea.Shape.NoFrame)
        splitter.addWidget(detail_area)
        self.registrations = RefusedRegistrationsBox(ctx, self)
        self.registrations.failed.connect(self.message.show_message)
        splitter.addWidget(self.registrations)
        splitter.setStretchFactor(0, 1)
        self.splitter = splitter
        self._user_split = False
        splitter.splitterMoved.connect(self._divider_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        ctx.bus.changed.connect(self._on_changed)
        self._show_detail()
        if autoload:
            self.reload()

    TABLE_ROOM = 120
    """What the list keeps at least when the detail takes its whole height."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Until the user drags the divider: the detail as tall as its content (its
        buttons in view, no scrolling) where the view is tall enough, the list the rest."""
        super().resizeEvent(event)
        self._fit_detail()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # A hidden splitter has no sizes yet: fit once it is laid out on screen.
        QTimer.singleShot(0, self, self._fit_detail)

    def _fit_detail(self) -> None:
        total = sum(self.splitter.sizes())
        if total <= 0 or self._user_split:
            return
        width = self.splitter.width()
        wanted = max(self.detail.sizeHint().height(), self.detail.heightForWidth(width)) + 8
        detail = max(0, min(wanted, total - self.TABLE_ROOM))
        self.splitter.setSizes([total - detail, detail])

    def _divider_moved(self, _pos: int, _index: int) -> None:
        self._user_split = True  # keep their choice from now on

    def ensure_loaded(self) -> None:
        if not self._wanted:
            self.reload()

    # -- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        self._wanted = True
        self._generation += 1
        generation = self._generation
        queries, lookups, household_id = self.queries, self.lookups, self.household_id

        def work(_ctx: TaskContext) -> ConflictPage:
            return load_conflicts(queries, lookups, household_id)

        def done(page: object) -> None:
            if generation == self._generation:
                assert isinstance(page, ConflictPage)
                self._fill(page)

        self.ctx.runner.submit(work, on_done=done, on_error=self._failed)

    def _fill(self, page: ConflictPage) -> None:
        selected = self.current_entry()
        self._area_names = page.area_names
        self.model.set_rows(page.entries)
        self.registrations.set_entries(page.registrations)
        # Only people registered elsewhere to settle: the empty conflict detail steps aside.
        self.detail.setVisible(bool(page.entries) or not page.registrations)
        self.empty_label.setVisible(not page.entries)
        self.table.setVisible(bool(page.entries))
        row = 0
        if selected is not None:
            ids = [e.id for e in page.entries]
            row = ids.index(selected.id) if selected.id in ids else 0
        if page.entries:
            self.table.selectRow(row)
        self._show_detail()
        self.loaded.emit(len(page.entries))

    def _failed(self, exc: BaseException) -> None:
        self.message.show_message(error_text(exc))

    def _on_changed(self, changes: ChangeSet) -> None:
        # Conflicts arrive with a sync and are decided here; the states of refused and
        # waiting changes follow every push answer and every local change.
        if self._wanted and (changes.conflicts or changes.sync_states):
            self.reload()

    def show_all(self) -> None:
        self.household_id = None
        self.show_all_button.hide()
        self.reload()

    # -- detail -------------------------------------------------------------------------
    def current_entry(self) -> ConflictEntry | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def _value(self, entry: ConflictEntry, value: Any) -> str:
        return format_value(
            entry.entity,
            entry.field,
            value,
            revealed=entry.id in self._revealed,
            area_names=self._area_names,
        )

    def _show_detail(self) -> None:
        entry = self.current_entry()
        self.detail.setEnabled(entry is not None)
        if entry is None:
            for label in (self.record_value, self.field_value, self.base_value):
                label.clear()
            self.mine_value.clear()
            self.theirs_value.clear()
            self.note.clear()
            self.reveal_button.hide()
            self.keep_mine_button.setText(self.tr("Keep mine"))
            self.keep_theirs_button.setText(self.tr("Keep theirs"))
            self.keep_mine_button.setEnabled(False)
            self.keep_theirs_button.setEnabled(False)
            return
        user = self.ctx.user
        party = _is_party(user, entry)
        mine_login = entry.server_user if entry.mine_side == "server" else entry.incoming_user
        theirs_login = entry.incoming_user if entry.mine_side == "server" else entry.server_user
        mine_user = self.ctx.person(mine_login) if mine_login else None
        theirs_user = self.ctx.person(theirs_login) if theirs_login else None
        unknown = self.tr("unknown")
        if party:
            self.mine_caption.setText(self.tr("Mine:"))
            self.theirs_caption.setText(
                self.tr("Theirs ({user}):").format(user=theirs_user or unknown)
            )
            self.keep_mine_button.setText(self.tr("Keep mine"))
            self.keep_theirs_button.setText(self.tr("Keep theirs"))
        else:
            first, second = mine_user or unknown, theirs_user or unknown
            self.mine_caption.setText(self.tr("{user}'s value:").format(user=first))
            self.theirs_caption.setText(self.tr("{user}'s value:").format(user=second))
            self.keep_mine_button.setText(self.tr("Keep {user}'s value").format(user=first))
            self.keep_theirs_button.setText(self.tr("Keep {user}'s value").format(user=second))
        where = entry.address or self.tr("(household not in this computer)")
        self.record_value.setText(f"{_record_text(entry)} · {where}")
        self.field_value.setText(field_label(entry.field, entry.entity))
        self.base_value.setText(
            self._value(entry, entry.base) if entry.field else self.tr("(the record existed)")
        )
        current = self.tr(" (in use now)")
        mine_now = entry.field and (entry.mine_side or "incoming") == "incoming"
        theirs_now = entry.field and not mine_now
        self.mine_value.setText(self._value(entry, entry.mine) + (current if mine_now else ""))
        self.theirs_value.setText(
            self._value(entry, entry.theirs) + (current if theirs_now else "")
        )
        edit = _edit_of(entry)
        sensitive = entry.field in _SENSITIVE or bool(_SENSITIVE & set(edit))
        self.reveal_button.setVisible(sensitive and entry.id not in self._revealed)
        allowed = may_resolve(user, entry) and entry.resolution is None
        self.keep_mine_button.setEnabled(allowed)
        self.keep_theirs_button.setEnabled(allowed)
        if entry.resolution is not None:
            self.note.setText(self.tr("You have decided; the decision is sent with the next sync."))
        elif not may_resolve(user, entry):
            self.note.setText(
                self.tr(
                    "Only the grid workers who made one of the two changes, or township "
                    "staff, may decide this conflict. You can look at it here."
                )
            )
        elif not entry.field:
            self.note.setText(
                self.tr(
                    "This record was edited on one computer and deleted on another. "
                    "Keeping the edit restores the record; keeping the deletion drops the edit."
                )
            )
        else:
            self.note.clear()

    def reveal(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        fields = [entry.field] if entry.field else sorted(_SENSITIVE & set(_edit_of(entry)))
        kind, record_id, conflict_id = entry.entity, entry.entity_id, entry.id

        def work(uow: Any) -> None:
            for name in fields:
                uow.record_reveal(kind, record_id, name)

        def done(_result: object) -> None:
            self._revealed.add(conflict_id)
            self._show_detail()

        self.ctx.write(work, on_done=done, on_error=self._failed)

    # -- deciding -----------------------------------------------------------------------
    def resolve_current(self, *, keep_mine: bool) -> None:
        entry = self.current_entry()
        if entry is None or not may_resolve(self.ctx.user, entry) or entry.resolution:
            return
        kept = entry.mine if keep_mine else entry.theirs
        side = kept_side(entry.mine_side, keep_mine)
        if not entry.field:
            question = (
                self.tr("Restore the record with the edit?")
                if isinstance(kept, dict)
                else self.tr("Keep the record deleted and drop the edit?")
            )
        else:
            question = self.tr("Keep “{value}” for {field}? The other value is discarded.").format(
                value=self._value(entry, kept), field=field_label(entry.field, entry.entity)
            )
        if not self.confirm(self, self.tr("Decide conflict"), question):
            return
        conflict_id = entry.id
        self.keep_mine_button.setEnabled(False)
        self.keep_theirs_button.setEnabled(False)
        self.message.show_message("")

        def done(_result: object) -> None:
            self.resolved.emit(conflict_id)

        def failed(exc: BaseException) -> None:
            self._failed(exc)
            self.reload()

        self.ctx.write(lambda uow: uow.resolve(conflict_id, side), on_done=done, on_error=failed)


class RefusedRegistrationModel(RecordTableModel[RefusedRegistration]):
    """People the server found registered elsewhere: household, name, the answer."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(QCoreApplication.translate("conflicts", "Household"), lambda r: r.address),
                Column(QCoreApplication.translate("conflicts", "Name"), lambda r: r.name),
                Column(
                    QCoreApplication.translate("conflicts", "Status"),
                    lambda r: (
                        QCoreApplication.translate(
                            "conflicts", "Move requested, waiting for the township"
                        )
                        if r.move_requested
                        else QCoreApplication.translate("conflicts", "To decide")
                    ),
                ),
                Column(
                    QCoreApplication.translate("conflicts", "Server's answer"), lambda r: r.message
                ),
            ],
            parent,
        )


class RefusedRegistrationsBox(QGroupBox):
    """Residents the server refused because their ID number is registered in another
    record (one person, one record). The entry stays on this laptop with the server's
    answer until the worker decides: 人户分离 (a note on this household instead of a
    second record), ask the township to move the person here, or discard the entry."""

    failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Already registered elsewhere"))
        self.ctx = ctx
        self.confirm: Confirm = ask
        self.model = RefusedRegistrationModel(self)
        self.table = make_table(self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        intro = TextLabel(
            self.tr(
                "The server refused these people: their ID number is already registered "
                "in another record, and one person is registered only once. Nothing is "
                "lost: each entry stays here until you decide."
            )
        )
        intro.setWordWrap(True)
        self.answer = TextLabel()
        self.answer.setWordWrap(True)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        emphasize(self.answer, bold=True)
        self.separation_button = QPushButton(self.tr("Record: lives here, registered there"))
        self.separation_button.setToolTip(
            self.tr(
                "Registered there, living here: a note on this household instead of a second record"
            )
        )
        self.move_button = QPushButton(self.tr("Request a move"))
        self.move_button.setToolTip(
            self.tr("The record stays where it is; the township moves the person here")
        )
        self.discard_button = QPushButton(self.tr("Discard my entry"))
        self.separation_button.clicked.connect(lambda: self.settle(Settlement.SEPARATION))
        self.move_button.clicked.connect(lambda: self.settle(Settlement.MOVE))
        self.discard_button.clicked.connect(lambda: self.settle(Settlement.DISCARD))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.separation_button, self.move_button, self.discard_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.answer)
        layout.addLayout(buttons)
        self.setVisible(False)
        self._show_detail()

    def set_entries(self, entries: list[RefusedRegistration]) -> None:
        selected = self.current_entry()
        self.model.set_rows(entries)
        self.setVisible(bool(entries))
        if entries:
            ids = [e.resident_id for e in entries]
            keep = selected is not None and selected.resident_id in ids
            self.table.selectRow(ids.index(selected.resident_id) if keep and selected else 0)
        self._show_detail()

    def current_entry(self) -> RefusedRegistration | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def _show_detail(self) -> None:
        entry = self.current_entry()
        self.answer.setText(entry.message if entry is not None else "")
        self.separation_button.setEnabled(entry is not None and entry.new_entry)
        self.move_button.setEnabled(entry is not None and not entry.move_requested)
        self.discard_button.setEnabled(entry is not None)

    def settle(self, choice: Settlement) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        if choice is Settlement.SEPARATION:
            question = self.tr(
                "Record that {name} lives in this household but is registered elsewhere? "
                "A note is added to the household and this entry is removed."
            )
        elif choice is Settlement.MOVE:
            question = self.tr(
                "Ask the township to move {name} to this household? The entry stays here "
                "until the township has moved the person."
            )
        else:
            question = self.tr("Discard this entry for {name}?")
        if not self.confirm(self, self.title(), question.format(name=entry.name)):
            return
        resident_id = entry.resident_id
        for button in (self.separation_button, self.move_button, self.discard_button):
            button.setEnabled(False)
        self.ctx.write(
            lambda uow: uow.settle_registration(resident_id, choice),
            on_error=lambda exc: self.failed.emit(error_text(exc)),
        )


class ConflictsDialog(QDialog):
    """The conflicts view in its own window (from the household dialog's banner)."""

    def __init__(
        self, ctx: AppContext, household_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Conflicts"))
        fit_to_screen(self, 900, 600)
        self.view = ConflictsView(ctx, household_id, self)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)


def state_text(state: SyncState) -> str:
    """Short words for the households table's sync column (synced shows nothing)."""
    if state is SyncState.CONFLICT:
        return QCoreApplication.translate("conflicts", "Conflict")
    if state is SyncState.REJECTED:
        return QCoreApplication.translate("conflicts", "Refused")
    if state is SyncState.PENDING:
        return QCoreApplication.translate("conflicts", "To sync")
    return ""


STATE_COLORS = {
    SyncState.CONFLICT: "#b00020",
    SyncState.REJECTED: "#8a4b00",
    SyncState.PENDING: "#1f5fa8",
}


class SyncTexts(QObject):
    """The words for a household's unsettled items (plural forms through ``tr``)."""

    def lines(self, state: HouseholdSyncState, *, link: bool = False) -> list[str]:
        parts: list[str] = []
        if state.conflicts:
            parts.append(
                self.tr(
                    "%n conflict(s), <a href='conflicts'>click to review</a>", "", state.conflicts
                )
                if link
                else self.tr("%n conflict(s) to review", "", state.conflicts)
            )
        if state.rejected:
            quote = escape if link else str
            reasons = "；".join(quote(m) for m in state.messages)
            text = self.tr("%n item(s) refused by the server", "", state.rejected)
            line = f"{text}：{reasons}" if reasons else text
            if link and any(i.reason in REFUSED_REASONS for i in state.items):
                # People registered elsewhere are settled in the conflicts view.
                line += " " + self.tr("<a href='conflicts'>Choose what to do</a>")
            parts.append(line)
        if state.pending:
            parts.append(self.tr("%n item(s) waiting to sync", "", state.pending))
        return parts

    def tooltip(self, state: HouseholdSyncState) -> str:
        return "\n".join(self.lines(state)) or self.tr("Synced")


class SyncBanner(QLabel):
    """One line in the household dialog: what of this household has not reached the
    server, conflicts first with a link to them, then refusals with the server's reason,
    then what is waiting. Hidden when everything is synced."""

    open_conflicts = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.linkActivated.connect(lambda _link: self.open_conflicts.emit())
        self._texts = SyncTexts(self)
        self.hide()

    def show_state(self, state: HouseholdSyncState) -> None:
        parts = self._texts.lines(state, link=True)
        color = STATE_COLORS.get(state.state, "#000000")
        self.setText(f"<span style='color:{color}'>{'<br>'.join(parts)}</span>")
        self.setVisible(bool(parts))
