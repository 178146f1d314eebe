"""The request log: one line per request with the method, the route template, status,
duration, user and device ids and the client version; never a body, a query value, a
user name, a password, a token or an address."""

from __future__ import annotations

import logging

import pytest

from gridserver import __version__
from tests.server.conftest import PASSWORD, Api, World, household, new_id, op


def test_each_request_is_logged_without_personal_data(
    api: Api, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gridserver.access"):
        headers = api.login("w1")
        headers["User-Agent"] = f"GridClient/{__version__}"
        hid = new_id()
        api.push(headers, [op("household", hid, changes=household(world.areas["G1"]))])
        api.pull_all(headers, cursor="", limit=7)
        api.client.get(f"/api/v1/attachments/{'a' * 64}", headers=headers)
        api.client.get("/no/such/path?name=张三")
    lines = [r.getMessage() for r in caplog.records if r.name == "gridserver.access"]
    assert len(lines) == 5, lines
    login, push, pull, attachment, missing = lines
    assert login.startswith("POST /api/v1/auth/login 200 ") and "user=-" in login
    tokens = api.tokens["w1"]
    assert push.startswith("POST /api/v1/sync/push 200 ")
    assert "device=dev-w1" in push and f"agent=GridClient/{__version__}" in push
    assert "user=" in push and "user=-" not in push
    assert pull.startswith("GET /api/v1/sync/pull 200 ")
    assert attachment.startswith("GET /api/v1/attachments/{sha256} 404 ")
    assert missing.startswith("GET (no route) 404 ")
    text = "\n".join(lines)
    for secret in (
        PASSWORD,
        "=w1 ",
        "幸福路",
        "limit",
        "cursor",
        "张三",
        "a" * 64,
        "127.0.0.1",
        tokens["access_token"],
        tokens["refresh_token"],
        hid,
    ):
        assert secret not in text, secret
