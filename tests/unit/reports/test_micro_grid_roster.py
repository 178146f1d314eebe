"""微网格联户名册 (issue #16 item 2: 网格核心户/党员中心户 tied to their micro-grid): each
micro-grid with the household that leads it and the households it links, recounted
from the sample's own lists."""

from __future__ import annotations

from pathlib import Path

from gridclient.demo.local import load_dataset
from gridclient.reports.data import ReportKind, build_micro_grid_roster, build_report
from gridclient.reports.render import render_pdf
from gridclient.storage import Store
from gridcore.domain.entities import Area
from gridcore.domain.enums import AreaLevel, HouseholdTag, Role
from tests.unit.reports.pdftext import pdf_text, squeeze
from tests.unit.reports.sample import GRID1_CODE, NOW, PERIOD, TOWNSHIP_CODE, Sample


def _with_micro_grids(store: Store, sample: Sample) -> tuple[Area, Area]:
    """g1 split in two micro-grids: 1001 (网格核心户) and 1002 in the first, 1003 alone in
    the second (no leading household yet); g2's households in none."""
    g1 = sample.grids["g1"]
    first = Area(code=GRID1_CODE + "01", name="第1微网格", level=AreaLevel.MICRO_GRID,
                 parent_id=g1.id)  # fmt: skip
    second = Area(code=GRID1_CODE + "02", name="第2微网格", level=AreaLevel.MICRO_GRID,
                  parent_id=g1.id)  # fmt: skip
    sample.dataset.areas.extend([first, second])
    for home in sample.dataset.households:
        if home.number in ("1001", "1002"):
            home.micro_grid_id = first.id
        elif home.number == "1003":
            home.micro_grid_id = second.id
        if home.number == "1001":
            home.tags = frozenset({HouseholdTag.GRID_CORE, HouseholdTag.MINIMUM_LIVING})
    load_dataset(store, sample.dataset)
    return first, second


def test_each_micro_grid_with_its_leading_household(
    empty_store: Store, sample: Sample, tmp_path: Path
) -> None:
    _with_micro_grids(empty_store, sample)
    report = build_micro_grid_roster(empty_store, TOWNSHIP_CODE, Role.TOWNSHIP, now=NOW)
    titles = [report.rows[i][1] for i in sorted(report.section_rows)]
    assert titles == [
        "东村第一网格第1微网格　网格核心户：张建国　联户2户",
        "东村第一网格第2微网格　尚未确定网格核心户　联户1户",
        "东村第二网格　未划入微网格的住户（2户）",
    ]
    lines = [r for i, r in enumerate(report.rows) if i not in report.section_rows]
    assert [r[2] for r in lines] == ["1001", "1002", "1003", "2001", "2002"]
    first = lines[0]
    people = {h.id: 0 for h in sample.dataset.households}
    for resident in sample.dataset.residents:
        people[resident.household_id] += 1
    home = next(h for h in sample.dataset.households if h.number == "1001")
    assert first[3] == "张建国" and first[5] == people[home.id]
    assert first[6] == "网格核心户" and first[7] == "中心户"
    assert report.summary == (
        "共 2 个微网格、5 户；已确定网格核心户（党员中心户）的 1 个，尚未确定的 1 个。",
    )
    pdf = tmp_path / "micro.pdf"
    render_pdf(report, pdf)
    assert "微网格联户名册" in squeeze(pdf_text(pdf))


def test_a_worker_sees_the_phones_masked(empty_store: Store, sample: Sample) -> None:
    _with_micro_grids(empty_store, sample)
    report = build_report(empty_store, ReportKind.MICRO_GRID_ROSTER, GRID1_CODE, PERIOD,
                          role=Role.WORKER, now=NOW)  # fmt: skip
    phones = [r[4] for i, r in enumerate(report.rows) if i not in report.section_rows]
    assert phones and all("****" in str(p) for p in phones)
