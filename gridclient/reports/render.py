"""Printing a :class:`~gridclient.reports.data.Report`: HTML tables in a QTextDocument,
painted page by page on a QPrinter (PDF or a real printer).

The document holds the title, the unit and period, the table (its ``<thead>`` becomes the
table's header rows, which QTextDocument repeats at the top of every page it breaks the
table onto), the summary and the 制表人/审核人 signature lines. Each page gets a running
header (unit, title, period) and a footer (print time, "数据截至", "第 x 页 共 y 页")
painted here, because QTextDocument.print_ cannot number pages in Chinese.

``render_to_printer`` is what ``QPrintPreviewDialog.paintRequested`` calls; ``render_pdf``
writes a file. No widgets are used: the preview dialog belongs to the UI.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter

from gridclient.reports.data import Report

__all__ = ["FONT_FAMILIES", "render_html", "render_pdf", "render_to_printer", "report_font"]

#: Tried in order for every character: Windows fonts first, then what Linux installs.
FONT_FAMILIES = [
    "Microsoft YaHei",
    "SimSun",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
]

_MARGINS_MM = QMarginsF(12, 12, 12, 10)
_BODY_PT = 8.5
_RUNNING_PT = 8.0


def report_font(point_size: float = _BODY_PT) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(point_size)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    # Chinese and Latin need no shaping; shaped glyphs (contextual digit forms) get no
    # ToUnicode entry in Qt's PDF output, so copying text out of the PDF would lose them.
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return font


def _ensure_gui() -> None:
    """QTextDocument and QFont need a QGuiApplication; a headless command makes one."""
    if QGuiApplication.instance() is None:
        QGuiApplication(["gridclient-report"])


def render_html(report: Report) -> str:
    """The document body: title, unit and period, table, summary, signature lines."""
    esc = html.escape
    total_width = sum(c.width for c in report.columns) or 1
    head = "".join(
        f'<th width="{c.width * 100 / total_width:.1f}%" align="center" '
        f'style="background-color:#e8e8e8">{esc(c.title)}</th>'
        for c in report.columns
    )

    def cells(values: tuple[object, ...], bold: bool = False) -> str:
        out = []
        for column, value in zip(report.columns, values, strict=True):
            align = "right" if column.numeric and value != "合计" else "left"
            text = esc(str(value))
            if bold:
                text = f"<b>{text}</b>"
            out.append(f'<td align="{align}">{text}</td>')
        return "".join(out)

    body = "".join(f"<tr>{cells(row)}</tr>" for row in report.rows)
    if not report.rows:
        body = f'<tr><td colspan="{len(report.columns)}" align="center">（无记录）</td></tr>'
    foot = f"<tr>{cells(report.totals, bold=True)}</tr>" if report.totals is not None else ""
    summary = "".join(f"<p>{esc(line)}</p>" for line in report.summary)
    notes = "".join(f'<p style="color:#444444">{esc(line)}</p>' for line in report.notes)
    return (
        "<html><body>"
        f'<h2 align="center" style="font-size:16pt">{esc(report.full_title)}</h2>'
        '<table width="100%" cellspacing="0" cellpadding="0" border="0"><tr>'
        f"<td>填报单位：{esc(report.unit_name)}</td>"
        f'<td align="right">统计期间：{esc(report.period_text)}</td>'
        "</tr></table>"
        '<table width="100%" border="1" cellspacing="0" cellpadding="3" '
        'style="border-collapse:collapse; border-color:#000000; margin-top:4px">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}{foot}</tbody></table>"
        f'<div style="margin-top:6px">{summary}{notes}</div>'
        '<table width="100%" cellspacing="0" cellpadding="0" border="0" '
        'style="margin-top:18px"><tr>'
        "<td>制表人：________________</td>"
        "<td>审核人：________________</td>"
        "<td>日期：______年____月____日</td>"
        "</tr></table>"
        "</body></html>"
    )


def _setup(printer: QPrinter, report: Report) -> None:
    orientation = (
        QPageLayout.Orientation.Landscape if report.landscape else QPageLayout.Orientation.Portrait
    )
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), orientation, _MARGINS_MM, QPageLayout.Unit.Millimeter
    )
    printer.setPageLayout(layout)
    printer.setDocName(f"{report.full_title} {report.unit_name}")


def render_to_printer(report: Report, printer: QPrinter, *, setup: bool = True) -> int:
    """Paint ``report`` on ``printer`` (A4, landscape for wide tables); returns the number
    of pages. Pass ``setup=False`` to keep a page layout the user chose in a dialog."""
    _ensure_gui()
    if setup:
        _setup(printer, report)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("无法开始打印：打印机或输出文件不可用")
    try:
        return _paint(report, printer, painter)
    finally:
        painter.end()


def _paint(report: Report, printer: QPrinter, painter: QPainter) -> int:
    page = printer.pageLayout().paintRectPixels(printer.resolution())
    width, height = float(page.width()), float(page.height())
    running = report_font(_RUNNING_PT)
    metrics = QFontMetricsF(running, printer)
    line = metrics.height()
    header_h = line * 1.8
    footer_h = line * 1.8
    body_h = height - header_h - footer_h

    document = QTextDocument()
    document.documentLayout().setPaintDevice(printer)
    document.setDefaultFont(report_font())
    document.setDocumentMargin(0)
    document.setHtml(render_html(report))
    document.setPageSize(QSizeF(width, body_h))
    pages = document.pageCount()

    pen = painter.pen()
    for index in range(pages):
        if index:
            printer.newPage()
        painter.save()
        painter.translate(0, header_h - index * body_h)
        document.drawContents(painter, QRectF(0, index * body_h, width, body_h))
        painter.restore()

        painter.setFont(running)
        painter.setPen(pen)
        top = QRectF(0, 0, width, line)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft, report.unit_name)
        painter.drawText(top, Qt.AlignmentFlag.AlignCenter, report.full_title)
        painter.drawText(top, Qt.AlignmentFlag.AlignRight, f"统计期间：{report.period_text}")
        painter.drawLine(0, int(line * 1.3), int(width), int(line * 1.3))
        bottom = QRectF(0, height - line, width, line)
        painter.drawLine(0, int(height - line * 1.4), int(width), int(height - line * 1.4))
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft, f"打印时间：{report.printed_text}")
        painter.drawText(bottom, Qt.AlignmentFlag.AlignCenter, f"第 {index + 1} 页 共 {pages} 页")
        painter.drawText(bottom, Qt.AlignmentFlag.AlignRight, f"数据截至：{report.data_as_of_text}")
    return pages


def render_pdf(report: Report, path: Path) -> int:
    """Write ``report`` as an A4 PDF at ``path``; returns the number of pages."""
    _ensure_gui()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setCreator("网格通 GridClient")
    return render_to_printer(report, printer)
