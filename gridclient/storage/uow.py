"""The unit of work: the only way a user's change reaches the store.

``Store.unit_of_work(actor=…)`` opens one ``BEGIN IMMEDIATE`` transaction. Every
change writes its domain row *and* an outbox op (op id, per-device sequence number from
``sync_state`` consumed in the same transaction, entity, id, kind, base version, changed
fields as ``{field: [old, new]}`` in wire form). Commit happens when the ``with`` block
ends normally; any exception anywhere rolls back both, so there is never a row without
its op or an op without its row.

Rules:

* ``create`` is for mutable kinds (areas, households, residents, organizations, places),
  ``append`` for append-only ones (visits, place inspections, events, event actions,
  attachments with their bytes). ``update`` and ``delete`` of an append-only kind raise
  ``AppendOnlyError``: a correction is a new record that references the one it corrects.
* ``update`` diffs the new record against the stored one with ``codec.diff`` and is a
  no-op (no op queued) when nothing changed. Metadata (version, tombstone, server time)
  in the passed record is ignored: the server owns it. Pass ``base=`` (the copy the
  editor was opened on) to merge onto a copy a pull has refreshed meanwhile; without it
  an edit of an older version raises ``StaleRecord`` rather than silently reverting
  the server's changes.
* **Superseding parked ops.** When a record with ``rejected`` ops is edited or deleted,
  those ops are marked ``superseded`` and the new op carries their content too: for an
  update, the union of their fields and the new ones, each with its earliest old value
  and the current value (fields that ended where they started are dropped); if one of
  them was the record's ``create``, the new op is a ``create`` with every field. So the
  sync engine retries the rejected change with the user's fix instead of losing the
  fields the fix did not touch.
* **Deciding a conflict.** ``resolve`` queues a ``resolve`` op (see
  ``gridcore.protocol``) naming the conflict and the side kept, writes the kept
  value locally at once (optimistic: the record shows what the server will write; an
  edit that met a delete is restored with the edit when the edit is kept) and marks the
  conflict record as decided (``resolution`` set, ``resolved`` left for the server to
  confirm). The op's changes are ``{field: [shown before, kept]}``, so a pull rebases
  the kept value like any pending edit and a refusal can put the old value back.
* **Only storable values.** Every new record, and every changed field of an edit, is
  checked with :mod:`gridcore.domain.limits` before anything is written (integers
  within their bounds, text without control characters, dates in range …): a value
  the server would reject, or that would stop other laptops' pulls, raises
  ``limits.InvalidValue`` (a Chinese message naming the field) and nothing is queued.
* **A person registered elsewhere.** The server refuses a resident whose ID number another
  live record holds (``registered_elsewhere``, see ``gridserver.persons``); the local
  record stays, parked with the server's message, until the worker settles it with
  :meth:`UnitOfWork.settle_registration`: 人户分离 (a note on this household instead of
  a second record), a move request (a note, and the record stays parked for the township
  to move the person), or discarding the entry.
* A program record must keep the rules of :func:`gridcore.domain.programs.record_problems`
  (the first one broken: ``limits.InvalidValue``, its Chinese message naming the field).
* New records must point at a live parent (resident → household, visit → household,
  program record → household, event → household when given, event action → event,
  mediation → event, place inspection → place), else ``MissingParent``; this is the
  local half of the foreign keys the schema leaves out (see ``models``).
* A mediation is checked by :mod:`gridcore.domain.mediation` as the server checks it
  (its own rules; its event a dispute by the local catalog; the event never changed),
  raising ``limits.InvalidValue``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from gridclient.storage.bulk import bulk_upsert
from gridclient.storage.changes import ChangeCollector, ChangeSet
from gridclient.storage.chunks import chunked
from gridclient.storage.convert import (
    DERIVED_COLUMNS,
    record_from_row,
    record_to_values,
    table_for,
)
from gridclient.storage.errors import (
    AppendOnlyError,
    AttachmentMismatch,
    ConflictClosed,
    DuplicateRecord,
    MissingParent,
    RecordNotFound,
    StaleRecord,
    WrongOperation,
)
from gridclient.storage.models import AttachmentBlobRow
from gridclient.storage.repositories import Repositories
from gridclient.storage.syncmeta import OpStatus, OutboxOp, SyncKey
from gridcore.domain import codec, idnumber, limits, mediation
from gridcore.domain.agegroups import today_cst
from gridcore.domain.clock import DeviceClock
from gridcore.domain.codec import FieldChanges, JSONValue
from gridcore.domain.entities import (
    APPEND_ONLY_KINDS,
    ENTITY_TYPES,
    MUTABLE_KINDS,
    Attachment,
    Event,
    EventAction,
    Household,
    Mediation,
    PlaceInspection,
    ProgramRecord,
    Record,
    Resident,
    Visit,
)
from gridcore.domain.enums import ChangeKind, EntityKind
from gridcore.domain.programs import record_problems
from gridcore.messages import Catalog

__all__ = ["MOVE_REQUESTED", "REGISTERED_ELSEWHERE", "Settlement", "UnitOfWork"]

REGISTERED_ELSEWHERE = "registered_elsewhere"
"""The server's reason for a resident whose ID number is registered in another record."""
MOVE_REQUESTED = "move_requested"
"""Local reason of such a parked op once the worker asked the township to move the
person (the op stays parked and visible)."""


_msg = Catalog(
    __name__,
    {
        "Append-only records are saved with append.": "只追加类记录请用 append 保存。",
        "The record is not of this kind.": "记录类型不符。",
        "The server sets a new record's version, deleted flag and server time.": (
            "新记录的版本、删除标记和服务器时间由服务器设置。"
        ),
        "Records that can be changed are created with create.": "可修改的记录请用 create 新建。",
        "An attachment must be saved together with its file content.": (
            "附件必须连同文件内容一起保存。"
        ),
        "Only attachments can carry file content.": "只有附件可以带文件内容。",
        "base must be the same record.": "base 必须是同一条记录。",
        "This conflict was not found. Sync, then try again.": "找不到该冲突记录，请同步后再试。",
        "This conflict has already been resolved.": "该冲突已经处理过了。",
        "This resident has no change refused because the ID number is "
        "registered elsewhere.": "该居民没有因身份证号已在别处登记而被退回的记录。",
        "This person is already registered in this household on the server and "
        "cannot be recorded as living apart from the registration; you can "
        "discard this change.": (
            "此人已在服务器登记在本户，不能再登记为人户分离；可以放弃这次修改。"
        ),
        "Unknown field: {field}": "未知字段：{field}",
    },
)


class Settlement(StrEnum):
    """What a worker decides about a resident the server found registered elsewhere."""

    SEPARATION = "separation"
    """人户分离: registered there, living here. A note on this household, no second record."""
    MOVE = "move"
    """Ask the township to move the person here; the record stays parked until then."""
    DISCARD = "discard"
    """Drop the entry (a typo, or the person was already moved here)."""


def _parents(record: Record) -> list[tuple[EntityKind, str]]:
    """The records a new ``record`` must find alive locally."""
    if isinstance(record, Resident | Visit | ProgramRecord):
        return [(EntityKind.HOUSEHOLD, record.household_id)]
    if isinstance(record, Event) and record.household_id is not None:
        return [(EntityKind.HOUSEHOLD, record.household_id)]
    if isinstance(record, EventAction | Mediation):
        return [(EntityKind.EVENT, record.event_id)]
    if isinstance(record, PlaceInspection):
        return [(EntityKind.PLACE, record.place_id)]
    return []


class UnitOfWork:
    """Changes inside one write transaction; see the module docstring."""

    def __init__(self, session: Session, *, actor: str, clock: DeviceClock | None = None) -> None:
        if not actor:
            raise ValueError("a unit of work needs the acting user")
        self._session = session
        self._actor = actor
        self._clock = clock if clock is not None else DeviceClock()
        self.repos = Repositories(session)
        """Reads inside the same transaction (they see this unit's own changes)."""
        self._queued: list[OutboxOp] = []
        self._settled: list[tuple[EntityKind, str, ChangeKind, tuple[str, ...]]] = []
        """Local-only changes (no op): entries settled by the worker."""

    @property
    def actor(self) -> str:
        return self._actor

    def now(self) -> datetime:
        """Now on the device clock corrected against the server's: the time to record
        for anything that happens in this unit (visits, event steps, op times)."""
        return self._clock.now()

    def queued_ops(self) -> list[OutboxOp]:
        """The ops this unit has queued so far."""
        return list(self._queued)

    def changes(self) -> ChangeSet:
        """What this unit changed, for the views (published once it has committed)."""
        collector = ChangeCollector("edit")
        for op in self._queued:
            collector.op(op.entity, op.entity_id, op.kind, op.changes)
        for kind, record_id, change, fields in self._settled:
            collector.op(kind, record_id, change, fields)
        return collector.freeze()

    # -- changes ----------------------------------------------------------------------

    def create(self, record: Record) -> OutboxOp:
        """Insert a new mutable record and queue its ``create`` op."""
        if record.KIND not in MUTABLE_KINDS:
            raise WrongOperation(record.KIND, _msg("Append-only records are saved with append."))
        return self._insert_new(record)

    def create_many(self, records: Sequence[Record]) -> list[OutboxOp]:
        """Insert many new mutable records and queue one ``create`` op each, in order.

        The bulk path of the Excel import: the same checks and the same ops as calling
        :meth:`create` for each record in turn (consecutive sequence numbers, a parent may
        be created earlier in the same call), written with Core ``executemany``.
        """
        records = list(records)
        if not records:
            return []
        fresh: set[tuple[EntityKind, str]] = set()
        for record in records:
            kind = record.KIND
            if kind not in MUTABLE_KINDS:
                raise WrongOperation(kind, _msg("Append-only records are saved with append."))
            if not isinstance(record, ENTITY_TYPES[kind]):
                raise WrongOperation(kind, _msg("The record is not of this kind."))
            if record.version != 0 or record.deleted or record.updated_at is not None:
                raise WrongOperation(
                    kind,
                    _msg("The server sets a new record's version, deleted flag and server time."),
                )
            if (kind, record.id) in fresh:
                raise DuplicateRecord(kind, record.id)
            limits.check_record(record)
            self._check_rules(record, None)
            fresh.add((kind, record.id))
        by_kind: dict[EntityKind, list[Record]] = {}
        for record in records:
            by_kind.setdefault(record.KIND, []).append(record)
        for kind, group in by_kind.items():
            stored = self._stored_ids(kind, [r.id for r in group], live=False)
            if stored:
                raise DuplicateRecord(kind, sorted(stored)[0])
        wanted: dict[EntityKind, set[str]] = {}
        for record in records:
            for parent_kind, parent_id in _parents(record):
                if (parent_kind, parent_id) not in fresh:
                    wanted.setdefault(parent_kind, set()).add(parent_id)
        for parent_kind, ids in wanted.items():
            missing = ids - self._stored_ids(parent_kind, sorted(ids), live=True)
            if missing:
                child = next(
                    r.KIND for r in records if (parent_kind, sorted(missing)[0]) in _parents(r)
                )
                raise MissingParent(child, parent_kind, sorted(missing)[0])
        # Encode every record once: the same wire fields make its row (through the bulk
        # path a pull uses) and its op's changes (what ``codec.diff(None, record)`` gives).
        encoded = {id(r): codec.encode_fields(r) for r in records}
        connection = self._session.connection()
        for kind, group in by_kind.items():
            wire = (
                {
                    "id": r.id,
                    "version": 0,
                    "deleted": False,
                    "updated_at": None,
                    **encoded[id(r)],
                }
                for r in group
            )
            bulk_upsert(connection, kind, wire)
        first = self.repos.sync_state.take_seq()
        if len(records) > 1:
            self.repos.sync_state.set(SyncKey.NEXT_SEQ, first + len(records))
        now = self.now()
        ops = [
            OutboxOp(
                op_id=str(uuid.uuid4()),
                seq=first + offset,
                entity=record.KIND,
                entity_id=record.id,
                kind=ChangeKind.CREATE,
                base_version=0,
                changes={name: (None, value) for name, value in encoded[id(record)].items()},
                created_at=now,
                actor=self._actor,
                status=OpStatus.PENDING,
            )
            for offset, record in enumerate(records)
        ]
        self.repos.outbox.add_many(ops)
        self._queued.extend(ops)
        return ops

    def _stored_ids(self, kind: EntityKind, ids: Sequence[str], *, live: bool) -> set[str]:
        table = table_for(kind)
        found: set[str] = set()
        for chunk in chunked(ids):
            statement = select(table.c.id).where(table.c.id.in_(chunk))
            if live:
                statement = statement.where(table.c.deleted.is_(False))
            found.update(self._session.scalars(statement))
        return found

    def append(self, record: Record, *, blob: bytes | None = None) -> OutboxOp | None:
        """Insert a new append-only record and queue its ``create`` op.

        An attachment needs its ``blob``; it must hash to the attachment's id and match
        its size. Attachments are content-addressed, so appending one that is already
        stored only makes sure its bytes are there and queues nothing (returns None).
        """
        kind = record.KIND
        if kind not in APPEND_ONLY_KINDS:
            raise WrongOperation(kind, _msg("Records that can be changed are created with create."))
        if isinstance(record, Attachment):
            if blob is None:
                raise WrongOperation(
                    kind, _msg("An attachment must be saved together with its file content.")
                )
            if hashlib.sha256(blob).hexdigest() != record.id or len(blob) != record.size:
                raise AttachmentMismatch(record.id)
            self._store_blob(record.id, blob)
            if self.repos.records.exists(kind, record.id, live=False):
                return None
        elif blob is not None:
            raise WrongOperation(kind, _msg("Only attachments can carry file content."))
        return self._insert_new(record)

    def update(self, record: Record, *, base: Record | None = None) -> OutboxOp | None:
        """Save the edited ``record``; returns the queued op, or None if nothing changed."""
        kind = record.KIND
        if kind in APPEND_ONLY_KINDS:
            raise AppendOnlyError(kind)
        stored = self._load_live(kind, record.id)
        if base is None:
            if record.version != stored.version:
                raise StaleRecord(kind, record.id, [])
            changes = codec.diff(stored, record)
        else:
            if base.id != record.id or base.KIND is not kind:
                raise WrongOperation(kind, _msg("base must be the same record."))
            changes = codec.diff(base, record)
            now = codec.encode_fields(stored)
            clashes = [f for f, (old, new) in changes.items() if now[f] not in (old, new)]
            if clashes:
                raise StaleRecord(kind, record.id, clashes)
            changes = {f: (now[f], new) for f, (_old, new) in changes.items() if now[f] != new}
        if not changes:
            return None
        edited = codec.replace(stored, {f: new for f, (_old, new) in changes.items()})
        limits.check_record(edited, changes)
        self._check_rules(edited, stored)
        values = record_to_values(edited)
        table = table_for(kind)
        # With the columns derived from the fields (a household's sort keys).
        derived = {c: values[c] for c in DERIVED_COLUMNS.get(kind, ())}
        self._session.execute(
            update(table)
            .where(table.c.id == record.id)
            .values({**{f: values[f] for f in changes}, **derived})
        )
        op_kind, op_changes, base_version = self._supersede(
            kind, record.id, ChangeKind.UPDATE, changes, stored.version, edited
        )
        if not op_changes:
            return None
        return self._queue(kind, record.id, op_kind, base_version, op_changes)

    def delete(self, kind: EntityKind, record_id: str) -> OutboxOp | None:
        """Tombstone a mutable record and queue its ``delete`` op (None if it was
        already deleted). Whether children go too is the caller's decision."""
        if kind in APPEND_ONLY_KINDS:
            raise AppendOnlyError(kind)
        stored = self._load(kind, record_id)
        if stored.deleted:
            return None
        table = table_for(kind)
        self._session.execute(update(table).where(table.c.id == record_id).values(deleted=True))
        _kind, _changes, base_version = self._supersede(
            kind, record_id, ChangeKind.DELETE, {}, stored.version, None
        )
        return self._queue(kind, record_id, ChangeKind.DELETE, base_version, {})

    def resolve(self, conflict_id: str, keep: str) -> OutboxOp:
        """Decide an open conflict: keep ``server`` (the value that lost the race) or
        ``incoming`` (the one the server applied). See the module docstring."""
        if keep not in ("server", "incoming"):
            raise ValueError(f"keep must be 'server' or 'incoming', not {keep!r}")
        conflict = self.repos.conflicts.get(conflict_id)
        if conflict is None:
            raise ConflictClosed(
                conflict_id, _msg("This conflict was not found. Sync, then try again.")
            )
        if conflict.resolved or conflict.resolving:
            raise ConflictClosed(conflict_id, _msg("This conflict has already been resolved."))
        kind, record_id = conflict.entity, conflict.entity_id
        mine_is_server = conflict.mine_side == "server"
        server_value = conflict.mine if mine_is_server else conflict.theirs
        incoming_value = conflict.theirs if mine_is_server else conflict.mine
        try:
            stored: Record | None = self._load(kind, record_id)
        except RecordNotFound:
            stored = None  # not here (yet): the server decides, the pull brings it
        changes: dict[str, tuple[JSONValue, JSONValue]] = {}
        if stored is not None:
            now = codec.encode_fields(stored)
            table = table_for(kind)
            if conflict.field:
                kept = server_value if keep == "server" else incoming_value
                if not stored.deleted and now.get(conflict.field) != kept:
                    changes[conflict.field] = (now.get(conflict.field), kept)
                    edited = codec.replace(stored, {conflict.field: kept})
                    value = record_to_values(edited)[conflict.field]
                    self._session.execute(
                        update(table).where(table.c.id == record_id).values({conflict.field: value})
                    )
            elif keep == "incoming" and isinstance(incoming_value, dict):
                # An edit that met a delete: restore the record with it (or, restored
                # by another decision already, put the edit on top).
                changes = {
                    name: (now.get(name), new)
                    for name, new in incoming_value.items()
                    if stored.deleted or now.get(name) != new
                }
                edited = codec.replace(stored, dict(incoming_value))
                values = record_to_values(edited)
                self._session.execute(
                    update(table)
                    .where(table.c.id == record_id)
                    .values({**{f: values[f] for f in incoming_value}, "deleted": False})
                )
            elif keep == "server" and isinstance(server_value, dict) and stored.deleted:
                # A delete on a stale copy met this edit: keeping the edit restores it.
                self._session.execute(
                    update(table).where(table.c.id == record_id).values(deleted=False)
                )
        self.repos.conflicts.set_resolution(conflict_id, keep)
        base_version = 0 if stored is None else stored.version
        return self._queue(
            kind,
            record_id,
            ChangeKind.RESOLVE,
            base_version,
            changes,
            conflict_id=conflict_id,
            keep=keep,
        )

    def settle_registration(self, resident_id: str, choice: Settlement) -> None:
        """Settle a resident the server refused as registered elsewhere (see the module
        docstring). 人户分离 and discarding apply to an entry the server never accepted
        (a new resident); a refused edit of an existing one can be discarded (its old
        values come back) or turned into a move request."""
        kind = EntityKind.RESIDENT
        parked = [
            op
            for op in self.repos.outbox.for_entity(kind, resident_id)
            if op.status is OpStatus.REJECTED
            and op.reason in (REGISTERED_ELSEWHERE, MOVE_REQUESTED)
        ]
        if not parked:
            raise WrongOperation(
                kind,
                _msg(
                    "This resident has no change refused because the ID number is "
                    "registered elsewhere."
                ),
            )
        resident = self._load_live(kind, resident_id)
        assert isinstance(resident, Resident)
        new_entry = resident.version == 0
        if choice is Settlement.SEPARATION and not new_entry:
            raise WrongOperation(
                kind,
                _msg(
                    "This person is already registered in this household on the server and "
                    "cannot be recorded as living apart from the registration; you can "
                    "discard this change."
                ),
            )
        if choice is Settlement.MOVE:
            self._note_on_household(resident, "申请迁入", "已申请乡镇/街道迁入本户")
            for op in parked:
                message = op.message or ""
                if op.reason != MOVE_REQUESTED:
                    message = f"{message}（已申请迁移，等待乡镇/街道处理）"
                self.repos.outbox.set_status(
                    op.op_id,
                    OpStatus.REJECTED,
                    reason=MOVE_REQUESTED,
                    message=message,
                    field=op.field,
                )
            return
        if choice is Settlement.SEPARATION:
            self._note_on_household(resident, "人户分离", "实际居住本户")
        for op in parked:
            self.repos.outbox.set_status(
                op.op_id, OpStatus.SUPERSEDED, reason=op.reason, message=op.message, field=op.field
            )
        table = table_for(kind)
        if new_entry:
            # Never on the server: a local tombstone, nothing to send.
            self._session.execute(
                update(table).where(table.c.id == resident_id).values(deleted=True)
            )
            self._settled.append((kind, resident_id, ChangeKind.DELETE, ()))
            return
        current = codec.encode_fields(resident)
        back: dict[str, JSONValue] = {}
        for op in reversed(parked):  # the earliest old value wins
            for name, (old, new) in op.changes.items():
                if current.get(name) == new or name in back:
                    back[name] = old
        if back:
            values = record_to_values(codec.replace(resident, back))
            self._session.execute(
                update(table).where(table.c.id == resident_id).values({f: values[f] for f in back})
            )
        self._settled.append((kind, resident_id, ChangeKind.UPDATE, tuple(back)))

    def _note_on_household(self, resident: Resident, heading: str, living: str) -> None:
        household = self._load_live(EntityKind.HOUSEHOLD, resident.household_id)
        assert isinstance(household, Household)
        what = "身份证号" if resident.id_type.is_id_number else resident.id_type.label
        number = f"，{what} {idnumber.mask(resident.id_number)}" if resident.id_number else ""
        line = (
            f"{heading}：{resident.name}（户籍已在其他网格登记{number}），{living}"
            f"（{today_cst(self.now()):%Y-%m-%d} {self._actor}）"
        )
        notes = f"{household.notes.rstrip()}\n{line}" if household.notes.strip() else line
        self.update(codec.replace(household, {"notes": notes}))

    def record_reveal(self, kind: EntityKind, record_id: str, field: str) -> None:
        """Log that the actor unmasked ``field`` (ID number, phone) of a record."""
        if field not in codec.field_specs(kind):
            raise WrongOperation(kind, _msg("Unknown field: {field}", field=field))
        self.repos.reveals.add(self._actor, kind, record_id, field)

    # -- internals --------------------------------------------------------------------

    def _load(self, kind: EntityKind, record_id: str) -> Record:
        table = table_for(kind)
        row = self._session.execute(select(table).where(table.c.id == record_id)).mappings().first()
        if row is None:
            raise RecordNotFound(kind, record_id)
        return record_from_row(kind, row)

    def _load_live(self, kind: EntityKind, record_id: str) -> Record:
        stored = self._load(kind, record_id)
        if stored.deleted:
            raise RecordNotFound(kind, record_id)
        return stored

    def _insert_new(self, record: Record) -> OutboxOp:
        kind = record.KIND
        if not isinstance(record, ENTITY_TYPES[kind]):
            raise WrongOperation(kind, _msg("The record is not of this kind."))
        if record.version != 0 or record.deleted or record.updated_at is not None:
            raise WrongOperation(
                kind, _msg("The server sets a new record's version, deleted flag and server time.")
            )
        limits.check_record(record)
        if self.repos.records.exists(kind, record.id, live=False):
            raise DuplicateRecord(kind, record.id)
        for parent_kind, parent_id in _parents(record):
            if not self.repos.records.exists(parent_kind, parent_id):
                raise MissingParent(kind, parent_kind, parent_id)
        self._check_rules(record, None)
        self._session.execute(insert(table_for(kind)).values(record_to_values(record)))
        return self._queue(kind, record.id, ChangeKind.CREATE, 0, codec.diff(None, record))

    def _check_rules(self, record: Record, stored: Record | None) -> None:
        """The rules of a record beyond its fields' values (a program record's dates and
        life cycle, a mediation's), as the server applies them; ``limits.InvalidValue``
        names the field."""
        if isinstance(record, ProgramRecord):
            found = record_problems(record)
            if found:
                raise limits.InvalidValue(found[0].field, found[0].message)
            return
        if not isinstance(record, Mediation):
            return
        if isinstance(stored, Mediation) and stored.event_id != record.event_id:
            raise limits.InvalidValue("event_id", "调解记录所属的事件不能更改")
        problems = mediation.mediation_problems(record)
        if problems:
            raise limits.InvalidValue(problems[0].field, problems[0].message)
        if stored is None:
            event = self.repos.records.get(Event, record.event_id)
            if event is not None:  # a missing one is MissingParent's to say
                problem = mediation.event_problem(event, self.repos.catalog.load())
                if problem is not None:
                    raise limits.InvalidValue(problem.field, problem.message)

    def _store_blob(self, sha256: str, blob: bytes) -> None:
        if self._session.get(AttachmentBlobRow, sha256) is None:
            self._session.execute(insert(AttachmentBlobRow).values(sha256=sha256, data=blob))

    def _supersede(
        self,
        kind: EntityKind,
        record_id: str,
        op_kind: ChangeKind,
        changes: FieldChanges,
        base_version: int,
        edited: Record | None,
    ) -> tuple[ChangeKind, FieldChanges, int]:
        """Mark the record's rejected ops superseded and fold them into the new op."""
        parked = [
            op
            for op in self.repos.outbox.for_entity(kind, record_id)
            if op.status is OpStatus.REJECTED
        ]
        for op in parked:
            self.repos.outbox.set_status(
                op.op_id, OpStatus.SUPERSEDED, reason=op.reason, message=op.message, field=op.field
            )
        if not parked or edited is None:
            return op_kind, changes, base_version
        if any(op.kind is ChangeKind.CREATE for op in parked):
            return ChangeKind.CREATE, codec.diff(None, edited), 0
        earliest: dict[str, JSONValue] = {}
        for op in parked:  # for_entity is in seq order
            for name, (old, _new) in op.changes.items():
                earliest.setdefault(name, old)
        for name, (old, _new) in changes.items():
            earliest.setdefault(name, old)
        now = codec.encode_fields(edited)
        folded = {name: (old, now[name]) for name, old in earliest.items() if old != now[name]}
        oldest_base = min([base_version, *(op.base_version for op in parked)])
        return op_kind, folded, oldest_base

    def _queue(
        self,
        kind: EntityKind,
        record_id: str,
        op_kind: ChangeKind,
        base_version: int,
        changes: Mapping[str, tuple[Any, Any]],
        *,
        conflict_id: str | None = None,
        keep: str | None = None,
    ) -> OutboxOp:
        op = OutboxOp(
            op_id=str(uuid.uuid4()),
            seq=self.repos.sync_state.take_seq(),
            entity=kind,
            entity_id=record_id,
            kind=op_kind,
            base_version=base_version,
            changes=dict(changes),
            created_at=self.now(),
            actor=self._actor,
            status=OpStatus.PENDING,
            conflict_id=conflict_id,
            keep=keep,
        )
        self.repos.outbox.add(op)
        self._queued.append(op)
        return op
