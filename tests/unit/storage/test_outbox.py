"""The outbox op each change writes: sequence, base version, changes in wire form, and
the rules for stale edits, append-only kinds and parked (rejected) ops."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from gridclient.storage import (
    AppendOnlyError,
    AttachmentMismatch,
    Conflict,
    DuplicateRecord,
    MissingParent,
    OpStatus,
    RecordNotFound,
    StaleRecord,
    Store,
    SyncKey,
    WrongOperation,
    bulk_upsert,
    write_connection,
)
from gridclient.storage.models import OutboxRow
from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import Household, Resident, Visit
from gridcore.domain.enums import ChangeKind, EntityKind, HouseholdTag
from tests.unit.storage.factories import (
    ACTOR,
    PHOTO,
    action,
    attachment,
    event,
    household,
    resident,
    visit,
)

PULLED_AT = datetime(2026, 5, 1, tzinfo=UTC)


def _pull(store: Store, record: Household | Resident, version: int, **changes: object) -> None:
    """Simulate the sync engine applying a newer server copy of ``record``."""
    pulled = dataclasses.replace(record, version=version, **changes)  # type: ignore[arg-type]
    row = {
        "id": pulled.id,
        "version": version,
        "deleted": False,
        "updated_at": PULLED_AT.isoformat(),
        **encode_fields(pulled),
    }
    with write_connection(store.engine) as connection:
        bulk_upsert(connection, pulled.KIND, [row])


def test_create_queues_a_create_op_with_every_field(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.create(home)
    with store.read() as repos:
        (queued,) = repos.outbox.pending()
    assert queued == op
    assert uuid.UUID(op.op_id).version == 4
    assert op.seq == 1
    assert op.entity is EntityKind.HOUSEHOLD and op.entity_id == home.id
    assert op.kind is ChangeKind.CREATE and op.base_version == 0
    assert op.actor == ACTOR and op.status is OpStatus.PENDING
    assert op.changes == {name: (None, value) for name, value in encode_fields(home).items()}
    assert op.changes["tags"] == (None, ["grid_core", "minimum_living"])
    assert op.created_at.tzinfo is UTC


def test_sequence_is_per_device_and_survives_pruning(store: Store) -> None:
    homes = [household() for _ in range(3)]
    with store.unit_of_work(actor=ACTOR) as uow:
        ops = [uow.create(h) for h in homes]
    assert [op.seq for op in ops] == [1, 2, 3]
    with store.write() as repos:
        for op in ops:
            repos.outbox.set_status(op.op_id, OpStatus.APPLIED)
        assert repos.outbox.prune_acknowledged() == 3
    with store.unit_of_work(actor=ACTOR) as uow:
        later = uow.create(household())
    assert later.seq == 4  # never reused, even though the table was emptied


def test_update_diffs_against_the_stored_row(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    _pull(store, home, version=3)

    edited = dataclasses.replace(
        home, version=3, phone="13800001111", tags=frozenset({HouseholdTag.EXTREME_POVERTY})
    )
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.update(edited)
    assert op is not None
    assert op.kind is ChangeKind.UPDATE
    assert op.base_version == 3
    assert op.changes == {
        "phone": ("0571-88886666", "13800001111"),
        "tags": (["grid_core", "minimum_living"], ["extreme_poverty"]),
    }
    with store.read() as repos:
        stored = repos.records.get(Household, home.id)
    assert stored == dataclasses.replace(edited, updated_at=PULLED_AT)


def test_update_without_changes_queues_nothing(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        assert uow.update(dataclasses.replace(home)) is None
    with store.read() as repos:
        assert len(repos.outbox.pending()) == 1


def test_update_ignores_metadata_in_the_passed_record(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    tampered = dataclasses.replace(home, deleted=True, notes="改了备注")
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.update(tampered)
    assert op is not None and set(op.changes) == {"notes"}
    with store.read() as repos:
        stored = repos.records.get(Household, home.id)
    assert stored is not None and not stored.deleted and stored.notes == "改了备注"


def test_stale_edit_is_refused_without_a_base(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    _pull(store, home, version=2, address="服务器改的地址")

    with pytest.raises(StaleRecord) as caught, store.unit_of_work(actor=ACTOR) as uow:
        uow.update(dataclasses.replace(home, phone="1"))
    assert "重新打开" in str(caught.value)
    with store.read() as repos:
        assert repos.records.get(Household, home.id) == dataclasses.replace(
            home, version=2, address="服务器改的地址", updated_at=PULLED_AT
        )


def test_edit_with_base_merges_onto_a_refreshed_copy(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    _pull(store, home, version=2, address="服务器改的地址")

    edited = dataclasses.replace(home, phone="13800002222")  # opened at version 0
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.update(edited, base=home)
    assert op is not None
    assert op.changes == {"phone": ("0571-88886666", "13800002222")}
    assert op.base_version == 2
    with store.read() as repos:
        stored = repos.records.get(Household, home.id)
    assert stored is not None
    assert stored.address == "服务器改的地址" and stored.phone == "13800002222"

    clash = dataclasses.replace(home, address="我改的地址")
    with pytest.raises(StaleRecord) as caught, store.unit_of_work(actor=ACTOR) as uow:
        uow.update(clash, base=home)
    assert caught.value.fields == ["address"]


def test_delete_tombstones_and_queues_a_delete(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    _pull(store, home, version=5)
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.delete(EntityKind.HOUSEHOLD, home.id)
        assert uow.delete(EntityKind.HOUSEHOLD, home.id) is None  # already gone
    assert op is not None
    assert op.kind is ChangeKind.DELETE and op.base_version == 5 and op.changes == {}
    with store.read() as repos:
        stored = repos.records.get(Household, home.id)
        assert stored is not None and stored.deleted
    with pytest.raises(RecordNotFound), store.unit_of_work(actor=ACTOR) as uow:
        uow.update(dataclasses.replace(home, version=5, phone="1"))


def test_append_only_kinds_cannot_change(store: Store) -> None:
    home = household()
    seen = visit(home.id)
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        uow.append(seen)
    with pytest.raises(AppendOnlyError) as caught, store.unit_of_work(actor=ACTOR) as uow:
        uow.update(dataclasses.replace(seen, content="改"))
    assert caught.value.kind is EntityKind.VISIT
    with pytest.raises(AppendOnlyError), store.unit_of_work(actor=ACTOR) as uow:
        uow.delete(EntityKind.VISIT, seen.id)
    correction = visit(home.id, content="更正：上次记录有误", corrects_id=seen.id)
    with store.unit_of_work(actor=ACTOR) as uow:
        assert uow.append(correction) is not None
    with store.read() as repos:
        assert repos.records.get(Visit, seen.id) == seen


def test_create_and_append_are_not_interchangeable(store: Store) -> None:
    home = household()
    with pytest.raises(WrongOperation), store.unit_of_work(actor=ACTOR) as uow:
        uow.append(home)
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    with pytest.raises(WrongOperation), store.unit_of_work(actor=ACTOR) as uow:
        uow.create(visit(home.id))
    with pytest.raises(WrongOperation), store.unit_of_work(actor=ACTOR) as uow:
        uow.append(attachment())  # no bytes
    with pytest.raises(AttachmentMismatch), store.unit_of_work(actor=ACTOR) as uow:
        uow.append(attachment(), blob=PHOTO + b"x")
    with pytest.raises(WrongOperation), store.unit_of_work(actor=ACTOR) as uow:
        uow.create(dataclasses.replace(household(), version=3))


def test_new_records_need_a_live_parent(store: Store) -> None:
    home = household()
    with pytest.raises(MissingParent) as caught, store.unit_of_work(actor=ACTOR) as uow:
        uow.create(resident(home.id))
    assert caught.value.parent is EntityKind.HOUSEHOLD and caught.value.parent_id == home.id
    with pytest.raises(MissingParent), store.unit_of_work(actor=ACTOR) as uow:
        uow.append(action("no-such-event"))
    with pytest.raises(MissingParent), store.unit_of_work(actor=ACTOR) as uow:
        uow.append(event(household_id="no-such-household"))
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        uow.delete(EntityKind.HOUSEHOLD, home.id)
    with pytest.raises(MissingParent), store.unit_of_work(actor=ACTOR) as uow:
        uow.append(visit(home.id))


def test_duplicate_ids_are_refused(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    with pytest.raises(DuplicateRecord), store.unit_of_work(actor=ACTOR) as uow:
        uow.create(dataclasses.replace(home, address="别处"))


def _reject(store: Store, op_id: str) -> None:
    with store.write() as repos:
        repos.outbox.set_status(
            op_id, OpStatus.REJECTED, reason="invalid", message="电话号码格式不正确", field="phone"
        )


def test_editing_a_rejected_record_supersedes_and_folds_the_parked_op(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    _pull(store, home, version=4)
    with store.write() as repos:
        repos.outbox.set_status(repos.outbox.pending()[0].op_id, OpStatus.APPLIED)

    bad = dataclasses.replace(home, version=4, phone="12", notes="新备注")
    with store.unit_of_work(actor=ACTOR) as uow:
        rejected_op = uow.update(bad)
    assert rejected_op is not None
    _reject(store, rejected_op.op_id)

    fixed = dataclasses.replace(bad, phone="13800003333")
    with store.unit_of_work(actor=ACTOR) as uow:
        retry = uow.update(fixed)
    assert retry is not None
    # The fix re-sends the parked note too, with the server's old values.
    assert retry.changes == {
        "phone": ("0571-88886666", "13800003333"),
        "notes": ("独居老人较多", "新备注"),
    }
    assert retry.base_version == 4 and retry.kind is ChangeKind.UPDATE
    with store.read() as repos:
        parked = repos.outbox.get(rejected_op.op_id)
        assert parked is not None and parked.status is OpStatus.SUPERSEDED
        assert parked.reason == "invalid" and parked.changes == rejected_op.changes
        assert repos.outbox.rejected() == []
        assert [op.op_id for op in repos.outbox.pending()] == [retry.op_id]


def test_reverting_a_rejected_edit_queues_nothing(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    with store.write() as repos:
        repos.outbox.set_status(repos.outbox.pending()[0].op_id, OpStatus.APPLIED)
    with store.unit_of_work(actor=ACTOR) as uow:
        bad = uow.update(dataclasses.replace(home, phone="12"))
    assert bad is not None
    _reject(store, bad.op_id)
    with store.unit_of_work(actor=ACTOR) as uow:
        assert uow.update(dataclasses.replace(home)) is None
    with store.read() as repos:
        assert repos.outbox.pending() == []
        assert repos.outbox.status_counts()[OpStatus.SUPERSEDED] == 1


def test_a_rejected_create_is_retried_as_a_create(store: Store) -> None:
    home = household(phone="12")
    with store.unit_of_work(actor=ACTOR) as uow:
        create = uow.create(home)
    _reject(store, create.op_id)
    fixed = dataclasses.replace(home, phone="13800004444")
    with store.unit_of_work(actor=ACTOR) as uow:
        retry = uow.update(fixed)
    assert retry is not None
    assert retry.kind is ChangeKind.CREATE and retry.base_version == 0
    assert retry.changes == {name: (None, v) for name, v in encode_fields(fixed).items()}


def test_deleting_a_rejected_record_supersedes_its_parked_op(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        create = uow.create(home)
    _reject(store, create.op_id)
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.delete(EntityKind.HOUSEHOLD, home.id)
    assert op is not None and op.kind is ChangeKind.DELETE
    with store.read() as repos:
        assert repos.outbox.rejected() == []
        assert [o.status for o in repos.outbox.for_entity(EntityKind.HOUSEHOLD, home.id)] == [
            OpStatus.SUPERSEDED,
            OpStatus.PENDING,
        ]
        assert repos.outbox.has_unsent(EntityKind.HOUSEHOLD, home.id)


def test_queued_ops_are_immutable_apart_from_status(store: Store) -> None:
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.create(household())
    with write_connection(store.engine) as connection:
        connection.execute(
            update(OutboxRow).where(OutboxRow.op_id == op.op_id).values(status="rejected")
        )
    with pytest.raises(DBAPIError, match="immutable"), write_connection(store.engine) as c:
        c.execute(update(OutboxRow).where(OutboxRow.op_id == op.op_id).values(base_version=9))
    with pytest.raises(DBAPIError, match="immutable"), write_connection(store.engine) as c:
        c.execute(update(OutboxRow).where(OutboxRow.op_id == op.op_id).values(changes={}))
    with store.read() as repos:
        stored = repos.outbox.get(op.op_id)
    assert stored is not None and stored.changes == op.changes and stored.base_version == 0


def test_pending_ops_come_in_sequence_order_and_limit(store: Store) -> None:
    with store.unit_of_work(actor=ACTOR) as uow:
        ops = [uow.create(household()) for _ in range(5)]
    _reject(store, ops[1].op_id)
    with store.read() as repos:
        assert [o.seq for o in repos.outbox.pending()] == [1, 3, 4, 5]
        assert [o.seq for o in repos.outbox.pending(limit=2)] == [1, 3]
        assert [o.op_id for o in repos.outbox.rejected()] == [ops[1].op_id]
        counts = repos.outbox.status_counts()
    assert counts[OpStatus.PENDING] == 4 and counts[OpStatus.REJECTED] == 1


def test_conflicts_keep_their_values_when_the_op_is_pruned(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.create(home)
    conflict = Conflict(
        id=str(uuid.uuid4()),
        entity=EntityKind.HOUSEHOLD,
        entity_id=home.id,
        field="phone",
        base=None,
        mine="13800000000",
        theirs=["a", "b"],
        created_at=datetime(2026, 5, 2, tzinfo=UTC),
        op_id=op.op_id,
    )
    with store.write() as repos:
        repos.conflicts.add(conflict)
        repos.outbox.set_status(op.op_id, OpStatus.CONFLICT)
    with store.read() as repos:
        assert repos.conflicts.entries() == [conflict]
        assert repos.conflicts.for_entity(EntityKind.HOUSEHOLD, home.id) == [conflict]
    with store.write() as repos:
        assert repos.outbox.prune_acknowledged() == 1
    with store.read() as repos:
        (kept,) = repos.conflicts.entries()
    assert kept == dataclasses.replace(conflict, op_id=None)  # FK ON DELETE SET NULL
    with store.write() as repos:
        repos.conflicts.resolve(conflict.id)
    with store.read() as repos:
        assert repos.conflicts.entries() == []
        assert repos.conflicts.entries(include_resolved=True)[0].resolved


def test_reveals_are_logged_for_audit(store: Store) -> None:
    home = household()
    person = resident(home.id)
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        uow.create(person)
        uow.record_reveal(EntityKind.RESIDENT, person.id, "id_number")
        uow.record_reveal(EntityKind.RESIDENT, person.id, "phone")
        with pytest.raises(WrongOperation):
            uow.record_reveal(EntityKind.RESIDENT, person.id, "password")
    with store.read() as repos:
        entries = repos.reveals.entries(kind=EntityKind.RESIDENT, record_id=person.id)
        assert len(repos.outbox.pending()) == 2  # a reveal is not a change to sync
    assert {e.field for e in entries} == {"id_number", "phone"}
    assert all(e.actor == ACTOR and e.at.tzinfo is UTC for e in entries)


def test_sync_state_values(store: Store) -> None:
    with store.read() as repos:
        assert repos.sync_state.get(SyncKey.DEVICE_ID) == store.device_id
        assert repos.sync_state.get(SyncKey.USERNAME) == ACTOR
        assert repos.sync_state.get(SyncKey.PULL_CURSOR) is None
        assert repos.sync_state.last_sync_at() is None
    when = datetime(2026, 5, 3, 4, 5, 6, tzinfo=UTC)
    with store.write() as repos:
        repos.sync_state.set(SyncKey.PULL_CURSOR, {"opaque": "abc", "n": 3})
        repos.sync_state.set_last_sync_at(when)
    with store.read() as repos:
        assert repos.sync_state.get(SyncKey.PULL_CURSOR) == {"opaque": "abc", "n": 3}
        assert repos.sync_state.last_sync_at() == when
    with pytest.raises(ValueError), store.write() as repos:
        repos.sync_state.set_last_sync_at(datetime(2026, 1, 1))


def test_foreign_keys_are_on(store: Store) -> None:
    with store.read() as repos:
        assert repos.records.counts()[EntityKind.HOUSEHOLD] == 0
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_pruning_keeps_what_is_still_owed_or_refused(store: Store) -> None:
    """Superseded ops go with the answered ones (a later op carries their content);
    pending and rejected ones stay, whatever their age."""
    made = [household() for _ in range(5)]
    with store.unit_of_work(actor=ACTOR) as uow:
        ops = [uow.create(h) for h in made]
    statuses = [
        OpStatus.APPLIED,
        OpStatus.MERGED,
        OpStatus.SUPERSEDED,
        OpStatus.REJECTED,
        OpStatus.PENDING,
    ]
    with store.write() as repos:
        for op, status in zip(ops, statuses, strict=True):
            repos.outbox.set_status(op.op_id, status)
        assert repos.outbox.prune_acknowledged(created_before=ops[0].created_at) == 0
        later = ops[-1].created_at + timedelta(seconds=1)
        assert repos.outbox.prune_acknowledged(created_before=later) == 3
    with store.read() as repos:
        left = {op.status for op in repos.outbox.unsent()}
        assert left == {OpStatus.REJECTED, OpStatus.PENDING}
        assert sum(repos.outbox.status_counts().values()) == 2
