"""Records ⇄ wire values: the one conversion the store, outbox and protocol share."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from gridcore.domain import codec
from gridcore.domain.entities import (
    CST,
    ENTITY_TYPES,
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
    EntityKind,
    EventActionKind,
    Gender,
    HouseholdTag,
    Ledger,
    MediationAgreement,
    MediationOutcome,
    MonitorStatus,
    PlaceKind,
    Program,
    RiskLevel,
    RiskType,
    Role,
    Satisfaction,
    SpecialGroup,
    Urgency,
    VisitMethod,
)

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=CST)

SAMPLES = [
    Area(code="110105001001", name="一号网格", level=AreaLevel.GRID, parent_id="v1"),
    Household(
        grid_id="g1",
        address="东湖村三组12号",
        tags=frozenset({HouseholdTag.MINIMUM_LIVING, HouseholdTag.GRID_CORE}),
    ),
    Resident(
        household_id="h1",
        name="张三",
        id_number="11010519491231002X",
        gender=Gender.FEMALE,
        birth_date=date(1949, 12, 31),
        tags=frozenset({SpecialGroup.ELDERLY_60, SpecialGroup.DISABLED}),
        disability_category=DisabilityCategory.PHYSICAL,
        disability_grade=2,
    ),
    Organization(grid_id="g1", name="东湖村红白理事会", members=9),
    Visit(
        household_id="h1",
        grid_id="g1",
        visitor="worker01",
        visited_at=NOW,
        method=VisitMethod.PHONE,
        attachments=("a" * 64,),
    ),
    Event(
        grid_id="g1",
        category_code="JF01",
        ledger=Ledger.APPEAL,
        urgency=Urgency.URGENT,
        title="邻里纠纷",
        reporter="worker01",
        reported_at=NOW,
    ),
    EventAction(
        event_id="e1",
        kind=EventActionKind.EVALUATE,
        actor="worker01",
        actor_role=Role.WORKER,
        at=NOW,
        satisfaction=Satisfaction.SATISFIED,
    ),
    Mediation(
        event_id="e1",
        started_on=date(2026, 5, 2),
        mediator="李调解",
        parties="张某、王某",
        sessions=(
            MediationSession(on=date(2026, 5, 2), place="村委会调解室", note="双方到场"),
            MediationSession(on=date(2026, 5, 6)),
        ),
        agreement="王某赔偿张某 800 元",
        agreement_kind=MediationAgreement.WRITTEN,
        outcome=MediationOutcome.SUCCESS,
        attachments=("c" * 64,),
    ),
    Attachment(id="b" * 64, mime="image/jpeg", size=12345, width=800, height=600),
    Patrol(
        grid_id="g1",
        patroller="worker01",
        patrol_date=date(2026, 5, 1),
        started_at=NOW,
        ended_at=NOW + timedelta(hours=2),
        route="村委会—河堤—学校",
        findings="河堤护栏松动",
        attachments=("a" * 64,),
        event_ids=("e1", "e2"),
    ),
    Place(
        grid_id="g1",
        name="东湖村加油站",
        kind=PlaceKind.HAZARDOUS_CHEMICALS,
        risk_level=RiskLevel.MAJOR,
        is_key=True,
    ),
    PlaceInspection(
        place_id="p1",
        inspector="worker01",
        inspected_on=date(2026, 5, 1),
        hazards="油罐区堆放杂物",
        rectify_by=date(2026, 5, 8),
    ),
    ProgramRecord(
        household_id="h1",
        program=Program.MONITORED,
        started_on=date(2026, 3, 2),
        ended_on=date(2026, 11, 20),
        status=MonitorStatus.CLEARED,
        risk_type=RiskType.ILLNESS,
        measures="医疗救助",
        amount=3000,
    ),
]


def test_every_kind_has_a_sample() -> None:
    assert {s.KIND for s in SAMPLES} == set(ENTITY_TYPES)


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: r.KIND.value)
def test_round_trip_through_json(record: object) -> None:
    assert hasattr(record, "KIND")
    wire = json.loads(json.dumps(codec.encode_fields(record)))  # type: ignore[arg-type]
    back = codec.decode_record(record.KIND, wire, id=record.id)  # type: ignore[attr-defined]
    assert back == record


def test_datetimes_travel_as_utc() -> None:
    wire = codec.encode_fields(SAMPLES[4])
    assert wire["visited_at"] == "2026-05-01T02:00:00+00:00"
    back = codec.decode_value(EntityKind.VISIT, "visited_at", wire["visited_at"])
    assert back == NOW and back.tzinfo is not None


def test_naive_datetime_is_refused_on_encode() -> None:
    visit = Visit(household_id="h", grid_id="g", visitor="w", visited_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        codec.encode_fields(visit)


def test_diff_lists_changed_fields_only() -> None:
    household = SAMPLES[1]
    assert isinstance(household, Household)
    moved = codec.replace(household, {"address": "东湖村四组1号", "tags": ["grid_core"]})
    assert codec.diff(household, moved) == {
        "address": ("东湖村三组12号", "东湖村四组1号"),
        "tags": (["grid_core", "minimum_living"], ["grid_core"]),
    }
    assert codec.diff(household, household) == {}
    assert set(codec.diff(None, household)) == set(codec.field_specs(EntityKind.HOUSEHOLD))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("gender", "unknown"),
        ("birth_date", "1990-02-30"),
        ("disability_grade", "2"),
        ("disability_grade", True),
        ("tags", ["not_a_group"]),
        ("name", 12),
        ("no_such_field", "x"),
    ],
)
def test_bad_values_name_the_field(name: str, value: object) -> None:
    with pytest.raises(codec.CodecError) as info:
        codec.decode_value(EntityKind.RESIDENT, name, value)
    assert info.value.field == name


def test_missing_required_field() -> None:
    with pytest.raises(codec.CodecError) as info:
        codec.decode_record(EntityKind.HOUSEHOLD, {"address": "x"}, id="h")
    assert info.value.field == "grid_id"


def test_wire_time_without_offset_is_taken_as_utc() -> None:
    value = codec.decode_value(EntityKind.VISIT, "visited_at", "2026-05-01T02:00:00")
    assert value == datetime(2026, 5, 1, 2, tzinfo=UTC)
    assert value.utcoffset() == timedelta(0)


def test_a_patrol_travels_as_plain_json() -> None:
    """Its day as an ISO date, its times in UTC, its photo and event ids as lists; an
    event id list that is not a list of text is refused with the field named."""
    patrol = next(s for s in SAMPLES if isinstance(s, Patrol))
    wire = codec.encode_fields(patrol)
    assert wire["patrol_date"] == "2026-05-01"
    assert wire["started_at"] == "2026-05-01T02:00:00+00:00"
    assert wire["event_ids"] == ["e1", "e2"]
    assert wire["attachments"] == ["a" * 64]
    back = codec.decode_record(EntityKind.PATROL, json.loads(json.dumps(wire)), id=patrol.id)
    assert back == patrol
    with pytest.raises(codec.CodecError) as caught:
        codec.decode_value(EntityKind.PATROL, "event_ids", [1, 2])
    assert caught.value.field == "event_ids"
    with pytest.raises(codec.CodecError, match="缺少必填字段：grid_id、patroller、patrol_date"):
        codec.decode_record(EntityKind.PATROL, {}, id=patrol.id)


def test_mediation_sessions_travel_as_objects() -> None:
    mediation = next(s for s in SAMPLES if isinstance(s, Mediation))
    wire = codec.encode_fields(mediation)
    assert wire["sessions"] == [
        {"on": "2026-05-02", "place": "村委会调解室", "note": "双方到场"},
        {"on": "2026-05-06", "place": "", "note": ""},
    ]
    assert wire["outcome"] == "success" and wire["agreement_kind"] == "written"


@pytest.mark.parametrize(
    "sessions",
    [
        [{"place": "村委会"}],  # no date
        [{"on": "2026-05-02", "where": "村委会"}],  # unknown key
        [{"on": "5月2日"}],  # not an ISO date
        ["2026-05-02"],  # not an object
        [{"on": "2026-05-02", "place": 3}],  # not text
    ],
)
def test_a_malformed_session_is_refused(sessions: object) -> None:
    with pytest.raises(codec.CodecError) as caught:
        codec.decode_value(EntityKind.MEDIATION, "sessions", sessions)
    assert caught.value.field == "sessions"
