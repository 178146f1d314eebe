"""Fixtures: a fresh database per test on SQLite, and on PostgreSQL as well when
``GRIDSERVER_TEST_DATABASE_URL`` is set (one throw-away schema per test via
``search_path``), a small area tree with users, and a thin API client."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from gridcore.domain.enums import AreaLevel, Role
from gridcore.protocol import CLIENT_VERSION_HEADER, PROTOCOL_HEADER
from gridserver import admin, auth, migrate
from gridserver.app import create_app
from gridserver.config import Argon2Params, Settings
from gridserver.db import Database, metadata

PG_URL = os.environ.get("GRIDSERVER_TEST_DATABASE_URL")
PASSWORD = "correct horse 1"
FAST_ARGON2 = Argon2Params(time_cost=1, memory_cost=1024, parallelism=1)

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="GRIDSERVER_TEST_DATABASE_URL not set"),
    ),
]


def make_database(backend: str, tmp_path: Path, **engine_kwargs: Any) -> Iterator[Database]:
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}", **engine_kwargs)
        metadata.create_all(db.engine)
        migrate.seed(db)
        yield db
        db.dispose()
        return
    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(PG_URL)
    with admin_engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, connect_args={"options": f"-csearch_path={schema}"}, **engine_kwargs)
    try:
        metadata.create_all(db.engine)
        migrate.seed(db)
        yield db
    finally:
        db.dispose()
        with admin_engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db(backend: str, tmp_path: Path) -> Iterator[Database]:
    yield from make_database(backend, tmp_path)


@pytest.fixture
def settings(db: Database) -> Settings:
    return Settings(database_url=db.url, argon2=FAST_ARGON2)


@dataclass
class World:
    """County 320101 → townships T1, T2 → villages → grids G1, G2 (T1) and G3 (T2)."""

    areas: dict[str, str] = field(default_factory=dict)
    """Short name → area id."""


def build_world(db: Database, settings: Settings) -> World:
    world = World()
    tree = [
        ("county", "320101000000", "示例区", AreaLevel.COUNTY, None),
        ("T1", "320101001000", "东街道", AreaLevel.TOWNSHIP, "320101000000"),
        ("V1", "320101001001", "幸福社区", AreaLevel.VILLAGE, "320101001000"),
        ("G1", "320101001001001", "幸福社区第一网格", AreaLevel.GRID, "320101001001"),
        ("G2", "320101001001002", "幸福社区第二网格", AreaLevel.GRID, "320101001001"),
        ("T2", "320101101000", "西镇", AreaLevel.TOWNSHIP, "320101000000"),
        ("V2", "320101101201", "和平村", AreaLevel.VILLAGE, "320101101000"),
        ("G3", "320101101201001", "和平村第一网格", AreaLevel.GRID, "320101101201"),
    ]
    for short, code, name, level, parent in tree:
        world.areas[short] = admin.add_area(db, code, name, level, parent)
    users = [
        ("w1", Role.WORKER, "320101001001001"),
        ("w2", Role.WORKER, "320101001001002"),
        ("wv", Role.WORKER, "320101001001"),
        ("w3", Role.WORKER, "320101101201001"),
        ("t1", Role.TOWNSHIP, "320101001000"),
        ("t2", Role.TOWNSHIP, "320101101000"),
        ("admin", Role.ADMIN, None),
    ]
    for name, role, scope in users:
        auth.add_user(db, settings, auth.NewUser(name, role, scope), PASSWORD)
    return world


@pytest.fixture
def world(db: Database, settings: Settings) -> World:
    return build_world(db, settings)


SYNC_HEADERS = {PROTOCOL_HEADER: "1", CLIENT_VERSION_HEADER: "0.1.0"}


class Api:
    """A TestClient with the protocol headers and a few helpers."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, dict[str, Any]] = {}

    def login(self, username: str, device: str | None = None) -> dict[str, str]:
        response = self.client.post(
            "/api/v1/auth/login",
            json={
                "username": username,
                "password": PASSWORD,
                "device_id": device or f"dev-{username}",
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        self.tokens[username] = body
        return {"Authorization": f"Bearer {body['access_token']}", **SYNC_HEADERS}

    def push(
        self, headers: dict[str, str], ops: list[dict[str, Any]], device: str = "dev-1"
    ) -> list[dict[str, Any]]:
        response = self.client.post(
            "/api/v1/sync/push", json={"device_id": device, "ops": ops}, headers=headers
        )
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def pull_all(
        self, headers: dict[str, str], cursor: str = "", limit: int = 500
    ) -> tuple[dict[str, Any], str]:
        """Every page from ``cursor``: (merged page, final cursor)."""
        merged: dict[str, Any] = {"changes": [], "evictions": [], "conflicts": []}
        while True:
            response = self.client.get(
                "/api/v1/sync/pull", params={"cursor": cursor, "limit": limit}, headers=headers
            )
            assert response.status_code == 200, response.text
            page = response.json()
            for key in ("changes", "evictions", "conflicts"):
                merged[key].extend(page[key])
            cursor = page["cursor"]
            if not page["more"]:
                return merged, cursor


@pytest.fixture
def api(db: Database, settings: Settings, world: World) -> Iterator[Api]:
    with TestClient(create_app(settings, db)) as client:
        yield Api(client)


def op(
    entity: str,
    entity_id: str,
    kind: str = "create",
    changes: dict[str, Any] | None = None,
    *,
    base_version: int = 0,
    seq: int = 1,
    op_id: str | None = None,
    old: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An op dict; ``changes`` maps field → new value (old values from ``old``)."""
    old = old or {}
    return {
        "op_id": op_id or str(uuid.uuid4()),
        "seq": seq,
        "entity": entity,
        "entity_id": entity_id,
        "kind": kind,
        "base_version": base_version,
        "changes": {k: [old.get(k), v] for k, v in (changes or {}).items()},
        "client_time": datetime.now(UTC).isoformat(),
    }


def new_id() -> str:
    return str(uuid.uuid4())


def household(grid_id: str, **extra: Any) -> dict[str, Any]:
    return {"grid_id": grid_id, "address": "幸福路1号", **extra}


def resident(household_id: str, **extra: Any) -> dict[str, Any]:
    return {"household_id": household_id, "name": "张三", **extra}


def cli_url(db: Database) -> str:
    """The database URL for ``gridserver`` commands run in a test: on PostgreSQL the
    command's own engine must see this test's schema (its ``search_path``)."""
    url = db.url
    if url.startswith("postgresql"):
        with db.engine.connect() as conn:
            schema = conn.execute(text("SHOW search_path")).scalar()
        url = f"{url}?options=-csearch_path%3D{schema}"
    return url
