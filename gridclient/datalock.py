"""The data directory's lock, without Qt: an operating-system file lock.

``gridclient.lock`` in a data directory is held by the one process that uses the
directory (the window, or a command that opens a store: see :mod:`gridclient.instance`
for why). The lock itself is the kernel's: ``flock`` on POSIX, ``msvcrt.locking`` of one
byte (far past the text, which stays readable) on Windows, taken on an open descriptor of
the file and kept until :meth:`InstanceLock.release` or the end of the process. The
kernel drops it when the process ends however it ends, so a lock left by a killed
process is never stale: the file may stay behind, but nobody holds it.

The file holds ``pid``, application and host name, one a line (the layout ``QLockFile``
writes), for the message naming the holder. A release removes the file while the lock
is still held; whoever opened the old file meanwhile finds, once it has locked it, that
the name now leads to another file (or none) and opens the name again, so two processes
never both hold "the" lock.

Qt-free, so a headless ``gridclient sync`` does not load Qt at all; the window uses the
same class (re-exported by :mod:`gridclient.instance`), so the two never disagree.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
from pathlib import Path

__all__ = ["ALREADY_RUNNING", "LOCK_FILE", "InstanceLock", "in_use_message", "lock_data_dir"]

log = logging.getLogger("gridclient.instance")

LOCK_FILE = "gridclient.lock"
#: Exit status when another process has the data directory (BSD's EX_TEMPFAIL).
ALREADY_RUNNING = 75
#: Where the Windows lock byte sits: past any text the file will ever hold.
_LOCK_OFFSET = 1 << 20
_ATTEMPTS = 20


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # OSError when someone holds it

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # OSError when someone holds it

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def _contents() -> bytes:
    app = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else "gridclient"
    return f"{os.getpid()}\n{app or 'gridclient'}\n{socket.gethostname()}\n".encode()


class InstanceLock:
    """``gridclient.lock`` in a data directory, held until :meth:`release` (or the end
    of the process)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock; False if a running process holds it. A file left by a
        process that is gone is simply taken."""
        if self._fd is not None:
            return True
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for _ in range(_ATTEMPTS):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                _try_lock(fd)
            except OSError:
                os.close(fd)
                holder = self.holder()
                # INFO: a command is refused before its logging starts, and Python would
                # print a warning on stderr beside the Chinese message.
                log.info(
                    "data directory %s is in use by process %s",
                    self.data_dir,
                    holder[0] if holder else "?",
                )
                return False
            try:
                current = os.stat(self.path)
            except FileNotFoundError:
                current = None
            if current is None or not os.path.samestat(os.fstat(fd), current):
                _unlock(fd)  # released (and removed) between our open and our lock
                os.close(fd)
                continue
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, _contents())
            self._fd = fd
            log.info("data directory lock taken: %s", self.path)
            return True
        return False

    def holder(self) -> tuple[int, str, str] | None:
        """(pid, host, application) written by the process holding the lock, if
        readable."""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
            return int(lines[0]), lines[2], lines[1]
        except (OSError, ValueError, IndexError):
            return None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if sys.platform != "win32":
            with contextlib.suppress(OSError):
                self.path.unlink()  # while still held: see the module docstring
        _unlock(fd)
        os.close(fd)
        if sys.platform == "win32":
            with contextlib.suppress(OSError):  # another process has it open: its turn
                self.path.unlink()


def lock_data_dir(data_dir: Path) -> InstanceLock:
    """Take ``data_dir``'s lock for a command that opens a store, before it asks for a
    password; a window or another command holding it ends the command with a Chinese
    message and exit status 75 (:class:`~gridclient.cli.UserError`)."""
    from gridclient.cli import UserError

    lock = InstanceLock(data_dir)
    if not lock.acquire():
        raise UserError(in_use_message(data_dir), ALREADY_RUNNING)
    return lock


def in_use_message(data_dir: Path) -> str:
    """For the command line (stderr); the window shows the translated equivalent."""
    return (
        f"网格通已经在使用数据目录 {data_dir}（另一个窗口或命令正在运行）。"
        "同一个数据目录同时只能由一个网格通使用：请切换到已打开的窗口，"
        "或等该命令结束后再试。"
    )
