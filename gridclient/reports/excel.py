"""Excel export of a :class:`~gridclient.reports.data.Report` (openpyxl, no Qt).

Same content as the printed report: title, unit and period rows, the header row (frozen
and repeated on every printed page), the rows, the totals row, summary lines, the
signature line, print time and "数据截至". Page setup: A4, the report's orientation, fit
to the page width, "第 &P 页 共 &N 页" in the footer. ID numbers are exactly as in the
report (masked unless the role may see them), and are written as text.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gridclient.domain.limits import clean_text
from gridclient.reports.data import Report

__all__ = ["HEADER_ROW", "write_xlsx"]

#: The header row of the table (rows 1–3 are title, unit/period and a blank).
HEADER_ROW = 4

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "宋体"


def write_xlsx(report: Report, path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = report.title[:31]
    fill_sheet(sheet, report)
    workbook.save(path)


def fill_sheet(sheet: Worksheet, report: Report) -> None:
    width = len(report.columns)
    last = get_column_letter(width)
    sheet.append([report.full_title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(name=_FONT, size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    sheet.append([f"填报单位：{report.unit_name}"])
    sheet.cell(row=2, column=max(1, width - 2), value=f"统计期间：{report.period_text}")
    sheet.append([])
    sheet.append([c.title for c in report.columns])
    header_font = Font(name=_FONT, size=10, bold=True)
    for index, column in enumerate(report.columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index)
        cell.font = header_font
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
        sheet.column_dimensions[get_column_letter(index)].width = column.width * 1.9 + 1
    body_font = Font(name=_FONT, size=10)
    rows = list(report.rows)
    if report.totals is not None:
        rows.append(report.totals)
    for values in rows:
        # A control character stored before the field checks existed (pulled from an
        # older server) cannot go into a workbook: it shows as U+FFFD instead.
        sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])
        row = sheet.max_row
        for index, column in enumerate(report.columns, start=1):
            cell = sheet.cell(row=row, column=index)
            cell.border = _BOX
            cell.font = body_font
            if isinstance(cell.value, str):
                cell.number_format = "@"  # text: an ID number must never become a float
            cell.alignment = Alignment(
                horizontal="right" if column.numeric else "left",
                vertical="center",
                wrap_text=not column.numeric,
            )
    if report.totals is not None:
        for index in range(1, width + 1):
            sheet.cell(row=sheet.max_row, column=index).font = Font(name=_FONT, size=10, bold=True)
    sheet.append([])
    for line in (*report.summary, *report.notes):
        sheet.append([line])
    sheet.append([])
    signature = ["制表人：", None, None, "审核人：", None, None, "日期："]
    sheet.append(signature[:width] if width >= 7 else ["制表人：", "审核人："])
    sheet.append([f"打印时间：{report.printed_text}"])
    sheet.append([f"数据截至：{report.data_as_of_text}"])

    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if report.landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddHeader.center.text = f"{report.unit_name} {report.full_title}"
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.right.text = f"数据截至：{report.data_as_of_text}"
