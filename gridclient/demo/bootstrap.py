"""The demo: an embedded gridserver on loopback with demo data, and the first demo
worker logged in and synced through the real transport and sync engine.

The server's SQLite database lives under the data dir (``demo-server/``). It is built
once in a side file (schema, ``load-demo --size S``, accounts) and renamed into place
only when complete, so an interrupted first start never leaves a half-loaded server.
Every start serves it on ``127.0.0.1`` with a free port in a background thread; the
client's store is filed under :data:`DEMO_SERVER` rather than the changing URL.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gridclient.cli import DEMO_SERVER
from gridclient.config import Paths
from gridclient.demo.embedded import require_server, start_embedded
from gridclient.storage.queries import HouseholdQueries
from gridclient.storage.store import Store
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.engine import SyncEngine, SyncReport
from gridclient.sync.session import UserSession, log_in
from gridclient.sync.signin import UserInfo, user_info
from gridcore.demo.generator import DEFAULT_SEED, DEMO_PASSWORD
from gridcore.domain.enums import Role

if TYPE_CHECKING:
    from gridserver.embedded import EmbeddedServer

log = logging.getLogger(__name__)

__all__ = ["DEMO_SERVER", "DEMO_SIZE", "DemoSession", "open_demo"]

DEMO_SIZE = "S"

Progress = Callable[[int, int, str], None]


@dataclass
class DemoSession:
    store: Store
    username: str
    info: UserInfo
    queries: HouseholdQueries
    session: UserSession
    server: EmbeddedServer
    report: SyncReport

    def close(self) -> None:
        self.session.close()
        self.server.stop()


def _server_database(paths: Paths) -> Path:
    """The demo server's database, built once (see the module docstring)."""
    target = paths.data_dir / "demo-server" / "gridserver.sqlite3"
    if target.exists():
        return target
    require_server()
    from gridserver import migrate
    from gridserver.config import Settings
    from gridserver.db import Database
    from gridserver.demo import load

    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(target.name + ".building")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{building}"
    db = Database(url)
    try:
        migrate.upgrade(db)
        with contextlib.redirect_stdout(io.StringIO()):  # the account list is for the CLI
            load(db, Settings(database_url=url), DEMO_SIZE, DEFAULT_SEED)
    finally:
        db.dispose()
    os.replace(building, target)
    log.info("demo server database built at %s", target)
    return target


def _demo_worker(server: EmbeddedServer) -> str:
    from sqlalchemy import select

    from gridserver.db import users

    statement = (
        select(users.c.username)
        .where(users.c.role == Role.WORKER.value, users.c.disabled.is_(False))
        .order_by(users.c.id)
        .limit(1)
    )
    with server.db.engine.connect() as connection:
        return str(connection.execute(statement).scalar_one())


def open_demo(paths: Paths, progress: Progress | None = None) -> DemoSession:
    """Start the embedded server, log in as the first demo worker and sync."""
    server = start_embedded(_server_database(paths))
    try:
        username = _demo_worker(server)
        session = log_in(
            paths.data_dir,
            server.url,
            username,
            DEMO_PASSWORD,
            MemoryTokenStore(),
            store_key=DEMO_SERVER,
        )
    except BaseException:
        server.stop()
        raise
    try:

        def report_progress(phase: str, done: int, total: int) -> None:
            if progress is not None:
                progress(done, total, phase)

        engine = SyncEngine(
            session.store, session.transport, progress=report_progress, fetch_catalog=True
        )
        report = engine.run()
        if report.errors:
            raise report.errors[0]
        log.info("demo store filled with %d records (%s)", report.pulled, report.summary_zh())
        assert session.profile is not None
        info = user_info(session, demo=True)
    except BaseException:
        session.close()
        server.stop()
        raise
    return DemoSession(
        session.store,
        username,
        info,
        HouseholdQueries(session.store.engine),
        session,
        server,
        report,
    )
