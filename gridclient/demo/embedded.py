"""An embedded gridserver on loopback: the demo's server and the integration tests'.

The server runs in a background thread (uvicorn) on ``127.0.0.1`` with a port the OS
picks; the socket is bound and listening before the thread starts, so a client may
connect at once (early connections wait in the backlog, nobody polls for start-up).
The server needs the ``[server]`` extra; without it :class:`ServerExtraMissing` says so.
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from gridserver.config import Settings
    from gridserver.db import Database

__all__ = ["EmbeddedServer", "ServerExtraMissing", "require_server"]

log = logging.getLogger(__name__)


class ServerExtraMissing(RuntimeError):
    """The embedded server's packages (FastAPI, uvicorn, …) are not installed."""

    def __init__(self, missing: str) -> None:
        super().__init__(
            "演示模式需要内置服务器组件，但未安装（缺少 "
            f"{missing}）。请执行 pip install 'gridclient[server]' 后重试。"
        )
        self.missing = missing


def require_server() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401

        import gridserver.app  # noqa: F401
    except ImportError as exc:
        raise ServerExtraMissing(exc.name or str(exc)) from None


class EmbeddedServer:
    """``with EmbeddedServer.start(path) as server: … server.url …``"""

    def __init__(self, db: Database, settings: Settings) -> None:
        import uvicorn

        from gridserver.app import create_app

        self.db = db
        self.settings = settings
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.port: int = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings, db),
            log_level="warning",
            lifespan="off",
            access_log=False,
            proxy_headers=False,  # X-Forwarded-For only from configured proxies
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="gridserver-embedded",
            daemon=True,
        )

    @classmethod
    def start(cls, database: Path | str, **settings: Any) -> Self:
        """Serve the database (a SQLite file path or a SQLAlchemy URL), created and
        migrated to head if needed. ``settings`` override ``gridserver.config.Settings``."""
        require_server()
        from gridserver import migrate
        from gridserver.config import Settings
        from gridserver.db import Database

        url = database if isinstance(database, str) else f"sqlite:///{database}"
        if isinstance(database, Path):
            database.parent.mkdir(parents=True, exist_ok=True)
        config = Settings(database_url=url, **settings)
        db = Database(url)
        try:
            migrate.upgrade(db)
            server = cls(db, config)
        except BaseException:
            db.dispose()
            raise
        server._thread.start()
        log.info("embedded server on %s", server.url)
        return server

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(15)
        self._socket.close()
        self.db.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
