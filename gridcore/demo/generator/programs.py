"""帮扶记录: the assistance program records behind the household tags, drawn from a
stream of their own (``Builder.program_rng``)."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from gridcore.demo.generator.drafts import Grid
from gridcore.demo.generator.draws import Draws, Weighted
from gridcore.domain.entities import Household, ProgramRecord
from gridcore.domain.enums import HouseholdTag, MonitorStatus, Program, RiskType, SpecialGroup

_MONITOR_TAGS = frozenset(
    {
        HouseholdTag.MONITOR_UNSTABLE,
        HouseholdTag.MONITOR_MARGINAL,
        HouseholdTag.MONITOR_SUDDEN_HARDSHIP,
    }
)
_RISK = Weighted(
    [
        RiskType.ILLNESS,
        RiskType.EDUCATION,
        RiskType.DISABILITY,
        RiskType.DISASTER,
        RiskType.ACCIDENT,
        RiskType.UNSTABLE_EMPLOYMENT,
        RiskType.OTHER,
    ],
    [45, 8, 15, 7, 8, 12, 5],
)
_MEASURES = {
    RiskType.ILLNESS: "落实医疗保障和医疗救助，家庭医生签约服务",
    RiskType.EDUCATION: "落实教育资助和“雨露计划”补助",
    RiskType.DISABILITY: "落实残疾人两项补贴，安排公益性岗位",
    RiskType.DISASTER: "发放受灾救助，协助修缮住房",
    RiskType.ACCIDENT: "发放临时救助，协调保险理赔",
    RiskType.UNSTABLE_EMPLOYMENT: "就业帮扶，推荐务工岗位，发放产业奖补",
    RiskType.OTHER: "结对帮扶，定期走访",
}


def add_program_records(d: Draws, grid: Grid, rng: random.Random) -> None:
    """帮扶记录 behind the household tags (an open record per program tag: 低保,
    特困供养, 临时救助, 防返贫监测 under way), 优抚 for households with a 优抚对象, and a
    few 防返贫监测 records closed with the risk cleared (their tag gone)."""
    issuer = grid.township.area.issuer

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def since(low: int, high: int) -> date:
        return d.today - timedelta(days=rng.randint(low, high))

    def add(household: Household, program: Program, **values: object) -> None:
        record = ProgramRecord(
            id=uid(),
            household_id=household.id,
            program=program,
            approved_by=issuer,
            **values,  # type: ignore[arg-type]
        )
        d.ds.program_records.append(record)

    for home in grid.homes:
        household = home.household
        tags = household.tags
        if HouseholdTag.MINIMUM_LIVING in tags:
            add(
                household,
                Program.MINIMUM_LIVING,
                started_on=since(60, 2000),
                amount=rng.randrange(300, 800, 10),
                measures="按月发放低保金",
            )
        if HouseholdTag.EXTREME_POVERTY in tags:
            add(
                household,
                Program.EXTREME_POVERTY,
                started_on=since(60, 2500),
                amount=rng.randrange(800, 1200, 10),
                measures="分散供养，按月发放基本生活费，落实照料护理",
            )
        if HouseholdTag.TEMPORARY_ASSISTANCE in tags:
            add(
                household,
                Program.TEMPORARY_ASSISTANCE,
                started_on=since(10, 300),
                amount=rng.randrange(500, 5000, 100),
                measures="发放临时救助金",
            )
        if tags & _MONITOR_TAGS:
            status = rng.choice(
                [
                    MonitorStatus.IDENTIFIED,
                    MonitorStatus.ASSISTING,
                    MonitorStatus.ASSISTING,
                    MonitorStatus.NOT_CLEARED,
                ]
            )
            risk = _RISK.pick(rng)
            add(
                household,
                Program.MONITORED,
                started_on=since(20, 700),
                status=status,
                risk_type=risk,
                measures="" if status is MonitorStatus.IDENTIFIED else _MEASURES[risk],
            )
        elif home.is_village and not tags and rng.random() < 0.006:
            risk = _RISK.pick(rng)
            started = since(400, 1100)
            add(
                household,
                Program.MONITORED,
                started_on=started,
                ended_on=started + timedelta(days=rng.randint(180, 380)),
                status=MonitorStatus.CLEARED,
                risk_type=risk,
                measures=_MEASURES[risk],
            )
        if any(SpecialGroup.VETERAN_FAMILY in r.tags for r in home.members):
            add(
                household,
                Program.SPECIAL_CARE,
                started_on=since(300, 4000),
                amount=rng.randrange(1000, 3000, 100),
                measures="按季发放优待金，节日走访慰问",
            )
