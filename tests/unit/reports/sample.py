"""A small hand-built township for the report tests; expected figures are computed from
these lists in the tests, independently of the report queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gridclient.reports.data import Period
from gridcore.demo.generator import Dataset, load_catalog
from gridcore.domain.entities import (
    CST,
    Area,
    Event,
    EventAction,
    Household,
    Mediation,
    MediationSession,
    Patrol,
    Resident,
    Visit,
)
from gridcore.domain.enums import (
    AreaLevel,
    EventActionKind,
    Gender,
    Ledger,
    MediationAgreement,
    MediationOutcome,
    Relation,
    Role,
    Satisfaction,
    SpecialGroup,
    Urgency,
    VisitMethod,
)
from gridcore.domain.idnumber import check_character

NOW = datetime(2026, 10, 30, 9, 0, tzinfo=CST)
PERIOD = Period(date(2026, 9, 1), date(2026, 9, 30))
TOWNSHIP_CODE = "369900100000"
GRID1_CODE = "369900100200001"


def id_number(serial: int, birth: date, gender: Gender) -> str:
    seq = serial * 2 + (1 if gender is Gender.MALE else 0)
    first17 = f"369900{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + check_character(first17)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=CST)


@dataclass
class Sample:
    dataset: Dataset
    grids: dict[str, Area]
    households: dict[str, Household]


def build_sample() -> Sample:
    catalog = load_catalog()
    county = Area(code="369900000000", name="测试县", level=AreaLevel.COUNTY)
    town = Area(code=TOWNSHIP_CODE, name="和平镇", level=AreaLevel.TOWNSHIP, parent_id=county.id)
    village = Area(code="369900100200", name="东村", level=AreaLevel.VILLAGE, parent_id=town.id)
    g1 = Area(code=GRID1_CODE, name="东村第一网格", level=AreaLevel.GRID, parent_id=village.id)
    g2 = Area(
        code="369900100200002", name="东村第二网格", level=AreaLevel.GRID, parent_id=village.id
    )
    other_town = Area(
        code="369900200000", name="南山乡", level=AreaLevel.TOWNSHIP, parent_id=county.id
    )
    other_village = Area(
        code="369900200200", name="西村", level=AreaLevel.VILLAGE, parent_id=other_town.id
    )
    g3 = Area(
        code="369900200200001",
        name="西村第一网格",
        level=AreaLevel.GRID,
        parent_id=other_village.id,
    )
    areas = [county, town, village, g1, g2, other_town, other_village, g3]

    homes = {
        "h1": Household(grid_id=g1.id, address="东村1组1号", number="1001"),
        "h2": Household(grid_id=g1.id, address="东村1组2号", number="1002"),
        "h3": Household(grid_id=g1.id, address="东村1组3号", number="1003"),
        "h4": Household(grid_id=g2.id, address="东村2组1号", number="2001"),
        "h5": Household(grid_id=g2.id, address="东村2组2号", number="2002"),
        "h6": Household(grid_id=g3.id, address="西村1组1号", number="3001"),
    }
    people = [
        # household, name, relation, gender, birth, tags
        ("h1", "张建国", Relation.HEAD, Gender.MALE, date(1950, 3, 4), {SpecialGroup.DISABLED}),
        ("h1", "李秀英", Relation.SPOUSE, Gender.FEMALE, date(1952, 6, 1), set()),
        ("h2", "王德明", Relation.HEAD, Gender.MALE, date(1971, 1, 9), set()),
        (
            "h2",
            "王小红",
            Relation.DAUGHTER,
            Gender.FEMALE,
            date(2015, 5, 5),
            {SpecialGroup.DISABLED},
        ),
        ("h3", "赵文", Relation.HEAD, Gender.MALE, date(1980, 12, 1), set()),
        ("h4", "孙丽", Relation.HEAD, Gender.FEMALE, date(1966, 7, 7), {SpecialGroup.DISABLED}),
        ("h5", "周强", Relation.HEAD, Gender.MALE, date(1990, 2, 2), set()),
        # 留守儿童 with a guardian (the roster's 监护人 columns); one who has turned 16 is
        # no longer counted although the tag is stored.
        (
            "h5",
            "周小宇",
            Relation.SON,
            Gender.MALE,
            date(2017, 4, 4),
            {SpecialGroup.LEFT_BEHIND_CHILD},
        ),
        (
            "h5",
            "周大宇",
            Relation.SON,
            Gender.MALE,
            date(2009, 4, 4),
            {SpecialGroup.LEFT_BEHIND_CHILD},
        ),
        ("h6", "吴刚", Relation.HEAD, Gender.MALE, date(1960, 8, 8), {SpecialGroup.DISABLED}),
    ]
    residents = [
        Resident(
            household_id=homes[h].id,
            name=name,
            id_number=id_number(i, birth, gender),
            gender=gender,
            birth_date=birth,
            relation=relation,
            phone=f"1380000{i:04d}",
            tags=frozenset(tags),
        )
        for i, (h, name, relation, gender, birth, tags) in enumerate(people, start=1)
    ]
    for resident in residents:
        if SpecialGroup.LEFT_BEHIND_CHILD in resident.tags:
            resident.guardian = "祖母 周桂兰"
            resident.guardian_phone = "13700001111"
        if SpecialGroup.DISABLED in resident.tags:
            resident.disability_certificate = f"{resident.id_number}41"
    visit_plan = [
        ("h1", at(9, 2), VisitMethod.IN_PERSON, "了解养老金发放情况"),
        ("h1", at(9, 20), VisitMethod.PHONE, "电话回访"),
        ("h2", at(9, 30, 23), VisitMethod.IN_PERSON, "宣传防诈骗"),  # 23:00 CST, still Sept
        ("h3", at(8, 31, 23), VisitMethod.IN_PERSON, "八月走访"),  # outside the period
        ("h3", at(10, 1, 0), VisitMethod.IN_PERSON, "十月走访"),  # outside the period
        ("h4", at(9, 15), VisitMethod.VIDEO, "视频走访"),
        ("h6", at(9, 15), VisitMethod.IN_PERSON, "其他乡镇"),
    ]
    visits = [
        Visit(
            household_id=homes[h].id,
            grid_id=homes[h].grid_id,
            visitor="worker01",
            visited_at=when,
            method=method,
            content=content,
        )
        for h, when, method, content in visit_plan
    ]
    events: list[Event] = []
    actions: list[EventAction] = []

    def event(
        grid: Area,
        title: str,
        reported: datetime,
        steps: list[tuple[EventActionKind, Role, datetime, str]],
        satisfaction: Satisfaction | None = None,
    ) -> None:
        e = Event(
            grid_id=grid.id,
            category_code="01001",
            ledger=Ledger.APPEAL,
            urgency=Urgency.NORMAL,
            title=title,
            reporter="worker01",
            reported_at=reported,
        )
        events.append(e)
        for kind, role, when, comment in steps:
            actions.append(
                EventAction(
                    event_id=e.id,
                    kind=kind,
                    actor="worker01" if role is Role.WORKER else "township01",
                    actor_role=role,
                    at=when,
                    comment=comment,
                    satisfaction=satisfaction if kind is EventActionKind.EVALUATE else None,
                )
            )

    A = EventActionKind
    W, T = Role.WORKER, Role.TOWNSHIP
    event(g1, "邻里噪音纠纷", at(9, 3), [(A.SELF_RESOLVE, W, at(9, 3), "现场调解化解")])
    day = at(9, 5)
    event(
        g1,
        "宅基地界址纠纷",
        day,
        [
            (A.REPORT, W, day, ""),
            (A.ACCEPT, T, day + timedelta(hours=1), ""),
            (A.DISPATCH, T, day + timedelta(hours=2), ""),
            (A.FEEDBACK, W, day + timedelta(days=3), "双方签订调解协议"),
            (A.VERIFY, W, day + timedelta(days=4), ""),
            (A.CLOSE, T, day + timedelta(days=5), ""),
            (A.EVALUATE, W, day + timedelta(days=6), ""),
        ],
        Satisfaction.SATISFIED,
    )
    event(g1, "楼道堆物纠纷", at(9, 6), [(A.REPORT, W, at(9, 6), "")])  # open, overdue
    event(
        g2,
        "重复上报",
        at(9, 10),
        [(A.REPORT, W, at(9, 10), ""), (A.VOID, T, at(9, 11), "重复")],
    )
    event(g3, "其他乡镇事件", at(9, 10), [(A.SELF_RESOLVE, W, at(9, 10), "")])
    event(g1, "八月事件", at(8, 30), [(A.SELF_RESOLVE, W, at(8, 30), "")])

    # 巡查: the day of 楼道堆物纠纷 links it; one links an event this laptop never got.
    stairwell = next(e for e in events if e.title == "楼道堆物纠纷")
    patrols = [
        Patrol(
            grid_id=g1.id,
            patroller="worker01",
            patrol_date=date(2026, 9, 6),
            started_at=at(9, 6, 8),
            ended_at=at(9, 6, 10),
            route="村委会—1组—河堤",
            places="村口小卖部、河堤",
            findings="1组楼道堆放杂物，已上报",
            attachments=("a" * 64, "b" * 64),
            event_ids=(stairwell.id,),
        ),
        Patrol(
            grid_id=g1.id,
            patroller="worker01",
            patrol_date=date(2026, 9, 2),
            route="村委会—2组",
            findings="未发现异常",
            event_ids=("0f0f0f0f-0000-4000-8000-000000000000",),
        ),
        Patrol(
            grid_id=g2.id,
            patroller="worker02",
            patrol_date=date(2026, 9, 30),
            places="东村2组",
            findings="路灯一盏不亮",
        ),
        Patrol(  # outside the period
            grid_id=g1.id, patroller="worker01", patrol_date=date(2026, 10, 1), findings="十月"
        ),
        Patrol(  # another township
            grid_id=g3.id, patroller="worker03", patrol_date=date(2026, 9, 3), findings="西村"
        ),
    ]

    # 调解 of the September disputes: the 宅基地 one failed first, then succeeded in
    # writing; the noise one ended in an oral agreement; the 楼道 one is still going.
    # 调处成功率 2 of 3 concluded (66.7%).
    noise, boundary, hallway = events[0], events[1], events[2]
    mediations = [
        Mediation(
            event_id=noise.id,
            started_on=date(2026, 9, 3),
            mediator="李桂兰",
            committee="幸福社区人民调解委员会",
            parties="刘某、陈某",
            sessions=(MediationSession(on=date(2026, 9, 3), place="刘某家中", note="当面协商"),),
            agreement="晚十点后不再使用音响",
            agreement_kind=MediationAgreement.ORAL,
            outcome=MediationOutcome.SUCCESS,
        ),
        Mediation(
            event_id=boundary.id,
            started_on=date(2026, 9, 5),
            mediator="李桂兰",
            parties="王某、赵某",
            sessions=(MediationSession(on=date(2026, 9, 5), place="社区调解室"),),
            outcome=MediationOutcome.FAILED,
            follow_up="双方分歧较大，转请镇司法所参与",
        ),
        Mediation(
            event_id=boundary.id,
            started_on=date(2026, 9, 7),
            mediator="镇司法所 周明",
            committee="和平镇人民调解委员会",
            parties="王某、赵某",
            sessions=(
                MediationSession(on=date(2026, 9, 7), place="镇司法所", note="现场勘界"),
                MediationSession(on=date(2026, 9, 8), place="镇司法所", note="签订协议"),
            ),
            agreement="以 1998 年界桩为准，赵某拆除越界围墙",
            agreement_kind=MediationAgreement.WRITTEN,
            outcome=MediationOutcome.SUCCESS,
            follow_up="9月20日回访，已履行",
        ),
        Mediation(
            event_id=hallway.id,
            started_on=date(2026, 9, 8),
            committee="幸福社区人民调解委员会",
            parties="3 栋住户",
        ),
    ]

    dataset = Dataset(
        catalog=catalog,
        mediations=mediations,
        areas=areas,
        households=list(homes.values()),
        residents=residents,
        patrols=patrols,
        visits=visits,
        events=events,
        event_actions=actions,
    )
    return Sample(dataset, {"g1": g1, "g2": g2, "g3": g3}, homes)
