"""The local store of one user on one server: open, check, back up, migrate, serve.

Opening goes: unlock the key file (a wrong password changes nothing on disk) → if the
last session did not close cleanly, check integrity on a read-only connection (so a
suspect store is never checkpointed into or has its -wal deleted before it is moved
aside) → open the engine → back up and migrate if not at head → make sure the store has
a device id and mark it open.

**Clean shutdown.** The full check reads and decrypts every page (about a second per
40 MB, several seconds for a township), so by default it runs only when the previous
session may have ended badly. Two independent signs say so, and either one is enough:

* the ``-wal`` file is still there: the last connection of a clean close checkpoints
  it into the database and deletes it, so it survives every crash, kill or power loss
  that happens while the store is open;
* ``sync_state.clean_shutdown`` is not ``true``: it is set to false in the first write
  transaction of every open (then the directory is fsynced, so the ``-wal`` that holds
  it is on disk) and to true only by :meth:`Store.close`, right before the final
  checkpoint. A store written by an older client has no flag and is checked once.

The database file itself changes only in a checkpoint, and a checkpoint syncs the
``-wal`` first, which holds the "open" flag: so the file can only be half-written while
the flag on disk says "open" or while a ``-wal`` exists. Damage outside a session (a
failing disk) is caught by SQLCipher's per-page HMAC the moment the page is read; a
damaged first page is caught at open and treated like a failed check.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import logging
import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Final, Self
from urllib.parse import urlsplit

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError

from gridclient.storage import eventstate, household_order, indexes, keys
from gridclient.storage.engine import create_store_engine, read_session, session_scope
from gridclient.storage.errors import (
    DiskFull,
    MigrationFailed,
    StorageError,
    StoreCorrupted,
    StoreDamaged,
    StoreExists,
    StoreMissing,
    StoreNotFound,
)
from gridclient.storage.keys import DEFAULT_KDF, KdfParams, key_file_for
from gridclient.storage.repositories import Repositories
from gridclient.storage.syncmeta import SyncKey
from gridclient.storage.uow import UnitOfWork
from gridclient.storage.writer import Writer
from gridcore.domain.clock import DeviceClock
from gridcore.domain.enums import EntityKind
from gridcore.messages import Catalog

__all__ = [
    "SIDE_FILES",
    "IntegrityCheck",
    "Store",
    "StoreTooNew",
    "check_integrity",
    "schema_head",
    "store_path",
]

_log = logging.getLogger(__name__)

_msg = Catalog(
    __name__,
    {
        "The data on this computer was created by a newer version of the client. Upgrade "
        "the client, then open it again.": "本机数据由更新版本的客户端创建，请升级客户端后再打开。",
        "save the data on this computer": "保存本机数据",  # DiskFull: "could not …"
    },
)
_EVENT_KINDS: Final = frozenset({EntityKind.EVENT, EntityKind.EVENT_ACTION})

#: How long :meth:`Store.close` waits for another writer before leaving the store
#: marked "not cleanly closed" (the next open then runs the integrity check).
CLOSE_WAIT_MS: Final = 2_000

#: Files SQLite keeps beside a WAL database.
SIDE_FILES: Final = ("-wal", "-shm")


class IntegrityCheck(StrEnum):
    """When :meth:`Store.open` runs the full integrity check (it reads every page, about
    a second per 40 MB on the build VM)."""

    FULL = "full"
    """On every open."""
    AFTER_CRASH = "after_crash"
    """Only when the previous session did not close cleanly (see the module docstring:
    a leftover -wal, or no clean-shutdown flag), or when the store is not at the schema
    head (checked before it is migrated). Opening still proves the key and reads the
    schema either way. The default."""


class StoreTooNew(MigrationFailed):
    """The store was written by a newer client; this one must not touch it."""

    def __init__(self, revision: str) -> None:
        StorageError.__init__(
            self,
            _msg(
                "The data on this computer was created by a newer version of the client. "
                "Upgrade the client, then open it again."
            ),
        )
        self.detail = f"unknown revision {revision}"
        self.backup = None
        self.revision = revision


def _slug(text_: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "_", text_.lower()).strip("._-")
    return slug[:40] or "store"


def _normal_server(server_url: str) -> str:
    parts = urlsplit(server_url.strip())
    scheme = (parts.scheme or "https").lower()
    host = (parts.hostname or "").lower()
    default_port = {"http": 80, "https": 443}.get(scheme)
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{scheme}://{host}{port}{parts.path.rstrip('/')}"


def _normal_user(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()


def store_path(data_dir: Path, server_url: str, username: str) -> Path:
    """Where the store of ``username`` on ``server_url`` lives under ``data_dir``.

    One file per (server, user): a readable host-user prefix for IT, plus a hash of the
    normalised pair so that any user name (Chinese, spaces, reserved device names on
    Windows) gives a safe, distinct file name. User names compare case-insensitively
    (NFKC + casefold), as logins do.
    """
    server = _normal_server(server_url)
    user = _normal_user(username)
    digest = hashlib.sha256(f"{server}\n{user}".encode()).hexdigest()[:16]
    host = urlsplit(server).hostname or "server"
    return data_dir / "stores" / f"{_slug(f'{host}-{user}')}-{digest}.db"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _aside_name(path: Path, label: str) -> Path:
    """``<name>.<label>-<UTC time>`` beside ``path``, not taken yet (nor its side files)."""
    base = f"{path.name}.{label}-{_stamp()}"
    candidate = path.with_name(base)
    counter = 1
    while any(Path(f"{candidate}{s}").exists() for s in ("", *SIDE_FILES, ".key")):
        candidate = path.with_name(f"{base}-{counter}")
        counter += 1
    return candidate


#: Beside a store: "a query found damage: check it fully at the next open".
CHECK_MARKER: Final = ".check"
#: Beside a store's key file after the store was moved aside on purpose: the next
#: create may reuse the key (a key without its store and without this is lost data).
MOVED_MARKER: Final = ".moved"
#: Beside a store while :meth:`Store.create` makes it: a key left by a create that was
#: killed is not lost data either.
CREATING_MARKER: Final = ".creating"


def _marker(path: Path, suffix: str) -> Path:
    return Path(f"{path}{suffix}")


def _move_aside(path: Path, label: str) -> Path:
    """Move the database and its -wal/-shm to ``<name>.<label>-<time>`` (side files keep
    their suffixes so SQLite can open the moved copy) and copy the key file beside them.
    Nothing is deleted. A ``.moved`` marker tells :meth:`Store.create` that the key left
    behind may start a fresh store."""
    target = _aside_name(path, label)
    key_path = key_file_for(path)
    if key_path.exists():  # the copy first: a moved store is never without its key
        shutil.copy2(key_path, key_file_for(target))
    os.replace(path, target)
    for suffix in SIDE_FILES:
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{target}{suffix}"))
    _marker(path, MOVED_MARKER).write_text(str(target), encoding="utf-8")
    _marker(path, CHECK_MARKER).unlink(missing_ok=True)
    return target


def _move_key_aside(path: Path) -> Path:
    """A key file whose store is gone: renamed out of the way (kept for IT)."""
    target = _aside_name(path, "missing")
    os.replace(key_file_for(path), key_file_for(target))
    return key_file_for(target)


#: Messages of errors that mean "this file is damaged" whatever exception class the
#: driver used: SQLCipher reports a page that fails its HMAC in the middle of a file as
#: "SQL logic error" or "database disk image is malformed", a damaged first page as
#: "file is not a database".
_DAMAGE_MESSAGES: Final = (
    "sql logic error",
    "database disk image is malformed",
    "file is not a database",
    "malformed database schema",
)


def _looks_damaged(exc: BaseException) -> bool:
    """A driver error that may mean a damaged file (the full check decides)."""
    if isinstance(exc, DBAPIError):
        if type(exc) is DatabaseError:
            return True
        exc = exc.orig if exc.orig is not None else exc
    if isinstance(exc, MemoryError):  # what SQLCipher's codec gives after a bad page
        return True
    message = str(exc).lower()
    return any(m in message for m in _DAMAGE_MESSAGES)


def _is_corruption(exc: DBAPIError) -> bool:
    """pysqlite raises a plain ``DatabaseError`` for SQLITE_CORRUPT and SQLITE_NOTADB
    (which is also what a damaged first page gives SQLCipher); SQLAlchemy wraps it in
    its own ``DatabaseError``. Its subclasses (OperationalError for locked, I/O or out
    of memory, IntegrityError, …) are no evidence of a damaged file."""
    return type(exc) is DatabaseError


def check_integrity(path: Path, key: bytes) -> str | None:
    """None if the store passes ``PRAGMA quick_check`` and SQLCipher's page HMAC check
    (``cipher_integrity_check``, when the library has it); else what failed.

    Runs on a read-only connection: it never writes, checkpoints or deletes the -wal.
    """
    engine = create_store_engine(path, key, read_only=True)
    try:
        with engine.connect() as connection:
            rows = [str(r[0]) for r in connection.execute(text("PRAGMA quick_check"))]
            if rows != ["ok"]:
                return "quick_check: " + "; ".join(rows)[:2000]
            try:
                failures = [
                    str(r[0]) for r in connection.execute(text("PRAGMA cipher_integrity_check"))
                ]
            except DBAPIError as exc:
                if _is_corruption(exc) or _looks_damaged(exc):
                    raise
                failures = []  # not a SQLCipher build that knows the pragma
            if failures:
                return "cipher_integrity_check: " + "; ".join(failures)[:2000]
            return None
    except DBAPIError as exc:
        # A page that fails its HMAC while the check reads it: SQLCipher raises "SQL logic
        # error" (an OperationalError) instead of returning a row, depending on where the
        # damage lies. A locked or unreadable file is still raised as it is.
        if _is_corruption(exc) or _looks_damaged(exc):
            return f"{type(exc.orig).__name__}: {exc.orig}"
        raise
    finally:
        engine.dispose()


_VERSIONS_DIR: Final = Path(__file__).resolve().parent / "migrations" / "versions"


def _assigned(module: ast.Module, name: str) -> object:
    for node in module.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, value = node.target.id, node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            target, value = node.targets[0].id, node.value
        else:
            continue
        if target == name and value is not None:
            return ast.literal_eval(value)
    raise LookupError(name)


@functools.cache
def _head_revision() -> str:
    """The schema head, read from the migration scripts' ``revision`` and
    ``down_revision`` without importing Alembic (a third of a second at start-up); falls
    back to Alembic when the scripts are not plain (branches, merges, computed ids)."""
    try:
        revisions: set[str] = set()
        parents: set[str] = set()
        for script in _VERSIONS_DIR.glob("*.py"):
            module = ast.parse(script.read_bytes(), str(script))
            try:
                revision = _assigned(module, "revision")
            except LookupError:
                continue  # __init__.py and helpers
            down = _assigned(module, "down_revision")
            if not isinstance(revision, str) or not (down is None or isinstance(down, str)):
                raise ValueError(script.name)
            revisions.add(revision)
            if down is not None:
                parents.add(down)
        heads = revisions - parents
        if len(heads) != 1 or not parents <= revisions:
            raise ValueError(f"heads {sorted(heads)}")
        return heads.pop()
    except (OSError, SyntaxError, ValueError, LookupError):
        from gridclient.storage.migrate import head_revision

        return head_revision()


def schema_head() -> str:
    """The schema revision this version of the client makes and opens stores at."""
    return _head_revision()


def _revision_and_flag(engine: Engine) -> tuple[str | None, bool]:
    """The store's schema revision, and whether its last session closed cleanly (only
    known at head; False when unknown). Plain SQL: no Alembic at start-up."""
    with engine.connect() as connection:
        tables = {
            str(name)
            for name in connection.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name IN ('alembic_version', 'sync_state')"
                )
            ).scalars()
        }
        if "alembic_version" not in tables:
            return None, False
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        clean = False
        if "sync_state" in tables:
            value = connection.execute(
                text("SELECT value FROM sync_state WHERE key = :key"),
                {"key": SyncKey.CLEAN_SHUTDOWN.value},
            ).scalar()
            clean = value == "true"
    return (None if revision is None else str(revision)), clean


def _sync_directory(path: Path) -> None:
    """fsync the directory holding ``path``, so a file just created in it (the -wal)
    survives a power loss. POSIX only; best effort."""
    if os.name != "posix":
        return
    try:
        fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Store:
    """An open store. Build it with :meth:`create` or :meth:`open`; :meth:`close` it.

    All reads go through :meth:`read` (repositories returning domain objects) and every
    user change through :meth:`unit_of_work`; ORM rows never leave the package.
    """

    def __init__(self, path: Path, engine: Engine, device_id: str) -> None:
        self._path = path
        self._engine = engine
        self._device_id = device_id
        self._closed = False
        self._discarded = False
        self._clock: DeviceClock | None = None
        self.writer = Writer()
        """The one owner of this store's writes in the application (see ``writer.py``)."""
        self.damaged = False
        """Set once a statement found the file damaged (see :meth:`_on_error`)."""
        event.listen(engine, "handle_error", self._on_error)

    def _on_error(self, context: ExceptionContext) -> None:
        """A statement failed in a way that may mean a damaged file: mark the store for
        the full check at the next open and raise :class:`StoreDamaged` (a Chinese
        message saying what happens next) instead of the driver's error."""
        original = context.original_exception
        if "database or disk is full" in str(original).lower():
            _log.error("store %s: disk full (%s)", self._path, original)
            raise DiskFull(self._path.parent, _msg("save the data on this computer")) from original
        if not (self.damaged or _looks_damaged(original)):
            return
        if isinstance(original, OperationalError | DBAPIError) and "locked" in str(original):
            return
        if not self.damaged:
            self.damaged = True
            with contextlib.suppress(OSError):
                _marker(self._path, CHECK_MARKER).write_text(
                    f"{type(original).__name__}: {original}"[:2000], encoding="utf-8"
                )
            _log.error(
                "store %s: a statement found damage (%s: %s); it is checked at the next open",
                self._path,
                type(original).__name__,
                original,
            )
        raise StoreDamaged(self._path, f"{type(original).__name__}: {original}") from original

    def __repr__(self) -> str:  # never the key, never the URL with its password
        return f"Store({str(self._path)!r})"

    @property
    def path(self) -> Path:
        return self._path

    @property
    def key_path(self) -> Path:
        return key_file_for(self._path)

    @property
    def engine(self) -> Engine:
        """For the sync engine's bulk path (``engine.write_connection``) and tests."""
        return self._usable()

    @property
    def device_id(self) -> str:
        return self._device_id

    @property
    def clock(self) -> DeviceClock:
        """This device's clock corrected against the server's (loaded on first use; the
        sync engine updates it and saves each new measurement)."""
        if self._clock is None:
            with self.read() as repos:
                self._clock = DeviceClock.from_json(repos.sync_state.get(SyncKey.CLOCK))
        return self._clock

    # -- life cycle -----------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        password: str,
        *,
        username: str = "",
        server_url: str = "",
        kdf: KdfParams = DEFAULT_KDF,
    ) -> Self:
        """Create an empty store at ``path`` (at head, with a fresh device id).

        If a key file is already there without its database (a store that was moved
        aside, or a create that crashed), it is reused when ``password`` unlocks it, so
        the user keeps one password; otherwise ``WrongPassword``.
        """
        if path.exists():
            raise StoreExists(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        moved = _marker(path, MOVED_MARKER)
        creating = _marker(path, CREATING_MARKER)
        if key_file_for(path).exists() and not moved.exists() and not creating.exists():
            # A key without its store that was not moved aside on purpose: the store was
            # lost (deleted, a failing disk). Say so; never start empty as if new.
            kept = _move_key_aside(path)
            _log.error("store %s is missing but its key file is there; key moved to %s", path, kept)
            raise StoreMissing(path, kept, "store file missing, key file present")
        if any(Path(f"{path}{suffix}").exists() for suffix in SIDE_FILES):
            # A -wal/-shm without its database (a crash between moves): never let SQLite
            # apply it to the new file; keep it, like everything else, for IT.
            orphan = _aside_name(path, "orphan")
            for suffix in SIDE_FILES:
                side = Path(f"{path}{suffix}")
                if side.exists():
                    os.replace(side, Path(f"{orphan}{suffix}"))
        key_path = key_file_for(path)
        created_key = not key_path.exists()
        if created_key:  # a crash from here to the end leaves a key that may be reused
            creating.write_text("", encoding="utf-8")
        key = (
            keys.create_key_file(key_path, password, params=kdf, user=username)
            if created_key
            else keys.unlock(key_path, password)
        )
        engine = create_store_engine(path, key)
        try:
            from gridclient.storage.migrate import upgrade

            upgrade(engine)
            store = cls(path, engine, "")
            store._device_id = store._ensure_device(username=username, server_url=server_url)
        except BaseException:
            engine.dispose()
            for suffix in ("", *SIDE_FILES):  # an empty, half-made store holds no data
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            if created_key:
                key_path.unlink(missing_ok=True)
                creating.unlink(missing_ok=True)
            raise
        moved.unlink(missing_ok=True)
        creating.unlink(missing_ok=True)
        _sync_directory(path)
        _log.info("created store %s", path)
        return store

    @classmethod
    def open(
        cls, path: Path, password: str, *, integrity: IntegrityCheck = IntegrityCheck.AFTER_CRASH
    ) -> Self:
        """Open an existing store; see the module docstring for the steps and for when
        the integrity check runs.

        Raises ``StoreNotFound``, ``WrongPassword`` (nothing changed), ``KeyFileError``,
        ``StoreCorrupted`` (the store was moved aside, see its message),
        ``StoreTooNew`` or ``MigrationFailed``.
        """
        key_path = key_file_for(path)
        if not path.exists():
            if key_path.exists() and not _marker(path, MOVED_MARKER).exists():
                kept = _move_key_aside(path)
                _log.error("store %s is missing, its key file is not; key moved to %s", path, kept)
                raise StoreMissing(path, kept, "store file missing, key file present")
            raise StoreNotFound(path)
        key = keys.unlock(key_path, password)
        wal = Path(f"{path}-wal")
        if path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0):
            # SQLite would open an empty file as a new, empty database and the migration
            # would build a fresh schema in it: lost data must not look like a new store.
            moved_to = _move_aside(path, "corrupt")
            _log.error("store %s is an empty file; moved to %s", path, moved_to)
            raise StoreCorrupted(path, moved_to, "zero-byte store file")
        checked = (
            integrity is IntegrityCheck.FULL or wal.exists() or _marker(path, CHECK_MARKER).exists()
        )
        if checked:
            cls._check_or_move_aside(path, key)
            _marker(path, CHECK_MARKER).unlink(missing_ok=True)
        engine = create_store_engine(path, key)
        try:
            try:
                revision, clean = _revision_and_flag(engine)
            except (DBAPIError, MemoryError) as exc:
                if checked or not _looks_damaged(exc):
                    raise
                # A damaged first page (or schema page): the engine could not even read
                # the schema.
                engine.dispose()
                cls._check_or_move_aside(path, key)
                raise
            if not checked and not (clean and revision == _head_revision()):
                cls._check_or_move_aside(path, key, engine)
            if revision != _head_revision():
                cls._migrate(path, engine, key, revision)
            store = cls(path, engine, "")
            store._device_id = store._ensure_device()
        except BaseException:
            engine.dispose()
            raise
        _sync_directory(path)
        return store

    @staticmethod
    def _check_or_move_aside(path: Path, key: bytes, engine: Engine | None = None) -> None:
        """Run the full check; on failure close ``engine`` (if open), move the store
        aside and raise ``StoreCorrupted``."""
        problem = check_integrity(path, key)
        if problem is None:
            return
        if engine is not None:
            engine.dispose()
        moved_to = _move_aside(path, "corrupt")
        _log.error("store %s failed its integrity check; moved to %s", path, moved_to)
        raise StoreCorrupted(path, moved_to, problem)

    @staticmethod
    def _migrate(path: Path, engine: Engine, key: bytes, current: str | None) -> None:
        from gridclient.storage.migrate import backup_store, is_known_revision, upgrade

        head = _head_revision()
        if current is not None and not is_known_revision(current):
            raise StoreTooNew(current)
        backup = backup_store(engine, path, key, current) if current is not None else None
        try:
            upgrade(engine)
        except MigrationFailed as exc:
            raise MigrationFailed(exc.detail, backup) from exc
        except Exception as exc:
            _log.exception("migration of %s from %s failed", path, current)
            raise MigrationFailed(repr(exc), backup) from exc
        _log.info("store %s migrated from %s to %s", path, current, head)

    def _ensure_device(self, *, username: str = "", server_url: str = "") -> str:
        """The device id is made once per store, with the op sequence it numbers. The
        same transaction marks the store open (not cleanly shut down) and builds the
        indexes a killed first pull left out (:mod:`gridclient.storage.indexes`)."""
        with session_scope(self._engine, write=True) as session:
            repos = Repositories(session)
            device_id = repos.sync_state.get(SyncKey.DEVICE_ID)
            if not isinstance(device_id, str):
                device_id = str(uuid.uuid4())
                repos.sync_state.set(SyncKey.DEVICE_ID, device_id)
                repos.sync_state.set(SyncKey.NEXT_SEQ, 1)
                if username:
                    repos.sync_state.set(SyncKey.USERNAME, username)
                if server_url:
                    repos.sync_state.set(SyncKey.SERVER_URL, server_url)
            repos.sync_state.set(SyncKey.CLEAN_SHUTDOWN, False)
            # A first pull killed before it caught up left the record tables without
            # their secondary indexes: built here, before anything reads the store.
            indexes.restore(session.connection())
            return device_id

    def change_password(self, old: str, new: str) -> None:
        """Re-wrap the data key under ``new``; the database file is not touched."""
        keys.change_password(self.key_path, old, new)

    def close(self) -> None:
        """Mark the store cleanly shut down, then dispose the engine: the last
        connection checkpoints and removes the -wal. If the flag cannot be written
        within :data:`CLOSE_WAIT_MS` (another writer holds the lock, the disk is full),
        the next open checks the store. Closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        self.writer.close()  # the queued writes land first
        try:
            if not self.damaged:  # a damaged store keeps its "check me" state
                self._mark_clean()
        except Exception:  # closing must not fail; the next open checks instead
            _log.warning("could not mark store %s cleanly closed", self._path, exc_info=True)
        finally:
            self._engine.dispose()

    def discard(self) -> None:
        """Close for good before the files are deleted (a device marked lost): any later
        read or write raises ``StoreNotFound`` instead of opening a new, empty file at
        the same path."""
        self.close()
        self._discarded = True
        path = self._path

        def refuse(*_args: object) -> None:
            # Readers that kept the engine (list models, queries) must not recreate it.
            raise StoreNotFound(path)

        event.listen(self._engine, "do_connect", refuse)

    @property
    def discarded(self) -> bool:
        """The store was wiped (:meth:`discard`): nothing may read or write it again."""
        return self._discarded

    def _usable(self) -> Engine:
        if self._discarded:
            raise StoreNotFound(self._path)
        return self._engine

    def _mark_clean(self) -> None:
        raw = self._engine.raw_connection()  # autocommit DBAPI connection (engine.py)
        try:
            driver = raw.driver_connection
            if driver is None:
                raise RuntimeError("the store connection is closed")
            driver.execute(f"PRAGMA busy_timeout = {CLOSE_WAIT_MS:d}")  # not 15 s at exit
            driver.execute("BEGIN IMMEDIATE")
            try:
                driver.execute(
                    "INSERT INTO sync_state (key, value) VALUES (?, 'true') "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (SyncKey.CLEAN_SHUTDOWN.value,),
                )
            except BaseException:
                driver.execute("ROLLBACK")
                raise
            driver.execute("COMMIT")
        finally:
            raw.invalidate()  # its busy timeout differs: never back into the pool

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- access ---------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Repositories]:
        """Repositories over one consistent read snapshot."""
        with read_session(self._usable()) as session:
            yield Repositories(session)

    @contextmanager
    def write(self) -> Iterator[Repositories]:
        """Repositories in one ``BEGIN IMMEDIATE`` transaction, for the sync engine's
        bookkeeping (op statuses, cursor, conflicts). User edits go through
        :meth:`unit_of_work` so they always queue an op."""
        with session_scope(self._usable(), write=True) as session:
            yield Repositories(session)

    @contextmanager
    def unit_of_work(self, *, actor: str) -> Iterator[UnitOfWork]:
        """One atomic user change: domain rows and their outbox ops commit together or
        not at all."""
        with session_scope(self._usable(), write=True) as session:
            uow = UnitOfWork(session, actor=actor, clock=self.clock)
            yield uow
            if any(op.entity in _EVENT_KINDS for op in uow.queued_ops()):
                # The derived state of the events this change touched, in its transaction.
                eventstate.fill_missing(session)
            if any(op.entity is EntityKind.HOUSEHOLD for op in uow.queued_ops()):
                # Sort keys an address change cleared (an edit sets its own).
                household_order.fill_missing(session.connection())

    def checkpoint(self) -> None:
        """Fold the -wal into the database file (for backups and tests)."""
        raw = self._engine.raw_connection()
        try:
            driver = raw.driver_connection
            if driver is None:
                raise RuntimeError("the store connection is closed")
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
