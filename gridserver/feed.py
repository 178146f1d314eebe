"""The change feed: a gap-free ordering of committed changes.

Why a counter bumped under a row lock rather than a sequence or a timestamp: sequence
values and clocks are taken when a row is written, but transactions commit in another
order, so a reader that saw position 7 committed may later find a 6 that committed after
it, and a cursor past 7 would skip it forever. Every writing transaction therefore does
all its work first and, as its very last statement before COMMIT, increments the single
``feed_counter`` row and stamps that value on every row it touched. The row lock taken by
that UPDATE is held until the commit, so the next writer gets the next value only after
this one has committed: feed positions are handed out in commit order. A reader that sees
counter value N (in the same snapshot as the rows it reads) therefore sees every change
with position ≤ N, and nothing with a bigger one can appear later. The lock is held only
for the stamping UPDATEs and the commit, a few milliseconds, so writers still run their
ops in parallel. It works identically on SQLite (whose writers are serialised anyway) and
PostgreSQL; ``pg_snapshot_xmin`` watermarks would be PostgreSQL-only and make readers wait
for the slowest open transaction.

All rows of one transaction share a position; pages are cut inside a position by
``(kind, id)``, so the cursor is ``(seq, kind, id)``, or ``(seq, None, None)`` once
everything up to ``seq`` has been delivered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    Text,
    and_,
    bindparam,
    cast,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)

from gridcore.domain.enums import EntityKind
from gridcore.protocol import ConflictInfo, Eviction, PullResponse, RecordChange
from gridserver.db import (
    Database,
    area_losses,
    conflicts,
    feed_counter,
    moves,
    records,
    users,
    utcnow,
)
from gridserver.errors import ApiError
from gridserver.scope import (
    ANCESTORS,
    AREA,
    MOVED_SUBTREE_IDS,
    READABLE,
    SUBTREE_IDS,
    Caller,
    in_subtree,
    scope_params,
)


@dataclass(slots=True)
class FeedEffects:
    """What a transaction touched, stamped with one feed position just before commit."""

    records: set[tuple[str, str]] = field(default_factory=set)
    conflicts: set[str] = field(default_factory=set)
    moves: list[dict[str, Any]] = field(default_factory=list)
    rescopes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """Re-parented areas: area id → (old parent, new parent). Every record whose scope
    key lies in the area's subtree changes scope (see :func:`stamp`)."""
    losses: list[dict[str, str]] = field(default_factory=list)
    """Ancestors a re-parented area's users no longer see (``area_id``, ``moved_area_id``):
    the feed evicts them for the users below the moved area that cannot read them now."""

    def rescope(self, area_id: str, old_parent: str | None, new_parent: str | None) -> None:
        """Record that ``area_id`` moved from ``old_parent`` to ``new_parent``; moved
        again in the same transaction, it counts as one move from its first parent."""
        first = self.rescopes.pop(area_id, (old_parent, new_parent))[0]
        if first != new_parent:
            self.rescopes[area_id] = (first, new_parent)

    def merge(self, other: FeedEffects) -> None:
        self.records |= other.records
        self.conflicts |= other.conflicts
        self.moves.extend(other.moves)
        for area_id, (old, new) in other.rescopes.items():
            self.rescope(area_id, old, new)
        self.losses.extend(other.losses)

    def __bool__(self) -> bool:
        return bool(self.records or self.conflicts or self.moves or self.rescopes or self.losses)


def next_position(conn: Connection) -> int:
    """The next feed position; the counter row stays locked until this transaction ends."""
    seq: int = conn.execute(
        update(feed_counter)
        .where(feed_counter.c.id == 1)
        .values(value=feed_counter.c.value + 1)
        .returning(feed_counter.c.value)
    ).scalar_one()
    return seq


_STAMP_RECORDS = (
    update(records)
    .where(
        records.c.kind == bindparam("b_kind", type_=String()),
        records.c.id.in_(bindparam("ids", expanding=True)),
    )
    .values(seq=bindparam("seq", type_=BigInteger()))
)
_INSERT_MOVES = insert(moves)
# A re-parented area: every record whose scope key lies in its subtree leaves the old
# parent's scopes and enters the new parent's, though none of them changed. One move row
# per record from the old parent to the new one makes the feed evict them for exactly the
# users who saw them through the old parent and will not through the new one (the test
# in _EVICTIONS: old key inside the caller's subtree, new key outside); re-stamping them
# with this position makes the new parent's users receive them from any cursor. Two
# set-based statements, however big the subtree.
_RESCOPE_MOVES = insert(moves).from_select(
    ["seq", "kind", "record_id", "old_grid_id", "new_grid_id"],
    select(
        bindparam("seq", type_=BigInteger()),
        records.c.kind,
        records.c.id,
        bindparam("old_parent", type_=String()),
        bindparam("new_parent", type_=String()),
    ).where(records.c.grid_id.in_(MOVED_SUBTREE_IDS)),
)
_RESCOPE_STAMP = (
    update(records)
    .where(records.c.grid_id.in_(MOVED_SUBTREE_IDS))
    .values(seq=bindparam("seq", type_=BigInteger()))
)
# Both lock their rows when the op runs, before the counter is taken: a push writing a
# record of the subtree locks it and then waits for the counter, so re-stamping rows not
# yet locked while holding the counter would deadlock with it. The count keeps the ids
# on the server.
_LOCK_SUBTREE = select(func.count()).select_from(
    select(records.c.id)
    .where(records.c.grid_id.in_(MOVED_SUBTREE_IDS))
    .with_for_update()
    .subquery()
)
_LOCK_AREAS = select(func.count()).select_from(
    select(records.c.id)
    .where(records.c.kind == AREA, records.c.id.in_(bindparam("ids", expanding=True)))
    .with_for_update()
    .subquery()
)


def lock_rescoped(conn: Connection, area_id: str, ancestors: set[str]) -> None:
    """Lock the rows :func:`stamp` will re-stamp for a re-parented area: its subtree's
    records and its new ``ancestors``."""
    if ancestors:
        conn.execute(_LOCK_AREAS, {"ids": sorted(ancestors)})
    conn.execute(_LOCK_SUBTREE, {"moved_area_id": area_id})


_STAMP_CONFLICTS = (
    update(conflicts)
    .where(conflicts.c.id.in_(bindparam("ids", expanding=True)))
    .values(seq=bindparam("seq", type_=BigInteger()))
)


def stamp(
    conn: Connection,
    effects: FeedEffects,
    *,
    write_held: Callable[[int], set[tuple[str, str]]] | None = None,
) -> int | None:
    """Take the next feed position (row lock until commit) and stamp it on ``effects``.
    Call it last in the transaction.

    ``write_held(seq)``, if given, writes rows still held back by the caller with that
    position already in them and returns their keys, which then need no stamping: a new
    record is written once, not inserted and then updated (the UPDATE rewrote every
    index entry of the row, the costliest statement of a push on PostgreSQL)."""
    if not effects and write_held is None:
        return None
    seq = next_position(conn)
    inserted = write_held(seq) if write_held is not None else set()
    by_kind: dict[str, list[str]] = {}
    for kind, record_id in sorted(effects.records - inserted):
        by_kind.setdefault(kind, []).append(record_id)
    # One statement per kind (a push touches one or two): ``kind = … AND id IN (…)`` is
    # an index probe per id, where a row-value ``(kind, id) IN (…)`` list was planned
    # as an OR of every pair. The rows are already locked by this transaction, so the
    # order they are updated in does not matter.
    for kind, ids in by_kind.items():
        conn.execute(_STAMP_RECORDS, {"seq": seq, "b_kind": kind, "ids": ids})
    if effects.conflicts:
        conn.execute(_STAMP_CONFLICTS, {"seq": seq, "ids": sorted(effects.conflicts)})
    if effects.moves:
        conn.execute(_INSERT_MOVES, [{**m, "seq": seq} for m in effects.moves])
    if effects.losses:
        conn.execute(insert(area_losses), [{**loss, "seq": seq} for loss in effects.losses])
    for area_id, (old_parent, new_parent) in sorted(effects.rescopes.items()):
        params = {
            "seq": seq,
            "moved_area_id": area_id,
            "old_parent": old_parent,
            "new_parent": new_parent,
        }
        conn.execute(_RESCOPE_MOVES, params)
        conn.execute(_RESCOPE_STAMP, params)
    return seq


@dataclass(frozen=True, slots=True)
class Cursor:
    seq: int
    kind: str | None = None
    id: str | None = None
    scope: str = ""


def scope_tag(caller: Caller) -> str:
    """Cursors are only valid for the scope they were issued in."""
    text = f"{caller.role.value}:{caller.scope_area_id or '*'}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def encode_cursor(cursor: Cursor) -> str:
    raw = json.dumps([cursor.seq, cursor.kind, cursor.id, cursor.scope], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


_MAX_SEQ = 2**63 - 1
_KINDS = frozenset(kind.value for kind in EntityKind)
_RECORD_ID = re.compile(r"[0-9a-f-]{1,64}")


def _is_record_id(value: object) -> bool:
    return isinstance(value, str) and _RECORD_ID.fullmatch(value) is not None


def decode_cursor(text: str, caller: Caller) -> Cursor:
    if not text:
        return Cursor(0, scope=scope_tag(caller))
    try:
        padded = text + "=" * (-len(text) % 4)
        seq, kind, rid, tag = json.loads(base64.urlsafe_b64decode(padded.encode()))
        # Every part goes into a query: bounded to what the columns hold.
        if type(seq) is not int or not 0 <= seq <= _MAX_SEQ or not isinstance(tag, str):
            raise ValueError(text)
        if (kind is None) != (rid is None):
            raise ValueError(text)
        if kind is not None and (kind not in _KINDS or not _is_record_id(rid)):
            raise ValueError(text)
        cursor = Cursor(seq, kind, rid, tag)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiError(400, "invalid_cursor", "同步游标无效，请重新进行完整同步") from None
    if cursor.scope != scope_tag(caller):
        raise ApiError(409, "scope_changed", "您的管辖范围已变更，请清除本地数据后重新进行完整同步")
    return cursor


_FEED_COLUMNS = (
    records.c.kind,
    records.c.id,
    records.c.version,
    records.c.deleted,
    records.c.updated_at,
    records.c.seq,
    # The stored JSON text, spliced into the answer as it is: decoding it into Python
    # objects and encoding them again was a third of a page's cost. It is our own
    # column, written only after validation (JSONB's text form on PostgreSQL).
    cast(records.c.fields, Text).label("fields"),
)
_C_SEQ = bindparam("c_seq", type_=BigInteger())
_AFTER_SEQ = records.c.seq > _C_SEQ
# A row-value comparison, so PostgreSQL walks ix_records_seq from the cursor.
_AFTER_KEY = tuple_(records.c.seq, records.c.kind, records.c.id) > tuple_(
    _C_SEQ, bindparam("c_kind", type_=String()), bindparam("c_id", type_=String())
)


# On SQLite the scope test is written so that no index can serve it (``coalesce`` of
# the column; NULL stays outside every scope). Otherwise SQLite answers a scoped page by
# collecting every row of the scope after the cursor through the grid and primary-key
# indexes ("MULTI-INDEX OR") and sorting them: each page of a township then cost the
# whole township, and an initial pull of the M township 32 s of server CPU (quadratic in
# its size). Like this it walks ix_records_seq from the cursor in order and stops after
# one page. PostgreSQL plans the plain form well and keeps it.
_READABLE_BY_SEQ = or_(
    func.coalesce(records.c.grid_id, "").in_(SUBTREE_IDS),
    and_(records.c.kind == AREA, func.coalesce(records.c.id, "").in_(select(ANCESTORS.c.id))),
)


def _page_query(after: ColumnElement[bool], scoped: bool, sqlite: bool) -> Select[Any]:
    query = select(*_FEED_COLUMNS).where(after)
    if scoped:
        query = query.where(_READABLE_BY_SEQ if sqlite else READABLE)
    return query.order_by(records.c.seq, records.c.kind, records.c.id).limit(
        bindparam("page_limit", type_=Integer())
    )


# (SQLite?, cursor inside a position?, scoped?) → statement; built once, see
# gridserver.scope.
_PAGES = {
    (sqlite, inside, scoped): _page_query(_AFTER_KEY if inside else _AFTER_SEQ, scoped, sqlite)
    for sqlite in (False, True)
    for inside in (False, True)
    for scoped in (False, True)
}
_RANGE = {"lower": bindparam("lower", type_=BigInteger()), "upper": bindparam("upper")}
_EVICTIONS = (
    select(moves.c.kind, moves.c.record_id)
    .where(moves.c.seq > _RANGE["lower"], moves.c.seq <= _RANGE["upper"])
    .where(in_subtree(moves.c.old_grid_id))
    .where(func.coalesce(moves.c.new_grid_id, "").not_in(SUBTREE_IDS))
    .order_by(moves.c.seq, moves.c.id)
)
# An ancestor lost by a move is evicted for a caller below the moved area (the moved
# area is on the caller's chain now) who cannot read it any more; whoever can still see
# it (its township's own users, users moved back under it later) keeps it.
_LOSSES = (
    select(area_losses.c.area_id)
    .where(area_losses.c.seq > _RANGE["lower"], area_losses.c.seq <= _RANGE["upper"])
    .where(area_losses.c.moved_area_id.in_(select(ANCESTORS.c.id)))
    .where(area_losses.c.area_id.not_in(SUBTREE_IDS))
    .where(area_losses.c.area_id.not_in(select(ANCESTORS.c.id)))
    .order_by(area_losses.c.seq, area_losses.c.id)
)
_CONFLICTS_ALL = (
    select(conflicts, users.c.username)
    .join(users, users.c.id == conflicts.c.incoming_user_id)
    .where(conflicts.c.seq > _RANGE["lower"], conflicts.c.seq <= _RANGE["upper"])
    .order_by(conflicts.c.seq, conflicts.c.id)
)
_CONFLICTS_SCOPED = _CONFLICTS_ALL.where(in_subtree(conflicts.c.grid_id))
_HIGH = select(feed_counter.c.value).where(feed_counter.c.id == 1)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the feed as read from the database; ``rows`` carry ``fields`` as the
    stored JSON text."""

    rows: Sequence[Any]
    evictions: list[Eviction]
    conflicts: list[ConflictInfo]
    cursor: str
    more: bool
    server_time: datetime


def read_page(
    db: Database,
    caller: Caller,
    cursor_text: str,
    limit: int,
    hidden: frozenset[EntityKind] = frozenset(),
) -> Page:
    """A page of the caller's feed after ``cursor_text``. ``hidden``: kinds the client
    cannot read (``gridcore.protocol.kinds_unknown_to``): their evictions and conflicts
    are left out (the client would refuse the page), their records are sent (it keeps
    them aside until it is upgraded)."""
    cursor = decode_cursor(cursor_text, caller)
    if not caller.unrestricted and caller.scope_area_id is None:
        raise ApiError(403, "forbidden", "该账号没有管辖区划，请联系管理员")
    scoped = not caller.unrestricted
    params: dict[str, Any] = {
        **scope_params(caller),
        "c_seq": cursor.seq,
        "c_kind": cursor.kind,
        "c_id": cursor.id,
        "page_limit": limit + 1,
    }
    with db.snapshot() as conn:
        high: int = conn.execute(_HIGH).scalar_one()
        page_query = _PAGES[db.is_sqlite, cursor.kind is not None, scoped]
        rows = conn.execute(page_query, params).all()
        more = len(rows) > limit
        rows = rows[:limit]
        if more:
            last = rows[-1]
            upper = last.seq
            next_cursor = Cursor(last.seq, last.kind, last.id, cursor.scope)
        else:
            upper = high
            next_cursor = Cursor(high, scope=cursor.scope)
        evictions: list[Eviction] = []
        conflict_rows: list[ConflictInfo] = []
        if upper > cursor.seq:
            bounds = {**params, "lower": cursor.seq, "upper": upper}
            if scoped:
                evictions = _evictions(conn.execute(_EVICTIONS, bounds).all())
                evictions += _lost_ancestors(conn.execute(_LOSSES, bounds).scalars(), evictions)
            query = _CONFLICTS_SCOPED if scoped else _CONFLICTS_ALL
            conflict_rows = [conflict_info(r) for r in conn.execute(query, bounds).all()]
    if hidden:
        evictions = [e for e in evictions if e.entity not in hidden]
        conflict_rows = [c for c in conflict_rows if c.entity not in hidden]
    return Page(rows, evictions, conflict_rows, encode_cursor(next_cursor), more, utcnow())


def pull(
    db: Database,
    caller: Caller,
    cursor_text: str,
    limit: int,
    hidden: frozenset[EntityKind] = frozenset(),
) -> PullResponse:
    """A page as the protocol model (tests, tools); the endpoint sends
    :func:`pull_json`, the same page encoded without building the model."""
    page = read_page(db, caller, cursor_text, limit, hidden)
    return PullResponse(
        changes=[_change(row) for row in page.rows],
        evictions=page.evictions,
        conflicts=page.conflicts,
        cursor=page.cursor,
        more=page.more,
        server_time=page.server_time,
    )


_JSON_OPTIONS = orjson.OPT_UTC_Z


def pull_json(
    db: Database,
    caller: Caller,
    cursor_text: str,
    limit: int,
    hidden: frozenset[EntityKind] = frozenset(),
) -> bytes:
    """A page as the JSON body of a ``PullResponse``, built straight from the rows: the
    stored ``fields`` text is spliced in unparsed (``orjson.Fragment``), and no model
    object is built per record. Its shape is the model's (the tests compare both)."""
    page = read_page(db, caller, cursor_text, limit, hidden)
    fragment = orjson.Fragment
    changes = [
        {
            "entity": row.kind,
            "id": row.id,
            "version": row.version,
            "deleted": row.deleted,
            "updated_at": row.updated_at,
            "fields": fragment(row.fields),
        }
        for row in page.rows
    ]
    body = {
        "changes": changes,
        "evictions": [e.model_dump(mode="json") for e in page.evictions],
        "conflicts": [c.model_dump(mode="json") for c in page.conflicts],
        "cursor": page.cursor,
        "more": page.more,
        "server_time": page.server_time,
    }
    return orjson.dumps(body, option=_JSON_OPTIONS)


def _change(row: Any) -> RecordChange:
    # Rows come from our own table, written only after validation: skip re-validating
    # them (it was a third of the cost of a big pull).
    return RecordChange.model_construct(
        entity=EntityKind(row.kind),
        id=row.id,
        version=row.version,
        deleted=row.deleted,
        updated_at=row.updated_at,
        fields=json.loads(row.fields),
    )


def _evictions(rows: Sequence[Any]) -> list[Eviction]:
    """Records moved from inside the caller's subtree to outside it, once each."""
    seen: set[tuple[str, str]] = set()
    result = []
    for row in rows:
        if (row.kind, row.record_id) not in seen:
            seen.add((row.kind, row.record_id))
            result.append(Eviction(entity=EntityKind(row.kind), id=row.record_id))
    return result


def _lost_ancestors(area_ids: Iterable[str], evictions: list[Eviction]) -> list[Eviction]:
    seen = {(e.entity, e.id) for e in evictions}
    result = []
    for area_id in area_ids:
        if (EntityKind.AREA, area_id) not in seen:
            seen.add((EntityKind.AREA, area_id))
            result.append(Eviction(entity=EntityKind.AREA, id=area_id))
    return result


def conflict_info(row: Any) -> ConflictInfo:
    return ConflictInfo(
        id=row.id,
        entity=EntityKind(row.kind),
        entity_id=row.record_id,
        field=row.field,
        base_value=row.base_value,
        server_value=row.server_value,
        incoming_value=row.incoming_value,
        server_user=row.server_user,
        server_device=row.server_device,
        server_time=row.server_time,
        incoming_user=row.username,
        incoming_device=row.incoming_device,
        incoming_time=row.incoming_time,
        created_at=row.created_at,
        resolved=row.resolved_at is not None,
        resolution=row.resolution,
    )
