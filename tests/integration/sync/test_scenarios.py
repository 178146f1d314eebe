"""Two grid workers and a township user against a real server: the scenarios of the
sync protocol, end to end."""

from __future__ import annotations

from gridclient.storage.syncmeta import OpStatus, SyncKey
from gridcore.domain.enums import EntityKind
from tests.integration.sync.conftest import Laptop, World, server_snapshot

H = EntityKind.HOUSEHOLD


def _shared_household(world: World, laptops: dict[str, Laptop]) -> str:
    """A G1 household created by w1 and known to t1."""
    w1, t1 = laptops["w1"], laptops["t1"]
    household = w1.new_household(world.areas["G1"], notes="原备注", number="1")
    assert w1.sync().ok
    assert t1.sync().ok
    assert t1.get(H, household.id).notes == "原备注"
    return household.id


def test_push_then_pull_reaches_the_other_users(world: World, laptops: dict[str, Laptop]) -> None:
    w1, w2, t1 = laptops["w1"], laptops["w2"], laptops["t1"]
    household = w1.new_household(world.areas["G1"])
    resident = w1.new_resident(household.id)
    report = w1.sync()
    assert report.ok, report.errors
    assert (report.pushed, report.applied, report.rejected) == (2, 2, 0)
    assert w1.pending() == 0
    assert w1.get(H, household.id).version >= 1
    with w1.store.read() as repos:
        assert repos.sync_state.last_sync_at() is not None
        assert repos.sync_state.get(SyncKey.PULL_CURSOR)
    report = t1.sync()
    assert report.ok and report.pulled >= 2
    assert t1.get(EntityKind.RESIDENT, resident.id).name == "张三"
    assert w2.sync().ok
    assert w2.get(H, household.id) is None  # another grid: out of w2's scope
    expected = server_snapshot(world)
    assert {k: v for k, v in t1.snapshot().items() if k in expected} == expected
    assert w1.snapshot() == {k: v for k, v in expected.items() if k in w1.snapshot()}


def test_own_records_coming_back_are_not_counted_as_received(
    world: World, laptops: dict[str, Laptop]
) -> None:
    """The server's copy of what a laptop just sent comes back through the pull (and
    is stored), but "上传 2 条，下载 2 条" would tell the worker that something arrived:
    only records changed elsewhere count as received (issue #13)."""
    w1, t1 = laptops["w1"], laptops["t1"]
    assert w1.sync().ok  # whatever the world already holds
    household = w1.new_household(world.areas["G1"], number="7")
    w1.new_resident(household.id)
    report = w1.sync()
    assert report.ok and (report.pushed, report.applied) == (2, 2)
    assert report.pulled == 2 and report.echoed == 2 and report.received == 0
    assert "上传 2 条，下载 0 条" in report.summary_zh()
    assert w1.get(H, household.id).version >= 1  # the server's copy is stored all the same
    # A record w1 sent that someone else changed since is news: counted.
    assert t1.sync().ok
    t1.edit(H, household.id, notes="街道的备注")
    assert t1.sync().ok
    w1.edit(H, household.id, address="幸福路2号")
    report = w1.sync()
    assert report.ok and report.merged == 1  # on a base older than t1's note
    assert report.received == 1
    w1.new_resident(household.id, name="李四")
    t1.edit(H, household.id, notes="街道的第二条备注")
    assert t1.sync().ok
    report = w1.sync()
    assert report.ok and report.pulled == 2 and report.received == 1  # t1's note


def test_same_field_on_two_laptops_is_a_conflict_both_see(
    world: World, laptops: dict[str, Laptop]
) -> None:
    hid = _shared_household(world, laptops)
    w1, t1 = laptops["w1"], laptops["t1"]
    w1.edit(H, hid, notes="网格员的备注")
    t1.edit(H, hid, notes="街道的备注")
    assert w1.sync().ok
    report = t1.sync()
    assert report.conflicts == 1 and report.ok
    assert w1.sync().ok
    for laptop in (w1, t1):
        with laptop.store.read() as repos:
            [conflict] = repos.conflicts.for_entity(H, hid)
            assert conflict.field == "notes"
            assert {conflict.mine, conflict.theirs} == {"网格员的备注", "街道的备注"}
            assert conflict.base == "原备注"
    assert w1.get(H, hid).notes == t1.get(H, hid).notes == "街道的备注"  # later arrival wins
    with t1.store.read() as repos:
        [conflict] = repos.conflicts.for_entity(H, hid)
        assert conflict.mine == "街道的备注" and conflict.op_id is not None
    assert w1.get(H, hid).version == t1.get(H, hid).version


def test_disjoint_fields_merge_without_conflict(world: World, laptops: dict[str, Laptop]) -> None:
    hid = _shared_household(world, laptops)
    w1, t1 = laptops["w1"], laptops["t1"]
    w1.edit(H, hid, notes="新备注")
    t1.edit(H, hid, number="2")
    assert w1.sync().ok
    report = t1.sync()
    assert report.ok and report.merged == 1 and report.conflicts == 0
    assert w1.sync().ok
    for laptop in (w1, t1):
        record = laptop.get(H, hid)
        assert (record.notes, record.number) == ("新备注", "2")
        with laptop.store.read() as repos:
            assert repos.conflicts.for_entity(H, hid) == []
    assert (
        w1.get(H, hid).version
        == t1.get(H, hid).version
        == server_snapshot(world)[(H.value, hid)][0]
    )


def test_edit_after_delete_is_kept_as_a_conflict(world: World, laptops: dict[str, Laptop]) -> None:
    hid = _shared_household(world, laptops)
    w1, t1 = laptops["w1"], laptops["t1"]
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.delete(H, hid)
    t1.edit(H, hid, notes="删除后才改")
    assert w1.sync().ok
    report = t1.sync()
    assert report.conflicts == 1 and report.ok
    assert w1.sync().ok
    for laptop in (w1, t1):
        assert laptop.get(H, hid).deleted
        with laptop.store.read() as repos:
            [conflict] = repos.conflicts.for_entity(H, hid)
        assert conflict.field == ""  # the whole edit met a tombstone
        assert "删除后才改" in str(conflict.mine) + str(conflict.theirs)


def test_rebase_keeps_pending_values_on_top_of_a_pulled_base(
    world: World, laptops: dict[str, Laptop]
) -> None:
    hid = _shared_household(world, laptops)
    w1, t1 = laptops["w1"], laptops["t1"]
    w1.edit(H, hid, number="9")
    assert w1.sync().ok
    server_version = server_snapshot(world)[(H.value, hid)][0]
    t1.edit(H, hid, notes="街道改的")  # pending while the pull brings w1's change
    engine = t1.engine()
    engine._push = lambda report: None  # type: ignore[method-assign]  # pull only
    assert engine.run().ok
    record = t1.get(H, hid)
    assert record.version == server_version  # the new base
    assert (record.number, record.notes) == ("9", "街道改的")  # pending value on top
    assert t1.pending() == 1
    report = t1.sync()  # the queued op keeps its old base: the server merges it
    assert report.ok and report.merged == 1 and report.conflicts == 0
    assert w1.sync().ok
    assert w1.get(H, hid).notes == "街道改的" and t1.get(H, hid).number == "9"
    assert w1.get(H, hid).version == t1.get(H, hid).version


def test_rejected_op_is_parked_while_the_rest_syncs(
    world: World, laptops: dict[str, Laptop]
) -> None:
    w1 = laptops["w1"]
    household = w1.new_household(world.areas["G1"])
    # Out of scope for w1: a household in G2 is rejected by the server.
    stray = w1.new_household(world.areas["G2"], address="别人的网格")
    after = w1.new_resident(household.id, "李四")
    report = w1.sync()
    assert not report.ok and report.rejected == 1
    assert report.applied == 2
    with w1.store.read() as repos:
        [parked] = repos.outbox.rejected()
        assert parked.entity_id == stray.id and parked.reason == "not_found"  # G2: not visible
        assert parked.message
    assert w1.pending() == 0
    again = w1.sync()  # parked ops are not retried
    assert again.ok and again.pushed == 0
    assert (EntityKind.RESIDENT.value, after.id) in server_snapshot(world)
    with w1.store.read() as repos:
        assert repos.outbox.get(parked.op_id).status is OpStatus.REJECTED  # type: ignore[union-attr]
