"""巡查日志: the patrols of an area's grids in a period, by day, with the patroller's
real name, the 事件编号 of the events reported from each, photo counts and a count per
grid; PDF (no Kangxi radicals in its text) and xlsx, from the command line too."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from gridclient.__main__ import main
from gridclient.demo.local import load_dataset
from gridclient.reports.data import (
    EVENT_NOT_HERE,
    Period,
    ReportKind,
    build_patrol_log,
    build_report,
)
from gridclient.reports.excel import write_xlsx
from gridclient.reports.render import render_pdf
from gridclient.reports.tounicode import is_radical
from gridclient.storage import Store
from gridclient.storage.store import store_path
from gridclient.storage.syncmeta import SyncKey
from gridcore.domain.entities import CST, Patrol
from gridcore.domain.eventnumber import UNNUMBERED
from tests.unit.reports.pdftext import pdf_text, squeeze
from tests.unit.reports.sample import GRID1_CODE, NOW, PERIOD, TOWNSHIP_CODE, Sample
from tests.unit.storage.factories import CHEAP_KDF


def _names(store: Store) -> None:
    with store.unit_of_work(actor="worker01") as uow:
        uow.repos.sync_state.set(
            SyncKey.DIRECTORY, {"worker01": ["张伟", "worker"], "worker02": ["李娜", "worker"]}
        )


def test_the_log_lists_the_period_patrols_of_the_subtree(store: Store, sample: Sample) -> None:
    _names(store)
    report = build_patrol_log(store, TOWNSHIP_CODE, PERIOD, now=NOW)
    assert report.title == "巡查日志" and report.period == PERIOD
    assert [c.title for c in report.columns] == [
        "序号", "日期", "时间", "网格", "巡查人", "路线/地点", "发现问题", "上报事件", "照片数",
    ]  # fmt: skip
    # September only, this township only (西村 is another one), oldest day first.
    assert [(r[1], r[3], r[4]) for r in report.rows] == [
        ("2026-09-02", "东村第一网格", "张伟"),
        ("2026-09-06", "东村第一网格", "张伟"),
        ("2026-09-30", "东村第二网格", "李娜"),
    ]
    second = report.rows[1]
    assert second[2] == "08:00-10:00"
    assert second[5] == "村委会—1组—河堤；村口小卖部、河堤"
    assert second[6] == "1组楼道堆放杂物，已上报" and second[8] == 2
    # The linked event by its 事件编号 (the sample's events are not numbered yet); one
    # this laptop never received is named so, not left out.
    assert second[7] == UNNUMBERED and report.rows[0][7] == EVENT_NOT_HERE
    assert report.totals == ("合计", "3次", "", "2个网格", "", "", "", "2件", 2)
    assert report.summary[0] == "期内巡查 3 次，涉及 2 个网格，上报事件 2 件，照片 2 张。"
    assert report.summary[1] == (
        "各网格巡查次数：东村第一网格 2 次（上报事件 2 件）；东村第二网格 1 次。"
    )
    # A numbered event prints its number; one grid prints its own patrols only.
    stairwell = next(e for e in sample.dataset.events if e.title == "楼道堆物纠纷")
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE events SET number = '2026-100-00003' WHERE id = ?", (stairwell.id,)
        )
    one = build_report(store, ReportKind.PATROL_LOG, GRID1_CODE, PERIOD, now=NOW)
    assert [r[7] for r in one.rows] == [EVENT_NOT_HERE, "2026-100-00003"]
    quiet = build_patrol_log(
        store, GRID1_CODE, Period(PERIOD.start.replace(month=7), PERIOD.start.replace(month=7))
    )
    assert quiet.rows == () and quiet.summary == (
        "期内巡查 0 次，涉及 0 个网格，上报事件 0 件，照片 0 张。",
    )


def test_a_night_patrol_ends_on_the_next_day(store: Store, sample: Sample) -> None:
    """22:00 to 01:30 the next morning prints its end as 次日01:30."""
    night = Patrol(
        grid_id=sample.grids["g2"].id,
        patroller="worker01",
        patrol_date=date(2026, 9, 20),
        started_at=datetime(2026, 9, 20, 22, 0, tzinfo=CST),
        ended_at=datetime(2026, 9, 21, 1, 30, tzinfo=CST),
        route="夜巡：幸福街—河堤",
        findings="未发现异常",
    )
    with store.unit_of_work(actor="worker01") as uow:
        uow.create(night)
    report = build_patrol_log(store, TOWNSHIP_CODE, PERIOD, now=NOW)
    [row] = [r for r in report.rows if r[1] == "2026-09-20"]
    assert row[2] == "22:00-次日01:30"


def test_pdf_and_xlsx(store: Store, tmp_path: Path) -> None:
    _names(store)
    report = build_patrol_log(store, TOWNSHIP_CODE, PERIOD, now=NOW)
    pdf = tmp_path / "patrols.pdf"
    render_pdf(report, pdf)
    text = pdf_text(pdf)
    assert not [c for c in text if is_radical(c)]
    flat = squeeze(text)
    for word in ("巡查日志", "2026年9月", "巡查人", "张伟", "1组楼道堆放杂物", "各网格巡查次数"):
        assert squeeze(word) in flat, word
    xlsx = tmp_path / "patrols.xlsx"
    write_xlsx(report, xlsx)
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "巡查日志" in str(cells[0]) and "1组楼道堆放杂物，已上报" in cells and "李娜" in cells


def test_the_command_line_prints_it(tmp_path: Path, sample: Sample, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "data"
    with Store.create(
        store_path(root, "demo.local", "township01"),
        "pw",
        username="township01",
        server_url="demo.local",
        kdf=CHEAP_KDF,
    ) as opened:
        load_dataset(opened, sample.dataset)
    monkeypatch.setenv("GRIDCLIENT_PASSWORD", "pw")
    out = tmp_path / "log.pdf"
    args = ["--data-dir", str(root), "report", "巡查日志", "--area", TOWNSHIP_CODE]
    assert main([*args, "--month", "2026-09", "--user", "township01", "--pdf", str(out)]) == 0
    flat = squeeze(pdf_text(out))
    assert "巡查日志" in flat and "2026年9月" in flat and "路灯一盏不亮" in flat
