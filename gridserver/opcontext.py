"""What the ops of one push chunk share: their outcome and placement types, the
lookups prefetched for the chunk (:class:`Shared`), the connection that holds back the
INSERTs of creates run without a savepoint (:class:`ChunkConnection`), the op's
:class:`Context`, and the helpers that bring wire values to their canonical form.

The push is split along its seams: :mod:`gridserver.sync` (transactions, replays, the op
log, savepoints), :mod:`gridserver.apply` (one op: create, update, delete),
:mod:`gridserver.resolution` (deciding a conflict), :mod:`gridserver.writes` (writing a
version, moves, conflict records) and :mod:`gridserver.placement` (references, scope and
the workflow check). Each imports only the ones before it in
``opcontext → placement → writes → resolution → apply → sync``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.exc import DBAPIError, StatementError

from gridcore.domain import limits
from gridcore.domain.catalog import CatalogError, EventCatalog
from gridcore.domain.codec import (
    CodecError,
    decode_record,
    decode_value,
    field_specs,
)
from gridcore.domain.enums import EntityKind
from gridcore.domain.holidays import HolidayError, WorkCalendar
from gridcore.protocol import (
    OpReason,
    OpStatus,
)
from gridserver import validation
from gridserver.db import (
    catalog,
    holidays,
    records,
)
from gridserver.errors import OpRejected
from gridserver.feed import FeedEffects
from gridserver.scope import Caller, WriteScope

SERVER_FIELDS = {
    EntityKind.EVENT_ACTION: frozenset({"server_at", "final_evaluation"}),
    EntityKind.VISIT: frozenset({"server_at"}),
    EntityKind.PLACE_INSPECTION: frozenset({"server_at"}),
    EntityKind.EVENT: frozenset({"number"}),
}
"""Fields only the server writes; a client's value is ignored."""

OUT_OF_SCOPE = "该记录不在您的管辖范围内，无权查看或修改"


@dataclass(frozen=True, slots=True)
class Outcome:
    status: OpStatus
    version: int | None = None
    reason: OpReason | None = None
    message: str | None = None
    field: str | None = None
    conflict_id: str | None = None


@dataclass(slots=True)
class Placement:
    """Where a record sits: its scope key and the denormalised lookup columns."""

    grid_id: str | None
    parent_id: str | None = None
    area_code: str | None = None


@dataclass(slots=True)
class Shared:
    """Lookups reused by the ops of one transaction: referenced areas and households
    (read, never locked), the catalog, and the ops' own records, read and locked up front
    in one statement (sorted, so two pushes touching the same records lock them in the
    same order). Each prefetched own row is used once: after its op the record may have
    changed, so later ops reload it."""

    refs: dict[tuple[str, str], Any] = field(default_factory=dict)
    """Areas and households other records refer to, by (kind, id), read without a lock
    (prefetched for the whole chunk, or written by an earlier op of it). An op that
    changes one of them drops it first, so a later op reads it again."""
    rows: dict[tuple[str, str], Any] = field(default_factory=dict)
    """Prefetched rows by (kind, id); ``None`` = known absent at the start."""
    writers: dict[tuple[str, int], tuple[str, str, datetime]] = field(default_factory=dict)
    """(record id, version) → (user, device, time) for ops applied in this transaction,
    whose log rows are written at its end."""
    numbers: frozenset[str] = frozenset()
    """ID numbers the chunk's residents are written with, read (and, on PostgreSQL,
    locked) up front (see :func:`gridserver.sync._prefetch_numbers`)."""
    held_numbers: frozenset[str] = frozenset()
    """Those of :attr:`numbers` a live resident held when the chunk began."""
    claimed: set[str] = field(default_factory=set)
    """ID numbers written by the chunk's applied ops so far."""
    catalog: EventCatalog | None = None
    catalog_loaded: bool = False
    calendar: WorkCalendar | None = None
    savepoint_every_op: bool = False
    """Otherwise the create of a record known to be absent runs without a savepoint
    (see :func:`gridserver.sync._run_op`)."""


REF_FIELDS = {
    "grid_id": EntityKind.AREA.value,
    "micro_grid_id": EntityKind.AREA.value,
    "parent_id": EntityKind.AREA.value,
    "household_id": EntityKind.HOUSEHOLD.value,
    "place_id": EntityKind.PLACE.value,
}
"""Fields naming a record that is looked up (without a lock) when an op is checked."""
REF_KINDS = frozenset(REF_FIELDS.values())


class ChunkConnection:
    """The chunk's connection, holding back the INSERTs of creates run without a
    savepoint (see :func:`gridserver.sync._run_op`) and sending them as one statement
    just before the next statement of any kind, so every read and every savepoint sees
    them and a later op's rollback never undoes them. A database error in that
    statement means the chunk is run again with a savepoint (and its own INSERT) per
    op."""

    __slots__ = ("conn", "inserts")

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.inserts: list[dict[str, Any]] = []

    def execute(self, statement: Any, parameters: Any = None) -> Any:
        self.flush()
        return self.conn.execute(statement, parameters)

    def exec_driver_sql(self, statement: str) -> Any:
        self.flush()
        return self.conn.exec_driver_sql(statement)

    def flush(self, seq: int | None = None) -> set[tuple[str, str]]:
        """Send the held-back INSERTs (with feed position ``seq`` when it is already
        taken, see :func:`gridserver.feed.stamp`); returns their keys."""
        if not self.inserts:
            return set()
        rows, self.inserts = self.inserts, []
        if seq is not None:
            for row in rows:
                row["seq"] = seq
        try:
            # RETURNING makes SQLAlchemy send the rows as one multi-row INSERT.
            self.conn.execute(INSERT_RECORDS, rows).all()
        except (DBAPIError, StatementError) as exc:
            raise NeedSavepoints from exc
        return {(row["kind"], row["id"]) for row in rows}


@dataclass(slots=True)
class Context:
    conn: ChunkConnection
    caller: Caller
    scope: WriteScope
    device_id: str
    now: datetime
    shared: Shared
    effects: FeedEffects = field(default_factory=FeedEffects)
    new_areas: list[str] = field(default_factory=list)
    written: dict[tuple[str, str], Any] = field(default_factory=dict)
    """Rows this op created, for later ops of the chunk to refer to once it succeeded."""
    deferred: bool = False
    """Run without a savepoint: its INSERT is held back (see :class:`ChunkConnection`)."""
    claimed: list[str] = field(default_factory=list)
    """ID numbers this op writes (the chunk's, once it succeeded)."""

    def catalog(self) -> EventCatalog | None:
        shared = self.shared
        if not shared.catalog_loaded:
            document = self.conn.execute(
                select(catalog.c.document).where(catalog.c.id == 1)
            ).scalar_one_or_none()
            try:
                shared.catalog = None if document is None else EventCatalog.from_json(document)
            except CatalogError:
                shared.catalog = None
            stored = self.conn.execute(
                select(holidays.c.document).where(holidays.c.id == 1)
            ).scalar_one_or_none()
            try:
                shared.calendar = None if stored is None else WorkCalendar.from_json(stored)
            except HolidayError:
                shared.calendar = None
            if shared.catalog is not None:
                shared.catalog = shared.catalog.with_calendar(shared.calendar)
            shared.catalog_loaded = True
        return shared.catalog

    def terms_catalog(self) -> EventCatalog:
        """The catalog terms are stamped from (an empty one when none was loaded), with
        the server's holiday calendar: what every deadline the server works out uses."""
        known = self.catalog()
        return known if known is not None else EventCatalog().with_calendar(self.shared.calendar)


# Statements built once: constructing them per op costs more than executing them.
LOAD = select(records).where(
    records.c.kind == bindparam("b_kind"), records.c.id == bindparam("b_id")
)
LOAD_LOCKED = LOAD.with_for_update()
INSERT_RECORD = insert(records)
INSERT_RECORDS = insert(records).returning(records.c.kind)


class NeedSavepoints(Exception):
    """A database error in an op run without a savepoint of its own: the transaction is
    lost, and the chunk runs again with a savepoint for every op."""


def storable(value: Any, depth: int = 0) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if limits.INT64_MIN <= value <= limits.INT64_MAX else str(value)[:40]
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return limits.clean_text(value[: limits.MAX_TEXT])
    if depth >= limits.MAX_JSON_DEPTH:
        return "…"
    if isinstance(value, list):
        return [storable(item, depth + 1) for item in value[: limits.MAX_LIST]]
    if isinstance(value, dict):
        return {validation.shown_name(str(k)): storable(v, depth + 1) for k, v in value.items()}
    return str(value)[:40]


def load(conn: ChunkConnection, kind: EntityKind, record_id: str, *, lock: bool = False) -> Any:
    query = LOAD_LOCKED if lock else LOAD
    return conn.execute(query, {"b_kind": kind.value, "b_id": record_id}).first()


def unknown_field(name: str) -> OpRejected:
    shown = validation.shown_name(name)
    return OpRejected("unknown_field", f"未知字段：{shown}", shown)


def encode(kind: EntityKind, name: str, value: Any) -> Any:
    return field_specs(kind)[name].encode(value)


def old_value(kind: EntityKind, name: str, value: Any) -> Any:
    """The old value in canonical form, or a storable stand-in for one that is not
    (it may end up in a conflict record as the base value)."""
    try:
        limits.check_wire(name, value)
    except limits.InvalidValue:
        return storable(value)
    return canonical(kind, name, value)


def canonical(kind: EntityKind, name: str, value: Any) -> Any:
    try:
        return encode(kind, name, decode_value(kind, name, value))
    except (CodecError, TypeError, ValueError, OverflowError):
        return value


def full_record(kind: EntityKind, record_id: str, fields: Mapping[str, Any]) -> Any:
    missing = [n for n, spec in field_specs(kind).items() if spec.required and n not in fields]
    if missing:
        raise OpRejected("missing_field", f"缺少必填字段：{'、'.join(missing)}", missing[0])
    try:
        return decode_record(kind, fields, id=record_id)
    except CodecError as exc:
        raise OpRejected("invalid_field", str(exc), exc.field) from None
