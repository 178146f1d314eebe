"""Excel roster import (户籍/实有人口花名册 → households and residents). No Qt.

1. :func:`read_roster` finds the header row (it need not be the first row; merged header
   cells are filled in, two-row headers are combined), maps the columns it recognises
   (姓名, 身份证号/公民身份号码/身份证号码, 性别, 与户主关系, 联系电话/手机号,
   住址/地址/现住址, 户号, 民族, 出生日期 …) and validates every row with its reasons.
   The result is the preview: every row with its status.
2. :func:`import_roster` writes the accepted rows as ordinary changes through ONE unit of
   work (households grouped by 户号, else by address; residents with their relation), so
   they sync like any edit. Progress is reported and cancel is checked between chunks; a
   cancel or any exception rolls the whole import back.
3. :func:`write_error_workbook` writes the rejected rows with the reason per row, for the
   user to fix and import again.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.cell_range import CellRange

try:  # the fast reader; openpyxl (also the writer) reads when it is missing
    import python_calamine as _calamine
except ImportError:  # pragma: no cover - python-calamine is a dependency
    _calamine = None  # type: ignore[assignment]

from gridclient import cancel
from gridclient.reports.xlsxcells import CellStyle, SheetRows
from gridclient.reports.xlsxlimits import WorkbookRefused, check_workbook
from gridclient.storage.changes import ChangeSet
from gridclient.storage.lookups import household_keys, registered_id_numbers
from gridclient.storage.store import Store
from gridcore.domain import idnumber, limits, phone
from gridcore.domain.entities import Household, Record, Resident
from gridcore.domain.enums import Gender, Relation
from gridcore.domain.textnorm import strip_all_spaces, to_halfwidth

__all__ = [
    "FIELDS",
    "ImportCancelled",
    "ImportResult",
    "RosterError",
    "RosterPreview",
    "RosterRow",
    "RowStatus",
    "import_roster",
    "read_roster",
    "write_error_workbook",
]

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

#: Field → the header texts that mean it (compared after normalising: NFKC, no spaces,
#: no "*" marks, no bracketed remarks such as "（必填）").
FIELDS: Mapping[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "居民姓名", "人员姓名", "户主姓名及成员姓名"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "公民身份证号码",
        "身份证",
        "证件号码",
        "身份证件号码",
    ),
    "gender": ("性别",),
    "relation": ("与户主关系", "与户主的关系", "家庭关系", "关系"),
    "phone": ("联系电话", "手机号", "手机号码", "电话", "联系方式", "电话号码"),
    "address": ("住址", "地址", "现住址", "居住地址", "家庭住址", "现居住地址"),
    "household_number": ("户号", "户编号", "户籍编号"),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月日", "出生年月", "生日"),
    "notes": ("备注",),
}
FIELD_LABELS: Mapping[str, str] = {
    "name": "姓名",
    "id_number": "身份证号",
    "gender": "性别",
    "relation": "与户主关系",
    "phone": "联系电话",
    "address": "住址",
    "household_number": "户号",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "notes": "备注",
}
_HEADER_TO_FIELD = {text: name for name, texts in FIELDS.items() for text in texts}
_HEADER_SCAN_ROWS = 20
#: Cells the merged-header fill-in may write in all (a real roster needs a few hundred).
_MERGE_FILL_LIMIT = 2_000_000
_CHUNK = 1000
#: Beyond 2**53 a float cannot hold every integer: Excel has already lost digits.
_EXACT_FLOAT_LIMIT = 2**53
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = date(1899, 12, 30)

_RELATIONS: Mapping[str, Relation] = {
    **{t: Relation.HEAD for t in ("户主", "本人", "户主本人")},
    **{t: Relation.SPOUSE for t in ("配偶", "妻", "妻子", "夫", "丈夫", "夫妻")},
    **{t: Relation.SON for t in ("子", "儿子", "长子", "次子", "三子", "独子", "养子", "继子")},
    **{
        t: Relation.DAUGHTER for t in ("女", "女儿", "长女", "次女", "三女", "独女", "养女", "继女")
    },
    **{t: Relation.PARENT for t in ("父亲", "母亲", "父母", "父", "母")},
    **{
        t: Relation.PARENT_IN_LAW
        for t in ("公公", "婆婆", "岳父", "岳母", "公婆", "岳父母", "公婆/岳父母")
    },
    **{t: Relation.CHILD_IN_LAW for t in ("儿媳", "女婿", "儿媳/女婿")},
    **{
        t: Relation.GRANDCHILD
        for t in ("孙子", "孙女", "外孙", "外孙子", "外孙女", "孙子女", "孙子女/外孙子女")
    },
    **{
        t: Relation.GRANDPARENT
        for t in ("祖父", "祖母", "外祖父", "外祖母", "祖父母", "祖父母/外祖父母")
    },
    **{t: Relation.SIBLING for t in ("兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹")},
    **{t: Relation.SIBLING for t in ("兄弟", "姐妹", "兄弟姐妹")},
    **{t: Relation.OTHER_RELATIVE for t in ("其他亲属", "亲属")},
    **{t: Relation.TENANT for t in ("租住人员", "租户", "租客", "承租人")},
    **{t: Relation.OTHER for t in ("其他",)},
}
_GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}


_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]")


def _squeeze(text: str) -> str:
    """``strip_all_spaces`` with a fast path for the usual cell that has no spaces."""
    return strip_all_spaces(text) if _SPACES.search(text) else text


class RowStatus(StrEnum):
    OK = "ok"
    ERROR = "error"
    BLANK = "blank"

    @property
    def label(self) -> str:
        return {"ok": "可导入", "error": "有错误", "blank": "空行"}[self.value]


class RosterError(ValueError):
    """The workbook cannot be read as a roster at all; the message is Chinese."""


class ImportCancelled(cancel.Cancelled):
    """The user cancelled; the store was rolled back to how it was."""

    def __init__(self) -> None:
        super().__init__("导入已取消，数据未作任何修改")


@dataclass(slots=True)
class RosterRow:
    line: int
    """The row number in the worksheet (1-based, as Excel shows it)."""
    raw: tuple[Any, ...]
    status: RowStatus = RowStatus.OK
    reasons: list[str] = field(default_factory=list)
    name: str = ""
    id_number: str = ""
    gender: Gender | None = None
    birth_date: date | None = None
    relation: Relation = Relation.OTHER
    phone: str = ""
    address: str = ""
    household_number: str = ""
    ethnicity: str = "汉族"
    notes: str = ""

    def reject(self, reason: str) -> None:
        self.status = RowStatus.ERROR
        self.reasons.append(reason)

    @property
    def household_key(self) -> str:
        return f"户号:{self.household_number}" if self.household_number else f"址:{self.address}"


@dataclass(slots=True)
class RosterPreview:
    sheet: str
    header_rows: tuple[int, ...]
    headers: tuple[str, ...]
    """The (combined) header text of every column, as in the file."""
    mapping: dict[str, int]
    """Field → 0-based column index."""
    rows: list[RosterRow]

    @property
    def accepted(self) -> list[RosterRow]:
        return [r for r in self.rows if r.status is RowStatus.OK]

    @property
    def rejected(self) -> list[RosterRow]:
        return [r for r in self.rows if r.status is RowStatus.ERROR]

    @property
    def unmapped(self) -> list[str]:
        used = set(self.mapping.values())
        return [h for i, h in enumerate(self.headers) if h and i not in used]


@dataclass(frozen=True, slots=True)
class ImportResult:
    households_created: int
    residents_created: int
    rejected: int
    ops: int
    changes: ChangeSet = field(default_factory=lambda: ChangeSet(source="import"))
    """What the import wrote, for the views."""


# ----------------------------------------------------------------------- reading


def _normal_header(value: Any) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", text)
    return _squeeze(text).replace("*", "").replace("＊", "").rstrip(":：")


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def _merged_ranges(path: Path, member: str) -> list[CellRange]:
    """The merged ranges of a worksheet, read from its XML: openpyxl's read-only mode
    (fast enough for 10,000 rows) does not report them."""
    with zipfile.ZipFile(path) as archive:
        data = archive.read(member.lstrip("/"))
    return [CellRange(ref.decode("ascii")) for ref in _MERGE_REF.findall(data)]


_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(value: Any) -> Any:
    """Excel writes characters XML cannot hold as ``_xHHHH_`` (a NUL as ``_x0000_``);
    python-calamine decodes them, openpyxl's read-only mode does not: decode them here,
    so both readers see the same text (and the same checks refuse it)."""
    if isinstance(value, str) and "_x" in value:
        return _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def _openpyxl_values(path: Path) -> tuple[str, list[list[Any]], list[CellRange]]:
    """openpyxl's read-only mode: the fallback when python-calamine is not installed."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        title = sheet.title
        values = [[_unescape(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        member = getattr(sheet, "_worksheet_path", None)
    finally:
        workbook.close()
    merged = _merged_ranges(path, member) if isinstance(member, str) else []
    return title, values, merged


def _calamine_values(path: Path) -> tuple[str, list[list[Any]], list[CellRange]]:
    """python-calamine (Rust): ~10× faster than openpyxl on a 10,000-row roster. Empty
    cells come back as "" (made None here, as openpyxl gives them); numbers as float."""
    assert _calamine is not None
    workbook = _calamine.CalamineWorkbook.from_path(str(path))
    try:
        sheet = workbook.get_sheet_by_index(0)
        title = sheet.name
        values: list[list[Any]] = sheet.to_python(skip_empty_area=False)
        for row in values:  # in place: a second copy of a large sheet would double its cost
            for index, value in enumerate(row):
                if value == "":
                    row[index] = None
        ranges = sheet.merged_cell_ranges or []
    finally:
        workbook.close()
    merged = [
        CellRange(min_row=r0 + 1, min_col=c0 + 1, max_row=r1 + 1, max_col=c1 + 1)
        for (r0, c0), (r1, c1) in ranges
    ]
    return title, values, merged


def _grid_values(path: Path) -> tuple[str, list[list[Any]]]:
    check_workbook(path)  # size, zip ratio, sheet rectangle, cells, merges: before reading
    reader = _calamine_values if _calamine is not None else _openpyxl_values
    title, values, merged = reader(path)
    # A merged cell holds its value in the top-left corner only: copy it to the range, so
    # a merged header (姓名 over two header rows) is seen in every row it covers. Only
    # ranges that start where a header can be; the copying is bounded (crafted files
    # with thousands of sheet-wide ranges took a minute of CPU).
    budget = _MERGE_FILL_LIMIT
    for cells in merged:
        top = cells.min_row - 1
        if top >= _HEADER_SCAN_ROWS + 2 or top >= len(values):
            continue
        corner = values[top][cells.min_col - 1] if cells.min_col - 1 < len(values[top]) else None
        for r in range(cells.min_row - 1, min(cells.max_row, len(values))):
            row = values[r]
            right = min(cells.max_col, len(row))
            budget -= max(0, right - cells.min_col + 1)
            if budget < 0:
                raise RosterError("工作表的合并单元格过多或过大，请取消合并后再导入")
            for c in range(cells.min_col - 1, right):
                row[c] = corner
    return title, values


def _match_row(row: Sequence[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        name = _HEADER_TO_FIELD.get(_normal_header(value))
        if name is not None and name not in found:
            found[name] = index
    return found


def _find_header(values: list[list[Any]]) -> tuple[tuple[int, ...], dict[str, int]]:
    best: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(values[:_HEADER_SCAN_ROWS]):
        found = _match_row(row)
        if "name" in found and len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (index, found)
    if best is None:
        raise RosterError("未找到表头：前20行中没有同时包含“姓名”和身份证号等列名的行")
    index, mapping = best
    rows = [index]
    # A two-row header: a merged group title (“户籍信息”) above its sub-headers, with the
    # other headers merged down over both rows. The data starts below the lower row.
    if index + 1 < len(values) and len(_match_row(values[index + 1])) >= 2:
        rows.append(index + 1)
        for key, column in _match_row(values[index + 1]).items():
            mapping.setdefault(key, column)
    elif index > 0 and len(_match_row(values[index - 1])) >= 2:
        rows.insert(0, index - 1)
        for key, column in _match_row(values[index - 1]).items():
            mapping.setdefault(key, column)
    return tuple(rows), mapping


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return to_halfwidth(str(value)).strip()


def _id_text(value: Any, row: RosterRow) -> str:
    advice = "：Excel以数字保存时会丢失后几位，请将该列设置为“文本”格式后重新录入"
    if value is None:
        return ""
    if isinstance(value, bool):
        row.reject("身份证号格式错误")
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
            return str(int(value))
        row.reject(f"身份证号被Excel存成了数字，显示为科学计数法，号码已不完整{advice}")
        return ""
    text = _squeeze(to_halfwidth(str(value)))
    if _SCIENTIFIC.match(text):
        row.reject(f"身份证号显示为科学计数法，号码已不完整{advice}")
        return ""
    return text


def _date_value(value: Any) -> date | None:
    """A date from a date cell, an Excel serial or text in the usual formats."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError
    text = _squeeze(to_halfwidth(str(value)))
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match is None:
        raise ValueError
    year, month, day = (int(g) for g in match.groups())
    return date(year, month, day)


def _cell(raw: Sequence[Any], mapping: Mapping[str, int], name: str) -> Any:
    index = mapping.get(name)
    if index is None or index >= len(raw):
        return None
    return raw[index]


def _parse_row(
    line: int, raw: tuple[Any, ...], mapping: Mapping[str, int], today: date
) -> RosterRow:
    row = RosterRow(line=line, raw=raw)
    if all(v is None or (isinstance(v, str) and not _squeeze(v)) for v in raw):
        row.status = RowStatus.BLANK
        return row
    row.name = _squeeze(_text(_cell(raw, mapping, "name")))
    if not row.name:
        row.reject("缺少姓名")
    row.address = _text(_cell(raw, mapping, "address"))
    row.household_number = _squeeze(_text(_cell(raw, mapping, "household_number")))
    if not row.address and not row.household_number:
        row.reject("缺少住址（或户号），无法确定所属家庭")
    row.ethnicity = _text(_cell(raw, mapping, "ethnicity")) or "汉族"
    if row.ethnicity and not row.ethnicity.endswith("族") and len(row.ethnicity) <= 3:
        row.ethnicity += "族"
    row.notes = _text(_cell(raw, mapping, "notes"))

    gender_text = _squeeze(_text(_cell(raw, mapping, "gender"))).upper()
    typed_gender = None
    if gender_text:
        typed_gender = _GENDERS.get(gender_text[:1])
        if typed_gender is None:
            row.reject(f"性别“{gender_text}”无法识别，应为男或女")
    relation_text = _squeeze(_text(_cell(raw, mapping, "relation")))
    if relation_text:
        relation = _RELATIONS.get(relation_text)
        if relation is None:
            row.reject(f"与户主关系“{relation_text}”无法识别")
        else:
            row.relation = relation
    typed_birth = None
    try:
        typed_birth = _date_value(_cell(raw, mapping, "birth_date"))
    except (ValueError, OverflowError):
        shown = _text(_cell(raw, mapping, "birth_date"))
        row.reject(f"出生日期“{shown}”无法识别，请写成2020-01-02或2020年1月2日")
    phone_text = _text(_cell(raw, mapping, "phone"))
    if phone_text:
        try:
            row.phone = phone.parse(phone_text).number
        except phone.InvalidPhone as exc:
            row.reject(f"联系电话：{exc.message}")

    id_text = _id_text(_cell(raw, mapping, "id_number"), row)
    if id_text:
        try:
            parsed = idnumber.parse(id_text, today=today)
        except idnumber.InvalidIdNumber as exc:
            row.reject(f"身份证号：{exc.message}")
        else:
            row.id_number = parsed.number
            row.gender = parsed.gender
            row.birth_date = parsed.birth_date
            for problem in idnumber.mismatch(parsed, typed_birth, typed_gender):
                row.reject(problem)
    elif not any(r.startswith("身份证号") for r in row.reasons):
        row.reject("缺少身份证号")
    _check_texts(row)
    return row


_TEXT_FIELDS = ("name", "address", "household_number", "ethnicity", "notes")


def _check_texts(row: RosterRow) -> None:
    """Text no store may hold (see :mod:`gridcore.domain.limits`): a NUL character
    (an Excel cell's ``_x0000_``) or another control character, or an overlong cell. The
    row is refused with the column named, rather than imported and rejected by the
    server (or worse, stopping other laptops' sync)."""
    for name in _TEXT_FIELDS:
        value: str = getattr(row, name)
        problem = limits.text_problem(value)
        if problem is not None:
            row.reject(f"{FIELD_LABELS[name]}{problem}")
        elif len(value) > limits.MAX_TEXT:
            row.reject(f"{FIELD_LABELS[name]}过长（最多 {limits.MAX_TEXT} 个字符）")


def read_roster(
    path: Path, store: Store | None = None, *, today: date | None = None
) -> RosterPreview:
    """Read and validate a roster workbook (first sheet); ``store`` adds the check for
    people already registered. Nothing is written."""
    try:
        title, values = _grid_values(path)
    except RosterError:
        raise
    except WorkbookRefused as exc:
        raise RosterError(f"无法打开Excel文件：{exc}") from exc
    except Exception as exc:
        raise RosterError(f"无法打开Excel文件：{exc}") from exc
    if not values:
        raise RosterError("Excel文件的第一个工作表是空的")
    header_rows, mapping = _find_header(values)
    width = max((len(values[i]) for i in header_rows), default=0)
    headers = tuple(
        "".join(
            dict.fromkeys(
                _text(values[i][c]) for i in header_rows if c < len(values[i]) and values[i][c]
            )
        )
        for c in range(width)
    )
    day = today if today is not None else date.today()
    rows = [
        _parse_row(index + 1, tuple(values[index]), mapping, day)
        for index in range(header_rows[-1] + 1, len(values))
    ]
    rows = [r for r in rows if r.status is not RowStatus.BLANK]
    seen: dict[str, int] = {}
    for row in rows:
        if not row.id_number:
            continue
        first = seen.get(row.id_number)
        if first is not None:
            row.reject(f"身份证号与第{first}行重复")
        else:
            seen[row.id_number] = row.line
    if store is not None:
        known = registered_id_numbers(store.engine, list(seen))
        for row in rows:
            name = known.get(row.id_number)
            if name is not None and seen.get(row.id_number) == row.line:
                row.reject(f"系统中已登记此身份证号（{name}），请勿重复导入")
    return RosterPreview(title, tuple(i + 1 for i in header_rows), headers, mapping, rows)


# ----------------------------------------------------------------------- writing


def import_roster(
    store: Store,
    preview: RosterPreview,
    *,
    grid_id: str,
    actor: str,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    chunk_size: int = _CHUNK,
) -> ImportResult:
    """Write the accepted rows of ``preview`` into ``grid_id`` in one transaction.

    Rows of one household (same 户号, else same address) become one household, reused if
    the grid already has it. ``progress(done, total)`` is called after every chunk and
    ``cancelled()`` is asked before each one; a cancel raises :class:`ImportCancelled`
    after rolling everything back, and so does any exception (re-raised).
    """
    accepted = preview.accepted
    existing = household_keys(store.engine, grid_id)
    households: dict[str, Household] = {}
    records: list[Record] = []
    created_households = 0
    for row in accepted:
        key = row.household_key
        household_id = existing.get(key)
        if household_id is None:
            household = households.get(key)
            if household is None:
                household = Household(
                    grid_id=grid_id,
                    address=row.address or f"户号{row.household_number}",
                    number=row.household_number,
                    phone=row.phone if row.relation is Relation.HEAD else "",
                )
                households[key] = household
                records.append(household)
                created_households += 1
            household_id = household.id
        records.append(
            Resident(
                household_id=household_id,
                name=row.name,
                id_number=row.id_number,
                gender=row.gender,
                birth_date=row.birth_date,
                relation=row.relation,
                ethnicity=row.ethnicity,
                phone=row.phone,
                notes=row.notes,
            )
        )
    total = len(records)

    def write() -> tuple[int, ChangeSet]:  # on the store's writer: all or nothing
        ops = 0
        with store.unit_of_work(actor=actor) as uow:
            for start in range(0, total, chunk_size):
                if cancelled is not None and cancelled():
                    raise ImportCancelled
                ops += len(uow.create_many(records[start : start + chunk_size]))
                if progress is not None:
                    progress(min(start + chunk_size, total), total)
            if cancelled is not None and cancelled():
                raise ImportCancelled
            changes = replace(uow.changes(), source="import")
        return ops, changes

    ops, changes = store.writer.run(write)
    return ImportResult(
        households_created=created_households,
        residents_created=len(accepted),
        rejected=len(preview.rejected),
        ops=ops,
        changes=changes,
    )


def write_error_workbook(preview: RosterPreview, path: Path) -> int:
    """The rejected rows as they were in the file plus 行号 and 错误原因; returns the count.

    Rows stream (linear time, constant memory) and every text is a text cell: a name
    such as ``=HYPERLINK(…)`` or a control character in a rejected row is written as
    harmless text (see ``xlsxcells``)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("未导入的行")
    sheet.column_dimensions["B"].width = 60
    sheet.freeze_panes = "C2"
    header = CellStyle(sheet, font=Font(bold=True), fill=PatternFill("solid", fgColor="FCE4D6"))
    plain = CellStyle(sheet)
    rows = SheetRows(sheet, path.parent)
    rows.append(["原行号", "错误原因", *preview.headers], header)
    for row in preview.rejected:
        rows.append([row.line, "；".join(row.reasons), *row.raw], plain)
    rows.save(workbook, path)
    return len(preview.rejected)
