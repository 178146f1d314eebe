"""Places in the domain (issue #16 item 5): kinds and risk levels as coded data with
Chinese labels, field names for messages, an inspection's open hazard, and the rules of
an inspection record the form and the server share."""

from __future__ import annotations

from datetime import date

import pytest

from gridcore.domain import limits
from gridcore.domain.entities import APPEND_ONLY_KINDS, MUTABLE_KINDS, Place, PlaceInspection
from gridcore.domain.enums import EntityKind, PlaceKind, RiskLevel
from gridcore.domain.places import inspection_problem

DAY = date(2026, 11, 2)


def test_kinds_levels_and_labels() -> None:
    assert PlaceKind.RENTAL_HOUSING.label == "出租房屋"
    assert PlaceKind.GEOLOGICAL_HAZARD.label == "地质灾害隐患点"
    assert [level.label for level in RiskLevel] == ["一般", "较大", "重大"]
    assert EntityKind.PLACE.label == "场所" and EntityKind.PLACE_INSPECTION.label == "场所检查记录"
    assert EntityKind.PLACE in MUTABLE_KINDS and EntityKind.PLACE_INSPECTION in APPEND_ONLY_KINDS
    assert limits.field_label("contact", EntityKind.PLACE) == "负责人"
    assert limits.field_label("address", EntityKind.PLACE) == "地址"
    assert limits.field_label("address", EntityKind.HOUSEHOLD) == "住址"


def test_a_value_no_store_takes_is_named_in_chinese() -> None:
    with pytest.raises(limits.InvalidValue) as caught:
        limits.check_record(Place(grid_id="g", name="超市\x07"))
    assert caught.value.message.startswith("场所名称含有不可见的控制字符")
    with pytest.raises(limits.InvalidValue) as caught:
        limits.check_record(
            PlaceInspection(place_id="p" * 65, inspector="何子健", inspected_on=DAY)
        )
    assert caught.value.message == "所属场所过长（最多 64 个字符）"


def test_an_open_hazard_is_one_found_and_not_rectified() -> None:
    check = PlaceInspection(place_id="p", inspector="何子健", inspected_on=DAY, hazards="漏电")
    assert check.open_hazard
    assert not PlaceInspection(place_id="p", inspector="何", inspected_on=DAY).open_hazard
    recheck = PlaceInspection(
        place_id="p", inspector="何", inspected_on=DAY, hazards="漏电", rectified=True
    )
    assert not recheck.open_hazard


@pytest.mark.parametrize(
    ("findings", "hazards", "rectify_by", "rectified", "expected"),
    [
        ("通道畅通", "", None, False, None),
        ("", "灭火器过期", date(2026, 11, 9), False, None),
        ("复查", "灭火器过期", None, True, None),
        ("", "", None, False, ("findings", "请填写检查情况或发现的隐患")),
        (
            "通道畅通",
            "",
            date(2026, 11, 9),
            False,
            ("rectify_by", "填写整改期限时须写明所发现的隐患"),
        ),
        ("通道畅通", " ", None, True, ("rectified", "请写明已整改的是哪些隐患")),
        ("", "漏电", date(2026, 11, 1), False, ("rectify_by", "整改期限不能早于检查日期")),
    ],
)
def test_inspection_rules(
    findings: str,
    hazards: str,
    rectify_by: date | None,
    rectified: bool,
    expected: tuple[str, str] | None,
) -> None:
    problem = inspection_problem(DAY, findings, hazards, rectify_by, rectified)
    assert (None if problem is None else (problem.field, problem.message)) == expected
