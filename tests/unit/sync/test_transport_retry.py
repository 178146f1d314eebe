"""Retries against a real loopback server: what is retried, how long it waits, when it
stops, and cancel. Waits go through a fake clock, so nothing here sleeps for backoff."""

from __future__ import annotations

import random
import socket
import threading
import time

import pytest

from gridclient.sync.errors import (
    Cancelled,
    NetworkError,
    RateLimited,
    RejectedRequest,
    ServerError,
    SessionExpired,
)
from gridclient.sync.transport import RetryPolicy, Transport
from tests.unit.sync.conftest import (
    FakeClock,
    Reply,
    Reset,
    ScriptedServer,
    error_reply,
    json_reply,
    login_document,
    make_transport,
    pull_document,
    push_request,
    push_response,
)


class _Top(random.Random):
    """Always the top of the jitter interval, to see the ceiling itself."""

    def random(self) -> float:
        return 1.0


def test_backoff_ceiling_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=30.0)
    assert [policy.backoff(n, _Top()) for n in range(8)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
        16.0,
        30.0,
        30.0,
    ]
    assert policy.backoff(10_000, _Top()) == 30.0


def test_full_jitter_spreads_over_the_whole_interval() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    rng = random.Random(4)
    for retry in range(6):
        ceiling = min(8.0, 2.0**retry)
        delays = [policy.backoff(retry, rng) for _ in range(400)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert min(delays) < 0.1 * ceiling and max(delays) > 0.9 * ceiling


def _authed(server: ScriptedServer, clock: FakeClock, **kwargs: object) -> Transport:
    transport = make_transport(server.url, clock, **kwargs)
    server.then(json_reply(200, login_document()))
    transport.login("w1", "pw-1", "dev-1")
    server.seen.clear()
    return transport


def test_5xx_is_retried_until_success(server: ScriptedServer, clock: FakeClock) -> None:
    transport = _authed(server, clock, rng=_Top())
    server.then(
        error_reply(500, "internal_error"),
        Reply(502, b"<html>bad gateway</html>"),
        json_reply(200, pull_document("c9")),
    )
    assert transport.pull("c1").cursor == "c9"
    assert server.paths == ["GET /api/v1/sync/pull"] * 3
    assert clock.waits == [1.0, 2.0]


def test_connection_reset_is_retried(server: ScriptedServer, clock: FakeClock) -> None:
    transport = _authed(server, clock)
    server.then(Reset(), Reset(), json_reply(200, pull_document()))
    assert transport.pull("").more is False
    assert len(server.seen) == 3 and len(clock.waits) == 2


def test_read_timeout_is_retried(server: ScriptedServer, clock: FakeClock) -> None:
    transport = _authed(server, clock, timeout=(2.0, 0.2))
    server.then(Reply(200, b"{}", delay=0.6), json_reply(200, pull_document()))
    assert transport.pull("").cursor == "c1"
    assert len(server.seen) == 2


def test_unreachable_server_gives_up_after_max_attempts(clock: FakeClock) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    transport = make_transport(f"http://127.0.0.1:{port}", clock)
    with pytest.raises(NetworkError) as info:
        transport.login("w1", "pw", "dev-1")
    assert info.value.retryable
    assert len(clock.waits) == 3  # 4 attempts
    assert "ConnectionError" in info.value.detail


def test_exhausted_5xx_is_a_server_error(server: ScriptedServer, clock: FakeClock) -> None:
    transport = _authed(server, clock)
    server.then(*[error_reply(503, "busy", "服务器繁忙")] * 4)
    with pytest.raises(ServerError) as info:
        transport.pull("")
    assert (info.value.status, info.value.code) == (503, "busy")
    assert len(server.seen) == 4


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "invalid_cursor"),
        (404, "not_found"),
        (422, "invalid_request"),
        (409, "scope_changed"),
        (413, "body_too_large"),
    ],
)
def test_4xx_is_never_retried(
    server: ScriptedServer, clock: FakeClock, status: int, code: str
) -> None:
    transport = _authed(server, clock)
    server.then(error_reply(status, code, "服务器的说明"))
    with pytest.raises(RejectedRequest) as info:
        transport.pull("bad")
    assert (info.value.status, info.value.code, info.value.message) == (
        status,
        code,
        "服务器的说明",
    )
    assert len(server.seen) == 1 and clock.waits == []


def test_retry_after_is_honoured(server: ScriptedServer, clock: FakeClock) -> None:
    transport = _authed(server, clock, rng=random.Random(1))
    server.then(error_reply(503, "busy", **{"Retry-After": "7"}), json_reply(200, pull_document()))
    transport.pull("")
    assert clock.waits == [7.0]


def test_long_retry_after_is_not_waited_for(server: ScriptedServer, clock: FakeClock) -> None:
    """A 15-minute login lock-out is reported at once for the UI to show, not slept on."""
    transport = make_transport(server.url, clock)
    server.then(
        error_reply(
            429, "rate_limited", "登录失败次数过多，请 15 分钟后再试", **{"Retry-After": "900"}
        )
    )
    with pytest.raises(RateLimited) as info:
        transport.login("w1", "pw", "dev-1")
    assert info.value.retry_after == 900 and "15 分钟" in info.value.message
    assert len(server.seen) == 1 and clock.waits == []


def test_total_time_bounds_the_retries(server: ScriptedServer, clock: FakeClock) -> None:
    policy = RetryPolicy(max_attempts=100, base_delay=4.0, max_delay=4.0, max_total=10.0)
    transport = _authed(server, clock, retry=policy, rng=_Top())
    server.then(*[error_reply(500, "internal_error")] * 10)
    with pytest.raises(ServerError):
        transport.pull("")
    assert clock.waits == [4.0, 4.0]  # a third wait would end past 10 s
    assert len(server.seen) == 3


def test_cancel_before_the_first_attempt_sends_nothing(
    server: ScriptedServer, clock: FakeClock
) -> None:
    transport = _authed(server, clock)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        transport.pull("", cancel=cancel)
    assert server.seen == []


def test_cancel_during_backoff_returns_promptly(server: ScriptedServer) -> None:
    """With the real Event.wait: a 30 s backoff ends as soon as cancel is set."""
    transport = Transport(server.url, timeout=(2.0, 5.0))
    server.then(json_reply(200, login_document()))
    transport.login("w1", "pw", "dev-1")
    server.then(*[error_reply(503, "busy", **{"Retry-After": "30"})] * 3)
    cancel = threading.Event()
    timer = threading.Timer(0.2, cancel.set)
    began = time.monotonic()
    timer.start()
    try:
        with pytest.raises(Cancelled):
            transport.pull("", cancel=cancel)
    finally:
        timer.cancel()
    assert time.monotonic() - began < 5.0
    assert len(server.seen) == 2  # the login and one pull


def test_push_is_resent_unchanged_after_a_reset(server: ScriptedServer, clock: FakeClock) -> None:
    """A replayed batch carries the same op_ids, which is what makes resending safe."""
    transport = _authed(server, clock)
    request = push_request()
    server.then(Reset(), json_reply(200, push_response(request)))
    result = transport.push(request, cancel=None)
    assert [r.op_id for r in result.results] == [o.op_id for o in request.ops]
    assert server.seen[0].body == server.seen[1].body == request.model_dump_json().encode()


def test_refresh_is_not_repeated_once_it_may_have_arrived(
    server: ScriptedServer, clock: FakeClock
) -> None:
    """A reset after sending may follow a rotation on the server; sending the old token
    again would be taken as reuse and end the session, so it is a network error now."""
    transport = make_transport(server.url, clock)
    transport.resume("refresh-token-1-abcdef", "dev-1")
    server.then(Reset())
    with pytest.raises(NetworkError):
        transport.pull("")
    assert server.paths == ["POST /api/v1/auth/refresh"]
    assert transport.has_session, "a network failure keeps the session for later"


def test_refresh_is_repeated_when_it_never_left(clock: FakeClock) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    transport = make_transport(f"http://127.0.0.1:{port}", clock)
    transport.resume("refresh-token-1-abcdef", "dev-1")
    with pytest.raises(NetworkError):
        transport.refresh()
    assert len(clock.waits) == 3


def test_refresh_refused_is_not_retried(server: ScriptedServer, clock: FakeClock) -> None:
    transport = make_transport(server.url, clock)
    transport.resume("refresh-token-1-abcdef", "dev-1")
    server.then(error_reply(401, "invalid_token"))
    with pytest.raises(SessionExpired):
        transport.refresh()
    assert len(server.seen) == 1 and not transport.has_session


def test_refresh_is_repeated_only_after_answers_that_say_not_processed(
    server: ScriptedServer, clock: FakeClock
) -> None:
    """503 (busy, rolled back) is repeated; a 502 from a proxy may hide a rotation."""
    transport = make_transport(server.url, clock)
    transport.resume("refresh-token-1-abcdef", "dev-1")
    server.then(
        error_reply(503, "busy", **{"Retry-After": "1"}),
        json_reply(200, login_document()),
    )
    transport.refresh()
    assert len(server.seen) == 2
    server.seen.clear()
    server.then(Reply(502, b"bad gateway"))
    with pytest.raises(ServerError):
        transport.refresh()
    assert len(server.seen) == 1
