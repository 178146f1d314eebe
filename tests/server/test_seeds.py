"""``GET /sync/seed`` and ``GET /sync/seed/{generation}`` (gridserver.seeds): a seed is
offered only to callers of the scope its cursor was issued in, the newest complete one
wins, broken or foreign manifests are skipped, and the file is served with ranges."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gridserver.app import create_app
from gridserver.config import Settings
from gridserver.db import Database
from tests.server.conftest import Api

pytestmark = pytest.mark.usefixtures("world")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    return folder


@pytest.fixture
def seeded(db: Database, settings: Settings, seeds: Path) -> Iterator[Api]:
    with TestClient(create_app(dataclasses.replace(settings, seeds_dir=str(seeds)), db)) as c:
        yield Api(c)


def _cursor_of(api: Api, user: str) -> str:
    """A real cursor of ``user``'s scope (what a seed maker of that scope ends with)."""
    _page, cursor = api.pull_all(api.login(user))
    return cursor


def _write(
    seeds: Path, generation: str, cursor: str, data: bytes, made: datetime, **extra: Any
) -> dict[str, Any]:
    (seeds / f"{generation}.gcseed").write_bytes(data)
    offer = {
        "generation": generation,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "cursor": cursor,
        "revision": "r0018",
        "key": "ab" * 32,
        "made_at": made.isoformat(),
        "records": 3,
        "client_version": "0.7.0",
        **extra,
    }
    (seeds / f"{generation}.json").write_text(json.dumps(offer), encoding="utf-8")
    return offer


def test_the_newest_seed_of_the_callers_scope_is_offered(seeded: Api, seeds: Path) -> None:
    t1_cursor = _cursor_of(seeded, "t1")
    now = datetime.now(UTC)
    _write(seeds, "seed-t1-old", t1_cursor, b"old" * 100, now - timedelta(days=1))
    newest = _write(seeds, "seed-t1-new", t1_cursor, b"new" * 100, now)
    _write(seeds, "seed-t2", _cursor_of(seeded, "t2"), b"t2" * 100, now + timedelta(hours=1))
    (seeds / "seed-broken.json").write_text("{not json", encoding="utf-8")
    _write(seeds, "seed-short", t1_cursor, b"x" * 10, now + timedelta(days=1), size=11)
    _write(seeds, "seed-renamed", t1_cursor, b"x" * 10, now + timedelta(days=2))
    (seeds / "seed-renamed.json").rename(seeds / "seed-other-name.json")

    response = seeded.client.get("/api/v1/sync/seed", headers=seeded.login("t1"))
    assert response.status_code == 200, response.text
    assert response.json()["generation"] == newest["generation"]
    assert response.json()["key"] == newest["key"]


@pytest.mark.parametrize("user", ["t2", "w1", "admin"])
def test_no_seed_for_another_scope(seeded: Api, seeds: Path, user: str) -> None:
    _write(seeds, "seed-t1", _cursor_of(seeded, "t1"), b"t1" * 100, datetime.now(UTC))
    headers = seeded.login(user)
    response = seeded.client.get("/api/v1/sync/seed", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "no_seed"
    response = seeded.client.get("/api/v1/sync/seed/seed-t1", headers=headers)
    assert response.status_code == 404  # the file neither, even by its name


def test_no_seed_without_a_seeds_dir_or_without_a_login(api: Api, seeded: Api) -> None:
    assert api.client.get("/api/v1/sync/seed", headers=api.login("t1")).status_code == 404
    assert seeded.client.get("/api/v1/sync/seed").status_code in (400, 401)


def test_the_file_is_served_whole_or_from_a_range(seeded: Api, seeds: Path) -> None:
    data = bytes(range(256)) * 64
    _write(seeds, "seed-t1", _cursor_of(seeded, "t1"), data, datetime.now(UTC))
    headers = seeded.login("t1")
    whole = seeded.client.get("/api/v1/sync/seed/seed-t1", headers=headers)
    assert whole.status_code == 200 and whole.content == data
    part = seeded.client.get(
        "/api/v1/sync/seed/seed-t1", headers={**headers, "Range": "bytes=1000-"}
    )
    assert part.status_code == 206 and part.content == data[1000:]
    for bad in ("..", "seed-t1.json", "..%2Fseed-t1", "nothing"):
        response = seeded.client.get(f"/api/v1/sync/seed/{bad}", headers=headers)
        assert response.status_code == 404, bad
