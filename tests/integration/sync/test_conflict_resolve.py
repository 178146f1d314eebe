"""Deciding a conflict end to end: two laptops edit the same field, both see the
conflict, one decides through the unit of work, and after syncing both show the same
value and no open conflict (also when both decide at once, and for an edit that met a
delete)."""

from __future__ import annotations

import pytest

from gridclient.storage.syncmeta import Conflict, OpStatus
from gridcore.domain.enums import EntityKind, Role
from gridserver import auth
from tests.integration.sync.conftest import PASSWORD, Laptop, World, server_snapshot

H = EntityKind.HOUSEHOLD
W1_NOTE, T1_NOTE = "网格员的备注", "街道的备注"


def _conflict(world: World, laptops: dict[str, Laptop]) -> str:
    w1, t1 = laptops["w1"], laptops["t1"]
    household = w1.new_household(world.areas["G1"], notes="原备注")
    assert w1.sync().ok and t1.sync().ok
    w1.edit(H, household.id, notes=W1_NOTE)
    t1.edit(H, household.id, notes=T1_NOTE)
    assert w1.sync().ok
    assert t1.sync().conflicts == 1
    assert w1.sync().ok
    return household.id


def _open(laptop: Laptop, hid: str) -> list[Conflict]:
    with laptop.store.read() as repos:
        return [c for c in repos.conflicts.for_entity(H, hid) if not c.resolved]


def _decide(laptop: Laptop, conflict: Conflict, *, keep_mine: bool) -> None:
    with laptop.store.unit_of_work(actor=laptop.username) as uow:
        uow.resolve(conflict.id, conflict.side_of(keep_mine))


def _converged(world: World, laptops: dict[str, Laptop], hid: str, notes: str) -> None:
    expected = server_snapshot(world)[(H.value, hid)]
    for laptop in (laptops["w1"], laptops["t1"]):
        assert laptop.get(H, hid).notes == notes
        assert laptop.snapshot()[(H.value, hid)] == expected
        assert _open(laptop, hid) == []
        assert laptop.pending() == 0


@pytest.mark.parametrize(
    ("resolver", "keep_mine", "expected"),
    [
        ("w1", True, W1_NOTE),
        ("w1", False, T1_NOTE),
        ("t1", True, T1_NOTE),
        ("t1", False, W1_NOTE),
    ],
)
def test_one_side_decides_and_both_laptops_converge(
    world: World, laptops: dict[str, Laptop], resolver: str, keep_mine: bool, expected: str
) -> None:
    hid = _conflict(world, laptops)
    for laptop in (laptops["w1"], laptops["t1"]):
        [conflict] = _open(laptop, hid)
        assert {conflict.mine, conflict.theirs} == {W1_NOTE, T1_NOTE}
    deciding = laptops[resolver]
    [conflict] = _open(deciding, hid)
    assert conflict.mine == (W1_NOTE if resolver == "w1" else T1_NOTE)
    _decide(deciding, conflict, keep_mine=keep_mine)
    assert deciding.get(H, hid).notes == expected  # optimistic, before any sync
    [waiting] = _open(deciding, hid)
    assert waiting.resolving
    report = deciding.sync()
    assert report.ok and report.rejected == 0
    other = laptops["t1" if resolver == "w1" else "w1"]
    assert other.sync().ok
    _converged(world, laptops, hid, expected)


def test_both_decide_offline_the_first_decision_wins(
    world: World, laptops: dict[str, Laptop]
) -> None:
    hid = _conflict(world, laptops)
    w1, t1 = laptops["w1"], laptops["t1"]
    [mine_w1] = _open(w1, hid)
    [mine_t1] = _open(t1, hid)
    _decide(w1, mine_w1, keep_mine=True)
    _decide(t1, mine_t1, keep_mine=True)
    assert t1.get(H, hid).notes == T1_NOTE
    assert w1.sync().ok
    report = t1.sync()
    assert report.rejected == 1  # honest: t1's decision did not take effect
    with t1.store.read() as repos:
        [op] = [o for o in repos.outbox.for_entity(H, hid) if o.conflict_id == mine_t1.id]
    assert (op.status, op.reason) == (OpStatus.SUPERSEDED, "already_resolved")
    assert op.message and "已于" in op.message
    assert t1.sync().ok
    _converged(world, laptops, hid, W1_NOTE)
    with t1.store.read() as repos:
        [closed] = repos.conflicts.for_entity(H, hid)
    assert (closed.resolved, closed.resolution) == (True, "server")


def test_keeping_an_edit_that_met_a_delete_restores_the_record_everywhere(
    world: World, laptops: dict[str, Laptop]
) -> None:
    w1, t1 = laptops["w1"], laptops["t1"]
    household = w1.new_household(world.areas["G1"], notes="原备注")
    hid = household.id
    assert w1.sync().ok and t1.sync().ok
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.delete(H, hid)
    t1.edit(H, hid, notes="删除后才改")
    assert w1.sync().ok
    assert t1.sync().conflicts == 1
    assert w1.sync().ok and t1.get(H, hid).deleted
    [conflict] = _open(t1, hid)
    assert conflict.field == "" and conflict.mine_side == "incoming"
    _decide(t1, conflict, keep_mine=True)
    assert not t1.get(H, hid).deleted  # restored at once, with the edit
    assert t1.sync().ok and w1.sync().ok
    for laptop in (w1, t1):
        record = laptop.get(H, hid)
        assert (record.deleted, record.notes) == (False, "删除后才改")
        assert _open(laptop, hid) == []
    assert w1.snapshot()[(H.value, hid)] == server_snapshot(world)[(H.value, hid)]


def test_a_refused_decision_is_undone_and_the_conflict_stays_open(
    world: World, laptops: dict[str, Laptop]
) -> None:
    """A worker of the village (G1 in scope) who wrote neither side: the UI offers no
    buttons, and the server refuses a decision queued anyway; the kept value shown
    meanwhile goes back and the conflict is open again, with the refusal visible."""
    auth.add_user(
        world.server.db,
        world.server.settings,
        auth.NewUser("wv", Role.WORKER, "320101001001"),
        PASSWORD,
    )
    hid = _conflict(world, laptops)
    wv = laptops["wv"]
    assert wv.sync().ok
    [conflict] = _open(wv, hid)
    assert conflict.mine_side is None  # neither side is this user's
    _decide(wv, conflict, keep_mine=False)  # theirs = the server side: w1's note
    assert wv.get(H, hid).notes == W1_NOTE
    report = wv.sync()
    assert report.rejected == 1 and not report.ok
    assert wv.get(H, hid).notes == T1_NOTE  # undone: the server's value stands
    [reopened] = _open(wv, hid)
    assert reopened.resolution is None and not reopened.resolving
    with wv.store.read() as repos:
        [op] = repos.outbox.rejected()
    assert (op.conflict_id, op.reason) == (conflict.id, "role")
    # A later sync neither retries it nor puts the refused value back on top.
    laptops["t1"].edit(H, hid, number="9")
    assert laptops["t1"].sync().ok
    wv.sync()
    assert wv.get(H, hid).notes == T1_NOTE and wv.get(H, hid).number == "9"
    with wv.store.read() as repos:
        assert repos.outbox.pending() == []


@pytest.mark.parametrize("keep_edit", [True, False])
def test_a_delete_on_a_stale_copy_meets_the_edit_and_either_side_can_be_kept(
    world: World, laptops: dict[str, Laptop], keep_edit: bool
) -> None:
    """t1 deletes a household on a copy older than w1's edit: the delete applies, the
    edit is kept in a conflict both laptops see; keeping the edit restores it."""
    w1, t1 = laptops["w1"], laptops["t1"]
    household = w1.new_household(world.areas["G1"], notes="原备注")
    assert w1.sync().ok and t1.sync().ok
    w1.edit(H, household.id, notes=W1_NOTE)
    assert w1.sync().ok
    with t1.store.unit_of_work(actor="t1") as uow:
        uow.delete(H, household.id)
    assert t1.sync().conflicts == 1
    assert w1.sync().ok
    for laptop in (w1, t1):
        assert laptop.get(H, household.id).deleted
        [conflict] = _open(laptop, household.id)
        assert conflict.field == ""
        assert {str(conflict.mine), str(conflict.theirs)} == {str({"notes": W1_NOTE}), "None"}
    [conflict] = _open(w1, household.id)
    _decide(w1, conflict, keep_mine=keep_edit)  # w1 wrote the edit: "mine" is the edit
    assert w1.get(H, household.id).deleted is (not keep_edit)  # optimistic
    assert w1.sync().ok and t1.sync().ok and w1.sync().ok
    expected = server_snapshot(world)[(H.value, household.id)]
    assert expected[1] is (not keep_edit)
    for laptop in (w1, t1):
        assert laptop.snapshot()[(H.value, household.id)] == expected
        assert _open(laptop, household.id) == []
        assert laptop.pending() == 0


def test_a_decision_never_hides_another_laptops_edit_made_in_between(
    world: World, laptops: dict[str, Laptop]
) -> None:
    """The decision changes nothing on the server (the kept value is the one in use),
    and a colleague changed another field meanwhile: the deciding laptop must still
    pull that edit, and its next edit of that field must not overwrite it unseen."""
    hid = _conflict(world, laptops)
    w1, t1, other = laptops["w1"], laptops["t1"], laptops["w1b:w1"]
    assert other.sync().ok
    other.edit(H, hid, phone="13912345678")
    assert other.sync().ok
    [conflict] = _open(w1, hid)
    in_use = conflict.side_of(keep_mine=False) == "incoming"  # theirs is applied
    _decide(w1, conflict, keep_mine=not in_use)
    assert w1.sync().ok
    assert w1.get(H, hid).phone == "13912345678"
    assert w1.snapshot()[(H.value, hid)] == server_snapshot(world)[(H.value, hid)]
    w1.edit(H, hid, phone="13800000000")
    assert w1.sync().ok and t1.sync().ok and other.sync().ok
    for laptop in (w1, t1, other):
        assert laptop.snapshot()[(H.value, hid)] == server_snapshot(world)[(H.value, hid)]
