"""The server in a background thread on loopback: the client's demo mode and the tests.

uvicorn serves the app on ``127.0.0.1`` with a port the OS picks; the socket is bound and
listening before the thread starts, so a client may connect at once (early connections
wait in the backlog, nobody polls for start-up).
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import uvicorn

from gridserver import migrate
from gridserver.app import create_app
from gridserver.config import Settings
from gridserver.db import Database

__all__ = ["EmbeddedServer"]

log = logging.getLogger(__name__)


class EmbeddedServer:
    """``with EmbeddedServer.start(path) as server: … server.url …``"""

    def __init__(self, db: Database, settings: Settings) -> None:
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
