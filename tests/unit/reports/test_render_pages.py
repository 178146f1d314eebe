"""A long report: the table header and "第 x 页 共 y 页" on every page; Excel export."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from gridclient.reports.data import Column, Period, Report, ReportKind, build_report
from gridclient.reports.excel import HEADER_ROW, write_xlsx
from gridclient.reports.render import render_html, render_pdf
from gridclient.storage import Store
from gridcore.domain.entities import CST
from gridcore.domain.enums import Role, SpecialGroup
from tests.unit.reports.pdftext import page_count, pdf_text, squeeze
from tests.unit.reports.sample import NOW, PERIOD, TOWNSHIP_CODE


def _ledger_like(rows: int) -> Report:
    """Twelve columns like the event ledger."""
    columns = tuple(Column(f"列{i}", 8, numeric=i == 0) for i in range(12))
    row = ("2026-10-01", "李楼村第一网格", "黄家福与肖磊宅基地界址纠纷", "宅基地纠纷", "利益诉求")
    return Report(
        kind=ReportKind.EVENT_LEDGER,
        unit_name="测试县和平镇",
        period=PERIOD,
        columns=columns,
        rows=tuple(
            (n, *row, *row, "经调解双方达成一致意见，已签订人民调解协议书。")
            for n in range(1, rows + 1)
        ),
        totals=None,
        printed_at=datetime(2026, 10, 30, 1, 0, tzinfo=UTC),
        data_as_of=None,
        landscape=True,
    )


def _long_report(rows: int) -> Report:
    return Report(
        kind=ReportKind.VISIT_REGISTER,
        unit_name="测试县和平镇",
        period=PERIOD,
        columns=(
            Column("序号", 4, numeric=True),
            Column("走访日期", 10),
            Column("住址", 16),
            Column("走访内容", 30),
        ),
        rows=tuple(
            (n, "2026-09-01", f"东村{n}号", "了解家庭生活情况，宣传政策。" * (1 + n % 3))
            for n in range(1, rows + 1)
        ),
        totals=("合计", f"{rows}次", "", ""),
        printed_at=datetime(2026, 10, 30, 1, 0, tzinfo=UTC),
        data_as_of=datetime(2026, 10, 29, 12, 0, tzinfo=CST),
    )


def test_header_and_page_numbers_on_every_page(tmp_path: Path) -> None:
    report = _long_report(400)
    assert "<thead>" in render_html(report)
    path = tmp_path / "long.pdf"
    pages = render_pdf(report, path)
    assert pages == page_count(path) > 5
    seen_rows: set[str] = set()
    for page in range(1, pages + 1):
        text = pdf_text(path, page)
        flat = squeeze(text)
        assert f"第{page}页共{pages}页" in flat, page
        assert "序号走访日期住址走访内容" in flat, page  # the repeated <thead>
        assert "统计期间：2026年9月1日至2026年9月30日" in flat, page
        assert "打印时间：2026年10月30日09:00" in flat, page
        assert "数据截至：2026年10月29日12:00" in flat, page
        seen_rows.update(line.split()[0] for line in text.splitlines() if line.strip())
    assert {str(n) for n in range(1, 401)} <= seen_rows  # no row lost between pages
    last = squeeze(pdf_text(path, pages))
    assert "合计400次" in last and "制表人：" in last and "审核人：" in last


def test_statistics_are_a4_landscape(tmp_path: Path, store: Store) -> None:
    # 13 columns since the figures of issue #15: landscape like the other reports.
    report = build_report(store, ReportKind.EVENT_STATS, TOWNSHIP_CODE, PERIOD, now=NOW)
    path = tmp_path / "stats.pdf"
    render_pdf(report, path)
    import subprocess

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    assert "842" in info.split("Page size:")[1].split("x")[0]  # landscape: 842 x 595 pt


def _read_back(path: Path) -> tuple[list[object], list[list[object]], list[object]]:
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(min_row=HEADER_ROW, values_only=True)]
    header = rows[0]
    body: list[list[object]] = []
    for row in rows[1:]:
        if row[0] is None:
            break
        body.append(["" if v is None else v for v in row[: len(header)]])
    return header, body[:-1], body[-1]


def test_excel_round_trip(tmp_path: Path, store: Store) -> None:
    for kind in ReportKind:
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
        path = tmp_path / f"{kind.value}.xlsx"
        write_xlsx(report, path)
        header, body, totals = _read_back(path)
        assert header == [c.title for c in report.columns]
        assert body == [list(r) for r in report.rows]
        assert report.totals is not None
        assert totals == list(report.totals)
        sheet = load_workbook(path).active
        assert sheet is not None
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        assert sheet["A1"].value == report.full_title
        texts = [r[0] for r in sheet.iter_rows(values_only=True) if isinstance(r[0], str)]
        assert any(t.startswith("数据截至：") for t in texts)
        assert any(t.startswith("打印时间：") for t in texts)


def test_excel_masks_ids_like_the_pdf(tmp_path: Path, store: Store) -> None:
    for role, masked in ((Role.WORKER, True), (Role.TOWNSHIP, False)):
        report = build_report(
            store,
            ReportKind.ROSTER,
            TOWNSHIP_CODE,
            PERIOD,
            role=role,
            group=SpecialGroup.DISABLED,
            now=NOW,
        )
        path = tmp_path / f"roster-{role.value}.xlsx"
        write_xlsx(report, path)
        _header, body, _totals = _read_back(path)
        ids = [str(r[5]) for r in body]
        assert ids and all(("********" in i) is masked for i in ids)
        assert all(len(i) == 18 for i in ids)


def test_period_rejects_reversed_dates() -> None:
    import pytest

    with pytest.raises(ValueError):
        Period(PERIOD.end, PERIOD.start)


def test_long_renders_do_not_abort_the_interpreter(tmp_path: Path) -> None:
    """PySide6 6.12.0 on Python 3.11 drops a reference to None per void Qt call, and a
    process that printed long reports aborted when it exited; pyproject.toml excludes that
    release and this test keeps it honest."""
    import subprocess
    import sys

    code = (
        "from pathlib import Path\n"
        "from tests.unit.reports.test_render_pages import _ledger_like\n"
        "from gridclient.reports.render import render_pdf\n"
        "for i in range(3):\n"
        f"    render_pdf(_ledger_like(816), Path({str(tmp_path)!r}) / f'{{i}}.pdf')\n"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_rows_are_equally_tall_across_layout_chunks() -> None:
    """The table is laid out in chunks of rows; the last row of a chunk must be as tall
    as any other one-line row, or the page shows a gap and a double line there."""
    from PySide6.QtPrintSupport import QPrinter

    from gridclient.reports import render

    report = Report(
        kind=ReportKind.EVENT_STATS,
        unit_name="测试县和平镇",
        period=PERIOD,
        columns=(Column("序号", 4, numeric=True), Column("类别", 18)),
        rows=tuple((n, "邻里纠纷") for n in range(1, 3 * render._CHUNK_ROWS)),
        totals=None,
        printed_at=datetime(2026, 10, 30, 1, 0, tzinfo=UTC),
        data_as_of=None,
    )
    render_pdf(report, Path("/dev/null"))  # makes the QGuiApplication
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    render.setup_printer(printer, report)
    layout = render.paginate(report, printer)
    heights = [piece.height for page in layout.pages for piece in page]
    assert len(heights) == len(report.rows)
    assert max(heights) - min(heights) < 1.0, heights


def test_excel_writes_a_control_character_stored_by_an_older_server(tmp_path: Path) -> None:
    """openpyxl refuses control characters; one that reached the store before the field
    checks existed must not make the export fail: it is dropped."""
    from datetime import UTC, datetime

    from gridclient.reports.data import Column, Report

    report = Report(
        kind=ReportKind.ROSTER,
        unit_name="东街道",
        period=None,
        columns=(Column("姓名", 8), Column("备注", 20)),
        rows=(("张\x00三", "响铃\x07"),),
        totals=None,
        printed_at=datetime(2026, 11, 1, tzinfo=UTC),
        data_as_of=None,
    )
    path = tmp_path / "roster.xlsx"
    write_xlsx(report, path)
    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "张三" in cells and "响铃" in cells
