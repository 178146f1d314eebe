"""Places and their checks across laptops and a real server (issue #16 item 5): a worker
registers a place and checks it offline, syncs; the township laptop lists it with its
latest check and prints it; a worker of another grid never receives it; a recheck from
the township and another check from the worker both arrive everywhere, without conflict."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from gridclient.reports.data import build_place_roster
from gridclient.storage.places import PlaceFocus, PlaceQueries
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import Place, PlaceInspection
from gridcore.domain.enums import EntityKind, PlaceKind, RiskLevel, Role
from gridcore.protocol import KIND_SINCE
from gridserver.config import parse_version
from tests.integration.sync.conftest import Laptop, World

TOWNSHIP = "320101001000"
TODAY = today_cst()


def _place_ids(laptop: Laptop) -> set[str]:
    return set(PlaceQueries(laptop.store.engine).place_ids())


def test_a_place_checked_offline_reaches_the_township_not_the_next_grid(
    world: World, laptops: dict[str, Laptop]
) -> None:
    w1, w2, t1 = laptops["w1"], laptops["w2"], laptops["t1"]
    for laptop in (w1, w2, t1):
        assert laptop.sync().ok  # the areas
    gas = Place(
        grid_id=world.areas["G1"],
        name="周记液化气供应点",
        kind=PlaceKind.HAZARDOUS_CHEMICALS,
        address="幸福路20号",
        contact="周强",
        phone="13912345678",
        risk_level=RiskLevel.MAJOR,
        is_key=True,
    )
    first = PlaceInspection(
        place_id=gas.id,
        inspector="何子健",
        inspected_on=TODAY - timedelta(days=10),
        findings="检查气瓶储存与台账",
        hazards="钢瓶超期未检",
        rectify_by=TODAY + timedelta(days=7),
    )
    # Offline on w1: both written locally, queued, nothing sent yet.
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.create(gas)
        uow.append(first)
    assert w1.pending() == 2
    assert t1.sync().ok and gas.id not in _place_ids(t1)

    assert w1.sync().ok and w1.pending() == 0
    assert t1.sync().ok and w2.sync().ok
    assert gas.id in _place_ids(t1)
    assert _place_ids(w2) == set()  # another grid: never received
    assert w2.get(EntityKind.PLACE_INSPECTION, first.id) is None
    township = PlaceQueries(t1.store.engine)
    assert township.place_ids(focus=PlaceFocus.HAZARD) == [gas.id]
    row = township.place_rows([gas.id])[gas.id]
    assert row[7] == f"{TODAY - timedelta(days=10)} 待整改"  # its deadline is to come
    stored = t1.get(EntityKind.PLACE_INSPECTION, first.id)
    assert stored is not None and stored.server_at is not None  # the server's copy

    # The township rechecks (rectified) while w1, offline again, adds its own check of
    # another matter: two appended records, no conflict, both everywhere.
    recheck = PlaceInspection(
        place_id=gas.id,
        inspector="镇应急办 李明",
        inspected_on=TODAY,
        findings="复查：已送检",
        hazards="钢瓶超期未检",
        rectified=True,
    )
    with t1.store.unit_of_work(actor="t1") as uow:
        uow.append(recheck)
    other = PlaceInspection(
        place_id=gas.id,
        inspector="何子健",
        inspected_on=TODAY - timedelta(days=5),
        findings="通风良好",
    )
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.append(other)
        stored_place = uow.repos.records.get(Place, gas.id)
        assert stored_place is not None
        uow.update(dataclasses.replace(stored_place, notes="储存间一处"))
    assert t1.sync().ok
    report = w1.sync()
    assert report.ok and report.conflicts == 0
    assert t1.sync().ok
    for laptop in (w1, t1):
        checks = PlaceQueries(laptop.store.engine).inspections(gas.id)
        assert [c.id for c in checks] == [recheck.id, other.id, first.id], laptop.username
        assert PlaceQueries(laptop.store.engine).place_ids(focus=PlaceFocus.HAZARD) == []
    with t1.store.read() as repos:
        assert repos.records.get(Place, gas.id).notes == "储存间一处"  # type: ignore[union-attr]
        assert repos.conflicts.for_entity(EntityKind.PLACE, gas.id) == []

    report = build_place_roster(t1.store, TOWNSHIP, Role.TOWNSHIP)
    [line] = report.rows
    assert line[1:3] == ("周记液化气供应点", "危化品/燃气点")
    assert (line[6], line[9], line[10]) == ("13912345678", TODAY.isoformat(), "已整改")
    assert w2.sync().ok and _place_ids(w2) == set()


def test_a_place_edited_on_two_laptops_merges_field_by_field(
    world: World, laptops: dict[str, Laptop]
) -> None:
    """A place is mutable like a household: edits of different fields on two laptops
    both apply; the same field changed to different values keeps the later one and the
    other in a conflict record, shown with the field's Chinese name and value."""
    from gridclient.ui.conflicts import field_label, format_value

    w1, t1 = laptops["w1"], laptops["t1"]
    # Conflicts of a kind newer than 0.4.0 reach only a client that reads it (KIND_SINCE).
    version = parse_version(w1.session.transport.client_version)
    assert version >= KIND_SINCE[EntityKind.PLACE]
    school = Place(grid_id=world.areas["G1"], name="幸福小学", kind=PlaceKind.SCHOOL)
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.create(school)
    assert w1.sync().ok and t1.sync().ok
    w1.edit(EntityKind.PLACE, school.id, contact="王校长", risk_level="general")
    t1.edit(EntityKind.PLACE, school.id, is_key=True, risk_level="major")
    assert w1.sync().ok
    report = t1.sync()
    assert report.ok and report.conflicts == 1 and report.conflicts_received == 1
    assert w1.sync().ok
    for laptop in (w1, t1):
        stored = laptop.get(EntityKind.PLACE, school.id)
        assert (stored.contact, stored.is_key, stored.risk_level) == (
            "王校长",
            True,
            RiskLevel.MAJOR,
        ), laptop.username
    with t1.store.read() as repos:
        [conflict] = repos.conflicts.for_entity(EntityKind.PLACE, school.id)
    assert conflict.field == "risk_level"
    assert format_value(EntityKind.PLACE, conflict.field, conflict.theirs) in ("一般", "较大")
    assert {conflict.mine, conflict.theirs} == {"general", "major"}
    assert field_label(conflict.field) == "Risk level"  # translated by the app (风险等级)
