"""Seeds: a store's records as a file another laptop's first download can start from.

A county office's first pull brings millions of rows; written one by one they cost the
laptop minutes of CPU however the pages are shaped (docs/first-download.md). A *seed*
is what that pull would build, made once on the server host by a headless client of the
same scope (``gridclient seed``): :func:`export` copies its store, already synced,
into a new SQLCipher file under a random *transfer key*, and strips what belongs to
that client alone (its device id, op numbers, outbox, audit log, user name).

A laptop whose store is still empty downloads the file and :func:`adopt` copies its
tables into its own store, under its own data key, in one transaction together with
the seed's pull cursor: all of it or nothing, so a kill or a power cut mid-way leaves
the empty store (and the next sync starts again), and the next pull goes on from the
seed's cursor like any laptop's. The copy is SQLite's transfer path (``INSERT INTO t
SELECT * FROM seed.t`` into an empty table of the same schema copies b-tree cells, the
indexes included, without decoding a row): it costs about what decrypting and
re-encrypting the pages costs. That path needs the tables' triggers out of the way and
foreign keys off, so both are restored in the same transaction, and the seed must have
exactly the laptop's schema (same migration revision, same tables and indexes), which
is checked first: anything else is refused (:class:`SeedRefused`) and the laptop pulls
rows as before.

The statements name tables, so they are built as text (``# noqa: S608``): the schema
is ``main`` or ``seed``, table and index names come from ``sqlite_master`` and are
quoted (:func:`_quote`), and every value is bound.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import sqlcipher3
from sqlalchemy import Engine

from gridclient.storage.engine import CACHE_KIB, READ_CACHE_KIB, raw_key, write_lock
from gridclient.storage.errors import DiskFull
from gridclient.storage.syncmeta import SyncKey
from gridcore.domain.enums import EntityKind
from gridcore.messages import Catalog

__all__ = [
    "LOCAL_KEYS",
    "LOCAL_TABLES",
    "SEED_KEYS",
    "Adopted",
    "Exported",
    "SeedRefused",
    "adopt",
    "adoptable",
    "export",
    "file_sha256",
    "generation_name",
    "generation_prefix",
]

log = logging.getLogger(__name__)

_msg = Catalog(
    __name__,
    {  # DiskFull: "could not …"
        "set up the initial data package": "写入初始数据包",
        "write the initial data package": "写出初始数据包",
    },
)

LOCAL_TABLES: Final = frozenset({"sync_state", "outbox", "reveal_log", "alembic_version"})
"""Tables that are one laptop's own, never part of a seed: its sync bookkeeping, the ops
it has not sent, who unmasked what on it (the PIPL audit), its schema revision."""

SEED_KEYS: Final = frozenset(
    {
        SyncKey.PULL_CURSOR,
        SyncKey.CATALOG_VERSION,
        SyncKey.CATALOG_REVISION,
        SyncKey.CATALOG_ETAG,
        SyncKey.HOLIDAYS,
        SyncKey.HOLIDAYS_ETAG,
        SyncKey.DEPARTMENTS,
        SyncKey.DEPARTMENTS_ETAG,
        SyncKey.DIRECTORY,
        SyncKey.REPULL_EQUAL,
    }
)
"""``sync_state`` rows that describe the scope's data (a seed carries them): the cursor
its records were pulled to, and the catalog, calendar, departments and people that came
with them (so the event states the seed holds were derived with what the laptop keeps)."""

LOCAL_KEYS: Final = frozenset(SyncKey) - SEED_KEYS
"""The other rows: this device, this user, this session."""

_COPY_CHECK: Final = 100_000
"""SQLite virtual machine steps between two looks at the cancel flag during the copy."""


class SeedRefused(Exception):
    """The file is not a seed this store can take (another schema, a damaged or foreign
    file, a store that is not empty): the laptop pulls rows instead."""


@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    key: bytes
    size: int
    sha256: str
    cursor: str
    revision: str
    records: int


@dataclass(frozen=True, slots=True)
class Adopted:
    records: int
    cursor: str
    tables: int


def _record_tables() -> list[str]:
    from gridclient.storage.convert import table_for

    return [table_for(kind).name for kind in EntityKind]


def file_sha256(path: Path, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    done = 0
    with path.open("rb") as handle:
        while chunk := handle.read(4 << 20):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done)
    return digest.hexdigest()


@contextlib.contextmanager
def _driver(engine: Engine) -> Iterator[Any]:
    """The store's own DBAPI connection, with the store's writers queued behind us and
    a bulk page cache; in autocommit (ATTACH is refused inside a transaction)."""
    with write_lock(engine).hold(), engine.connect() as connection:
        driver = connection.connection.driver_connection
        if driver is None:
            raise RuntimeError("the store connection is closed")
        driver.execute(f"PRAGMA cache_size = -{CACHE_KIB:d}")
        try:
            yield driver
        finally:
            with contextlib.suppress(sqlcipher3.Error):
                driver.execute("ROLLBACK")  # only if something failed mid-way
            with contextlib.suppress(sqlcipher3.Error):
                driver.execute("DETACH DATABASE seed")
            driver.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB:d}")
            driver.execute("PRAGMA foreign_keys = ON")
            driver.set_progress_handler(None, 0)


def _tables(driver: Any, schema: str) -> list[str]:
    rows = driver.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'"  # noqa: S608
        " AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _shape(driver: Any, schema: str) -> dict[str, Any]:
    """What the transfer path compares: each table's columns (name, type, not null,
    default, key position) and each index's table, uniqueness and key columns."""
    shape: dict[str, Any] = {}
    for table in _tables(driver, schema):
        columns = driver.execute(f"PRAGMA {schema}.table_info({_quote(table)})").fetchall()
        shape[f"table {table}"] = [tuple(c[1:]) for c in columns]
        for index in driver.execute(f"PRAGMA {schema}.index_list({_quote(table)})").fetchall():
            name = str(index[1])
            info = driver.execute(f"PRAGMA {schema}.index_xinfo({_quote(name)})").fetchall()
            key = (table, bool(index[2]), tuple((c[2], c[3], c[4], c[5]) for c in info))
            # Automatic indexes (primary keys, UNIQUE) are named by SQLite per table.
            shape[f"index {name}" if not name.startswith("sqlite_") else f"auto {key}"] = key
    return shape


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _revision(driver: Any, schema: str) -> str:
    row = driver.execute(f"SELECT version_num FROM {schema}.alembic_version").fetchone()  # noqa: S608
    if row is None:
        raise SeedRefused("no schema revision")
    return str(row[0])


def _cursor_of(driver: Any, schema: str) -> str:
    row = driver.execute(
        f"SELECT value FROM {schema}.sync_state WHERE key = ?",  # noqa: S608
        (SyncKey.PULL_CURSOR.value,),
    ).fetchone()
    value = json.loads(row[0]) if row is not None and row[0] is not None else None
    if not isinstance(value, str) or not value:
        raise SeedRefused("no pull cursor")
    return value


def _count(driver: Any, schema: str) -> int:
    return sum(
        int(driver.execute(f"SELECT count(*) FROM {schema}.{_quote(t)}").fetchone()[0])  # noqa: S608
        for t in _record_tables()
    )


def adoptable(engine: Engine) -> bool:
    """Whether this store may take a seed: it has never pulled (no cursor) and holds
    no record and no op (a person who worked before the first sync keeps a row pull)."""
    with engine.connect() as connection:
        try:
            _check_empty(connection.connection.driver_connection)
        except SeedRefused:
            return False
        return True


def adopt(
    engine: Engine,
    seed: Path,
    key: bytes,
    *,
    username: str,
    cancel: threading.Event | None = None,
) -> Adopted:
    """Copy the seed at ``seed`` (keyed with ``key``) into the empty store of
    ``engine``, with its cursor, in one transaction (see the module docstring). The
    conflicts of the scope are turned to ``username``'s side, as a pull would have
    stored them for this user. Raises :class:`SeedRefused` (a foreign, damaged or
    unfitting seed) or ``DiskFull``, nothing changed either way; a set ``cancel``
    interrupts the copy and rolls it back (``SeedRefused``, "cancelled")."""
    stop = cancel if cancel is not None else threading.Event()
    with _driver(engine) as driver:
        driver.execute("PRAGMA foreign_keys = OFF")  # before BEGIN: a no-op inside
        try:
            driver.execute("ATTACH DATABASE ? AS seed KEY ?", (str(seed), raw_key(key)))
            driver.execute("SELECT count(*) FROM seed.sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:  # a wrong key, not a database
            raise SeedRefused(f"cannot open the seed: {exc}") from None
        driver.execute("BEGIN IMMEDIATE")
        try:
            records, cursor, tables = _copy(driver, username, stop)
            if stop.is_set():  # cancelled after the last check: nothing of it is kept
                raise SeedRefused("cancelled")
            driver.execute("COMMIT")
        except sqlcipher3.Error as exc:  # rolled back by _driver
            if _full(exc):
                raise DiskFull(seed.parent, _msg("set up the initial data package")) from exc
            if stop.is_set():
                raise SeedRefused("cancelled") from None
            raise SeedRefused(f"the seed could not be copied: {exc}") from exc
    log.info("seed adopted: %d records in %d tables", records, tables)
    return Adopted(records, cursor, tables)


def _copy(driver: Any, username: str, stop: threading.Event) -> tuple[int, str, int]:
    """:func:`adopt`'s transaction, up to the COMMIT: (records, cursor, tables)."""
    if _revision(driver, "seed") != _revision(driver, "main"):
        raise SeedRefused(
            f"schema {_revision(driver, 'seed')} ≠ this store's {_revision(driver, 'main')}"
        )
    if _shape(driver, "seed") != _shape(driver, "main"):
        raise SeedRefused("the seed's tables or indexes differ from this store's")
    _check_empty(driver)
    cursor = _cursor_of(driver, "seed")
    tables = [t for t in _tables(driver, "main") if t not in LOCAL_TABLES]
    triggers = driver.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger'"  # noqa: S608
        f" AND tbl_name IN ({','.join('?' * len(tables))})",
        tables,
    ).fetchall()
    for name, _sql in triggers:
        driver.execute(f"DROP TRIGGER main.{_quote(str(name))}")
    driver.set_progress_handler(lambda: 1 if stop.is_set() else 0, _COPY_CHECK)
    try:
        for table in tables:
            driver.execute(f"DELETE FROM main.{_quote(table)}")  # noqa: S608
            driver.execute(
                f"INSERT INTO main.{_quote(table)} SELECT * FROM seed.{_quote(table)}"  # noqa: S608
            )
    finally:
        driver.set_progress_handler(None, 0)
    for _name, sql in triggers:
        driver.execute(str(sql))
    keys = sorted(SEED_KEYS)
    driver.execute(
        f"DELETE FROM main.sync_state WHERE key IN ({','.join('?' * len(keys))})",  # noqa: S608
        keys,
    )
    driver.execute(
        "INSERT INTO main.sync_state (key, value) SELECT key, value FROM seed.sync_state"  # noqa: S608
        f" WHERE key IN ({','.join('?' * len(keys))})",
        keys,
    )
    _own_conflicts(driver, username)
    problems = driver.execute("PRAGMA main.foreign_key_check").fetchmany(5)
    if problems:
        raise SeedRefused(f"broken references in the seed: {problems}")
    return _count(driver, "main"), cursor, len(tables)


def _full(exc: BaseException) -> bool:
    return "database or disk is full" in str(exc).lower() or (
        isinstance(exc, OSError) and exc.errno == errno.ENOSPC
    )


def _check_empty(driver: Any) -> None:
    try:
        _cursor_of(driver, "main")
    except SeedRefused:
        pass  # no cursor: never pulled
    else:
        raise SeedRefused("this store has pulled before")
    for table in (*_record_tables(), "outbox"):
        if driver.execute(f"SELECT 1 FROM main.{_quote(table)} LIMIT 1").fetchone():  # noqa: S608
            raise SeedRefused(f"this store already holds {table}")


def _own_conflicts(driver: Any, username: str) -> None:
    """A seed's conflicts are stored as nobody's (the seed maker wrote neither side):
    ``mine`` is the incoming value. Pulled by ``username`` they would say which side
    was theirs (``SyncEngine._apply_conflicts``), with ``mine`` and ``theirs`` swapped
    when it is the server's; a new device wrote neither, so only the user counts."""
    driver.execute(
        "UPDATE main.conflicts SET mine_side = 'incoming' WHERE incoming_user = ?", (username,)
    )
    driver.execute(
        "UPDATE main.conflicts SET mine_side = 'server', mine = theirs, theirs = mine"
        " WHERE mine_side IS NULL AND server_user = ?",
        (username,),
    )


def _unown_conflicts(driver: Any) -> None:
    """The reverse of :func:`_own_conflicts`, on a seed: nobody's side, no op of the
    maker's (its outbox is not in the seed)."""
    driver.execute("UPDATE conflicts SET mine = theirs, theirs = mine WHERE mine_side = 'server'")
    driver.execute("UPDATE conflicts SET mine_side = NULL, op_id = NULL")


def export(engine: Engine, folder: Path, generation: str) -> Exported:
    """Write ``folder/<generation>.gcseed`` from the store of ``engine`` (synced, with a
    cursor) under a new random transfer key: a consistent copy taken with the store's
    writers held, then cleaned of what is this client's own. The file is written
    beside its final name and renamed when complete (mode 0600)."""
    key = secrets.token_bytes(32)
    final = folder / f"{generation}.gcseed"
    part = folder / f".{generation}.gcseed.part"
    part.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with _driver(engine) as driver:
            _cursor_of(driver, "main")  # a store that never pulled makes no seed
            part.touch(mode=0o600)
            driver.execute("ATTACH DATABASE ? AS seed KEY ?", (str(part), raw_key(key)))
            driver.execute("SELECT sqlcipher_export('seed')").fetchall()
            driver.execute("DETACH DATABASE seed")
        seed = sqlcipher3.connect(str(part), isolation_level=None)
        try:
            seed.execute(f'PRAGMA key = "{raw_key(key)}"')
            seed.execute("PRAGMA journal_mode = DELETE")
            seed.execute("BEGIN IMMEDIATE")
            # What is deleted is overwritten, not left in free pages of the file.
            seed.execute("PRAGMA secure_delete = ON")
            seed.execute(
                f"DELETE FROM sync_state WHERE key NOT IN ({','.join('?' * len(SEED_KEYS))})",  # noqa: S608
                sorted(SEED_KEYS),
            )
            seed.execute("DELETE FROM outbox")
            seed.execute("DELETE FROM reveal_log")
            _unown_conflicts(seed)
            cursor = _cursor_of(seed, "main")
            revision = _revision(seed, "main")
            records = _count(seed, "main")
            seed.execute("COMMIT")
        finally:
            seed.close()
        os.chmod(part, 0o600)
        size = part.stat().st_size
        digest = file_sha256(part)
        os.replace(part, final)
    except BaseException as exc:
        part.unlink(missing_ok=True)
        if _full(exc):
            raise DiskFull(folder, _msg("write the initial data package")) from exc
        raise
    log.info("seed %s written: %d records, %d bytes", final.name, records, size)
    return Exported(final, key, size, digest, cursor, revision, records)


def generation_prefix(scope: str) -> str:
    """What every generation of ``scope`` starts with (``--keep`` counts them by it)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in scope)[:40] or "all"
    return f"seed-{safe}-"


def generation_name(scope: str, now: datetime | None = None) -> str:
    """``seed-<scope>-<UTC time>-<random>``: sorts by time within a scope."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{generation_prefix(scope)}{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
