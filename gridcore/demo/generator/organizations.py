"""A grid's organizations: the unit's committees and associations (in its first grid),
the grid's party group and volunteer team, and a few local businesses."""

from __future__ import annotations

from gridcore.demo import texts as T
from gridcore.demo.generator.drafts import Grid
from gridcore.demo.generator.draws import Draws
from gridcore.domain.entities import Organization, Resident
from gridcore.domain.enums import OrganizationKind


def adult(d: Draws, grid: Grid) -> Resident:
    for _ in range(20):
        home = d.pick(grid.homes)
        person = d.pick(home.members)
        if 25 <= (person.age_on(d.today) or 0) <= 70:
            return person
    return grid.homes[0].head


def add_organizations(d: Draws, grid: Grid) -> None:
    rng = d.rng
    unit = grid.unit_name
    first_grid = grid.area.code.endswith("001")
    K = OrganizationKind
    items: list[tuple[OrganizationKind, str, int, str]] = []
    office = f"{unit}村委会" if grid.is_village else f"{unit}居委会"
    if first_grid:
        items += [
            (K.MEDIATION_COMMITTEE, f"{unit}人民调解委员会", d.between(5, 9), office),
            (K.ELDERLY_ASSOCIATION, f"{unit}老年人协会", d.between(40, 200), office),
            (K.ANTI_DRUG_GAMBLING, f"{unit}禁毒禁赌协会", d.between(9, 15), office),
        ]
        if grid.is_village:
            items.append((K.WEDDING_FUNERAL_COUNCIL, f"{unit}红白理事会", d.between(7, 11), office))
        else:
            items += [
                (K.OTHER, f"{c}业主委员会", d.between(5, 9), f"{unit}{c}") for c in grid.blocks
            ]
    items += [
        (K.PARTY_BRANCH, f"{grid.area.name}党小组", d.between(5, 15), office),
        (K.VOLUNTEER_TEAM, f"{grid.area.name}志愿服务队", d.between(10, 30), office),
    ]
    patterns = T.SHOP_PATTERNS_VILLAGE if grid.is_village else T.SHOP_PATTERNS_COMMUNITY
    for pattern in rng.sample(patterns, d.between(2, 5)):
        name = pattern.format(
            s=d.surnames.pick(rng),
            unit=unit,
            crop=d.pick(T.CROPS),
            compound=d.pick(grid.blocks) if not grid.is_village else "",
            road=d.pick(grid.roads) if grid.roads else "",
        )
        address = d.pick(grid.homes).household.address
        items.append((K.ENTERPRISE, name, d.between(1, 12), address))
    for kind, name, members, address in items:
        leader = adult(d, grid)
        d.ds.organizations.append(
            Organization(
                id=d.uid(),
                grid_id=grid.area.id,
                name=name,
                kind=kind,
                leader=leader.name,
                phone=leader.phone,
                members=members,
                address=address,
            )
        )
