"""Per-record sync state, rolled up to the household, and the open conflicts to review.

A record is *synced* unless the store holds something about it that the server has not
settled: an unsent op (``pending``), an op the server refused and parked (``rejected``,
with its reason), or an open conflict record nobody has decided yet (``conflict``; once
this user decides, the decision is a pending op until the server confirms it). A
household shows the worst state of itself, its residents, its visits, its events and
their actions.

Everything is computed in one Core statement that starts from the small tables (unsent
ops and open conflicts) and joins each item to its household by primary key, so the cost
follows the size of the outbox, not of the township; the households table asks once per
refresh, off the UI thread, and looks the states up per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from sqlalchemy import Engine, and_, case, literal, null, outerjoin, select, union_all

from gridclient.storage.chunks import chunked
from gridclient.storage.engine import read_session
from gridclient.storage.models import (
    ConflictRow,
    EventActionRow,
    EventRow,
    HouseholdRow,
    OutboxRow,
    PlaceInspectionRow,
    ProgramRecordRow,
    ResidentRow,
    VisitRow,
)
from gridclient.storage.syncmeta import OpStatus
from gridcore.domain.enums import EntityKind

_CHILDREN: dict[EntityKind, tuple[EntityKind, Any, Any]] = {
    EntityKind.EVENT: (EntityKind.EVENT_ACTION, EventActionRow, EventActionRow.event_id),
    EntityKind.PLACE: (
        EntityKind.PLACE_INSPECTION,
        PlaceInspectionRow,
        PlaceInspectionRow.place_id,
    ),
}
"""Append-only records whose sync state a list shows on their parent's row."""

__all__ = [
    "ConflictEntry",
    "HouseholdSyncState",
    "RefusedRegistration",
    "SyncItem",
    "SyncState",
    "SyncStateQueries",
    "roll_up",
]


class SyncState(IntEnum):
    """Ordered from best to worst: a household shows the maximum of its items."""

    SYNCED = 0
    PENDING = 1
    REJECTED = 2
    CONFLICT = 3


@dataclass(frozen=True, slots=True)
class SyncItem:
    """One unsettled thing about one record."""

    household_id: str | None
    entity: EntityKind
    entity_id: str
    state: SyncState
    reason: str | None = None
    message: str | None = None
    """The server's Chinese message of a rejection."""
    field: str | None = None
    conflict_id: str | None = None


@dataclass(frozen=True, slots=True)
class HouseholdSyncState:
    state: SyncState = SyncState.SYNCED
    pending: int = 0
    rejected: int = 0
    conflicts: int = 0
    messages: tuple[str, ...] = ()
    """The reasons of the rejected items (distinct, in order)."""
    items: tuple[SyncItem, ...] = field(default=(), repr=False)


SYNCED = HouseholdSyncState()


def roll_up(items: Iterable[SyncItem]) -> dict[str, HouseholdSyncState]:
    """Households → their worst state and counts (households without items are absent:
    they are synced)."""
    return _roll_up((item.household_id, item) for item in items)


def _roll_up(keyed: Iterable[tuple[str | None, SyncItem]]) -> dict[str, HouseholdSyncState]:
    grouped: dict[str, list[SyncItem]] = {}
    for key, item in keyed:
        if key is not None:
            grouped.setdefault(key, []).append(item)
    result = {}
    for key, group in grouped.items():
        messages = dict.fromkeys(
            i.message or i.reason or "" for i in group if i.state is SyncState.REJECTED
        )
        result[key] = HouseholdSyncState(
            state=max(i.state for i in group),
            pending=sum(1 for i in group if i.state is SyncState.PENDING),
            rejected=sum(1 for i in group if i.state is SyncState.REJECTED),
            conflicts=sum(1 for i in group if i.state is SyncState.CONFLICT),
            messages=tuple(m for m in messages if m),
            items=tuple(group),
        )
    return result


_STATES = {
    OpStatus.PENDING.value: SyncState.PENDING,
    OpStatus.REJECTED.value: SyncState.REJECTED,
    "conflict": SyncState.CONFLICT,
}


def _owner(source: Any, entity: Any, entity_id: Any) -> tuple[Any, Any, Any]:
    """``source`` (rows naming a record by ``entity`` and ``entity_id``) outer-joined by
    primary key to the record, with the household the record belongs to (an event
    action's through its event) and a name to show (a resident's, an event's title)."""
    resident, visit, event, action = (
        ResidentRow.__table__,
        VisitRow.__table__,
        EventRow.__table__,
        EventActionRow.__table__,
    )
    action_event = EventRow.__table__.alias("action_event")
    program = ProgramRecordRow.__table__

    def on(kind: EntityKind, table: Any) -> Any:
        return and_(entity == kind.value, table.c.id == entity_id)

    joined = (
        outerjoin(source, resident, on(EntityKind.RESIDENT, resident))
        .outerjoin(visit, on(EntityKind.VISIT, visit))
        .outerjoin(event, on(EntityKind.EVENT, event))
        .outerjoin(action, on(EntityKind.EVENT_ACTION, action))
        .outerjoin(action_event, action_event.c.id == action.c.event_id)
        .outerjoin(program, on(EntityKind.PROGRAM_RECORD, program))
    )
    household = case(
        (entity == EntityKind.HOUSEHOLD.value, entity_id),
        (entity == EntityKind.RESIDENT.value, resident.c.household_id),
        (entity == EntityKind.VISIT.value, visit.c.household_id),
        (entity == EntityKind.EVENT.value, event.c.household_id),
        (entity == EntityKind.EVENT_ACTION.value, action_event.c.household_id),
        (entity == EntityKind.PROGRAM_RECORD.value, program.c.household_id),
    )
    name = case(
        (entity == EntityKind.RESIDENT.value, resident.c.name),
        (entity == EntityKind.EVENT.value, event.c.title),
        else_="",
    )
    return joined, household, name


def _items_statement() -> Any:
    unsent = select(
        OutboxRow.entity.label("entity"),
        OutboxRow.entity_id.label("entity_id"),
        OutboxRow.status.label("state"),
        OutboxRow.reason.label("reason"),
        OutboxRow.message.label("message"),
        OutboxRow.field.label("field"),
        null().label("conflict_id"),
    ).where(OutboxRow.status.in_([OpStatus.PENDING.value, OpStatus.REJECTED.value]))
    # A conflict this user has decided is a pending resolve op until the server answers.
    undecided = select(
        ConflictRow.entity,
        ConflictRow.entity_id,
        literal("conflict"),
        null(),
        null(),
        ConflictRow.field,
        ConflictRow.id,
    ).where(ConflictRow.resolved.is_(False), ConflictRow.resolution.is_(None))
    src = union_all(unsent, undecided).subquery("src")
    joined, household_id, _name = _owner(src, src.c.entity, src.c.entity_id)
    return select(household_id.label("household_id"), src).select_from(joined)


_ITEMS = _items_statement()


@dataclass(frozen=True, slots=True)
class ConflictEntry:
    """An open (or just decided) conflict with what the review list shows beside it."""

    id: str
    entity: EntityKind
    entity_id: str
    field: str
    """Empty for an edit that met a delete."""
    base: Any
    mine: Any
    theirs: Any
    created_at: datetime
    mine_side: str | None
    server_user: str | None
    incoming_user: str | None
    resolution: str | None
    household_id: str | None
    address: str
    record_name: str
    """The resident's name, the event's title; empty for households and visits."""


@dataclass(frozen=True, slots=True)
class RefusedRegistration:
    """A resident the server refused because the ID number is registered elsewhere
    (``registered_elsewhere``), waiting for the worker's decision, or parked after a
    move request (``move_requested``)."""

    resident_id: str
    name: str
    id_number: str
    household_id: str
    address: str
    message: str
    """The server's answer: where the person is registered, as far as this user may see."""
    new_entry: bool
    """Never accepted by the server (a new resident), rather than a refused edit."""
    move_requested: bool


REFUSED_REASONS = ("registered_elsewhere", "move_requested")


class SyncStateQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def refused_registrations(self) -> list[RefusedRegistration]:
        """Residents parked as registered elsewhere, oldest first (one entry each, with
        the latest answer). Starts from the outbox, so it costs what the outbox holds."""
        statement = (
            select(
                OutboxRow.entity_id,
                OutboxRow.reason,
                OutboxRow.message,
                ResidentRow.name,
                ResidentRow.id_number,
                ResidentRow.version,
                ResidentRow.household_id,
                HouseholdRow.address,
            )
            .join(ResidentRow, ResidentRow.id == OutboxRow.entity_id)
            .outerjoin(HouseholdRow, HouseholdRow.id == ResidentRow.household_id)
            .where(
                OutboxRow.entity == EntityKind.RESIDENT.value,
                OutboxRow.status == OpStatus.REJECTED.value,
                OutboxRow.reason.in_(REFUSED_REASONS),
                ResidentRow.deleted.is_(False),
            )
            .order_by(OutboxRow.seq)
        )
        with read_session(self._engine) as session:
            rows = session.execute(statement).all()
        entries: dict[str, RefusedRegistration] = {}
        for row in rows:
            entries.pop(row.entity_id, None)  # keep the latest, at its place
            entries[row.entity_id] = RefusedRegistration(
                resident_id=row.entity_id,
                name=row.name,
                id_number=row.id_number,
                household_id=row.household_id,
                address=row.address or "",
                message=row.message or "",
                new_entry=row.version == 0,
                move_requested=row.reason == "move_requested",
            )
        return list(entries.values())

    def items(self, household_ids: Sequence[str] | None = None) -> list[SyncItem]:
        """Every unsettled item, or those of some households."""
        statement = _ITEMS
        if household_ids is not None:
            sub = _ITEMS.subquery()
            statement = select(sub).where(sub.c.household_id.in_(list(household_ids)))
        with read_session(self._engine) as session:
            rows = session.execute(statement).all()
        return [
            SyncItem(
                household_id=row.household_id,
                entity=EntityKind(row.entity),
                entity_id=row.entity_id,
                state=_STATES[row.state],
                reason=row.reason,
                message=row.message,
                field=row.field or None,
                conflict_id=row.conflict_id,
            )
            for row in rows
            if row.entity in _KINDS
        ]

    def household_states(self) -> dict[str, HouseholdSyncState]:
        """Households with anything unsettled (the others are synced): one query."""
        return roll_up(self.items())

    def household_state(self, household_id: str) -> HouseholdSyncState:
        return roll_up(self.items([household_id])).get(household_id, SYNCED)

    def list_states(self, kind: EntityKind) -> dict[str, HouseholdSyncState]:
        """The records of one kind with anything unsettled, each with its worst state
        and counts, as a list's sync column shows them (absent: synced). An event
        rolls up its actions (a step waiting to sync is the event's), a place its
        inspection records; the cost follows
        the outbox and the open conflicts, not the number of records."""
        items = self.items()
        if kind not in _CHILDREN:
            return _roll_up((i.entity_id, i) for i in items if i.entity is kind)
        child, child_row, parent_column = _CHILDREN[kind]
        child_ids = [i.entity_id for i in items if i.entity is child]
        parent_of: dict[str, str] = {}
        with read_session(self._engine) as session:
            for chunk in chunked(child_ids):
                statement = select(child_row.id, parent_column).where(child_row.id.in_(chunk))
                parent_of.update((row[0], row[1]) for row in session.execute(statement))
        return _roll_up(
            (i.entity_id if i.entity is kind else parent_of.get(i.entity_id), i)
            for i in items
            if i.entity in (kind, child)
        )

    def record_states(self, kind: EntityKind, ids: Iterable[str]) -> dict[str, SyncState]:
        """The worst state of each given record of one kind (absent: synced)."""
        wanted = set(ids)
        states: dict[str, SyncState] = {}
        for item in self.items():
            if item.entity is kind and item.entity_id in wanted:
                states[item.entity_id] = max(states.get(item.entity_id, item.state), item.state)
        return states

    def conflicts(
        self, *, household_id: str | None = None, include_decided: bool = True
    ) -> list[ConflictEntry]:
        """Conflicts not yet closed by the server, oldest first, with the household
        address and the record's name; ``include_decided`` keeps those this user has
        decided (waiting for the server) in the list."""
        c = ConflictRow.__table__
        joined, owner, name = _owner(c, c.c.entity, c.c.entity_id)
        inner = (
            select(c, owner.label("owner"), name.label("record_name"))
            .select_from(joined)
            .where(c.c.resolved.is_(False))
        )
        if not include_decided:
            inner = inner.where(c.c.resolution.is_(None))
        sub = inner.subquery()
        statement = (
            select(sub, HouseholdRow.address)
            .outerjoin(HouseholdRow, HouseholdRow.id == sub.c.owner)
            .order_by(sub.c.created_at, sub.c.id)
        )
        if household_id is not None:
            statement = statement.where(sub.c.owner == household_id)
        with read_session(self._engine) as session:
            rows = session.execute(statement).all()
        return [
            ConflictEntry(
                id=row.id,
                entity=EntityKind(row.entity),
                entity_id=row.entity_id,
                field=row.field,
                base=row.base,
                mine=row.mine,
                theirs=row.theirs,
                created_at=row.created_at,
                mine_side=row.mine_side,
                server_user=row.server_user,
                incoming_user=row.incoming_user,
                resolution=row.resolution,
                household_id=row.owner,
                address=row.address or "",
                record_name=row.record_name or "",
            )
            for row in rows
            if row.entity in _KINDS
        ]


_KINDS = frozenset(k.value for k in EntityKind)
