"""Alembic environment: always run in-process with a connection handed in by
:func:`gridserver.migrate.upgrade` (no alembic.ini, no subprocess)."""

from __future__ import annotations

from alembic import context

from gridserver.db import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through gridserver.migrate.upgrade()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
