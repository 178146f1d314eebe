"""A real gridserver on loopback (uvicorn thread, SQLite file in ``tmp_path``), an area
tree with two grid workers and a township user, and "laptops": a data dir, a store and
a transport each, synced with the real engine."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("gridserver.app")

from sqlalchemy import select

from gridclient.storage.convert import record_from_row, table_for
from gridclient.storage.store import Store
from gridclient.storage.syncmeta import OpStatus
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.engine import SyncEngine, SyncReport
from gridclient.sync.session import UserSession, log_in
from gridclient.sync.transport import RetryPolicy, Transport
from gridcore.demo.generator import load_catalog
from gridcore.domain.codec import decode_record, wire_row
from gridcore.domain.entities import Event, EventAction, Household, Resident
from gridcore.domain.enums import AreaLevel, EntityKind, EventState, Role
from gridcore.domain.workflow import event_status
from gridserver import admin, auth, migrate
from gridserver import departments as gridserver_departments
from gridserver.config import Argon2Params, Settings
from gridserver.db import Database, stored_holidays
from gridserver.db import records as server_records
from gridserver.embedded import EmbeddedServer
from tests.unit.storage.factories import CHEAP_KDF

PASSWORD = "correct horse 1"
FAST_ARGON2 = Argon2Params(time_cost=1, memory_cost=1024, parallelism=1)
FAST_RETRY = RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.05, max_total=10.0)

AREAS = [
    ("county", "320101000000", "示例区", AreaLevel.COUNTY, None),
    ("T1", "320101001000", "东街道", AreaLevel.TOWNSHIP, "320101000000"),
    ("V1", "320101001001", "幸福社区", AreaLevel.VILLAGE, "320101001000"),
    ("G1", "320101001001001", "幸福社区第一网格", AreaLevel.GRID, "320101001001"),
    ("G2", "320101001001002", "幸福社区第二网格", AreaLevel.GRID, "320101001001"),
]
USERS = [
    ("w1", Role.WORKER, "320101001001001"),
    ("w2", Role.WORKER, "320101001001002"),
    ("t1", Role.TOWNSHIP, "320101001000"),
]
SYNCED_KINDS = [k for k in EntityKind if k is not EntityKind.AREA]


@dataclass
class World:
    server: EmbeddedServer
    areas: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url


def start_world(db_path: Path) -> World:
    server = EmbeddedServer.start(db_path, argon2=FAST_ARGON2)
    world = World(server)
    for short, code, name, level, parent in AREAS:
        world.areas[short] = admin.add_area(server.db, code, name, level, parent)
    for name, role, scope in USERS:
        auth.add_user(server.db, server.settings, auth.NewUser(name, role, scope), PASSWORD)
    return world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    world = start_world(tmp_path / "server" / "server.sqlite3")
    try:
        yield world
    finally:
        world.server.stop()


class Laptop:
    """One user's client: log in once online, then edit and sync."""

    def __init__(
        self,
        root: Path,
        url: str,
        username: str,
        *,
        batch_size: int = 50,
        page_size: int = 50,
        timeout: tuple[float, float] = (5.0, 30.0),
    ) -> None:
        self.username = username
        self.url = url
        self.tokens = MemoryTokenStore()
        self.batch_size = batch_size
        self.page_size = page_size

        def factory(server: str, **kwargs: Any) -> Transport:
            return Transport(server, retry=FAST_RETRY, timeout=timeout, **kwargs)

        self.session: UserSession = log_in(
            root / username,
            url,
            username,
            PASSWORD,
            self.tokens,
            transport_factory=factory,
            kdf=CHEAP_KDF,  # the store's key cost is tested in tests/unit/storage
        )

    @property
    def store(self) -> Store:
        return self.session.store

    def engine(self, **kwargs: Any) -> SyncEngine:
        return SyncEngine(
            self.store,
            self.session.transport,
            batch_size=self.batch_size,
            page_size=self.page_size,
            **kwargs,
        )

    def sync(self) -> SyncReport:
        return self.engine().run()

    def sync_until_ok(self, attempts: int = 20) -> SyncReport:
        """Faulty networks: keep syncing until one run reports success."""
        report = self.sync()
        for _ in range(attempts):
            if not report.errors:
                return report
            report = self.sync()
        raise AssertionError(f"sync never succeeded: {report.errors}")

    def new_household(self, grid: str, address: str = "幸福路1号", **extra: Any) -> Household:
        household = Household(grid_id=grid, address=address, **extra)
        with self.store.unit_of_work(actor=self.username) as uow:
            uow.create(household)
        return household

    def new_resident(self, household_id: str, name: str = "张三") -> Resident:
        resident = Resident(household_id=household_id, name=name)
        with self.store.unit_of_work(actor=self.username) as uow:
            uow.create(resident)
        return resident

    def edit(self, kind: EntityKind, record_id: str, **changes: Any) -> None:
        with self.store.unit_of_work(actor=self.username) as uow:
            stored = uow.repos.records.get_kind(kind, record_id)
            assert stored is not None
            from gridcore.domain import codec

            uow.update(codec.replace(stored, changes))

    def get(self, kind: EntityKind, record_id: str) -> Any:
        with self.store.read() as repos:
            return repos.records.get_kind(kind, record_id)

    def pending(self) -> int:
        with self.store.read() as repos:
            return repos.outbox.status_counts()[OpStatus.PENDING]

    def snapshot(self) -> dict[tuple[str, str], tuple[int, bool, dict[str, Any]]]:
        return store_snapshot(self.store)

    def close(self) -> None:
        self.session.close()


def store_snapshot(store: Store) -> dict[tuple[str, str], tuple[int, bool, dict[str, Any]]]:
    """Every synced record of a store: (kind, id) → (version, deleted, wire fields)."""
    result: dict[tuple[str, str], tuple[int, bool, dict[str, Any]]] = {}
    with store.engine.connect() as connection:
        for kind in SYNCED_KINDS:
            for row in connection.execute(select(table_for(kind))).mappings():
                record = record_from_row(kind, row)
                fields = {
                    k: v
                    for k, v in wire_row(record).items()
                    if k not in ("id", "version", "deleted", "updated_at")
                }
                result[(kind.value, record.id)] = (record.version, record.deleted, fields)
    return result


def server_snapshot(world: World) -> dict[tuple[str, str], tuple[int, bool, dict[str, Any]]]:
    with world.server.db.engine.connect() as connection:
        rows = connection.execute(
            select(
                server_records.c.kind,
                server_records.c.id,
                server_records.c.version,
                server_records.c.deleted,
                server_records.c.fields,
            ).where(server_records.c.kind != EntityKind.AREA.value)
        )
        return {(r.kind, r.id): (r.version, bool(r.deleted), dict(r.fields)) for r in rows}


@pytest.fixture
def laptops(world: World, tmp_path: Path) -> Iterator[dict[str, Laptop]]:
    made: dict[str, Laptop] = {}

    class Factory(dict[str, Laptop]):
        def __missing__(self, key: str) -> Laptop:
            name, _, user = key.partition(":")
            laptop = Laptop(tmp_path / "clients" / name, world.url, user or name)
            made[key] = laptop
            self[key] = laptop
            return laptop

    factory = Factory()
    try:
        yield factory
    finally:
        for laptop in made.values():
            laptop.close()


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


# -- a real ``gridserver serve`` process --------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]

LOOP_USERS = [
    ("w1", Role.WORKER, "320101001001001", "何子健"),
    ("w1c", Role.WORKER, "320101001001001", "李春燕"),  # a colleague in the same grid
    ("t1", Role.TOWNSHIP, "320101001000", "赵佳"),
]
"""The event loop's people (user name, role, scope, display name): a grid worker, a
colleague in the same grid, township staff."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class ServerProcess:
    url: str
    db: Database
    areas: dict[str, str]


@contextmanager
def server_process(
    folder: Path,
    users: Sequence[tuple[str, Role, str, str] | tuple[str, Role, str, str, str]] = LOOP_USERS,
    departments: Sequence[tuple[str, str, str | None]] = (),
    seeds_dir: Path | None = None,
) -> Iterator[ServerProcess]:
    """``python -m gridserver serve`` on a free loopback port, on a SQLite file in
    ``folder`` holding the area tree, ``departments`` (code, name, township area code),
    ``users`` (a department account names its department fifth) and the sample event
    catalog."""
    path = folder / "server.sqlite3"
    url = f"sqlite:///{path}"
    db = Database(url)
    migrate.upgrade(db)
    settings = Settings(database_url=url, argon2=FAST_ARGON2)
    areas = {
        short: admin.add_area(db, code, name, level, parent)
        for short, code, name, level, parent in AREAS
    }
    for code, department_name, township in departments:
        gridserver_departments.add_department(db, code, department_name, township)
    for name, role, scope, display, *department in users:
        user = auth.NewUser(name, role, scope, display, department[0] if department else None)
        auth.add_user(db, settings, user, PASSWORD)
    admin.load_catalog(db, load_catalog().to_json())
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "gridserver", "--database", url, "serve", "--port", str(port)]
    if seeds_dir is not None:
        command += ["--seeds-dir", str(seeds_dir)]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        yield ServerProcess(base, db, areas)
    finally:
        process.terminate()
        process.wait(10)
        db.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A real ``gridserver serve`` process with :data:`LOOP_USERS`."""
    with server_process(tmp_path) as process:
        yield process


def server_event_view(
    server: ServerProcess, event_id: str
) -> tuple[EventState, datetime, list[tuple[str, str, datetime, datetime | None]]]:
    """The event as the server holds it: state, deadline and history
    ``(action id, kind, at, server_at)`` in the order history shows it."""
    with server.db.engine.connect() as conn:
        rows = conn.execute(
            select(server_records).where(
                server_records.c.kind.in_(["event", "event_action"]),
            )
        ).all()
        calendar = stored_holidays(conn)  # working days count with the server's calendar
    event = next(
        decode_record(EntityKind.EVENT, r.fields, id=r.id) for r in rows if r.id == event_id
    )
    actions = [
        decode_record(EntityKind.EVENT_ACTION, r.fields, id=r.id)
        for r in rows
        if r.kind == "event_action" and r.fields["event_id"] == event_id
    ]
    assert isinstance(event, Event)
    typed = [a for a in actions if isinstance(a, EventAction)]
    catalog = load_catalog().with_calendar(calendar)
    status = event_status(event, typed, catalog, datetime.now(UTC))
    timeline = sorted(typed, key=lambda a: a.history_key)
    return (
        status.state,
        status.deadline,
        [(a.id, a.kind.value, a.at, a.server_at) for a in timeline],
    )
