"""Hypothesis interleaves local edits, deletes, visits, event reports and event steps,
conflict decisions, syncs and network faults across a township user and two grid
workers. After the network heals and everyone syncs, every laptop holds exactly what a
fresh pull of its scope holds and what the server holds, all fields compared (the
server-assigned ones too: versions, ``server_at``), every edit reached the server exactly
once, and every edit that lost a race is held in a conflict record. The only records a
laptop may hold beyond that are its own refused ones (an event step another laptop
overtook, a visit to a household deleted meanwhile), parked as rejected with a reason.

The default run has 20 examples of up to 15 steps (a developer's run: about a minute);
``slow`` runs 60 of up to 40 steps (CI runs both)."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from sqlalchemy import select

from gridclient.storage.events import append_action, event_view
from gridclient.storage.models import EventRow, OutboxRow
from gridclient.storage.syncmeta import OpStatus
from gridcore.demo.generator import load_catalog
from gridcore.domain.entities import Event, EventAction, Visit
from gridcore.domain.enums import EntityKind, EventActionKind, Ledger, Role, Satisfaction, Urgency
from gridserver import admin
from gridserver.db import op_log
from tests.integration.sync.conftest import Laptop, World, server_snapshot, start_world
from tests.integration.sync.faultproxy import Fault, FaultProxy, random_plan

H = EntityKind.HOUSEHOLD
USERS = ("w1", "w2", "t1")
HOME = {"w1": ("G1",), "w2": ("G2",), "t1": ("G1", "G2")}
ROLES = {"w1": Role.WORKER, "w2": Role.WORKER, "t1": Role.TOWNSHIP}
QUICK_FAULTS = [f for f in Fault if f not in (Fault.NONE, Fault.TIMEOUT)]
RACES = {"illegal_transition", "not_found", "already_resolved"}
"""Refusals that are races between laptops, not faults: a step another laptop took
first, a visit to a household deleted meanwhile, a conflict someone else decided."""


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
        admin.load_catalog(self.world.server.db, load_catalog().to_json())
        for laptop in self.laptops.values():
            with laptop.store.write() as repos:
                repos.catalog.save(load_catalog())
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

    @rule(user=st.sampled_from(("w1", "w2")), data=st.data())
    def visit(self, user: str, data: st.DataObject) -> None:
        live = self._live(user)
        if not live:
            return
        household = data.draw(st.sampled_from(live))
        laptop = self.laptops[user]
        with laptop.store.unit_of_work(actor=user) as uow:
            uow.append(
                Visit(
                    household_id=household,
                    grid_id=self.world.areas[HOME[user][0]],
                    visitor=user,
                    visited_at=uow.now(),
                    content=self._value(),
                )
            )

    @rule(user=st.sampled_from(("w1", "w2")))
    def report(self, user: str) -> None:
        laptop = self.laptops[user]
        with laptop.store.unit_of_work(actor=user) as uow:
            event = Event(
                grid_id=self.world.areas[HOME[user][0]],
                category_code="01001",
                ledger=Ledger.APPEAL,
                urgency=Urgency.NORMAL,
                title=self._value(),
                reporter=user,
                reported_at=uow.now(),
            )
            uow.append(event)
            append_action(uow, self._step(user, event.id, EventActionKind.REPORT))

    @rule(user=st.sampled_from(USERS), data=st.data())
    def take_step(self, user: str, data: st.DataObject) -> None:
        """The next step of an event this laptop holds, among those its role is offered
        (through the code the event dialog runs)."""
        laptop = self.laptops[user]
        with laptop.store.engine.connect() as connection:
            ids = sorted(
                connection.execute(select(EventRow.id).where(EventRow.deleted.is_(False))).scalars()
            )
        if not ids:
            return
        event_id = data.draw(st.sampled_from(ids))
        with laptop.store.read() as repos:
            view = event_view(repos, event_id, ROLES[user], datetime.now(UTC))
        assert view is not None and view.problem == "", view and view.problem
        if not view.allowed:
            return
        kind = data.draw(st.sampled_from(view.allowed))
        with laptop.store.unit_of_work(actor=user) as uow:
            append_action(uow, self._step(user, event_id, kind))

    def _step(self, user: str, event_id: str, kind: EventActionKind) -> EventAction:
        return EventAction(
            event_id=event_id,
            kind=kind,
            actor=user,
            actor_role=ROLES[user],
            at=datetime.now(UTC),
            comment=self._value(),
            # 改派 needs a target other than the current one: a fresh name each time.
            assignee=(
                self._value()
                if kind is EventActionKind.REDISPATCH
                else "民政办"
                if kind is EventActionKind.DISPATCH
                else ""
            ),
            satisfaction=Satisfaction.SATISFIED if kind is EventActionKind.EVALUATE else None,
            # 申请延期 needs a date past the deadline in force: later every time.
            deadline=(
                date(2040, 1, 1) + timedelta(days=self.counter)
                if kind is EventActionKind.REQUEST_EXTENSION
                else None
            ),
        )

    @rule(user=st.sampled_from(USERS), keep_mine=st.booleans(), data=st.data())
    def decide(self, user: str, keep_mine: bool, data: st.DataObject) -> None:
        laptop = self.laptops[user]
        with laptop.store.read() as repos:
            open_ = [
                c
                for c in repos.conflicts.entries()
                if not c.resolved and not c.resolving and (c.mine_side or user == "t1")
            ]
        if not open_:
            return
        conflict = data.draw(st.sampled_from(sorted(open_, key=lambda c: c.id)))
        with laptop.store.unit_of_work(actor=user) as uow:
            uow.resolve(conflict.id, conflict.side_of(keep_mine))

    @rule(user=st.sampled_from(USERS), faulty=st.booleans(), seed=st.integers(0, 1000))
    def sync(self, user: str, faulty: bool, seed: int) -> None:
        self.proxy.plan = (
            random_plan(seed, 0.4, QUICK_FAULTS) if faulty else (lambda _m, _p: Fault.NONE)
        )
        report = self.laptops[user].sync()
        if not faulty:
            assert not report.errors, report.errors
        assert report.held == 0
        refused = self._refused_reasons(user)
        assert refused <= RACES, refused

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
                # A laptop that has not synced since its last steps may meet a race here
                # (a visit to a household another laptop deleted): parked, not an error.
                report = self.laptops[user].sync()
                assert not report.errors and not report.pull_refused, report.errors
                assert report.rejected == 0 or self._refused_reasons(user) <= RACES
        for _round in range(2):
            for user in USERS:
                report = self.laptops[user].sync()
                assert not report.errors and report.held == 0, report.errors
        server = server_snapshot(self.world)
        for user, laptop in self.laptops.items():
            assert laptop.pending() == 0
            refused = self._refused(laptop)
            fresh = Laptop(self.root / "fresh", self.world.url, user)
            try:
                assert fresh.sync().ok
                mine = {k: v for k, v in laptop.snapshot().items() if k not in refused}
                truth = fresh.snapshot()
                assert mine == truth, sorted(
                    k for k in mine.keys() | truth.keys() if mine.get(k) != truth.get(k)
                )
                assert {k: v for k, v in server.items() if k in truth} == truth
            finally:
                fresh.close()
        self._every_edit_accounted_for(server)

    def _refused_reasons(self, user: str) -> set[str]:
        with self.laptops[user].store.read() as repos:
            return {op.reason for op in repos.outbox.unsent() if op.status is OpStatus.REJECTED}

    @staticmethod
    def _refused(laptop: Laptop) -> set[tuple[str, str]]:
        """Records this laptop created that the server refused (a race, see RACES)."""
        with laptop.store.read() as repos:
            ops = [op for op in repos.outbox.unsent() if op.status is OpStatus.REJECTED]
        assert {op.reason for op in ops} <= RACES
        return {(op.entity.value, op.entity_id) for op in ops if op.kind.value == "create"}

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


_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]


def test_sync_state_machine() -> None:
    """20 examples of up to 15 steps: every divergence the issue found showed up within
    the first few steps of a schedule (the long run below, in CI, tries 60 of 40)."""
    run_state_machine_as_test(
        SyncMachine,
        settings=settings(
            max_examples=20, stateful_step_count=15, deadline=None, suppress_health_check=_HEALTH
        ),
    )


@pytest.mark.slow
def test_sync_state_machine_long() -> None:
    """CI's long run: 60 schedules of up to 40 steps, the same ones every run
    (``derandomize``), so a red CI is reproducible; the default run above explores new
    schedules each time. No shrinking: a schedule's faults land on requests by their
    order, and thread timing can shift that order on replay, which Hypothesis reports as
    a flaky strategy instead of the failure itself; the first failure is shown as found."""
    run_state_machine_as_test(
        SyncMachine,
        settings=settings(
            max_examples=60,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=_HEALTH,
            derandomize=True,
            phases=(Phase.explicit, Phase.reuse, Phase.generate),
        ),
    )
