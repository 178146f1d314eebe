"""``gridclient sync`` / ``status`` as real subprocesses, and ``kill -9`` of a syncing
client at random instants: after a restart everything converges, nothing is lost and
nothing is applied twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from gridcore.domain.enums import EntityKind
from gridserver.db import op_log
from tests.integration.sync.conftest import PASSWORD, Laptop, World, server_snapshot

H = EntityKind.HOUSEHOLD


def _cli(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "GRIDCLIENT_PASSWORD": PASSWORD, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "gridclient", "--data-dir", str(data_dir), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    proc = _cli(data_dir, *args)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _logged(world: World, device: str) -> int:
    with world.server.db.engine.connect() as connection:
        statement = select(func.count()).select_from(op_log).where(op_log.c.device_id == device)
        return int(connection.execute(statement).scalar_one())


def test_sync_and_status_commands(world: World, tmp_path: Path) -> None:
    data = tmp_path / "cli"
    code, out, err = _run(data, "sync", "--server", world.url, "--user", "w1")
    assert code == 0, err
    assert out.startswith("同步成功") and "上传 0 条" in out
    laptop = Laptop(tmp_path / "other", world.url, "w1")
    laptop.new_household(world.areas["G1"])
    assert laptop.sync().ok
    laptop.close()
    code, out, err = _run(data, "sync", "--server", world.url, "--user", "w1")
    assert code == 0 and "下载 1 条" in out, (out, err)
    code, out, err = _run(data, "status", "--server", world.url, "--user", "w1")
    assert code == 0, err
    assert "户 1" in out and "待上传 0 条" in out and "待处理冲突 0 条" in out
    assert "上次成功同步：从未" not in out
    code, out, err = _run(data, "sync", "--server", world.url, "--user", "nobody")
    assert code == 2 and "错误" in err


def test_sync_reports_failure_with_a_nonzero_exit(world: World, tmp_path: Path) -> None:
    laptop = Laptop(tmp_path / "c", world.url, "w1")
    laptop.new_household(world.areas["G2"])  # out of scope: rejected
    laptop.close()
    code, out, _err = _run(tmp_path / "c" / "w1", "sync", "--server", world.url, "--user", "w1")
    assert code == 1 and out.startswith("同步未完成") and "被拒 1 条" in out


def test_kill_9_at_random_points_then_resume_converges(world: World, tmp_path: Path) -> None:
    rng = random.Random(4)
    t1 = Laptop(tmp_path / "t1", world.url, "t1")
    _remote = [t1.new_household(world.areas["G1"], address=f"远程路{i}号") for i in range(60)]
    assert t1.sync().ok
    w1 = Laptop(tmp_path / "w1", world.url, "w1")
    mine = [w1.new_household(world.areas["G1"], address=f"本地路{i}号") for i in range(80)]
    for household in mine[:40]:
        w1.new_resident(household.id)
    device = w1.store.device_id
    w1.close()
    data = tmp_path / "w1" / "w1"
    args = ("sync", "--server", world.url, "--user", "w1", "--batch-size", "7")
    args += ("--page-size", "9", "--progress")
    kills = 0
    progress: list[int] = []
    for _ in range(6):
        proc = _cli(data, *args)
        assert proc.stderr is not None
        # Kill after a random number of progress lines (mid-sync), a little later still
        # so the signal also lands inside requests and transactions.
        wanted = rng.randint(1, 12)
        seen = 0
        for line in proc.stderr:
            seen += line.startswith("progress")
            if seen >= wanted:
                break
        try:
            proc.wait(timeout=rng.uniform(0.0, 0.15))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=60)
        progress.append(_logged(world, device))
    code, out, err = _run(data, *args)
    assert code == 0, (out, err)
    fresh = Laptop(tmp_path / "fresh", world.url, "w1")
    assert fresh.sync().ok
    resumed = Laptop(tmp_path / "w1", world.url, "w1")
    assert resumed.pending() == 0
    assert resumed.snapshot() == fresh.snapshot()
    server = server_snapshot(world)
    households = [k for k in server if k[0] == H.value]
    assert len(households) == 140
    assert len([k for k in server if k[0] == EntityKind.RESIDENT.value]) == 40
    assert _logged(world, device) == 120  # every op applied exactly once
    assert kills >= 3 and any(0 < n < 120 for n in progress), progress  # killed mid-push
    for laptop in (t1, fresh, resumed):
        laptop.close()
