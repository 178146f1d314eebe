"""The transport against the real server: ``gridserver.app.create_app`` served by
uvicorn on a loopback port, on a throw-away SQLite database (the wire models, error codes
and token rotation as the server really implements them)."""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.errors import (
    AccountDisabled,
    AuthError,
    ClientTooOld,
    SessionExpired,
)
from gridclient.sync.transport import Transport
from gridcore.domain.enums import AreaLevel, Role
from gridcore.protocol import LoginResponse, PushRequest
from gridserver import admin, auth, migrate
from gridserver.app import create_app
from gridserver.config import Argon2Params, Settings
from gridserver.db import Database, metadata

PASSWORD = "correct horse 1"
TOWNSHIP = "320101001000"


@dataclass
class Live:
    url: str
    db: Database


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    metadata.create_all(db.engine)
    migrate.seed(db)
    settings = Settings(
        database_url=db.url,
        argon2=Argon2Params(time_cost=1, memory_cost=1024, parallelism=1),
        min_client_version="0.1.0",
    )
    admin.add_area(db, TOWNSHIP, "东街道", AreaLevel.TOWNSHIP, None)
    auth.add_user(db, settings, auth.NewUser("t1", Role.TOWNSHIP, TOWNSHIP), PASSWORD)
    # A listening socket before the server runs: early connections wait in the backlog,
    # so no polling for start-up is needed.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    config = uvicorn.Config(
        create_app(settings, db), log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield Live(f"http://127.0.0.1:{sock.getsockname()[1]}", db)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        db.dispose()


def test_login_pull_push_attachments_and_catalog(live: Live) -> None:
    store = MemoryTokenStore()
    sessions: list[LoginResponse] = []

    def keep(session: LoginResponse) -> None:
        sessions.append(session)
        store.set(live.url, session.username, session.refresh_token)

    transport = Transport(live.url, on_session=keep)
    assert transport.health() is True
    login = transport.login("t1", PASSWORD, "pc-1")
    assert (login.username, login.role, login.scope.area_code) == ("t1", Role.TOWNSHIP, TOWNSHIP)
    assert store.get(live.url, "t1") == login.refresh_token

    page = transport.pull("")
    assert [c.fields["code"] for c in page.changes] == [TOWNSHIP]
    assert transport.push(PushRequest(device_id="pc-1", ops=[])).results == []

    data = b"\x89PNG photo bytes"
    sha = hashlib.sha256(data).hexdigest()
    assert transport.has_attachment(sha) is False
    transport.put_attachment(sha, data, "image/png")
    transport.put_attachment(sha, data, "image/png")  # idempotent
    assert transport.has_attachment(sha) is True
    assert isinstance(transport.catalog(), dict)


def test_wrong_password(live: Live) -> None:
    with pytest.raises(AuthError):
        Transport(live.url).login("t1", "wrong password", "pc-1")


def test_resume_from_the_keyring_token_and_reuse_detection(live: Live) -> None:
    first = Transport(live.url)
    old_refresh = first.login("t1", PASSWORD, "pc-1").refresh_token

    resumed = Transport(live.url)
    resumed.resume(old_refresh, "pc-1")
    assert resumed.pull("").cursor  # refreshed first, then pulled

    replay = Transport(live.url)
    replay.resume(old_refresh, "pc-1")
    with pytest.raises(SessionExpired):
        replay.pull("")
    with pytest.raises(SessionExpired):
        resumed.pull("")  # reuse revoked the whole family


def test_disabled_account(live: Live) -> None:
    transport = Transport(live.url)
    transport.login("t1", PASSWORD, "pc-1")
    auth.disable_user(live.db, "t1")
    with pytest.raises(AccountDisabled):
        transport.pull("")
    with pytest.raises(AccountDisabled):
        Transport(live.url).login("t1", PASSWORD, "pc-2")


def test_client_too_old_may_push_but_not_pull(live: Live) -> None:
    transport = Transport(live.url, client_version="0.0.9")
    transport.login("t1", PASSWORD, "pc-1")
    assert transport.push(PushRequest(device_id="pc-1", ops=[])).results == []
    with pytest.raises(ClientTooOld) as info:
        transport.pull("")
    assert info.value.min_version == "0.1.0"


def test_unknown_access_token_is_refreshed_once(live: Live) -> None:
    """An access token the server no longer knows (revoked, database restored): 401,
    one refresh, the call goes through, and the rotated refresh token is handed over."""
    sessions: list[LoginResponse] = []
    transport = Transport(live.url, on_session=sessions.append)
    transport.login("t1", PASSWORD, "pc-1")
    transport._access_token = "not-a-token-the-server-issued-0123456789abc"
    assert transport.pull("").changes
    assert len(sessions) == 2
    assert sessions[1].refresh_token != sessions[0].refresh_token
