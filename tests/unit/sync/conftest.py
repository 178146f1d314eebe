"""A scripted HTTP server on loopback (real sockets, so resets, timeouts and truncated
bodies are the real thing) and a fake clock for backoff without sleeping."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from gridclient.sync.transport import RetryPolicy, Transport
from gridcore.domain.enums import ChangeKind, EntityKind
from gridcore.protocol import Op, PushRequest


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    declared_length: int | None = None
    """Send this Content-Length instead of the real one (then close: a cut transfer)."""


@dataclass
class Reset:
    """Close the connection with a TCP RST instead of answering."""


Action = Reply | Reset | Callable[[Seen], "Reply | Reset"]


def json_reply(status: int, document: Any, **headers: str) -> Reply:
    return Reply(
        status,
        json.dumps(document, ensure_ascii=False).encode(),
        {"Content-Type": "application/json", **headers},
    )


def error_reply(status: int, code: str, message: str = "错误", **headers: str) -> Reply:
    return json_reply(status, {"code": code, "message": message, "detail": None}, **headers)


class ScriptedServer:
    """Answers each request with the next scripted action, in order, whatever the path;
    records every request. An exhausted script answers 599 so a test notices."""

    def __init__(self) -> None:
        self.script: list[Action] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, dict(self.headers.items()), body)
                with outer._lock:
                    outer.seen.append(seen)
                    action = outer.script.pop(0) if outer.script else Reply(599, b"no script")
                if callable(action):
                    action = action(seen)
                if isinstance(action, Reset):
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    return
                if action.delay:
                    time.sleep(action.delay)
                self.send_response(action.status)
                for name, value in action.headers.items():
                    self.send_header(name, value)
                length_sent = (
                    action.declared_length
                    if action.declared_length is not None
                    else len(action.body)
                )
                self.send_header("Content-Length", str(length_sent))
                if action.declared_length is not None:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(action.body)

            do_GET = do_POST = do_PUT = do_HEAD = do_CONNECT = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def then(self, *actions: Action) -> ScriptedServer:
        self.script.extend(actions)
        return self

    @property
    def paths(self) -> list[str]:
        return [f"{s.method} {s.path.split('?')[0]}" for s in self.seen]


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer().start()
    yield srv
    srv.stop()


class FakeClock:
    """Monotonic time that only moves when the transport waits; records every wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def wait(self, event: threading.Event, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += seconds
        return event.is_set()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_transport(url: str, clock: FakeClock, **kwargs: Any) -> Transport:
    kwargs.setdefault("timeout", (2.0, 5.0))
    kwargs.setdefault("retry", RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=8.0))
    return Transport(url, wait=clock.wait, clock=clock.monotonic, **kwargs)


NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC).isoformat()


def login_document(
    access: str = "access-token-1", refresh: str = "refresh-token-1-abcdef"
) -> dict[str, Any]:
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "bearer",
        "expires_in": 3600,
        "refresh_expires_in": 2592000,
        "username": "w1",
        "display_name": "王网格",
        "role": "worker",
        "scope": {
            "area_id": "a1",
            "area_code": "320101001001001",
            "area_name": "幸福社区第一网格",
            "unrestricted": False,
            "grids": [],
        },
        "min_client_version": "0.1.0",
        "server_time": NOW,
    }


def pull_document(cursor: str = "c1", more: bool = False) -> dict[str, Any]:
    return {
        "changes": [],
        "evictions": [],
        "conflicts": [],
        "cursor": cursor,
        "more": more,
        "server_time": NOW,
    }


def push_request() -> PushRequest:
    return PushRequest(
        device_id="dev-1",
        ops=[
            Op(
                op_id=uuid.UUID("3f0c1f5e-5a53-4f8e-9a44-3d1e6f0b9a01"),
                seq=1,
                entity=EntityKind.HOUSEHOLD,
                entity_id="7d9f7c2e-9a1b-4c55-8d2e-0b6a5e4f3c21",
                kind=ChangeKind.UPDATE,
                base_version=3,
                changes={"address": ("幸福路1号", "幸福路2号")},
                client_time=datetime(2026, 11, 22, 7, 0, tzinfo=UTC),
            )
        ],
    )


def push_response(request: PushRequest) -> dict[str, Any]:
    return {
        "results": [
            {"op_id": str(op.op_id), "status": "applied", "version": 4} for op in request.ops
        ],
        "server_time": NOW,
    }
