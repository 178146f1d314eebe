"""The frozen build (``python packaging/build.py``) starts and passes its self-test, and
the demo reaches its main window. Skipped when there is no build in ``dist/``; ``.ci/run``
builds one, then runs the ``frozen`` tests (``pytest -m frozen tests/packaging``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXE = ROOT / "dist" / "gridclient" / ("gridclient.exe" if sys.platform == "win32" else "gridclient")

pytestmark = [
    pytest.mark.frozen,
    pytest.mark.skipif(not EXE.exists(), reason="no frozen build in dist/gridclient"),
]


def run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)  # the bundle must not need the source tree
    return subprocess.run(
        [str(EXE), *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        cwd=EXE.parent.parent,
    )


def test_the_frozen_self_test_passes(tmp_path: Path) -> None:
    result = run("self-test", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "(frozen)" in lines[0]
    for check in ("加密数据库", "数据库迁移", "报表生成 PDF", "界面组件", "界面翻译", "用户指南"):
        (line,) = [ln for ln in lines if check in ln]
        assert line.startswith("✓"), line
    assert any("系统密钥环" in ln for ln in lines)
    (translations,) = [ln for ln in lines if "界面翻译" in ln]
    assert "qtbase_zh_CN" in translations and "查找范围" in translations  # Qt's dialogs
    assert lines[-1] == "自检通过 / self-test passed"
    assert not list(tmp_path.glob(".selftest-*")), "the self-test left its scratch files"


def test_the_frozen_self_test_fails_on_an_unreachable_server(tmp_path: Path) -> None:
    result = run("--server", "http://127.0.0.1:9", "self-test", "--data-dir", str(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    (line,) = [ln for ln in result.stdout.splitlines() if "连接服务器" in ln]
    assert line.startswith("✗")


def test_the_frozen_demo_shows_its_main_window(tmp_path: Path) -> None:
    result = run("--demo", "--smoke-test", "--data-dir", str(tmp_path), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "main window shown after" in result.stdout
    assert (tmp_path / "demo-server" / "gridserver.sqlite3").exists()
    assert list((tmp_path / "stores").glob("*.db"))


def test_the_frozen_diagnostics_command_writes_a_bundle(tmp_path: Path) -> None:
    out = tmp_path / "diag.zip"
    result = run("diagnostics", "--out", str(out), "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.stat().st_size > 0
