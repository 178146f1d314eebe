"""Local storage: one SQLCipher database per (server, user), SQLAlchemy 2.0 models,
Alembic migrations run in-process, repositories that return domain objects, the unit of
work that writes each change together with its outbox op, and the bulk path.

Nothing here imports Qt; ORM rows never leave this package.
"""

from gridclient.storage.bulk import bulk_upsert
from gridclient.storage.engine import (
    create_store_engine,
    read_session,
    session_scope,
    write_connection,
    write_session,
)
from gridclient.storage.errors import (
    AppendOnlyError,
    AttachmentMismatch,
    DuplicateRecord,
    KeyFileError,
    MigrationFailed,
    MissingParent,
    RecordNotFound,
    StaleRecord,
    StorageError,
    StoreCorrupted,
    StoreExists,
    StoreNotFound,
    WrongOperation,
    WrongPassword,
)
from gridclient.storage.keys import DEFAULT_KDF, KdfParams
from gridclient.storage.repositories import EventHistory, Repositories
from gridclient.storage.store import IntegrityCheck, Store, StoreTooNew, store_path
from gridclient.storage.syncmeta import Conflict, OpStatus, OutboxOp, RevealEntry, SyncKey
from gridclient.storage.uow import UnitOfWork

__all__ = [
    "DEFAULT_KDF",
    "AppendOnlyError",
    "AttachmentMismatch",
    "Conflict",
    "DuplicateRecord",
    "EventHistory",
    "IntegrityCheck",
    "KdfParams",
    "KeyFileError",
    "MigrationFailed",
    "MissingParent",
    "OpStatus",
    "OutboxOp",
    "RecordNotFound",
    "Repositories",
    "RevealEntry",
    "StaleRecord",
    "StorageError",
    "Store",
    "StoreCorrupted",
    "StoreExists",
    "StoreNotFound",
    "StoreTooNew",
    "SyncKey",
    "UnitOfWork",
    "WrongOperation",
    "WrongPassword",
    "bulk_upsert",
    "create_store_engine",
    "read_session",
    "session_scope",
    "store_path",
    "write_connection",
    "write_session",
]
