"""The README's first command: `gridclient --demo` starts and shows its window."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def test_gridclient_demo_starts_and_shows_the_window(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridclient", "--demo", "--data-dir", str(tmp_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    log = tmp_path / "logs" / "gridclient.log"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if log.exists() and "main window shown" in log.read_text(encoding="utf-8"):
                break
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            time.sleep(0.2)
        else:
            raise AssertionError("the main window did not appear within 60 s")
        text = log.read_text(encoding="utf-8")
        assert "demo store filled" in text
        assert list((tmp_path / "stores").glob("*.db"))
        # Filled by a real sync from the embedded server, not from the generator.
        assert (tmp_path / "demo-server" / "gridserver.sqlite3").exists()
        assert "同步成功" in text
    finally:
        proc.terminate()
        proc.wait(10)
