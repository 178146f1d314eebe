"""The one engine factory for the encrypted store and the one session scope helper.

Transactions: pysqlite's own transaction handling is switched off
(``isolation_level = None`` on every DBAPI connection) and a ``begin`` listener emits
the BEGIN itself, as the SQLAlchemy SQLite documentation describes for pysqlite
("Serializable isolation / Savepoints / Transactional DDL"). That makes DDL
transactional (migrations roll back as a whole) and lets writes start with
``BEGIN IMMEDIATE``: the write lock is taken before the first read, so two writers queue
on ``busy_timeout`` instead of one failing with "database is locked" when it upgrades a
read lock. Which BEGIN a connection uses is an execution option set by
:func:`write_session` / :func:`write_connection`.

Never set the ``isolation_level`` execution option on this engine: on pysqlite,
returning from ``AUTOCOMMIT`` turns pysqlite's implicit BEGIN back on. Statements that
must run outside a transaction (checkpoints) use a raw DBAPI connection, which is in
autocommit already.
"""

from __future__ import annotations

import json
import re
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

__all__ = [
    "BEGIN_OPTION",
    "CACHE_KIB",
    "DEFAULT_BUSY_TIMEOUT_MS",
    "READ_CACHE_KIB",
    "create_store_engine",
    "dumps_json",
    "raw_key",
    "read_session",
    "session_scope",
    "write_connection",
    "write_session",
]

#: Execution option naming the BEGIN flavour of a connection's transactions.
BEGIN_OPTION: Final = "gridclient_begin"
_BEGIN_STATEMENTS: Final = {"DEFERRED": "BEGIN DEFERRED", "IMMEDIATE": "BEGIN IMMEDIATE"}

#: How long a writer waits for another writer before giving up. Long enough for a pull
#: page or an import batch to commit; the UI never waits on it (writes run off-thread).
DEFAULT_BUSY_TIMEOUT_MS: Final = 15_000

#: Page cache of a connection while it runs a bulk write (``write_connection``: pulls,
#: imports, migrations), in KiB: random UUID keys touch index pages all over the file.
CACHE_KIB: Final = 32 * 1024

#: Page cache of a connection otherwise, in KiB. The pool keeps up to 8 connections
#: (UI thread, database lane, sync worker, …) and every one fills its cache on a list
#: query or the search index build, so 32 MiB each would cost a township user well
#: over 100 MB; 8 MiB holds the pages the forms and list blocks re-read.
READ_CACHE_KIB: Final = 8 * 1024

_KEY_HEX = re.compile(r"[0-9a-f]{64}")


def raw_key(key: bytes) -> str:
    """The SQLCipher raw-key literal ``x'<64 hex>'``: the key is used as is, no PBKDF2
    (we derive and wrap keys ourselves in ``keys.py``)."""
    if len(key) != 32:
        raise ValueError("the data key must be exactly 32 bytes")
    hex_key = key.hex()
    if not _KEY_HEX.fullmatch(hex_key):  # defensive: this string ends up in a PRAGMA
        raise ValueError("the data key did not encode to hex")
    return f"x'{hex_key}'"


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps_json(value: Any) -> str:
    """The store's JSON text form (compact, UTF-8): the engine's serializer and the one
    the bulk path uses, so both write identical bytes. One shared encoder, because
    ``json.dumps`` with non-default options builds a new encoder per call."""
    return _JSON.encode(value)


def create_store_engine(
    path: Path,
    key: bytes,
    *,
    read_only: bool = False,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> Engine:
    """An engine on the SQLCipher database at ``path`` keyed with the 32-byte ``key``.

    The ``sqlite+pysqlcipher`` dialect sends ``PRAGMA key`` with the URL password as the
    very first statement on every new connection, before any listener of ours can run
    (and SQLCipher rejects an empty key), so the raw-key literal travels as the URL
    password; SQLAlchemy masks it when the URL is printed. Our ``connect`` listener then
    proves the key by reading the schema and sets the PRAGMAs.

    ``read_only`` opens the file through a ``mode=ro`` URI: such connections never
    checkpoint or delete the -wal, which is what the integrity check needs before a
    suspect store is moved aside.
    """
    if busy_timeout_ms < 0:
        raise ValueError("busy_timeout_ms must not be negative")
    query: dict[str, str] = {}
    if read_only:
        database = path.resolve().as_uri() + "?mode=ro"
        query["uri"] = "true"
    else:
        database = str(path)
    url = URL.create("sqlite+pysqlcipher", password=raw_key(key), database=database, query=query)
    engine = create_engine(
        url,
        # The dialect's default SingletonThreadPool ties a connection to each thread
        # that ever touched the store; a small queue pool serves the UI thread, the
        # database worker and the sync worker alike.
        poolclass=QueuePool,
        pool_size=3,
        max_overflow=5,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        json_serializer=dumps_json,
        json_deserializer=json.loads,
    )
    timeout = int(busy_timeout_ms)

    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Ours is the only BEGIN; pysqlite must not add its own (see module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # Reading the schema is what proves the key: a wrong key or a foreign or
            # damaged first page fails here with "file is not a database".
            cursor.execute("SELECT count(*) FROM sqlite_master")
            cursor.execute(f"PRAGMA busy_timeout = {timeout:d}")
            if not read_only:
                cursor.execute("PRAGMA journal_mode = WAL")
                mode = cursor.fetchone()
                if mode is None or str(mode[0]).lower() != "wal":
                    raise RuntimeError(f"could not switch the store to WAL (got {mode!r})")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
            # Sorts and temporary indexes stay in memory rather than in temp files.
            cursor.execute("PRAGMA temp_store = MEMORY")
            # Every page-cache miss costs SQLCipher a decrypt and an HMAC check, so the
            # 2 MiB default is raised; bulk writes raise it further while they run.
            cursor.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB:d}")
        finally:
            cursor.close()

    def on_begin(connection: Connection) -> None:
        flavour = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(_BEGIN_STATEMENTS[flavour])

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)
    return engine


class FairLock:
    """First come, first served, re-entrant per thread.

    Every write transaction of a store takes it before ``BEGIN IMMEDIATE``. SQLite's busy
    handler polls with growing sleeps, so a writer that commits and begins again at once
    (the pull writing page after page) would win the lock over and over against a person's
    save waiting in the busy handler; queued here, the save goes next."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._owner: int | None = None
        self._depth = 0

    @property
    def waiting(self) -> bool:
        """Whether another thread waits for the lock (read without taking the
        condition: a hint for a long holder to let go soon, never a guarantee)."""
        return self._next_ticket - self._serving > 1

    @contextmanager
    def hold(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                self._depth += 1
            else:
                ticket = self._next_ticket
                self._next_ticket += 1
                while ticket != self._serving:
                    self._cond.wait()
                self._owner, self._depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self._serving += 1
                    self._cond.notify_all()


_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, FairLock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


def write_lock(engine: Engine) -> FairLock:
    """The store's queue of writers (one per engine)."""
    with _LOCKS_GUARD:
        lock = _WRITE_LOCKS.get(engine)
        if lock is None:
            lock = _WRITE_LOCKS[engine] = FairLock()
        return lock


def _bound(engine: Engine, *, write: bool) -> Engine:
    return engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE" if write else "DEFERRED"})


def _refuse_flush(session: Session, *_args: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("read_session is read-only; use write_session to change data")


@contextmanager
def session_scope(engine: Engine, *, write: bool) -> Iterator[Session]:
    """One session, one transaction. A write session begins with ``BEGIN IMMEDIATE``
    and commits on success; a read session begins ``DEFERRED`` (a consistent WAL
    snapshot) and always rolls back. Any exception rolls back and propagates."""
    if write:
        with write_lock(engine).hold():
            session = Session(bind=_bound(engine, write=True), expire_on_commit=False)
            try:
                yield session
                session.commit()
            finally:
                session.close()
        return
    session = Session(bind=_bound(engine, write=False), expire_on_commit=False)
    event.listen(session, "before_flush", _refuse_flush)
    try:
        yield session
    finally:
        session.close()


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine, write=True) as session:
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine, write=False) as session:
        yield session


@contextmanager
def write_connection(engine: Engine, *, foreign_keys: bool = True) -> Iterator[Connection]:
    """A Core connection in a ``BEGIN IMMEDIATE`` transaction, committed on success:
    for bulk paths and migrations, where ORM sessions would only cost time. Its page
    cache is :data:`CACHE_KIB` for the duration.

    ``foreign_keys=False`` is for migrations only: SQLite ignores the PRAGMA inside a
    transaction, so it is set on this connection before BEGIN and restored afterwards;
    the caller must run ``PRAGMA foreign_key_check`` before the commit.
    """
    with write_lock(engine).hold(), _bound(engine, write=True).connect() as connection:
        driver = connection.connection.driver_connection
        if driver is None:
            raise RuntimeError("the store connection is closed")
        if not foreign_keys:
            driver.execute("PRAGMA foreign_keys = OFF")
        driver.execute(f"PRAGMA cache_size = -{CACHE_KIB:d}")
        try:
            with connection.begin():
                yield connection
        finally:
            # Back to the everyday size: SQLite frees the pages above it at once.
            driver.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB:d}")
            if not foreign_keys:
                driver.execute("PRAGMA foreign_keys = ON")
