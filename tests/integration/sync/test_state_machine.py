"""Hypothesis interleaves local edits, syncs and network faults across a township user
and two grid workers. After the network heals and everyone syncs, every laptop holds
exactly what a fresh pull of its scope holds, every edit reached the server exactly
once, and every edit that lost a race is held in a conflict record."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule
from sqlalchemy import select

from gridclient.domain.enums import EntityKind
from gridclient.storage.models import OutboxRow
from gridclient.storage.syncmeta import OpStatus
from gridserver import admin
from gridserver.db import op_log
from tests.integration.sync.conftest import Laptop, World, server_snapshot, start_world
from tests.integration.sync.faultproxy import Fault, FaultProxy, random_plan

H = EntityKind.HOUSEHOLD
USERS = ("w1", "w2", "t1")
HOME = {"w1": ("G1",), "w2": ("G2",), "t1": ("G1", "G2")}
QUICK_FAULTS = [f for f in Fault if f not in (Fault.NONE, Fault.TIMEOUT)]


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory()
        root = Path(self._tmp.name)
        self.world: World = start_world(root / "server.sqlite3")
        self.proxy = FaultProxy(self.world.server.port, lambda _m, _p: Fault.NONE)
        self.laptops = {
            user: Laptop(root / user, self.proxy.url, user, batch_size=3, page_size=4)
            for user in USERS
        }
        self.root = root
        self.counter = 0
        self.edits: list[tuple[str, str, str, str]] = []
        """(user, household id, field, unique value) of every local edit."""

    def _live(self, user: str) -> list[str]:
        with self.laptops[user].store.read() as repos:
            grids = [self.world.areas[g] for g in HOME[user]]
            return sorted(h for g in grids for h in repos.records.household_ids_of_grid(g))

    def _value(self) -> str:
        self.counter += 1
        return f"值{self.counter}号"

    @rule(user=st.sampled_from(USERS), grid=st.integers(0, 1))
    def create(self, user: str, grid: int) -> None:
        home = HOME[user]
        self.laptops[user].new_household(self.world.areas[home[grid % len(home)]], notes="新")

    @rule(user=st.sampled_from(USERS), field=st.sampled_from(["notes", "number"]), data=st.data())
    def edit(self, user: str, field: str, data: st.DataObject) -> None:
        live = self._live(user)
        if not live:
            return
        record = data.draw(st.sampled_from(live))
        value = self._value()
        self.laptops[user].edit(H, record, **{field: value})
        self.edits.append((user, record, field, value))

    @rule(user=st.sampled_from(USERS), data=st.data())
    def delete(self, user: str, data: st.DataObject) -> None:
        live = self._live(user)
        if not live:
            return
        record = data.draw(st.sampled_from(live))
        with self.laptops[user].store.unit_of_work(actor=user) as uow:
            uow.delete(H, record)

    @rule(user=st.sampled_from(USERS), faulty=st.booleans(), seed=st.integers(0, 1000))
    def sync(self, user: str, faulty: bool, seed: int) -> None:
        self.proxy.plan = (
            random_plan(seed, 0.4, QUICK_FAULTS) if faulty else (lambda _m, _p: Fault.NONE)
        )
        report = self.laptops[user].sync()
        if not faulty:
            assert not report.errors, report.errors
        assert report.rejected == 0

    def teardown(self) -> None:
        try:
            self._converge()
        finally:
            for laptop in self.laptops.values():
                laptop.close()
            self.proxy.close()
            self.world.server.stop()
            self._tmp.cleanup()

    def _converge(self) -> None:
        self.proxy.plan = lambda _m, _p: Fault.NONE
        for _round in range(2):
            for user in USERS:
                assert self.laptops[user].sync().ok
        server = server_snapshot(self.world)
        for user, laptop in self.laptops.items():
            assert laptop.pending() == 0
            fresh = Laptop(self.root / "fresh", self.world.url, user)
            try:
                assert fresh.sync().ok
                mine, truth = laptop.snapshot(), fresh.snapshot()
                assert mine == truth, sorted(
                    k for k in mine.keys() | truth.keys() if mine.get(k) != truth.get(k)
                )
                assert {k: v for k, v in server.items() if k in truth} == truth
            finally:
                fresh.close()
        self._every_edit_accounted_for(server)

    def _every_edit_accounted_for(self, server: dict[Any, Any]) -> None:
        with self.world.server.db.engine.connect() as connection:
            logged = connection.execute(select(op_log.c.op_id, op_log.c.status)).all()
        statuses: dict[str, str] = {row.op_id: row.status for row in logged}
        assert len(statuses) == len(logged)
        conflicts = admin.list_conflicts(self.world.server.db, include_resolved=True)
        held = {
            (c.entity_id, value)
            for c in conflicts
            for value in (
                json.dumps(c.server_value, ensure_ascii=False),
                json.dumps(c.incoming_value, ensure_ascii=False),
            )
        }
        for user, laptop in self.laptops.items():
            with laptop.store.engine.connect() as connection:
                ops = connection.execute(select(OutboxRow)).all()
            for op in ops:
                assert op.status != OpStatus.PENDING.value
                assert op.op_id in statuses, "an op never reached the server"
            for who, record, field, value in self.edits:
                if who != user:
                    continue
                [op] = [
                    o
                    for o in ops
                    if o.entity_id == record and o.changes.get(field, [None, None])[1] == value
                ]
                final = server[(H.value, record)]
                applied_now = final[2].get(field) == value
                in_conflict = any(rid == record and value in text for rid, text in held)
                if statuses[op.op_id] == "conflict":
                    assert in_conflict, (field, value)
                assert applied_now or in_conflict or self._overwritten(record, field, op.op_id)

    def _overwritten(self, record: str, field: str, op_id: str) -> bool:
        """A later accepted op changed the same field (a plain, causal overwrite)."""
        with self.world.server.db.engine.connect() as connection:
            rows = connection.execute(
                select(op_log.c.op_id, op_log.c.version, op_log.c.changes, op_log.c.status)
                .where(op_log.c.entity_id == record, op_log.c.status != "rejected")
                .order_by(op_log.c.version)
            ).all()
        mine = next(r for r in rows if r.op_id == op_id)
        return any(
            r.version is not None
            and mine.version is not None
            and r.version > mine.version
            and field in r.changes
            for r in rows
        )


SyncMachine.TestCase.settings = settings(
    max_examples=5,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestSyncStateMachine = SyncMachine.TestCase
