"""A small threaded HTTP proxy that injects faults between a client and the server.

Every request is read whole, forwarded to the upstream on a fresh connection (with
``Connection: close``), and the answer is delivered or spoiled according to the fault the
``plan`` picks for it: a reset before or after the server acted, a body cut short, a
500 instead of the real answer, the request delivered twice, or no answer until the
client times out. The proxy records what it did so a test can prove faults happened.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable
from enum import Enum


class Fault(Enum):
    NONE = "none"
    RESET_BEFORE = "reset_before"
    """The connection is reset before the request reaches the server."""
    RESET_AFTER = "reset_after"
    """The server acted; the client sees a reset instead of the answer."""
    TRUNCATE = "truncate"
    """The server acted; the client gets half of the answer, then EOF."""
    ERROR_500 = "error_500"
    """The server acted; the client gets a 500."""
    DUPLICATE = "duplicate"
    """The server gets the request twice; the client the second answer."""
    TIMEOUT = "timeout"
    """The server acted; the client hears nothing until its read timeout."""


Plan = Callable[[str, str], Fault]

_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
    b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"
)


def random_plan(seed: int, rate: float, faults: list[Fault] | None = None) -> Plan:
    rng = random.Random(seed)
    lock = threading.Lock()
    faults = faults or [f for f in Fault if f is not Fault.NONE]

    def plan(_method: str, _path: str) -> Fault:
        with lock:
            return rng.choice(faults) if rng.random() < rate else Fault.NONE

    return plan


def _read_request(conn: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


def _reset(conn: socket.socket) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


class FaultProxy:
    def __init__(self, upstream_port: int, plan: Plan, *, stall: float = 1.5) -> None:
        self.upstream_port = upstream_port
        self.plan = plan
        self.stall = stall
        self.seen: Counter[Fault] = Counter()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._closing.set()
        # accept() does not notice close() on Linux: wake it with a connection.
        with socket.create_connection(self._listener.getsockname(), timeout=5):
            pass
        self._thread.join(10)
        self._listener.close()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                conn, _addr = self._listener.accept()
            except OSError:
                return
            if self._closing.is_set():
                conn.close()
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30) as up:
            up.sendall(request)
            chunks = []
            while chunk := up.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def _serve(self, conn: socket.socket) -> None:
        try:
            request = _read_request(conn)
            if request is None:
                conn.close()
                return
            method, path = request.split(b" ", 2)[:2]
            fault = self.plan(method.decode(), path.decode())
            with self._lock:
                self.seen[fault] += 1
            if fault is Fault.RESET_BEFORE:
                _reset(conn)
                return
            response = self._forward(request)
            if fault is Fault.DUPLICATE:
                response = self._forward(request)
            if fault is Fault.RESET_AFTER:
                _reset(conn)
                return
            if fault is Fault.TRUNCATE:
                conn.sendall(response[: max(1, len(response) // 2)])
            elif fault is Fault.ERROR_500:
                conn.sendall(_500)
            elif fault is Fault.TIMEOUT:
                self._closing.wait(self.stall)  # longer than the client's read timeout
            else:
                conn.sendall(response)
            conn.close()
        except OSError:
            conn.close()
