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
    Organization,
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
    MonitorStatus,
    Program,
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
    Attachment(id="b" * 64, mime="image/jpeg", size=12345, width=800, height=600),
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
