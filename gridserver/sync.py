"""Applying a push: each op on its own in a savepoint, deduplicated by ``op_id``.

One transaction per push (per 50 ops for long pushes), one SAVEPOINT per op: a failing
op rolls back to its savepoint and the others go on; the op's result (rejections included)
is stored in ``op_log`` in the same transaction, so a replayed op returns exactly what it
returned the first time and changes nothing. ``op_log`` doubles as the audit log (who
changed what, when, from which device). The feed position is stamped last (see
:mod:`gridserver.feed`). What one op does is in :mod:`gridserver.apply` (see
:mod:`gridserver.opcontext` for how the push is split).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, StatementError

from gridcore.domain import limits
from gridcore.domain.enums import ChangeKind, EntityKind
from gridcore.protocol import (
    Op,
    OpReason,
    OpResult,
    PushRequest,
    PushResponse,
)
from gridserver import persons, validation
from gridserver.apply import apply_op
from gridserver.db import (
    Database,
    op_log,
    records,
    utcnow,
)
from gridserver.errors import ApiError, OpRejected
from gridserver.feed import FeedEffects, stamp
from gridserver.opcontext import (
    REF_FIELDS,
    ChunkConnection,
    Context,
    NeedSavepoints,
    Outcome,
    Shared,
    storable,
)
from gridserver.scope import Caller, WriteScope

log = logging.getLogger(__name__)

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
            except NeedSavepoints:
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


def _prefetch_refs(conn: Connection, shared: Shared, ops: list[Op]) -> None:
    """Read the areas and households the ops refer to in one statement rather than one
    per op. Ids that do not exist yet (created by an earlier op of the chunk) are simply
    not found here and looked up when needed."""
    wanted: set[tuple[str, str]] = set()
    for op in ops:
        for name, pair in op.changes.items():
            kind = REF_FIELDS.get(name)
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
    would also flush the held-back INSERTs one by one, see :class:`gridserver.opcontext.ChunkConnection`)."""
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
    # (see gridserver.apply._create): a rejection before it has written nothing, and the INSERT is atomic
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
    except NeedSavepoints:
        raise  # an earlier op's held-back INSERT failed: the chunk runs again
    except (IntegrityError, OperationalError) as exc:
        if not guarded:
            raise NeedSavepoints from exc
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
            raise NeedSavepoints from exc
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
    the old values of any op (only compared, never checked, see :func:`gridserver.apply._check_changes`),
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
        return {validation.shown_name(n): storable(list(p)) for n, p in op.changes.items()}
