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
from datetime import date
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
from gridclient.imports import rostervalues as values
from gridclient.reports import xlsxlimits
from gridclient.reports.xlsxcells import CellStyle, SheetRows
from gridclient.reports.xlsxlimits import WorkbookRefused, check_workbook
from gridclient.storage.changes import ChangeSet
from gridclient.storage.lookups import household_keys, registered_id_numbers
from gridclient.storage.store import Store
from gridcore.domain import grouprules, iddocument, idnumber, limits
from gridcore.domain.entities import Household, Record, Resident
from gridcore.domain.enums import (
    Gender,
    HouseholdTag,
    IdDocumentType,
    PopulationType,
    Relation,
    SpecialGroup,
)
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
    "id_type": ("证件类型", "证件种类", "身份证件类型", "证件名称"),
    "gender": ("性别",),
    "relation": ("与户主关系", "与户主的关系", "家庭关系", "关系"),
    "phone": ("联系电话", "手机号", "手机号码", "电话", "联系方式", "电话号码"),
    "address": ("住址", "地址", "现住址", "居住地址", "家庭住址", "现居住地址"),
    "household_number": ("户号", "户编号", "户籍编号"),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月日", "出生年月", "生日"),
    "notes": ("备注",),
    "categories": (
        "人员类别",
        "人员类型",
        "人员属性",
        "人口类别",
        "人群类别",
        "特殊人群",
        "特殊群体",
        "重点人群",
        "类别",
    ),
}
FIELD_LABELS: Mapping[str, str] = {
    "name": "姓名",
    "id_number": "身份证号",
    "id_type": "证件类型",
    "gender": "性别",
    "relation": "与户主关系",
    "phone": "联系电话",
    "address": "住址",
    "household_number": "户号",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "notes": "备注",
    "categories": "人员类别",
}
_HEADER_TO_FIELD = {text: name for name, texts in FIELDS.items() for text in texts}
_HEADER_SCAN_ROWS = 20
#: Cells the merged-header fill-in may write in all (a real roster needs a few hundred).
_MERGE_FILL_LIMIT = 2_000_000
#: Looking for the roster (no sheet given) reads at most this many sheets, holding at
#: most one largest sheet's rectangle (``xlsxlimits.MAX_AREA``) in all: a few KB of
#: sheets that are each a sparse 6-million-cell rectangle, or thousands of tiny sheets,
#: cost a reading (and a check of the whole file) each, minutes in all.
_MAX_SEARCHED_SHEETS = 10
_CHUNK = 1000
#: Beyond 2**53 a float cannot hold every integer: Excel has already lost digits.
_EXACT_FLOAT_LIMIT = 2**53
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]")


def _squeeze(text: str) -> str:
    """``strip_all_spaces`` with a fast path for the usual cell that has no spaces."""
    return strip_all_spaces(text) if _SPACES.search(text) else text


class RowStatus(StrEnum):
    OK = "ok"
    ERROR = "error"
    BLANK = "blank"
    SKIPPED = "skipped"
    """A 合计 / 制表人 / 审核 line below the table: shown, never imported nor an error."""

    @property
    def label(self) -> str:
        return {"ok": "可导入", "error": "有错误", "blank": "空行", "skipped": "已跳过"}[self.value]


class RosterError(ValueError):
    """The workbook cannot be read as a roster at all; the message is Chinese.
    ``sheets``: the workbook's sheets, when the roster was looked for in some of them
    only (the import dialog then offers them to choose from)."""

    def __init__(self, message: str, sheets: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.sheets = sheets


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
    warnings: list[str] = field(default_factory=list)
    """Imported, but the clerk confirms first (no 户主 in the household, no ID number)."""
    name: str = ""
    id_number: str = ""
    id_type: IdDocumentType = IdDocumentType.RESIDENT_ID
    gender: Gender | None = None
    birth_date: date | None = None
    relation: Relation = Relation.OTHER
    phone: str = ""
    address: str = ""
    household_number: str = ""
    ethnicity: str = "汉族"
    notes: str = ""
    tags: frozenset[SpecialGroup] = frozenset()
    population_type: PopulationType = PopulationType.REGISTERED
    household_tags: frozenset[HouseholdTag] = frozenset()

    def reject(self, reason: str) -> None:
        self.status = RowStatus.ERROR
        self.reasons.append(reason)

    def warn(self, warning: str) -> None:
        self.warnings.append(warning)

    def note(self, text: str) -> None:
        self.notes = f"{self.notes}；{text}" if self.notes else text

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
    sheets: tuple[str, ...] = ()
    """Every sheet of the workbook, in order (the dialog's sheet chooser)."""

    @property
    def accepted(self) -> list[RosterRow]:
        return [r for r in self.rows if r.status is RowStatus.OK]

    @property
    def rejected(self) -> list[RosterRow]:
        return [r for r in self.rows if r.status is RowStatus.ERROR]

    @property
    def skipped(self) -> list[RosterRow]:
        return [r for r in self.rows if r.status is RowStatus.SKIPPED]

    @property
    def warned(self) -> list[RosterRow]:
        """Accepted rows with something the clerk confirms before importing."""
        return [r for r in self.rows if r.status is RowStatus.OK and r.warnings]

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


def _openpyxl_values(path: Path, index: int) -> tuple[str, list[list[Any]], list[CellRange]]:
    """openpyxl's read-only mode: the fallback when python-calamine is not installed."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[index]
        title = sheet.title
        values = [[_unescape(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        member = getattr(sheet, "_worksheet_path", None)
    finally:
        workbook.close()
    merged = _merged_ranges(path, member) if isinstance(member, str) else []
    return title, values, merged


def _calamine_values(path: Path, index: int) -> tuple[str, list[list[Any]], list[CellRange]]:
    """python-calamine (Rust): ~10× faster than openpyxl on a 10,000-row roster. Empty
    cells come back as "" (made None here, as openpyxl gives them); numbers as float."""
    assert _calamine is not None
    workbook = _calamine.CalamineWorkbook.from_path(str(path))
    try:
        sheet = workbook.get_sheet_by_index(index)
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


def _sheet_names(path: Path) -> list[str]:
    """The workbook's sheets in order (after :func:`check_workbook` passed on the first)."""
    if _calamine is not None:
        workbook = _calamine.CalamineWorkbook.from_path(str(path))
        try:
            return list(workbook.sheet_names)
        finally:
            workbook.close()
    book = load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


class _SearchBudgetSpent(RosterError):
    """The sheets already read while looking for the roster hold the search's cells."""


def _grid_values(
    path: Path, index: int = 0, cells_left: int | None = None
) -> tuple[str, list[list[Any]], int]:
    """The sheet's title, values and rectangle (cells); ``cells_left`` refuses
    (:class:`_SearchBudgetSpent`) a sheet whose rectangle is larger, before reading it."""
    shape = check_workbook(path, index)  # size, zip ratio, rectangle, cells, merges: first
    area = shape.rows * max(shape.columns, 1)  # what the reader allocates
    if cells_left is not None and area > cells_left:
        raise _SearchBudgetSpent("")
    reader = _calamine_values if _calamine is not None else _openpyxl_values
    title, values, merged = reader(path, index)
    # A merged cell holds its value in the top-left corner only: copy it to the range, so
    # a merged header (姓名 over two header rows) is seen in every row it covers, and a
    # 户号 or 住址 merged down over a household's rows reaches every member. The copying
    # is bounded (crafted files with thousands of sheet-wide ranges took a minute of CPU).
    budget = _MERGE_FILL_LIMIT
    for cells in merged:
        top = cells.min_row - 1
        if top >= len(values):
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
    return title, values, area


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


def _cell(raw: Sequence[Any], mapping: Mapping[str, int], name: str) -> Any:
    index = mapping.get(name)
    if index is None or index >= len(raw):
        return None
    return raw[index]


_CJK = re.compile(r"[\u3400-\u9fff]")


def _person_name(text: str) -> str:
    """张　伟 → 张伟 (spaces inside a Chinese name are padding); a foreign name keeps one
    space between its parts (Anna Müller)."""
    if _CJK.search(text):
        return _squeeze(text)
    return " ".join(text.split())


def _parse_row(
    line: int, raw: tuple[Any, ...], mapping: Mapping[str, int], today: date
) -> RosterRow:
    row = RosterRow(line=line, raw=raw)
    if all(v is None or (isinstance(v, str) and not _squeeze(v)) for v in raw):
        row.status = RowStatus.BLANK
        return row
    if values.is_footer(raw, _cell(raw, mapping, "id_number")):
        row.status = RowStatus.SKIPPED
        row.reasons.append("合计、签字或说明行，不是人员，已跳过")
        return row
    row.name = _person_name(_text(_cell(raw, mapping, "name")))
    if not row.name:
        row.reject("缺少姓名")
    row.address = _text(_cell(raw, mapping, "address"))
    row.household_number = _squeeze(_text(_cell(raw, mapping, "household_number")))
    if not row.address and not row.household_number:
        row.reject("缺少住址（或户号），无法确定所属家庭")
    row.notes = _text(_cell(raw, mapping, "notes"))

    def read(reader: Callable[[Any], Any], name: str) -> Any:
        try:
            return reader(_cell(raw, mapping, name))
        except values.CellProblem as exc:
            row.reject(str(exc))
            return None

    row.ethnicity = read(values.ethnicity_value, "ethnicity") or "汉族"
    typed_gender: Gender | None = read(values.gender_value, "gender")
    relation: values.RelationValue | None = read(values.relation_value, "relation")
    if relation is not None:
        row.relation = relation.relation
        if relation.exact:
            row.note(f"与户主关系：{relation.exact}")
    birth: values.Birth | None = read(values.birth_value, "birth_date")
    phone_value: values.PhoneValue | None = read(values.phone_value, "phone")
    if phone_value is not None:
        row.phone = phone_value.number
        for text in phone_value.notes:
            row.note(text)
    categories: values.Categories = read(values.categories_value, "categories")
    if categories is not None:
        row.tags = frozenset(categories.groups)
        row.household_tags = frozenset(categories.household)
        if categories.population is not None:
            row.population_type = categories.population
        for word in categories.unknown:
            row.warn(f"人员类别“{word}”无法识别，未导入该类别")

    type_text = _text(_cell(raw, mapping, "id_type"))
    if type_text:
        document = iddocument.document_type(type_text)
        if document is None:
            row.reject(f"证件类型“{type_text}”无法识别")
        else:
            row.id_type = document
    id_text = _id_text(_cell(raw, mapping, "id_number"), row)
    if id_text and not row.id_type.is_id_number:
        _other_document(row, id_text, typed_gender, birth)
    elif id_text:
        try:
            parsed = idnumber.parse(id_text, today=today)
        except idnumber.InvalidIdNumber as exc:
            row.reject(f"身份证号：{exc.message}")
        else:
            row.id_number = parsed.number
            row.gender = parsed.gender
            row.birth_date = parsed.birth_date
            typed_day = birth.day if birth is not None and not birth.month_only else None
            for problem in idnumber.mismatch(parsed, typed_day, typed_gender):
                row.reject(problem)
            if birth is not None and birth.month_only:
                born = parsed.birth_date
                if (born.year, born.month) != (birth.day.year, birth.day.month):
                    row.reject(
                        f"出生年月与身份证号码不符：身份证号码中为{born.year}年{born.month}月，"
                        f"填写的是{birth.chinese}，请核对"
                    )
    elif not any(r.startswith("身份证号") for r in row.reasons):
        _without_id(row, typed_gender, birth)
    if row.status is RowStatus.OK:
        for tag_problem in grouprules.tag_problems(row.tags, row.gender, row.birth_date, today):
            row.reject(f"人员类别：{tag_problem.message}")
    _check_texts(row)
    return row


def _other_document(
    row: RosterRow, number: str, gender: Gender | None, birth: values.Birth | None
) -> None:
    """A passport, a 通行证 or a permanent residence card: the number as written, the
    gender and birth date as typed (the number says neither); a 境外人员 unless the
    人员类别 column says otherwise."""
    try:
        row.id_number = iddocument.check_document(row.id_type, number)
    except idnumber.InvalidIdNumber as exc:
        row.reject(f"证件号码：{exc.message}")
        return
    row.gender = gender
    if birth is not None:
        row.birth_date = birth.day
        if birth.month_only:
            row.note(f"出生日期仅知年月（{birth.chinese}），日按1日记录")
    if row.population_type is PopulationType.REGISTERED:
        row.population_type = PopulationType.OVERSEAS


def _without_id(row: RosterRow, gender: Gender | None, birth: values.Birth | None) -> None:
    """A person with no ID number (an infant not yet registered, 未落户, a foreigner):
    imported when the gender and the date of birth say who it is, with a warning."""
    missing = [label for label, value in (("性别", gender), ("出生日期", birth)) if value is None]
    if missing:
        row.reject(f"缺少身份证号；没有身份证号的人员须填写{'和'.join(missing)}")
        return
    assert gender is not None and birth is not None
    row.gender = gender
    row.birth_date = birth.day
    if birth.month_only:
        row.note(f"出生日期仅知年月（{birth.chinese}），日按1日记录")
    row.warn("没有身份证号，按性别和出生日期登记，不能查重")


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
    path: Path,
    store: Store | None = None,
    *,
    today: date | None = None,
    sheet: str | int | None = None,
) -> RosterPreview:
    """Read and validate a roster workbook; ``store`` adds the check for people already
    registered. Nothing is written.

    ``sheet`` is a sheet's name or its 1-based number; by default the first sheet with a
    roster header is read (a workbook whose first sheet is a 说明 or a cover page)."""
    try:
        check_workbook(path)
        names = _sheet_names(path)
    except WorkbookRefused as exc:
        raise RosterError(f"无法打开Excel文件：{exc}") from exc
    except Exception as exc:
        raise RosterError(f"无法打开Excel文件：{exc}") from exc
    if not names:
        raise RosterError("Excel文件中没有工作表")
    searched = min(len(names), _MAX_SEARCHED_SHEETS)
    candidates = list(range(searched)) if sheet is None else [_sheet_index(names, sheet)]
    cells_left: int | None = xlsxlimits.MAX_AREA if sheet is None else None
    problem: RosterError | None = None
    read: list[str] = []
    for index in candidates:
        try:
            title, cells, area = _grid_values(path, index, cells_left)
        except _SearchBudgetSpent:
            break
        except RosterError:
            raise
        except WorkbookRefused as exc:
            raise RosterError(f"无法打开Excel文件：{exc}") from exc
        except Exception as exc:
            raise RosterError(f"无法打开Excel文件：{exc}") from exc
        read.append(names[index])
        if cells_left is not None:
            cells_left -= area
        try:
            if not cells:
                raise RosterError(f"工作表“{title}”是空的")
            header_rows, mapping = _find_header(cells)
        except RosterError as exc:
            problem = problem or exc
            continue
        return _preview(title, cells, header_rows, mapping, store, today, tuple(names))
    assert problem is not None
    if sheet is not None:
        raise problem
    if len(read) == len(names) > 1:
        raise RosterError(f"{problem}（已查看全部 {len(names)} 个工作表：{'、'.join(read)}）")
    if len(read) < len(names):
        raise RosterError(
            f"{problem}（已查看前 {len(read)} 个工作表：{'、'.join(read)}；工作簿共有 "
            f"{len(names)} 个工作表，其余的未自动查看，请在“工作表”中选择要读取的工作表，"
            "或在命令行用 --sheet 指定）",
            tuple(names),
        )
    raise problem


def _sheet_index(names: list[str], sheet: str | int) -> int:
    if isinstance(sheet, str) and sheet in names:
        return names.index(sheet)
    text = str(sheet).strip()
    if text.isdigit() and 1 <= int(text) <= len(names):
        return int(text) - 1
    raise RosterError(f"工作簿中没有工作表“{sheet}”；共有：{'、'.join(names)}")


def _preview(
    title: str,
    cells: list[list[Any]],
    header_rows: tuple[int, ...],
    mapping: dict[str, int],
    store: Store | None,
    today: date | None,
    sheets: tuple[str, ...],
) -> RosterPreview:
    width = max((len(cells[i]) for i in header_rows), default=0)
    headers = tuple(
        "".join(
            dict.fromkeys(
                _text(cells[i][c]) for i in header_rows if c < len(cells[i]) and cells[i][c]
            )
        )
        for c in range(width)
    )
    day = today if today is not None else date.today()
    rows = [
        _parse_row(index + 1, tuple(cells[index]), mapping, day)
        for index in range(header_rows[-1] + 1, len(cells))
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
    _check_heads(rows)
    return RosterPreview(title, tuple(i + 1 for i in header_rows), headers, mapping, rows, sheets)


def _check_heads(rows: list[RosterRow]) -> None:
    """One 户主 per household: none or two are warnings the clerk confirms (the
    household may already be in the system with its head, or the file may be right)."""
    households: dict[str, list[RosterRow]] = {}
    for row in rows:
        if row.status is RowStatus.OK:
            households.setdefault(row.household_key, []).append(row)
    for members in households.values():
        heads = [r for r in members if r.relation is Relation.HEAD]
        if len(heads) > 1:
            lines = "、".join(str(r.line) for r in heads)
            for row in heads:
                row.warn(f"同一户有{len(heads)}个户主（第{lines}行），请核对与户主关系")
        elif not heads:
            lines = "、".join(str(r.line) for r in members)
            members[0].warn(f"该户（第{lines}行）没有户主；如该户已在系统中登记了户主，可以忽略")


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
    #: 低保户 and the like on a household the grid already has: added to its tags.
    tag_existing: dict[str, set[HouseholdTag]] = {}
    for row in accepted:
        key = row.household_key
        household_id = existing.get(key)
        if household_id is not None and row.household_tags:
            tag_existing.setdefault(household_id, set()).update(row.household_tags)
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
            if row.household_tags:
                household.tags = household.tags | row.household_tags
            household_id = household.id
        records.append(
            Resident(
                household_id=household_id,
                name=row.name,
                id_number=row.id_number,
                id_type=row.id_type,
                gender=row.gender,
                birth_date=row.birth_date,
                relation=row.relation,
                ethnicity=row.ethnicity,
                phone=row.phone,
                population_type=row.population_type,
                tags=row.tags,
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
            for household_id, tags in tag_existing.items():
                stored = uow.repos.records.get(Household, household_id)
                if stored is not None and not tags <= stored.tags:
                    edited = replace(stored, tags=stored.tags | frozenset(tags))
                    ops += uow.update(edited) is not None
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
