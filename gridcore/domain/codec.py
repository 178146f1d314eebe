"""Records ⇄ plain JSON values, one definition for the store, the outbox and the wire.

Dates are ISO strings, datetimes ISO strings with their offset (UTC), enums their code,
tag sets sorted lists, attachment tuples lists, a small frozen dataclass inside a record (a
mediation's sessions) an object of its fields. Only data fields travel in ``fields``; the
metadata (``id``, ``version``, ``deleted``, ``updated_at``) travels beside them.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from gridcore.domain.entities import ENTITY_TYPES, Record
from gridcore.domain.enums import EntityKind

JSONValue = str | int | float | bool | None | list[Any] | dict[str, Any]
FieldChanges = dict[str, tuple[JSONValue, JSONValue]]

META_FIELDS = frozenset({"id", "version", "deleted", "updated_at"})

R = TypeVar("R", bound=Record)


class CodecError(ValueError):
    """A wire value that does not fit the field; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


Encoder = Callable[[Any], JSONValue]
Decoder = Callable[[Any], Any]


def _datetime_out(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC).isoformat()


def _datetime_in(value: Any) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _identity(value: Any) -> Any:
    return value


def _codec_for(hint: Any) -> tuple[Encoder, Decoder]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in args if a is not type(None)]
        enc, dec = _codec_for(inner[0])
        return (
            lambda v: None if v is None else enc(v),
            lambda v: None if v is None else dec(v),
        )
    if origin is frozenset:
        enc, dec = _codec_for(args[0])
        return (lambda v: sorted(enc(x) for x in v), lambda v: frozenset(dec(x) for x in v))
    if origin is tuple:
        enc, dec = _codec_for(args[0])
        return (lambda v: [enc(x) for x in v], lambda v: tuple(dec(x) for x in v))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _object_codec(hint)
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        enum_type = hint
        return (lambda v: v.value, enum_type)
    if hint is datetime:
        return (_datetime_out, _datetime_in)
    if hint is date:
        return (lambda v: v.isoformat(), date.fromisoformat)
    if hint is bool:
        return (_identity, _check_type(bool))
    if hint is int:
        return (_identity, _check_type(int))
    if hint is str:
        return (_identity, _check_type(str))
    raise TypeError(f"no codec for {hint!r}")


def _object_codec(cls: type) -> tuple[Encoder, Decoder]:
    """A nested frozen dataclass as a JSON object of its fields (by the same codecs); an
    object with an unknown key, a missing required one or a wrong value is refused."""
    hints = typing.get_type_hints(cls)
    parts = {
        f.name: (
            *_codec_for(hints[f.name]),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    }

    def encode(value: Any) -> JSONValue:
        return {name: enc(getattr(value, name)) for name, (enc, _dec, _req) in parts.items()}

    def decode(value: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        unknown = set(value) - parts.keys()
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}")
        missing = [n for n, (_e, _d, req) in parts.items() if req and n not in value]
        if missing:
            raise ValueError(f"missing keys {missing}")
        return cls(**{n: parts[n][1](v) for n, v in value.items()})

    return encode, decode


def _check_type(kind: type) -> Decoder:
    def check(value: Any) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {kind.__name__}")
        return value

    return check


@dataclasses.dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    encode: Encoder
    decode: Decoder
    required: bool


@functools.cache
def field_specs(kind: EntityKind) -> Mapping[str, FieldSpec]:
    """The data fields of a record type with their converters, in declaration order."""
    cls = ENTITY_TYPES[kind]
    hints = typing.get_type_hints(cls)
    specs: dict[str, FieldSpec] = {}
    for f in dataclasses.fields(cls):
        if f.name in META_FIELDS:
            continue
        encode, decode = _codec_for(hints[f.name])
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        specs[f.name] = FieldSpec(f.name, encode, decode, required)
    return specs


def encode_fields(record: Record) -> dict[str, JSONValue]:
    specs = field_specs(record.KIND)
    return {name: spec.encode(getattr(record, name)) for name, spec in specs.items()}


def wire_row(record: Record) -> dict[str, JSONValue]:
    """A record as one flat wire row: metadata beside the data fields (the shape of a
    pulled change and of ``gridclient.storage.bulk.bulk_upsert`` input)."""
    row: dict[str, JSONValue] = {
        "id": record.id,
        "version": record.version,
        "deleted": record.deleted,
        "updated_at": None if record.updated_at is None else _datetime_out(record.updated_at),
    }
    row.update(encode_fields(record))
    return row


def decode_value(kind: EntityKind, name: str, value: Any) -> Any:
    specs = field_specs(kind)
    if name not in specs:
        raise CodecError(name, f"未知字段：{name}")
    try:
        return specs[name].decode(value)
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        shown = repr(value)
        if len(shown) > 60:  # the message is logged and sent back: not the whole value
            shown = shown[:59] + "…"
        raise CodecError(name, f"字段 {name} 的值无效：{shown}") from exc


def decode_record(
    kind: EntityKind,
    fields: Mapping[str, Any],
    *,
    id: str,
    version: int = 0,
    deleted: bool = False,
    updated_at: datetime | None = None,
) -> Record:
    """Build a record from wire fields; unknown or missing required fields raise CodecError."""
    specs = field_specs(kind)
    values: dict[str, Any] = {}
    for name, value in fields.items():
        values[name] = decode_value(kind, name, value)
    missing = [n for n, s in specs.items() if s.required and n not in values]
    if missing:
        raise CodecError(missing[0], f"缺少必填字段：{'、'.join(missing)}")
    cls = ENTITY_TYPES[kind]
    return cls(id=id, version=version, deleted=deleted, updated_at=updated_at, **values)


def diff(old: Record | None, new: Record) -> FieldChanges:
    """Changed data fields as ``{field: (old, new)}`` in wire form (all fields if ``old``
    is None)."""
    after = encode_fields(new)
    if old is None:
        return {name: (None, value) for name, value in after.items()}
    before = encode_fields(old)
    return {n: (before[n], after[n]) for n in after if before[n] != after[n]}


def replace(record: R, changes: Mapping[str, Any]) -> R:
    """A copy of ``record`` with wire-form ``changes`` decoded and applied."""
    values = {name: decode_value(record.KIND, name, value) for name, value in changes.items()}
    return dataclasses.replace(record, **values)
