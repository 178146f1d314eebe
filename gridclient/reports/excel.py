"""Excel export of a :class:`~gridclient.reports.data.Report` (openpyxl, no Qt).

Same content as the printed report: title, unit and period rows, the header row (frozen
and repeated on every printed page), the rows, the totals row, summary lines, the
signature line, print time and "数据截至". Page setup: A4, the report's orientation, fit
to the page width, "第 &P 页 共 &N 页" in the footer. ID numbers are exactly as in the
report (masked unless the role may see them), and are written as text; every string is a
text cell, never a formula (``xlsxcells``).
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

from gridclient.reports.data import Report
from gridclient.reports.progress import Step, ticking
from gridclient.reports.xlsxcells import CellStyle, SheetRows, clean_text, header_footer_text

__all__ = ["HEADER_ROW", "write_xlsx"]

#: The header row of the table (rows 1–3 are title, unit/period and a blank).
HEADER_ROW = 4

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "宋体"


def write_xlsx(report: Report, path: Path, *, step: Step | None = None) -> None:
    """Write the report as a workbook; rows stream (see ``xlsxcells``), user text is
    text. ``step(rows written, rows)`` every 500 rows; a cancel it raises leaves no
    file (the workbook is saved, atomically, only after the last row)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(clean_sheet_title(report.title))
    rows = SheetRows(sheet, path.parent)
    fill_sheet(sheet, rows, report, step=step)
    rows.save(workbook, path)


def clean_sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", clean_text(title)).strip("'")[:31]
    return cleaned or "Sheet1"


def fill_sheet(
    sheet: WriteOnlyWorksheet, rows: SheetRows, report: Report, *, step: Step | None = None
) -> None:
    width = len(report.columns)
    last = get_column_letter(width)
    # What the sheet's head and tail say must be set before the first row streams out.
    for index, column in enumerate(report.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width * 1.9 + 1
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    setup = sheet.page_setup
    setup.paperSize = "9"  # A4 (Worksheet.PAPERSIZE_A4)
    setup.orientation = "landscape" if report.landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.oddHeader.center.text = header_footer_text(f"{report.unit_name} {report.full_title}")
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.right.text = header_footer_text(f"数据截至：{report.data_as_of_text}")
    sheet.merged_cells.add(f"A1:{last}1")

    plain = CellStyle(sheet)
    title = CellStyle(
        sheet,
        font=Font(name=_FONT, size=16, bold=True),
        alignment=Alignment(horizontal="center", vertical="center"),
    )
    header = CellStyle(
        sheet,
        font=Font(name=_FONT, size=10, bold=True),
        border=_BOX,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        fill=PatternFill("solid", fgColor="E8E8E8"),
    )

    def body_styles(bold: bool) -> list[CellStyle]:
        font = Font(name=_FONT, size=10, bold=bold)
        return [
            CellStyle(
                sheet,
                font=font,
                border=_BOX,
                alignment=Alignment(
                    horizontal="right" if column.numeric else "left",
                    vertical="center",
                    wrap_text=not column.numeric,
                ),
            )
            for column in report.columns
        ]

    rows.append([report.full_title], title, height=28)
    unit = report.unit_line
    period = f"统计期间：{report.period_text}"
    period_column = max(1, width - 2)
    if period_column == 1:
        rows.append([f"{unit} {period}"], plain)
    else:
        rows.append([unit, *([None] * (period_column - 2)), period], plain)
    rows.append()
    rows.append([c.title for c in report.columns], header)
    body = body_styles(bold=False)
    heading = body_styles(bold=True)
    for index, values in enumerate(ticking(report.rows, step, len(report.rows))):
        rows.append(values, heading if index in report.section_rows else body)
    if report.totals is not None:
        rows.append(report.totals, body_styles(bold=True))
    rows.append()
    for line in (*report.summary, *report.notes):
        rows.append([line], plain)
    rows.append()
    signature = ["制表人：", None, None, "审核人：", None, None, "日期："]
    rows.append(signature[:width] if width >= 7 else ["制表人：", "审核人："], plain)
    rows.append([f"打印时间：{report.printed_text}"], plain)
    rows.append([f"数据截至：{report.data_as_of_text}"], plain)
