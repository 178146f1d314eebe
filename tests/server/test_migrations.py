"""The shipped migrations build exactly the schema the code declares, on both backends,
and can be rolled back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text

from gridserver import migrate
from gridserver.db import Database, feed_counter, metadata
from tests.server.conftest import PG_URL


@pytest.fixture
def empty_db(backend: str, tmp_path: Path) -> Iterator[Database]:
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
        yield db
        db.dispose()
        return
    assert PG_URL is not None
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_upgrade_matches_the_declared_schema(empty_db: Database) -> None:
    migrate.upgrade(empty_db)
    migrate.upgrade(empty_db)  # a second run is a no-op
    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        assert conn.execute(select(feed_counter.c.value)).scalar_one() == 0


def test_downgrade_removes_everything(empty_db: Database) -> None:
    migrate.upgrade(empty_db)
    config = migrate.alembic_config()
    with empty_db.write() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    with empty_db.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
