"""The bulk path: initial pull, Excel import and benchmarks write rows with Core
``executemany``, never with an ORM object per row.

**Input format: wire rows.** Each row is a flat mapping of ``id``, ``version``,
``deleted``, ``updated_at`` and the record's data fields in the codec's wire form (enum
codes, ISO dates and datetimes with offsets, tag and attachment lists) — exactly what a
pulled page carries and what ``codec.encode_fields`` produces, so neither the pull nor
an importer builds domain objects. Every value is checked by its field's codec decoder
(a bad page fails with ``CodecError`` naming the field before its chunk is written).

**Speed.** Work is done column by column per chunk, and each *distinct* value of a
column is decoded once (enum codes, grid and household ids, dates and versions repeat a
lot). Values are formatted here exactly as the typed columns store them (SQLAlchemy's
own SQLite DATE/DATETIME processors, the engine's JSON serializer) and sent as
positional tuples to the Core upsert below, compiled once per kind; so the driver's
``executemany`` is the only per-row cost left besides SQLCipher itself.

**Upsert rule.** A row replaces the stored copy only when its ``version`` is newer
(``ON CONFLICT (id) DO UPDATE … WHERE excluded.version > version``), so replaying a
page is harmless and an older copy never overwrites a newer one. Keeping local pending
edits on top of a pulled base (rebase) is the sync engine's job, not this function's.

The caller owns the transaction: use ``engine.write_connection`` and save the pull
cursor on the same connection so the page and the cursor commit together.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import Any, cast

import orjson
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Insert,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.types import TypeEngine

from gridclient.storage import household_order
from gridclient.storage.chunks import chunked
from gridclient.storage.convert import DERIVED_COLUMNS, Storage, field_plan, table_for
from gridclient.storage.engine import dumps_json
from gridclient.storage.household_order import KEY_COLUMNS, key_columns
from gridclient.storage.models import AttachmentBlobRow, AttachmentRow, HeldRecordRow
from gridcore.domain.codec import CodecError
from gridcore.domain.entities import ENTITY_TYPES
from gridcore.domain.enums import EntityKind
from gridcore.domain.limits import INT64_MAX, INT64_MIN

__all__ = [
    "DEFAULT_CHUNK",
    "any_held",
    "apply_fields",
    "bulk_upsert",
    "change_tuples",
    "column_converters",
    "delete_rows",
    "hold_records",
    "release_held",
    "storage_tuples",
    "store_datetime",
    "upsert_changes",
]

#: Rows per executemany: large enough to amortise the per-chunk work, small enough
#: that a chunk's converted columns do not hold much memory.
DEFAULT_CHUNK = 5_000

_DIALECT = sqlite.dialect()

ColumnConverter = Callable[[str, list[Any]], list[Any]]


def _processor(type_: TypeEngine[Any]) -> Callable[[Any], str]:
    """SQLAlchemy's own SQLite bind processor for ``type_``: the exact storage format
    the typed columns write."""
    process = type_.dialect_impl(_DIALECT).bind_processor(_DIALECT)
    if process is None:
        raise AssertionError(f"{type_!r} has no SQLite bind processor")
    return process


_DATE_OUT = _processor(Date())
_DATETIME_OUT = _processor(DateTime())


def _store_date(value: date | None) -> str | None:
    return None if value is None else _DATE_OUT(value)


_ZERO = timedelta(0)


def _store_datetime(value: datetime | None) -> str | None:
    # The codec hands back aware datetimes; UTCDateTime stores naive UTC, in the text
    # form of SQLAlchemy's SQLite DATETIME (``_DATETIME_OUT``), which ``isoformat`` with
    # a space and microseconds writes identically and several times faster.
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() != _ZERO:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def store_datetime(value: datetime | None) -> str | None:
    """An aware datetime in the text form a ``UTCDateTime`` column stores."""
    return _store_datetime(value)


def _parse_updated_at(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    # The codec's rule: a bare wire time is UTC.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _check_id(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError("expected a non-empty string")
    return value


def _check_version(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError("expected a non-negative integer")
    return value


def _flag(value: Any) -> int:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return int(value)


def _identity(value: Any) -> Any:
    return value


def _invalid(name: str, exc: Exception) -> CodecError:
    return CodecError(name, f"字段 {name} 的值无效：{exc}")


_ALIASING = frozenset({bool, int, float})
"""Types whose values can be equal across types (``True == 1 == 1.0``)."""


def _by_distinct(decode: Callable[[Any], Any], store: Callable[[Any], Any]) -> ColumnConverter:
    """Decode each distinct value of a column once. Values are keyed with their type so
    that ``True`` never hides behind ``1`` (only needed, and only done, when a column
    mixes such types: the usual column of strings is keyed by value)."""

    def convert(name: str, values: list[Any]) -> list[Any]:
        try:
            if len(_ALIASING.intersection(map(type, values))) <= 1:
                by_value = {value: store(decode(value)) for value in set(values)}
                return list(map(by_value.__getitem__, values))
            keys = list(zip(map(type, values), values, strict=True))
            stored = {key: store(decode(key[1])) for key in set(keys)}
        except (TypeError, ValueError, AttributeError) as exc:
            raise _invalid(name, exc) from exc
        return [stored[key] for key in keys]

    return convert


def _each(decode: Callable[[Any], Any], store: Callable[[Any], Any]) -> ColumnConverter:
    """Value by value: for unique columns (ids) and unhashable ones (JSON lists)."""

    def convert(name: str, values: list[Any]) -> list[Any]:
        try:
            return [store(decode(value)) for value in values]
        except (TypeError, ValueError, AttributeError) as exc:
            raise _invalid(name, exc) from exc

    return convert


def _json_key(value: Any) -> Any:
    """A dict key for a wire value of a JSON column: a list of plain items as a tuple, a
    list of objects (a mediation's sessions) by its JSON text."""
    if type(value) is not list:
        return value
    key = tuple(value)
    try:
        hash(key)
    except TypeError:
        return (_json_key, dumps_json(value))
    return key


_UTC_WIRE = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d{6})?(?:\+00:00|Z)", re.ASCII)
"""A wire datetime already in UTC, in a form the codec (``+00:00``) or the server's JSON
(``Z``) writes, with or without microseconds."""


def _wire_utc_text(value: str) -> str | None:
    """The storage text of a wire datetime matching :data:`_UTC_WIRE`, by taking its
    parts; ``None`` for any other form (converted the long way). ``fromisoformat`` still
    validates it, as the codec's decoder would (a 30 February fails here too)."""
    match = _UTC_WIRE.fullmatch(value)
    if match is None:
        return None
    datetime.fromisoformat(value)
    return f"{match[1]} {match[2]}{match[3] or '.000000'}"


def _datetimes(decode: Callable[[Any], Any]) -> ColumnConverter:
    """Datetime columns: nearly every value is distinct (when a visit or a step
    happened), so no per-value dict; the usual UTC wire text is sliced into the storage
    text (:func:`_wire_utc_text`) instead of building, shifting and formatting a
    datetime (two thirds of the row path's cost before)."""

    def convert(name: str, values: list[Any]) -> list[Any]:
        out: list[Any] = []
        append = out.append
        try:
            for value in values:
                text = _wire_utc_text(value) if type(value) is str else None
                append(text if text is not None else _store_datetime(decode(value)))
        except (TypeError, ValueError, AttributeError) as exc:
            raise _invalid(name, exc) from exc
        return out

    return convert


def _texts(slow: ColumnConverter) -> ColumnConverter:
    """Plain text columns (names, addresses, visit content: mostly distinct): a column
    of strings without NUL is stored as it came, checked in two C-speed passes; any
    other column goes the per-value way (``slow``), which names the bad value."""

    def convert(name: str, values: list[Any]) -> list[Any]:
        if set(map(type, values)) <= {str} and "\x00" not in "".join(values):
            return values
        return slow(name, values)

    return convert


def _json_lists(decode: Callable[[Any], Any]) -> ColumnConverter:
    """JSON array columns (tags, attachment ids, sessions): lists are keyed as tuples (or
    by their JSON text when they hold objects) so that each distinct list (most are
    empty) is validated and serialized once."""

    def convert(name: str, values: list[Any]) -> list[Any]:
        try:
            keys = [_json_key(value) for value in values]
            stored: dict[Any, str] = {}
            for key, value in zip(keys, values, strict=True):
                if key not in stored:
                    if type(value) is not list:
                        raise TypeError("expected a list")
                    decode(value)  # validate; store the wire list itself
                    stored[key] = dumps_json(value)
        except (TypeError, ValueError, AttributeError) as exc:
            raise _invalid(name, exc) from exc
        return [stored[key] for key in keys]

    return convert


@functools.cache
def column_converters(kind: EntityKind) -> dict[str, ColumnConverter]:
    """Per column of ``kind``'s table: wire values → validated storage values. Data
    fields are validated by their codec decoders, metadata by the rules above."""
    converters: dict[str, ColumnConverter] = {
        "id": _each(_check_id, _identity),
        "version": _by_distinct(_check_version, _identity),
        "deleted": _by_distinct(_flag, _identity),
        "updated_at": _datetimes(_parse_updated_at),
    }
    hints = typing.get_type_hints(ENTITY_TYPES[kind])
    for f in field_plan(kind):
        if f.storage is Storage.DATETIME:
            converters[f.name] = _datetimes(f.spec.decode)
        elif f.storage is Storage.DATE:
            converters[f.name] = _by_distinct(f.spec.decode, _store_date)
        elif f.storage is Storage.JSON:
            converters[f.name] = _json_lists(f.spec.decode)
        elif hints[f.name] is str:
            converters[f.name] = _texts(_by_distinct(f.spec.decode, _storable))
        else:
            converters[f.name] = _by_distinct(f.spec.decode, _storable)
    return converters


def _storable(value: Any) -> Any:
    """A plain value SQLite can hold: integers within 64 bits (beyond that the driver
    raises OverflowError mid-statement), text without NUL (SQLite would cut it there)."""
    if type(value) is int and not INT64_MIN <= value <= INT64_MAX:
        raise ValueError("整数超出可保存的范围")
    if type(value) is str and "\x00" in value:
        raise ValueError("文字中含有空字符")
    return value


_META_DEFAULTS: dict[str, Any] = {"version": 0, "deleted": False, "updated_at": None}


def _column(name: str, rows: list[Mapping[str, Any]]) -> list[Any]:
    if name in _META_DEFAULTS:
        default = _META_DEFAULTS[name]
        return [row.get(name, default) for row in rows]
    try:
        return list(map(itemgetter(name), rows))
    except KeyError:
        raise CodecError(name, f"缺少字段：{name}") from None


@functools.cache
def _storage_table(kind: EntityKind) -> Table:
    """The record table again, with columns that do no bind processing: the values
    arrive already in storage form."""
    source = table_for(kind)
    columns = [
        Column(
            c.name,
            Integer() if isinstance(c.type, Integer | Boolean) else String(),
            primary_key=c.primary_key,
        )
        for c in source.columns
    ]
    return Table(source.name, MetaData(), *columns)


def _upsert_statement(kind: EntityKind, *, equal: bool = False) -> Insert:
    table = _storage_table(kind)
    statement = sqlite_insert(table)
    excluded = statement.excluded
    newer = excluded.version >= table.c.version if equal else excluded.version > table.c.version
    return statement.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={c.name: excluded[c.name] for c in table.columns if c.name != "id"},
        where=newer,
    )


@functools.cache
def _compiled(kind: EntityKind, equal: bool = False) -> tuple[str, tuple[str, ...]]:
    """The upsert compiled once for SQLite's positional parameters, and the column name
    of each parameter position. ``equal`` also replaces a row of the same version (the
    one-off repair pull of migration r0004)."""
    compiled = _upsert_statement(kind, equal=equal).compile(dialect=_DIALECT)
    positions = compiled.positiontup
    if positions is None:
        raise AssertionError("expected positional parameters for SQLite")
    return compiled.string, tuple(positions)


def storage_tuples(kind: EntityKind, rows: list[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """Validated storage values of ``rows``, in the compiled statement's parameter order."""
    _sql, positions = _compiled(kind)
    return _tuples(kind, positions, lambda name: _column(name, rows))


_CHANGE_META = ("id", "version", "deleted", "updated_at")


def change_tuples(kind: EntityKind, changes: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """:func:`storage_tuples` of pulled changes (``id``, ``version``, ``deleted``,
    ``updated_at`` and a ``fields`` mapping each, as in a pull page): the metadata is
    taken from each change and the data fields from its ``fields``, without merging the
    two into one dict per record first."""
    _sql, positions = _compiled(kind)
    try:
        fields = [change["fields"] for change in changes]
        meta = {name: list(map(itemgetter(name), changes)) for name in _CHANGE_META}
    except KeyError as exc:
        raise CodecError(str(exc.args[0]), f"缺少字段：{exc.args[0]}") from None
    return _tuples(
        kind, positions, lambda name: meta[name] if name in meta else _column(name, fields)
    )


def _tuples(
    kind: EntityKind, positions: Sequence[str], values: Callable[[str], list[Any]]
) -> list[tuple[Any, ...]]:
    """Rows of storage values in ``positions`` order: each column converted from its
    wire ``values``, then the columns the store derives from them (a household's sort
    keys, ``storage.household_order``)."""
    converters = column_converters(kind)
    derived = DERIVED_COLUMNS.get(kind, ())
    columns = {
        name: converters[name](name, values(name)) for name in positions if name not in derived
    }
    if kind is EntityKind.HOUSEHOLD:
        columns.update(
            zip(KEY_COLUMNS, key_columns(columns["address"], columns["number"]), strict=True)
        )
    return list(zip(*(columns[name] for name in positions), strict=True))


def upsert_changes(
    connection: Connection,
    kind: EntityKind,
    changes: Sequence[Mapping[str, Any]],
    *,
    chunk_size: int = DEFAULT_CHUNK,
    equal: bool = False,
) -> int:
    """:func:`bulk_upsert` of pulled changes (see :func:`change_tuples`); ``equal``
    also replaces rows of the same version."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    sql, _positions = _compiled(kind, equal)
    for chunk in chunked(changes, chunk_size):
        connection.exec_driver_sql(sql, change_tuples(kind, chunk))
    return len(changes)


def bulk_upsert(
    connection: Connection,
    kind: EntityKind,
    rows: Iterable[Mapping[str, Any]],
    *,
    chunk_size: int = DEFAULT_CHUNK,
) -> int:
    """Insert or update wire rows of ``kind`` on ``connection``, inside the caller's
    transaction; returns how many rows were given. A ``CodecError`` stops before its
    chunk is written; the caller's rollback undoes earlier chunks."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    sql, _positions = _compiled(kind)
    count = 0
    for chunk in chunked(rows, chunk_size):
        # ``sql`` is the Core construct above, compiled; values travel only as bound
        # parameters. Tuples spare a dict per row and a lookup per row and column.
        connection.exec_driver_sql(sql, storage_tuples(kind, chunk))
        count += len(chunk)
    return count


def apply_fields(
    connection: Connection,
    kind: EntityKind,
    record_id: str,
    fields: Mapping[str, Any],
    *,
    deleted: bool | None = None,
) -> None:
    """Overwrite some wire fields (and the tombstone) of one stored row, keeping its
    version: the sync engine's rebase puts local pending values back on top of a pulled
    base in the page's transaction. Values are validated by the same converters."""
    converters = column_converters(kind)
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in converters or name in ("id", "version", "updated_at"):
            raise CodecError(name, f"未知字段：{name}")
        values[name] = converters[name](name, [value])[0]
    if deleted is not None:
        values["deleted"] = int(deleted)
    if not values:
        return
    table = _storage_table(kind)
    connection.execute(update(table).where(table.c.id == record_id).values(values))
    if kind is EntityKind.HOUSEHOLD and not values.keys().isdisjoint(("address", "number")):
        household_order.fill_missing(connection)  # the trigger cleared its sort keys


def delete_rows(connection: Connection, kind: EntityKind, ids: Iterable[str]) -> int:
    """Remove rows outright (records that left the user's scope); returns how many."""
    table = _storage_table(kind)
    wanted = list(dict.fromkeys(ids))
    removed = 0
    for chunk in chunked(wanted):
        result = connection.execute(delete(table).where(table.c.id.in_(chunk)))
        removed += int(result.rowcount or 0)
    return removed


def existing_ids(connection: Connection, kind: EntityKind, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` the store holds (deleted ones included)."""
    table = _storage_table(kind)
    wanted = list(dict.fromkeys(ids))
    found: set[str] = set()
    for chunk in chunked(wanted):
        found.update(connection.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
    return found


# -- attachment bytes (the sync engine fetches them after the record pages) ------------

_MISSING_BLOBS = (
    select(AttachmentRow.id)
    .outerjoin(AttachmentBlobRow, AttachmentBlobRow.sha256 == AttachmentRow.id)
    .where(AttachmentBlobRow.sha256.is_(None), AttachmentRow.deleted.is_(False))
    .order_by(AttachmentRow.id)
)
_STORE_BLOB = sqlite_insert(AttachmentBlobRow).on_conflict_do_nothing(index_elements=["sha256"])


def missing_blobs(connection: Connection) -> list[str]:
    """SHA-256 of live attachment records whose bytes the store does not hold yet."""
    return list(connection.execute(_MISSING_BLOBS).scalars())


def store_blob(connection: Connection, sha256: str, data: bytes) -> None:
    """Keep an attachment's bytes (once per SHA-256)."""
    connection.execute(_STORE_BLOB, {"sha256": sha256, "data": data})


# -- pulled records this laptop cannot store (see the sync engine's pull) --------------

_HELD = cast(Table, HeldRecordRow.__table__)
_ANY_HELD = select(_HELD.c.id).limit(1)
_HOLD_INSERT = sqlite_insert(_HELD)
_HOLD = _HOLD_INSERT.on_conflict_do_update(
    index_elements=[_HELD.c.kind, _HELD.c.id],
    set_={name: _HOLD_INSERT.excluded[name] for name in ("version", "change", "reason", "held_at")},
)
_RELEASE = delete(_HELD).where(
    _HELD.c.kind == bindparam("kind"), _HELD.c.id.in_(bindparam("ids", expanding=True))
)


def any_held(connection: Connection) -> bool:
    """Whether any pulled record is kept aside (one indexed probe)."""
    return connection.execute(_ANY_HELD).first() is not None


def hold_records(
    connection: Connection, kind: str, failed: Sequence[tuple[Mapping[str, Any], str]]
) -> None:
    """Keep pulled changes aside with their reasons (a later hold of a record replaces
    the earlier one)."""
    if not failed:
        return
    now = datetime.now(UTC)
    connection.execute(
        _HOLD,
        [
            {
                "kind": kind,
                "id": str(change.get("id")),
                "version": _int_or_zero(change.get("version")),
                "change": _json_text(change),
                "reason": reason,
                "held_at": now,
            }
            for change, reason in failed
        ],
    )


def held_changes(connection: Connection) -> list[dict[str, Any]]:
    """Every held change as it was pulled (the JSON object), oldest hold first."""
    rows = connection.execute(select(_HELD.c.change).order_by(_HELD.c.held_at)).scalars()
    out: list[dict[str, Any]] = []
    for text in rows:
        try:
            change = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue  # kept for diagnosis; a later version replaces it
        if isinstance(change, dict):
            out.append(change)
    return out


def release_held(connection: Connection, kind: str, ids: Sequence[str]) -> None:
    """Drop the held copies of records that have now been stored."""
    for chunk in chunked(ids):
        connection.execute(_RELEASE, {"kind": kind, "ids": chunk})


def _int_or_zero(value: Any) -> int:
    if type(value) is int and INT64_MIN <= value <= INT64_MAX:
        return value
    return 0


def _json_text(change: Mapping[str, Any]) -> str:
    try:
        return orjson.dumps(change, default=str).decode()
    except (TypeError, orjson.JSONEncodeError):
        return repr(change)[:10_000]
