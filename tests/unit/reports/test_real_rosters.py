"""Real rosters (issue #16 item 8): the forms village rosters are written in are accepted
or answered precisely; the roster and its households are written as they mean."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from gridclient.imports import rostervalues as values
from gridclient.imports.roster import RosterError, RowStatus, import_roster, read_roster
from gridclient.storage import Store
from gridcore.domain.entities import Household
from gridcore.domain.enums import (
    Gender,
    HouseholdTag,
    PopulationType,
    Relation,
    SpecialGroup,
)
from tests.unit.reports.sample import Sample, id_number

TODAY = date(2026, 10, 30)
HEADER = ["序号", "姓名", "身份证号", "性别", "与户主关系", "联系电话", "户号", "住址",
          "出生日期", "民族", "人员类别"]  # fmt: skip


def _book(path: Path, rows: list[list[Any]], *, before: list[str] | None = None) -> Path:
    """A roster on a sheet named 花名册, after the sheets named in ``before``."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    if before:
        first.title = before[0]
        first.append(["填表说明：身份证号请设为文本格式"])
        for name in before[1:]:
            wb.create_sheet(name).append(["封面"])
        sheet = wb.create_sheet("花名册")
    else:
        sheet = first
        sheet.title = "花名册"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    wb.save(path)
    return path


def _id(serial: int, born: date, gender: Gender) -> str:
    return id_number(serial, born, gender)


# ------------------------------------------------------------------ cell readers


@pytest.mark.parametrize(
    ("cell", "day", "month_only"),
    [
        ("1987.05", date(1987, 5, 1), True),
        ("198705", date(1987, 5, 1), True),
        (198705, date(1987, 5, 1), True),
        ("1985年3月", date(1985, 3, 1), True),
        (1985.03, date(1985, 3, 1), True),
        (1985.12, date(1985, 12, 1), True),
        ("1987-5", date(1987, 5, 1), True),
        ("1987年5月12日", date(1987, 5, 12), False),
        ("19870512", date(1987, 5, 12), False),
        (19870512, date(1987, 5, 12), False),
        (31911, date(1987, 5, 14), False),  # an Excel serial (days since 1899-12-30)
    ],
)
def test_birth_dates_in_every_form_clerks_write(cell: Any, day: date, month_only: bool) -> None:
    birth = values.birth_value(cell)
    assert birth is not None and (birth.day, birth.month_only) == (day, month_only)


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        (1985.1, "分不清是1月还是10月"),
        ("1985", "只有年份"),
        (1985, "只有年份"),
        ("1987.13", "无法识别"),
        ("1987-02-30", "不是有效的日期"),
        ("去年", "无法识别"),
    ],
)
def test_birth_dates_that_cannot_be_read_say_why(cell: Any, words: str) -> None:
    with pytest.raises(values.CellProblem, match=words):
        values.birth_value(cell)


@pytest.mark.parametrize(
    ("cell", "number", "notes"),
    [
        ("无", "", ()),
        ("—", "", ()),
        ("/", "", ()),
        ("暂无", "", ()),
        ("13891234567(微信同号)", "13891234567", ("电话备注：微信同号",)),
        ("13891234567（微信同号）", "13891234567", ("电话备注：微信同号",)),
        ("13891234567/13912345678", "13891234567", ("其他电话：13912345678",)),
        ("13891234567、0371-62345678", "13891234567", ("其他电话：0371-62345678",)),
        ("138 9123 4567", "13891234567", ()),
        (13891234567, "13891234567", ()),
    ],
)
def test_phones_as_written(cell: Any, number: str, notes: tuple[str, ...]) -> None:
    assert values.phone_value(cell) == values.PhoneValue(number, notes)


def test_a_phone_with_a_bad_second_number_names_it() -> None:
    with pytest.raises(values.CellProblem, match="“12345”"):
        values.phone_value("13891234567/12345")


@pytest.mark.parametrize(
    ("cell", "relation", "exact"),
    [
        ("之妻", Relation.SPOUSE, ""),
        ("户主之子", Relation.SON, ""),
        ("儿媳妇", Relation.CHILD_IN_LAW, ""),
        ("侄子", Relation.OTHER_RELATIVE, "侄子"),
        ("外甥女", Relation.OTHER_RELATIVE, "外甥女"),
        ("12", Relation.SPOUSE, ""),  # GB/T 4761 code: 妻
        (93, Relation.OTHER_RELATIVE, "侄子"),
        ("02", Relation.HEAD, ""),
        ("非亲属", Relation.OTHER, ""),
    ],
)
def test_relations_by_name_gbt_4761_name_or_code(cell: Any, relation: Relation, exact: str) -> None:
    assert values.relation_value(cell) == values.RelationValue(relation, exact)


def test_genders_and_ethnicities_by_code() -> None:
    assert values.gender_value("1") is Gender.MALE
    assert values.gender_value(2.0) is Gender.FEMALE
    assert values.gender_value("9") is None
    with pytest.raises(values.CellProblem, match="男或女"):
        values.gender_value("3")
    assert values.ethnicity_value("01") == "汉族"
    assert values.ethnicity_value(3) == "回族"
    assert values.ethnicity_value("56") == "基诺族"
    assert values.ethnicity_value("壮") == "壮族"
    with pytest.raises(values.CellProblem, match="民族代码"):
        values.ethnicity_value("77")


# ------------------------------------------------------------------ whole rosters


def test_a_real_village_roster_imports_as_meant(
    tmp_path: Path, store: Store, sample: Sample
) -> None:
    head = _id(201, date(1960, 4, 5), Gender.MALE)
    wife = _id(202, date(1962, 8, 9), Gender.FEMALE)
    nephew = _id(203, date(2000, 1, 2), Gender.MALE)
    kid = _id(204, date(2016, 6, 1), Gender.FEMALE)
    path = _book(
        tmp_path / "roster.xlsx",
        [
            [
                1,
                "王建军",
                head,
                "1",
                "02",
                "13891234567(微信同号)",
                "0101",
                "西村1组1号",
                "1960.04",
                "01",
                "党员、低保户",
            ],
            [2, "李秀兰", wife, "2", "之妻", "无", "0101", "西村1组1号", 1962.08, "汉", None],
            [
                3,
                "王小明",
                nephew,
                "男",
                "侄子",
                "13891234567/13912345678",
                "0101",
                "西村1组1号",
                "200001",
                "汉族",
                "流动人口",
            ],
            [
                4,
                "王丽",
                kid,
                "女",
                "孙女",
                "—",
                "0101",
                "西村1组1号",
                "2016年6月",
                None,
                "留守儿童",
            ],
            [5, "王宝宝", None, "女", "孙女", None, "0101", "西村1组1号", "2026.03", None, None],
            [None, "合计", None, None, None, None, None, None, None, None, "5人"],
            [
                None,
                None,
                "制表人：赵佳",
                None,
                None,
                "审核人：何子健",
                None,
                None,
                None,
                None,
                None,
            ],
        ],
        before=["填表说明"],
    )
    preview = read_roster(path, store, today=TODAY)
    assert preview.sheet == "花名册" and preview.sheets == ("填表说明", "花名册")
    assert [r.reasons for r in preview.rejected] == []
    assert len(preview.accepted) == 5
    assert [r.line for r in preview.skipped] == [7, 8]
    baby = next(r for r in preview.accepted if r.name == "王宝宝")
    assert baby.warnings == ["没有身份证号，按性别和出生日期登记，不能查重"]
    assert (baby.gender, baby.birth_date) == (Gender.FEMALE, date(2026, 3, 1))
    assert "出生日期仅知年月（2026年3月）" in baby.notes
    assert [r.name for r in preview.warned] == ["王宝宝"]

    result = import_roster(store, preview, grid_id=sample.grids["g1"].id, actor="township01")
    assert (result.households_created, result.residents_created) == (1, 5)
    with store.read() as repos:
        home = next(
            h for h in repos.records.households_of_grid(sample.grids["g1"].id)
            if h.number == "0101"
        )  # fmt: skip
        assert home.tags == {HouseholdTag.MINIMUM_LIVING}
        people = {p.name: p for p in repos.records.residents_of_household(home.id)}
    assert people["王建军"].relation is Relation.HEAD
    assert people["王建军"].tags == {SpecialGroup.PARTY_MEMBER}
    assert people["王建军"].phone == "13891234567"
    assert people["王建军"].notes == "电话备注：微信同号"
    assert people["李秀兰"].relation is Relation.SPOUSE and people["李秀兰"].phone == ""
    assert people["王小明"].relation is Relation.OTHER_RELATIVE
    assert people["王小明"].population_type is PopulationType.FLOATING
    assert "与户主关系：侄子" in people["王小明"].notes
    assert "其他电话：13912345678" in people["王小明"].notes
    assert people["王丽"].tags == {SpecialGroup.LEFT_BEHIND_CHILD}
    assert people["王宝宝"].id_number == "" and people["王宝宝"].birth_date == date(2026, 3, 1)


def test_rows_that_still_fail_say_exactly_why(tmp_path: Path, store: Store) -> None:
    man = _id(211, date(1980, 3, 3), Gender.MALE)
    old = _id(212, date(1950, 3, 3), Gender.FEMALE)
    path = _book(
        tmp_path / "bad.xlsx",
        [
            [1, "赵大", man, "男", "户主", None, "0201", "东村2组1号", "1981.03", None, None],
            [2, "赵二", old, "女", "母亲", None, "0201", "东村2组1号", 1950.1, None, None],
            [3, "赵三", None, None, "子", None, "0201", "东村2组1号", "2001.05", None, None],
            [
                4,
                "赵四",
                _id(213, date(1985, 1, 1), Gender.MALE),
                "男",
                "弟",
                None,
                "0201",
                "东村2组1号",
                None,
                None,
                "留守妇女",
            ],
        ],
    )
    preview = read_roster(path, store, today=TODAY)
    reasons = {r.name: "；".join(r.reasons) for r in preview.rejected}
    assert "出生年月与身份证号码不符：身份证号码中为1980年3月，填写的是1981年3月" in reasons["赵大"]
    assert "分不清是1月还是10月" in reasons["赵二"]
    assert "缺少身份证号；没有身份证号的人员须填写性别" in reasons["赵三"]
    assert "人员类别" in reasons["赵四"] and "女性" in reasons["赵四"]


def test_two_heads_or_none_are_warnings_the_clerk_confirms(tmp_path: Path, store: Store) -> None:
    a, b = _id(221, date(1970, 1, 1), Gender.MALE), _id(222, date(1971, 1, 1), Gender.FEMALE)
    c = _id(223, date(1972, 1, 1), Gender.MALE)
    path = _book(
        tmp_path / "heads.xlsx",
        [
            [1, "钱一", a, None, "户主", None, "0301", "北村1号", None, None, None],
            [2, "孙二", b, None, "户主", None, "0301", "北村1号", None, None, None],
            [3, "周三", c, None, "子", None, "0302", "北村2号", None, None, None],
        ],
    )
    preview = read_roster(path, store, today=TODAY)
    assert not preview.rejected
    warned = {r.name: r.warnings for r in preview.warned}
    assert warned["钱一"] == ["同一户有2个户主（第2、3行），请核对与户主关系"]
    assert warned["孙二"] == warned["钱一"]
    assert warned["周三"] == ["该户（第4行）没有户主；如该户已在系统中登记了户主，可以忽略"]


def test_merged_household_cells_far_below_the_header_reach_every_member(
    tmp_path: Path, store: Store
) -> None:
    rows: list[list[Any]] = []
    for n in range(30):  # 30 households of 2: the merges run down past row 22
        rows.append(
            [
                2 * n + 1,
                f"户主{n}",
                _id(300 + 2 * n, date(1970, 1, 1), Gender.MALE),
                None,
                "户主",
                None,
                f"{n:04d}",
                f"南村{n}号",
                None,
                None,
                None,
            ]
        )
        rows.append(
            [
                2 * n + 2,
                f"配偶{n}",
                _id(301 + 2 * n, date(1972, 1, 1), Gender.FEMALE),
                None,
                "妻",
                None,
                None,
                None,
                None,
                None,
                None,
            ]
        )
    path = _book(tmp_path / "merged.xlsx", rows)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    sheet = wb["花名册"]
    for n in range(30):
        top = 2 + 2 * n
        sheet.merge_cells(f"G{top}:G{top + 1}")
        sheet.merge_cells(f"H{top}:H{top + 1}")
    wb.save(path)
    preview = read_roster(path, store, today=TODAY)
    assert not preview.rejected
    assert len({r.household_key for r in preview.accepted}) == 30
    last = preview.accepted[-1]
    assert (last.line, last.household_number, last.address) == (61, "0029", "南村29号")


def test_the_sheet_can_be_chosen_and_a_wrong_one_is_named(tmp_path: Path, store: Store) -> None:
    path = _book(
        tmp_path / "sheets.xlsx",
        [
            [
                1,
                "吴一",
                _id(401, date(1980, 1, 1), Gender.MALE),
                None,
                "户主",
                None,
                "0401",
                "东村4号",
                None,
                None,
                None,
            ]
        ],
        before=["说明", "封面"],
    )
    assert read_roster(path, store, today=TODAY).sheet == "花名册"
    assert read_roster(path, store, today=TODAY, sheet="3").sheet == "花名册"
    with pytest.raises(RosterError, match="未找到表头"):
        read_roster(path, store, today=TODAY, sheet="说明")
    with pytest.raises(RosterError, match="没有工作表“人口”；共有：说明、封面、花名册"):
        read_roster(path, store, today=TODAY, sheet="人口")
    lonely = tmp_path / "none.xlsx"
    wb = Workbook()
    wb.worksheets[0].append(["随便写的"])
    wb.create_sheet("第二页").append(["也没有表头"])
    wb.save(lonely)
    with pytest.raises(RosterError, match="已查看全部 2 个工作表"):
        read_roster(lonely, store, today=TODAY)


def test_existing_household_gets_the_household_tag_from_the_roster(
    tmp_path: Path, store: Store, sample: Sample
) -> None:
    grid = sample.grids["g1"]
    with store.read() as repos:
        home = next(h for h in repos.records.households_of_grid(grid.id) if h.number)
    path = _book(
        tmp_path / "tag.xlsx",
        [
            [
                1,
                "郑新",
                _id(501, date(1990, 2, 2), Gender.MALE),
                None,
                "子",
                None,
                home.number,
                home.address,
                None,
                None,
                "特困户",
            ]
        ],
    )
    preview = read_roster(path, store, today=TODAY)
    assert [r.status for r in preview.rows] == [RowStatus.OK]
    result = import_roster(store, preview, grid_id=grid.id, actor="township01")
    assert result.households_created == 0 and result.ops == 2  # the resident + the tag
    with store.read() as repos:
        again = repos.records.get(Household, home.id)
    assert again is not None and HouseholdTag.EXTREME_POVERTY in again.tags


def test_people_with_other_documents_keep_their_document_type(
    tmp_path: Path, store: Store, sample: Sample
) -> None:
    from gridcore.domain.enums import IdDocumentType

    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.append(["姓名", "证件类型", "证件号码", "性别", "出生日期", "与户主关系", "住址"])
    sheet.append(["张伟", "身份证", _id(801, date(1975, 5, 5), Gender.MALE), None, None, "户主",
                  "东村8号"])  # fmt: skip
    sheet.append(["Anna Müller", "护照", "c 1234 5678", "女", "1980.07", "非亲属", "东村8号"])
    sheet.append(["陈美玲", "港澳居民来往内地通行证", "H12345678", "2", "1990-02-03", "之妻",
                  "东村8号"])  # fmt: skip
    sheet.append(["李四", "驾驶证", "12345678", "男", "1990-01-01", "子", "东村8号"])
    sheet.append(["王五", "护照", "E1", "男", "1990-01-01", "子", "东村8号"])
    path = tmp_path / "docs.xlsx"
    wb.save(path)
    preview = read_roster(path, store, today=TODAY)
    reasons = {r.name: r.reasons for r in preview.rejected}
    assert set(reasons) == {"李四", "王五"}
    assert reasons["李四"][0] == "证件类型“驾驶证”无法识别"
    assert reasons["王五"] == ["证件号码：护照号码应为5—20位字母或数字，填写的是“E1”"]
    rows = {r.name: r for r in preview.accepted}
    anna = rows["Anna Müller"]
    assert (anna.id_type, anna.id_number) == (IdDocumentType.PASSPORT, "C12345678")
    assert (anna.gender, anna.birth_date) == (Gender.FEMALE, date(1980, 7, 1))
    assert anna.population_type is PopulationType.OVERSEAS and not anna.warnings
    assert rows["陈美玲"].id_type is IdDocumentType.HK_MACAO_PERMIT
    assert rows["张伟"].id_type is IdDocumentType.RESIDENT_ID
    import_roster(store, preview, grid_id=sample.grids["g1"].id, actor="township01")
    with store.read() as repos:
        [stored] = repos.records.residents_by_id_number("C12345678")
    assert stored.id_type is IdDocumentType.PASSPORT and stored.name == "Anna Müller"
