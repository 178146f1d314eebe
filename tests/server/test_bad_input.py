"""Malformed, oversized and ill-typed requests get a 4xx ErrorBody; the server keeps
serving."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from gridcore.protocol import MAX_OPS_PER_PUSH, ErrorBody
from gridserver.app import create_app
from gridserver.config import Settings
from gridserver.db import Database
from tests.server.conftest import FAST_ARGON2, Api, World, household, new_id, op

PUSH = "/api/v1/sync/push"


def _error(response: object, status: int, code: str) -> ErrorBody:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = ErrorBody.model_validate_json(response.content)  # type: ignore[attr-defined]
    assert body.code == code
    assert "Traceback" not in response.text  # type: ignore[attr-defined]
    return body


def test_malformed_json(api: Api, world: World) -> None:
    headers = {**api.login("w1"), "Content-Type": "application/json"}
    _error(
        api.client.post(PUSH, content=b'{"device_id": "d", "ops": [', headers=headers),
        400,
        "malformed_json",
    )
    _error(
        api.client.post("/api/v1/auth/login", content=b"\xff\xfe", headers=headers),
        400,
        "malformed_json",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"device_id": "d"},  # missing field
        {"device_id": "d", "ops": [], "extra": 1},  # unknown field
        {"device_id": 5, "ops": []},  # wrong type
        {"device_id": "d", "ops": {}},
        {"device_id": "d", "ops": [{**op("household", new_id()), "base_version": "1"}]},
        {"device_id": "d", "ops": [{**op("household", new_id()), "entity": "planet"}]},
        {"device_id": "d", "ops": [{**op("household", "not-a-uuid-at-all-not-a-uuid-at-all")}]},
        {"device_id": "d", "ops": [{**op("attachment", new_id())}]},  # needs a sha256
        {"device_id": "d", "ops": [{**op("household", new_id()), "changes": {"a": [1]}}]},
        {"device_id": "d", "ops": [op("household", new_id())] * (MAX_OPS_PER_PUSH + 1)},
        [],
    ],
)
def test_invalid_push_bodies(api: Api, world: World, body: object) -> None:
    body_error = _error(
        api.client.post(PUSH, json=body, headers=api.login("w1")), 422, "invalid_request"
    )
    assert body_error.message.startswith("请求格式错误")
    # ... and the server still works.
    [result] = api.push(
        api.login("w1"), [op("household", new_id(), changes=household(world.areas["G1"]))]
    )
    assert result["status"] == "applied"


@pytest.fixture
def small_app(db: Database, world: World) -> Iterator[Api]:
    settings = Settings(
        database_url=db.url, push_max_bytes=2048, attachment_max_bytes=100, argon2=FAST_ARGON2
    )
    with TestClient(create_app(settings, db)) as client:
        yield Api(client)


def test_oversized_bodies_are_refused_before_parsing(small_app: Api, world: World) -> None:
    headers = small_app.login("w1")
    ops = [op("household", new_id(), changes=household(world.areas["G1"])) for _ in range(20)]
    body = json.dumps({"device_id": "d", "ops": ops}).encode()
    _error(small_app.client.post(PUSH, content=body, headers=headers), 413, "body_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        yield b"{" + b" " * 3000
        yield b"}"

    _error(small_app.client.post(PUSH, content=chunks(), headers=headers), 413, "body_too_large")
    big = b"x" * 101
    _error(
        small_app.client.put(f"/api/v1/attachments/{'0' * 64}", content=big, headers=headers),
        413,
        "body_too_large",
    )


def test_unknown_routes_and_methods(api: Api) -> None:
    _error(api.client.get("/api/v1/nothing"), 404, "not_found")
    _error(api.client.get(PUSH), 405, "method_not_allowed")
    _error(
        api.client.get("/api/v1/sync/pull", params={"limit": "many"}, headers=api.login("w1")),
        422,
        "invalid_request",
    )


def test_invalid_cursor(api: Api, world: World) -> None:
    headers = api.login("w1")
    _error(
        api.client.get("/api/v1/sync/pull", params={"cursor": "%%%"}, headers=headers),
        400,
        "invalid_cursor",
    )
    # A cursor issued for another scope is refused rather than silently wrong.
    cursor = api.client.get("/api/v1/sync/pull", headers=api.login("w2")).json()["cursor"]
    _error(
        api.client.get("/api/v1/sync/pull", params={"cursor": cursor}, headers=headers),
        409,
        "scope_changed",
    )


def test_internal_errors_do_not_leak_a_traceback(db: Database, world: World) -> None:
    app = create_app(Settings(database_url=db.url, argon2=FAST_ARGON2), db)
    router = APIRouter()

    @router.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    body = _error(response, 500, "internal_error")
    assert "secret" not in response.text and body.message == "服务器内部错误，请稍后重试"
