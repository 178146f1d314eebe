"""Login, refresh rotation, expiry, rate limits and disabled accounts."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from gridserver import auth
from gridserver.app import create_app
from gridserver.config import Argon2Params, Settings
from gridserver.db import Database, tokens, utcnow
from tests.server.conftest import PASSWORD, SYNC_HEADERS, Api, World

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
PULL = "/api/v1/sync/pull"


def _login(api: Api, username: str, password: str = PASSWORD, **kw: object) -> object:
    return api.client.post(
        LOGIN, json={"username": username, "password": password, "device_id": "d1"}, **kw
    )


def test_login_answer(api: Api, world: World) -> None:
    body = _login(api, "wv").json()  # type: ignore[attr-defined]
    assert body["role"] == "worker" and body["expires_in"] == 3600
    assert body["scope"]["area_code"] == "320101001001"
    assert [g["code"] for g in body["scope"]["grids"]] == ["320101001001001", "320101001001002"]
    assert body["min_client_version"] == "0.1.0"
    admin = _login(api, "admin").json()  # type: ignore[attr-defined]
    assert admin["scope"]["unrestricted"] is True


def test_wrong_password_and_unknown_user_look_the_same(api: Api, world: World) -> None:
    a = _login(api, "w1", "wrong password")
    b = _login(api, "nobody", "wrong password")
    assert a.status_code == b.status_code == 401  # type: ignore[attr-defined]
    assert a.json() == b.json()  # type: ignore[attr-defined]
    assert a.json()["message"] == "用户名或密码错误"  # type: ignore[attr-defined]


def test_rate_limit_per_user(db: Database, settings: Settings, world: World) -> None:
    """Five failures from devices the account never used: the next attempt from such a
    device waits (a backoff, with Retry-After), even with the right password. The backoff
    is long here (30 s after the fifth failure), so a slow machine cannot outlast it
    between the attempts."""
    slow = dataclasses.replace(settings, login_backoff_base_seconds=30.0)
    with TestClient(create_app(slow, db)) as client:
        api = Api(client)
        for _ in range(5):
            assert _login(api, "w1", "bad").status_code == 401  # type: ignore[attr-defined]
        blocked = _login(api, "w1")  # even the right password is refused now
        assert blocked.status_code == 429  # type: ignore[attr-defined]
        assert blocked.json()["code"] == "rate_limited"  # type: ignore[attr-defined]
        assert 20 <= int(blocked.headers["Retry-After"]) <= 30  # type: ignore[attr-defined]
        assert _login(api, "w2").status_code == 200  # type: ignore[attr-defined]


def test_rate_limit_per_address(db: Database, world: World) -> None:
    settings = Settings(
        database_url=db.url, login_free_attempts_per_address=3, argon2=Argon2Params(1, 1024, 1)
    )
    with TestClient(create_app(settings, db)) as client:
        for name in ("a", "b", "c"):
            response = client.post(
                LOGIN, json={"username": name, "password": "x", "device_id": "d"}
            )
            assert response.status_code == 401
        response = client.post(
            LOGIN, json={"username": "w1", "password": PASSWORD, "device_id": "d"}
        )
        assert response.status_code == 429


def test_refresh_rotates_and_detects_reuse(api: Api, world: World) -> None:
    first = _login(api, "w1").json()  # type: ignore[attr-defined]
    elsewhere = api.client.post(
        REFRESH, json={"refresh_token": first["refresh_token"], "device_id": "other-pc"}
    )
    assert elsewhere.status_code == 401  # bound to the device it was issued to
    second = api.client.post(
        REFRESH, json={"refresh_token": first["refresh_token"], "device_id": "d1"}
    )
    assert second.status_code == 200
    new = second.json()
    assert new["access_token"] != first["access_token"]
    # The old access token was revoked with the rotation; the new one works.
    old_headers = {"Authorization": f"Bearer {first['access_token']}", **SYNC_HEADERS}
    assert api.client.get(PULL, headers=old_headers).status_code == 401
    headers = {"Authorization": f"Bearer {new['access_token']}", **SYNC_HEADERS}
    assert api.client.get(PULL, headers=headers).status_code == 200
    # Presenting the used refresh token again revokes the whole family.
    reuse = api.client.post(
        REFRESH, json={"refresh_token": first["refresh_token"], "device_id": "d1"}
    )
    assert reuse.status_code == 401
    assert api.client.get(PULL, headers=headers).status_code == 401
    again = api.client.post(
        REFRESH, json={"refresh_token": new["refresh_token"], "device_id": "d1"}
    )
    assert again.status_code == 401


def test_expired_tokens(api: Api, world: World, db: Database) -> None:
    body = _login(api, "w1").json()  # type: ignore[attr-defined]
    with db.write() as conn:
        conn.execute(
            update(tokens)
            .where(tokens.c.kind == "access")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    headers = {"Authorization": f"Bearer {body['access_token']}", **SYNC_HEADERS}
    response = api.client.get(PULL, headers=headers)
    assert response.status_code == 401 and response.json()["code"] == "token_expired"
    refreshed = api.client.post(
        REFRESH, json={"refresh_token": body["refresh_token"], "device_id": "d1"}
    )
    assert refreshed.status_code == 200
    with db.write() as conn:
        conn.execute(update(tokens).values(expires_at=utcnow() - timedelta(seconds=1)))
    refreshed2 = api.client.post(
        REFRESH, json={"refresh_token": refreshed.json()["refresh_token"], "device_id": "d1"}
    )
    assert refreshed2.status_code == 401 and refreshed2.json()["code"] == "token_expired"


def test_disabled_user_is_refused_everywhere(api: Api, world: World, db: Database) -> None:
    body = _login(api, "w1").json()  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {body['access_token']}", **SYNC_HEADERS}
    assert api.client.get(PULL, headers=headers).status_code == 200
    auth.disable_user(db, "w1")
    response = api.client.get(PULL, headers=headers)
    assert response.status_code == 403 and response.json()["code"] == "account_disabled"
    login = _login(api, "w1")
    assert login.status_code == 403  # type: ignore[attr-defined]
    assert login.json()["code"] == "account_disabled"  # type: ignore[attr-defined]
    refreshed = api.client.post(
        REFRESH, json={"refresh_token": body["refresh_token"], "device_id": "d1"}
    )
    assert refreshed.status_code == 403


def test_requests_without_a_token(api: Api) -> None:
    response = api.client.get(PULL, headers=SYNC_HEADERS)
    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "请先登录", "detail": None}
    response = api.client.get(PULL, headers={"Authorization": "Bearer nonsense", **SYNC_HEADERS})
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"
