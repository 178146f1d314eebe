"""Applying a push: each op on its own in a savepoint, deduplicated by ``op_id``.

One transaction per push (per 50 ops for long pushes), one SAVEPOINT per op: a failing
op rolls back to its savepoint and the others go on; the op's result (rejections included)
is stored in ``op_log`` in the same transaction, so a replayed op returns exactly what it
returned the first time and changes nothing. ``op_log`` doubles as the audit log (who
changed what, when, from which device). The feed position is stamped last (see
:mod:`gridserver.feed`).
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, StatementError

from gridcore.domain import limits
from gridcore.domain.catalog import CatalogError, EventCatalog, stamp_terms
from gridcore.domain.codec import (
    CodecError,
    decode_record,
    decode_value,
    encode_fields,
    field_specs,
)
from gridcore.domain.entities import APPEND_ONLY_KINDS, Event, EventAction
from gridcore.domain.enums import AreaLevel, ChangeKind, EntityKind, Role
from gridcore.domain.eventnumber import format_event_number, number_year
from gridcore.domain.holidays import HolidayError, WorkCalendar
from gridcore.domain.workflow import IllegalTransition, check_action, check_source
from gridcore.protocol import (
    Op,
    OpReason,
    OpResult,
    OpStatus,
    PushRequest,
    PushResponse,
    is_valid_entity_id,
)
from gridserver import persons, validation
from gridserver.db import (
    Database,
    catalog,
    conflicts,
    event_numbers,
    holidays,
    op_log,
    records,
    users,
    utcnow,
)
from gridserver.errors import ApiError, OpRejected
from gridserver.feed import FeedEffects, lock_rescoped, stamp
from gridserver.merge import CREATED_VERSION, FieldConflict, bump_versions, three_way
from gridserver.references import (
    check_old_values,
    is_ancestor_area,
    usable_blobs,
    verified_base,
)
from gridserver.scope import Caller, WriteScope, area_chain, gained_ancestors

log = logging.getLogger(__name__)

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
    locked) up front (see :func:`_prefetch_numbers`)."""
    held_numbers: frozenset[str] = frozenset()
    """Those of :attr:`numbers` a live resident held when the chunk began."""
    claimed: set[str] = field(default_factory=set)
    """ID numbers written by the chunk's applied ops so far."""
    catalog: EventCatalog | None = None
    catalog_loaded: bool = False
    calendar: WorkCalendar | None = None
    savepoint_every_op: bool = False
    """Otherwise the create of a record known to be absent runs without a savepoint
    (see :func:`_run_op`)."""


class ChunkConnection:
    """The chunk's connection, holding back the INSERTs of creates run without a
    savepoint (see :func:`_run_op`) and sending them as one statement just before the
    next statement of any kind, so every read and every savepoint sees them and a later
    op's rollback never undoes them. A database error in that statement means the chunk
    is run again with a savepoint (and its own INSERT) per op."""

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
            self.conn.execute(_INSERT_RECORDS, rows).all()
        except (DBAPIError, StatementError) as exc:
            raise _NeedSavepoints from exc
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
_LOAD = select(records).where(
    records.c.kind == bindparam("b_kind"), records.c.id == bindparam("b_id")
)
_LOAD_LOCKED = _LOAD.with_for_update()
_INSERT_RECORD = insert(records)
_INSERT_RECORDS = insert(records).returning(records.c.kind)
_INSERT_LOG = insert(op_log)


_REPLAYS = select(op_log).where(op_log.c.op_id.in_(bindparam("op_ids", expanding=True)))
# Records by key as ``kind IN (…) AND id IN (…)`` (one index probe per combination, and
# a push names one or two kinds), filtered to the exact keys afterwards: a row-value
# ``(kind, id) IN (…)`` list was planned by PostgreSQL as an OR of every pair and cost
# several times more. The lock may cover a row more only if a client reused an id
# across kinds (ids are UUIDs and SHA-256 digests); locking it is harmless.
_READ_RECORDS = (
    select(records)
    .where(
        records.c.kind.in_(bindparam("kinds", expanding=True)),
        records.c.id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(records.c.kind, records.c.id)
)
_LOCK_RECORDS = _READ_RECORDS.with_for_update()


def _keys_params(keys: set[tuple[str, str]]) -> dict[str, list[str]]:
    return {
        "kinds": sorted({kind for kind, _ in keys}),
        "ids": sorted({record_id for _, record_id in keys}),
    }


OPS_PER_TRANSACTION = 50
"""A long push is committed in chunks: each op is independent anyway, locks are held for
less time, and PostgreSQL keeps every savepoint of a transaction in its shared snapshot
cache only up to 64 subtransactions (beyond that every reader slows down)."""


ATTEMPTS = 3


def push(db: Database, caller: Caller, request: PushRequest) -> PushResponse:
    now = utcnow()
    results: list[OpResult] = []
    for start in range(0, len(request.ops), OPS_PER_TRANSACTION):
        chunk = request.ops[start : start + OPS_PER_TRANSACTION]
        every_op = False
        attempt = 1
        while True:
            try:
                with db.write() as conn:
                    scope = WriteScope(conn, caller)
                    answers = _push_chunk(
                        conn, caller, scope, request.device_id, chunk, now, every_op
                    )
                break
            except _NeedSavepoints:
                # Rare (a duplicate id, a lock timeout): run the chunk again, this time
                # with a savepoint around every op, which answers that op on its own.
                log.info("push chunk runs again with a savepoint for every op")
                every_op = True
            except IntegrityError:
                # Another request (the same client retrying) logged some of these ops
                # first: run the chunk again, and they are answered from the log.
                log.info("push chunk raced a concurrent replay (attempt %d)", attempt)
                if attempt == ATTEMPTS:
                    raise ApiError(
                        503, "busy", "服务器繁忙，请稍后重试", headers={"Retry-After": "5"}
                    ) from None
                attempt += 1
        results.extend(answers)
    return PushResponse(results=results, server_time=now)


NEWER_REASONS: dict[str, tuple[tuple[int, ...], OpReason]] = {
    "registered_elsewhere": ((0, 3), "duplicate"),
}
"""Reasons older clients do not know (their protocol model refuses an unknown code and
the whole answer with it): the first client version that knows each, and the older
reason they are sent instead (the message says the same). The op log keeps the real one."""


def for_client(response: PushResponse, version: tuple[int, ...]) -> PushResponse:
    """The answer as a client of ``version`` can read it (see :data:`NEWER_REASONS`)."""
    if not any(
        r.reason in NEWER_REASONS and version < NEWER_REASONS[r.reason][0] for r in response.results
    ):
        return response
    results = [
        r.model_copy(update={"reason": NEWER_REASONS[r.reason][1]})
        if r.reason in NEWER_REASONS and version < NEWER_REASONS[r.reason][0]
        else r
        for r in response.results
    ]
    return response.model_copy(update={"results": results})


def _push_chunk(
    conn: Connection,
    caller: Caller,
    scope: WriteScope,
    device_id: str,
    ops: list[Op],
    now: datetime,
    every_op: bool = False,
) -> list[OpResult]:
    effects = FeedEffects()
    shared = Shared(savepoint_every_op=every_op)
    chunk_conn = ChunkConnection(conn)
    op_ids = [str(op.op_id) for op in ops]
    replays = {row.op_id: row for row in conn.execute(_REPLAYS, {"op_ids": op_ids}).all()}
    pending = {(op.entity.value, op.entity_id) for op in ops if str(op.op_id) not in replays}
    if pending:
        shared.rows = dict.fromkeys(pending)
        locked = conn.execute(_LOCK_RECORDS, _keys_params(pending)).all()
        shared.rows.update(
            {(row.kind, row.id): row for row in locked if (row.kind, row.id) in pending}
        )
        todo = [op for op in ops if str(op.op_id) not in replays]
        _prefetch_refs(conn, shared, todo)
        _prefetch_numbers(conn, shared, todo)
    results = []
    answered: dict[str, OpResult] = {}
    logs: list[dict[str, Any]] = []
    for op in ops:
        key = str(op.op_id)
        replay = replays.get(key)
        if replay is not None:
            results.append(_stored_result(replay, op, caller))
            continue
        if key in answered:  # the same op twice in one request
            results.append(answered[key])
            continue
        ctx = Context(chunk_conn, caller, scope, device_id, now, shared)
        result, log_row = _run_op(ctx, op, effects)
        if log_row is not None:
            logs.append(log_row)
        answered[key] = result
        results.append(result)
        if log_row is not None and result.version is not None:
            shared.writers[op.entity_id, result.version] = (caller.username, device_id, now)
    if logs:
        # One statement for the chunk's log; a concurrent replay that logged an op first
        # makes it fail, and the caller runs the chunk again (see push()).
        conn.execute(_INSERT_LOG, logs)
    # Last: the feed position is taken just before COMMIT; records whose INSERT is still
    # held back are written with it rather than inserted and then stamped.
    stamp(conn, effects, write_held=chunk_conn.flush if chunk_conn.inserts else None)
    return results


_REF_FIELDS = {
    "grid_id": EntityKind.AREA.value,
    "micro_grid_id": EntityKind.AREA.value,
    "parent_id": EntityKind.AREA.value,
    "household_id": EntityKind.HOUSEHOLD.value,
    "place_id": EntityKind.PLACE.value,
}
"""Fields naming a record that is looked up (without a lock) when an op is checked."""
_REF_KINDS = frozenset(_REF_FIELDS.values())


def _prefetch_refs(conn: Connection, shared: Shared, ops: list[Op]) -> None:
    """Read the areas and households the ops refer to in one statement rather than one
    per op. Ids that do not exist yet (created by an earlier op of the chunk) are simply
    not found here and looked up when needed."""
    wanted: set[tuple[str, str]] = set()
    for op in ops:
        for name, pair in op.changes.items():
            kind = _REF_FIELDS.get(name)
            value = pair[1]
            if (
                kind is not None
                and isinstance(value, str)
                and 0 < len(value) <= 64
                and limits.text_problem(value) is None  # else rejected by its op's checks
            ):
                wanted.add((kind, value))
    if not wanted:
        return
    found = conn.execute(_READ_RECORDS, _keys_params(wanted)).all()
    shared.refs.update({(row.kind, row.id): row for row in found if (row.kind, row.id) in wanted})


def _prefetch_numbers(conn: Connection, shared: Shared, ops: list[Op]) -> None:
    """Lock (PostgreSQL) and look up in one statement the ID numbers the chunk's resident
    ops write, so an op whose number nobody held needs no statement of its own (which
    would also flush the held-back INSERTs one by one, see :class:`ChunkConnection`)."""
    wanted = set()
    for op in ops:
        pair = op.changes.get("id_number") if op.entity is EntityKind.RESIDENT else None
        if pair is not None and isinstance(pair[1], str) and len(pair[1]) <= 40:
            # Keyed with the op's 证件类型 (an edit of the number alone is assumed to be
            # a 居民身份证's; were it not, its key is simply looked up on its own).
            document = op.changes.get("id_type", (None, None))[1]
            number = persons.registered_id(
                EntityKind.RESIDENT.value, {"id_number": pair[1], "id_type": document}
            )
            if number is not None and limits.text_problem(number) is None:
                wanted.add(number)
    if not wanted:
        return
    for number in sorted(wanted):  # one order for every push: no deadlock among them
        persons.lock_number(conn, number)
    shared.numbers = frozenset(wanted)
    shared.held_numbers = persons.held_numbers(conn, wanted)


def _check_number(ctx: Context, number: str, record_id: str) -> None:
    """One person, one record (see :mod:`gridserver.persons`): refuse ``number`` if
    another live resident holds it. Known free when nobody held it as the chunk began
    (locked since) and no earlier op of the chunk took it."""
    shared = ctx.shared
    free = (
        number in shared.numbers
        and number not in shared.held_numbers
        and number not in shared.claimed
    )
    if not free:
        persons.check_not_registered(ctx.conn, number, record_id, ctx.scope.contains)
    ctx.claimed.append(number)


class _NeedSavepoints(Exception):
    """A database error in an op run without a savepoint of its own: the transaction is
    lost, and the chunk runs again with a savepoint for every op."""


# Savepoints are never released: PostgreSQL and SQLite keep them until the transaction
# ends, a rollback to the op's savepoint undoes that op only (it is the most recent one of
# that name), and not releasing saves a round trip per op.
_SAVEPOINT = "SAVEPOINT gridserver_op"
_ROLLBACK_TO = "ROLLBACK TO SAVEPOINT gridserver_op"


def _stored(conn: ChunkConnection, op: Op, caller: Caller) -> OpResult | None:
    row = conn.execute(select(op_log).where(op_log.c.op_id == str(op.op_id))).first()
    return None if row is None else _stored_result(row, op, caller)


def _stored_result(row: Any, op: Op, caller: Caller) -> OpResult:
    if row.user_id != caller.user_id:
        return OpResult(
            op_id=op.op_id, status="rejected", reason="duplicate", message="操作编号重复"
        )
    return OpResult(
        op_id=op.op_id,
        status=row.status,
        version=row.version,
        reason=row.reason,
        message=row.message,
        field=row.field,
        conflict_id=row.conflict_id,
    )


def _run_op(ctx: Context, op: Op, effects: FeedEffects) -> tuple[OpResult, dict[str, Any] | None]:
    """Apply one op in its savepoint; return its result and the log row to store (none
    when the answer must not be replayed: a transient error, or a result already logged
    by a concurrent request)."""
    conn, caller = ctx.conn, ctx.caller
    # An op is all or nothing. The create of a record that was absent when the chunk
    # locked its records writes exactly one statement, its INSERT, after every check
    # (see _create): a rejection before it has written nothing, and the INSERT is atomic
    # by itself, so it needs no savepoint. A database error there aborts the whole
    # transaction instead, so the chunk is run again with a savepoint for every op.
    key = (op.entity.value, op.entity_id)
    guarded = (
        ctx.shared.savepoint_every_op
        or op.kind is not ChangeKind.CREATE
        or op.entity is EntityKind.EVENT  # it also takes a 事件编号 (a second write)
        or key not in ctx.shared.rows
        or ctx.shared.rows[key] is not None
    )
    if guarded:
        conn.exec_driver_sql(_SAVEPOINT)
    ctx.deferred = not guarded
    held = len(conn.inserts)
    try:
        outcome = apply_op(ctx, op)
    except OpRejected as exc:
        if guarded:
            conn.exec_driver_sql(_ROLLBACK_TO)
        outcome = Outcome("rejected", None, exc.reason, exc.message, exc.field)
        return _result(op, outcome), _log_row(ctx, op, outcome)
    except _NeedSavepoints:
        raise  # an earlier op's held-back INSERT failed: the chunk runs again
    except (IntegrityError, OperationalError) as exc:
        if not guarded:
            raise _NeedSavepoints from exc
        if isinstance(exc, OperationalError):
            # A deadlock or serialization failure: not the op's fault, so nothing is
            # stored and the client sends it again.
            conn.exec_driver_sql(_ROLLBACK_TO)
            log.warning("op %s hit a transient database error: %s", op.op_id, exc.orig)
            busy = OpResult(
                op_id=op.op_id, status="rejected", reason="busy", message="服务器繁忙，请稍后重试"
            )
            return busy, None
        conn.exec_driver_sql(_ROLLBACK_TO)
        stored = _stored(conn, op, caller)
        if stored is not None:
            return stored, None
        outcome = Outcome("rejected", None, "duplicate", "记录编号或区划代码与已有记录重复")
        return _result(op, outcome), _log_row(ctx, op, outcome)
    except Exception as exc:
        # Anything else fails this op only: a value the database refused (the field
        # checks should have caught it) or a fault in the server. Its savepoint is
        # rolled back; without one, a failed statement has aborted the transaction, so
        # the chunk runs again with savepoints, while an error before any write (the
        # INSERT is held back until the end) needs no rollback at all.
        if not guarded and isinstance(exc, DBAPIError):
            raise _NeedSavepoints from exc
        del conn.inserts[held:]
        if guarded:
            conn.exec_driver_sql(_ROLLBACK_TO)
        outcome = _failed(op, exc)
        return _result(op, outcome), _log_row(ctx, op, outcome)
    effects.merge(ctx.effects)
    ctx.shared.claimed.update(ctx.claimed)
    for area_id in ctx.new_areas:
        ctx.scope.add(area_id)
    ctx.shared.refs.update(ctx.written)
    return _result(op, outcome), _log_row(ctx, op, outcome)


def _failed(op: Op, exc: Exception) -> Outcome:
    if isinstance(exc, DBAPIError | StatementError):
        log.warning("op %s: the database refused its values: %s", op.op_id, exc)
        message = "服务器数据库无法保存该记录的内容，已退回本机：请检查各项内容后重新保存"
    else:
        log.exception("op %s failed", op.op_id, exc_info=exc)
        message = "服务器处理该操作时出错，已退回本机：请稍后重新保存，或联系管理员"
    return Outcome("rejected", None, "invalid_field", message)


def _result(op: Op, outcome: Outcome) -> OpResult:
    return OpResult(
        op_id=op.op_id,
        status=outcome.status,
        version=outcome.version,
        reason=outcome.reason,
        message=outcome.message,
        field=outcome.field,
        conflict_id=outcome.conflict_id,
    )


def _log_row(ctx: Context, op: Op, outcome: Outcome) -> dict[str, Any]:
    return {
        "op_id": str(op.op_id),
        "user_id": ctx.caller.user_id,
        "device_id": ctx.device_id,
        "received_at": ctx.now,
        "client_time": op.client_time,
        "client_seq": op.seq,
        "entity": op.entity.value,
        "entity_id": op.entity_id,
        "kind": op.kind.value,
        "base_version": op.base_version,
        "changes": _storable_changes(op),
        "status": outcome.status,
        "version": outcome.version,
        "reason": outcome.reason,
        "message": outcome.message,
        "field": outcome.field,
        "conflict_id": outcome.conflict_id,
    }


def _changes(op: Op) -> dict[str, list[Any]]:
    return {name: list(pair) for name, pair in op.changes.items()}


def _storable_changes(op: Op) -> dict[str, Any]:
    """The op's changes as the audit log keeps them. The values of a rejected op, and
    the old values of any op (only compared, never checked, see :func:`_check_changes`),
    may be what no database stores (NUL, integers beyond 64 bits, NaN, deep nesting):
    then they are logged in a form that is (forbidden characters replaced by U+FFFD,
    numbers as text)."""
    try:
        for name, (old, new) in op.changes.items():
            limits.check_wire(name, name)
            limits.check_wire(name, old)
            limits.check_wire(name, new)
        return _changes(op)
    except limits.InvalidValue:
        return {validation.shown_name(n): _storable(list(p)) for n, p in op.changes.items()}


def _storable(value: Any, depth: int = 0) -> Any:
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
        return [_storable(item, depth + 1) for item in value[: limits.MAX_LIST]]
    if isinstance(value, dict):
        return {validation.shown_name(str(k)): _storable(v, depth + 1) for k, v in value.items()}
    return str(value)[:40]


# --- one op -------------------------------------------------------------------------


def apply_op(ctx: Context, op: Op) -> Outcome:
    kind = op.entity
    label = kind.label
    if kind is EntityKind.AREA and ctx.caller.role is Role.WORKER:
        raise OpRejected("role", "网格员不能修改行政区划和网格设置")
    if op.kind is not ChangeKind.CREATE and kind in APPEND_ONLY_KINDS:
        raise OpRejected(
            "append_only", f"{label}只能新增，不能修改或删除；如需更正请新增一条更正记录"
        )
    _check_changes(op)
    if op.kind is not ChangeKind.RESOLVE:
        check_old_values(op.changes)
    values = _decode_changes(kind, op.changes) if op.kind is not ChangeKind.RESOLVE else {}
    key = (kind.value, op.entity_id)
    ctx.shared.refs.pop(key, None)  # about to change: later ops read it again
    if key in ctx.shared.rows:
        row = ctx.shared.rows.pop(key)
    else:
        row = _load(ctx.conn, kind, op.entity_id, lock=True)
    if row is not None:
        _check_own_record(ctx, op, row)
    if op.kind is ChangeKind.RESOLVE:
        unknown = sorted(set(op.changes) - field_specs(kind).keys())
        if unknown:  # only logged, but a typo is still an error
            raise _unknown_field(unknown[0])
        return _resolve(ctx, op, row)
    if op.kind is ChangeKind.CREATE:
        if row is None:
            return _create(ctx, kind, op.entity_id, values)
        if kind in APPEND_ONLY_KINDS:
            return _create_again(ctx, kind, row, values)
        return _update(ctx, op, row, values)
    if row is None:
        raise OpRejected("not_found", f"{label}不存在（可能尚未同步到服务器）")
    if op.kind is ChangeKind.DELETE:
        return _delete(ctx, op, row)
    return _update(ctx, op, row, values)


def _load(conn: ChunkConnection, kind: EntityKind, record_id: str, *, lock: bool = False) -> Any:
    query = _LOAD_LOCKED if lock else _LOAD
    return conn.execute(query, {"b_kind": kind.value, "b_id": record_id}).first()


def _decode_changes(
    kind: EntityKind, changes: Mapping[str, tuple[Any, Any]]
) -> dict[str, tuple[Any, Any]]:
    """Validate every incoming value with the domain codec and bring old and new values to
    their canonical wire form (e.g. sorted tag lists, UTC datetimes) so that comparisons
    in the merge are exact."""
    server_fields = SERVER_FIELDS.get(kind, frozenset())
    specs = field_specs(kind)
    result: dict[str, tuple[Any, Any]] = {}
    for name, (old, new) in changes.items():
        if name in server_fields:
            continue
        if name not in specs:
            raise _unknown_field(name)
        try:
            decoded = decode_value(kind, name, new)
        except CodecError as exc:
            raise OpRejected("invalid_field", str(exc), exc.field) from None
        decoded = validation.check_field(kind, name, decoded)
        result[name] = (_old_value(kind, name, old), _encode(kind, name, decoded))
    return result


def _check_changes(op: Op) -> None:
    """Every new value of an op must be one that every database and every client can
    store (see :mod:`gridcore.domain.limits`); :func:`_decode_changes` then checks it
    against its field's own rules. Old values are not refused: they are only compared
    (and a laptop fixing a value stored before these checks existed sends that value as
    the old one); where one is not storable, a storable stand-in is used."""
    specs = field_specs(op.entity)
    for name, (_old, new) in op.changes.items():
        if name not in specs:
            raise _unknown_field(name)
        validation.check_wire(op.entity, name, new)


def _unknown_field(name: str) -> OpRejected:
    shown = validation.shown_name(name)
    return OpRejected("unknown_field", f"未知字段：{shown}", shown)


def _encode(kind: EntityKind, name: str, value: Any) -> Any:
    return field_specs(kind)[name].encode(value)


def _old_value(kind: EntityKind, name: str, value: Any) -> Any:
    """The old value in canonical form, or a storable stand-in for one that is not
    (it may end up in a conflict record as the base value)."""
    try:
        limits.check_wire(name, value)
    except limits.InvalidValue:
        return _storable(value)
    return _canonical(kind, name, value)


def _canonical(kind: EntityKind, name: str, value: Any) -> Any:
    try:
        return _encode(kind, name, decode_value(kind, name, value))
    except (CodecError, TypeError, ValueError, OverflowError):
        return value


def _full_record(kind: EntityKind, record_id: str, fields: Mapping[str, Any]) -> Any:
    missing = [n for n, spec in field_specs(kind).items() if spec.required and n not in fields]
    if missing:
        raise OpRejected("missing_field", f"缺少必填字段：{'、'.join(missing)}", missing[0])
    try:
        return decode_record(kind, fields, id=record_id)
    except CodecError as exc:
        raise OpRejected("invalid_field", str(exc), exc.field) from None


def _create(
    ctx: Context, kind: EntityKind, record_id: str, values: Mapping[str, tuple[Any, Any]]
) -> Outcome:
    record = _full_record(kind, record_id, {n: new for n, (_, new) in values.items()})
    fields = encode_fields(record)
    validation.check_record(kind, None, fields, fields, ctx.now)
    placement = _place(ctx, kind, record_id, fields, previous=None)
    number = persons.registered_id(kind.value, fields)
    if number is not None:
        _check_number(ctx, number, record_id)
    if kind is EntityKind.EVENT_ACTION:
        fields["server_at"] = _check_transition(ctx, record).isoformat()
    elif kind in (EntityKind.VISIT, EntityKind.PLACE_INSPECTION):
        fields["server_at"] = ctx.now.isoformat()
    elif kind is EntityKind.EVENT:
        assert isinstance(record, Event)
        try:
            check_source(ctx.caller.role, record.source)
        except IllegalTransition as exc:
            raise OpRejected("invalid_field", str(exc), "source") from None
        if "time_limit_days" not in values:
            # A client from before terms were kept (or an op it queued then): the terms
            # of the catalog now, said so.
            fields.update(_inferred_terms(ctx, record))
        fields["number"] = _take_event_number(ctx, fields)
    if kind is EntityKind.ATTACHMENT:
        _check_blob(ctx, record_id, fields)
    # The INSERT must stay this op's only write and come after every check: _run_op
    # may run it without a savepoint, and then it is held back and sent with others.
    row = dict(
        kind=kind.value,
        id=record_id,
        version=1,
        deleted=False,
        updated_at=ctx.now,
        seq=0,
        grid_id=placement.grid_id,
        parent_id=placement.parent_id,
        area_code=placement.area_code,
        fields=fields,
        field_versions={},
        updated_by=ctx.caller.user_id,
        id_number=number,
    )
    if ctx.deferred:
        ctx.conn.inserts.append(row)
    else:
        ctx.conn.execute(_INSERT_RECORD, row)
    ctx.effects.records.add((kind.value, record_id))
    if kind is EntityKind.AREA:
        ctx.new_areas.append(record_id)
    if kind.value in _REF_KINDS:
        ctx.written[kind.value, record_id] = SimpleNamespace(
            kind=kind.value,
            id=record_id,
            version=1,
            deleted=False,
            grid_id=placement.grid_id,
            parent_id=placement.parent_id,
            fields=fields,
        )
    return Outcome("applied", 1)


_TERM_FIELDS = frozenset(
    {
        "category_name",
        "time_limit_days",
        "time_limit_hours",
        "limit_kind",
        "catalog_revision",
        "terms_inferred",
    }
)


def _inferred_terms(ctx: Context, event: Event) -> dict[str, Any]:
    stamped = stamp_terms(event, ctx.terms_catalog())
    return {
        "category_name": stamped.category_name,
        "time_limit_days": stamped.time_limit_days,
        "time_limit_hours": stamped.time_limit_hours,
        "limit_kind": stamped.limit_kind.value,
        "catalog_revision": stamped.catalog_revision,
        "terms_inferred": True,
    }


def _take_event_number(ctx: Context, fields: Mapping[str, Any]) -> str:
    """The next 事件编号 of the event's township and year (see
    :mod:`gridcore.domain.eventnumber`). The counter row stays locked until the push
    commits; event creates always run in a savepoint, so a rejected op gives its number
    back."""
    township = _township_of(ctx, fields["grid_id"])
    year = number_year(decode_value(EntityKind.EVENT, "reported_at", fields["reported_at"]))
    key = {"t": township.id, "y": year}
    taken = ctx.conn.execute(_NEXT_EVENT_NUMBER, key).scalar_one_or_none()
    if taken is None:
        # The first number of this township and year: make its counter row (a push
        # doing the same concurrently waits for this one, then skips), then take from it.
        dialect = postgresql if ctx.conn.conn.dialect.name == "postgresql" else sqlite
        create = dialect.insert(event_numbers).values(township_id=township.id, year=year, last=0)
        ctx.conn.execute(create.on_conflict_do_nothing(index_elements=["township_id", "year"]))
        taken = ctx.conn.execute(_NEXT_EVENT_NUMBER, key).scalar_one()
    return format_event_number(township.fields.get("code", ""), year, taken)


def _township_of(ctx: Context, grid_id: str) -> Any:
    """The 乡镇/街道 above a grid (the topmost area found when there is none)."""
    row = _existing(ctx, EntityKind.AREA, grid_id, "grid_id")
    while row.fields.get("level") != AreaLevel.TOWNSHIP.value and row.parent_id is not None:
        row = _existing(ctx, EntityKind.AREA, row.parent_id, "grid_id")
    return row


_NEXT_EVENT_NUMBER = (
    update(event_numbers)
    .where(event_numbers.c.township_id == bindparam("t"), event_numbers.c.year == bindparam("y"))
    .values(last=event_numbers.c.last + 1)
    .returning(event_numbers.c.last)
)


def _create_again(
    ctx: Context, kind: EntityKind, row: Any, values: Mapping[str, tuple[Any, Any]]
) -> Outcome:
    """A second create of an append-only record: harmless if it is the same record (a
    client that lost the first answer), an error otherwise."""
    record = _full_record(kind, row.id, {n: new for n, (_, new) in values.items()})
    fields = encode_fields(record)
    server_fields = SERVER_FIELDS.get(kind, frozenset())
    if kind is EntityKind.EVENT and "time_limit_days" not in values:
        server_fields = server_fields | _TERM_FIELDS  # the server inferred them
    same = all(row.fields.get(n) == v for n, v in fields.items() if n not in server_fields)
    if same and not row.deleted:
        return Outcome("applied", row.version)
    raise OpRejected("duplicate", f"{kind.label}编号已被另一条记录使用")


def _delete(ctx: Context, op: Op, row: Any) -> Outcome:
    """Tombstone the record. A delete made on a stale copy (another device changed the
    record after the version the delete was made on) still applies, as the later
    arrival, but those changes are kept in a conflict for review: keeping them restores
    the record. Nothing is silently lost."""
    if row.deleted:
        return Outcome("applied", row.version)
    edited = _edited_by_others(ctx, row, op.base_version)
    version = row.version + 1
    ctx.conn.execute(
        update(records)
        .where(records.c.kind == row.kind, records.c.id == row.id)
        .values(
            version=version,
            deleted=True,
            updated_at=ctx.now,
            updated_by=ctx.caller.user_id,
            id_number=None,
        )
    )
    ctx.effects.records.add((row.kind, row.id))
    if not edited:
        return Outcome("applied", version)
    conflict_id = _add_conflict(ctx, op, row, field=None, base=None, server=edited, incoming=None)
    return Outcome(
        "conflict",
        version,
        None,  # like a field conflict; "deleted" is for an edit that met a delete
        "该记录在您删除之前已被他人修改：已按您的操作删除，对方的修改已保存为冲突记录等待审核",
        None,
        conflict_id,
    )


def _edited_by_others(ctx: Context, row: Any, base_version: int) -> dict[str, Any]:
    """Fields another device changed after ``base_version``: ``{field: current value}``.
    Versions this device wrote itself (its earlier ops on the same base: a laptop that
    edits and then deletes before it pulls) are not someone else's edit."""
    changed = {
        name: version
        for name, version in (
            (name, row.field_versions.get(name, CREATED_VERSION)) for name in row.fields
        )
        if version > base_version
    }
    if not changed:
        return {}
    versions = set(changed.values())
    # Who wrote each version: the first op logged with it (an op that changed nothing
    # is logged later with the version it found; ops of one push share one time and
    # one device). Versions this transaction wrote are not logged yet.
    writers: dict[int, tuple[datetime, str, str]] = {}
    for version, device, user_id, received in ctx.conn.execute(
        select(op_log.c.version, op_log.c.device_id, op_log.c.user_id, op_log.c.received_at).where(
            op_log.c.entity == row.kind,
            op_log.c.entity_id == row.id,
            op_log.c.version.in_(sorted(versions)),
            op_log.c.status != "rejected",
        )
    ):
        if version not in writers or received < writers[version][0]:
            writers[version] = (received, device, str(user_id))
    for (record_id, version), (_user, device, time) in ctx.shared.writers.items():
        if record_id == row.id and version in versions and version not in writers:
            writers[version] = (time, device, str(ctx.caller.user_id))
    me = (ctx.device_id, str(ctx.caller.user_id))
    own = {version for version, (_time, *writer) in writers.items() if tuple(writer) == me}
    return {name: row.fields.get(name) for name, version in changed.items() if version not in own}


def _update(ctx: Context, op: Op, row: Any, values: Mapping[str, tuple[Any, Any]]) -> Outcome:
    kind = op.entity
    if row.deleted:
        conflict_id = _add_conflict(
            ctx,
            op,
            row,
            field=None,
            base=None,
            server=None,
            incoming={n: new for n, (_, new) in values.items()},
        )
        return Outcome(
            "conflict",
            row.version,
            "deleted",
            "该记录已在服务器上被删除，您的修改未生效，已保存为冲突记录等待审核",
            None,
            conflict_id,
        )
    if op.base_version > row.version:
        raise OpRejected("invalid_base_version", "基础版本号大于服务器版本，请重新同步后再试")
    merge = three_way(row.fields, row.field_versions, op.base_version, values)
    clean: OpStatus = "applied" if op.base_version == row.version else "merged"
    if not merge.updates:
        return Outcome(clean, row.version)
    validation.check_record(
        kind, row.fields, {**row.fields, **merge.updates}, merge.updates, ctx.now
    )
    version, placement = _write_version(ctx, kind, row, merge.updates)
    first_conflict = None
    for conflict in merge.conflicts:
        conflict_id = _add_conflict(
            ctx,
            op,
            row,
            field=conflict.field,
            base=verified_base(
                ctx.conn.conn, kind, row.id, conflict.field, op.base_version, conflict.base
            ),
            server=conflict.server,
            incoming=conflict.incoming,
            grid_id=placement.grid_id,
        )
        first_conflict = first_conflict or conflict_id
    if first_conflict is not None:
        names = "、".join(c.field for c in merge.conflicts)
        return Outcome(
            "conflict",
            version,
            None,
            f"字段（{names}）同时被他人修改：已采用您的修改，对方的值已保存为冲突记录等待审核",
            merge.conflicts[0].field,
            first_conflict,
        )
    return Outcome(clean, version)


# --- resolving a conflict (an op of kind "resolve", see gridcore.protocol) ------

_RESOLVER_ROLES = "只有冲突双方的网格员、乡镇/街道工作人员或系统管理员可以处理该冲突"


def _resolve(ctx: Context, op: Op, row: Any) -> Outcome:
    """Decide a conflict: close it, writing the kept value as a new field version when
    the record no longer holds it. Checks scope and role; a second decision is rejected
    (``already_resolved``). The closed conflict is stamped again, so the feed resends it
    with ``resolved`` true."""
    conflict = ctx.conn.execute(
        select(conflicts).where(conflicts.c.id == op.conflict_id).with_for_update()
    ).first()
    if (
        conflict is None
        or row is None
        or (conflict.kind, conflict.record_id)
        != (
            op.entity.value,
            op.entity_id,
        )
    ):
        raise OpRejected("not_found", "冲突记录不存在（可能尚未同步到服务器）")
    if not ctx.scope.contains(conflict.grid_id):
        raise OpRejected("not_found", "冲突记录不存在（可能尚未同步到服务器）")
    caller = ctx.caller
    party = caller.user_id == conflict.incoming_user_id or caller.username == conflict.server_user
    if caller.role is Role.WORKER and not party:
        raise OpRejected("role", _RESOLVER_ROLES)
    if conflict.resolved_at is not None:
        kept = "先到的值" if conflict.resolution == "server" else "后到的值"
        raise OpRejected(
            "already_resolved",
            f"该冲突已于 {conflict.resolved_at:%Y-%m-%d %H:%M} 由 {conflict.resolved_by} "
            f"处理（保留{kept}），同步后即可看到结果",
        )
    outcome = Outcome("applied", row.version)
    if conflict.field is None:
        outcome = _resolve_whole_record(ctx, op, row, conflict) or outcome
    elif not row.deleted:
        kept = conflict.server_value if op.keep == "server" else conflict.incoming_value
        # The base is the version the incoming value was written at; a field changed
        # again since then makes the merge keep that third value in a new conflict.
        applied_at = conflict.server_version + 1
        merge = three_way(
            row.fields,
            row.field_versions,
            applied_at,
            {conflict.field: (conflict.incoming_value, kept)},
        )
        if merge.updates:
            outcome = _write_resolution(ctx, op, row, merge.updates, merge.conflicts)
    ctx.conn.execute(
        update(conflicts)
        .where(conflicts.c.id == conflict.id)
        .values(resolved_at=ctx.now, resolution=op.keep, resolved_by=caller.username)
    )
    ctx.effects.conflicts.add(conflict.id)
    return outcome


def _resolve_whole_record(ctx: Context, op: Op, row: Any, conflict: Any) -> Outcome | None:
    """A conflict between an edit and a delete (``field`` is None): the side holding a
    dict is the edit, the other (None) the delete. Keeping the delete leaves the record
    as it is (deleted, or restored by another decision since). Keeping the edit restores
    a deleted record with it; on a record already restored (several edits met the same
    delete and each is kept) the edit is merged in like any edit made on the version it
    met, so a field another kept edit changed differently becomes a new conflict."""
    kept = conflict.incoming_value if op.keep == "incoming" else conflict.server_value
    if not isinstance(kept, dict):
        return None  # keep the deletion
    if op.keep == "server":
        # A delete on a stale copy met this edit: its values are still on the record.
        return _write_resolution(ctx, op, row, {}, restore=True) if row.deleted else None
    changes = _edit_of(ctx, conflict, kept)
    if row.deleted:
        return _write_resolution(
            ctx, op, row, {n: new for n, (_, new) in changes.items()}, restore=True
        )
    merge = three_way(row.fields, row.field_versions, conflict.server_version, changes)
    if not merge.updates:
        return None
    return _write_resolution(ctx, op, row, merge.updates, merge.conflicts)


def _edit_of(ctx: Context, conflict: Any, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The edit that met a delete as ``{field: (old, new)}``: its old values from the
    logged op, when the log still has it."""
    logged = ctx.conn.execute(
        select(op_log.c.changes).where(op_log.c.op_id == conflict.op_id)
    ).scalar_one_or_none()
    olds = logged if isinstance(logged, dict) else {}
    result: dict[str, tuple[Any, Any]] = {}
    for name, new in values.items():
        pair = olds.get(name)
        old = pair[0] if isinstance(pair, list | tuple) and len(pair) == 2 else None
        result[name] = (_canonical(EntityKind(conflict.kind), name, old), new)
    return result


def _write_resolution(
    ctx: Context,
    op: Op,
    row: Any,
    updates: Mapping[str, Any],
    lost: Sequence[FieldConflict] = (),
    *,
    restore: bool = False,
) -> Outcome:
    """Write the kept value(s) as a new version; ``restore`` undeletes the record with
    the edit that met its deletion (every reference is checked again then: the household
    of a resident may be gone too). Each value ``lost`` (a field changed again since the
    conflict, to another value) is kept in a new conflict."""
    version, placement = _write_version(ctx, op.entity, row, updates, restore=restore)
    first: str | None = None
    for third in lost:
        conflict_id = _add_conflict(
            ctx,
            op,
            row,
            field=third.field,
            base=third.base,
            server=third.server,
            incoming=third.incoming,
            grid_id=placement.grid_id,
        )
        first = first or conflict_id
    if first is not None:
        names = "、".join(third.field for third in lost)
        return Outcome(
            "conflict",
            version,
            None,
            f"字段（{names}）在冲突之后又被他人修改：已采用您选择的值，"
            "那次修改的值已保存为新的冲突记录等待审核",
            lost[0].field,
            first,
        )
    return Outcome("applied", version)


def _write_version(
    ctx: Context,
    kind: EntityKind,
    row: Any,
    updates: Mapping[str, Any],
    *,
    restore: bool = False,
) -> tuple[int, Placement]:
    """Write ``updates`` over ``row`` as its next version (placement and references
    checked, field versions bumped, a move to another grid taking the household's
    residents along); ``restore`` also undeletes it and checks every reference again."""
    record = _full_record(kind, row.id, {**row.fields, **updates})
    fields = encode_fields(record)
    new_parent = fields.get("parent_id")
    reparented = kind is EntityKind.AREA and new_parent != row.parent_id
    if reparented:
        _check_reparent(ctx, row.id, new_parent if isinstance(new_parent, str) else None)
    placement = _place(ctx, kind, row.id, fields, previous=None if restore else row.fields)
    number = persons.registered_id(kind.value, fields)
    if number is not None and (restore or number != persons.registered_id(kind.value, row.fields)):
        _check_number(ctx, number, row.id)
    version = row.version + 1
    values: dict[str, Any] = {
        "version": version,
        "updated_at": ctx.now,
        "grid_id": placement.grid_id,
        "parent_id": placement.parent_id,
        "area_code": placement.area_code,
        "fields": fields,
        "field_versions": bump_versions(row.field_versions, updates, version),
        "updated_by": ctx.caller.user_id,
        "id_number": number,
    }
    if restore:
        values["deleted"] = False
    ctx.conn.execute(
        update(records).where(records.c.kind == row.kind, records.c.id == row.id).values(**values)
    )
    ctx.effects.records.add((row.kind, row.id))
    if reparented:
        _move_area(ctx, row.id, row.parent_id, placement.parent_id)
    if placement.grid_id != row.grid_id:
        _move(ctx, row.kind, row.id, row.grid_id, placement.grid_id)
        if kind is EntityKind.HOUSEHOLD:
            _move_children(ctx, EntityKind.RESIDENT, row.id, row.grid_id, placement.grid_id)
        elif kind is EntityKind.PLACE:
            _move_children(ctx, EntityKind.PLACE_INSPECTION, row.id, row.grid_id, placement.grid_id)
    return version, placement


def _move(ctx: Context, kind: str, record_id: str, old: str | None, new: str | None) -> None:
    ctx.effects.moves.append(
        {"kind": kind, "record_id": record_id, "old_grid_id": old, "new_grid_id": new}
    )


def _check_reparent(ctx: Context, area_id: str, new_parent: str | None) -> None:
    """Moving an area under another parent moves every record below it into other
    users' scopes: only an administrator may, and never below itself."""
    if ctx.caller.role is not Role.ADMIN:
        raise OpRejected("role", "只有系统管理员可以调整区划的上级区划", "parent_id")
    ctx.conn.flush()  # areas created earlier in the chunk must be visible
    if area_id in area_chain(ctx.conn.conn, new_parent):
        raise OpRejected("invalid_field", "不能把区划移到它自己的下级区划之下", "parent_id")


def _move_area(ctx: Context, area_id: str, old: str | None, new: str | None) -> None:
    """Re-parent an area: the records below it change scope when the feed position is
    stamped (:meth:`FeedEffects.rescope`), and the new parent's chain, which users inside
    the moved subtree now see as their ancestors, is sent to them again."""
    ancestors = gained_ancestors(ctx.conn.conn, old, new)
    lock_rescoped(ctx.conn.conn, area_id, ancestors)
    ctx.effects.records.update((EntityKind.AREA.value, ancestor) for ancestor in ancestors)
    ctx.effects.rescope(area_id, old, new)
    # And the ancestors they lose: evicted for them (the feed checks who still sees them).
    ctx.effects.losses.extend(
        {"area_id": lost, "moved_area_id": area_id}
        for lost in sorted(gained_ancestors(ctx.conn.conn, new, old))
    )


def _move_children(
    ctx: Context, child: EntityKind, parent_id: str, old: str | None, new: str | None
) -> None:
    """Residents are scoped through their household and a place's inspections through
    the place, so they move with it."""
    resident = child.value
    ids = (
        ctx.conn.execute(
            select(records.c.id).where(records.c.kind == resident, records.c.parent_id == parent_id)
        )
        .scalars()
        .all()
    )
    if not ids:
        return
    ctx.conn.execute(
        update(records)
        .where(records.c.kind == resident, records.c.parent_id == parent_id)
        .values(grid_id=new)
    )
    for resident_id in ids:
        ctx.effects.records.add((resident, resident_id))
        ctx.shared.rows.pop((resident, resident_id), None)  # prefetched copy is stale now
        ctx.shared.refs.pop((resident, resident_id), None)
        _move(ctx, resident, resident_id, old, new)


def _add_conflict(
    ctx: Context,
    op: Op,
    row: Any,
    *,
    field: str | None,
    base: Any,
    server: Any,
    incoming: Any,
    grid_id: str | None = None,
) -> str:
    conflict_id = str(uuid.uuid4())
    # Who wrote the value that lost: the op that produced the version it dates from.
    written_at = row.version if field is None else row.field_versions.get(field, CREATED_VERSION)
    writer: Any = None
    if (row.id, written_at) in ctx.shared.writers:
        username, device, time = ctx.shared.writers[row.id, written_at]
        writer = SimpleNamespace(username=username, device_id=device, received_at=time)
    else:
        writer = ctx.conn.execute(
            select(op_log.c.device_id, op_log.c.received_at, users.c.username)
            .join(users, users.c.id == op_log.c.user_id)
            .where(
                op_log.c.entity_id == row.id,
                op_log.c.version == written_at,
                op_log.c.entity == row.kind,
                op_log.c.status != "rejected",
            )
            .order_by(op_log.c.received_at.desc())
            .limit(1)
        ).first()
    ctx.conn.execute(
        insert(conflicts).values(
            id=conflict_id,
            seq=0,
            kind=row.kind,
            record_id=row.id,
            grid_id=grid_id if grid_id is not None else row.grid_id,
            field=field,
            base_value=base,
            server_value=server,
            incoming_value=incoming,
            server_version=row.version,
            server_user=None if writer is None else writer.username,
            server_device=None if writer is None else writer.device_id,
            server_time=None if writer is None else writer.received_at,
            incoming_user_id=ctx.caller.user_id,
            incoming_device=ctx.device_id,
            incoming_time=op.client_time,
            op_id=str(op.op_id),
            created_at=ctx.now,
        )
    )
    ctx.effects.conflicts.add(conflict_id)
    return conflict_id


# --- references and scope ------------------------------------------------------------


def _changed(fields: Mapping[str, Any], previous: Mapping[str, Any] | None, name: str) -> bool:
    return previous is None or previous.get(name) != fields.get(name)


def _existing(
    ctx: Context, kind: EntityKind, record_id: str | None, field_name: str, *, lock: bool = False
) -> Any:
    """A live record another one refers to; ``not_found`` otherwise."""
    cacheable = kind.value in _REF_KINDS and not lock and record_id is not None
    key = (kind.value, record_id or "")
    row = ctx.shared.refs.get(key) if cacheable else None
    if row is None and record_id is not None:
        row = _load(ctx.conn, kind, record_id, lock=lock)
        if cacheable and row is not None:
            ctx.shared.refs[key] = row
    if row is None or row.deleted:
        raise _missing(kind, field_name)
    return row


def _missing(kind: EntityKind, field_name: str | None) -> OpRejected:
    """The one answer for a reference to a record that does not exist *and* for one the
    caller may not see: no existence oracle."""
    return OpRejected("not_found", f"引用的{kind.label}不存在（可能尚未同步到服务器）", field_name)


def _in_scope(
    ctx: Context, grid_id: str | None, field_name: str, kind: EntityKind = EntityKind.AREA
) -> None:
    """The referenced record (of ``kind``, scope key ``grid_id``) may be written under:
    else ``out_of_scope`` if the caller can see it anyway (an area above their home
    area), and the same answer as a missing record if they cannot."""
    if ctx.scope.contains(grid_id):
        return
    if kind is EntityKind.AREA and is_ancestor_area(ctx.conn.conn, ctx.caller, grid_id):
        raise OpRejected("out_of_scope", OUT_OF_SCOPE, field_name)
    raise _missing(kind, field_name)


def _check_own_record(ctx: Context, op: Op, row: Any) -> None:
    """The op's own record exists: it must be in the caller's scope (a record they
    cannot see answers like a missing one), and staff may change only areas strictly
    below their home area, never it or those above it."""
    kind = op.entity
    caller = ctx.caller
    if (
        kind is EntityKind.AREA
        and not caller.unrestricted
        and op.kind is not ChangeKind.RESOLVE
        and is_ancestor_area(ctx.conn.conn, caller, row.id)
    ):
        raise OpRejected("out_of_scope", "不能修改或删除本人所属区划及其上级区划")
    if ctx.scope.contains(row.grid_id):
        return
    if kind is EntityKind.AREA and is_ancestor_area(ctx.conn.conn, caller, row.id):
        raise OpRejected("out_of_scope", OUT_OF_SCOPE)
    if op.kind is ChangeKind.CREATE:
        raise OpRejected("duplicate", "记录编号与已有记录重复")
    if op.kind is ChangeKind.RESOLVE:  # as for a conflict that does not exist
        raise OpRejected("not_found", "冲突记录不存在（可能尚未同步到服务器）")
    raise OpRejected("not_found", f"{kind.label}不存在（可能尚未同步到服务器）")


def _grid(ctx: Context, grid_id: str, field_name: str) -> None:
    row = _existing(ctx, EntityKind.AREA, grid_id, field_name)
    _in_scope(ctx, grid_id, field_name)
    if row.fields.get("level") != AreaLevel.GRID.value:
        raise OpRejected("invalid_field", "所属网格必须是“网格”级别的区划", field_name)


def _place(
    ctx: Context,
    kind: EntityKind,
    record_id: str,
    fields: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
) -> Placement:
    """Check the references of a record about to be written (those that changed) and
    work out its scope key."""
    if kind is EntityKind.AREA:
        return _place_area(ctx, record_id, fields, previous)
    if kind in (EntityKind.HOUSEHOLD, EntityKind.ORGANIZATION, EntityKind.PLACE):
        if _changed(fields, previous, "grid_id"):
            _grid(ctx, fields["grid_id"], "grid_id")
        micro = fields.get("micro_grid_id")
        if micro is not None and _changed(fields, previous, "micro_grid_id"):
            area = _existing(ctx, EntityKind.AREA, micro, "micro_grid_id")
            _in_scope(ctx, micro, "micro_grid_id")
            if area.fields.get("level") != AreaLevel.MICRO_GRID.value:
                raise OpRejected(
                    "invalid_field", "所属微网格必须是“微网格”级别的区划", "micro_grid_id"
                )
        return Placement(fields["grid_id"])
    if kind is EntityKind.RESIDENT:
        household = _existing(ctx, EntityKind.HOUSEHOLD, fields["household_id"], "household_id")
        _in_scope(ctx, household.grid_id, "household_id", EntityKind.HOUSEHOLD)
        return Placement(household.grid_id, parent_id=household.id)
    if kind is EntityKind.VISIT:
        household = _existing(ctx, EntityKind.HOUSEHOLD, fields["household_id"], "household_id")
        _in_scope(ctx, household.grid_id, "household_id", EntityKind.HOUSEHOLD)
        _existing(ctx, EntityKind.AREA, fields["grid_id"], "grid_id")
        _in_scope(ctx, fields["grid_id"], "grid_id")
        if fields.get("corrects_id") is not None:
            corrected = _existing(ctx, EntityKind.VISIT, fields["corrects_id"], "corrects_id")
            _in_scope(ctx, corrected.grid_id, "corrects_id", EntityKind.VISIT)
        _check_attachments(ctx, fields)
        return Placement(fields["grid_id"], parent_id=household.id)
    if kind is EntityKind.PLACE_INSPECTION:
        place = _existing(ctx, EntityKind.PLACE, fields["place_id"], "place_id")
        _in_scope(ctx, place.grid_id, "place_id", EntityKind.PLACE)
        if fields.get("corrects_id") is not None:
            corrected = _existing(
                ctx, EntityKind.PLACE_INSPECTION, fields["corrects_id"], "corrects_id"
            )
            _in_scope(ctx, corrected.grid_id, "corrects_id", EntityKind.PLACE_INSPECTION)
        return Placement(place.grid_id, parent_id=place.id)
    if kind is EntityKind.EVENT:
        _existing(ctx, EntityKind.AREA, fields["grid_id"], "grid_id")
        _in_scope(ctx, fields["grid_id"], "grid_id")
        if fields.get("household_id") is not None:
            household = _existing(ctx, EntityKind.HOUSEHOLD, fields["household_id"], "household_id")
            _in_scope(ctx, household.grid_id, "household_id", EntityKind.HOUSEHOLD)
        _check_attachments(ctx, fields)
        known = ctx.catalog()
        if known is not None and fields["category_code"] not in known:
            raise OpRejected(
                "invalid_field",
                f"事项清单中没有编码为“{fields['category_code']}”的事项",
                "category_code",
            )
        return Placement(fields["grid_id"])
    if kind is EntityKind.EVENT_ACTION:
        event = _existing(ctx, EntityKind.EVENT, fields["event_id"], "event_id", lock=True)
        _in_scope(ctx, event.grid_id, "event_id", EntityKind.EVENT)
        _check_attachments(ctx, fields)
        return Placement(event.grid_id, parent_id=event.id)
    # Attachments carry no place of their own: they belong to the uploader's home area,
    # so colleagues above and beside the uploader (same subtree) can see them.
    return Placement(ctx.caller.scope_area_id)


def _place_area(
    ctx: Context, record_id: str, fields: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> Placement:
    parent_id = fields.get("parent_id")
    if _changed(fields, previous, "parent_id") or _changed(fields, previous, "level"):
        if parent_id is None:
            if not ctx.caller.unrestricted:
                raise OpRejected("out_of_scope", "只有系统管理员可以创建顶级区划", "parent_id")
        else:
            if parent_id == record_id:
                raise OpRejected("invalid_field", "上级区划不能是自身", "parent_id")
            parent = _existing(ctx, EntityKind.AREA, parent_id, "parent_id")
            _in_scope(ctx, parent_id, "parent_id")
            if AreaLevel(fields["level"]).depth <= AreaLevel(parent.fields["level"]).depth:
                raise OpRejected("invalid_field", "区划级别必须低于上级区划", "level")
    return Placement(record_id, parent_id=parent_id, area_code=fields["code"])


def _check_transition(ctx: Context, action: EventAction) -> datetime:
    """Validate an event action against the event's derived state and the caller's role;
    return the ``server_at`` to stamp (strictly after the event's previous actions, so
    the derived order is the order the server accepted them)."""
    caller_role = ctx.caller.role
    if action.actor_role is not caller_role:
        raise OpRejected(
            "role",
            f"办理角色（{action.actor_role.label}）与登录账号的角色（{caller_role.label}）不符",
            "actor_role",
        )
    rows = ctx.conn.execute(
        select(records.c.id, records.c.fields).where(
            records.c.kind == EntityKind.EVENT_ACTION.value,
            records.c.parent_id == action.event_id,
            records.c.deleted.is_(False),
        )
    ).all()
    history = [_action(r.id, r.fields) for r in rows]
    event_row = _existing(ctx, EntityKind.EVENT, action.event_id, "event_id")
    event = decode_record(EntityKind.EVENT, event_row.fields, id=event_row.id)
    assert isinstance(event, Event)
    try:
        # The same rules the laptop applied before storing the step (gridcore.domain.
        # workflow): state, role, what the step carries, self-resolvable categories by
        # the server's catalog, the intake source, an extension past the deadline.
        check_action(event, history, action, ctx.terms_catalog())
    except IllegalTransition as exc:
        if exc.reason == "role":
            raise OpRejected("role", str(exc), "kind") from None
        field_name = _TRANSITION_FIELDS.get(exc.reason, "kind")
        raise OpRejected("illegal_transition", str(exc), field_name) from None
    stamps = [a.server_at for a in history if a.server_at is not None]
    if stamps and max(stamps) >= ctx.now:
        return max(stamps) + timedelta(microseconds=1)
    return ctx.now


_TRANSITION_FIELDS = {
    "satisfaction": "satisfaction",
    "comment": "comment",
    "assignee": "assignee",
    "deadline": "deadline",
}
"""The field an IllegalTransition's reason points at, for the rejected op's answer."""


def _action(record_id: str, fields: Mapping[str, Any]) -> EventAction:
    action = decode_record(EntityKind.EVENT_ACTION, fields, id=record_id)
    assert isinstance(action, EventAction)
    return action


def _check_attachments(ctx: Context, fields: Mapping[str, Any]) -> None:
    """Photos are uploaded before the records that show them; a reference to bytes the
    server does not have would be a broken record on every other device. Only bytes the
    caller uploaded or may already read count (see :mod:`gridserver.references`)."""
    wanted = set(fields.get("attachments") or ())
    if not wanted:
        return
    if any(not is_valid_entity_id(EntityKind.ATTACHMENT, sha) for sha in wanted):
        raise OpRejected("invalid_field", "附件标识必须是 SHA-256", "attachments")
    present = usable_blobs(ctx.conn.conn, ctx.caller, wanted)
    if wanted - present.keys():
        raise OpRejected(
            "not_found", "引用的附件文件尚未上传，请先上传附件再同步记录", "attachments"
        )


def _check_blob(ctx: Context, sha256: str, fields: Mapping[str, Any]) -> None:
    size = usable_blobs(ctx.conn.conn, ctx.caller, [sha256]).get(sha256)
    if size is None:
        raise OpRejected("not_found", "附件文件尚未上传，请先上传附件再同步记录", "id")
    if size != fields["size"]:
        raise OpRejected("invalid_field", "附件大小与已上传的文件不一致", "size")
