"""The status/code → error class table, and the rules every error follows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gridclient.sync.errors import (
    AccountDisabled,
    AuthError,
    Cancelled,
    ClientTooOld,
    CredentialStoreUnavailable,
    NetworkError,
    ProtocolError,
    RateLimited,
    RejectedRequest,
    ServerError,
    SessionExpired,
    SyncError,
    TLSError,
    error_from_response,
    parse_retry_after,
)
from gridcore.protocol import ErrorBody

# Every code gridserver emits (grep ApiError in gridserver/), with the status it uses.
SERVER_CODES: list[tuple[int, str, type[SyncError]]] = [
    (401, "invalid_credentials", AuthError),
    (403, "account_disabled", AccountDisabled),
    (401, "invalid_token", SessionExpired),
    (401, "token_expired", SessionExpired),
    (401, "unauthorized", SessionExpired),
    (429, "rate_limited", RateLimited),
    (426, "client_too_old", ClientTooOld),
    (400, "unsupported_protocol", ClientTooOld),
    (503, "busy", ServerError),
    (500, "internal_error", ServerError),
    (400, "bad_request", RejectedRequest),
    (400, "malformed_json", RejectedRequest),
    (422, "invalid_request", RejectedRequest),
    (413, "body_too_large", RejectedRequest),
    (400, "client_disconnected", RejectedRequest),
    (400, "hash_mismatch", RejectedRequest),
    (404, "not_found", RejectedRequest),
    (400, "invalid_cursor", RejectedRequest),
    (409, "scope_changed", RejectedRequest),
    (403, "forbidden", RejectedRequest),
    (405, "method_not_allowed", RejectedRequest),
    (415, "unsupported_media_type", RejectedRequest),
    (408, "http_error", RejectedRequest),
]


@pytest.mark.parametrize(("status", "code", "expected"), SERVER_CODES)
def test_every_server_code_maps_to_its_class(
    status: int, code: str, expected: type[SyncError]
) -> None:
    error = error_from_response(status, ErrorBody(code=code, message="服务器说明"))
    assert type(error) is expected
    if isinstance(error, RejectedRequest):
        assert (error.status, error.code, error.message) == (status, code, "服务器说明")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, SessionExpired),
        (429, RateLimited),
        (426, ClientTooOld),
        (502, ServerError),
        (504, ServerError),
        (404, RejectedRequest),
        (418, RejectedRequest),
        (302, ProtocolError),
    ],
)
def test_status_decides_without_a_body(status: int, expected: type[SyncError]) -> None:
    """A proxy's HTML error page has no ErrorBody; the status still classifies it."""
    error = error_from_response(status, None, detail="GET /api/v1/sync/pull")
    assert type(error) is expected
    assert error.message == str(expected.default_message)
    assert "GET /api/v1/sync/pull" in error.detail and str(status) in error.detail


def test_rejected_without_body_gets_a_synthetic_code() -> None:
    error = error_from_response(404, None)
    assert isinstance(error, RejectedRequest) and error.code == "http_404"


def test_client_too_old_carries_the_minimum_version() -> None:
    body = ErrorBody(
        code="client_too_old", message="请升级", detail={"min_client_version": "0.3.1"}
    )
    error = error_from_response(426, body)
    assert isinstance(error, ClientTooOld) and error.min_version == "0.3.1"
    unknown = error_from_response(400, ErrorBody(code="unsupported_protocol", message="x"))
    assert isinstance(unknown, ClientTooOld) and unknown.min_version is None


def test_rate_limit_and_busy_carry_retry_after() -> None:
    limited = error_from_response(429, ErrorBody(code="rate_limited", message="m"), retry_after=900)
    assert isinstance(limited, RateLimited) and limited.retry_after == 900
    busy = error_from_response(503, ErrorBody(code="busy", message="m"), retry_after=5)
    assert isinstance(busy, ServerError) and (busy.status, busy.code, busy.retry_after) == (
        503,
        "busy",
        5,
    )


def test_session_expired_ignores_the_server_wording() -> None:
    """The server's 'refresh your credentials' is advice for code, not for the person."""
    error = error_from_response(401, ErrorBody(code="token_expired", message="请刷新登录凭证"))
    assert error.message == str(SessionExpired.default_message)


@pytest.mark.parametrize(
    "cls",
    [
        NetworkError,
        TLSError,
        AuthError,
        AccountDisabled,
        SessionExpired,
        ClientTooOld,
        RateLimited,
        ProtocolError,
        Cancelled,
        CredentialStoreUnavailable,
    ],
)
def test_messages_are_chinese_and_str_is_the_message(cls: type[SyncError]) -> None:
    error = cls(detail="GET /x [500]")
    assert str(error) == error.message == str(cls.default_message)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message)
    assert error.detail == "GET /x [500]"


def test_only_transient_failures_are_retryable() -> None:
    assert NetworkError.retryable and ServerError.retryable
    for cls in (
        TLSError,
        AuthError,
        AccountDisabled,
        SessionExpired,
        ClientTooOld,
        RateLimited,
        ProtocolError,
        RejectedRequest,
        Cancelled,
    ):
        assert cls.retryable is False


def test_tls_message_points_it_at_the_ca_bundle_setting() -> None:
    assert "CA 证书文件" in TLSError().message and "ca_bundle" in TLSError().message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("5", 5.0),
        (" 120 ", 120.0),
        ("-3", 0.0),
        ("Sun, 22 Nov 2026 08:00:30 GMT", 30.0),
        ("Sun, 22 Nov 2026 07:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_parsing(header: str | None, expected: float | None) -> None:
    now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert parse_retry_after(header, now) == expected
