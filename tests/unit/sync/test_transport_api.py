"""The API methods against a real loopback server: headers, login, the one refresh on
401, error classes, parsing (truncated and malformed bodies), attachments, and logs that
never carry a token or a password."""

from __future__ import annotations

import hashlib
import json
import logging

import pytest

from gridclient import __version__
from gridclient.sync.errors import (
    AccountDisabled,
    AuthError,
    ClientTooOld,
    NetworkError,
    ProtocolError,
    RateLimited,
    RejectedRequest,
    SessionExpired,
)
from gridclient.sync.transport import Transport
from gridcore.protocol import CLIENT_VERSION_HEADER, PROTOCOL_HEADER, LoginResponse
from tests.unit.sync.conftest import (
    FakeClock,
    Reply,
    ScriptedServer,
    Seen,
    error_reply,
    json_reply,
    login_document,
    make_transport,
    pull_document,
    push_request,
    push_response,
)

ACCESS_1, REFRESH_1 = "access-token-1", "refresh-token-1-abcdef"
ACCESS_2, REFRESH_2 = "access-token-2", "refresh-token-2-ghijkl"
PASSWORD = "Secret-Passw0rd"


@pytest.fixture
def sessions() -> list[LoginResponse]:
    return []


@pytest.fixture
def transport(server: ScriptedServer, clock: FakeClock, sessions: list[LoginResponse]) -> Transport:
    """Logged in as w1 with ACCESS_1 / REFRESH_1; the login request is forgotten."""
    t = make_transport(server.url, clock, on_session=sessions.append)
    server.then(json_reply(200, login_document(ACCESS_1, REFRESH_1)))
    t.login("w1", PASSWORD, "dev-1")
    server.seen.clear()
    return t


def _bearer(seen: Seen) -> str | None:
    return seen.headers.get("Authorization")


# --- login ------------------------------------------------------------------------------------


def test_login_sends_the_request_and_keeps_the_tokens(
    server: ScriptedServer, clock: FakeClock, sessions: list[LoginResponse]
) -> None:
    transport = make_transport(server.url, clock, on_session=sessions.append)
    server.then(json_reply(200, login_document(ACCESS_1, REFRESH_1)))
    result = transport.login("w1", PASSWORD, "dev-1")
    assert (result.username, result.refresh_token) == ("w1", REFRESH_1)
    [seen] = server.seen
    assert (seen.method, seen.path) == ("POST", "/api/v1/auth/login")
    assert json.loads(seen.body) == {"username": "w1", "password": PASSWORD, "device_id": "dev-1"}
    assert seen.headers["Content-Type"] == "application/json"
    assert _bearer(seen) is None
    assert sessions == [result] and transport.has_session


def test_wrong_password_is_auth_error_and_not_retried(
    server: ScriptedServer, clock: FakeClock
) -> None:
    transport = make_transport(server.url, clock)
    server.then(error_reply(401, "invalid_credentials", "用户名或密码错误"))
    with pytest.raises(AuthError) as info:
        transport.login("w1", "wrong", "dev-1")
    assert info.value.message == str(AuthError.default_message)
    assert server.paths == ["POST /api/v1/auth/login"] and clock.waits == []
    assert not transport.has_session


def test_empty_credentials_are_refused_locally(server: ScriptedServer, clock: FakeClock) -> None:
    with pytest.raises(AuthError):
        make_transport(server.url, clock).login("", "", "dev-1")
    assert server.seen == []


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (error_reply(403, "account_disabled", "该账号已被停用，请联系管理员"), AccountDisabled),
        (
            error_reply(429, "rate_limited", "请 15 分钟后再试", **{"Retry-After": "900"}),
            RateLimited,
        ),
    ],
)
def test_login_refusals_map_to_their_errors(
    server: ScriptedServer, clock: FakeClock, reply: Reply, expected: type[Exception]
) -> None:
    server.then(reply)
    with pytest.raises(expected):
        make_transport(server.url, clock).login("w1", PASSWORD, "dev-1")
    assert len(server.seen) == 1


# --- headers ----------------------------------------------------------------------------------


def test_every_request_carries_protocol_and_version_headers(
    server: ScriptedServer, transport: Transport
) -> None:
    data = b"photo"
    sha = hashlib.sha256(data).hexdigest()
    server.then(
        json_reply(200, pull_document()),
        json_reply(200, push_response(push_request())),
        Reply(201),
        Reply(200),
        json_reply(200, {"categories": []}),
        json_reply(200, {"status": "ok"}),
    )
    transport.pull("")
    transport.push(push_request())
    transport.put_attachment(sha, data, "image/jpeg")
    transport.has_attachment(sha)
    transport.catalog()
    transport.health()
    assert len(server.seen) == 6
    for seen in server.seen:
        assert seen.headers[PROTOCOL_HEADER] == "1"
        assert seen.headers[CLIENT_VERSION_HEADER] == __version__
        assert seen.headers["User-Agent"] == f"GridClient/{__version__}"
    assert [_bearer(s) for s in server.seen[:5]] == [f"Bearer {ACCESS_1}"] * 5
    assert _bearer(server.seen[5]) is None, "health is anonymous"


# --- the one refresh --------------------------------------------------------------------------


def test_401_refreshes_once_then_succeeds(
    server: ScriptedServer, transport: Transport, sessions: list[LoginResponse]
) -> None:
    server.then(
        error_reply(401, "token_expired"),
        json_reply(200, login_document(ACCESS_2, REFRESH_2)),
        json_reply(200, pull_document("c2")),
    )
    assert transport.pull("c1").cursor == "c2"
    assert server.paths == [
        "GET /api/v1/sync/pull",
        "POST /api/v1/auth/refresh",
        "GET /api/v1/sync/pull",
    ]
    assert json.loads(server.seen[1].body) == {"refresh_token": REFRESH_1, "device_id": "dev-1"}
    assert _bearer(server.seen[2]) == f"Bearer {ACCESS_2}"
    assert sessions[-1].refresh_token == REFRESH_2, "the rotated token reaches the keyring"


def test_refresh_refused_is_session_expired(server: ScriptedServer, transport: Transport) -> None:
    server.then(error_reply(401, "invalid_token"), error_reply(401, "invalid_token"))
    with pytest.raises(SessionExpired):
        transport.push(push_request())
    assert server.paths == ["POST /api/v1/sync/push", "POST /api/v1/auth/refresh"]
    assert not transport.has_session


def test_second_401_after_refresh_is_session_expired(
    server: ScriptedServer, transport: Transport
) -> None:
    server.then(
        error_reply(401, "invalid_token"),
        json_reply(200, login_document(ACCESS_2, REFRESH_2)),
        error_reply(401, "invalid_token"),
    )
    with pytest.raises(SessionExpired):
        transport.pull("")
    assert [p.split()[1] for p in server.paths] == [
        "/api/v1/sync/pull",
        "/api/v1/auth/refresh",
        "/api/v1/sync/pull",
    ]


def test_disabled_account_at_refresh(server: ScriptedServer, transport: Transport) -> None:
    server.then(error_reply(401, "invalid_token"), error_reply(403, "account_disabled"))
    with pytest.raises(AccountDisabled):
        transport.pull("")
    assert not transport.has_session


def test_disabled_account_on_a_call_is_not_a_refresh_case(
    server: ScriptedServer, transport: Transport
) -> None:
    server.then(error_reply(403, "account_disabled", "该账号已被停用，请联系管理员"))
    with pytest.raises(AccountDisabled) as info:
        transport.pull("")
    assert info.value.message == "该账号已被停用，请联系管理员"
    assert len(server.seen) == 1


def test_resumed_session_refreshes_before_the_first_call(
    server: ScriptedServer, clock: FakeClock, sessions: list[LoginResponse]
) -> None:
    transport = make_transport(server.url, clock, on_session=sessions.append)
    transport.resume(REFRESH_1, "dev-7")
    server.then(
        json_reply(200, login_document(ACCESS_2, REFRESH_2)), json_reply(200, pull_document())
    )
    transport.pull("")
    assert server.paths == ["POST /api/v1/auth/refresh", "GET /api/v1/sync/pull"]
    assert json.loads(server.seen[0].body)["device_id"] == "dev-7"
    assert _bearer(server.seen[1]) == f"Bearer {ACCESS_2}"
    assert [s.refresh_token for s in sessions] == [REFRESH_2]


def test_without_a_session_nothing_is_sent(server: ScriptedServer, clock: FakeClock) -> None:
    with pytest.raises(SessionExpired):
        make_transport(server.url, clock).pull("")
    assert server.seen == []


# --- versions ---------------------------------------------------------------------------------


def test_client_too_old_carries_the_minimum(server: ScriptedServer, transport: Transport) -> None:
    server.then(
        json_reply(
            426,
            {
                "code": "client_too_old",
                "message": "客户端版本过旧（0.1.0），请升级到 0.2.0 或更高版本后再下载数据",
                "detail": {"min_client_version": "0.2.0"},
            },
        )
    )
    with pytest.raises(ClientTooOld) as info:
        transport.pull("")
    assert info.value.min_version == "0.2.0" and "0.2.0" in info.value.message
    assert len(server.seen) == 1


# --- bodies that do not parse -----------------------------------------------------------------

GOOD = json.dumps(pull_document()).encode()


@pytest.mark.parametrize(
    "body",
    [
        GOOD[: len(GOOD) // 2],  # truncated JSON, framing intact
        b"",
        b"<html><body>\xe8\xaf\xb7\xe7\x99\xbb\xe5\xbd\x95 Wi-Fi</body></html>",
        b'{"changes": [], "cursor": "c"}',  # wrong shape
        json.dumps({**pull_document(), "surprise": 1}).encode(),  # unknown key
        b"\xff\xfe\x00garbage",
        b"[]",
    ],
)
def test_unparsable_success_is_protocol_error(
    server: ScriptedServer, transport: Transport, body: bytes
) -> None:
    server.then(Reply(200, body, {"Content-Type": "application/json"}))
    with pytest.raises(ProtocolError) as info:
        transport.pull("")
    assert "PullResponse" in info.value.detail and "/api/v1/sync/pull" in info.value.detail
    assert len(server.seen) == 1


def test_truncated_login_is_protocol_error(server: ScriptedServer, clock: FakeClock) -> None:
    body = json.dumps(login_document()).encode()
    server.then(Reply(200, body[:40]))
    transport = make_transport(server.url, clock)
    with pytest.raises(ProtocolError):
        transport.login("w1", PASSWORD, "dev-1")
    assert not transport.has_session


def test_cut_transfer_is_a_network_error_and_retried(
    server: ScriptedServer, transport: Transport, clock: FakeClock
) -> None:
    """Fewer bytes than Content-Length promised: the connection broke mid-body, which is
    a network failure (worth retrying), not a server speaking nonsense."""
    server.then(Reply(200, GOOD[:30], declared_length=len(GOOD)), json_reply(200, pull_document()))
    assert transport.pull("").cursor == "c1"
    assert len(server.seen) == 2 and len(clock.waits) == 1


def test_cut_transfer_every_time_ends_as_network_error(
    server: ScriptedServer, transport: Transport
) -> None:
    server.then(*[Reply(200, GOOD[:30], declared_length=len(GOOD))] * 4)
    with pytest.raises(NetworkError):
        transport.pull("")


def test_redirect_is_not_followed(server: ScriptedServer, transport: Transport) -> None:
    """A captive portal's redirect must not receive the bearer token."""
    server.then(Reply(302, b"", {"Location": "http://portal.example/login"}))
    with pytest.raises(ProtocolError):
        transport.pull("")
    assert len(server.seen) == 1


# --- push, attachments, catalog, health -------------------------------------------------------


def test_push_sends_the_batch_and_parses_results(
    server: ScriptedServer, transport: Transport
) -> None:
    request = push_request()
    server.then(json_reply(200, push_response(request)))
    result = transport.push(request)
    assert result.results[0].status == "applied" and result.results[0].version == 4
    assert server.seen[0].body == request.model_dump_json().encode()


def test_pull_sends_cursor_and_limit(server: ScriptedServer, transport: Transport) -> None:
    server.then(json_reply(200, pull_document()), json_reply(200, pull_document()))
    transport.pull("abc/+=", 200)
    transport.pull("")
    assert server.seen[0].path == "/api/v1/sync/pull?cursor=abc%2F%2B%3D&limit=200"
    assert server.seen[1].path == "/api/v1/sync/pull?cursor="


def test_put_attachment(server: ScriptedServer, transport: Transport) -> None:
    data = bytes(range(256)) * 10
    sha = hashlib.sha256(data).hexdigest()
    server.then(Reply(201))
    transport.put_attachment(sha, data, "image/jpeg")
    [seen] = server.seen
    assert (seen.method, seen.path, seen.body) == ("PUT", f"/api/v1/attachments/{sha}", data)
    assert seen.headers["Content-Type"] == "image/jpeg"


def test_put_attachment_checks_the_hash_before_sending(
    server: ScriptedServer, transport: Transport
) -> None:
    with pytest.raises(ValueError):
        transport.put_attachment("0" * 64, b"data", "image/jpeg")
    assert server.seen == []


def test_put_attachment_hash_mismatch_from_server(
    server: ScriptedServer, transport: Transport
) -> None:
    data = b"x"
    server.then(error_reply(400, "hash_mismatch", "附件内容与其 SHA-256 不符"))
    with pytest.raises(RejectedRequest) as info:
        transport.put_attachment(hashlib.sha256(data).hexdigest(), data, "image/png")
    assert info.value.code == "hash_mismatch"


def test_has_attachment(server: ScriptedServer, transport: Transport) -> None:
    sha = "a" * 64
    server.then(Reply(200, headers={"X-Attachment-Size": "10"}), Reply(404))
    assert transport.has_attachment(sha) is True
    assert transport.has_attachment(sha) is False
    assert server.paths == [f"HEAD /api/v1/attachments/{sha}"] * 2


def test_has_attachment_refreshes_on_401(server: ScriptedServer, transport: Transport) -> None:
    server.then(Reply(401), json_reply(200, login_document(ACCESS_2, REFRESH_2)), Reply(404))
    assert transport.has_attachment("b" * 64) is False
    assert [p.split()[0] for p in server.paths] == ["HEAD", "POST", "HEAD"]


def test_catalog(server: ScriptedServer, transport: Transport) -> None:
    server.then(json_reply(200, {"version": 2, "categories": [{"code": "safety"}]}))
    assert transport.catalog() == {"version": 2, "categories": [{"code": "safety"}]}


CATALOG_DOCUMENT = {"version": "2", "categories": []}


def test_catalog_returns_the_etag_and_sends_none(
    server: ScriptedServer, transport: Transport
) -> None:
    server.then(json_reply(200, CATALOG_DOCUMENT, ETag='"abc"'))
    assert transport.catalog_if_changed(None) == (CATALOG_DOCUMENT, '"abc"')
    assert "If-None-Match" not in server.seen[-1].headers


def test_a_304_to_the_etag_sent_means_unchanged(
    server: ScriptedServer, transport: Transport
) -> None:
    server.then(
        Reply(304, headers={"ETag": '"abc"'}), json_reply(200, CATALOG_DOCUMENT, ETag='"def"')
    )
    assert transport.catalog_if_changed('"abc"') is None
    assert server.seen[-1].headers["If-None-Match"] == '"abc"'
    assert transport.catalog_if_changed('"abc"') == (CATALOG_DOCUMENT, '"def"')
    assert server.paths == ["GET /api/v1/catalog"] * 2


def test_a_catalog_without_etag(server: ScriptedServer, transport: Transport) -> None:
    server.then(json_reply(200, CATALOG_DOCUMENT), json_reply(200, CATALOG_DOCUMENT))
    assert transport.catalog_if_changed('"old"') == (CATALOG_DOCUMENT, None)
    assert transport.catalog() == CATALOG_DOCUMENT


def test_a_304_to_a_request_without_etag_is_a_protocol_error(
    server: ScriptedServer, transport: Transport
) -> None:
    server.then(Reply(304))
    with pytest.raises(ProtocolError):
        transport.catalog()


@pytest.mark.parametrize("body", [b"[1, 2]", b'{"version": 2', b"<html>"])
def test_catalog_that_is_not_an_object(
    server: ScriptedServer, transport: Transport, body: bytes
) -> None:
    server.then(Reply(200, body))
    with pytest.raises(ProtocolError):
        transport.catalog()


@pytest.mark.parametrize(
    ("reply", "healthy"),
    [
        (json_reply(200, {"status": "ok", "protocol": 1}), True),
        (json_reply(200, {"status": "degraded"}), False),
        (Reply(200, b"<html>portal</html>"), False),
        (error_reply(503, "busy"), False),
        (Reply(404, b"not here"), False),
    ],
)
def test_health(server: ScriptedServer, clock: FakeClock, reply: Reply, healthy: bool) -> None:
    server.then(reply)
    assert make_transport(server.url, clock).health() is healthy
    assert len(server.seen) == 1 and clock.waits == []


# --- logs -------------------------------------------------------------------------------------


def test_logs_carry_no_secrets(
    server: ScriptedServer, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # urllib3 and requests included
    transport = make_transport(server.url, clock)
    server.then(
        json_reply(200, login_document(ACCESS_1, REFRESH_1)),
        error_reply(401, "token_expired"),
        json_reply(200, login_document(ACCESS_2, REFRESH_2)),
        error_reply(500, "internal_error"),
        json_reply(200, pull_document()),
        error_reply(401, "invalid_token"),
        error_reply(401, "invalid_token"),
    )
    transport.login("w1", PASSWORD, "dev-1")
    transport.pull("cursor-1")
    with pytest.raises(SessionExpired) as info:
        transport.pull("cursor-2")
    text = caplog.text + info.value.detail + info.value.message
    for secret in (ACCESS_1, REFRESH_1, ACCESS_2, REFRESH_2, PASSWORD):
        assert secret not in text
    ours = [r.getMessage() for r in caplog.records if r.name == "gridclient.sync.transport"]
    assert "POST /api/v1/auth/login -> 200" in ours[0]
    assert any(m.startswith("GET /api/v1/sync/pull -> 500 in ") for m in ours)
    assert all("cursor-" not in m for m in ours), "no query strings"


def test_invalid_device_id_is_a_programming_error(server: ScriptedServer, clock: FakeClock) -> None:
    with pytest.raises(ValueError):
        make_transport(server.url, clock).login("w1", PASSWORD, "bad device id!")
    assert server.seen == []


HOLIDAY_DOCUMENT = {"version": "2026", "holidays": []}


def test_holidays_etag_304_and_an_older_server(
    server: ScriptedServer, transport: Transport
) -> None:
    server.then(
        json_reply(200, HOLIDAY_DOCUMENT, ETag='"h1"'),
        Reply(304, headers={"ETag": '"h1"'}),
        json_reply(404, {"detail": "Not Found"}),
        json_reply(200, ["not", "an", "object"]),
    )
    assert transport.holidays_if_changed(None) == (HOLIDAY_DOCUMENT, '"h1"')
    assert transport.holidays_if_changed('"h1"') is None
    assert server.seen[-1].headers["If-None-Match"] == '"h1"'
    # A server from before the holiday calendar: the laptop keeps the one it has.
    assert transport.holidays_if_changed('"h1"') is None
    with pytest.raises(ProtocolError) as info:
        transport.holidays_if_changed(None)
    assert "JSON object" in str(info.value.detail)
    assert server.paths == ["GET /api/v1/holidays"] * 4
