"""The five reports' data and PDFs against figures computed from the sample lists."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from gridclient.reports.data import (
    NOT_SYNCED,
    AreaNotFound,
    ReportKind,
    build_event_ledger,
    build_event_stats,
    build_report,
    build_roster,
    build_visit_register,
    build_visit_summary,
)
from gridclient.reports.render import render_pdf
from gridclient.storage import Store
from gridcore.domain.entities import CST, Resident
from gridcore.domain.enums import Role, SpecialGroup, VisitMethod
from gridcore.domain.idnumber import mask
from tests.unit.reports.pdftext import page_count, pdf_text, squeeze
from tests.unit.reports.sample import NOW, PERIOD, TOWNSHIP_CODE, Sample


def _in_period(moment: datetime) -> bool:
    return PERIOD.start <= moment.astimezone(CST).date() <= PERIOD.end


def _township_grid_ids(sample: Sample) -> set[str]:
    return {sample.grids["g1"].id, sample.grids["g2"].id}


def test_visit_summary_matches_independent_counts(store: Store, sample: Sample) -> None:
    report = build_visit_summary(store, TOWNSHIP_CODE, PERIOD, now=NOW)
    grids = _township_grid_ids(sample)
    visits = [v for v in sample.dataset.visits if v.grid_id in grids and _in_period(v.visited_at)]
    households = [h for h in sample.dataset.households if h.grid_id in grids]
    visited = {v.household_id for v in visits}
    methods = Counter(v.method for v in visits)
    assert [row[1] for row in report.rows] == ["东村第一网格", "东村第二网格"]
    assert report.totals is not None
    expected_totals = (
        len(households),
        len(visited),
        f"{len(visited) * 100 / len(households):.1f}%",
        *(methods[m] for m in VisitMethod),
        len(visits),
    )
    assert report.totals[3:] == expected_totals
    g1 = report.rows[0]
    assert g1[3:6] == (3, 2, "66.7%")  # h1, h2 visited in Sept; h3 only in Aug and Oct
    assert report.unit_name == "测试县和平镇"
    assert report.data_as_of_text == NOT_SYNCED


def test_visit_register_lists_period_visits_of_subtree(store: Store, sample: Sample) -> None:
    report = build_visit_register(store, TOWNSHIP_CODE, PERIOD, now=NOW)
    grids = _township_grid_ids(sample)
    expected = sorted(
        v.content for v in sample.dataset.visits if v.grid_id in grids and _in_period(v.visited_at)
    )
    assert sorted(str(r[8]) for r in report.rows) == expected
    assert [r[0] for r in report.rows] == list(range(1, len(expected) + 1))
    assert report.rows[-1][1] == "2026-09-30"  # 23:00 CST on 30 Sept is still in the period
    assert report.rows[0][5] == "张建国"  # head of household
    one = build_visit_register(
        store, TOWNSHIP_CODE, PERIOD, household_id=sample.households["h1"].id, now=NOW
    )
    assert len(one.rows) == 2 and one.subtitle == "户号1001 东村1组1号"
    # The 户号 a clerk has on paper names the same household.
    by_number = build_visit_register(store, TOWNSHIP_CODE, PERIOD, household_id="1001", now=NOW)
    assert by_number.rows == one.rows and by_number.subtitle == one.subtitle


def test_event_ledger_and_stats(store: Store) -> None:
    ledger = build_event_ledger(store, TOWNSHIP_CODE, PERIOD, now=NOW)
    titles = [r[5] for r in ledger.rows]
    assert titles == ["邻里噪音纠纷", "宅基地界址纠纷", "楼道堆物纠纷", "重复上报"]
    states = {r[5]: (r[11], r[13], r[14], r[15]) for r in ledger.rows}
    assert states["宅基地界址纠纷"] == ("已评价", "", "双方签订调解协议", "满意")
    assert states["楼道堆物纠纷"][:2] == ("已上报", "超期未办结")  # 15 days, open on 30 Oct
    assert states["重复上报"][:3] == ("已作废", "", "作废原因：重复")
    assert ledger.totals is not None and ledger.totals[11] == "办结2件"
    assert ledger.totals[13] == "1件"

    stats = build_event_stats(store, TOWNSHIP_CODE, PERIOD, now=NOW)
    # one category: 4 events, 1 handling, 0 returned, 2 finished, 1 voided, 1 overdue
    # open, 0 finished late; 2/(4-1), 2/2, 1 of 1 rated satisfied, 1 self-resolved of 3;
    # 4 mediations: 2 成功 of 3 concluded (one still going).
    figures = (4, 1, 0, 2, 1, 1, 0, "66.7%", "100.0%", "100.0%", "33.3%", 4, "66.7%")
    assert stats.rows[:2] == (("", "一、按事件类别", *[""] * 13), (1, "邻里纠纷", *figures))
    assert stats.totals == ("合计", "4件", *figures)
    assert 0 in stats.section_rows and 1 not in stats.section_rows
    assert "调解 4 件，调处成功率 66.7%" in stats.summary[0]
    assert any("调处成功率＝调解成功÷（调解成功＋调解不成）" in n for n in stats.notes)


def test_mediation_ledger(store: Store) -> None:
    """矛盾纠纷调解台账: the mediations started in the period, the 调处成功率 counted from
    the concluded ones."""
    from gridclient.reports.data import build_mediation_ledger

    report = build_mediation_ledger(store, TOWNSHIP_CODE, PERIOD, now=NOW)
    assert report.title == "矛盾纠纷调解台账"
    by_parties = [(r[4], r[5], r[7], r[8], r[9], r[10]) for r in report.rows]
    assert by_parties == [
        (
            "刘某、陈某",
            "李桂兰\n幸福社区人民调解委员会",
            1,
            "调解成功",
            "口头协议：晚十点后不再使用音响",
            "",
        ),
        ("王某、赵某", "李桂兰", 1, "调解不成", "", "双方分歧较大，转请镇司法所参与"),
        (
            "王某、赵某",
            "镇司法所 周明\n和平镇人民调解委员会",
            2,
            "调解成功",
            "书面协议：以 1998 年界桩为准，赵某拆除越界围墙",
            "9月20日回访，已履行",
        ),
        ("3 栋住户", "幸福社区人民调解委员会", 0, "进行中", "", ""),
    ]
    assert [r[2] for r in report.rows] == ["邻里纠纷"] * 4
    assert report.totals is not None and report.totals[1] == "4件" and report.totals[7] == 4
    assert report.summary == (
        "共调解 4 件，调解成功 2 件，调解不成 1 件，进行中 1 件，转其他途径 0 件；"
        "调处成功率 66.7%。",
    )
    assert "调处成功率＝调解成功÷（调解成功＋调解不成）" in report.notes[0]
    # Another month: none.
    from gridclient.reports.data import Period

    empty = build_mediation_ledger(
        store, TOWNSHIP_CODE, Period(date(2026, 7, 1), date(2026, 7, 31)), now=NOW
    )
    assert empty.rows == () and "调处成功率 —" in empty.summary[0]


@pytest.mark.parametrize(
    ("role", "full"), [(Role.WORKER, False), (Role.TOWNSHIP, True), (Role.ADMIN, True)]
)
def test_roster_masks_ids_by_role(store: Store, sample: Sample, role: Role, full: bool) -> None:
    report = build_roster(store, TOWNSHIP_CODE, SpecialGroup.DISABLED, role, now=NOW)
    grids = _township_grid_ids(sample)
    homes = {h.id for h in sample.dataset.households if h.grid_id in grids}
    expected = {
        r.name: r.id_number
        for r in sample.dataset.residents
        if r.household_id in homes and SpecialGroup.DISABLED in r.tags
    }
    assert {r[1]: r[5] for r in report.rows} == {
        name: number if full else mask(number) for name, number in expected.items()
    }
    assert report.totals is not None and report.totals[1] == f"{len(expected)}人"


def test_elderly_rosters_use_the_birth_date_not_stored_tags(store: Store, sample: Sample) -> None:
    grids = _township_grid_ids(sample)
    home = next(h for h in sample.dataset.households if h.grid_id in grids)
    stale = Resident(  # an old client tagged a 36-year-old as 60+/80+
        household_id=home.id,
        name="错标老人",
        birth_date=date(1990, 1, 1),
        tags=frozenset({SpecialGroup.ELDERLY_60, SpecialGroup.ELDERLY_80}),
    )
    with store.unit_of_work(actor="tester") as uow:
        uow.create(stale)
    report = build_roster(store, TOWNSHIP_CODE, SpecialGroup.ELDERLY_60, Role.TOWNSHIP, now=NOW)
    # Born on or before 1966-10-30 (NOW is 2026-10-30 CST); nobody stored the tag.
    assert sorted(r[1] for r in report.rows) == ["孙丽", "张建国", "李秀英"]
    assert report.totals is not None and report.totals[1] == "3人"
    assert {r[1]: r[3] for r in report.rows}["孙丽"] == 60
    # 孙丽 (born 1966-07-07) is not 60 yet on 2026-07-06 CST.
    before = datetime(2026, 7, 6, 23, 59, tzinfo=CST)
    early = build_roster(store, TOWNSHIP_CODE, SpecialGroup.ELDERLY_60, Role.TOWNSHIP, now=before)
    assert sorted(r[1] for r in early.rows) == ["张建国", "李秀英"]
    # 16:00 UTC on 6 July is already 7 July in Beijing.
    birthday = datetime(2026, 7, 6, 16, 0, tzinfo=UTC)
    on_day = build_roster(
        store, TOWNSHIP_CODE, SpecialGroup.ELDERLY_60, Role.TOWNSHIP, now=birthday
    )
    assert len(on_day.rows) == 3
    eighty = build_roster(store, TOWNSHIP_CODE, SpecialGroup.ELDERLY_80, Role.TOWNSHIP, now=NOW)
    assert eighty.rows == ()


def test_last_sync_time_is_shown(store: Store) -> None:
    with store.write() as repos:
        repos.sync_state.set_last_sync_at(datetime(2026, 10, 29, 1, 30, tzinfo=UTC))
    report = build_visit_summary(store, TOWNSHIP_CODE, PERIOD, now=NOW)
    assert report.data_as_of_text == "2026年10月29日 09:30"


def test_unknown_area(store: Store) -> None:
    with pytest.raises(AreaNotFound):
        build_visit_summary(store, "000000", PERIOD, now=NOW)


@pytest.mark.parametrize("kind", list(ReportKind))
def test_each_report_renders_to_pdf(store: Store, tmp_path: Path, kind: ReportKind) -> None:
    report = build_report(
        store,
        kind,
        TOWNSHIP_CODE,
        PERIOD,
        role=Role.WORKER,
        group=SpecialGroup.DISABLED,
        program="minimum_living",
        now=NOW,
    )
    path = tmp_path / f"{kind.value}.pdf"
    pages = render_pdf(report, path)
    assert pages == page_count(path) == 1
    text = squeeze(pdf_text(path))
    missing = [
        expected
        for expected in (
            report.full_title,
            "填报单位：测试县和平镇",
            "第1页共1页",
            "制表人：",
            "审核人：",
            "打印时间：2026年10月30日09:00",
            f"数据截至：{NOT_SYNCED}",
            *(squeeze(str(cell)) for row in report.rows for cell in row),
            *(squeeze(str(cell)) for cell in report.totals or ()),
        )
        if squeeze(expected) not in text
    ]
    assert not missing
    if kind is ReportKind.ROSTER:
        assert "张建国" in text and "********" in text


def test_report_areas_for_everyone_and_for_one_worker(store: Store, sample: Sample) -> None:
    from gridclient.reports.data import report_areas
    from gridcore.domain.enums import AreaLevel

    every = [(a.name, a.level, a.depth) for a in report_areas(store)]
    assert every == [
        ("和平镇", AreaLevel.TOWNSHIP, 0),
        ("东村", AreaLevel.VILLAGE, 1),
        ("东村第一网格", AreaLevel.GRID, 2),
        ("东村第二网格", AreaLevel.GRID, 2),
        ("南山乡", AreaLevel.TOWNSHIP, 0),
        ("西村", AreaLevel.VILLAGE, 1),
        ("西村第一网格", AreaLevel.GRID, 2),
    ]  # the county above is not offered
    mine = report_areas(store, [sample.grids["g2"].id])
    assert [a.name for a in mine] == ["和平镇", "东村", "东村第二网格"]


def test_left_behind_roster_has_the_guardian_and_counts_only_under_16(store: Store) -> None:
    roster = build_roster(
        store, TOWNSHIP_CODE, SpecialGroup.LEFT_BEHIND_CHILD, Role.TOWNSHIP, now=NOW
    )
    titles = [c.title for c in roster.columns]
    assert titles[-3:] == ["监护人", "监护人电话", "备注"]
    # 周大宇 (17) still carries the stored tag but is no longer a 留守儿童.
    assert [r[1] for r in roster.rows] == ["周小宇"]
    assert roster.rows[0][titles.index("监护人")] == "祖母 周桂兰"
    assert roster.rows[0][titles.index("监护人电话")] == "13700001111"
    assert len(roster.totals or ()) == len(titles)
    worker = build_roster(
        store, TOWNSHIP_CODE, SpecialGroup.LEFT_BEHIND_CHILD, Role.WORKER, now=NOW
    )
    assert worker.rows[0][titles.index("监护人电话")] == "137****1111"


def test_disabled_roster_prints_the_certificate_masked_on_request(store: Store) -> None:
    full = build_roster(store, TOWNSHIP_CODE, SpecialGroup.DISABLED, Role.TOWNSHIP, now=NOW)
    titles = [c.title for c in full.columns]
    assert titles[-3:] == ["残疾类别等级", "残疾证号", "备注"]
    certificates = [str(r[titles.index("残疾证号")]) for r in full.rows]
    assert certificates and all(len(c) == 20 and "*" not in c for c in certificates)
    assert full.notes == ()
    masked = build_roster(
        store, TOWNSHIP_CODE, SpecialGroup.DISABLED, Role.TOWNSHIP, masked=True, now=NOW
    )
    for row, certificate in zip(masked.rows, certificates, strict=True):
        assert row[titles.index("残疾证号")] == mask(certificate[:18]) + certificate[18:]
        assert "********" in str(row[titles.index("公民身份号码")])
        assert "****" in str(row[titles.index("联系电话")])
    assert masked.notes  # says why the numbers are masked


def test_unit_is_the_issuer_with_a_fallback(store: Store, sample: Sample) -> None:
    """填报单位: the area's issuer, else the nearest one above, else the chain of names."""
    import dataclasses

    from gridcore.domain.entities import Area

    assert build_visit_summary(store, TOWNSHIP_CODE, PERIOD, now=NOW).unit_name == "测试县和平镇"
    town_id = next(a.id for a in sample.dataset.areas if a.code == TOWNSHIP_CODE)
    with store.unit_of_work(actor="admin") as uow:
        town = uow.repos.records.get(Area, town_id)
        assert town is not None
        uow.update(dataclasses.replace(town, issuer="和平镇人民政府"))
    summary = build_visit_summary(store, TOWNSHIP_CODE, PERIOD, now=NOW)
    assert summary.unit_name == "和平镇人民政府" and summary.area_text == "测试县和平镇"
    grid = build_visit_summary(store, sample.grids["g1"].id, PERIOD, now=NOW)
    assert grid.unit_name == "和平镇人民政府" and grid.area_text.endswith("东村第一网格")
    other = build_visit_summary(store, sample.grids["g3"].id, PERIOD, now=NOW)
    assert other.unit_name.endswith("西村第一网格") and other.area_text == ""
