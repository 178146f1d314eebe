"""Alembic environment for the local store.

Migrations only ever run in-process on the store's already-open, already-keyed
connection, handed over in ``config.attributes["connection"]`` by
:func:`gridclient.storage.migrate.upgrade`; there is no URL to connect to and no
offline (``--sql``) mode, because the database is encrypted with a key only the running
client holds. ``render_as_batch`` makes ALTERs work on SQLite by copying the table.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from gridclient.storage.models import Base


def run_migrations() -> None:
    if context.is_offline_mode():
        raise RuntimeError("offline (--sql) migrations are not supported for the store")
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(
            "store migrations run in-process on an open connection: "
            "use gridclient.storage.migrate.upgrade()"
        )
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
