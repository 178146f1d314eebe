"""Printing a :class:`~gridclient.reports.data.Report`: HTML tables in a QTextDocument,
painted page by page on a QPrinter (PDF or a real printer).

The document holds the title, the unit and period, the table (its ``<thead>`` becomes the
table's header rows, which QTextDocument repeats at the top of every page it breaks the
table onto), the summary and the 制表人/审核人 signature lines. Each page gets a running
header (unit, title, period) and a footer (print time, "数据截至", "第 x 页 共 y 页")
painted here, because QTextDocument.print_ cannot number pages in Chinese.

``render_to_printer`` is what ``QPrintPreviewDialog.paintRequested`` calls; ``render_pdf``
writes a file. No widgets are used: the preview dialog belongs to the UI.

The layout and the painting take an optional ``step(done, total)``
(:mod:`gridclient.reports.progress`): the layout calls it between chunks of rows (rows
laid out / all rows), the painting between pages (pages painted / all pages); a
:class:`~gridclient.cancel.Cancelled` it raises stops the work there (a PDF being
written is abandoned and removed).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt, QThread
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
    QRawFont,
    QTextDocument,
    QTextTable,
)
from PySide6.QtPrintSupport import QPrinter

from gridclient.cancel import Cancelled
from gridclient.reports.data import Report
from gridclient.reports.progress import Step
from gridclient.reports.tounicode import fix_to_unicode_file

__all__ = [
    "FONT_FAMILIES",
    "Pagination",
    "page_layout",
    "paginate",
    "paginate_like",
    "paint",
    "render_html",
    "render_pdf",
    "render_to_printer",
    "report_font",
    "setup_printer",
]

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


_Row = tuple[tuple[object, ...], bool | str]
"""The cells of one table row and whether it is bold: the totals row (True) or a
section heading (``"section"``, also shaded)."""
_SECTION = "section"


def _cells(report: Report, row: _Row, widths: Sequence[str] | None) -> str:
    values, bold = row
    background = "#f0f0f0" if bold == _SECTION else "#ffffff"
    out = []
    for index, (column, value) in enumerate(zip(report.columns, values, strict=True)):
        align = "right" if column.numeric and value != "合计" else "left"
        text = html.escape(str(value))
        if bold:
            text = f"<b>{text}</b>"
        width = f' width="{widths[index]}"' if widths is not None else ""
        out.append(f'<td bgcolor="{background}" align="{align}"{width}>{text}</td>')
    return "".join(out)


def _widths(report: Report) -> list[str]:
    total = sum(c.width for c in report.columns) or 1
    return [f"{c.width * 100 / total:.1f}%" for c in report.columns]


def _table_html(report: Report, rows: Sequence[_Row], *, header: bool) -> str:
    widths = _widths(report)
    thead = ""
    if header:
        head = "".join(
            f'<th width="{w}" align="center" bgcolor="#e8e8e8">{html.escape(c.title)}</th>'
            for c, w in zip(report.columns, widths, strict=True)
        )
        thead = f"<thead><tr>{head}</tr></thead>"
    if rows:
        # The first row carries the column widths when there is no header row.
        body = "".join(
            f"<tr>{_cells(report, row, None if header or i else widths)}</tr>"
            for i, row in enumerate(rows)
        )
    elif header:
        body = ""
    else:
        body = (
            f'<tr><td bgcolor="#ffffff" colspan="{len(report.columns)}" align="center">'
            "（无记录）</td></tr>"
        )
    # Grid lines: the black table background shows through a 1 px cell spacing. Cheaper
    # to lay out than border-collapse, and without the double lines of cell borders.
    return (
        f'<table width="100%" border="0" cellspacing="{_GRID_LINE_PX}" cellpadding="3" '
        'bgcolor="#000000">'
        f"{thead}<tbody>{body}</tbody></table>"
    )


def _row_html(report: Report) -> list[_Row]:
    rows: list[_Row] = [
        (row, _SECTION if index in report.section_rows else False)
        for index, row in enumerate(report.rows)
    ]
    if report.totals is not None:
        rows.append((report.totals, True))
    return rows


def _top_html(report: Report) -> str:
    esc = html.escape
    return (
        f'<h2 align="center" style="font-size:16pt">{esc(report.full_title)}</h2>'
        '<table width="100%" cellspacing="0" cellpadding="0" border="0" '
        'style="margin-bottom:4px"><tr>'
        f"<td>{esc(report.unit_line)}</td>"
        f'<td align="right">统计期间：{esc(report.period_text)}</td>'
        "</tr></table>"
    )


def _bottom_html(report: Report) -> str:
    esc = html.escape
    summary = "".join(f"<p>{esc(line)}</p>" for line in report.summary)
    notes = "".join(f'<p style="color:#444444">{esc(line)}</p>' for line in report.notes)
    return (
        f'<div style="margin-top:6px">{summary}{notes}</div>'
        '<table width="100%" cellspacing="0" cellpadding="0" border="0" '
        'style="margin-top:18px"><tr>'
        "<td>制表人：________________</td>"
        "<td>审核人：________________</td>"
        "<td>日期：______年____月____日</td>"
        "</tr></table>"
    )


def render_html(report: Report) -> str:
    """The whole report as one HTML document (title, unit and period, the table with its
    ``<thead>``, summary, signature lines), e.g. for an HTML export."""
    return (
        f"<html><body>{_top_html(report)}"
        f"{_table_html(report, _row_html(report), header=True)}"
        f"{_bottom_html(report)}</body></html>"
    )


def page_layout(report: Report) -> QPageLayout:
    """A4 with the report's margins, landscape for wide tables."""
    orientation = (
        QPageLayout.Orientation.Landscape if report.landscape else QPageLayout.Orientation.Portrait
    )
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), orientation, _MARGINS_MM, QPageLayout.Unit.Millimeter
    )


def _setup(printer: QPrinter, report: Report) -> None:
    printer.setPageLayout(page_layout(report))
    printer.setDocName(f"{report.full_title} {report.unit_name}")


def setup_printer(printer: QPrinter, report: Report) -> None:
    """A4, landscape for wide tables, the report's margins and document name."""
    _setup(printer, report)


def render_to_printer(
    report: Report,
    printer: QPrinter,
    *,
    setup: bool = True,
    step: Step | None = None,
    page_step: Step | None = None,
) -> int:
    """Paint ``report`` on ``printer`` (A4, landscape for wide tables); returns the number
    of pages. Pass ``setup=False`` to keep a page layout the user chose in a dialog.
    ``step`` follows the layout (rows), ``page_step`` the painting (pages)."""
    _ensure_gui()
    if setup:
        _setup(printer, report)
    return paint(paginate(report, printer, step=step), printer, step=page_step)


_CHUNK_ROWS = 25
#: Space between the table and the summary below it, in running-text lines.
_GAP = 0.6
#: Grid line width in CSS pixels (0.35 mm).
_GRID_LINE_PX = 1.3


@dataclass(frozen=True, slots=True)
class _Slice:
    """Rows ``top``–``bottom`` (document coordinates) of one laid-out chunk document."""

    document: QTextDocument
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _document(printer: QPrinter, width: float, body: str) -> QTextDocument:
    document = QTextDocument()
    document.documentLayout().setPaintDevice(printer)
    document.setDefaultFont(report_font())
    document.setDocumentMargin(0)
    document.setTextWidth(width)
    document.setHtml(f"<html><body>{body}</body></html>")
    # 1 px (0.26 mm) grid lines vanish in screen previews: the HTML asks for 1.3 px. A Qt
    # that parses only whole pixels gets it set on the table (a second layout pass).
    for frame in document.rootFrame().childFrames():
        if isinstance(frame, QTextTable) and 0 < frame.format().cellSpacing() != _GRID_LINE_PX:
            fmt = frame.format()
            fmt.setCellSpacing(_GRID_LINE_PX)
            frame.setFormat(fmt)
    return document


def _row_slices(
    report: Report, printer: QPrinter, width: float, step: Step | None = None
) -> list[_Slice]:
    """Lay the table rows out in chunks (QTextDocument's table layout slows down with
    size) and cut them into one slice per row, so pages can be filled row by row;
    ``step(rows laid out, rows)`` before each chunk."""
    slices: list[_Slice] = []
    rows = _row_html(report)
    if not rows:  # an empty report: one "no records" row
        document = _document(printer, width, _table_html(report, [], header=False))
        return [_Slice(document, 0.0, float(document.size().height()))]
    for start in range(0, len(rows), _CHUNK_ROWS):
        if step is not None:
            step(start, len(rows))
        chunk = rows[start : start + _CHUNK_ROWS]
        document = _document(printer, width, _table_html(report, chunk, header=False))
        layout = document.documentLayout()
        table = document.rootFrame().childFrames()[0]
        assert isinstance(table, QTextTable)
        frame = layout.frameBoundingRect(table)
        tops = [
            layout.blockBoundingRect(table.cellAt(r, 0).firstCursorPosition().block()).top()
            for r in range(len(chunk))
        ]
        # A row starts one grid line and the cell padding above its text, and the last
        # row ends the cell padding below its tallest cell's text (its bottom grid line
        # is the next row's top one, or drawn with the page's last row).
        scale = printer.logicalDpiY() / 96
        fmt = table.format()
        inset = (fmt.cellPadding() + fmt.cellSpacing()) * scale
        last = len(chunk) - 1
        text_bottom = max(
            layout.blockBoundingRect(table.cellAt(last, c).lastCursorPosition().block()).bottom()
            for c in range(table.columns())
        )
        end = min(text_bottom + fmt.cellPadding() * scale, frame.bottom())
        edges = [t - inset for t in tops] + [end]
        slices.extend(_Slice(document, edges[i], edges[i + 1]) for i in range(len(chunk)))
    if step is not None:
        step(len(rows), len(rows))
    return slices


def _grid_line(printer: QPrinter) -> float:
    """The width of a grid line (the cell spacing) in device pixels."""
    return _GRID_LINE_PX * printer.logicalDpiY() / 96


def _table_height(document: QTextDocument) -> float:
    return float(document.size().height())


@dataclass
class Pagination:
    """A report laid out for one printer geometry: which table rows go on which page.

    Making it is the slow part (the text layout); painting it is quick. It may be made
    on a worker thread (QTextDocument and painting on a QPrinter are thread-safe when
    not shared) and painted later on the UI thread, e.g. in a print preview, after
    :meth:`move_to_thread`."""

    report: Report
    resolution: int
    width: float
    height: float
    line: float
    top: QTextDocument
    head: QTextDocument
    bottom: QTextDocument
    pages: list[list[_Slice]]
    bottom_on_new_page: bool
    device: QPrinter
    """The printer the documents were laid out for: their layouts keep a pointer to it,
    so it lives as long as they do."""

    @property
    def page_count(self) -> int:
        return len(self.pages) + (1 if self.bottom_on_new_page else 0)

    def fits(self, printer: QPrinter) -> bool:
        """Whether it was laid out for ``printer``'s page (paper, orientation, margins)."""
        width, height = _page_size(printer)
        return (printer.resolution(), width, height) == (self.resolution, self.width, self.height)

    def documents(self) -> list[QTextDocument]:
        chunks = {id(p.document): p.document for page in self.pages for p in page}
        return [self.top, self.head, self.bottom, *chunks.values()]

    def move_to_thread(self, thread: QThread) -> None:
        for document in self.documents():
            document.moveToThread(thread)


def _page_size(printer: QPrinter) -> tuple[float, float]:
    page = printer.pageLayout().paintRectPixels(printer.resolution())
    return float(page.width()), float(page.height())


def paginate(report: Report, printer: QPrinter, *, step: Step | None = None) -> Pagination:
    """Lay ``report`` out for ``printer``'s current page layout (see :class:`Pagination`);
    ``step(rows laid out, rows)`` between chunks of rows."""
    _ensure_gui()
    width, height = _page_size(printer)
    line = QFontMetricsF(report_font(_RUNNING_PT), printer).height()
    body_h = height - line * 1.8 - line * 1.8  # the running header and footer

    top = _document(printer, width, _top_html(report))
    head = _document(printer, width, _table_html(report, [], header=True))
    head_h = _table_height(head)
    bottom = _document(printer, width, _bottom_html(report))
    slices = _row_slices(report, printer, width, step)

    # Paginate: the title block on page 1, the table header on every page with rows,
    # then as many whole rows as fit; the summary and signatures after the last row.
    pages: list[list[_Slice]] = [[]]
    used = top.size().height() + head_h
    for piece in slices:
        if pages[-1] and used + piece.height > body_h:
            pages.append([])
            used = head_h
        pages[-1].append(piece)
        used += piece.height
    bottom_on_new_page = used + _GAP * line + bottom.size().height() > body_h
    return Pagination(
        report,
        printer.resolution(),
        width,
        height,
        line,
        top,
        head,
        bottom,
        pages,
        bottom_on_new_page,
        printer,
    )


def paginate_like(
    report: Report, resolution: int, layout: QPageLayout, *, step: Step | None = None
) -> Pagination:
    """:func:`paginate` for a printer with this resolution and page layout, on a private
    (PDF) printer: for a worker thread, while the real one stays with its dialog."""
    _ensure_gui()
    device = QPrinter(QPrinter.PrinterMode.HighResolution)
    device.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    device.setResolution(resolution)
    device.setPageLayout(layout)
    return paginate(report, device, step=step)


def paint(layout: Pagination, printer: QPrinter, *, step: Step | None = None) -> int:
    """Paint a pagination on ``printer`` (whose page it :meth:`~Pagination.fits`);
    returns the number of pages. ``step(pages painted, pages)`` before each page; when
    it raises :class:`~gridclient.cancel.Cancelled` the print job is aborted (a PDF
    file begun is removed) and the exception goes on."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("无法开始打印：打印机或输出文件不可用")
    target = printer.outputFileName()
    try:
        _paint(layout, printer, painter, step)
    except Cancelled:
        printer.abort()
        painter.end()
        _remove_partial(printer, target)
        raise
    except BaseException:
        painter.end()
        raise
    painter.end()
    if printer.outputFormat() is QPrinter.OutputFormat.PdfFormat and target:
        drawn = _drawn_text(layout.report, layout.page_count)
        fix_to_unicode_file(Path(target), drawn, _shared_glyphs(drawn))
    return layout.page_count


#: Fixed texts of the page besides the report's own.
_FIXED_TEXT = (
    "填报单位：统计期间：打印时间：数据截至：第页共制表人审核人日期年月日_（无记录）0123456789"
)


def _drawn_text(report: Report, count: int) -> set[str]:
    """Every character painted on the pages (what the PDF's text must copy out as)."""
    parts = [
        _FIXED_TEXT,
        report.full_title,
        report.unit_name,
        report.unit_line,
        report.period_text,
        report.printed_text,
        report.data_as_of_text,
        str(count),
        *report.summary,
        *report.notes,
        *(c.title for c in report.columns),
    ]
    cells = [*report.rows, *([report.totals] if report.totals is not None else [])]
    parts.extend(str(value) for row in cells for value in row)
    return set("".join(parts))


#: Below the common ideographs (U+4E00): the radical blocks, CJK symbols, strokes and
#: Extension A, where a font may reuse an ideograph's glyph.
_LOW_CJK = "".join(chr(c) for c in range(0x2E80, 0x4E00))


def _shared_glyphs(drawn: set[str]) -> dict[str, str]:
    """Code point Qt writes in the ToUnicode map → the drawn character, for each drawn
    character whose glyph the report fonts also map from a lower code point (Qt takes
    the lowest code point of a glyph; see :mod:`gridclient.reports.tounicode`)."""
    wanted = sorted(c for c in drawn if ord(c) > 0x2E80)
    out: dict[str, str] = {}
    if not wanted:
        return out
    for bold in (False, True):
        font = report_font()
        font.setBold(bold)
        raw = QRawFont.fromFont(font, QFontDatabase.WritingSystem.SimplifiedChinese)
        if not raw.isValid():
            continue
        lowest: dict[int, str] = {}
        for char, glyph in zip(_LOW_CJK, raw.glyphIndexesForString(_LOW_CJK), strict=True):
            if glyph:
                lowest.setdefault(glyph, char)
        for char, glyph in zip(wanted, raw.glyphIndexesForString("".join(wanted)), strict=True):
            low = lowest.get(glyph) if glyph else None
            if low is not None and low < char and low not in drawn:
                out.setdefault(low, char)
    return out


def _remove_partial(printer: QPrinter, target: str) -> None:
    """Remove the PDF file a cancelled paint had begun (never anything but a file)."""
    if printer.outputFormat() is QPrinter.OutputFormat.PdfFormat and target:
        path = Path(target)
        if path.is_file():
            path.unlink(missing_ok=True)


def _paint(
    layout: Pagination, printer: QPrinter, painter: QPainter, step: Step | None = None
) -> None:
    report, width, height, line = layout.report, layout.width, layout.height, layout.line
    running = report_font(_RUNNING_PT)
    header_h = line * 1.8
    top, head, bottom = layout.top, layout.head, layout.bottom
    head_h = _table_height(head)
    pages, count = layout.pages, layout.page_count

    pen = painter.pen()
    for index in range(count):
        if step is not None:
            step(index, count)
        if index:
            printer.newPage()
        y = header_h
        if index == 0:
            _draw(painter, top, 0, top.size().height(), y)
            y += top.size().height()
        if index < len(pages):
            _draw(painter, head, 0, head_h, y)
            y += head_h
            # Consecutive rows of one chunk document are drawn in one go; the last row
            # of the page keeps its bottom border (in the layout it belongs to the row
            # below), so draw a little past the cut there.
            runs: list[list[_Slice]] = []
            for piece in pages[index]:
                if runs and runs[-1][-1].document is piece.document:
                    runs[-1].append(piece)
                else:
                    runs.append([piece])
            for number, run in enumerate(runs, start=1):
                extra = _grid_line(printer) if number == len(runs) else 0.0
                _draw(painter, run[0].document, run[0].top, run[-1].bottom + extra, y)
                y += run[-1].bottom - run[0].top
        if index == count - 1:
            y = header_h if layout.bottom_on_new_page else y + _GAP * line
            _draw(painter, bottom, 0, bottom.size().height(), y)
        _running(painter, report, running, pen, width, height, line, index, count)
    if step is not None:
        step(count, count)


def _draw(painter: QPainter, document: QTextDocument, top: float, bottom: float, y: float) -> None:
    painter.save()
    painter.translate(0, y - top)
    document.drawContents(painter, QRectF(0, top, document.textWidth(), bottom - top))
    painter.restore()


def _running(
    painter: QPainter,
    report: Report,
    font: QFont,
    pen: QPen,
    width: float,
    height: float,
    line: float,
    index: int,
    count: int,
) -> None:
    """The page header (unit, title, period) and footer (print time, page x of y, data
    as of the last sync)."""
    painter.setFont(font)
    painter.setPen(pen)
    top = QRectF(0, 0, width, line)
    painter.drawText(top, Qt.AlignmentFlag.AlignLeft, report.unit_name)
    painter.drawText(top, Qt.AlignmentFlag.AlignCenter, report.full_title)
    painter.drawText(top, Qt.AlignmentFlag.AlignRight, f"统计期间：{report.period_text}")
    painter.drawLine(QPointF(0, line * 1.3), QPointF(width, line * 1.3))
    bottom = QRectF(0, height - line, width, line)
    painter.drawLine(QPointF(0, height - line * 1.4), QPointF(width, height - line * 1.4))
    painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft, f"打印时间：{report.printed_text}")
    painter.drawText(bottom, Qt.AlignmentFlag.AlignCenter, f"第 {index + 1} 页 共 {count} 页")
    painter.drawText(bottom, Qt.AlignmentFlag.AlignRight, f"数据截至：{report.data_as_of_text}")


def render_pdf(
    report: Report, path: Path, *, step: Step | None = None, page_step: Step | None = None
) -> int:
    """Write ``report`` as an A4 PDF at ``path``; returns the number of pages. ``step``
    follows the layout (rows), ``page_step`` the painting (pages)."""
    _ensure_gui()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setCreator("网格通 GridClient")
    return render_to_printer(report, printer, step=step, page_step=page_step)
