"""The data directory's lock without Qt (``gridclient.datalock``): one holder at a time,
across processes too; a lock whose process was killed is taken; a release removes the
file; a process that opened the file just before it was released and removed does not
end up holding a lock nobody else sees."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gridclient import datalock
from gridclient.datalock import LOCK_FILE, InstanceLock

HOLD = """
import sys, time
from pathlib import Path
from gridclient.datalock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
print("held" if lock.acquire() else "refused", flush=True)
time.sleep(60)
"""


def _holder(data_dir: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_one_holder_at_a_time_and_a_release_removes_the_file(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.acquire() and first.held
    assert not second.acquire() and not second.held
    holder = second.holder()
    assert holder is not None and holder[0] == os.getpid()
    first.release()
    assert not (tmp_path / LOCK_FILE).exists() and not first.held
    assert second.acquire()
    second.release()


def test_another_process_holding_it_refuses_and_a_killed_one_does_not_block(
    tmp_path: Path,
) -> None:
    proc = _holder(tmp_path)
    try:
        lock = InstanceLock(tmp_path)
        assert not lock.acquire()
        holder = lock.holder()
        assert holder is not None and holder[0] == proc.pid
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert (tmp_path / LOCK_FILE).exists()  # left behind by the killed process
    assert lock.acquire()  # but nobody holds it
    holder = lock.holder()
    assert holder is not None and holder[0] == os.getpid()
    lock.release()


def test_an_opener_racing_a_release_locks_the_names_file_not_the_removed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``second`` opens the file while ``first`` holds it; ``first`` releases (removing
    the file) before ``second`` locks: ``second`` then holds a removed file, notices, and
    takes the lock on the file under the name."""
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.acquire()
    real = datalock._try_lock
    calls: list[int] = []

    def racing(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 1:
            first.release()  # between second's open and its lock
        real(fd)

    monkeypatch.setattr(datalock, "_try_lock", racing)
    assert second.acquire()
    assert len(calls) == 2  # the removed file was let go and the name opened again
    assert second._fd is not None
    assert os.path.samestat(os.fstat(second._fd), os.stat(tmp_path / LOCK_FILE))
    monkeypatch.setattr(datalock, "_try_lock", real)
    assert not InstanceLock(tmp_path).acquire()
    second.release()
