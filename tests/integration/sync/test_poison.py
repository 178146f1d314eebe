"""One poisoned op leaves every other record syncing (issue 11): ops an older client
queued without today's field checks (a NUL from an Excel ``_x0000_`` cell, a control
character, a count beyond its bounds, a date out of range) are rejected by the server
one by one and parked on the laptop with a Chinese reason and the field; the rest of
its queue is applied; every other laptop keeps syncing; a fix of the parked record
goes through."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from gridclient.storage.syncmeta import OpStatus
from gridcore.domain import limits
from gridcore.domain.entities import Household, Organization, Resident, Visit
from gridcore.domain.enums import EntityKind
from tests.integration.sync.conftest import Laptop, World


def _unchecked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Queue as a client without the checks did (the ops sit in its outbox already)."""
    monkeypatch.setattr(limits, "check_record", lambda record, fields=None: None)


def test_poisoned_ops_are_parked_and_the_queue_goes_on(
    world: World, laptops: dict[str, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    w1, w2, t1 = laptops["w1"], laptops["w2"], laptops["t1"]
    for laptop in (w1, w2, t1):
        assert laptop.sync().ok
    g1 = world.areas["G1"]
    first = w1.new_household(g1, "甲路1号")
    with monkeypatch.context() as patch:
        _unchecked(patch)
        nul = w1.new_household(g1, "乙路\x002号")
        bell = w1.new_resident(first.id, "李\x07四")
        club = Organization(grid_id=g1, name="老年人协会", members=5_000_000)
        old = Visit(
            household_id=first.id,
            grid_id=g1,
            visitor="w1",
            visited_at=datetime(1850, 1, 1, tzinfo=UTC),
        )
        born = Resident(household_id=first.id, name="赵六", birth_date=date(1, 1, 1))
        with w1.store.unit_of_work(actor="w1") as uow:
            uow.create(club)
            uow.append(old)
            uow.create(born)
    last = w1.new_household(g1, "丙路3号")

    report = w1.sync()
    assert report.rejected == 5 and not report.errors
    expected = {
        (EntityKind.HOUSEHOLD, nul.id): "address",
        (EntityKind.RESIDENT, bell.id): "name",
        (EntityKind.ORGANIZATION, club.id): "members",
        (EntityKind.VISIT, old.id): "visited_at",
        (EntityKind.RESIDENT, born.id): "birth_date",
    }
    with w1.store.read() as repos:
        for (kind, record_id), field in expected.items():
            [parked] = repos.outbox.for_entity(kind, record_id)
            assert parked.status is OpStatus.REJECTED
            assert (parked.reason, parked.field) == ("invalid_field", field)
            assert parked.message and any("\u4e00" <= c <= "\u9fff" for c in parked.message)
        for record in (first, last):
            [sent] = repos.outbox.for_entity(EntityKind.HOUSEHOLD, record.id)
            assert sent.status is OpStatus.APPLIED
    assert w1.pending() == 0

    # Every other laptop syncs on and sees the good records, none of the poisoned ones.
    for laptop in (w2, t1):
        assert laptop.sync().ok
    assert t1.get(EntityKind.HOUSEHOLD, first.id) is not None
    assert t1.get(EntityKind.HOUSEHOLD, last.id) is not None
    for kind, record_id in expected:
        assert t1.get(kind, record_id) is None

    # The worker fixes the parked household: the fix (with the parked create folded
    # in) goes through.
    with w1.store.unit_of_work(actor="w1") as uow:
        stored = uow.repos.records.get(Household, nul.id)
        assert stored is not None
        uow.update(dataclasses.replace(stored, address="乙路2号"))
    w1.sync()
    assert t1.sync().ok
    fixed = t1.get(EntityKind.HOUSEHOLD, nul.id)
    assert fixed is not None and fixed.address == "乙路2号"
