"""The demo's embedded server (:class:`gridserver.embedded.EmbeddedServer`), started only
when the server's packages are installed (the ``[server]`` extra); without them
:class:`ServerExtraMissing` says so in Chinese.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gridserver.embedded import EmbeddedServer

__all__ = ["ServerExtraMissing", "require_server", "start_embedded"]

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


def start_embedded(database: Path | str, **settings: Any) -> EmbeddedServer:
    """``EmbeddedServer.start`` once the server's packages are known to be there."""
    require_server()
    from gridserver.embedded import EmbeddedServer

    return EmbeddedServer.start(database, **settings)
