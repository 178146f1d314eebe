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

import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, text

from gridclient.storage.engine import create_store_engine, write_connection
from gridclient.storage.errors import MigrationFailed
from gridclient.storage.keys import key_file_for

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "backup_store",
    "current_revision",
    "head_revision",
    "is_known_revision",
    "upgrade",
]

_log = logging.getLogger(__name__)

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


def backup_store(engine: Engine, db_path: Path, key: bytes, revision: str | None) -> Path:
    """Copy the store and its key file to ``backups/<name>.rev-<rev>.<UTC time>.db``.

    Uses the SQLite backup API over a connection of ``engine``, into a temporary file
    renamed into place only when complete. Returns the backup's path.
    """
    directory = db_path.parent / BACKUP_DIR_NAME
    directory.mkdir(parents=True, exist_ok=True)
    target = _free_name(directory, f"{db_path.stem}.rev-{revision or 'none'}.{_stamp()}", ".db")
    partial = target.with_name(target.name + ".partial")
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
    os.replace(partial, target)
    for suffix in ("-wal", "-shm"):  # normally gone after the checkpoint and close
        side = Path(f"{partial}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{target}{suffix}"))
    shutil.copy2(key_file_for(db_path), key_file_for(target))
    _log.info("store backed up before migration to %s", target)
    return target
