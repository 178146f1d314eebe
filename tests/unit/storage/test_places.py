"""Places and their checks in the local store: the 场所 list's filters and columns, the
latest check derived from append-only records (corrections and rechecks), the parent
rule and the layout fields."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from gridclient.storage import Store
from gridclient.storage.errors import AppendOnlyError, MissingParent
from gridclient.storage.places import PlaceFocus, PlaceQueries
from gridcore.domain.entities import Place
from gridcore.domain.enums import ChangeKind, EntityKind, PlaceKind, RiskLevel
from tests.unit.storage.factories import ACTOR, area, inspection, place


def _seed(store: Store) -> dict[str, str]:
    grid = area(name="幸福社区第一网格")
    other = area(code="330106001002", name="幸福社区第二网格")
    shop = place(grid_id=grid.id, risk_level=None, is_key=False, phone="13812345678")
    gas = place(
        grid_id=grid.id,
        name="周记液化气供应点",
        kind=PlaceKind.HAZARDOUS_CHEMICALS,
        risk_level=RiskLevel.MAJOR,
        is_key=True,
        contact="周强",
        address="幸福路20号",
    )
    pond = place(grid_id=other.id, name="东塘", kind=PlaceKind.WATER, is_key=True)
    with store.unit_of_work(actor=ACTOR) as uow:
        for record in (grid, other, shop, gas, pond):
            uow.create(record)
        # The gas point: a hazard found on 3 March, the recheck on 9 March found it
        # rectified. The shop: a hazard found and still open (and a typo corrected).
        uow.append(inspection(gas.id, inspected_on=date(2026, 3, 2)))
        uow.append(
            inspection(gas.id, inspected_on=date(2026, 3, 9), rectified=True, rectify_by=None)
        )
        first = inspection(shop.id, inspected_on=date(2026, 4, 1), hazards="")
        uow.append(first)
        uow.append(
            inspection(
                shop.id, inspected_on=date(2026, 4, 1), hazards="电线私拉", corrects_id=first.id
            )
        )
    return {"grid": grid.id, "other": other.id, "shop": shop.id, "gas": gas.id, "pond": pond.id}


def test_the_list_filters_by_grid_kind_focus_and_text(store: Store) -> None:
    ids = _seed(store)
    queries = PlaceQueries(store.engine)
    assert set(queries.place_ids()) == {ids["shop"], ids["gas"], ids["pond"]}
    # By grid, then kind in the enum's order (商铺 before 危化品), then name.
    assert queries.place_ids([ids["grid"]]) == [ids["shop"], ids["gas"]]
    assert queries.place_ids(kind=PlaceKind.WATER) == [ids["pond"]]
    assert set(queries.place_ids(focus=PlaceFocus.KEY)) == {ids["gas"], ids["pond"]}
    assert queries.place_ids(focus=PlaceFocus.RISK) == [ids["gas"]]
    assert queries.place_ids(focus=PlaceFocus.HAZARD) == [ids["shop"]]
    assert queries.place_ids(text="周强") == [ids["gas"]]
    assert queries.place_ids(text="幸福路 液化气") == [ids["gas"]]
    assert queries.place_ids(text="100%") == []


def test_rows_mask_the_phone_and_show_the_latest_check(store: Store) -> None:
    ids = _seed(store)
    rows = PlaceQueries(store.engine).place_rows([ids["shop"], ids["gas"], ids["pond"]])
    name, kind, grid, _address, contact, shown_phone, risk, last = rows[ids["shop"]]
    assert (name, kind, grid, contact) == ("惠民超市", "沿街商铺/门店", "幸福社区第一网格", "钱七")
    assert shown_phone == "138****5678"
    assert risk == ""
    # The correction replaced the first record: the hazard it adds is open.
    assert last == "2026-04-01 逾期未整改"  # its deadline (2026-03-09) has passed
    assert rows[ids["gas"]][6] == "较大 · 重点"
    assert rows[ids["gas"]][7] == "2026-03-09"
    assert rows[ids["pond"]][7] == "未检查"


def test_the_form_reads_current_checks_newest_first(store: Store) -> None:
    ids = _seed(store)
    checks = PlaceQueries(store.engine).inspections(ids["gas"])
    assert [c.inspected_on for c in checks] == [date(2026, 3, 9), date(2026, 3, 2)]
    [shop_check] = PlaceQueries(store.engine).inspections(ids["shop"])
    assert shop_check.hazards == "电线私拉" and shop_check.open_hazard


def test_a_check_needs_a_live_place_and_is_append_only(store: Store) -> None:
    ids = _seed(store)
    with pytest.raises(MissingParent), store.unit_of_work(actor=ACTOR) as uow:
        uow.append(inspection("no-such-place"))
    check = inspection(ids["pond"])
    with store.unit_of_work(actor=ACTOR) as uow:
        op = uow.append(check)
    assert op is not None and op.kind is ChangeKind.CREATE
    assert op.entity is EntityKind.PLACE_INSPECTION
    with pytest.raises(AppendOnlyError), store.unit_of_work(actor=ACTOR) as uow:
        uow.update(check)


def test_editing_a_place_field_the_list_sorts_by_moves_it(store: Store) -> None:
    ids = _seed(store)
    with store.read() as repos:
        gas = repos.records.get(Place, ids["gas"])
    assert gas is not None
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.update(dataclasses.replace(gas, notes="新增一处储存间"))
    assert not uow.changes().moves(EntityKind.PLACE)
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.update(dataclasses.replace(gas, notes="新增一处储存间", risk_level=RiskLevel.SEVERE))
    assert uow.changes().moves(EntityKind.PLACE)


def test_a_check_not_yet_synced_is_the_latest_of_its_day(store: Store) -> None:
    """The server's copy of one check (with its ``server_at``) and a check recorded here
    the same day, not synced yet: they sort without error, the local one last."""
    from datetime import UTC, datetime

    from gridclient.storage.bulk import bulk_upsert
    from gridcore.domain.codec import wire_row

    ids = _seed(store)
    synced = inspection(
        ids["pond"],
        inspected_on=date(2026, 5, 1),
        hazards="",
        rectify_by=None,
        version=1,
        server_at=datetime(2026, 5, 1, 3, tzinfo=UTC),
    )
    with store.engine.begin() as connection:
        bulk_upsert(connection, EntityKind.PLACE_INSPECTION, [wire_row(synced)])
    local = inspection(ids["pond"], inspected_on=date(2026, 5, 1), rectify_by=None)
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.append(local)
    queries = PlaceQueries(store.engine)
    assert [c.id for c in queries.inspections(ids["pond"])] == [local.id, synced.id]
    assert queries.place_rows([ids["pond"]])[ids["pond"]][7] == "2026-05-01 待整改"
