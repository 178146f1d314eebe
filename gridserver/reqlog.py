"""One log line per HTTP request, with nothing personal in it.

Logged: the method, the route's path *template* (``/api/v1/attachments/{sha256}``, never
the path as sent, never a query string), the status, the duration, the caller's user id
and device id once authenticated, and the client's version from its ``User-Agent``.
Never logged: bodies, query values, headers other than the User-Agent, user names, IP
addresses. Logger ``gridserver.access`` at INFO (``gridserver serve`` logs INFO to
stderr, which systemd/journald or the container runtime keeps).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RequestLog", "access_log", "configure_logging"]

access_log = logging.getLogger("gridserver.access")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging() -> None:
    """INFO and up to stderr, one format: the ``gridserver`` command and every worker
    process of ``serve --workers N`` (spawned, so nothing configured in the parent reaches
    it; without this a worker drops the request log). A no-op where logging is set up."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)


_PRINTABLE = re.compile(r"[^\x20-\x7e]")


def _agent(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"user-agent":
            return _PRINTABLE.sub("?", value.decode("latin-1"))[:60] or "-"
    return "-"


class RequestLog:
    """Pure ASGI middleware (no per-request Request object, no body buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app answers: an exception that escaped everything

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path_format", None) or getattr(route, "path", None)
            caller: Any = (scope.get("state") or {}).get("caller")
            access_log.info(
                "%s %s %d %.1fms user=%s device=%s agent=%s",
                scope.get("method", "-"),
                template or "(no route)",
                status,
                (time.perf_counter() - started) * 1000,
                getattr(caller, "user_id", "-"),
                getattr(caller, "device_id", "-"),
                _agent(scope),
            )
