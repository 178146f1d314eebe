"""One process per data directory.

Every command that opens a store under a data directory takes ``gridclient.lock`` in
that directory first (an operating-system file lock, :mod:`gridclient.datalock`, before
any store is opened): the window
(login and demo alike, ``gridclient.app``), ``gridclient sync``, ``status``, ``report``
and ``import`` (their parsers set ``locks_data_dir``; ``gridclient.__main__`` takes the
lock before it runs them, with :mod:`gridclient.datalock`: no Qt for a command).
Two processes on one store would race on its migrations, its integrity check (a live
store's write-ahead log looks like a crash to the other process, which could move the
store aside) and its outbox. ``rescue`` (reads a possibly damaged store file, read
only, and must work when nothing else does), ``self-test`` (a scratch store in a
temporary directory) and ``diagnostics`` (logs and settings) take no lock.

The lock records the holder's process id and host; the kernel lets a lock go when its
process ends (killed, crashed, power cut), so a file left behind is taken over silently
(the age of a lock never matters: a window may stay open for weeks).

The window also listens on a local socket named after the data directory (a Unix
socket or a Windows named pipe, only for this user): a second ``gridclient`` started on
the same directory asks the running one to come to the front (its lock screen, if
locked, since the lock screen is the window's page) before it says why it stops.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from gridclient.datalock import (
    ALREADY_RUNNING,
    LOCK_FILE,
    InstanceLock,
    in_use_message,
    lock_data_dir,
)

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

__all__ = [
    "ALREADY_RUNNING",
    "LOCK_FILE",
    "ActivationServer",
    "InstanceLock",
    "allow_foreground",
    "ask_running_instance_to_show",
    "in_use_message",
    "lock_data_dir",
    "server_name",
]

log = logging.getLogger(__name__)

_SHOW = b"show\n"


def server_name(data_dir: Path) -> str:
    """The local socket of the window that has ``data_dir``: one per user and
    directory (the name is a hash: a path may be long or not ASCII)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):
        user = ""
    digest = hashlib.sha256(f"{user}\0{data_dir.resolve()}".encode()).hexdigest()[:20]
    return f"gridclient-{digest}"


class ActivationServer(QObject):
    """Listens for a second ``gridclient`` on the same data directory and calls
    ``show`` (bring the window to the front) when one knocks."""

    def __init__(
        self, data_dir: Path, show: Callable[[], None], parent: QObject | None = None
    ) -> None:
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self._show = show
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.name = server_name(data_dir)
        # We hold the directory's lock: a socket file left by a killed process is stale.
        QLocalServer.removeServer(self.name)
        self.listening = self.server.listen(self.name)
        if not self.listening:
            log.warning("cannot listen on %s: %s", self.name, self.server.errorString())
        self.server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(self._ready)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _ready(self) -> None:
        from PySide6.QtNetwork import QLocalSocket

        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if _SHOW.strip() in data:
            log.info("another gridclient started on this data directory: coming to the front")
            self._show()

    def close(self) -> None:
        """Stop listening and drop the connections still open."""
        from PySide6.QtNetwork import QLocalSocket

        self.server.close()
        for socket in self.server.findChildren(QLocalSocket):
            with contextlib.suppress(RuntimeError, TypeError):  # not connected (yet)
                socket.readyRead.disconnect(self._ready)
            socket.abort()


def allow_foreground(pid: int | None) -> bool:
    """Windows lets only the process the user is working in (this one, just started)
    bring a window to the front: pass that right on to the running window's process
    (``pid``; any process if unknown), else its window only flashes in the task bar.
    Elsewhere nothing to do (False)."""
    if sys.platform != "win32":
        return False
    import ctypes

    asfw_any = -1
    try:
        return bool(ctypes.windll.user32.AllowSetForegroundWindow(pid or asfw_any))  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return False


def ask_running_instance_to_show(
    data_dir: Path, timeout_ms: int = 1500, *, pid: int | None = None
) -> bool:
    """Ask the window that holds ``data_dir`` (process ``pid``, if known) to come to the
    front; True if it was reached (a headless command holding the lock has no socket:
    False)."""
    from PySide6.QtNetwork import QLocalSocket

    allow_foreground(pid)
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(_SHOW)
    sent = socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(timeout_ms)
    return sent
