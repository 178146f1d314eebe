"""Queries over one session that return domain objects and plain value types only.

Reads use Core selects on the typed tables (no ORM identity map to fill, and rows turn
into dataclasses through ``convert``), so what leaves this module never holds a
session. Lists hide tombstones unless asked; ``get`` returns a tombstone as it is, so
the UI can say "deleted" instead of "not found".
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from gridclient.storage.bulk import apply_fields, store_datetime
from gridclient.storage.chunks import chunked
from gridclient.storage.convert import record_from_row, table_for
from gridclient.storage.engine import dumps_json
from gridclient.storage.models import (
    AttachmentBlobRow,
    ConflictRow,
    EventActionRow,
    EventCategoryRow,
    EventRow,
    EventStatusRow,
    HeldRecordRow,
    HouseholdRow,
    MediationRow,
    OrganizationRow,
    OutboxRow,
    ProgramRecordRow,
    ResidentRow,
    RevealLogRow,
    SyncStateRow,
    VisitRow,
)
from gridclient.storage.syncmeta import (
    Conflict,
    OpStatus,
    OutboxOp,
    RevealEntry,
    SyncKey,
    directory_names,
)
from gridcore.domain.catalog import EventCatalog, EventCategory
from gridcore.domain.codec import FieldChanges, JSONValue
from gridcore.domain.departments import DepartmentError, DepartmentList
from gridcore.domain.entities import (
    ENTITY_TYPES,
    Event,
    EventAction,
    Household,
    Mediation,
    Organization,
    ProgramRecord,
    Record,
    Resident,
    Visit,
    utcnow,
)
from gridcore.domain.enums import (
    ChangeKind,
    EntityKind,
    EventGroup,
    Ledger,
    LimitKind,
    Relation,
    Urgency,
)
from gridcore.domain.holidays import HolidayError, WorkCalendar, default_calendar
from gridcore.domain.sorting import natural_key

__all__ = [
    "OUTBOX_RETENTION",
    "CatalogRepository",
    "ConflictRepository",
    "EventHistory",
    "OutboxRepository",
    "RecordRepository",
    "Repositories",
    "RevealLogRepository",
    "SyncStateRepository",
]

R = TypeVar("R", bound=Record)


@dataclass(frozen=True, slots=True)
class EventHistory:
    """An event with its actions in the order the workflow folds them."""

    event: Event
    actions: tuple[EventAction, ...]


def _action_order(action: EventAction) -> tuple[bool, datetime, str]:
    # Same order as domain.workflow: the server's acceptance order, then unsent steps.
    return action.fold_key


class RecordRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _records(self, kind: EntityKind, statement: Select[Any]) -> list[Record]:
        return [record_from_row(kind, row) for row in self._session.execute(statement).mappings()]

    def _typed(self, cls: type[R], statement: Select[Any]) -> list[R]:
        return [cast(R, r) for r in self._records(cls.KIND, statement)]

    def get(self, cls: type[R], record_id: str) -> R | None:
        """The record of type ``cls`` with ``record_id``, tombstone or not."""
        table = table_for(cls.KIND)
        found = self._typed(cls, select(table).where(table.c.id == record_id))
        return found[0] if found else None

    def get_kind(self, kind: EntityKind, record_id: str) -> Record | None:
        return self.get(ENTITY_TYPES[kind], record_id)

    def get_many(self, cls: type[R], ids: Iterable[str]) -> dict[str, R]:
        """Records by id, for the lazy row cache of an id-list table model."""
        table = table_for(cls.KIND)
        wanted = list(dict.fromkeys(ids))
        found: dict[str, R] = {}
        for chunk in chunked(wanted):
            for record in self._typed(cls, select(table).where(table.c.id.in_(chunk))):
                found[record.id] = record
        return found

    def exists(self, kind: EntityKind, record_id: str, *, live: bool = True) -> bool:
        table = table_for(kind)
        statement = select(table.c.id).where(table.c.id == record_id)
        if live:
            statement = statement.where(table.c.deleted.is_(False))
        return self._session.execute(statement).first() is not None

    def households_of_grid(self, grid_id: str, *, include_deleted: bool = False) -> list[Household]:
        statement = select(HouseholdRow.__table__).where(HouseholdRow.grid_id == grid_id)
        if not include_deleted:
            statement = statement.where(HouseholdRow.deleted.is_(False))
        households = self._typed(Household, statement)
        households.sort(key=lambda h: (natural_key(h.address), natural_key(h.number), h.id))
        return households

    def household_ids_of_grid(self, grid_id: str) -> list[str]:
        """Live household ids of a grid (moved-out ones left out) in display order:
        natural address order, as every list shows households."""
        statement = select(HouseholdRow.id, HouseholdRow.address, HouseholdRow.number).where(
            HouseholdRow.grid_id == grid_id,
            HouseholdRow.deleted.is_(False),
            HouseholdRow.moved_out_on.is_(None),
        )
        rows = sorted(
            self._session.execute(statement),
            key=lambda r: (natural_key(r.address), natural_key(r.number), r.id),
        )
        return [r.id for r in rows]

    def program_records_of_household(self, household_id: str) -> list[ProgramRecord]:
        """The household's live program records (帮扶记录): open ones first, then the
        latest started first."""
        row = ProgramRecordRow
        statement = (
            select(row.__table__)
            .where(row.household_id == household_id, row.deleted.is_(False))
            .order_by(row.ended_on.is_not(None), row.started_on.desc(), row.id)
        )
        found = self._typed(ProgramRecord, statement)
        return sorted(found, key=lambda r: not r.open)  # a closed 防返贫 record without date

    def residents_of_household(
        self, household_id: str, *, include_deleted: bool = False
    ) -> list[Resident]:
        """Head of household first, then by birth date (oldest first), then by name."""
        statement = select(ResidentRow.__table__).where(ResidentRow.household_id == household_id)
        if not include_deleted:
            statement = statement.where(ResidentRow.deleted.is_(False))
        statement = statement.order_by(
            case((ResidentRow.relation == Relation.HEAD.value, 0), else_=1),
            ResidentRow.birth_date.is_(None),
            ResidentRow.birth_date,
            ResidentRow.name,
            ResidentRow.id,
        )
        return self._typed(Resident, statement)

    def residents_by_id_number(
        self, id_number: str, *, exclude_id: str | None = None
    ) -> list[Resident]:
        """Live residents with this ID number: the duplicate-ID warning's question."""
        if not id_number:
            return []
        statement = select(ResidentRow.__table__).where(
            ResidentRow.id_number == id_number, ResidentRow.deleted.is_(False)
        )
        if exclude_id is not None:
            statement = statement.where(ResidentRow.id != exclude_id)
        return self._typed(Resident, statement.order_by(ResidentRow.id))

    def visits_of_household(self, household_id: str, *, current_only: bool = False) -> list[Visit]:
        """Newest first; ``current_only`` leaves out visits replaced by a correction (a
        corrected visit shows as one: its latest version)."""
        statement = (
            select(VisitRow.__table__)
            .where(VisitRow.household_id == household_id, VisitRow.deleted.is_(False))
            .order_by(VisitRow.visited_at.desc(), VisitRow.id)
        )
        visits = self._typed(Visit, statement)
        if not current_only:
            return visits
        replaced = {v.corrects_id for v in visits if v.corrects_id}
        return [v for v in visits if v.id not in replaced]

    def visit_versions(self, visit_id: str) -> list[Visit]:
        """A visit and its corrections, oldest first: follow ``corrects_id`` back to the
        original and forward to the latest correction (the last of the list)."""
        first = self.get(Visit, visit_id)
        if first is None:
            return []
        chain = [first]
        while chain[0].corrects_id is not None:
            earlier = self.get(Visit, chain[0].corrects_id)
            if earlier is None or earlier in chain:
                break
            chain.insert(0, earlier)
        while True:
            later = self._typed(
                Visit,
                select(VisitRow.__table__)
                .where(VisitRow.corrects_id == chain[-1].id, VisitRow.deleted.is_(False))
                .order_by(VisitRow.visited_at, VisitRow.id),
            )
            if not later or later[-1] in chain:
                break
            chain.append(later[-1])
        return chain

    def visits_of_grid(
        self, grid_id: str, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[Visit]:
        """Newest first, optionally within [since, until)."""
        statement = select(VisitRow.__table__).where(
            VisitRow.grid_id == grid_id, VisitRow.deleted.is_(False)
        )
        if since is not None:
            statement = statement.where(VisitRow.visited_at >= since)
        if until is not None:
            statement = statement.where(VisitRow.visited_at < until)
        return self._typed(Visit, statement.order_by(VisitRow.visited_at.desc(), VisitRow.id))

    def actions_of_events(self, event_ids: Iterable[str]) -> dict[str, list[EventAction]]:
        """Live actions per event id, in workflow order; every id asked for is a key."""
        wanted = list(dict.fromkeys(event_ids))
        result: dict[str, list[EventAction]] = {event_id: [] for event_id in wanted}
        for chunk in chunked(wanted):
            statement = select(EventActionRow.__table__).where(
                EventActionRow.event_id.in_(chunk), EventActionRow.deleted.is_(False)
            )
            for action in self._typed(EventAction, statement):
                result[action.event_id].append(action)
        for actions in result.values():
            actions.sort(key=_action_order)
        return result

    def events_of_grid(self, grid_id: str) -> list[EventHistory]:
        """Live events of a grid, newest report first, each with its actions."""
        statement = (
            select(EventRow.__table__)
            .where(EventRow.grid_id == grid_id, EventRow.deleted.is_(False))
            .order_by(EventRow.reported_at.desc(), EventRow.id)
        )
        events = self._typed(Event, statement)
        actions = self.actions_of_events(e.id for e in events)
        return [EventHistory(e, tuple(actions[e.id])) for e in events]

    def event_history(self, event_id: str) -> EventHistory | None:
        event = self.get(Event, event_id)
        if event is None:
            return None
        return EventHistory(event, tuple(self.actions_of_events([event_id])[event_id]))

    def mediations_of_event(self, event_id: str) -> list[Mediation]:
        """Live mediation records of an event, the earliest started first."""
        statement = (
            select(MediationRow.__table__)
            .where(MediationRow.event_id == event_id, MediationRow.deleted.is_(False))
            .order_by(MediationRow.started_on, MediationRow.id)
        )
        return self._typed(Mediation, statement)

    def organizations_of_grid(self, grid_id: str, kind: str | None = None) -> list[Organization]:
        """Live organizations of a grid (of one ``OrganizationKind`` code if given), by name."""
        statement = select(OrganizationRow.__table__).where(
            OrganizationRow.grid_id == grid_id, OrganizationRow.deleted.is_(False)
        )
        if kind is not None:
            statement = statement.where(OrganizationRow.kind == kind)
        return sorted(self._typed(Organization, statement), key=lambda o: (o.name, o.id))

    def raise_version(self, kind: EntityKind, record_id: str, version: int) -> None:
        """Adopt the version the server gave our own change (never moves backwards)."""
        table = table_for(kind)
        self._session.execute(
            update(table)
            .where(table.c.id == record_id, table.c.version < version)
            .values(version=version)
        )

    def overwrite(
        self,
        kind: EntityKind,
        record_id: str,
        fields: Mapping[str, Any],
        *,
        deleted: bool | None = None,
    ) -> None:
        """Put wire values (and the tombstone) back on a row, keeping its version: the
        sync engine's undo of a refused conflict decision."""
        apply_fields(self._session.connection(), kind, record_id, fields, deleted=deleted)

    def blob(self, sha256: str) -> bytes | None:
        """The stored bytes of an attachment (what the sync engine uploads)."""
        row = self._session.get(AttachmentBlobRow, sha256)
        return None if row is None else bytes(row.data)

    def counts(self) -> dict[EntityKind, int]:
        """Live records per kind (every kind present, zero included)."""
        result: dict[EntityKind, int] = {}
        for kind in EntityKind:
            table = table_for(kind)
            statement = select(func.count()).select_from(table).where(table.c.deleted.is_(False))
            result[kind] = int(self._session.execute(statement).scalar_one())
        return result


class CatalogRepository:
    """The event catalog as last received; its version lives in sync_state."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def load(self) -> EventCatalog:
        rows = self._session.scalars(select(EventCategoryRow).order_by(EventCategoryRow.position))
        categories = [
            EventCategory(
                code=row.code,
                name=row.name,
                group=EventGroup(row.group),
                ledger=Ledger(row.ledger),
                time_limits={Urgency(k): int(v) for k, v in row.time_limits.items()},
                active=row.active,
                limit_kind=LimitKind(row.limit_kind),
                hour_limits={Urgency(k): int(v) for k, v in (row.hour_limits or {}).items()},
                self_resolvable=row.self_resolvable,
            )
            for row in rows
        ]
        state = SyncStateRepository(self._session)
        version = state.get(SyncKey.CATALOG_VERSION)
        revision = state.get(SyncKey.CATALOG_REVISION)
        return EventCatalog.of(
            categories,
            version if isinstance(version, str) else "",
            revision if isinstance(revision, int) and not isinstance(revision, bool) else 0,
            self.load_calendar(),
        )

    def load_calendar(self) -> WorkCalendar:
        """The holiday calendar last pulled, or the shipped one (never pulled, or a
        stored document this version cannot read)."""
        document = SyncStateRepository(self._session).get(SyncKey.HOLIDAYS)
        if isinstance(document, dict):
            try:
                return WorkCalendar.from_json(document)
            except HolidayError:
                pass
        return default_calendar()

    def load_departments(self) -> DepartmentList:
        """The department list last pulled (empty before the first, or when the stored
        document cannot be read by this version)."""
        document = SyncStateRepository(self._session).get(SyncKey.DEPARTMENTS)
        if isinstance(document, dict):
            try:
                return DepartmentList.from_json(document)
            except DepartmentError:
                pass
        return DepartmentList()

    def save_departments(self, departments: DepartmentList) -> None:
        SyncStateRepository(self._session).set(
            SyncKey.DEPARTMENTS, cast(JSONValue, departments.to_json())
        )

    def save_calendar(self, calendar: WorkCalendar) -> None:
        """Keep ``calendar`` for working-day deadlines, and drop every derived event
        state so they are derived again with it (open events' deadlines may move)."""
        SyncStateRepository(self._session).set(
            SyncKey.HOLIDAYS, cast(JSONValue, calendar.to_json())
        )
        self._session.execute(delete(EventStatusRow))

    def save(self, catalog: EventCatalog) -> None:
        """Replace the stored catalog with ``catalog`` (a new catalog is a whole document)."""
        self._session.execute(delete(EventCategoryRow))
        values = [
            {
                "code": c.code,
                "name": c.name,
                "group": c.group.value,
                "ledger": c.ledger.value,
                "time_limits": {u.value: d for u, d in c.time_limits.items()},
                "active": c.active,
                "limit_kind": c.limit_kind.value,
                "hour_limits": {u.value: h for u, h in c.hour_limits.items()},
                "self_resolvable": c.self_resolvable,
                "position": position,
            }
            for position, c in enumerate(catalog)
        ]
        if values:
            self._session.execute(insert(EventCategoryRow), values)
        SyncStateRepository(self._session).set(SyncKey.CATALOG_VERSION, catalog.version)
        SyncStateRepository(self._session).set(SyncKey.CATALOG_REVISION, catalog.revision)


def _op(row: OutboxRow) -> OutboxOp:
    changes: FieldChanges = {f: (pair[0], pair[1]) for f, pair in row.changes.items()}
    return OutboxOp(
        op_id=row.op_id,
        seq=row.seq,
        entity=EntityKind(row.entity),
        entity_id=row.entity_id,
        kind=ChangeKind(row.kind),
        base_version=row.base_version,
        changes=changes,
        created_at=row.created_at,
        actor=row.actor,
        status=OpStatus(row.status),
        reason=row.reason,
        message=row.message,
        field=row.field,
        conflict_id=row.conflict_id,
        keep=row.keep,
    )


#: Answers after which an op is done with (kept until pruned, for the history view).
ACKNOWLEDGED = frozenset({OpStatus.APPLIED, OpStatus.MERGED, OpStatus.CONFLICT})

#: Ops :meth:`OutboxRepository.prune_acknowledged` may drop: the answered ones, and the
#: rejected ones a later edit of the same record re-sent (their content is in that op).
#: Pending and rejected ops are never dropped: they are what the laptop still owes the
#: server, what ``rescue`` exports and what the refused-changes views show.
PRUNABLE = ACKNOWLEDGED | {OpStatus.SUPERSEDED}

OUTBOX_RETENTION = timedelta(days=30)
"""How long a done-with op stays after its edit (the sync engine prunes older ones after
every successful sync): long enough to see what a laptop sent last month in a copied
store, short enough that the outbox does not grow with every edit ever made."""


@functools.cache
def _outbox_insert() -> tuple[str, tuple[str, ...]]:
    """``INSERT INTO outbox`` compiled once, with the column of each parameter position."""
    table = Table(
        OutboxRow.__tablename__,
        MetaData(),
        *(
            Column(c.name, Integer() if isinstance(c.type, Integer) else String())
            for c in OutboxRow.__table__.columns
        ),
    )
    dialect = sqlite.dialect()
    compiled = insert(table).compile(dialect=dialect)
    positions = compiled.positiontup
    if positions is None:
        raise AssertionError("expected positional parameters for SQLite")
    return compiled.string, tuple(positions)


def _op_values(op: OutboxOp) -> dict[str, Any]:
    return {
        "op_id": op.op_id,
        "seq": op.seq,
        "entity": op.entity.value,
        "entity_id": op.entity_id,
        "kind": op.kind.value,
        "base_version": op.base_version,
        "changes": {f: [old, new] for f, (old, new) in op.changes.items()},
        "created_at": op.created_at,
        "actor": op.actor,
        "status": op.status.value,
        "reason": op.reason,
        "message": op.message,
        "field": op.field,
        "conflict_id": op.conflict_id,
        "keep": op.keep,
    }


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _ops(self, statement: Select[Any]) -> list[OutboxOp]:
        return [_op(row) for row in self._session.scalars(statement)]

    def add(self, op: OutboxOp) -> None:
        self._session.execute(insert(OutboxRow).values(_op_values(op)))

    def add_many(self, ops: Sequence[OutboxOp]) -> None:
        """Queue many ops with one executemany (the bulk import path): the values are
        converted to their stored form here (JSON text, naive UTC time), as the typed
        columns of :meth:`add` would."""
        if not ops:
            return
        sql, positions = _outbox_insert()
        rows = []
        for op in ops:
            values = _op_values(op)
            values["changes"] = dumps_json(values["changes"])
            values["created_at"] = store_datetime(op.created_at)
            rows.append(tuple(values[name] for name in positions))
        self._session.connection().exec_driver_sql(sql, rows)

    def get(self, op_id: str) -> OutboxOp | None:
        row = self._session.get(OutboxRow, op_id)
        return None if row is None else _op(row)

    def pending(self, limit: int | None = None) -> list[OutboxOp]:
        """Ops still to push, oldest first (per-device sequence order)."""
        statement = (
            select(OutboxRow)
            .where(OutboxRow.status == OpStatus.PENDING.value)
            .order_by(OutboxRow.seq)
        )
        if limit is not None:
            statement = statement.limit(limit)
        return self._ops(statement)

    def rejected(self) -> list[OutboxOp]:
        """Parked ops with the server's reason, oldest first."""
        return self._ops(
            select(OutboxRow)
            .where(OutboxRow.status == OpStatus.REJECTED.value)
            .order_by(OutboxRow.seq)
        )

    def unsent(self) -> list[OutboxOp]:
        """Pending and rejected ops in seq order: the local values a pulled base must keep
        on top (rebase)."""
        return self._ops(
            select(OutboxRow)
            .where(OutboxRow.status.in_([OpStatus.PENDING.value, OpStatus.REJECTED.value]))
            .order_by(OutboxRow.seq)
        )

    def has_pending_after(self, kind: EntityKind, record_id: str, seq: int) -> bool:
        """Whether a later op of the record still waits for the server (then an answer
        for an earlier op must not move the record's local version)."""
        statement = select(OutboxRow.op_id).where(
            OutboxRow.entity == kind.value,
            OutboxRow.entity_id == record_id,
            OutboxRow.status == OpStatus.PENDING.value,
            OutboxRow.seq > seq,
        )
        return self._session.execute(statement.limit(1)).first() is not None

    def for_entity(self, kind: EntityKind, record_id: str) -> list[OutboxOp]:
        return self._ops(
            select(OutboxRow)
            .where(OutboxRow.entity == kind.value, OutboxRow.entity_id == record_id)
            .order_by(OutboxRow.seq)
        )

    def has_unsent(self, kind: EntityKind, record_id: str) -> bool:
        """Pending or rejected ops: the record must not be evicted, and a pulled copy
        becomes its new base (rebase) rather than replacing it."""
        statement = select(OutboxRow.op_id).where(
            OutboxRow.entity == kind.value,
            OutboxRow.entity_id == record_id,
            OutboxRow.status.in_([OpStatus.PENDING.value, OpStatus.REJECTED.value]),
        )
        return self._session.execute(statement.limit(1)).first() is not None

    def status_counts(self) -> dict[OpStatus, int]:
        statement = select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        counts = dict.fromkeys(OpStatus, 0)
        for status, count in self._session.execute(statement):
            counts[OpStatus(status)] = int(count)
        return counts

    def set_status(
        self,
        op_id: str,
        status: OpStatus,
        *,
        reason: str | None = None,
        message: str | None = None,
        field: str | None = None,
    ) -> None:
        """Record the server's answer for an op (the only change a queued op allows)."""
        self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.op_id == op_id)
            .values(status=status.value, reason=reason, message=message, field=field)
        )

    def prune_acknowledged(
        self, *, before_seq: int | None = None, created_before: datetime | None = None
    ) -> int:
        """Drop done-with ops (:data:`PRUNABLE`: applied, merged, conflict, superseded),
        all of them or only those queued before ``before_seq`` or made before
        ``created_before``; conflict records keep their values and lose only the link.
        Returns how many were dropped."""
        statement = delete(OutboxRow).where(OutboxRow.status.in_([s.value for s in PRUNABLE]))
        if before_seq is not None:
            statement = statement.where(OutboxRow.seq < before_seq)
        if created_before is not None:  # aware only (the column refuses naive times)
            statement = statement.where(OutboxRow.created_at < created_before)
        result = self._session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)


class SyncStateRepository:
    """Key/value sync state. Writes happen in the caller's transaction, so a cursor is
    saved together with the page it describes."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, key: SyncKey) -> JSONValue:
        row = self._session.get(SyncStateRow, key.value)
        return None if row is None else cast(JSONValue, row.value)

    def set(self, key: SyncKey, value: JSONValue) -> None:
        row = self._session.get(SyncStateRow, key.value)
        if row is None:
            self._session.add(SyncStateRow(key=key.value, value=value))
        else:
            row.value = value
        self._session.flush()

    def display_names(self) -> dict[str, str]:
        """Login → the person's name, from the synced directory (empty before a sync)."""
        return directory_names(self.get(SyncKey.DIRECTORY))

    def take_seq(self) -> int:
        """The next per-device op sequence number, consumed. Only safe inside a write
        transaction (``BEGIN IMMEDIATE`` serialises writers, so no two ops share one)."""
        current = self.get(SyncKey.NEXT_SEQ)
        seq = current if isinstance(current, int) and not isinstance(current, bool) else 1
        self.set(SyncKey.NEXT_SEQ, seq + 1)
        return seq

    def last_sync_at(self) -> datetime | None:
        value = self.get(SyncKey.LAST_SYNC_AT)
        return datetime.fromisoformat(value) if isinstance(value, str) else None

    def set_last_sync_at(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("naive datetime refused")
        self.set(SyncKey.LAST_SYNC_AT, when.isoformat())


def _conflict(row: ConflictRow) -> Conflict:
    return Conflict(
        id=row.id,
        entity=EntityKind(row.entity),
        entity_id=row.entity_id,
        field=row.field,
        base=row.base,
        mine=row.mine,
        theirs=row.theirs,
        created_at=row.created_at,
        resolved=row.resolved,
        op_id=row.op_id,
        mine_side=row.mine_side,
        server_user=row.server_user,
        incoming_user=row.incoming_user,
        resolution=row.resolution,
    )


class ConflictRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, conflict: Conflict) -> None:
        self._session.execute(
            insert(ConflictRow).values(
                id=conflict.id,
                entity=conflict.entity.value,
                entity_id=conflict.entity_id,
                field=conflict.field,
                base=conflict.base,
                mine=conflict.mine,
                theirs=conflict.theirs,
                created_at=conflict.created_at,
                resolved=conflict.resolved,
                op_id=conflict.op_id,
                mine_side=conflict.mine_side,
                server_user=conflict.server_user,
                incoming_user=conflict.incoming_user,
                resolution=conflict.resolution,
            )
        )

    def upsert(self, conflict: Conflict) -> None:
        """Insert a conflict the server reported, or refresh its resolution when it
        arrives again (the pull feed resends a conflict once someone decided)."""
        row = self._session.get(ConflictRow, conflict.id)
        if row is None:
            self.add(conflict)
            return
        row.resolved = conflict.resolved
        if conflict.resolved or row.resolution is None:
            row.resolution = conflict.resolution
        if conflict.op_id is not None and row.op_id is None:
            row.op_id = conflict.op_id
        self._session.flush()

    def entries(self, *, include_resolved: bool = False) -> list[Conflict]:
        """Oldest first."""
        statement = select(ConflictRow).order_by(ConflictRow.created_at, ConflictRow.id)
        if not include_resolved:
            statement = statement.where(ConflictRow.resolved.is_(False))
        return [_conflict(row) for row in self._session.scalars(statement)]

    def for_entity(self, kind: EntityKind, record_id: str) -> list[Conflict]:
        statement = (
            select(ConflictRow)
            .where(ConflictRow.entity == kind.value, ConflictRow.entity_id == record_id)
            .order_by(ConflictRow.created_at, ConflictRow.id)
        )
        return [_conflict(row) for row in self._session.scalars(statement)]

    def get(self, conflict_id: str) -> Conflict | None:
        row = self._session.get(ConflictRow, conflict_id)
        return None if row is None else _conflict(row)

    def resolve(self, conflict_id: str) -> None:
        self._session.execute(
            update(ConflictRow).where(ConflictRow.id == conflict_id).values(resolved=True)
        )

    def set_resolution(self, conflict_id: str, resolution: str | None) -> None:
        """This user's decision, waiting for the server (None: the server refused it)."""
        self._session.execute(
            update(ConflictRow)
            .where(ConflictRow.id == conflict_id)
            .values(resolution=resolution)
            .execution_options(synchronize_session=False)
        )


class RevealLogRepository:
    """The local PIPL audit trail of unmasked ID numbers and phones."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        actor: str,
        kind: EntityKind,
        record_id: str,
        field: str,
        at: datetime | None = None,
    ) -> None:
        self._session.execute(
            insert(RevealLogRow).values(
                actor=actor, entity=kind.value, entity_id=record_id, field=field, at=at or utcnow()
            )
        )

    def entries(
        self, *, kind: EntityKind | None = None, record_id: str | None = None, limit: int = 1000
    ) -> list[RevealEntry]:
        """Newest first."""
        statement = select(RevealLogRow).order_by(RevealLogRow.at.desc(), RevealLogRow.id.desc())
        if kind is not None:
            statement = statement.where(RevealLogRow.entity == kind.value)
        if record_id is not None:
            statement = statement.where(RevealLogRow.entity_id == record_id)
        return [
            RevealEntry(
                id=row.id,
                actor=row.actor,
                entity=EntityKind(row.entity),
                entity_id=row.entity_id,
                field=row.field,
                at=row.at,
            )
            for row in self._session.scalars(statement.limit(limit))
        ]


@dataclass(frozen=True, slots=True)
class HeldRecord:
    """A pulled record this laptop could not store (see the sync engine)."""

    kind: str
    id: str
    version: int
    reason: str
    held_at: datetime


class HeldRecordRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def entries(self, limit: int = 1000) -> list[HeldRecord]:
        rows = self._session.execute(
            select(HeldRecordRow).order_by(HeldRecordRow.held_at).limit(limit)
        ).scalars()
        return [HeldRecord(r.kind, r.id, r.version, r.reason, r.held_at) for r in rows]

    def count(self) -> int:
        return int(self._session.scalar(select(func.count()).select_from(HeldRecordRow)) or 0)


class Repositories:
    """All repositories over one session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.records = RecordRepository(session)
        self.catalog = CatalogRepository(session)
        self.outbox = OutboxRepository(session)
        self.sync_state = SyncStateRepository(session)
        self.conflicts = ConflictRepository(session)
        self.reveals = RevealLogRepository(session)
        self.held = HeldRecordRepository(session)
