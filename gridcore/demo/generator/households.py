"""A grid's households: addresses in walking order, ten-household micro-grids, the
members (``people``), then the household tags (assistance, poverty monitoring, honours,
the micro-grid's core household)."""

from __future__ import annotations

from gridcore.demo.generator import people
from gridcore.demo.generator.drafts import Grid, Home
from gridcore.demo.generator.draws import Draws, Weighted
from gridcore.demo.generator.people import SENSITIVE
from gridcore.domain.entities import Area
from gridcore.domain.enums import (
    AreaLevel,
    HouseholdTag,
    PopulationType,
    ResidenceStatus,
    SpecialGroup,
)

_MONITOR = Weighted(
    [
        HouseholdTag.MONITOR_UNSTABLE,
        HouseholdTag.MONITOR_MARGINAL,
        HouseholdTag.MONITOR_SUDDEN_HARDSHIP,
    ],
    [40, 40, 20],
)


def _addresses(d: Draws, grid: Grid, count: int) -> list[str]:
    """``count`` addresses in walking order, so that neighbours share a micro-grid."""
    out: list[str] = []
    unit = grid.unit_name
    if grid.is_village:
        per_group = -(-count // len(grid.blocks))
        for group in grid.blocks:
            number = 0
            for _ in range(per_group):
                number += 1 if d.chance(0.9) else 2
                out.append(f"{unit}{group}组{number}号")
        return out[:count]
    buildings = dict.fromkeys(grid.blocks, 0)
    shops_done = False
    while len(out) < count:
        for compound in grid.blocks:
            buildings[compound] += 1
            building = buildings[compound]
            floors = d.pick((6, 6, 7, 11, 18))
            flats = d.pick((2, 2, 3, 4))
            for stair in range(1, d.pick((1, 2, 2, 3)) + 1):
                for floor in range(1, floors + 1):
                    for flat in range(1, flats + 1):
                        if d.chance(0.85):
                            out.append(f"{unit}{compound}{building}栋{stair}单元{floor}{flat:02d}")
        if not shops_done and grid.roads:
            # Street-front houses along the community's road.
            shops_done = True
            road = grid.roads[0]
            out.extend(f"{unit}{road}{n}号" for n in range(2, d.between(12, 60), 2))
    return out[:count]


def fill_grid(d: Draws, grid: Grid) -> None:
    rng = d.rng
    low, high = d.spec.grid_households
    count = d.between(low, high)
    addresses = _addresses(d, grid, count)
    clans = [d.surnames.pick(rng) for _ in range(2)]
    # Micro-grids: runs of 8–12 neighbouring households.
    micro_area: Area | None = None
    micro_left = 0
    micro_index = 0
    micro_homes: list[list[Home]] = []
    for index, address in enumerate(addresses):
        if micro_left == 0:
            micro_index += 1
            micro_area = Area(
                id=d.uid(),
                code=f"{grid.area.code}{micro_index:03d}",
                name=f"{grid.area.name}{micro_index}号微网格",
                level=AreaLevel.MICRO_GRID,
                parent_id=grid.area.id,
            )
            d.ds.areas.append(micro_area)
            # 8–12 neighbours; the last two runs share what is left (6–12 each).
            left = len(addresses) - index
            micro_left = left if left <= 12 else left // 2 if left < 20 else d.between(8, 12)
            micro_homes.append([])
        assert micro_area is not None
        micro_left -= 1
        home = people.household(d, grid, address, micro_area.id, clans)
        grid.homes.append(home)
        micro_homes[-1].append(home)
    _household_tags(d, grid, micro_homes)
    for home in grid.homes:
        d.ds.households.append(home.household)
        d.ds.residents.extend(home.members)


def _household_tags(d: Draws, grid: Grid, micro_homes: list[list[Home]]) -> None:
    """Assistance, poverty monitoring, honours and the micro-grid's core household."""
    rng = d.rng
    registered = [h for h in grid.homes if h.head.population_type is not PopulationType.FLOATING]
    scores: list[float] = []
    for home in registered:
        ages = home.ages
        score = 1.0
        if any(SpecialGroup.DISABLED in r.tags for r in home.members):
            score += 4.0
        if len(home.members) == 1 and ages[0] >= 60:
            score += 3.0
        if all(a >= 60 for a in ages):
            score += 1.0
        if any(SpecialGroup.SEVERE_MENTAL_ILLNESS in r.tags for r in home.members):
            score += 3.0
        scores.append(score)
    mean = sum(scores) / len(scores) if scores else 1.0
    tags: dict[str, set[HouseholdTag]] = {h.household.id: set() for h in grid.homes}
    for home, score in zip(registered, scores, strict=True):
        own = tags[home.household.id]
        ages = home.ages
        lonely = len(home.members) == 1 and (
            ages[0] >= 60
            or (home.head.disability_grade is not None and home.head.disability_grade <= 2)
        )
        if lonely and d.chance(0.065):
            own.add(HouseholdTag.EXTREME_POVERTY)
        elif d.chance(min(0.6, 0.03 * score / mean)):
            own.add(HouseholdTag.MINIMUM_LIVING)
        if d.chance(min(0.5, 0.01 * score / mean)):
            own.add(HouseholdTag.TEMPORARY_ASSISTANCE)
        if d.chance((0.02 if home.is_village else 0.005) * min(score, 4.0) / mean):
            own.add(_MONITOR.pick(rng))
        if not own and not any(r.tags & SENSITIVE for r in home.members) and d.chance(0.04):
            own.add(HouseholdTag.TEN_STAR_CIVILISED)
    party_homes = [
        h for h in grid.homes if any(SpecialGroup.PARTY_MEMBER in r.tags for r in h.members)
    ]
    for home in rng.sample(party_homes, min(len(party_homes), d.between(1, 3))):
        tags[home.household.id].add(HouseholdTag.PARTY_CENTRAL)
    for homes in micro_homes:
        core = Weighted(homes, [_core_weight(d, h) for h in homes]).pick(rng)
        tags[core.household.id].add(HouseholdTag.GRID_CORE)
    for home in grid.homes:
        own = tags[home.household.id]
        if own:
            home.household.tags = frozenset(own)
        if HouseholdTag.EXTREME_POVERTY in own:
            home.household.notes = "分散供养"
        elif len(home.members) == 1 and home.ages[0] >= 70:
            home.household.notes = "独居老人，已纳入重点关爱"


def _core_weight(d: Draws, home: Home) -> float:
    """How likely a household is to be its micro-grid's 网格核心户."""
    adults = sum(
        1
        for r, age in zip(home.members, home.ages, strict=True)
        if 30 <= age <= 65 and r.residence_status is not ResidenceStatus.HUKOU_WITHOUT_PERSON
    )
    party = any(SpecialGroup.PARTY_MEMBER in r.tags for r in home.members)
    floating = home.head.population_type is PopulationType.FLOATING
    return (1.0 + adults) * (3.0 if party else 1.0) * (0.1 if floating else 1.0)
