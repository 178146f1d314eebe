"""The county's areas: townships, villages (村委会) and communities (居委会), and their
grids, with the demo accounts (the admin, one per township, one worker per grid)."""

from __future__ import annotations

from gridcore.demo import texts as T
from gridcore.demo.generator.drafts import Grid, Township
from gridcore.demo.generator.draws import Draws, Weighted
from gridcore.demo.generator.model import (
    COUNTY_CODE,
    DEMO_PASSWORD,
    TOWNSHIP_CODE_START,
    DemoUser,
)
from gridcore.domain.entities import Area
from gridcore.domain.enums import AreaLevel, Role

#: Share of grids in communities (居委会) rather than villages (村委会), by township kind.
_COMMUNITY_SHARE = {"street": 0.85, "town": 0.35, "xiang": 0.0}
_CN_NUM = "一二三四五六七八九十"
_VILLAGE_GRIDS = Weighted([1, 2, 3], [40, 45, 15])


def build_areas(d: Draws) -> list[Grid]:
    """The county and everything under it down to the grids (micro-grids come with the
    households), and the demo accounts; the grids in code order, workers named."""
    ds = d.ds
    county = Area(
        id=d.uid(), code=COUNTY_CODE + "000000", name=T.COUNTY_NAME, level=AreaLevel.COUNTY
    )
    ds.areas.append(county)
    ds.users.append(DemoUser("admin", DEMO_PASSWORD, Role.ADMIN, county.code, "系统管理员"))
    grids_total = len(d.spec.township_kinds) * d.spec.grids_per_township
    width = max(2, len(str(grids_total)))
    next_code = dict(TOWNSHIP_CODE_START)
    name_index = {"street": 0, "town": 0, "xiang": 0}
    grids: list[Grid] = []
    for t_index, kind in enumerate(d.spec.township_kinds, start=1):
        pool = {"street": T.STREET_NAMES, "town": T.TOWN_NAMES, "xiang": T.XIANG_NAMES}[kind]
        name = pool[name_index[kind] % len(pool)]
        name_index[kind] += 1
        code = f"{COUNTY_CODE}{next_code[kind]:03d}000"
        next_code[kind] += 1
        area = Area(
            id=d.uid(),
            code=code,
            name=name,
            level=AreaLevel.TOWNSHIP,
            parent_id=county.id,
            # 填报单位 of its reports: the township government or street office.
            issuer=f"{name}办事处" if kind == "street" else f"{name}人民政府",
        )
        ds.areas.append(area)
        township = Township(area, name, f"township{t_index:02d}")
        ds.users.append(
            DemoUser(
                township.user,
                DEMO_PASSWORD,
                Role.TOWNSHIP,
                code,
                d.person_name(d.gender(), d.birth_date(d.tri(28, 52, 38))),
            )
        )
        for grid in _township_grids(d, township, kind):
            grid.worker = f"worker{len(grids) + 1:0{width}d}"
            ds.users.append(
                DemoUser(
                    grid.worker,
                    DEMO_PASSWORD,
                    Role.WORKER,
                    grid.area.code,
                    d.person_name(d.gender(), d.birth_date(d.tri(24, 55, 38))),
                )
            )
            grids.append(grid)
    return grids


def _unit_name(d: Draws, village: bool) -> str:
    """A village or community name not yet used in the county."""
    rng = d.rng
    name = ""
    for _ in range(50):
        if village:
            if d.village_names and d.chance(0.5):
                name = d.village_names.pop()
            else:
                # A village named after its main clan.
                name = d.pick(T.VILLAGE_PATTERNS).format(s=d.surnames.pick(rng))
        elif d.community_names:
            name = d.community_names.pop()
        else:
            name = f"{d.pick(T.ROAD_NAMES)}{d.pick('东西南北中')}社区"
        if name not in d.used_units:
            break
    else:
        name = f"{name[:-1]}{len(d.used_units)}{name[-1]}"
    d.used_units.add(name)
    return name


def _compound_name(d: Draws) -> str:
    """A 小区 name not yet used in the county."""
    name = d.compound_names.pop() if d.compound_names else ""
    for _ in range(100):
        if name and name not in d.used_units:
            break
        name = f"{d.pick(T.ROAD_NAMES)}{d.pick(T.COMPOUND_SUFFIXES)}"
        if name in d.used_units:
            name = f"{d.pick(T.COMPOUND_PREFIXES)}{name}"
    else:
        name = f"{name}{len(d.used_units)}期"
    d.used_units.add(name)
    return name


def _township_grids(d: Draws, township: Township, kind: str) -> list[Grid]:
    rng = d.rng
    total = d.spec.grids_per_township
    community_grids = round(total * _COMMUNITY_SHARE[kind])
    grids: list[Grid] = []
    community_code, village_code = 1, 200
    remaining = total
    while remaining > 0:
        is_village = remaining <= total - community_grids
        if is_village:
            count = min(remaining, _VILLAGE_GRIDS.pick(rng))
            code = f"{township.area.code[:9]}{village_code:03d}"
            village_code += 1
            name = _unit_name(d, True)
        else:
            count = min(remaining - (total - community_grids), d.between(2, 4))
            code = f"{township.area.code[:9]}{community_code:03d}"
            community_code += 1
            name = _unit_name(d, False)
        remaining -= count
        unit = Area(
            id=d.uid(),
            code=code,
            name=name,
            level=AreaLevel.VILLAGE,
            parent_id=township.area.id,
        )
        d.ds.areas.append(unit)
        groups = iter(range(1, 99))
        for k in range(1, count + 1):
            grid_area = Area(
                id=d.uid(),
                code=f"{code}{k:03d}",
                name=f"{name}第{_CN_NUM[k - 1] if k <= 10 else k}网格",
                level=AreaLevel.GRID,
                parent_id=unit.id,
            )
            d.ds.areas.append(grid_area)
            if is_village:
                group_numbers = [next(groups) for _ in range(d.between(3, 5))]
                places = [f"{name}{g}组" for g in group_numbers] + [
                    f"{name}村委会",
                    f"{name}文化广场",
                    f"{name}小学",
                    f"{name}卫生室",
                    f"{name}{group_numbers[0]}组河边",
                ]
                blocks = [str(g) for g in group_numbers]
                roads: list[str] = []
            else:
                blocks = [_compound_name(d) for _ in range(d.between(1, 3))]
                roads = rng.sample(T.ROAD_NAMES, 2)
                places = (
                    [f"{c}小区" for c in blocks]
                    + [f"{c}{d.between(1, 8)}栋" for c in blocks]
                    + [f"{c}地下车库" for c in blocks]
                    + roads
                    + [f"{name}农贸市场"]
                )
            grids.append(
                Grid(
                    area=grid_area,
                    township=township,
                    unit_name=name,
                    is_village=is_village,
                    worker="",
                    places=places,
                    blocks=blocks,
                    roads=roads,
                )
            )
    return grids
