"""防返贫监测台账 (#16 item 2): the 防返贫监测 records of the area's households that ran in
the period, with their dates, risk type, measures and status; recounted from the records
put in; PDF text without Kangxi radicals; the same rows in the workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from gridclient.demo.local import load_dataset
from gridclient.reports.data import ReportKind, build_report
from gridclient.reports.excel import write_xlsx
from gridclient.reports.render import render_pdf
from gridclient.reports.tounicode import is_radical
from gridclient.storage import Store
from gridcore.domain.entities import ProgramRecord
from gridcore.domain.enums import HouseholdTag, MonitorStatus, Program, RiskType, Role
from tests.unit.reports.pdftext import pdf_text, squeeze
from tests.unit.reports.sample import NOW, PERIOD, TOWNSHIP_CODE, Sample


def _monitored(household_id: str, started: date, **values: object) -> ProgramRecord:
    fields: dict[str, object] = {
        "household_id": household_id,
        "program": Program.MONITORED,
        "started_on": started,
        "status": MonitorStatus.ASSISTING,
        "risk_type": RiskType.ILLNESS,
        "measures": "落实医疗救助，家庭医生签约",
    }
    fields.update(values)
    return ProgramRecord(**fields)  # type: ignore[arg-type]


def _load(store: Store, sample: Sample) -> None:
    homes = {h.number: h for h in sample.dataset.households}
    homes["1001"].tags = frozenset({HouseholdTag.MONITOR_SUDDEN_HARDSHIP})
    sample.dataset.program_records = [
        # Identified before September, still assisted: listed, still monitored.
        _monitored(homes["1001"].id, date(2026, 8, 10)),
        # Identified and cleared in September: listed, new and cleared.
        _monitored(
            homes["1002"].id,
            date(2026, 9, 5),
            status=MonitorStatus.CLEARED,
            ended_on=date(2026, 9, 25),
            risk_type=RiskType.UNSTABLE_EMPLOYMENT,
            measures="推荐务工岗位",
        ),
        # Cleared before September, identified after it, another program, another
        # township, deleted: not listed.
        _monitored(
            homes["2001"].id,
            date(2026, 5, 1),
            status=MonitorStatus.CLEARED,
            ended_on=date(2026, 8, 31),
        ),
        _monitored(homes["2002"].id, date(2026, 10, 1), status=MonitorStatus.IDENTIFIED),
        ProgramRecord(
            household_id=homes["1003"].id,
            program=Program.MINIMUM_LIVING,
            started_on=date(2025, 1, 1),
            amount=560,
        ),
        _monitored(homes["3001"].id, date(2026, 9, 1)),
        _monitored(homes["1003"].id, date(2026, 9, 1), deleted=True),
    ]
    load_dataset(store, sample.dataset)


def test_the_ledger_lists_the_records_that_ran_in_the_period(
    empty_store: Store, sample: Sample, tmp_path: Path
) -> None:
    _load(empty_store, sample)
    report = build_report(
        empty_store, ReportKind.MONITORING_LEDGER, TOWNSHIP_CODE, PERIOD, role=Role.WORKER,
        now=NOW,
    )  # fmt: skip
    assert report.title == "防返贫监测台账"
    assert [c.title for c in report.columns] == [
        "序号", "户主", "网格", "住址", "监测对象类别", "风险类型", "识别日期", "帮扶措施",
        "状态", "消除日期", "备注",
    ]  # fmt: skip
    assert [row[1:] for row in report.rows] == [
        (
            "张建国", "东村第一网格", "东村1组1号", "突发严重困难户", "因病", "2026-08-10",
            "落实医疗救助，家庭医生签约", "帮扶中", "", "",
        ),
        (
            "王德明", "东村第一网格", "东村1组2号", "", "因就业不稳", "2026-09-05",
            "推荐务工岗位", "风险已消除", "2026-09-25", "",
        ),
    ]  # fmt: skip
    assert report.summary == (
        "本期监测 2 户：新识别 1 户，风险消除 1 户，期末仍在监测 1 户。",
        "按风险类型：因病 1 户，因就业不稳 1 户。",
    )
    assert "2026年9月" in report.period_text

    pdf = tmp_path / "ledger.pdf"
    render_pdf(report, pdf)
    text = pdf_text(pdf)
    assert not [c for c in text if is_radical(c)]
    flat = squeeze(text)
    for words in ("防返贫监测台账", "风险已消除", "2026-09-25", "因就业不稳", "张建国", "制表人"):
        assert words in flat, words

    xlsx = tmp_path / "ledger.xlsx"
    write_xlsx(report, xlsx)
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {"王德明", "风险已消除", "2026-09-25", "识别日期", "消除日期"} <= cells


def test_an_empty_period_says_so(empty_store: Store, sample: Sample) -> None:
    load_dataset(empty_store, sample.dataset)
    report = build_report(empty_store, ReportKind.MONITORING_LEDGER, TOWNSHIP_CODE, PERIOD, now=NOW)
    assert report.rows == ()
    assert report.summary == ("本期监测 0 户：新识别 0 户，风险消除 0 户，期末仍在监测 0 户。",)


def test_two_spells_of_one_household_count_it_once(empty_store: Store, sample: Sample) -> None:
    home = next(h for h in sample.dataset.households if h.number == "1001")
    sample.dataset.program_records = [
        _monitored(
            home.id,
            date(2026, 6, 1),
            status=MonitorStatus.CLEARED,
            ended_on=date(2026, 9, 3),
        ),
        _monitored(home.id, date(2026, 9, 20), risk_type=RiskType.DISASTER),
    ]
    load_dataset(empty_store, sample.dataset)
    report = build_report(empty_store, ReportKind.MONITORING_LEDGER, TOWNSHIP_CODE, PERIOD, now=NOW)
    assert [(row[6], row[9]) for row in report.rows] == [
        ("2026-06-01", "2026-09-03"),
        ("2026-09-20", ""),
    ]
    assert report.totals is not None and report.totals[1] == "1户"
    assert report.summary[0] == (
        "本期监测 1 户（2 条记录）：新识别 1 户，风险消除 1 户，期末仍在监测 1 户。"
    )


def test_the_household_roster_shows_the_open_records_day(
    empty_store: Store, sample: Sample
) -> None:
    """重点户花名册（防返贫监测户）: the 识别日期 of each household's open record."""
    _load(empty_store, sample)
    report = build_report(
        empty_store, ReportKind.HOUSEHOLD_ROSTER, TOWNSHIP_CODE, PERIOD, role=Role.TOWNSHIP,
        program="防返贫监测户", now=NOW,
    )  # fmt: skip
    assert report.columns[9].title == "识别日期"
    assert [(row[1], row[8], row[9]) for row in report.rows] == [
        ("1001", "突发严重困难户", "2026-08-10")
    ]
    assert report.totals is not None and len(report.totals) == len(report.columns)
    # A program without records (党员中心户) keeps the roster as it was.
    party = build_report(
        empty_store, ReportKind.HOUSEHOLD_ROSTER, TOWNSHIP_CODE, PERIOD, role=Role.TOWNSHIP,
        program="党员中心户", now=NOW,
    )  # fmt: skip
    assert "识别日期" not in [c.title for c in party.columns] and len(party.columns) == 11
