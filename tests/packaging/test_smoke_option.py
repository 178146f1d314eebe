"""The hidden ``--smoke-test`` option: quits once the main window is shown and prints the
start-up time; a demo that cannot start fails with a message instead of waiting on a
modal error box (CI would hang)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def smoke(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "gridclient", "--demo", "--smoke-test", "--data-dir", str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        cwd=ROOT,
    )


def test_smoke_test_quits_after_the_main_window(tmp_path: Path, demo_template: Path) -> None:
    # A later start of the demo (the first one, from an empty data directory, is
    # tests/integration/test_demo_start.py and CI's smoke test of the frozen build).
    shutil.copytree(demo_template, tmp_path, dirs_exist_ok=True)
    result = smoke(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "main window shown after" in result.stdout
    assert "main window shown" in (tmp_path / "logs" / "gridclient.log").read_text("utf-8")


def test_smoke_test_fails_without_a_modal_box_when_the_demo_cannot_start(
    tmp_path: Path,
) -> None:
    (tmp_path / "demo-server").write_text("in the way", encoding="utf-8")  # not a directory
    result = smoke(tmp_path)
    assert result.returncode == 1
    assert "demo start failed" in result.stderr
