"""One process per data directory, with real processes: a second window on the same
``--data-dir`` brings the first to the front and stops without opening the store; the
headless commands that open a store stop too; a lock left by a killed window
(``kill -9``) does not block the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridclient.instance import ALREADY_RUNNING, LOCK_FILE

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))


def gridclient(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gridclient", *args],
        env={**ENV, "GRIDCLIENT_PASSWORD": "demo1234"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )


def start_window(data_dir: Path) -> subprocess.Popen[bytes]:
    """``gridclient --demo`` left running; returns once its main window is shown."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridclient", "--demo", "--data-dir", str(data_dir)],
        env=ENV,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    log = data_dir / "logs" / "gridclient.log"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if log.exists() and "main window shown" in log.read_text(encoding="utf-8"):
            return proc
        if proc.poll() is not None:
            raise AssertionError(f"the first window exited with {proc.returncode}")
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("the first window did not appear within 120 s")


def log_text(data_dir: Path) -> str:
    return (data_dir / "logs" / "gridclient.log").read_text(encoding="utf-8")


@pytest.mark.timeout(400)
def test_a_second_process_on_the_same_data_dir_stops_and_a_killed_one_does_not_block(
    tmp_path: Path,
) -> None:
    first = start_window(tmp_path)
    try:
        assert (tmp_path / LOCK_FILE).exists()
        stores = sorted(p.name for p in (tmp_path / "stores").iterdir())

        second = gridclient("--demo", "--smoke-test", "--data-dir", str(tmp_path))
        assert second.returncode == ALREADY_RUNNING, second.stderr
        assert "main window shown" not in second.stdout
        assert f"网格通已经在使用数据目录 {tmp_path}" in second.stderr
        deadline = time.monotonic() + 10
        while "coming to the front" not in log_text(tmp_path):
            assert time.monotonic() < deadline, "the first window was not asked to the front"
            time.sleep(0.1)
        assert "data directory" in log_text(tmp_path)
        assert "running window brought to the front" in log_text(tmp_path)

        # The headless commands that open a store stop before asking for anything.
        for command in (
            ["sync", "--server", "http://127.0.0.1:9", "--user", "worker01"],
            ["status", "--server", "http://127.0.0.1:9", "--user", "worker01"],
            ["report", "visits", "--area", "x", "--pdf", str(tmp_path / "r.pdf"), "--user", "w"],
        ):
            result = gridclient(*command, "--data-dir", str(tmp_path))
            assert result.returncode == ALREADY_RUNNING, (command, result.stderr)
            assert result.stderr.startswith("错误：网格通已经在使用数据目录"), result.stderr
        assert not (tmp_path / "r.pdf").exists()
        assert sorted(p.name for p in (tmp_path / "stores").iterdir()) == stores
        assert first.poll() is None  # the first window is untouched
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)

    # Killed: the lock file stays behind, but its process is gone.
    assert (tmp_path / LOCK_FILE).exists()
    again = gridclient("--demo", "--smoke-test", "--data-dir", str(tmp_path))
    assert again.returncode == 0, again.stderr
    assert "main window shown after" in again.stdout
    assert not (tmp_path / LOCK_FILE).exists()  # released at the end


def test_other_data_dirs_do_not_block_each_other(tmp_path: Path) -> None:
    """The lock is per directory: one held on ``a`` does not stop a command on ``b``."""
    from gridclient.instance import InstanceLock

    held = InstanceLock(tmp_path / "a")
    assert held.acquire()
    try:
        result = gridclient(
            "status", "--server", "http://127.0.0.1:9", "--user", "nobody",
            "--data-dir", str(tmp_path / "b"),
        )  # fmt: skip
        assert result.returncode != ALREADY_RUNNING, result.stderr
        assert "网格通已经在使用" not in result.stderr
        same = gridclient(
            "status", "--server", "http://127.0.0.1:9", "--user", "nobody",
            "--data-dir", str(tmp_path / "a"),
        )  # fmt: skip
        assert same.returncode == ALREADY_RUNNING, same.stderr
    finally:
        held.release()
