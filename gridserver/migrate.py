"""Alembic migrations, shipped inside the package and run in-process."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select

from gridserver.db import Database, feed_counter

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision`` and make sure the feed counter row exists."""
    config = alembic_config()
    with db.write() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    seed(db)


def seed(db: Database) -> None:
    """Rows every database needs: the single feed counter."""
    with db.write() as conn:
        if conn.execute(select(feed_counter.c.id)).first() is None:
            conn.execute(insert(feed_counter).values(id=1, value=0))
