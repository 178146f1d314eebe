"""A newer build installed over an older one keeps all data: a data directory whose
store was written at the previous schema revision (0001, with records in it) is opened
through the command line — from source, and with the frozen executable when there is a
build in ``dist/`` — and ends at head, backed up first, every record intact.

The storage layer's own upgrade test (tests/unit/storage/test_migrations.py) checks the
migration itself; this one checks that the shipped entry point and the migrations it
loads from disk (the bundle's, when frozen) do the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gridclient.__main__ import main
from gridclient.headless import PASSWORD_ENV
from gridclient.storage.engine import create_store_engine
from gridclient.storage.keys import key_file_for, unlock
from gridclient.storage.migrate import current_revision, head_revision
from gridclient.storage.store import store_path
from tests.unit.storage.factories import PASSWORD
from tests.unit.storage.test_migrations import _store_at_0001

SERVER = "https://grid.example.cn"
USER = "worker07"
ROOT = Path(__file__).resolve().parents[2]
FROZEN = (
    ROOT / "dist" / "gridclient" / ("gridclient.exe" if sys.platform == "win32" else "gridclient")
)


def old_data_dir(root: Path) -> Path:
    path = store_path(root, SERVER, USER)
    _store_at_0001(path)
    return path


def assert_upgraded(path: Path, output: str) -> None:
    assert "户 1" in output and "人员 1" in output, output
    backups = sorted((path.parent / "backups").glob("*.db"))
    assert len(backups) == 1 and ".rev-0001." in backups[0].name
    assert key_file_for(backups[0]).exists()
    key = unlock(key_file_for(path), PASSWORD)
    for file, revision in ((path, head_revision()), (backups[0], "0001")):
        engine = create_store_engine(file, key, read_only=True)
        try:
            assert current_revision(engine) == revision
        finally:
            engine.dispose()


def test_status_from_source_upgrades_an_old_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = old_data_dir(tmp_path)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    code = main(["status", "--server", SERVER, "--user", USER, "--data-dir", str(tmp_path)])
    assert code == 0
    assert_upgraded(path, capsys.readouterr().out)
    # A second start finds the store at head: no second backup.
    assert main(["status", "--server", SERVER, "--user", USER, "--data-dir", str(tmp_path)]) == 0
    assert len(list((path.parent / "backups").glob("*.db"))) == 1


@pytest.mark.frozen
@pytest.mark.skipif(not FROZEN.exists(), reason="no frozen build in dist/gridclient")
def test_the_frozen_build_upgrades_an_old_store(tmp_path: Path) -> None:
    path = old_data_dir(tmp_path)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{PASSWORD_ENV: PASSWORD})
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [str(FROZEN), "status", "--server", SERVER, "--user", USER, "--data-dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert_upgraded(path, result.stdout)
