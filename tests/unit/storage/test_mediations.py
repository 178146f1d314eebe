"""调解记录 in the local store: saved and queued like any mutable record, checked as the
server checks them before anything is written (dispute event, own rules, event fixed)."""

from __future__ import annotations

import dataclasses

import pytest

from gridclient.storage import Store
from gridclient.storage.errors import MissingParent
from gridclient.storage.syncmeta import OpStatus
from gridcore.domain import limits
from gridcore.domain.catalog import EventCatalog
from gridcore.domain.entities import Mediation
from gridcore.domain.enums import ChangeKind, EntityKind, MediationOutcome
from tests.unit.storage.factories import ACTOR, event, mediation

CATALOG = EventCatalog.from_json(
    {
        "version": "t",
        "categories": [
            {"code": "JF01", "name": "邻里纠纷", "group": "dispute", "ledger": "appeal",
             "time_limits": {"normal": 15}},
            {"code": "YH01", "name": "消防安全隐患", "group": "hazard", "ledger": "complaint",
             "time_limits": {"normal": 3}},
        ],
    }
)  # fmt: skip


@pytest.fixture
def catalog_store(store: Store) -> Store:
    with store.write() as repos:
        repos.catalog.save(CATALOG)
    return store


def _count(store: Store) -> int:
    with store.read() as repos:
        return repos.records.counts().get(EntityKind.MEDIATION, 0)


def test_a_mediation_of_a_dispute_event_is_saved_and_queued(catalog_store: Store) -> None:
    dispute = event(category_code="JF01")
    record = mediation(dispute.id)
    with catalog_store.unit_of_work(actor=ACTOR) as uow:
        uow.append(dispute)
        op = uow.create(record)
    assert op.entity is EntityKind.MEDIATION and op.kind is ChangeKind.CREATE
    assert op.status is OpStatus.PENDING
    assert op.changes["sessions"][1][0] == {
        "on": "2026-03-03",
        "place": "村委会调解室",
        "note": "双方到场",
    }
    with catalog_store.read() as repos:
        assert repos.records.get(Mediation, record.id) == record

    edited = dataclasses.replace(
        record, outcome=MediationOutcome.FAILED, agreement_kind=record.agreement_kind
    )
    with catalog_store.unit_of_work(actor=ACTOR) as uow:
        update = uow.update(edited)
    assert update is not None
    with catalog_store.read() as repos:
        stored = repos.records.get(Mediation, record.id)
        assert stored is not None and stored.outcome is MediationOutcome.FAILED


def test_a_non_dispute_event_is_refused_and_nothing_is_written(catalog_store: Store) -> None:
    hazard = event(category_code="YH01")
    with catalog_store.unit_of_work(actor=ACTOR) as uow:
        uow.append(hazard)
    with (
        pytest.raises(limits.InvalidValue) as caught,
        catalog_store.unit_of_work(actor=ACTOR) as uow,
    ):
        uow.create(mediation(hazard.id))
    assert caught.value.field == "event_id"
    assert "只有矛盾纠纷类事件可以登记调解记录" in caught.value.message
    assert _count(catalog_store) == 0


def test_missing_event_and_broken_rules_are_refused(catalog_store: Store) -> None:
    with pytest.raises(MissingParent), catalog_store.unit_of_work(actor=ACTOR) as uow:
        uow.create(mediation("no-such-event"))
    dispute = event(category_code="JF01")
    with catalog_store.unit_of_work(actor=ACTOR) as uow:
        uow.append(dispute)
    with (
        pytest.raises(limits.InvalidValue) as caught,
        catalog_store.unit_of_work(actor=ACTOR) as uow,
    ):
        uow.create(mediation(dispute.id, parties=""))
    assert caught.value.message == "请填写当事人（纠纷双方）"
    assert _count(catalog_store) == 0


def test_the_event_of_a_mediation_cannot_change(catalog_store: Store) -> None:
    first, second = event(category_code="JF01"), event(category_code="JF01")
    record = mediation(first.id)
    with catalog_store.unit_of_work(actor=ACTOR) as uow:
        uow.append(first)
        uow.append(second)
        uow.create(record)
    with (
        pytest.raises(limits.InvalidValue) as caught,
        catalog_store.unit_of_work(actor=ACTOR) as uow,
    ):
        uow.update(dataclasses.replace(record, event_id=second.id))
    assert caught.value.message == "调解记录所属的事件不能更改"
    with catalog_store.read() as repos:
        stored = repos.records.get(Mediation, record.id)
        assert stored is not None and stored.event_id == first.id
