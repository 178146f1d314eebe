"""The record tables' secondary indexes, left out during a first full download.

A first pull writes every record of the township into empty tables. Their secondary
indexes (grid, household, event, time) are in an order unrelated to the pages' order,
so keeping them up to date page after page rewrites, encrypts and authenticates index
pages all over the file at every commit. Built once at the end from the full tables
they cost a sort each.

So the sync engine drops them before the first page of a pull into an empty store
(:func:`defer`) and builds them again in the transaction of the pull's last page
(:func:`restore`). The mark ``SyncKey.INDEXES_DEFERRED`` is written in the transaction
that drops them and cleared in the one that builds them, so a store killed in between
says so: ``Store.open`` builds them before anything else reads the store, and a pull
that resumes keeps them until it has caught up. No query depends on an index for its
result, only for its speed.

Primary keys (and the upsert's ``ON CONFLICT (id)``) are untouched.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Connection, Index, Table, delete, exists, insert, select

from gridclient.storage.convert import table_for
from gridclient.storage.models import SyncStateRow
from gridclient.storage.syncmeta import SyncKey
from gridcore.domain.enums import EntityKind

__all__ = ["defer", "deferred", "record_indexes", "restore"]

_MARK = SyncKey.INDEXES_DEFERRED.value
_STATE = cast(Table, SyncStateRow.__table__)


def record_indexes() -> list[Index]:
    """The secondary indexes of every record table (as the models declare them, which
    is what the migrations create: ``test_deferred_indexes`` compares the two)."""
    found: list[Index] = []
    for kind in EntityKind:
        found.extend(sorted(table_for(kind).indexes, key=lambda index: str(index.name)))
    return found


def deferred(connection: Connection) -> bool:
    """Whether the indexes are down (a first pull under way, or killed)."""
    statement = select(SyncStateRow.value).where(SyncStateRow.key == _MARK)
    return connection.execute(statement).scalar() is True


def _empty(connection: Connection) -> bool:
    return not any(
        connection.execute(select(exists().select_from(table_for(kind)))).scalar()
        for kind in EntityKind
    )


def defer(connection: Connection) -> bool:
    """In the caller's write transaction: drop the indexes if every record table is
    empty (or they are down already). Returns whether they are down."""
    if deferred(connection):
        return True
    if not _empty(connection):
        return False
    for index in record_indexes():
        index.drop(connection, checkfirst=True)
    connection.execute(insert(_STATE).values(key=_MARK, value=True))
    return True


def restore(connection: Connection) -> bool:
    """In the caller's write transaction: build the indexes that are missing and clear
    the mark. Returns whether anything was to do."""
    if not deferred(connection):
        return False
    for index in record_indexes():
        index.create(connection, checkfirst=True)
    connection.execute(delete(_STATE).where(SyncStateRow.key == _MARK))
    return True
