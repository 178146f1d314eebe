"""A headless ``gridclient sync`` imports what a sync needs and nothing else: no
migration machinery (Alembic) for a store at head, no keyring (headless runs keep no
refresh token), no report, spreadsheet or PDF modules, no Qt at all (the data
directory's lock is an OS file lock, ``gridclient.datalock``). Checked on a real
sync of a real server with ``python -X importtime`` (every import the process made)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.integration.sync.conftest import PASSWORD, World

NEVER = (
    "alembic",
    "keyring",
    "openpyxl",
    "reportlab",
    "gridclient.reports.data",
    "gridclient.storage.queries",
    "gridclient.ui",
    "gridclient.instance",
    "PySide6",
    "shiboken6",
)


def _imported(data_dir: Path, world: World) -> tuple[set[str], str]:
    env = {**os.environ, "GRIDCLIENT_PASSWORD": PASSWORD}
    command = [sys.executable, "-X", "importtime", "-m", "gridclient"]
    command += ["--data-dir", str(data_dir), "sync", "--server", world.url, "--user", "w1"]
    done = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {
        line.split("|")[2].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return modules, done.stdout


def test_a_headless_sync_imports_only_what_it_needs(world: World, tmp_path: Path) -> None:
    data = tmp_path / "cli"
    first, out = _imported(data, world)  # creates the store: migrations run
    assert out.startswith("同步成功")
    assert "alembic" in first  # the check below can see a module when it is imported
    modules, out = _imported(data, world)  # the store is at head
    assert out.startswith("同步成功")
    assert "gridclient.sync.engine" in modules
    unwanted = sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in NEVER))
    assert unwanted == []
