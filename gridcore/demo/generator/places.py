"""A grid's places (地、物): schools, clinics, shops, rented flats, hazards and sites, and
their inspections. Drawn last, from a stream of their own (``Draws.stream``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from gridcore.demo import texts as T
from gridcore.demo.generator.drafts import Grid
from gridcore.demo.generator.draws import Draws
from gridcore.demo.generator.organizations import adult
from gridcore.domain.entities import CST, Place, PlaceInspection
from gridcore.domain.enums import PlaceKind, RiskLevel


def add_places(d: Draws, grid: Grid, inspector: str) -> None:
    K = PlaceKind
    unit = grid.unit_name
    first_grid = grid.area.code.endswith("001")
    # (kind, name, address, key place, risk level)
    items: list[tuple[PlaceKind, str, str, bool, RiskLevel | None]] = []
    road = d.pick(grid.roads) if grid.roads else unit
    if first_grid:
        school = f"{unit}小学" if grid.is_village else f"{unit}幼儿园"
        clinic = f"{unit}村卫生室" if grid.is_village else f"{unit}社区卫生服务站"
        items += [
            (K.SCHOOL, school, _place_address(d, grid), True, RiskLevel.GENERAL),
            (K.MEDICAL, clinic, _place_address(d, grid), False, None),
        ]
    patterns = T.SHOP_PATTERNS_VILLAGE if grid.is_village else T.SHOP_PATTERNS_COMMUNITY
    for pattern in d.rng.sample(patterns, d.between(1, 3)):
        name = pattern.format(
            s=d.surnames.pick(d.rng),
            unit=unit,
            crop=d.pick(T.CROPS),
            compound=d.pick(grid.blocks) if not grid.is_village else "",
            road=road,
        )
        items.append((K.SHOP, name, _place_address(d, grid), False, None))
    for _ in range(d.between(1, 3)):
        address = _place_address(d, grid)
        items.append((K.RENTAL_HOUSING, f"{address}出租房", address, False, None))
    if d.chance(0.5):
        name = f"{d.surnames.pick(d.rng)}记液化气供应点"
        items.append((K.HAZARDOUS_CHEMICALS, name, _place_address(d, grid), True, RiskLevel.MAJOR))
    if grid.is_village:
        items.append(
            (K.WATER, f"{unit}{d.pick('东西南北')}塘", f"{unit}村口", True, RiskLevel.MAJOR)
        )
        if d.chance(0.3):
            items.append(
                (K.GEOLOGICAL_HAZARD, f"{unit}后山滑坡隐患点", f"{unit}后山", True,
                 RiskLevel.SEVERE)
            )  # fmt: skip
    else:
        block = d.pick(grid.blocks)
        items += [
            (K.FACILITY, f"{block}小区电梯（{d.between(1, 8)}栋）", f"{block}小区",
             False, RiskLevel.GENERAL),
            (K.FIRE_KEY, f"{block}小区地下车库", f"{block}小区", True, RiskLevel.MAJOR),
        ]  # fmt: skip
    if d.chance(0.2):
        items.append((K.CONSTRUCTION_SITE, f"{road}道路改造工地", road, True, RiskLevel.MAJOR))
    micro_of = {h.household.address: h.household.micro_grid_id for h in grid.homes}
    for kind, name, address, key, risk in items:
        contact = adult(d, grid)
        place = Place(
            id=d.uid(),
            grid_id=grid.area.id,
            name=name,
            kind=kind,
            micro_grid_id=micro_of.get(address),
            address=address,
            contact=contact.name,
            phone=contact.phone,
            risk_level=risk,
            is_key=key,
        )
        d.ds.places.append(place)
        _inspections(d, inspector, place)


def _place_address(d: Draws, grid: Grid) -> str:
    return d.pick(grid.homes).household.address


def _inspections(d: Draws, inspector: str, place: Place) -> None:
    """Key places checked every month or two, others now and then; a hazard found
    is rechecked by its deadline (most of them rectified by then)."""
    count = d.between(3, 6) if place.is_key else d.between(0, 2)
    days = sorted(d.between(1, 360) for _ in range(count))
    for ago in reversed(days):
        day = d.today - timedelta(ago)
        hazard = d.chance(0.25)
        findings, hazards = d.pick(T.PLACE_CHECKS[place.kind.value if hazard else ""])
        check = PlaceInspection(
            id=d.uid(),
            place_id=place.id,
            inspector=inspector,
            inspected_on=day,
            findings=findings,
            hazards=hazards if hazard else "",
            rectify_by=day + timedelta(d.pick((3, 7, 15))) if hazard else None,
            server_at=datetime.combine(day, time(10), tzinfo=CST),
        )
        d.ds.place_inspections.append(check)
        if hazard and check.rectify_by is not None and check.rectify_by < d.today:
            fixed = d.chance(0.85)
            d.ds.place_inspections.append(
                PlaceInspection(
                    id=d.uid(),
                    place_id=place.id,
                    inspector=inspector,
                    inspected_on=check.rectify_by,
                    findings="复查：已按要求整改" if fixed else "复查：尚未整改到位，再次督促",
                    hazards=hazards,
                    rectify_by=None if fixed else check.rectify_by + timedelta(7),
                    rectified=fixed,
                    server_at=datetime.combine(check.rectify_by, time(10), tzinfo=CST),
                )
            )
