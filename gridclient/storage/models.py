"""SQLAlchemy models of the local store. They never leave ``gridclient.storage``.

Record tables mirror the domain dataclasses field for field (same names), so
``gridcore.domain.codec.field_specs`` drives the conversions in ``convert.py``:

* enums are stored as their string codes in plain String columns (no database enum
  types: a new code from the server must not need a migration to be stored);
* tag sets and attachment tuples are JSON arrays;
* datetimes are UTC through :class:`UTCDateTime`, which refuses naive values;
* dates are ISO dates (SQLAlchemy ``Date`` stores ``YYYY-MM-DD``).

**Foreign keys.** ``foreign_keys=ON`` is set on every connection, but the links between
synced records (resident → household, visit → household, event → household,
event action → event, mediation → event) deliberately have *no* FK constraint. The pull
applies one page per transaction (so an interrupted pull resumes) and the feed cannot
promise parents first: a household edited after its visits were written comes later in the feed than
they do, and scope evictions may drop a parent before its children. A ``DEFERRABLE
INITIALLY DEFERRED`` FK only helps within one transaction; across pages it would fail
the commit and wedge the pull for good on a field laptop. Instead the unit of work
checks the parent of every *local* create (``MissingParent``), which is the guarantee
the FK would have given for user edits, and the UI tolerates an orphan until its parent
arrives. Local-only links that do hold keep a real FK (``conflicts.op_id`` →
``outbox.op_id``, ``ON DELETE SET NULL``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "NAMING_CONVENTION",
    "AreaRow",
    "AttachmentBlobRow",
    "AttachmentRow",
    "Base",
    "ConflictRow",
    "EventActionRow",
    "EventCategoryRow",
    "EventRow",
    "EventStatusRow",
    "HouseholdRow",
    "MediationRow",
    "OrganizationRow",
    "OutboxRow",
    "PatrolRow",
    "PlaceInspectionRow",
    "PlaceRow",
    "ProgramRecordRow",
    "RecordRow",
    "ResidentRow",
    "RevealLogRow",
    "SyncStateRow",
    "UTCDateTime",
    "VisitRow",
]

#: Deterministic constraint names, so migrations can name what they alter or drop.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC text (sortable, so indexes order by time).

    Naive datetimes are refused on the way in: a wall-clock time without an offset is
    ambiguous and a bug in the caller. Values always come back aware in UTC.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: give it a timezone (UTC or CST)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        date: Date(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class RecordRow(Base):
    """Columns every synced record has: client UUID, server version, tombstone, server
    time of the last change (None until the server has seen it)."""

    __abstract__ = True

    id: Mapped[str] = mapped_column(String, primary_key=True, sort_order=-1)
    version: Mapped[int] = mapped_column(Integer, default=0, sort_order=-1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, sort_order=-1)
    updated_at: Mapped[datetime | None] = mapped_column(sort_order=-1)


class AreaRow(RecordRow):
    __tablename__ = "areas"

    code: Mapped[str] = mapped_column(String, index=True)
    name: Mapped[str] = mapped_column(String)
    level: Mapped[str] = mapped_column(String)
    parent_id: Mapped[str | None] = mapped_column(String, index=True)
    issuer: Mapped[str] = mapped_column(Text, default="")


class HouseholdRow(RecordRow):
    __tablename__ = "households"
    # "A live household" answered from the index alone: the visits list asks it once per
    # visit (migration 0013).
    __table_args__ = (Index("ix_households_live", "id", "deleted", "moved_out_on"),)

    grid_id: Mapped[str] = mapped_column(String, index=True)
    address: Mapped[str] = mapped_column(Text)
    number: Mapped[str] = mapped_column(String)
    micro_grid_id: Mapped[str | None] = mapped_column(String)
    phone: Mapped[str] = mapped_column(String)
    tags: Mapped[list[str]]
    notes: Mapped[str] = mapped_column(Text)
    cadre: Mapped[str] = mapped_column(Text, default="")
    moved_out_on: Mapped[date | None]
    moved_to: Mapped[str] = mapped_column(Text, default="")
    removal_reason: Mapped[str] = mapped_column(Text, default="")
    # Derived, never synced (migration 0018, ``storage.household_order``): the natural
    # sort keys of the address and 户号, NULL until derived.
    address_key: Mapped[str | None] = mapped_column(Text)
    number_key: Mapped[str | None] = mapped_column(Text)


# The household list's order and what its id query filters on: one index walk, no sort,
# no table read (migration 0018).
Index(
    "ix_households_list_order",
    HouseholdRow.address_key,
    HouseholdRow.number_key,
    HouseholdRow.id,
    HouseholdRow.deleted,
    HouseholdRow.moved_out_on,
    HouseholdRow.grid_id,
)


class ResidentRow(RecordRow):
    __tablename__ = "residents"

    household_id: Mapped[str] = mapped_column(String, index=True)
    name: Mapped[str] = mapped_column(String)
    id_number: Mapped[str] = mapped_column(String, index=True)
    id_type: Mapped[str] = mapped_column(String, default="resident_id")
    gender: Mapped[str | None] = mapped_column(String)
    birth_date: Mapped[date | None]
    relation: Mapped[str] = mapped_column(String)
    ethnicity: Mapped[str] = mapped_column(String)
    phone: Mapped[str] = mapped_column(String)
    population_type: Mapped[str] = mapped_column(String)
    residence_status: Mapped[str] = mapped_column(String)
    tags: Mapped[list[str]]
    disability_category: Mapped[str | None] = mapped_column(String)
    disability_grade: Mapped[int | None] = mapped_column(Integer)
    disability_certificate: Mapped[str] = mapped_column(String, default="")
    guardian: Mapped[str] = mapped_column(Text, default="")
    guardian_phone: Mapped[str] = mapped_column(String, default="")
    workplace: Mapped[str] = mapped_column(String)
    notes: Mapped[str] = mapped_column(Text)


class OrganizationRow(RecordRow):
    __tablename__ = "organizations"

    grid_id: Mapped[str] = mapped_column(String, index=True)
    name: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String)
    leader: Mapped[str] = mapped_column(String)
    phone: Mapped[str] = mapped_column(String)
    members: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text)


class PatrolRow(RecordRow):
    """巡查 (migration 0014). The list shows a grid's patrols newest first."""

    __tablename__ = "patrols"
    __table_args__ = (Index(None, "grid_id", "patrol_date"),)

    grid_id: Mapped[str] = mapped_column(String)
    patroller: Mapped[str] = mapped_column(String)
    patrol_date: Mapped[date]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    route: Mapped[str] = mapped_column(Text)
    places: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[str]]
    event_ids: Mapped[list[str]]
    notes: Mapped[str] = mapped_column(Text)


Index("ix_patrols_list_order", PatrolRow.patrol_date.desc(), PatrolRow.id, PatrolRow.deleted)


class PlaceRow(RecordRow):
    __tablename__ = "places"

    grid_id: Mapped[str] = mapped_column(String, index=True)
    name: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String)
    micro_grid_id: Mapped[str | None] = mapped_column(String)
    address: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String)
    phone: Mapped[str] = mapped_column(String)
    risk_level: Mapped[str | None] = mapped_column(String)
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text)
    removal_reason: Mapped[str] = mapped_column(Text, default="")


class PlaceInspectionRow(RecordRow):
    __tablename__ = "place_inspections"
    __table_args__ = (Index(None, "place_id", "inspected_on"),)

    place_id: Mapped[str] = mapped_column(String)
    inspector: Mapped[str] = mapped_column(String)
    inspected_on: Mapped[date]
    findings: Mapped[str] = mapped_column(Text)
    hazards: Mapped[str] = mapped_column(Text)
    rectify_by: Mapped[date | None]
    rectified: Mapped[bool] = mapped_column(Boolean, default=False)
    corrects_id: Mapped[str | None] = mapped_column(String)
    server_at: Mapped[datetime | None]


class ProgramRecordRow(RecordRow):
    __tablename__ = "program_records"

    household_id: Mapped[str] = mapped_column(String, index=True)
    program: Mapped[str] = mapped_column(String, index=True)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    status: Mapped[str | None] = mapped_column(String)
    risk_type: Mapped[str | None] = mapped_column(String)
    measures: Mapped[str] = mapped_column(Text)
    amount: Mapped[int | None] = mapped_column(Integer)
    approved_by: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text)


class VisitRow(RecordRow):
    __tablename__ = "visits"
    __table_args__ = (
        Index(None, "household_id", "visited_at"),
        Index(None, "grid_id", "visited_at"),
        # The few corrections: "not replaced by a correction" without reading every visit.
        Index("ix_visits_corrects_id", "corrects_id", sqlite_where=text("corrects_id IS NOT NULL")),
    )

    household_id: Mapped[str] = mapped_column(String)
    grid_id: Mapped[str] = mapped_column(String)
    visitor: Mapped[str] = mapped_column(String)
    visited_at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String)
    content: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text)
    needs: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[str]]
    corrects_id: Mapped[str | None] = mapped_column(String)
    server_at: Mapped[datetime | None]


class EventRow(RecordRow):
    __tablename__ = "events"
    __table_args__ = (Index(None, "grid_id", "reported_at"),)

    grid_id: Mapped[str] = mapped_column(String)
    category_code: Mapped[str] = mapped_column(String)
    ledger: Mapped[str] = mapped_column(String)
    urgency: Mapped[str] = mapped_column(String)
    title: Mapped[str] = mapped_column(String)
    reporter: Mapped[str] = mapped_column(String)
    reported_at: Mapped[datetime]
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)
    people_involved: Mapped[str] = mapped_column(Text)
    household_id: Mapped[str | None] = mapped_column(String, index=True)
    attachments: Mapped[list[str]]
    category_name: Mapped[str] = mapped_column(Text, default="")
    time_limit_days: Mapped[int | None] = mapped_column(Integer)
    time_limit_hours: Mapped[int | None] = mapped_column(Integer)
    limit_kind: Mapped[str] = mapped_column(String, default="calendar")
    catalog_revision: Mapped[int] = mapped_column(Integer, default=0)
    terms_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    number: Mapped[str] = mapped_column(String, default="")
    source: Mapped[str] = mapped_column(String, default="grid_worker")


# The lists' order (newest first, then id) with what their id queries read, so a list is
# one index walk with no sort and its first rows come from the first entries (migration
# 0013). The events one also serves every range on ``reported_at``.
Index(
    "ix_visits_list_order",
    VisitRow.visited_at.desc(),
    VisitRow.id,
    VisitRow.deleted,
    VisitRow.household_id,
)
Index("ix_events_list_order", EventRow.reported_at.desc(), EventRow.id, EventRow.deleted)


class EventActionRow(RecordRow):
    __tablename__ = "event_actions"

    event_id: Mapped[str] = mapped_column(String, index=True)
    kind: Mapped[str] = mapped_column(String)
    actor: Mapped[str] = mapped_column(String)
    actor_role: Mapped[str] = mapped_column(String)
    at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text)
    assignee: Mapped[str] = mapped_column(String)
    satisfaction: Mapped[str | None] = mapped_column(String)
    deadline: Mapped[date | None]
    final_evaluation: Mapped[bool] = mapped_column(Boolean, default=False)
    attachments: Mapped[list[str]]
    server_at: Mapped[datetime | None]


class MediationRow(RecordRow):
    """调解记录 of a dispute event (migration 0015); ``sessions`` is the JSON array of
    ``{on, place, note}`` objects the wire carries."""

    __tablename__ = "mediations"

    event_id: Mapped[str] = mapped_column(String, index=True)
    started_on: Mapped[date]
    mediator: Mapped[str] = mapped_column(Text)
    committee: Mapped[str] = mapped_column(Text)
    parties: Mapped[str] = mapped_column(Text)
    sessions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    agreement: Mapped[str] = mapped_column(Text)
    agreement_kind: Mapped[str] = mapped_column(String)
    outcome: Mapped[str] = mapped_column(String)
    follow_up: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[str]]
    notes: Mapped[str] = mapped_column(Text)


class EventStatusRow(Base):
    """An event's state as the workflow derives it from its actions (never synced):
    what the events list filters on in SQL. Written by
    :mod:`gridclient.storage.eventstate` wherever events, their actions or the catalog
    are written; triggers (migration 0006) delete an event's row whenever its event or
    actions change (every row when the catalog does), so a row is either current or
    missing, and a missing one is derived again before the list is queried."""

    __tablename__ = "event_status"
    __table_args__ = (Index(None, "state"), Index(None, "open", "deadline"))

    event_id: Mapped[str] = mapped_column(String, primary_key=True)
    state: Mapped[str | None] = mapped_column(String)
    """The ``EventState`` code; None when the history cannot be folded."""
    open: Mapped[bool] = mapped_column(Boolean)
    deadline: Mapped[datetime | None]
    """The event's deadline (``catalog.event_deadline``: its own terms, the holiday
    calendar held; UTC); None when the history cannot be folded."""
    late: Mapped[bool] = mapped_column(Boolean)
    """Finished (closed or self-resolved) after the deadline: 超期 for good. An open
    event is 超期 once ``deadline`` has passed, which the query compares with now."""


class AttachmentRow(RecordRow):
    """Attachment metadata; ``id`` is the SHA-256 of the bytes in ``attachment_blobs``."""

    __tablename__ = "attachments"

    mime: Mapped[str] = mapped_column(String)
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime | None]


class AttachmentBlobRow(Base):
    """Photo bytes, inside the SQLCipher database so they are encrypted at rest.

    No FK to ``attachments``: blobs are uploaded before the ops that reference them and
    downloaded after the metadata, so either may exist without the other for a while.
    """

    __tablename__ = "attachment_blobs"

    sha256: Mapped[str] = mapped_column(String, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EventCategoryRow(Base):
    """The event catalog (网格事项清单) as last received from the server."""

    __tablename__ = "event_categories"

    code: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    group: Mapped[str] = mapped_column(String)
    ledger: Mapped[str] = mapped_column(String)
    time_limits: Mapped[dict[str, Any]]
    active: Mapped[bool] = mapped_column(Boolean)
    limit_kind: Mapped[str] = mapped_column(String, default="calendar")
    hour_limits: Mapped[dict[str, Any]]
    self_resolvable: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer)
    """Order in the catalog document, so lists show the categories as the server does."""


class OutboxRow(Base):
    """One local change waiting for (or answered by) the server.

    Immutable once queued apart from ``status``, ``reason``, ``message`` and ``field``;
    a trigger created by the migration enforces it.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index(None, "status", "seq"),
        Index(None, "entity", "entity_id"),
    )

    op_id: Mapped[str] = mapped_column(String, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    entity: Mapped[str] = mapped_column(String)
    entity_id: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String)
    base_version: Mapped[int] = mapped_column(Integer)
    changes: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)
    reason: Mapped[str | None] = mapped_column(String)
    message: Mapped[str | None] = mapped_column(Text)
    field: Mapped[str | None] = mapped_column(String)
    conflict_id: Mapped[str | None] = mapped_column(String)
    """Only on ``resolve`` ops: the conflict decided (and ``keep``, the side kept)."""
    keep: Mapped[str | None] = mapped_column(String)


class SyncStateRow(Base):
    """Key/value sync state (device id, next op seq, pull cursor, …) as JSON values, so
    it is written in the same transaction as the data it describes."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class ConflictRow(Base):
    __tablename__ = "conflicts"
    __table_args__ = (Index(None, "entity", "entity_id"), Index(None, "resolved"))

    id: Mapped[str] = mapped_column(String, primary_key=True)
    entity: Mapped[str] = mapped_column(String)
    entity_id: Mapped[str] = mapped_column(String)
    field: Mapped[str] = mapped_column(String)
    base: Mapped[Any] = mapped_column(JSON)
    mine: Mapped[Any] = mapped_column(JSON)
    theirs: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime]
    resolved: Mapped[bool] = mapped_column(Boolean)
    op_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("outbox.op_id", ondelete="SET NULL"), index=True
    )
    mine_side: Mapped[str | None] = mapped_column(String)
    """Which side (``server``/``incoming``) this user wrote; None: neither."""
    server_user: Mapped[str | None] = mapped_column(String)
    incoming_user: Mapped[str | None] = mapped_column(String)
    resolution: Mapped[str | None] = mapped_column(String)
    """The side kept: set when this user decides (``resolved`` stays false until the
    server confirms), or as the server reports it."""


class RevealLogRow(Base):
    """Who unmasked which ID number or phone of which record, and when (PIPL audit)."""

    __tablename__ = "reveal_log"
    __table_args__ = (Index(None, "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String)
    entity: Mapped[str] = mapped_column(String)
    entity_id: Mapped[str] = mapped_column(String)
    field: Mapped[str] = mapped_column(String)
    at: Mapped[datetime] = mapped_column(index=True)


class HeldRecordRow(Base):
    """A pulled record this laptop could not store (a value beyond what SQLite or the
    codec accepts, whatever the server let through): kept aside with its reason so the
    pull goes on; a later valid version of the record replaces it and removes it."""

    __tablename__ = "held_records"

    kind: Mapped[str] = mapped_column(String, primary_key=True)
    id: Mapped[str] = mapped_column(String, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    change: Mapped[str] = mapped_column(Text)
    """The change as pulled (JSON text), for diagnosis and a later retry."""
    reason: Mapped[str] = mapped_column(Text)
    held_at: Mapped[datetime]
