"""Domain records ⇄ column values, driven by ``codec.field_specs`` and the column types.

Row columns carry the codec's wire value (enum codes, sorted tag lists, attachment
lists, plain strings and ints) except dates and datetimes, which stay Python objects so
the ``Date`` and :class:`~gridclient.storage.models.UTCDateTime` columns store them in
sortable form. One plan per kind is computed once and checked against the table, so a
field added to a dataclass without a column (or the reverse) fails loudly at first use
instead of being dropped silently.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Table

from gridclient.storage.household_order import KEY_COLUMNS, sort_keys
from gridclient.storage.models import (
    AreaRow,
    AttachmentRow,
    Base,
    EventActionRow,
    EventRow,
    HouseholdRow,
    MediationRow,
    OrganizationRow,
    PatrolRow,
    PlaceInspectionRow,
    PlaceRow,
    ProgramRecordRow,
    RecordRow,
    ResidentRow,
    UTCDateTime,
    VisitRow,
)
from gridcore.domain.codec import META_FIELDS, FieldSpec, field_specs
from gridcore.domain.entities import ENTITY_TYPES, Record
from gridcore.domain.enums import EntityKind

__all__ = [
    "DERIVED_COLUMNS",
    "MODELS",
    "FieldPlan",
    "Storage",
    "field_plan",
    "kind_of_table",
    "record_from_row",
    "record_to_values",
    "table_for",
]

MODELS: dict[EntityKind, type[RecordRow]] = {
    EntityKind.AREA: AreaRow,
    EntityKind.HOUSEHOLD: HouseholdRow,
    EntityKind.RESIDENT: ResidentRow,
    EntityKind.ORGANIZATION: OrganizationRow,
    EntityKind.PATROL: PatrolRow,
    EntityKind.PLACE: PlaceRow,
    EntityKind.PLACE_INSPECTION: PlaceInspectionRow,
    EntityKind.VISIT: VisitRow,
    EntityKind.EVENT: EventRow,
    EntityKind.EVENT_ACTION: EventActionRow,
    EntityKind.MEDIATION: MediationRow,
    EntityKind.ATTACHMENT: AttachmentRow,
    EntityKind.PROGRAM_RECORD: ProgramRecordRow,
}


DERIVED_COLUMNS: dict[EntityKind, tuple[str, ...]] = {EntityKind.HOUSEHOLD: KEY_COLUMNS}
"""Columns of a record table that are no field of the record: values the store derives
from its fields (never synced, never read back into a record)."""


def table_for(kind: EntityKind) -> Table:
    return Base.metadata.tables[MODELS[kind].__tablename__]


def kind_of_table(name: str) -> EntityKind:
    for kind, model in MODELS.items():
        if model.__tablename__ == name:
            return kind
    raise KeyError(name)


class Storage(StrEnum):
    """How a field's value sits in its column."""

    PLAIN = "plain"
    """The wire value as is: text, integer or enum code."""
    JSON = "json"
    """A JSON array (tag sets, attachment lists)."""
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True, slots=True)
class FieldPlan:
    name: str
    spec: FieldSpec
    storage: Storage

    @property
    def native(self) -> bool:
        """Date/datetime columns take Python objects; every other column the wire value."""
        return self.storage in (Storage.DATE, Storage.DATETIME)


def _storage(table: Table, name: str) -> Storage:
    column_type = table.c[name].type
    if isinstance(column_type, UTCDateTime):
        return Storage.DATETIME
    if isinstance(column_type, Date):
        return Storage.DATE
    if isinstance(column_type, JSON):
        return Storage.JSON
    return Storage.PLAIN


@functools.cache
def field_plan(kind: EntityKind) -> tuple[FieldPlan, ...]:
    """The data fields of ``kind`` in declaration order with their codec and storage;
    raises if the table does not mirror the dataclass one to one."""
    table = table_for(kind)
    specs = field_specs(kind)
    columns = {c.name for c in table.columns} - META_FIELDS - set(DERIVED_COLUMNS.get(kind, ()))
    if columns != set(specs):
        raise AssertionError(
            f"{table.name} does not mirror {ENTITY_TYPES[kind].__name__}: "
            f"columns only {sorted(columns - set(specs))}, fields only "
            f"{sorted(set(specs) - columns)}"
        )
    return tuple(FieldPlan(name, spec, _storage(table, name)) for name, spec in specs.items())


def record_to_values(record: Record) -> dict[str, Any]:
    """Column values for ``record``, metadata included."""
    values: dict[str, Any] = {
        "id": record.id,
        "version": record.version,
        "deleted": record.deleted,
        "updated_at": record.updated_at,
    }
    for f in field_plan(record.KIND):
        value = getattr(record, f.name)
        values[f.name] = value if f.native else f.spec.encode(value)
    if record.KIND is EntityKind.HOUSEHOLD:
        values.update(zip(KEY_COLUMNS, sort_keys(values["address"], values["number"]), strict=True))
    return values


@functools.cache
def _decoders(kind: EntityKind) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """(field, its decoder or None for a native column) of ``kind``: the plan read once,
    not per row (a year's event ledger builds ~800,000 records)."""
    return tuple((f.name, None if f.native else f.spec.decode) for f in field_plan(kind))


def _build(kind: EntityKind, get: Callable[[str], Any]) -> Record:
    values: dict[str, Any] = {}
    for name, decode in _decoders(kind):
        raw = get(name)
        values[name] = raw if decode is None else decode(raw)
    return ENTITY_TYPES[kind](
        id=get("id"),
        version=get("version"),
        deleted=bool(get("deleted")),
        updated_at=get("updated_at"),
        **values,
    )


def record_from_row(kind: EntityKind, row: Mapping[Any, Any] | RecordRow) -> Record:
    """The domain record for a Core row mapping or an ORM row of ``kind``'s table."""
    if isinstance(row, RecordRow):
        return _build(kind, functools.partial(getattr, row))
    return _build(kind, row.__getitem__)
