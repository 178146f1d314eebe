"""场所名册 (issue #16 item 5): the places of an area's grids with their latest check,
of one kind when asked; recounted from the sample's lists; PDF text as printed (no Kangxi
radical), xlsx the same rows; the command line takes the Chinese name and --place-kind."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gridclient.demo.local import load_dataset
from gridclient.reports.data import ReportKind, build_report
from gridclient.reports.excel import write_xlsx
from gridclient.reports.render import render_pdf
from gridclient.reports.tounicode import is_radical
from gridclient.storage import Store
from gridcore.domain.entities import Place, PlaceInspection
from gridcore.domain.enums import PlaceKind, RiskLevel, Role
from tests.unit.reports.pdftext import pdf_text, squeeze
from tests.unit.reports.sample import NOW, PERIOD, TOWNSHIP_CODE, Sample


def _load(store: Store, sample: Sample) -> dict[str, Place]:
    g1, g2, g3 = (sample.grids[g].id for g in ("g1", "g2", "g3"))
    places = {
        "school": Place(grid_id=g1, name="东村小学", kind=PlaceKind.SCHOOL, contact="王校长",
                        phone="13800000011", risk_level=RiskLevel.GENERAL, is_key=True),
        "rental": Place(grid_id=g1, name="东村1组5号出租房", kind=PlaceKind.RENTAL_HOUSING,
                        address="东村1组5号", contact="房东 李四", phone="13800000012"),
        "gas": Place(grid_id=g2, name="周记液化气供应点", kind=PlaceKind.HAZARDOUS_CHEMICALS,
                     risk_level=RiskLevel.MAJOR, is_key=True, notes="储存间一处"),
        "pond": Place(grid_id=g3, name="西村南塘", kind=PlaceKind.WATER, is_key=True),
    }  # fmt: skip
    checks = [
        PlaceInspection(place_id=places["school"].id, inspector="何子健",
                        inspected_on=date(2026, 9, 1), findings="消防器材齐全有效"),
        PlaceInspection(place_id=places["rental"].id, inspector="何子健",
                        inspected_on=date(2026, 9, 2), hazards="电动车在楼道内充电",
                        rectify_by=date(2026, 9, 9)),
        PlaceInspection(place_id=places["gas"].id, inspector="何子健",
                        inspected_on=date(2026, 8, 1), hazards="钢瓶超期未检",
                        rectify_by=date(2026, 8, 8)),
        PlaceInspection(place_id=places["gas"].id, inspector="何子健",
                        inspected_on=date(2026, 8, 8), findings="复查", hazards="钢瓶超期未检",
                        rectified=True),
    ]  # fmt: skip
    sample.dataset.places.extend(places.values())
    sample.dataset.place_inspections.extend(checks)
    load_dataset(store, sample.dataset)
    return places


def test_the_township_roster_lists_its_places_with_their_checks(
    empty_store: Store, sample: Sample, tmp_path: Path
) -> None:
    _load(empty_store, sample)
    report = build_report(empty_store, ReportKind.PLACE_ROSTER, TOWNSHIP_CODE, PERIOD,
                          role=Role.TOWNSHIP, now=NOW)  # fmt: skip
    # 西村南塘 is in another township; by grid, then kind in the list's order.
    assert [r[1] for r in report.rows] == ["东村1组5号出租房", "东村小学", "周记液化气供应点"]
    rental, school, gas = report.rows
    assert rental[2:] == ("出租房屋", "东村第一网格", "东村1组5号", "房东 李四", "13800000012",
                          "", "", "2026-09-02", "逾期未整改（限2026-09-09）", "")  # fmt: skip
    assert (school[7], school[8], school[9], school[10]) == ("一般", "是", "2026-09-01", "无隐患")
    assert (gas[7], gas[9], gas[10], gas[11]) == ("较大", "2026-08-08", "已整改", "储存间一处")
    assert report.summary == (
        "共 3 处场所：出租房屋 1 处，学校/幼儿园 1 处，危化品/燃气点 1 处。",
        "重点场所 2 处，较大及以上风险 1 处；最近一次检查发现隐患尚未整改的 1 处，未检查 0 处。",
    )
    pdf = tmp_path / "places.pdf"
    render_pdf(report, pdf)
    text = pdf_text(pdf)
    assert not [c for c in text if is_radical(c)]
    flat = squeeze(text)
    for words in ("场所名册", "东村小学", "出租房屋", "逾期未整改", "第1页共1页"):
        assert words in flat, words
    xlsx = tmp_path / "places.xlsx"
    write_xlsx(report, xlsx)
    sheet = load_workbook(xlsx).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "周记液化气供应点" in cells and "逾期未整改（限2026-09-09）" in cells


def test_one_kind_and_masked_phones_for_a_worker(empty_store: Store, sample: Sample) -> None:
    _load(empty_store, sample)
    rental = PlaceKind.RENTAL_HOUSING
    report = build_report(empty_store, ReportKind.PLACE_ROSTER, TOWNSHIP_CODE, PERIOD,
                          role=Role.WORKER, place_kind=rental, now=NOW)  # fmt: skip
    assert report.full_title == "场所名册（出租房屋）"
    [row] = report.rows
    assert row[6] == "138****0012"
    assert report.notes


@pytest.mark.parametrize("text", ["出租房屋", "rental_housing"])
def test_the_command_line_takes_the_kind(text: str) -> None:
    from gridclient.reports.cli import _place_kind

    assert _place_kind(text) is PlaceKind.RENTAL_HOUSING
    assert _place_kind("学校") is PlaceKind.SCHOOL  # one half of 学校/幼儿园
