"""事件办理统计 and 事件台账 recounted on a hand-built township (issue #15, item 5); a
catalog change leaves every figure as it was (item 1)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gridclient.demo.local import load_dataset
from gridclient.reports.data import (
    EventFilter,
    EventStateFilter,
    Report,
    build_event_ledger,
    build_event_stats,
)
from gridclient.reports.excel import write_xlsx
from gridclient.reports.render import render_pdf
from gridclient.storage import Store
from gridcore.domain.catalog import EventCatalog
from gridcore.domain.enums import Ledger, Urgency
from tests.unit.reports.event_sample import NOW, PERIOD, TOWNSHIP, build_event_sample
from tests.unit.reports.pdftext import pdf_text, squeeze

D = "—"
# Counted by hand from event_sample.PLAN: 事件数, 办理中, 已退回, 已办结, 已作废,
# 超期未办结, 超期办结, 办结率, 按期办结率, 满意率, 自处置率, 调解数, 调处成功率 (the
# mediations of e1, e2 and e7, all 邻里纠纷 in 东村第一网格: 2 成功 of 3 concluded).
EXPECTED_ROWS = (
    ("", "一、按事件类别", *[""] * 13),
    (1, "邻里纠纷", 4, 1, 0, 2, 1, 0, 0, "66.7%", "100.0%", "100.0%", "33.3%", 4, "66.7%"),
    (2, "消防安全隐患", 1, 0, 0, 1, 0, 0, 1, "100.0%", "0.0%", "0.0%", "0.0%", 0, D),
    (3, "环境卫生", 1, 0, 0, 1, 0, 0, 0, "100.0%", "100.0%", D, "100.0%", 0, D),
    (4, "基础设施建设建议", 2, 1, 1, 0, 0, 1, 0, "0.0%", D, D, "0.0%", 0, D),
    ("", "二、按台账（三本账）", *[""] * 13),
    (1, "意见建议账", 2, 1, 1, 0, 0, 1, 0, "0.0%", D, D, "0.0%", 0, D),
    (2, "利益诉求账", 4, 1, 0, 2, 1, 0, 0, "66.7%", "100.0%", "100.0%", "33.3%", 4, "66.7%"),
    (3, "投诉举报账", 2, 0, 0, 2, 0, 0, 1, "100.0%", "50.0%", "0.0%", "50.0%", 0, D),
    ("", "三、按村（社区）", *[""] * 13),
    (1, "东村", 5, 1, 1, 3, 0, 0, 1, "60.0%", "66.7%", "66.7%", "20.0%", 4, "66.7%"),
    (2, "南村", 3, 1, 0, 1, 1, 1, 0, "50.0%", "100.0%", D, "50.0%", 0, D),
    ("", "四、按网格", *[""] * 13),
    (1, "东村第一网格", 3, 1, 0, 2, 0, 0, 0, "66.7%", "100.0%", "100.0%", "33.3%", 4, "66.7%"),
    (2, "东村第二网格", 2, 0, 1, 1, 0, 0, 1, "50.0%", "0.0%", "0.0%", "0.0%", 0, D),
    (3, "南村第一网格", 3, 1, 0, 1, 1, 1, 0, "50.0%", "100.0%", D, "50.0%", 0, D),
)
EXPECTED_TOTALS = (
    "合计", "8件", 8, 2, 1, 4, 1, 1, 1, "57.1%", "75.0%", "66.7%", "28.6%", 4, "66.7%"
)  # fmt: skip


@pytest.fixture
def store(empty_store: Store) -> Store:
    load_dataset(empty_store, build_event_sample().dataset)
    return empty_store


def test_statistics_recounted_by_hand(store: Store) -> None:
    stats = build_event_stats(store, TOWNSHIP, PERIOD, now=NOW)
    assert stats.rows == EXPECTED_ROWS
    assert stats.totals == EXPECTED_TOTALS
    assert stats.section_rows == frozenset({0, 5, 9, 12})
    assert stats.summary[0].startswith("共 8 件，办结 4 件，办结率 57.1%")
    assert "超期未办结 1 件，超期办结 1 件" in stats.summary[0]


def test_one_village_has_no_village_rows(store: Store) -> None:
    stats = build_event_stats(store, "369900100201", PERIOD, now=NOW)
    titles = [row[1] for row in stats.rows if row[0] == ""]
    assert titles == ["一、按事件类别", "二、按台账（三本账）"]  # one grid, one village
    assert stats.totals == ("合计", "3件", *EXPECTED_ROWS[11][2:])


def _ledger_rows(report: Report) -> dict[str, tuple[object, ...]]:
    return {str(row[5]).split()[0]: row for row in report.rows}


def test_ledger_columns(store: Store) -> None:
    ledger = build_event_ledger(store, TOWNSHIP, PERIOD, now=NOW)
    rows = _ledger_rows(ledger)
    assert list(rows) == ["e3", "e1", "e2", "e8", "e4", "e5", "e6", "e7"]  # by report time
    # 序号 事件编号 上报日期 网格 上报人 事件 类别 台账 紧急程度 处置单位 办理时限 状态
    # 办结日期 超期 办理结果 满意度 督办/延期/回访
    assert rows["e2"][1:5] == ("2026-100-00003", "2026-09-05", "东村第一网格", "何子健")
    assert rows["e2"][6:] == (
        "邻里纠纷", "利益诉求", "一般", "司法所", "2026-09-20", "已评价", "2026-09-15", "",
        "已调解", "基本满意", "回访",
    )  # fmt: skip
    assert rows["e3"][9] == "网格员" and rows["e3"][13] == "超期办结"
    # 3 working days (the fallback for 紧急; 建议 count working days): 25–27 Sept is 中秋.
    assert rows["e5"][8] == "紧急" and rows["e5"][10] == "2026-09-30"
    assert rows["e5"][11:14] == ("已受理", "", "超期未办结") and rows["e5"][16] == "督办"
    assert rows["e6"][11:15] == ("已作废", "", "", "作废原因：重复上报")  # no 办结日期
    assert rows["e4"][11] == "已退回" and rows["e4"][13] == ""
    assert rows["e7"][1] == "待编号"
    assert rows["e1"][9] == "网格员（自处置）"
    assert ledger.summary == ("共 8 件，已办结 4 件，超期未办结 1 件，超期办结 1 件。",)
    assert any("待编号" in note for note in ledger.notes)


@pytest.mark.parametrize(
    ("which", "names", "subtitle"),
    [
        (EventFilter(ledger=Ledger.SUGGESTION), ["e4", "e5"], "意见建议账"),
        (EventFilter(ledger=Ledger.COMPLAINT), ["e3", "e8"], "投诉举报账"),
        (EventFilter(category="01001"), ["e1", "e2", "e6", "e7"], "邻里纠纷"),
        (EventFilter(category="环境卫生"), ["e8"], "环境卫生"),
        (EventFilter(state=EventStateFilter.UNFINISHED, overdue=True), ["e5"], "超期未办结"),
        (EventFilter(state=EventStateFilter.FINISHED, overdue=True), ["e3"], "超期办结"),
        (EventFilter(state=EventStateFilter.RETURNED), ["e4"], "已退回"),
        (EventFilter(state=EventStateFilter.HANDLING), ["e5", "e7"], "办理中"),
        (EventFilter(state=EventStateFilter.VOIDED), ["e6"], "已作废"),
        (
            EventFilter(ledger=Ledger.APPEAL, state=EventStateFilter.FINISHED),
            ["e1", "e2"],
            "利益诉求账·已办结",
        ),
    ],
)
def test_ledger_filters(store: Store, which: EventFilter, names: list[str], subtitle: str) -> None:
    ledger = build_event_ledger(store, TOWNSHIP, PERIOD, which=which, now=NOW)
    assert list(_ledger_rows(ledger)) == names
    assert [row[0] for row in ledger.rows] == list(range(1, len(names) + 1))
    assert ledger.subtitle == subtitle
    assert ledger.full_title == f"事件台账（{subtitle}）"


def test_statistics_of_one_ledger(store: Store) -> None:
    stats = build_event_stats(
        store, TOWNSHIP, PERIOD, which=EventFilter(ledger=Ledger.SUGGESTION), now=NOW
    )
    assert stats.totals == ("合计", "2件", *EXPECTED_ROWS[6][2:])
    assert [row[1] for row in stats.rows[:4]] == [
        "一、按事件类别",
        "基础设施建设建议",
        "二、按台账（三本账）",
        "意见建议账",
    ]


def _with_catalog(store: Store, change: dict[str, object] | None) -> None:
    with store.write() as repos:
        catalog = repos.catalog.load()
        categories = []
        for category in catalog:
            if category.code == "01001":
                if change is None:
                    continue  # removed (as the old server allowed)
                category = dataclasses.replace(category, **change)  # type: ignore[arg-type]
            categories.append(category)
        repos.catalog.save(EventCatalog.of(categories, "changed", catalog.revision + 1))


def test_a_catalog_change_leaves_every_figure_unchanged(store: Store) -> None:
    before_stats = build_event_stats(store, TOWNSHIP, PERIOD, now=NOW)
    before_ledger = build_event_ledger(store, TOWNSHIP, PERIOD, now=NOW)
    # 邻里纠纷 15 → 7 days and renamed: e2 (closed on day 10) stays 按期.
    _with_catalog(store, {"time_limits": {Urgency.NORMAL: 7}, "name": "邻里矛盾"})
    after_stats = build_event_stats(store, TOWNSHIP, PERIOD, now=NOW)
    after_ledger = build_event_ledger(store, TOWNSHIP, PERIOD, now=NOW)
    assert after_stats.rows == before_stats.rows == EXPECTED_ROWS
    assert after_stats.totals == before_stats.totals
    assert after_ledger.rows == before_ledger.rows
    e2 = _ledger_rows(after_ledger)["e2"]
    assert (e2[6], e2[10], e2[13]) == ("邻里纠纷", "2026-09-20", "")  # its own terms: 按期
    # Even a catalog without the category at all (what the issue saw fail).
    _with_catalog(store, None)
    assert build_event_stats(store, TOWNSHIP, PERIOD, now=NOW).rows == EXPECTED_ROWS
    assert build_event_ledger(store, TOWNSHIP, PERIOD, now=NOW).rows == before_ledger.rows


def test_pdf_and_xlsx_carry_the_new_columns(store: Store, tmp_path: Path) -> None:
    stats = build_event_stats(store, TOWNSHIP, PERIOD, now=NOW)
    ledger = build_event_ledger(
        store,
        TOWNSHIP,
        PERIOD,
        which=EventFilter(state=EventStateFilter.UNFINISHED, overdue=True),
        now=NOW,
    )
    render_pdf(stats, tmp_path / "stats.pdf")
    render_pdf(ledger, tmp_path / "overdue.pdf")
    text = squeeze(pdf_text(tmp_path / "stats.pdf", 1))
    for words in ("满意率", "自处置率", "超期未办结", "超期办结", "按村", "按网格", "意见建议账"):
        assert words in text, words
    text = squeeze(pdf_text(tmp_path / "overdue.pdf", 1))
    assert "事件台账(超期未办结)" in text or "事件台账（超期未办结）" in text
    assert "2026-100-00005" in text and "督办" in text
    from openpyxl import load_workbook

    write_xlsx(stats, tmp_path / "stats.xlsx")
    sheet = load_workbook(tmp_path / "stats.xlsx").active
    assert sheet is not None
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "自处置率" in cells and "四、按网格" in cells and "南村第一网格" in cells
    heading = next(c for row in sheet.iter_rows() for c in row if c.value == "一、按事件类别")
    assert heading.font.b
