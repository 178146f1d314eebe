"""The department list (职能部门) as laptops and the server read it."""

from __future__ import annotations

import pytest

from gridcore.domain.departments import (
    Department,
    DepartmentError,
    DepartmentList,
    check_department_code,
)


def test_round_trip_and_offered_per_township() -> None:
    listing = DepartmentList(
        (
            Department("sfs", "司法所", "T1", staffed=True),
            Department("pcs", "派出所", "T1", active=False),
            Department("xfj", "县消防救援大队", None),
            Department("gts", "国土所", "T2"),
        ),
        mine="sfs",
    )
    again = DepartmentList.from_json(listing.to_json())
    assert again == listing
    assert [d.code for d in again.offered("T1")] == ["sfs", "xfj"]
    assert again.staffed_codes() == {"sfs"}
    assert again.name("pcs") == "派出所" and again.name("城管中队") == "城管中队"


@pytest.mark.parametrize("code", ["", "grid", "司法所", "a" * 33, "-x", "a b"])
def test_bad_codes_are_refused_in_chinese(code: str) -> None:
    with pytest.raises(DepartmentError) as info:
        check_department_code(code)
    assert "部门编码" in str(info.value)


@pytest.mark.parametrize(
    "document",
    [
        None,
        {"departments": "x"},
        {"departments": [{"code": "sfs"}]},
        {"departments": [{"code": "sfs", "name": " "}]},
        {"departments": [{"code": "sfs", "name": "司法所"}, {"code": "sfs", "name": "又一个"}]},
        {"departments": [{"code": "sfs", "name": "司法所", "active": "yes"}]},
    ],
)
def test_bad_documents_are_refused(document: object) -> None:
    with pytest.raises(DepartmentError):
        DepartmentList.from_json(document)
