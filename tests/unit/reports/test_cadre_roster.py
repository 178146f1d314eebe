"""包户名册 (issue #16 item 2: 五级五长包户): each cadre with the households he or she
answers for, then the households without one; recounted from the sample's lists."""

from __future__ import annotations

from pathlib import Path

from gridclient.demo.local import load_dataset
from gridclient.reports.data import NO_CADRE, ReportKind, build_report
from gridclient.reports.render import render_pdf
from gridclient.storage import Store
from gridcore.domain.enums import HouseholdTag, Role
from tests.unit.reports.pdftext import pdf_text, squeeze
from tests.unit.reports.sample import NOW, PERIOD, TOWNSHIP_CODE, Sample

CADRES = {"1001": "村支书 张建华", "1002": "村支书 张建华", "2001": "包户干部 李红"}


def _load(store: Store, sample: Sample) -> None:
    for home in sample.dataset.households:
        home.cadre = CADRES.get(home.number, "")
        if home.number == "1002":
            home.tags = frozenset({HouseholdTag.MINIMUM_LIVING})
    load_dataset(store, sample.dataset)


def test_each_cadre_with_the_households_in_charge(
    empty_store: Store, sample: Sample, tmp_path: Path
) -> None:
    _load(empty_store, sample)
    report = build_report(empty_store, ReportKind.CADRE_ROSTER, TOWNSHIP_CODE, PERIOD,
                          role=Role.TOWNSHIP, now=NOW)  # fmt: skip
    township = {h.id: h for h in sample.dataset.households if h.number and h.number[0] in "12"}
    people = {hid: 0 for hid in township}
    for resident in sample.dataset.residents:
        if resident.household_id in people:
            people[resident.household_id] += 1
    by_number = {h.number: h.id for h in township.values()}
    sections = {i: report.rows[i][1] for i in report.section_rows}
    assert list(sections.values()) == [
        f"包户干部 李红　包1户 {people[by_number['2001']]}人",
        f"村支书 张建华　包2户 {people[by_number['1001']] + people[by_number['1002']]}人",
        f"{NO_CADRE}　包2户 {people[by_number['1003']] + people[by_number['2002']]}人",
    ]
    lines = [r for i, r in enumerate(report.rows) if i not in report.section_rows]
    assert [r[2] for r in lines] == ["2001", "1001", "1002", "1003", "2002"]
    assert lines[2][7] == "低保户" and lines[2][4] == "13800000003"  # township: full number
    assert report.summary == ("2 名包户干部包联 3 户；尚未落实包户干部的 2 户。",)
    pdf = tmp_path / "cadres.pdf"
    render_pdf(report, pdf)
    assert "包户名册" in squeeze(pdf_text(pdf)) and "村支书张建华" in squeeze(pdf_text(pdf))


def test_a_worker_gets_phones_masked(empty_store: Store, sample: Sample) -> None:
    _load(empty_store, sample)
    report = build_report(empty_store, ReportKind.CADRE_ROSTER, TOWNSHIP_CODE, PERIOD,
                          role=Role.WORKER, now=NOW)  # fmt: skip
    phones = [r[4] for i, r in enumerate(report.rows) if i not in report.section_rows]
    assert phones and all("****" in str(p) for p in phones)
