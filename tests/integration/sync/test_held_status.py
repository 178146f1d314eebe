"""A record the laptop cannot store, end to end (issue 11, items 2 and 4): a value an
older server stored (an integer beyond 64 bits) reaches a colleague's laptop through a
real server; its pull goes on, the record is kept aside, ``gridclient status`` lists it
with its reason (and a clock off by more than 10 minutes), and the worker's later fix
replaces it on that laptop."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update

from gridclient.storage.syncmeta import SyncKey
from gridcore.domain.entities import Organization
from gridcore.domain.enums import EntityKind
from gridserver.db import records
from tests.integration.sync.conftest import PASSWORD, Laptop, World


def _status(data_dir: Path, world: World, user: str) -> str:
    env = {**os.environ, "GRIDCLIENT_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "gridclient", "--data-dir", str(data_dir)]
    proc = subprocess.run(
        [*command, "status", "--server", world.url, "--user", user],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_poisoned_record_is_held_listed_by_status_and_replaced_by_its_fix(
    world: World, tmp_path: Path
) -> None:
    g1 = world.areas["G1"]
    w1 = Laptop(tmp_path, world.url, "w1")
    club = Organization(grid_id=g1, name="老年人协会", members=30)
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.create(club)
    home = w1.new_household(g1, "幸福路1号")
    assert w1.sync().ok
    # What an older server let through, stored before the value checks.
    row = records.c
    where = (row.kind == "organization") & (row.id == club.id)
    with world.server.db.engine.begin() as connection:
        stored = connection.execute(records.select().where(where)).one()
        connection.execute(
            update(records).where(where).values(fields={**stored.fields, "members": 2**64})
        )

    t1 = Laptop(tmp_path, world.url, "t1")
    report = t1.sync()
    assert not report.errors and report.held == 1
    assert t1.get(EntityKind.HOUSEHOLD, home.id) is not None  # the rest of the pull went on
    assert t1.get(EntityKind.ORGANIZATION, club.id) is None
    # A clock off by three hours, as the last sync measured it.
    with t1.store.write() as repos:
        skewed = {"seconds": -3 * 3600, "measured_at": datetime.now(UTC).isoformat()}
        repos.sync_state.set(SyncKey.CLOCK, skewed)
    t1.close()
    out = _status(tmp_path / "t1", world, "t1")
    assert "无法保存在本机的记录 1 条" in out, out
    assert f"{club.id}（版本 1）：" in out, out
    assert "本机时钟比服务器快约 180 分钟" in out, out

    # The worker fixes the count: the new version replaces the held copy.
    w1.edit(EntityKind.ORGANIZATION, club.id, members=31)
    assert w1.sync().ok
    w1.close()
    t1 = Laptop(tmp_path, world.url, "t1")
    assert t1.sync().ok
    with t1.store.read() as repos:
        assert repos.held.count() == 0
    fixed = t1.get(EntityKind.ORGANIZATION, club.id)
    assert fixed is not None and fixed.members == 31
    t1.close()  # the sync measured the clock again: a good one
    out = _status(tmp_path / "t1", world, "t1")
    assert "无法保存在本机的记录" not in out and "本机时钟" not in out, out
