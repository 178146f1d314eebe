"""Issue 12 deliver 6: crafted workbooks are refused (or read) in bounded time and
memory with a clear Chinese message, before the reader allocates anything for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from gridclient.imports.roster import RosterError, read_roster
from gridclient.reports import xlsxlimits
from gridclient.reports.xlsxlimits import WorkbookRefused, check_workbook

ROOT = Path(__file__).resolve().parents[3]


def _roster(path: Path, rows: int = 3) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "住址"])
    for n in range(rows):
        ws.append([f"张{n}", "11010519491231002X", f"幸福路{n}号"])
    wb.save(path)
    return path


def far_corner(path: Path) -> Path:
    """2 KB on disk; cells at A1 and XFD1048576: a 17-billion-cell rectangle."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "姓名"
    ws["XFD1048576"] = "x"
    wb.save(path)
    return path


def tall_and_wide(path: Path) -> Path:
    """Within the column limit, but 1,048,576 rows × 38 columns."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "姓名"
    ws["AL1048576"] = "x"
    wb.save(path)
    return path


def zip_bomb(path: Path, inflated: int = 64 * 1024 * 1024) -> Path:
    """A valid roster whose sheet XML carries tens of megabytes of blanks (legal
    between elements) that deflate a thousand-fold."""
    plain = _roster(path.with_suffix(".plain.xlsx"))
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * inflated, 1)
            out.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def many_merges(path: Path) -> Path:
    """2,000 merged ranges, each from a header row down over every data row (written as
    XML: openpyxl would make a placeholder object for every merged cell)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "住址", *[f"列{n}" for n in range(27)]])
    for n in range(500):
        ws.append([f"张{n}", "x", "y", *range(27)])
    plain = path.with_suffix(".plain.xlsx")
    wb.save(plain)
    ranges = "".join(
        f'<mergeCell ref="A{top}:{get_column_letter(right)}501"/>'
        for top in range(1, 21)
        for right in range(2, 102)
    )
    merges = f'<mergeCells count="2000">{ranges}</mergeCells>'.encode()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetData>" + merges, 1)
            out.writestr(info.filename, data)
    return path


def largest_accepted(path: Path) -> Path:
    """A real header and a cell at the far corner of the largest accepted rectangle."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "住址"])
    rows = xlsxlimits.MAX_AREA // 40
    ws.cell(row=rows, column=40, value="x")
    wb.save(path)
    return path


def many_sparse_sheets(path: Path) -> Path:
    """10 KB: 30 sheets without a roster header, each the largest accepted rectangle
    (cells at A1 and AN150000 only); each sheet read took 1.3 s, 44 s for the file."""
    wb = Workbook()
    for n in range(30):
        ws = wb.active if n == 0 else wb.create_sheet()
        assert ws is not None
        ws["A1"] = "说明"
        ws["AN150000"] = "x"
    wb.save(path)
    return path


def thousands_of_sheets(path: Path) -> Path:
    """2,000 tiny sheets without a roster header: each sheet looked at checked the whole
    file again (over 2 minutes for 600 KB)."""
    wb = Workbook()
    for n in range(2000):
        ws = wb.active if n == 0 else wb.create_sheet()
        assert ws is not None
        ws["A1"] = "封面"
    wb.save(path)
    return path


def oversized(path: Path) -> Path:
    path.write_bytes(os.urandom(xlsxlimits.MAX_FILE_BYTES + 1024))
    return path


def not_a_workbook(path: Path) -> Path:
    path.write_text("姓名,身份证号\n张三,11010519491231002X\n", encoding="utf-8")
    return path


CRAFTED = {
    "far_corner": (far_corner, "列数过多"),
    "tall_and_wide": (tall_and_wide, "范围过大"),
    "zip_bomb": (zip_bomb, "压缩比异常"),
    "many_merges": (many_merges, "合并单元格过多"),
    "many_sparse_sheets": (many_sparse_sheets, "其余的未自动查看"),
    "thousands_of_sheets": (thousands_of_sheets, "其余的未自动查看"),
    "oversized": (oversized, "文件过大"),
    "not_a_workbook": (not_a_workbook, "不是 .xlsx"),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted_workbook_is_refused_quickly_with_a_clear_message(
    name: str, tmp_path: Path
) -> None:
    build, words = CRAFTED[name]
    path = build(tmp_path / f"{name}.xlsx")
    assert path.stat().st_size < xlsxlimits.MAX_FILE_BYTES or name == "oversized"
    started = time.monotonic()
    with pytest.raises(RosterError) as refused:
        read_roster(path)
    assert time.monotonic() - started < 10
    assert words in str(refused.value), str(refused.value)


def test_the_roster_is_looked_for_in_the_first_sheets_only(tmp_path: Path) -> None:
    """No sheet given: at most 10 sheets, and one largest rectangle in all, are read
    while looking for the header; the refusal lists every sheet to choose from, and a
    sheet named by the user is read wherever it is."""
    from tests.unit.reports.test_real_rosters import _book

    path = _book(tmp_path / "late.xlsx", [], before=[f"封面{n}" for n in range(1, 12)])
    with pytest.raises(RosterError, match="已查看前 10 个工作表") as refused:
        read_roster(path)
    assert len(refused.value.sheets) == 12 and refused.value.sheets[-1] == "花名册"
    assert read_roster(path, sheet="花名册").sheet == "花名册"
    assert read_roster(path, sheet=12).sheet == "花名册"

    sparse = many_sparse_sheets(tmp_path / "sparse.xlsx")
    with pytest.raises(RosterError, match="已查看前 1 个工作表：Sheet；工作簿共有 30 个"):
        read_roster(sparse)
    # Small sheets after a small first one are still looked at (a 说明 sheet first).
    early = _book(tmp_path / "early.xlsx", [], before=[f"封面{n}" for n in range(1, 10)])
    assert read_roster(early).sheet == "花名册"


def test_cell_count_and_declared_size_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _roster(tmp_path / "roster.xlsx", rows=50)
    assert check_workbook(path).cells == 153
    monkeypatch.setattr(xlsxlimits, "MAX_AREA", 100)
    with pytest.raises(WorkbookRefused, match=r"范围过大|单元格过多"):
        check_workbook(path)
    monkeypatch.setattr(xlsxlimits, "MAX_AREA", 10_000)
    monkeypatch.setattr(xlsxlimits, "MAX_INFLATED_BYTES", 1000)
    with pytest.raises(WorkbookRefused, match="解压后过大"):
        check_workbook(path)


def test_cells_without_references_are_placed_like_the_reader_does(tmp_path: Path) -> None:
    """``r`` is optional: such cells take the next column of their row."""
    plain = _roster(tmp_path / "plain.xlsx", rows=2)
    path = tmp_path / "norefs.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                import re

                data = re.sub(rb' r="[A-Z]+[0-9]+"', b"", data)
            out.writestr(info, data)
    shape = check_workbook(path)
    assert (shape.rows, shape.columns, shape.cells) == (3, 3, 9)
    assert [r.name for r in read_roster(path).rows] == ["张0", "张1"]


def test_a_real_roster_passes(tmp_path: Path) -> None:
    path = _roster(tmp_path / "roster.xlsx", rows=20)
    shape = check_workbook(path)
    assert (shape.rows, shape.columns, shape.cells, shape.merged_ranges) == (21, 3, 63, 0)
    assert len(read_roster(path).rows) == 20


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak RSS from /proc")
def test_every_crafted_file_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """In a fresh process (so its peak RSS is this reading's): every crafted file, and
    the largest accepted sheet rectangle, within 30 s each and 500 MB in all."""
    paths = [str(build(tmp_path / f"{name}.xlsx")) for name, (build, _w) in CRAFTED.items()]
    paths.append(str(largest_accepted(tmp_path / "largest.xlsx")))
    script = (
        "import json, sys, time\n"
        "def peak():  # VmHWM: this process image's peak RSS (ru_maxrss keeps the parent's\n"
        "    for line in open('/proc/self/status'):  # across fork+exec on Linux)\n"
        "        if line.startswith('VmHWM:'):\n"
        "            return int(line.split()[1]) / 1024\n"
        "from gridclient.imports.roster import RosterError, read_roster\n"
        "out = []\n"
        "for path in sys.argv[1:]:\n"
        "    started = time.monotonic()\n"
        "    try:\n"
        "        read_roster(__import__('pathlib').Path(path)); result = 'read'\n"
        "    except RosterError as exc:\n"
        "        result = str(exc)\n"
        "    rss = peak()\n"
        "    out.append([path.rsplit('/', 1)[-1], result[:40], time.monotonic() - started, rss])\n"
        "print(json.dumps({'files': out, 'rss_mb': peak()}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, *paths],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["rss_mb"] < 500, report
    for path, result, seconds, _rss in report["files"]:
        assert seconds < 30, (path, seconds)
        if path == "largest.xlsx":
            assert result == "read", result
        else:
            assert result != "read", path


def test_prefixed_sheet_xml_is_measured_too(tmp_path: Path) -> None:
    """Some writers use a namespace prefix (``<x:c r="…">``): the careful scan runs."""
    import re

    plain = _roster(tmp_path / "plain.xlsx", rows=2)
    path = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<(/?)(?!\?)(\w+)", rb"<\1x:\2", data)
                data = data.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)
                data = data.replace(b'<x:c r="A1"', b'<x:c r="XFD1"', 1)
            out.writestr(info, data)
    with pytest.raises(WorkbookRefused, match="列数过多"):
        check_workbook(path)
