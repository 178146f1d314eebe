"""Schema migrations, run in-process on the open encrypted connection.

The Alembic configuration is built in code with ``script_location`` pointing at the
``migrations`` package directory, so nothing depends on an ``alembic.ini`` or on the
working directory, and it works the same from a PyInstaller bundle as long as the
package's ``migrations`` directory is collected as data with its ``.py`` files.

An existing store that is not at head is first copied, with its key file, to
``backups/`` beside it (SQLite backup API over the open connection, so the copy is a
consistent snapshot and is encrypted with the same key).
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, text

from gridclient.storage.engine import create_store_engine, write_connection
from gridclient.storage.errors import DiskFull, MigrationFailed
from gridclient.storage.keys import key_file_for
from gridcore.messages import Catalog

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "backup_store",
    "current_revision",
    "head_revision",
    "is_known_revision",
    "prune_backups",
    "upgrade",
]

_log = logging.getLogger(__name__)

_msg = Catalog(
    __name__,
    {  # DiskFull: "could not …"
        "back up the data on this computer before the upgrade": "在升级前备份本机数据",
    },
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BACKUP_DIR_NAME = "backups"


def alembic_config() -> Config:
    """An Alembic config with no ini file: only ``script_location`` is needed."""
    config = Config()
    # ConfigParser interpolation: a '%' in the install path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("the store has no migrations")
    return head


def is_known_revision(revision: str) -> bool:
    """False for a store written by a newer client (a revision this build lacks)."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the store to ``revision`` in one ``BEGIN IMMEDIATE`` transaction.

    Foreign keys are switched off for the duration (they cannot be toggled inside a
    transaction, so on the DBAPI connection before BEGIN), as SQLite's table-rebuild
    procedure requires for batch ALTERs; ``PRAGMA foreign_key_check`` then runs before
    the commit and any violation rolls the whole upgrade back. Raises whatever the
    migration raised; the transaction is rolled back.
    """
    config = alembic_config()
    with write_connection(engine, foreign_keys=False) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        violations = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if violations:
            raise MigrationFailed(f"foreign key violations: {violations[:5]!r}", None)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _free_name(directory: Path, stem: str, suffix: str) -> Path:
    candidate = directory / f"{stem}{suffix}"
    counter = 1
    while candidate.exists():
        candidate = directory / f"{stem}-{counter}{suffix}"
        counter += 1
    return candidate


#: Retention of pre-migration backups: the last ``KEEP_LAST`` of each store, and every
#: one younger than ``KEEP_DAYS`` days; older ones are deleted after a new backup.
KEEP_LAST = 5
KEEP_DAYS = 30


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "database or disk is full" in str(exc).lower() or "disk full" in str(exc).lower()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def backup_store(engine: Engine, db_path: Path, key: bytes, revision: str | None) -> Path:
    """Copy the store and its key file to ``backups/<name>.rev-<rev>.<UTC time>.db``.

    Uses the SQLite backup API over a connection of ``engine``, into ``.partial`` files
    renamed into place only when complete, the key before the database: a ``.db`` in
    ``backups/`` always has its ``.db.key``. Partial files of an earlier, interrupted
    backup of this store are removed first, and old backups are pruned afterwards
    (:func:`prune_backups`). A full disk raises :class:`DiskFull` (nothing is left
    behind, the store is not touched). Returns the backup's path.
    """
    directory = db_path.parent / BACKUP_DIR_NAME
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob(f"{db_path.stem}.rev-*.partial*"):
            stale.unlink(missing_ok=True)
    except OSError as exc:
        if _is_disk_full(exc):
            raise DiskFull(
                directory, _msg("back up the data on this computer before the upgrade")
            ) from exc
        raise
    target = _free_name(directory, f"{db_path.stem}.rev-{revision or 'none'}.{_stamp()}", ".db")
    partial = target.with_name(target.name + ".partial")
    key_partial = key_file_for(target).with_name(key_file_for(target).name + ".partial")
    try:
        destination = create_store_engine(partial, key)
        try:
            source_fairy = engine.raw_connection()
            target_fairy = destination.raw_connection()
            try:
                source = source_fairy.driver_connection
                copy = target_fairy.driver_connection
                if source is None or copy is None:
                    raise RuntimeError("backup connections are closed")
                source.backup(copy)
                # Fold the copy's -wal into its file so the backup is a single file.
                copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                target_fairy.close()
                source_fairy.close()
        finally:
            destination.dispose()
        shutil.copy2(key_file_for(db_path), key_partial)
        os.replace(key_partial, key_file_for(target))
        os.replace(partial, target)
        for suffix in ("-wal", "-shm"):  # normally gone after the checkpoint and close
            side = Path(f"{partial}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{target}{suffix}"))
    except BaseException as exc:
        _remove(partial)
        key_partial.unlink(missing_ok=True)
        if not target.exists():
            key_file_for(target).unlink(missing_ok=True)
        if isinstance(exc, Exception) and _is_disk_full(exc):
            _log.error("disk full while backing up %s before migration", db_path)
            raise DiskFull(
                directory, _msg("back up the data on this computer before the upgrade")
            ) from exc
        raise
    _log.info("store backed up before migration to %s", target)
    try:
        prune_backups(directory, db_path.stem)
    except OSError:
        _log.warning("could not prune old backups in %s", directory, exc_info=True)
    return target


def prune_backups(
    directory: Path,
    stem: str,
    *,
    keep_last: int = KEEP_LAST,
    keep_days: int = KEEP_DAYS,
    now: datetime | None = None,
) -> list[Path]:
    """Delete the backups of store ``stem`` that are neither among the last
    ``keep_last`` nor younger than ``keep_days`` days (by the UTC time in their name);
    each goes with its key and side files. Returns what was deleted."""
    now = now or datetime.now(UTC)
    found: list[tuple[datetime, Path]] = []
    for path in directory.glob(f"{stem}.rev-*.db"):
        match = _BACKUP_TIME.search(path.name)
        if match is None:
            continue
        when = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        found.append((when, path))
    found.sort(reverse=True)
    deleted = []
    for index, (when, path) in enumerate(found):
        if index < keep_last or now - when < timedelta(days=keep_days):
            continue
        key_file_for(path).unlink(missing_ok=True)
        _remove(path)
        deleted.append(path)
        _log.info("old backup %s deleted (keeping %d and %d days)", path, keep_last, keep_days)
    return deleted


_BACKUP_TIME = re.compile(r"\.(\d{8}T\d{6}Z)(?:-\d+)?\.db$")
