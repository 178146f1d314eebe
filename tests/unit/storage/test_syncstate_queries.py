"""Per-record sync state rolled up to the household, the conflict list, and deciding a
conflict in the unit of work (optimistic value, a decision only once, restore)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gridclient.storage import Store
from gridclient.storage.errors import ConflictClosed
from gridclient.storage.syncmeta import Conflict, OpStatus
from gridclient.storage.syncstate_queries import SyncState, SyncStateQueries
from gridcore.domain import codec
from gridcore.domain.enums import ChangeKind, EntityKind
from tests.unit.storage import factories as f

ACTOR = f.ACTOR
H, R = EntityKind.HOUSEHOLD, EntityKind.RESIDENT


def _world(store: Store) -> dict[str, str]:
    """Two households; the first with a resident, a visit, an event and its action."""
    h1, h2 = f.household(), f.household(address="幸福街道 5 栋", number="HH-0002")
    person = f.resident(h1.id)
    visit = f.visit(h1.id)
    event = f.event(household_id=h1.id)
    action = f.action(event.id)
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(h1)
        uow.create(h2)
        uow.create(person)
        uow.append(visit)
        uow.append(event)
        uow.append(action)
    return {"h1": h1.id, "h2": h2.id, "r": person.id, "v": visit.id, "e": event.id, "a": action.id}


def _settle_all(store: Store) -> None:
    with store.write() as repos:
        for op in repos.outbox.pending():
            repos.outbox.set_status(op.op_id, OpStatus.APPLIED)


def _conflict(store: Store, kind: EntityKind, record_id: str, **extra: object) -> Conflict:
    values: dict[str, object] = {
        "id": "c0000000-0000-4000-8000-000000000001",
        "entity": kind,
        "entity_id": record_id,
        "field": "phone",
        "base": "13900000000",
        "mine": "13911111111",
        "theirs": "13922222222",
        "created_at": datetime(2026, 11, 20, 8, tzinfo=UTC),
        "mine_side": "incoming",
        "server_user": "lisi",
        "incoming_user": ACTOR,
    }
    values.update(extra)
    conflict = Conflict(**values)  # type: ignore[arg-type]
    with store.write() as repos:
        repos.conflicts.add(conflict)
    return conflict


def test_states_roll_up_to_the_household(store: Store) -> None:
    ids = _world(store)
    queries = SyncStateQueries(store.engine)
    states = queries.household_states()
    assert set(states) == {ids["h1"], ids["h2"]}
    first = states[ids["h1"]]
    assert (first.state, first.pending, first.rejected, first.conflicts) == (
        SyncState.PENDING,
        5,  # household, resident, visit, event and its action
        0,
        0,
    )
    _settle_all(store)
    assert queries.household_states() == {}
    assert queries.household_state(ids["h1"]).state is SyncState.SYNCED
    # An edit of the event's action's household's resident, then a refusal.
    with store.unit_of_work(actor=ACTOR) as uow:
        person = uow.repos.records.get_kind(R, ids["r"])
        assert person is not None
        op = uow.update(codec.replace(person, {"name": "张三丰"}))
        assert op is not None
    with store.write() as repos:
        repos.outbox.set_status(
            op.op_id, OpStatus.REJECTED, reason="out_of_scope", message="不在管辖范围"
        )
    state = queries.household_state(ids["h1"])
    assert (state.state, state.rejected, state.messages) == (
        SyncState.REJECTED,
        1,
        ("不在管辖范围",),
    )
    assert queries.record_states(R, [ids["r"], "other"]) == {ids["r"]: SyncState.REJECTED}
    _conflict(store, H, ids["h1"])
    state = queries.household_state(ids["h1"])
    assert (state.state, state.conflicts, state.rejected) == (SyncState.CONFLICT, 1, 1)
    assert queries.household_state(ids["h2"]).state is SyncState.SYNCED


def test_an_event_action_counts_for_the_household_of_its_event(store: Store) -> None:
    ids = _world(store)
    with store.write() as repos:
        for op in repos.outbox.pending():
            if op.entity is not EntityKind.EVENT_ACTION:
                repos.outbox.set_status(op.op_id, OpStatus.APPLIED)
    [item] = SyncStateQueries(store.engine).household_state(ids["h1"]).items
    assert (item.entity, item.entity_id, item.state) == (
        EntityKind.EVENT_ACTION,
        ids["a"],
        SyncState.PENDING,
    )


def test_conflict_list_names_the_household_and_record(store: Store) -> None:
    ids = _world(store)
    _settle_all(store)
    _conflict(store, R, ids["r"], field="name", base="甲", mine="乙", theirs="丙")
    queries = SyncStateQueries(store.engine)
    [entry] = queries.conflicts()
    assert (entry.household_id, entry.address, entry.record_name) == (
        ids["h1"],
        "幸福街道 3 栋 2 单元 401",
        f.NAME,
    )
    assert (entry.base, entry.mine, entry.theirs) == ("甲", "乙", "丙")
    assert queries.conflicts(household_id=ids["h2"]) == []
    assert len(queries.conflicts(household_id=ids["h1"])) == 1


def test_resolve_applies_the_kept_value_and_queues_one_op(store: Store) -> None:
    ids = _world(store)
    _settle_all(store)
    conflict = _conflict(store, H, ids["h1"], mine=f.household().phone, theirs="0571-12345678")
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.resolve(conflict.id, conflict.side_of(keep_mine=False))
    assert (op.kind, op.conflict_id, op.keep) == (ChangeKind.RESOLVE, conflict.id, "server")
    assert op.changes == {"phone": (f.household().phone, "0571-12345678")}
    with store.read() as repos:
        record = repos.records.get_kind(H, ids["h1"])
        assert record is not None and record.phone == "0571-12345678"
        stored = repos.conflicts.get(conflict.id)
        assert stored is not None and stored.resolving and stored.resolution == "server"
        [queued] = repos.outbox.pending()
        assert queued == op
    # Decided: it now counts as pending, and a second decision is refused.
    state = SyncStateQueries(store.engine).household_state(ids["h1"])
    assert (state.state, state.conflicts) == (SyncState.PENDING, 0)
    with pytest.raises(ConflictClosed), store.unit_of_work(actor=ACTOR) as uow:
        uow.resolve(conflict.id, "incoming")
    with pytest.raises(ConflictClosed), store.unit_of_work(actor=ACTOR) as uow:
        uow.resolve("c0000000-0000-4000-8000-0000000000ff", "incoming")


def test_keeping_mine_when_the_record_already_holds_it_changes_nothing(store: Store) -> None:
    ids = _world(store)
    _settle_all(store)
    conflict = _conflict(store, H, ids["h1"], mine=f.household().phone)
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.resolve(conflict.id, conflict.side_of(keep_mine=True))
    assert (op.keep, op.changes) == ("incoming", {})


def test_keeping_an_edit_that_met_a_delete_restores_the_record(store: Store) -> None:
    ids = _world(store)
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.delete(H, ids["h2"])
    _settle_all(store)
    conflict = _conflict(
        store, H, ids["h2"], field="", base=None, mine={"notes": "删除后才改"}, theirs=None
    )
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.resolve(conflict.id, "incoming")
    assert op.changes == {"notes": (f.household().notes, "删除后才改")}
    with store.read() as repos:
        record = repos.records.get_kind(H, ids["h2"])
    assert record is not None and not record.deleted and record.notes == "删除后才改"


def test_bad_keep_is_refused(store: Store) -> None:
    with pytest.raises(ValueError), store.unit_of_work(actor=ACTOR) as uow:
        uow.resolve("c0000000-0000-4000-8000-000000000001", "mine")
