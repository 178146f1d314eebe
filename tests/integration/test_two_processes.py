"""Two ``gridserver serve`` processes on one PostgreSQL database, clients spread across
them: the change feed, tokens, revocation and conflicts behave as with one process.
Also ``gridserver backup`` / ``restore`` on PostgreSQL and SQLite."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gridcore.domain.enums import AreaLevel, EntityKind, Role
from gridserver import admin, auth, migrate
from gridserver.__main__ import main
from gridserver.config import Settings
from gridserver.db import Database
from tests.integration.sync.conftest import FAST_ARGON2, Laptop
from tests.server.conftest import PG_URL, SYNC_HEADERS
from tests.server.test_serve import _free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse 1"
H = EntityKind.HOUSEHOLD
needs_pg = pytest.mark.skipif(not PG_URL, reason="GRIDSERVER_TEST_DATABASE_URL not set")

AREAS = [
    ("320101000000", "示例区", "county", None),
    ("320101001000", "东街道", "township", "320101000000"),
    ("320101001001", "幸福社区", "village", "320101001000"),
    ("320101001001001", "幸福社区第一网格", "grid", "320101001001"),
]
USERS = [("w1", "worker", "320101001001001"), ("w2", "worker", "320101001001001")]
USERS += [("t1", "township", "320101001000")]


def _cli(url: str, *args: str, stdin: str = "") -> None:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        assert main(["--database", url, *args]) == 0, args
    finally:
        sys.stdin = old


def _populate(url: str) -> dict[str, str]:
    """Schema, areas and accounts through the admin functions the CLI calls (the CLI
    itself is exercised for disable-user, backup and restore below). Returns area ids."""
    db = Database(url)
    try:
        migrate.upgrade(db)
        ids = {
            code: admin.add_area(db, code, name, AreaLevel(level), parent)
            for code, name, level, parent in AREAS
        }
        settings = Settings.from_env(database_url=url, argon2=FAST_ARGON2)
        for name, role, scope in USERS:
            auth.add_user(db, settings, auth.NewUser(name, Role(role), scope, ""), PASSWORD)
    finally:
        db.dispose()
    return ids


@pytest.fixture
def pg_database() -> Iterator[str]:
    assert PG_URL is not None
    name = f"gs_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def _serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "gridserver", "--database", url, "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, "server did not start"
        time.sleep(0.1)


def _login(base: str, user: str, device: str) -> dict[str, object]:
    response = httpx.post(
        f"{base}/api/v1/auth/login",
        json={"username": user, "password": PASSWORD, "device_id": device},
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _bearer(token: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **SYNC_HEADERS}


@needs_pg
def test_two_processes_on_one_postgresql(pg_database: str, tmp_path: Path) -> None:
    ids = _populate(pg_database)
    one, base1 = _serve(pg_database)
    two, base2 = _serve(pg_database)
    try:
        # The feed: a change pushed through one process is pulled through the other.
        a = Laptop(tmp_path / "a", base1, "w1")
        b = Laptop(tmp_path / "b", base2, "w1")
        town = Laptop(tmp_path / "t", base2, "t1")
        home = a.new_household(ids["320101001001001"], address="幸福路1号")
        assert a.sync().ok
        assert b.sync().ok and town.sync().ok
        assert b.get(H, home.id).address == "幸福路1号"
        assert town.get(H, home.id) is not None

        # Conflicts: the same field changed through both processes from the same base.
        a.edit(H, home.id, address="幸福路2号")
        town.edit(H, home.id, address="幸福路3号")
        assert a.sync().ok
        report = town.sync()
        assert report.conflicts == 1 and not report.errors, report
        assert not a.sync().errors and not town.sync().errors
        assert a.get(H, home.id) == town.get(H, home.id)
        db = Database(pg_database)
        try:
            assert len(admin.list_conflicts(db)) == 1
        finally:
            db.dispose()
        for laptop in (a, b, town):
            laptop.close()

        # Tokens: issued by one process, honoured and rotated by the other; the reuse of
        # a rotated refresh token is detected wherever it is presented.
        login = _login(base1, "w2", "dev-w2")
        pull = httpx.get(f"{base2}/api/v1/sync/pull", headers=_bearer(login["access_token"]))
        assert pull.status_code == 200
        body = {"refresh_token": login["refresh_token"], "device_id": "dev-w2"}
        rotated = httpx.post(f"{base2}/api/v1/auth/refresh", json=body)
        assert rotated.status_code == 200
        again = httpx.post(f"{base1}/api/v1/auth/refresh", json=body)
        assert again.status_code == 401

        # Revocation: disabling an account stops it on both processes (a process trusts
        # a token it has just checked for a few seconds at most).
        fresh = _login(base2, "w2", "dev-w2b")
        _cli(pg_database, "disable-user", "w2")
        for base in (base1, base2):
            refused = httpx.post(
                f"{base}/api/v1/auth/login",
                json={"username": "w2", "password": PASSWORD, "device_id": "x"},
            )
            assert refused.status_code == 403
        time.sleep(6)
        for base in (base1, base2):
            stale = httpx.get(f"{base}/api/v1/sync/pull", headers=_bearer(fresh["access_token"]))
            assert stale.status_code in (401, 403), stale.text
    finally:
        for process in (one, two):
            process.terminate()
            process.wait(10)


@needs_pg
def test_backup_and_restore_on_postgresql(pg_database: str, tmp_path: Path) -> None:
    _populate(pg_database)
    dump = tmp_path / "gridserver.dump"
    _cli(pg_database, "backup", "--out", str(dump))
    assert dump.stat().st_size > 0 and not Path(f"{dump}.partial").exists()
    _cli(pg_database, "disable-user", "w1")
    late = ("add-user", "late", "--role", "worker", "--scope", "320101001001001")
    _cli(pg_database, *late, stdin=PASSWORD + "\n")
    db = Database(pg_database)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar_one() == 4
    finally:
        db.dispose()
    _cli(pg_database, "restore", str(dump))
    db = Database(pg_database)
    try:
        with db.engine.connect() as conn:
            names = dict(conn.execute(text("SELECT username, disabled FROM users")).all())
    finally:
        db.dispose()
    assert names == {"w1": False, "w2": False, "t1": False}


def test_backup_and_restore_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    _populate(url)
    copy = tmp_path / "backup.sqlite3"
    _cli(url, "backup", "--out", str(copy))
    _cli(url, "disable-user", "w1")
    _cli(url, "restore", str(copy))
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            disabled = conn.execute(text("SELECT disabled FROM users WHERE username='w1'"))
            assert disabled.scalar_one() in (False, 0)
    finally:
        db.dispose()
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    assert main(["--database", url, "restore", str(broken)]) == 2
