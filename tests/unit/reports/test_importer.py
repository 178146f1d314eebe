"""Excel roster import: a messy roster built here, its accepted/rejected split and
reasons, the write through one unit of work, and interrupted imports."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from gridclient.imports import roster as importer
from gridclient.imports.roster import (
    ImportCancelled,
    RosterError,
    RosterPreview,
    RowStatus,
    import_roster,
    read_roster,
    write_error_workbook,
)
from gridclient.storage import Store
from gridclient.storage.engine import read_session
from gridclient.storage.models import OutboxRow
from gridclient.storage.syncmeta import OpStatus
from gridcore.domain.entities import Household, Resident
from gridcore.domain.enums import ChangeKind, EntityKind, Gender, Relation
from tests.unit.reports.sample import Sample, id_number

TODAY = date(2026, 10, 30)
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

ID_A = id_number(101, date(1980, 1, 2), Gender.MALE)
ID_B = id_number(102, date(1982, 3, 4), Gender.FEMALE)
ID_D = id_number(104, date(1990, 5, 6), Gender.MALE)
ID_E = id_number(105, date(2001, 7, 8), Gender.FEMALE)
LEGACY_15 = 110105491231002  # 15-digit legacy number: 1949-12-31, female
LEGACY_15_MALE = 110105650203123  # an exact integer in the cell: 1965-02-03, male
BAD_CHECK = ID_A[:17] + ("0" if ID_A[17] != "0" else "1")


def _serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def messy_roster(path: Path, existing_id: str) -> dict[str, int]:
    """Writes the roster; returns the sheet row of each case."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["东村第一网格实有人口花名册"])
    ws.merge_cells("A1:I1")
    ws.append([])
    ws.append(
        [
            "序号",
            "姓 名",
            "公民身份号码",
            "性别",
            "与户主关系",
            "联系电话",
            "户籍信息",
            None,
            "出生日期",
        ]
    )
    ws.append([None, None, None, None, None, None, "户号", "现住址（必填）", None])
    for column in "ABCDEFI":
        ws.merge_cells(f"{column}3:{column}4")
    ws.merge_cells("G3:H3")
    rows = {
        # accepted
        "a": [
            1,
            "张　伟",
            ID_A.translate(FULLWIDTH),
            "男",
            "户主",
            "１３８００１３８０００",
            "0001",
            "东村9组1号",
            "1980/01/02",
        ],
        "b": [
            2,
            "李娜",
            f" {ID_B[:6]} {ID_B[6:14]} {ID_B[14:]} ",
            "女",
            "配偶",
            None,
            "0001",
            "东村9组1号",
            "1982年3月4日",
        ],
        "blank1": [None] * 9,
        "int15": [13, "张小军", LEGACY_15_MALE, "男", "子", None, "0001", "东村9组1号", "1965.2.3"],
        "d": [
            3,
            "王强",
            ID_D,
            "男",
            "户主",
            "13900000000",
            None,
            "东村9组2号",
            _serial(date(1990, 5, 6)),
        ],
        "e": [4, "赵敏", ID_E, "女", "户主", None, "0003", "东村9组3号", datetime(2001, 7, 8)],
        "j": [
            5,
            "孙老太",
            float(LEGACY_15),
            "女",
            "母亲",
            None,
            "0003",
            "东村9组3号",
            "1949-12-31",
        ],
        "blank2": [None, "  ", None, None, None, None, None, None, None],
        # rejected
        "sci": [6, "钱多", 4.40524188001e17, "男", "户主", None, "0004", "东村9组4号", None],
        "dup_file": [7, "张伟", ID_A, "男", "户主", None, "0005", "东村9组5号", None],
        "dup_store": [8, "张建国", existing_id, "男", "户主", None, "0006", "东村9组6号", None],
        "no_name": [
            9,
            None,
            id_number(109, date(1995, 1, 1), Gender.MALE),
            "男",
            "户主",
            None,
            "0007",
            "东村9组7号",
            None,
        ],
        "bad_check": [10, "周末", BAD_CHECK, "男", "户主", None, "0008", "东村9组8号", None],
        "bad_date": [
            11,
            "吴用",
            id_number(111, date(1970, 2, 3), Gender.MALE),
            "男",
            "户主",
            None,
            "0009",
            "东村9组9号",
            "1970-2-30",
        ],
        "mismatch": [
            12,
            "郑和",
            id_number(112, date(1971, 4, 5), Gender.MALE),
            "女",
            "户主",
            None,
            "0010",
            "东村9组10号",
            "1971-4-5",
        ],
    }
    lines = {}
    for key, values in rows.items():
        ws.append(values)
        lines[key] = ws.max_row
    wb.save(path)
    return lines


@pytest.fixture
def roster(tmp_path: Path, sample: Sample) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "roster.xlsx"
    existing = next(r for r in sample.dataset.residents if r.name == "张建国")
    return path, messy_roster(path, existing.id_number)


def _snapshot(store: Store) -> tuple[dict[EntityKind, int], list[tuple[object, ...]], object]:
    with store.read() as repos:
        counts = repos.records.counts()
        seq = repos.sync_state.get(
            __import__("gridclient.storage.syncmeta").storage.syncmeta.SyncKey.NEXT_SEQ
        )
    with read_session(store.engine) as session:
        outbox = [tuple(r) for r in session.execute(select(OutboxRow.op_id, OutboxRow.seq)).all()]
    return counts, outbox, seq


def test_preview_split_and_reasons(store: Store, roster: tuple[Path, dict[str, int]]) -> None:
    path, lines = roster
    preview = read_roster(path, store, today=TODAY)
    assert preview.header_rows == (3, 4)
    assert set(preview.mapping) >= {
        "name",
        "id_number",
        "gender",
        "relation",
        "phone",
        "household_number",
        "address",
        "birth_date",
    }
    by_line = {r.line: r for r in preview.rows}
    assert lines["blank1"] not in by_line and lines["blank2"] not in by_line
    accepted = {r.line for r in preview.accepted}
    assert accepted == {lines[k] for k in ("a", "b", "int15", "d", "e", "j")}
    a = by_line[lines["a"]]
    assert (a.name, a.id_number, a.phone, a.relation, a.gender) == (
        "张伟",
        ID_A,
        "13800138000",
        Relation.HEAD,
        Gender.MALE,
    )
    assert by_line[lines["b"]].id_number == ID_B  # spaces removed
    assert by_line[lines["int15"]].id_number.startswith("110105196502031")  # exact integer
    assert by_line[lines["d"]].birth_date == date(1990, 5, 6)  # Excel date serial
    assert by_line[lines["j"]].id_number == "11010519491231002X"  # 15 digits, upgraded

    def reasons(key: str) -> str:
        row = by_line[lines[key]]
        assert row.status is RowStatus.ERROR, key
        return "；".join(row.reasons)

    assert "存成了数字" in reasons("sci") and "文本" in reasons("sci")
    assert f"与第{lines['a']}行重复" in reasons("dup_file")
    assert "系统中已登记" in reasons("dup_store")
    assert reasons("no_name") == "缺少姓名"
    assert "校验位错误" in reasons("bad_check")
    assert "出生日期" in reasons("bad_date")
    assert "性别与身份证号码不符" in reasons("mismatch")
    assert len(preview.rejected) == 7


def test_openpyxl_fallback_reads_the_same(
    store: Store, roster: tuple[Path, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """python-calamine is the reader; without it openpyxl gives the same preview."""
    path, _lines = roster
    fast = read_roster(path, store, today=TODAY)
    monkeypatch.setattr(importer, "_calamine", None)
    slow = read_roster(path, store, today=TODAY)

    def summary(preview: RosterPreview) -> list[tuple[object, ...]]:
        return [
            (r.line, r.status, tuple(r.reasons), r.name, r.id_number, r.birth_date, r.phone)
            for r in preview.rows
        ]

    assert (fast.header_rows, fast.mapping) == (slow.header_rows, slow.mapping)
    assert summary(fast) == summary(slow)


def test_table_not_at_a1_keeps_excel_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "offset.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["C3"], ws["D3"], ws["E3"], ws["F3"] = "姓名", "身份证号", "住址", "出生日期"
    ws["C5"], ws["D5"], ws["E5"], ws["F5"] = "王五", ID_D, "某村1号", datetime(1990, 5, 6)
    wb.save(path)
    preview = read_roster(path, today=TODAY)
    assert preview.header_rows == (3,)
    (row,) = preview.rows
    assert (row.line, row.status, row.birth_date) == (5, RowStatus.OK, date(1990, 5, 6))


def test_scientific_notation_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "sci.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "住址"])
    ws.append(["甲", "4.40524188001E+17", "某地"])
    wb.save(path)
    (row,) = read_roster(path, today=TODAY).rows
    assert row.status is RowStatus.ERROR
    assert "科学计数法" in row.reasons[0] and "文本" in row.reasons[0]


def test_no_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["a", "b"])
    wb.save(path)
    with pytest.raises(RosterError):
        read_roster(path)


def test_import_writes_households_residents_and_ops(
    store: Store, sample: Sample, roster: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    path, lines = roster
    grid = sample.grids["g1"]
    before_counts, before_outbox, _ = _snapshot(store)
    preview = read_roster(path, store, today=TODAY)
    progress: list[tuple[int, int]] = []
    result = import_roster(
        store,
        preview,
        grid_id=grid.id,
        actor="township01",
        chunk_size=3,
        progress=lambda done, total: progress.append((done, total)),
    )
    # households: 0001 (a, b, int15), 东村9组2号 (d), 0003 (e, j)
    assert (result.households_created, result.residents_created, result.rejected) == (3, 6, 7)
    assert result.ops == 9
    assert progress == [(3, 9), (6, 9), (9, 9)]
    counts, outbox, _ = _snapshot(store)
    assert counts[EntityKind.HOUSEHOLD] == before_counts[EntityKind.HOUSEHOLD] + 3
    assert counts[EntityKind.RESIDENT] == before_counts[EntityKind.RESIDENT] + 6
    assert len(outbox) == len(before_outbox) + 9
    with store.read() as repos:
        ops = repos.outbox.pending()
        assert [op.kind for op in ops] == [ChangeKind.CREATE] * 9
        assert [op.seq for op in ops] == list(range(ops[0].seq, ops[0].seq + 9))
        assert {op.status for op in ops} == {OpStatus.PENDING}
        assert {op.actor for op in ops} == {"township01"}
        homes = repos.records.households_of_grid(grid.id)
        home = next(h for h in homes if h.number == "0001")
        people = repos.records.residents_of_household(home.id)
        assert {p.name: p.relation for p in people} == {
            "张伟": Relation.HEAD,
            "李娜": Relation.SPOUSE,
            "张小军": Relation.SON,
        }
        assert isinstance(home, Household) and isinstance(people[0], Resident)
        wife = next(p for p in people if p.name == "李娜")
        assert wife.birth_date == date(1982, 3, 4) and wife.gender is Gender.FEMALE
        creates = {op.entity_id: op for op in ops}
        assert creates[people[0].id].changes["name"] == (None, "张伟")

    errors = tmp_path / "errors.xlsx"
    assert write_error_workbook(preview, errors) == 7
    sheet = load_workbook(errors).active
    assert sheet is not None
    got = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(got) == {
        lines[k]
        for k in ("sci", "dup_file", "dup_store", "no_name", "bad_check", "bad_date", "mismatch")
    }
    assert got[lines["no_name"]] == "缺少姓名"

    # importing the same file again finds everybody already registered
    again = read_roster(path, store, today=TODAY)
    assert not again.accepted


class Boom(RuntimeError):
    pass


def test_exception_midway_leaves_store_unchanged(
    store: Store, sample: Sample, roster: tuple[Path, dict[str, int]]
) -> None:
    path, _lines = roster
    before = _snapshot(store)
    preview = read_roster(path, store, today=TODAY)
    calls: list[int] = []

    def explode(done: int, total: int) -> None:
        calls.append(done)
        if done >= 4:
            raise Boom

    with pytest.raises(Boom):
        import_roster(
            store, preview, grid_id=sample.grids["g1"].id, actor="a", chunk_size=2, progress=explode
        )
    assert calls == [2, 4]  # two chunks were written before the failure
    assert _snapshot(store) == before


def test_cancel_midway_rolls_back(
    store: Store, sample: Sample, roster: tuple[Path, dict[str, int]]
) -> None:
    path, _lines = roster
    before = _snapshot(store)
    preview = read_roster(path, store, today=TODAY)
    done_so_far: list[int] = []
    with pytest.raises(ImportCancelled):
        import_roster(
            store,
            preview,
            grid_id=sample.grids["g1"].id,
            actor="a",
            chunk_size=2,
            progress=lambda done, total: done_so_far.append(done),
            cancelled=lambda: len(done_so_far) >= 2,
        )
    assert done_so_far == [2, 4]
    assert _snapshot(store) == before


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_control_characters_refuse_the_row_and_the_error_file_still_writes(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: str
) -> None:
    """An Excel cell holding ``_x0000_`` reads as a NUL character: the row is refused
    with the column named (nothing of it is queued), the others import, and the error
    workbook (which cannot hold control characters) drops them (issue 12: dropped, not
    a crash; the reason column names the character)."""
    path = tmp_path / "nul.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "住址", "备注"])
    ws.append(["张_x0000_三", ID_A, "幸福路1号", ""])
    ws.append(["李四", ID_B, "幸福路_x0007_2号", ""])
    ws.append(["王五", ID_D, "幸福路3号", "第一行\n第二行"])
    wb.save(path)
    if reader == "openpyxl":
        monkeypatch.setattr(importer, "_calamine", None)
    preview = read_roster(path, store, today=TODAY)
    nul, bell, good = preview.rows
    assert nul.status is RowStatus.ERROR and bell.status is RowStatus.ERROR
    assert any(r.startswith("姓名") and "U+0000" in r and "_x0000_" in r for r in nul.reasons)
    assert any(r.startswith("住址") and "U+0007" in r for r in bell.reasons)
    assert good.status is RowStatus.OK, good.reasons
    result = import_roster(store, preview, grid_id="grid-001", actor="tester")
    assert result.residents_created == 1
    errors = tmp_path / "errors.xlsx"
    assert write_error_workbook(preview, errors) == 2
    cells = [c for row in load_workbook(errors).active.iter_rows(values_only=True) for c in row]
    assert "张三" in cells
