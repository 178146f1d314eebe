"""Schema, engine factory and transaction helpers.

All synced records share one ``records`` table: the wire fields live in a JSON column
(they are validated by the domain codec on the way in), and the few columns the server
queries on are denormalised beside them: ``grid_id`` (the scope key: a record's grid,
a resident's household's grid, an action's event's grid, an area's own id), ``parent_id``
(household of a resident, event of an action, parent of an area) and ``seq`` (position in
the change feed, see :mod:`gridserver.feed`). ``field_versions`` maps each data field changed
since creation to the record version that last changed it, which is all the three-way merge
needs to know (see :mod:`gridserver.merge`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.dialects.postgresql import BYTEA, JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from gridcore.domain.holidays import HolidayError, WorkCalendar

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


Json = JSON().with_variant(JSONB(), "postgresql")
Blob = LargeBinary().with_variant(BYTEA(), "postgresql")

records = Table(
    "records",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("seq", BigInteger, nullable=False, default=0),
    Column("grid_id", String(64), nullable=True),
    Column("parent_id", String(64), nullable=True),
    Column("area_code", String(64), nullable=True, unique=True),
    Column("fields", Json, nullable=False),
    Column("field_versions", Json, nullable=False),
    Column("updated_by", Integer, nullable=True),
    # A live resident's document key, its 公民身份号码 for most (NULL otherwise): one
    # person, one record, checked on every push (see gridserver.persons; not UNIQUE,
    # existing duplicates are merged).
    Column("id_number", String(32), nullable=True),
    Index("ix_records_seq", "seq", "kind", "id"),
    Index("ix_records_id_number", "id_number"),
    Index("ix_records_grid_seq", "grid_id", "seq"),
    Index("ix_records_parent", "kind", "parent_id"),
)

feed_counter = Table(
    "feed_counter",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("value", BigInteger, nullable=False),
)

moves = Table(
    "moves",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("seq", BigInteger, nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("old_grid_id", String(64), nullable=True),
    Column("new_grid_id", String(64), nullable=True),
)

area_losses = Table(
    "area_losses",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("seq", BigInteger, nullable=False, index=True),
    Column("area_id", String(64), nullable=False),
    Column("moved_area_id", String(64), nullable=False),
)
"""Ancestors an area's users stopped seeing when it was re-parented: ``area_id`` was
above ``moved_area_id`` before the move and is not now (see :mod:`gridserver.feed`)."""

device_clocks = Table(
    "device_clocks",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("offset_seconds", Float, nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
)
"""The last clock offset each device reported (its clock minus the server's), kept when
it is off by more than the tolerated skew so administrators can find it
(``gridserver devices --skewed``)."""

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("seq", BigInteger, nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("grid_id", String(64), nullable=True),
    Column("field", String(64), nullable=True),
    Column("base_value", Json, nullable=True),
    Column("server_value", Json, nullable=True),
    Column("incoming_value", Json, nullable=True),
    Column("server_version", Integer, nullable=False),
    Column("server_user", String(64), nullable=True),
    Column("server_device", String(64), nullable=True),
    Column("server_time", UTCDateTime, nullable=True),
    Column("incoming_user_id", Integer, nullable=False),
    Column("incoming_device", String(64), nullable=False),
    Column("incoming_time", UTCDateTime, nullable=False),
    Column("op_id", String(36), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("resolution", String(16), nullable=True),
    Column("resolved_by", String(64), nullable=True),
)

op_log = Table(
    "op_log",
    metadata,
    Column("op_id", String(36), primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("client_time", UTCDateTime, nullable=False),
    Column("client_seq", BigInteger, nullable=False),
    Column("entity", String(16), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("base_version", Integer, nullable=False),
    Column("changes", Json, nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=True),
    Column("reason", String(32), nullable=True),
    Column("message", Text, nullable=True),
    Column("field", String(64), nullable=True),
    Column("conflict_id", String(36), nullable=True),
    Index("ix_op_log_user_received", "user_id", "received_at"),
    Index("ix_op_log_entity", "entity_id", "version"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("scope_area_id", String(64), nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("password_changed_at", UTCDateTime, nullable=True),
    # A department account's department (departments.code); NULL for every other role.
    Column("department", String(32), nullable=True),
)

departments = Table(
    "departments",
    metadata,
    # 职能部门 a township dispatches events to (``gridserver add-department`` /
    # ``load-departments``), served to laptops with ``GET /departments``. An event's
    # assignee holds the code.
    Column("code", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    # The township's area id; NULL: a department every township may dispatch to.
    Column("township_id", String(64), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

department_records = Table(
    "department_records",
    metadata,
    # What a department account may read besides its township's areas: the events ever
    # dispatched to the department, their actions and attachments (see gridserver.scope).
    # Rows are added when a dispatch names the department and with every later step of
    # such an event, never removed: a department keeps the record of what it handled.
    Column("department", String(32), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("record_id", String(64), primary_key=True),
    # Which departments an event was dispatched to, looked up with every step pushed.
    Index("ix_department_records_record", "kind", "record_id"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("family", String(36), nullable=False, index=True),
    Column("device_id", String(64), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    # How the pair was issued: "password" (a login that checked the password) or
    # "refresh" (rotated from a refresh token). Only the first may fetch a device's key
    # share (see gridserver.auth.device_key).
    Column("method", String(8), nullable=False, default="password"),
)

login_throttle = Table(
    "login_throttle",
    metadata,
    # "addr:", "user:" or "dev:" and a SHA-256 of what is counted (an address, a user
    # name as typed, a user name and a device id).
    Column("key", String(80), primary_key=True),
    # Attempts since the last success, counted before the password is checked.
    Column("failures", Integer, nullable=False),
    Column("last_at", UTCDateTime, nullable=False, index=True),
    Column("blocked_until", UTCDateTime, nullable=True),
)

devices = Table(
    "devices",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("device_id", String(64), primary_key=True),
    Column("first_login_at", UTCDateTime, nullable=False),
    Column("last_login_at", UTCDateTime, nullable=False),
    Column("lost_at", UTCDateTime, nullable=True),
    # The device's recovery key (see gridserver.auth.device_key): released only to a
    # password login from that device; dropped when the device is marked lost.
    Column("key_share", Blob, nullable=True),
)

attachment_blobs = Table(
    "attachment_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("data", Blob, nullable=False),
    Column("uploaded_by", Integer, nullable=False),
    Column("uploaded_at", UTCDateTime, nullable=False),
)

blob_uploaders = Table(
    "blob_uploaders",
    metadata,
    # Everyone who sent these bytes (proof that they hold them). An upload belongs to its
    # uploaders until a record in someone's scope references it.
    Column("sha256", String(64), ForeignKey("attachment_blobs.sha256"), primary_key=True),
    Column("user_id", Integer, primary_key=True),
    Column("uploaded_at", UTCDateTime, nullable=False),
)

catalog = Table(
    "catalog",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", String(64), nullable=False),
    Column("document", Json, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

holidays = Table(
    "holidays",
    metadata,
    # The holiday calendar (节假日安排, ``gridserver load-holidays``): one row, like the
    # catalog; working-day deadlines count with it (gridcore.domain.holidays).
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", String(64), nullable=False),
    Column("document", Json, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

event_numbers = Table(
    "event_numbers",
    metadata,
    # The last 事件编号 sequence given per township and year (see
    # gridcore.domain.eventnumber); the row is locked by the push that takes a number.
    Column("township_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),
)


def stored_holidays(conn: Connection) -> WorkCalendar | None:
    """The loaded holiday calendar, or None when none was (the shipped one counts)."""
    document = conn.execute(
        select(holidays.c.document).where(holidays.c.id == 1)
    ).scalar_one_or_none()
    if document is None:
        return None
    try:
        return WorkCalendar.from_json(document)
    except HolidayError:
        return None


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, *, pool: bool = True, **kwargs: Any) -> Engine:
    """One engine per process. SQLite gets WAL, foreign keys, a busy timeout and explicit
    ``BEGIN`` (``BEGIN IMMEDIATE`` for writers, so two writers never deadlock on a lock
    upgrade); PostgreSQL a pre-pinged pool."""
    if url.startswith("sqlite"):
        engine = create_engine(url, poolclass=NullPool if not pool else None, **kwargs)
        _configure_sqlite(engine)
        return engine
    options: dict[str, Any] = {"pool_pre_ping": True}
    if pool:
        options.update(pool_size=10, max_overflow=30)
    else:
        options["poolclass"] = NullPool
    options.update(kwargs)
    return create_engine(url, **options)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("gridserver_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    """The engine plus the two kinds of transaction the server uses."""

    def __init__(self, url: str, *, pool: bool = True, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, pool=pool, **engine_kwargs)
        self.is_sqlite = self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A read-write transaction, committed when the block ends without an exception."""
        with (
            self.engine.connect().execution_options(gridserver_write=True) as conn,
            conn.begin(),
        ):
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read-only transaction whose statements all see one snapshot (the feed reads
        the counter, records, moves and conflicts and they must agree)."""
        conn = self.engine.connect()
        if not self.is_sqlite:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()
