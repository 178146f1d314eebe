"""Limits a workbook must keep before the roster importer reads it (no Qt).

A crafted .xlsx is small on disk and huge once read: cells at A1 and XFD1048576 make the
reader allocate the whole 17-billion-cell rectangle (the process aborts); a sheet that
inflates 1,000-fold takes gigabytes; thousands of merged ranges make the header fill-in
loop for minutes. :func:`check_workbook` looks before the real reader does, in bounded
time and memory, and refuses with a clear Chinese message:

1. the file's size (at most :data:`MAX_FILE_BYTES`) and that it is a zip with a workbook;
2. every member's declared size and compression ratio, then the *actual* inflated bytes
   (streamed in chunks and counted, so a member that lies about its size is stopped at
   the limit, never inflated whole);
3. the first sheet's XML, streamed: the rows and columns its cells reach (the rectangle
   the reader will allocate), the number of cells and of merged ranges.

Nothing here keeps more than one chunk of the file in memory. The limits are far above
any real roster (a township's 100,000 residents × 40 columns fits) and far below what
hurts a 4 GB laptop (the worst accepted file reads in well under 500 MB and 30 s; see
``tests/unit/reports/test_workbook_limits.py``).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = [
    "MAX_AREA",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_INFLATED_BYTES",
    "MAX_MERGED_RANGES",
    "MAX_RATIO",
    "SheetShape",
    "WorkbookRefused",
    "check_workbook",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""A roster of 100,000 residents is a few megabytes."""
MAX_INFLATED_BYTES = 300 * 1024 * 1024
"""All members together, inflated."""
MAX_RATIO = 100
"""Inflated / compressed size of a member larger than :data:`_RATIO_FROM` (sheet XML
compresses 5–30-fold; zip bombs thousands-fold)."""
_RATIO_FROM = 4 * 1024 * 1024
MAX_COLUMNS = 1_000
MAX_ROWS = 1_048_576
MAX_AREA = 6_000_000
"""Rows × columns the reader allocates (e.g. 150,000 rows × 40 columns)."""
MAX_MERGED_RANGES = 100_000
MAX_MEMBERS = 10_000
_CHUNK = 1 << 20
_SMALL_PART = 10 * 1024 * 1024

_TOKEN = re.compile(rb"<(?:\w+:)?(row|c|mergeCell)\b([^>]*)>")
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')  # r first: what writers do
_CELL_REF_ANYWHERE = re.compile(rb'<c\s[^>]*?(?<=\s)r="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<row\s[^>]*?(?<=\s)r="([0-9]{1,7})"')
_REF = re.compile(rb'(?:^|\s)r="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_NUMBER = re.compile(rb'(?:^|\s)r="([0-9]{1,7})"')
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\b(?:\w+:)?id=\"([^\"]+)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


class WorkbookRefused(ValueError):
    """The workbook breaks a limit; the message is Chinese and says which."""


@dataclass(frozen=True, slots=True)
class SheetShape:
    rows: int
    columns: int
    cells: int
    merged_ranges: int


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_workbook(path: Path, sheet: int = 0) -> SheetShape:
    """Refuse (:class:`WorkbookRefused`) a file the roster reader must not open; the
    shape of its sheet number ``sheet`` (0-based, in the workbook's order) otherwise."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookRefused(
            f"文件过大（{size / 1024 / 1024:.1f} MB），花名册文件不能超过 "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后分批导入"
        )
    if not zipfile.is_zipfile(path):
        raise WorkbookRefused(
            "这不是 .xlsx 格式的Excel文件（如为 .xls 旧格式，请在Excel中另存为 .xlsx 后再导入）"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_members(infos)
            member = _sheet_member(archive, sheet)
            inflated = 0
            for info in infos:
                if info.filename != member:
                    inflated += _inflate_counted(archive, info, MAX_INFLATED_BYTES - inflated)
            try:
                sheet_info = archive.getinfo(member)
            except KeyError:
                raise WorkbookRefused("Excel文件已损坏：找不到要读取的工作表") from None
            return _scan_sheet(archive, sheet_info, MAX_INFLATED_BYTES - inflated)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise WorkbookRefused(f"Excel文件已损坏，无法读取（{type(exc).__name__}）") from exc
    except NotImplementedError as exc:  # an unsupported compression method
        raise WorkbookRefused("Excel文件使用了不支持的压缩方式，请在Excel中重新保存") from exc


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise WorkbookRefused("Excel文件结构异常（包含的部件过多），已拒绝读取")
    declared = 0
    for info in infos:
        declared += info.file_size
        if declared > MAX_INFLATED_BYTES:
            raise WorkbookRefused(
                "Excel文件解压后过大（超过 "
                f"{MAX_INFLATED_BYTES // 1024 // 1024} MB），可能是恶意构造的文件，已拒绝读取"
            )
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise WorkbookRefused(
                "Excel文件压缩比异常（疑似“压缩炸弹”），已拒绝读取；请在Excel中重新保存后再导入"
            )


def _too_big() -> WorkbookRefused:
    return WorkbookRefused(
        f"Excel文件解压后过大（超过 {MAX_INFLATED_BYTES // 1024 // 1024} MB），"
        "可能是恶意构造的文件，已拒绝读取"
    )


def _inflate_counted(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Inflate a member in chunks, counting; stop at ``budget`` bytes."""
    total = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > budget:
                raise _too_big()
    return total


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise WorkbookRefused("Excel文件已损坏：缺少工作簿信息（不是有效的 .xlsx 文件）") from None
    if info.file_size > _SMALL_PART:
        raise WorkbookRefused("Excel文件结构异常（工作簿信息过大），已拒绝读取")
    with archive.open(info) as stream:
        data = stream.read(_SMALL_PART + 1)
    if len(data) > _SMALL_PART:
        raise WorkbookRefused("Excel文件结构异常（工作簿信息过大），已拒绝读取")
    return data


def _sheet_member(archive: zipfile.ZipFile, index: int) -> str:
    """The member of the workbook's sheet number ``index`` (0-based, the order the
    readers list the sheets in)."""
    workbook = _read_small(archive, "xl/workbook.xml")
    found = list(_SHEET.finditer(workbook))
    if not found:
        raise WorkbookRefused("Excel文件中没有工作表")
    if not 0 <= index < len(found):
        raise WorkbookRefused(f"Excel文件中没有第 {index + 1} 个工作表（共 {len(found)} 个）")
    wanted = found[index].group(1)
    rels = _read_small(archive, "xl/_rels/workbook.xml.rels")
    target = None
    for match in _RELATIONSHIP.finditer(rels):
        attrs = dict(_ATTR.findall(match.group(1)))
        if attrs.get(b"Id") == wanted:
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
            break
    if not target:
        raise WorkbookRefused("Excel文件已损坏：找不到要读取的工作表")
    return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> Iterator[bytes]:
    """The member's bytes in chunks cut just before a ``<`` (no tag is ever split),
    counting the inflated bytes against ``budget``."""
    total = 0
    carry = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > budget:
                raise _too_big()
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut <= 0:
                carry = data
                continue
            carry = data[cut:]
            yield data[:cut]
    if carry:
        yield carry


def _scan_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> SheetShape:
    """Stream the sheet's XML: the rectangle its cells reach, the cell and merged range
    counts; refuse as soon as a limit is passed. Done with C-speed regex passes per
    chunk (a 100,000-row roster in about a second); a sheet whose rows or cells lack the
    optional ``r`` attribute is scanned again, cell by cell, placing them as the
    reader does."""
    rows = columns = cells = merges = 0
    for data in _chunks(archive, info, budget):
        if b":c " in data or b":row " in data:  # namespace prefixes: the careful path
            return _scan_sheet_slowly(archive, info, budget)
        opened = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
        refs = _CELL_REF.findall(data)
        if len(refs) != opened:
            refs = _CELL_REF_ANYWHERE.findall(data)
        row_refs = _ROW_REF.findall(data)
        rows_opened = data.count(b"<row ") + data.count(b"<row>") + data.count(b"<row/>")
        if len(refs) != opened or len(row_refs) != rows_opened:
            return _scan_sheet_slowly(archive, info, budget)
        cells += opened
        if refs:
            letters, numbers = zip(*refs, strict=True)
            widest = max(set(letters), key=lambda b: (len(b), b))
            columns = max(columns, _column_number(widest))
            rows = max(rows, *map(int, set(numbers)))
        if row_refs:
            rows = max(rows, *map(int, set(row_refs)))
        merges += data.count(b"<mergeCell ")
        _check_shape(rows, columns, cells, merges)
    return SheetShape(rows, columns, cells, merges)


def _scan_sheet_slowly(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> SheetShape:
    """Cells without an ``r`` attribute take the next column of their row, rows without
    one the next row."""
    rows = columns = cells = merges = 0
    row = column = 0
    for data in _chunks(archive, info, budget):
        for match in _TOKEN.finditer(data):
            name, attrs = match.group(1), match.group(2)
            if name == b"row":
                number = _ROW_NUMBER.search(attrs)
                row = int(number.group(1)) if number else row + 1
                column = 0
                rows = max(rows, row)
            elif name == b"c":
                cells += 1
                ref = _REF.search(attrs)
                if ref is not None:
                    column = _column_number(ref.group(1))
                    rows = max(rows, int(ref.group(2)))
                else:
                    column += 1
                columns = max(columns, column)
            else:
                merges += 1
        _check_shape(rows, columns, cells, merges)
    return SheetShape(rows, columns, cells, merges)


def _check_shape(rows: int, columns: int, cells: int, merges: int) -> None:
    if columns > MAX_COLUMNS:
        raise WorkbookRefused(
            f"工作表的列数过多（用到第 {columns} 列，最多 {MAX_COLUMNS} 列）；"
            "请删除表格右侧多余的内容后再导入"
        )
    if rows > MAX_ROWS or rows * max(columns, 1) > MAX_AREA:
        raise WorkbookRefused(
            f"工作表的范围过大（{rows} 行 × {columns} 列，最多 {MAX_AREA:,} 个单元格）；"
            "请删除表格下方或右侧多余的内容，或拆分后分批导入"
        )
    if cells > MAX_AREA:
        raise WorkbookRefused(f"工作表的单元格过多（超过 {MAX_AREA:,} 个），请拆分后分批导入")
    if merges > MAX_MERGED_RANGES:
        raise WorkbookRefused(
            f"工作表的合并单元格过多（超过 {MAX_MERGED_RANGES:,} 处），请取消合并后再导入"
        )
