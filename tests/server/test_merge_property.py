"""Property tests of the three-way merge.

Pure level: a server record receives edits from clients that started from random earlier
versions. Whatever the interleaving: the incoming value is always applied; a conflict is
recorded exactly when the server's value is neither the client's base nor its new value;
every value overwritten behind its author's back is kept in a conflict; disjoint edits
never conflict and commute.

Server level: the same through ``sync.push`` and the database, two clients editing one
household from the same base.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from gridcore.domain.enums import ChangeKind, EntityKind, Role
from gridcore.protocol import Op, PushRequest
from gridserver import sync
from gridserver.db import Database, conflicts, records, users
from gridserver.merge import bump_versions, three_way
from gridserver.scope import Caller
from tests.server.conftest import World

FIELDS = ["a", "b", "c", "d"]
VALUES = st.sampled_from(["x", "y", "z", None])
EDITS = st.dictionaries(st.sampled_from(FIELDS), VALUES, min_size=1, max_size=4)


class Server:
    """A record with its history, merged exactly as the server does."""

    def __init__(self) -> None:
        self.current: dict[str, Any] = dict.fromkeys(FIELDS, "base")
        self.versions: dict[str, int] = {}  # as stored for a new record
        self.version = 1
        self.history = {1: dict(self.current)}
        self.conflicts: list[tuple[str, Any, Any, Any]] = []
        self.lost_behind_back: list[tuple[str, Any]] = []

    def receive(self, base: int, edits: dict[str, Any]) -> list[str]:
        base_state = self.history[base]
        changes = {f: (base_state[f], new) for f, new in edits.items()}
        before = dict(self.current)
        outcome = three_way(self.current, self.versions, base, changes)
        for f, (old, new) in changes.items():
            if before[f] not in (old, new):
                self.lost_behind_back.append((f, before[f]))
        self.conflicts.extend((c.field, c.base, c.server, c.incoming) for c in outcome.conflicts)
        if outcome.updates:
            self.version += 1
            self.current.update(outcome.updates)
            self.versions = bump_versions(self.versions, outcome.updates, self.version)
            self.history[self.version] = dict(self.current)
        return [c.field for c in outcome.conflicts]


@given(st.lists(st.tuples(st.integers(min_value=0), EDITS), min_size=1, max_size=8))
def test_merge_of_random_edit_sequences(steps: list[tuple[int, dict[str, Any]]]) -> None:
    server = Server()
    for pick, edits in steps:
        base = sorted(server.history)[pick % len(server.history)]
        before = dict(server.current)
        base_state = server.history[base]
        conflicted = server.receive(base, edits)
        for f, new in edits.items():
            assert server.current[f] == new  # the later arrival is applied
        expected = sorted(f for f, new in edits.items() if before[f] not in (base_state[f], new))
        assert sorted(conflicted) == expected
    # Nothing silently lost: every value overwritten behind its author's back is kept.
    kept = {(f, server_value) for f, _base, server_value, _new in server.conflicts}
    assert set(server.lost_behind_back) <= kept


@given(EDITS, EDITS)
def test_disjoint_edits_never_conflict_and_commute(
    one: dict[str, Any], two: dict[str, Any]
) -> None:
    two = {f: v for f, v in two.items() if f not in one}
    results = []
    for first, second in ((one, two), (two, one)):
        server = Server()
        assert server.receive(1, first) == []
        if second:
            assert server.receive(1, second) == []
        results.append(server.current)
    assert results[0] == results[1]


@given(EDITS)
def test_a_replayed_edit_changes_nothing(edits: dict[str, Any]) -> None:
    server = Server()
    server.receive(1, edits)
    state, version = dict(server.current), server.version
    assert server.receive(1, edits) == []
    assert (server.current, server.version) == (state, version)


# --- through the server ---------------------------------------------------------------

HOUSEHOLD_FIELDS = ["address", "number", "phone", "notes"]
TEXT = st.sampled_from(["", "一", "二", "三"])
HOUSEHOLD_EDITS = st.dictionaries(st.sampled_from(HOUSEHOLD_FIELDS), TEXT, min_size=1)


def _caller(db: Database, username: str) -> Caller:
    with db.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).one()
    return Caller(row.id, row.username, row.display_name, Role(row.role), row.scope_area_id, "t")


def _op(hid: str, kind: ChangeKind, changes: dict[str, tuple[Any, Any]], base: int) -> Op:
    return Op(
        op_id=uuid.uuid4(),
        seq=1,
        entity=EntityKind.HOUSEHOLD,
        entity_id=hid,
        kind=kind,
        base_version=base,
        changes=changes,
        client_time=datetime.now(UTC),
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(HOUSEHOLD_EDITS, HOUSEHOLD_EDITS)
def test_two_clients_through_the_server(
    db: Database, world: World, edits_a: dict[str, str], edits_b: dict[str, str]
) -> None:
    a, b = _caller(db, "w1"), _caller(db, "wv")
    hid = str(uuid.uuid4())
    base = {"grid_id": world.areas["G1"], "address": "路", "number": "", "phone": "", "notes": ""}
    create = _op(hid, ChangeKind.CREATE, {f: (None, v) for f, v in base.items()}, 0)
    sync.push(db, a, PushRequest(device_id="a", ops=[create]))
    first = _op(hid, ChangeKind.UPDATE, {f: (base[f], v) for f, v in edits_a.items()}, 1)
    second = _op(hid, ChangeKind.UPDATE, {f: (base[f], v) for f, v in edits_b.items()}, 1)
    sync.push(db, a, PushRequest(device_id="a", ops=[first]))
    [result] = sync.push(db, b, PushRequest(device_id="b", ops=[second])).results
    with db.engine.connect() as conn:
        fields = conn.execute(select(records.c.fields).where(records.c.id == hid)).scalar_one()
        kept = conn.execute(
            select(conflicts.c.field, conflicts.c.server_value).where(conflicts.c.record_id == hid)
        ).all()
    for f, value in edits_b.items():
        assert fields[f] == value
    for f, value in edits_a.items():
        if value == base[f]:
            continue  # not a change: nothing to keep
        assert fields[f] == value or (f, value) in {(k.field, k.server_value) for k in kept}
    clashing = {f for f in edits_a.keys() & edits_b.keys() if edits_a[f] != edits_b[f]}
    clashing = {f for f in clashing if edits_a[f] != base[f]}
    assert {k.field for k in kept} == clashing
    assert result.status == (
        "conflict"
        if clashing
        else "merged"
        if edits_a != {f: base[f] for f in edits_a}
        else "applied"
    )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 3), HOUSEHOLD_EDITS), min_size=1, max_size=6)
)
def test_outcome_does_not_depend_on_how_ops_are_batched(
    db: Database, world: World, steps: list[tuple[bool, int, dict[str, str]]]
) -> None:
    """The same ops give the same record, versions and conflicts whether they arrive in one
    push or one push each."""
    a, b = _caller(db, "w1"), _caller(db, "wv")
    base = {"grid_id": world.areas["G1"], "address": "路", "number": "", "phone": "", "notes": ""}

    def run(one_push_each: bool) -> tuple[Any, ...]:
        hid = str(uuid.uuid4())
        create = _op(hid, ChangeKind.CREATE, {f: (None, v) for f, v in base.items()}, 0)
        sync.push(db, a, PushRequest(device_id="a", ops=[create]))
        ops = []
        for by_a, base_version, edits in steps:
            changes = {f: (base[f], v) for f, v in edits.items()}
            ops.append((a if by_a else b, _op(hid, ChangeKind.UPDATE, changes, base_version + 1)))
        statuses: list[str] = []
        if one_push_each:
            for caller, the_op in ops:
                response = sync.push(db, caller, PushRequest(device_id="x", ops=[the_op]))
                statuses.extend(r.status for r in response.results)
        else:
            # Consecutive ops of the same client travel together.
            i = 0
            while i < len(ops):
                caller = ops[i][0]
                batch = []
                while i < len(ops) and ops[i][0] is caller:
                    batch.append(ops[i][1])
                    i += 1
                response = sync.push(db, caller, PushRequest(device_id="x", ops=batch))
                statuses.extend(r.status for r in response.results)
        with db.engine.connect() as conn:
            row = conn.execute(
                select(records.c.fields, records.c.version, records.c.field_versions).where(
                    records.c.id == hid
                )
            ).one()
            kept = sorted(
                conn.execute(
                    select(
                        conflicts.c.field, conflicts.c.server_value, conflicts.c.incoming_value
                    ).where(conflicts.c.record_id == hid)
                ).all()
            )
        fields = {k: v for k, v in row.fields.items() if k != "grid_id"}
        return fields, row.version, row.field_versions, kept, statuses

    assert run(one_push_each=True) == run(one_push_each=False)


# --- mixed batches: references, scope, rejections and replays ---------------------------

HOUSEHOLDS = ["h0", "h1", "h2", "h3"]
"""h0 and h1 exist before the pushes; h2 and h3 may be created by them."""
RESIDENTS = ["r0", "r1", "r2"]
GRIDS = ["G1", "G2", "G3"]
"""``wv`` may write G1 and G2; G3 is outside its scope."""
ACTIONS = st.one_of(
    st.tuples(st.just("household"), st.sampled_from(HOUSEHOLDS), st.sampled_from(GRIDS)),
    st.tuples(st.just("move"), st.sampled_from(HOUSEHOLDS), st.sampled_from(GRIDS)),
    st.tuples(st.just("delete"), st.sampled_from(HOUSEHOLDS), st.just("")),
    st.tuples(st.just("resident"), st.sampled_from(RESIDENTS), st.sampled_from(HOUSEHOLDS)),
    st.tuples(st.just("bad"), st.sampled_from(RESIDENTS), st.sampled_from(HOUSEHOLDS)),
    st.tuples(st.just("replay"), st.integers(0, 20), st.just("")),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(ACTIONS, min_size=1, max_size=14),
    st.lists(st.integers(1, 14), max_size=4),
)
def test_mixed_batches_answer_like_one_op_per_push(
    db: Database, world: World, actions: list[tuple[str, Any, str]], cuts: list[int]
) -> None:
    """Creates that later ops refer to, moves (residents follow their household), deletes,
    out-of-scope grids, invalid values and replays: every op gets the same answer and the
    records end the same whether the ops come one per push or batched (references are
    prefetched and cached per batch, savepoints are per op)."""
    caller = _caller(db, "wv")

    def run(batches: list[list[int]]) -> tuple[Any, ...]:
        ids = {label: str(uuid.uuid4()) for label in HOUSEHOLDS + RESIDENTS}
        labels = {v: k for k, v in ids.items()}
        setup = [
            _op(
                ids[h],
                ChangeKind.CREATE,
                {"grid_id": (None, world.areas["G1"]), "address": (None, h)},
                0,
            )
            for h in ("h0", "h1")
        ]
        sync.push(db, caller, PushRequest(device_id="x", ops=setup))
        ops: list[Op] = []
        for verb, target, arg in actions:
            if verb == "replay":
                if not ops:
                    continue
                ops.append(ops[target % len(ops)])
                continue
            entity, kind, base_version = EntityKind.HOUSEHOLD, ChangeKind.CREATE, 0
            changes: dict[str, tuple[Any, Any]]
            if verb == "household":
                changes = {"grid_id": (None, world.areas[arg]), "address": (None, target)}
            elif verb == "move":
                kind, base_version = ChangeKind.UPDATE, 1
                changes = {"grid_id": (world.areas["G1"], world.areas[arg])}
            elif verb == "delete":
                kind, base_version, changes = ChangeKind.DELETE, 1, {}
            else:
                entity = EntityKind.RESIDENT
                changes = {"household_id": (None, ids[arg]), "name": (None, target)}
                if verb == "bad":
                    changes["disability_grade"] = (None, 9)
            ops.append(
                Op(
                    op_id=uuid.uuid4(),
                    seq=len(ops),
                    entity=entity,
                    entity_id=ids[target],
                    kind=kind,
                    base_version=base_version,
                    changes=changes,
                    client_time=datetime.now(UTC),
                )
            )
        answers = []
        for batch in batches:
            chosen = [ops[i] for i in batch if i < len(ops)]
            if chosen:
                response = sync.push(db, caller, PushRequest(device_id="x", ops=chosen))
                answers.extend((r.status, r.reason, r.field, r.version) for r in response.results)
        with db.engine.connect() as conn:
            rows = conn.execute(select(records).where(records.c.id.in_(list(labels)))).all()
        state = sorted(
            (
                labels[row.id],
                row.version,
                row.deleted,
                row.grid_id,
                labels.get(row.parent_id, row.parent_id),
                row.fields.get("address") or row.fields.get("name"),
            )
            for row in rows
        )
        return len(ops), answers, state

    count = len(actions)
    one_each = [[i] for i in range(count)]
    bounds = sorted({0, count, *(c for c in cuts if c < count)})
    batched = [list(range(lo, hi)) for lo, hi in itertools.pairwise(bounds)]
    assert run(one_each) == run(batched)
