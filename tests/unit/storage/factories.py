"""Factories that fill every field of every record kind, and the constants the storage
tests share."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from gridclient.storage import KdfParams
from gridcore.domain.entities import (
    CST,
    Area,
    Attachment,
    Event,
    EventAction,
    Household,
    Mediation,
    MediationSession,
    Organization,
    Patrol,
    Place,
    PlaceInspection,
    ProgramRecord,
    Resident,
    Visit,
)
from gridcore.domain.enums import (
    AreaLevel,
    DisabilityCategory,
    EventActionKind,
    Gender,
    HouseholdTag,
    Ledger,
    MediationAgreement,
    MediationOutcome,
    MonitorStatus,
    OrganizationKind,
    PlaceKind,
    PopulationType,
    Program,
    Relation,
    ResidenceStatus,
    RiskLevel,
    RiskType,
    Role,
    Satisfaction,
    SpecialGroup,
    Urgency,
    VisitMethod,
)

#: Argon2id at its minimum: the tests exercise the format, not the cost.
CHEAP_KDF = KdfParams(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "网格-Secret-2026"
ACTOR = "wangwu"

#: Personal data whose plaintext must never appear in the files.
NAME = "欧阳娜娜测试"
ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


def household(**overrides: object) -> Household:
    values: dict[str, object] = {
        "grid_id": "grid-001",
        "address": "幸福街道 3 栋 2 单元 401",
        "number": "HH-0001",
        "micro_grid_id": "micro-01",
        "phone": "0571-88886666",
        "tags": frozenset({HouseholdTag.MINIMUM_LIVING, HouseholdTag.GRID_CORE}),
        "notes": "独居老人较多",
    }
    values.update(overrides)
    return Household(**values)  # type: ignore[arg-type]


def resident(household_id: str, **overrides: object) -> Resident:
    values: dict[str, object] = {
        "household_id": household_id,
        "name": NAME,
        "id_number": ID_NUMBER,
        "gender": Gender.FEMALE,
        "birth_date": date(1949, 12, 31),
        "relation": Relation.HEAD,
        "ethnicity": "回族",
        "phone": PHONE,
        "population_type": PopulationType.FLOATING,
        "residence_status": ResidenceStatus.PERSON_WITHOUT_HUKOU,
        "tags": frozenset({SpecialGroup.ELDERLY_60, SpecialGroup.DISABLED}),
        "disability_category": DisabilityCategory.PHYSICAL,
        "disability_grade": 2,
        "workplace": "社区服务中心",
        "notes": "需要定期走访",
    }
    values.update(overrides)
    return Resident(**values)  # type: ignore[arg-type]


def sparse_resident(household_id: str) -> Resident:
    """Only the required fields: every optional one stays None / empty."""
    return Resident(household_id=household_id, name="李四")


def area(**overrides: object) -> Area:
    values: dict[str, object] = {
        "code": "330106001001",
        "name": "第一网格",
        "level": AreaLevel.GRID,
        "parent_id": "village-7",
    }
    values.update(overrides)
    return Area(**values)  # type: ignore[arg-type]


def organization(**overrides: object) -> Organization:
    values: dict[str, object] = {
        "grid_id": "grid-001",
        "name": "幸福社区红白理事会",
        "kind": OrganizationKind.WEDDING_FUNERAL_COUNCIL,
        "leader": "赵六",
        "phone": "13700001111",
        "members": 9,
        "address": "社区活动室",
        "notes": "每月例会",
    }
    values.update(overrides)
    return Organization(**values)  # type: ignore[arg-type]


def patrol(**overrides: object) -> Patrol:
    values: dict[str, object] = {
        "grid_id": "grid-001",
        "patroller": ACTOR,
        "patrol_date": date(2026, 3, 2),
        "started_at": datetime(2026, 3, 2, 8, 30, tzinfo=CST),
        "ended_at": datetime(2026, 3, 2, 11, 0, tzinfo=CST),
        "route": "村委会—幸福街—河堤—学校",
        "places": "幸福超市、河堤 3 号闸口",
        "findings": "河堤护栏松动一处",
        "attachments": ("c" * 64,),
        "event_ids": ("event-1",),
        "notes": "雨后复查",
    }
    values.update(overrides)
    return Patrol(**values)  # type: ignore[arg-type]


def place(**overrides: object) -> Place:
    values: dict[str, object] = {
        "grid_id": "grid-001",
        "name": "惠民超市",
        "kind": PlaceKind.SHOP,
        "micro_grid_id": "micro-001",
        "address": "幸福路8号",
        "contact": "钱七",
        "phone": "13700002222",
        "risk_level": RiskLevel.GENERAL,
        "is_key": True,
        "notes": "燃气灶具一处",
    }
    values.update(overrides)
    return Place(**values)  # type: ignore[arg-type]


def inspection(place_id: str, **overrides: object) -> PlaceInspection:
    values: dict[str, object] = {
        "place_id": place_id,
        "inspector": "worker01",
        "inspected_on": date(2026, 3, 2),
        "findings": "消防通道畅通",
        "hazards": "灭火器过期",
        "rectify_by": date(2026, 3, 9),
    }
    values.update(overrides)
    return PlaceInspection(**values)  # type: ignore[arg-type]


def program_record(household_id: str, **overrides: object) -> ProgramRecord:
    """A 防返贫监测 record under way (every field set)."""
    values: dict[str, object] = {
        "household_id": household_id,
        "program": Program.MONITORED,
        "started_on": date(2026, 3, 2),
        "status": MonitorStatus.ASSISTING,
        "risk_type": RiskType.ILLNESS,
        "measures": "落实医疗救助，申请临时救助 3000 元",
        "amount": 3000,
        "approved_by": "和平镇人民政府",
        "notes": "户主住院",
    }
    values.update(overrides)
    return ProgramRecord(**values)  # type: ignore[arg-type]


#: A CST wall-clock time: it must come back as the same instant, in UTC.
VISITED_AT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=CST)


def visit(household_id: str, **overrides: object) -> Visit:
    values: dict[str, object] = {
        "household_id": household_id,
        "grid_id": "grid-001",
        "visitor": ACTOR,
        "visited_at": VISITED_AT,
        "method": VisitMethod.PHONE,
        "content": "了解近况",
        "findings": "屋顶漏水",
        "needs": "申请维修",
        "follow_up": "下周回访",
        "attachments": ("a" * 64, "b" * 64),
        "corrects_id": None,
    }
    values.update(overrides)
    return Visit(**values)  # type: ignore[arg-type]


def event(**overrides: object) -> Event:
    values: dict[str, object] = {
        "grid_id": "grid-001",
        "category_code": "HZ-01",
        "ledger": Ledger.APPEAL,
        "urgency": Urgency.URGENT,
        "title": "楼道堆放杂物",
        "reporter": ACTOR,
        "reported_at": datetime(2026, 3, 2, 23, 59, 59, tzinfo=CST),
        "description": "消防通道被占用",
        "location": "3 栋楼道",
        "people_involved": "住户若干",
        "household_id": None,
        "attachments": (),
    }
    values.update(overrides)
    return Event(**values)  # type: ignore[arg-type]


def action(event_id: str, **overrides: object) -> EventAction:
    values: dict[str, object] = {
        "event_id": event_id,
        "kind": EventActionKind.REPORT,
        "actor": ACTOR,
        "actor_role": Role.WORKER,
        "at": datetime(2026, 3, 3, 0, 0, tzinfo=UTC),
        "comment": "已上报",
        "assignee": "",
        "satisfaction": None,
        "attachments": (),
        "server_at": None,
    }
    values.update(overrides)
    return EventAction(**values)  # type: ignore[arg-type]


#: Not a real JPEG, but bytes that contain the personal data in clear.
PHOTO = b"\xff\xd8\xff\xe0JFIF" + NAME.encode() + ID_NUMBER.encode() + bytes(range(256)) * 8


def attachment(blob: bytes = PHOTO) -> Attachment:
    return Attachment(
        id=hashlib.sha256(blob).hexdigest(),
        mime="image/jpeg",
        size=len(blob),
        width=1024,
        height=768,
        created_at=datetime(2026, 3, 1, 1, 2, 3, tzinfo=UTC) + timedelta(microseconds=7),
    )


def satisfied_action(event_id: str) -> EventAction:
    return action(
        event_id,
        kind=EventActionKind.EVALUATE,
        satisfaction=Satisfaction.SATISFIED,
        server_at=datetime(2026, 3, 4, 8, 0, tzinfo=UTC),
        attachments=("c" * 64,),
    )


def mediation(event_id: str, **overrides: object) -> Mediation:
    values: dict[str, object] = {
        "event_id": event_id,
        "started_on": date(2026, 3, 3),
        "mediator": "村调委会 李桂兰",
        "committee": "幸福村人民调解委员会",
        "parties": "张某（申请人）、王某（被申请人）",
        "sessions": (
            MediationSession(on=date(2026, 3, 3), place="村委会调解室", note="双方到场"),
            MediationSession(on=date(2026, 3, 8), place="张某家中"),
        ),
        "agreement": "王某于 3 月底前拆除越界围墙",
        "agreement_kind": MediationAgreement.WRITTEN,
        "outcome": MediationOutcome.SUCCESS,
        "follow_up": "4 月 2 日回访，已履行",
        "attachments": ("e" * 64,),
        "notes": "",
    }
    values.update(overrides)
    return Mediation(**values)  # type: ignore[arg-type]
