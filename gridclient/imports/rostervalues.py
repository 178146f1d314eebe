"""How the cells of a real roster are read: the forms clerks, village accountants and the
police register's exports actually use (no Qt, no I/O).

Each reader takes one cell's value and returns what it means, or raises
:class:`CellProblem` with a Chinese message that says what to change. Values a field may
hold in more than one form are all accepted:

* **dates of birth**: a date cell, an Excel serial, ``1987-05-12``, ``1987年5月12日``,
  ``19870512``; and year-month only — ``1987.05``, ``1987-5``, ``198705``, ``1987年5月``,
  the number ``1985.03`` — kept as that month (:class:`Birth` ``.month_only``). The one
  form that cannot be read is the *number* ``1985.1``: Excel stores ``1985.10`` typed into
  a number cell as ``1985.1``, so January and October look the same;
* **phones**: ``无``, ``—``, ``/`` and the like mean none; a remark in brackets
  (``13891234567(微信同号)``) and second numbers (``138…/139…``) are kept as notes;
* **与户主关系** by its name, its GB/T 4761-2008 name (``之妻``, ``儿媳妇``, ``侄子``,
  ``外甥女``) or its two-digit code; the relations the domain has no value for (侄子,
  嫂) become 其他亲属 and their exact words are kept in the notes;
* **性别** ``男/女``, ``男性``, ``M/F`` or the GB/T 2261.1 codes ``1/2`` (``0/9``: not
  stated);
* **民族** by name, short name (``汉``) or GB/T 3304 code (``01`` … ``56``, ``97``, ``98``);
* **人员类别**: a list of groups (``党员、残疾人``), each a special-group tag, a
  population type (``流动人口``, ``未落户``) or a household tag (``低保户``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from gridcore.domain import phone as phones
from gridcore.domain.enums import Gender, HouseholdTag, PopulationType, Relation, SpecialGroup
from gridcore.domain.textnorm import strip_all_spaces, to_halfwidth

__all__ = [
    "ETHNICITIES",
    "Birth",
    "Categories",
    "CellProblem",
    "PhoneValue",
    "RelationValue",
    "birth_value",
    "categories_value",
    "ethnicity_value",
    "gender_value",
    "is_footer",
    "phone_value",
    "relation_value",
]


class CellProblem(ValueError):
    """The cell cannot be read; ``str()`` is a Chinese message naming the value."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _squeeze(text: str) -> str:
    return strip_all_spaces(to_halfwidth(text))


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ----------------------------------------------------------------------- dates


@dataclass(frozen=True, slots=True)
class Birth:
    day: date
    """The date; the 1st of the month when only the month is known."""
    month_only: bool = False

    @property
    def chinese(self) -> str:
        if self.month_only:
            return f"{self.day.year}年{self.day.month}月"
        return f"{self.day.year}年{self.day.month}月{self.day.day}日"


_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_LAST = 2958466  # 9999-12-31
_YEARS = range(1880, 2101)
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
_MONTH_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_YEAR_ONLY = re.compile(r"^(\d{4})年?$")
_UNREADABLE_DATE = "出生日期“{shown}”无法识别，请写成2020-01-02、2020年1月2日或年月（如1987.05）"


def _month(year: int, month: int, shown: str) -> Birth:
    if year not in _YEARS or not 1 <= month <= 12:
        raise CellProblem(_UNREADABLE_DATE.format(shown=shown))
    return Birth(date(year, month, 1), month_only=True)


def _full(year: int, month: int, day: int, shown: str) -> Birth:
    try:
        return Birth(date(year, month, day))
    except ValueError:
        raise CellProblem(f"出生日期“{shown}”不是有效的日期") from None


def birth_value(value: Any) -> Birth | None:
    """A date of birth, or ``None`` for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return Birth(value.date())
    if isinstance(value, date):
        return Birth(value)
    shown = _shown(value)
    if isinstance(value, bool):
        raise CellProblem(_UNREADABLE_DATE.format(shown=shown))
    if isinstance(value, int | float):
        return _number_birth(value, shown)
    text = _squeeze(str(value))
    if match := _DATE_TEXT.match(text) or _DATE_COMPACT.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _full(year, month, day, shown)
    if match := _MONTH_TEXT.match(text) or _MONTH_COMPACT.match(text):
        return _month(int(match.group(1)), int(match.group(2)), shown)
    if _YEAR_ONLY.match(text):
        raise CellProblem(f"出生日期“{shown}”只有年份，请至少写到年月（如1987.05）")
    raise CellProblem(_UNREADABLE_DATE.format(shown=shown))


def _number_birth(value: float, shown: str) -> Birth:
    whole = int(value)
    if not float(value).is_integer():
        if whole in _YEARS:  # 1985.03: a year-month typed into a number cell
            decimals = repr(float(value)).split(".")[1]
            if decimals == "1":
                raise CellProblem(
                    f"出生年月“{shown}”分不清是1月还是10月（Excel把数字1985.10存成了1985.1），"
                    "请把该列设为文本格式后写成1985.01或1985.10"
                )
            return _month(whole, int(decimals[:2].ljust(2, "0")), shown)
        if 1 <= value < _EXCEL_LAST:  # a serial with a time of day
            return Birth(_EXCEL_EPOCH + timedelta(days=whole))
        raise CellProblem(_UNREADABLE_DATE.format(shown=shown))
    if whole in _YEARS:
        raise CellProblem(f"出生日期“{shown}”只有年份，请至少写到年月（如1987.05）")
    if 188001 <= whole <= 210012:
        return _month(whole // 100, whole % 100, shown)
    if 18800101 <= whole <= 21001231:
        return _full(whole // 10000, whole // 100 % 100, whole % 100, shown)
    if 1 <= whole < _EXCEL_LAST:
        return Birth(_EXCEL_EPOCH + timedelta(days=whole))
    raise CellProblem(_UNREADABLE_DATE.format(shown=shown))


# ----------------------------------------------------------------------- phones

#: What a clerk writes for "no phone".
_NO_PHONE = frozenset(
    {"无", "没有", "暂无", "空", "无电话", "无手机", "不详", "未知", "/", "\\", "-", "--", "—",
     "——", "－", "_", "0", "NA", "N/A", "NULL", "×", "X", "x", "…", "...", "。"}
)  # fmt: skip
_REMARK = re.compile(r"[(（\[【]([^)）\]】]*)[)）\]】]")
_SEPARATORS = re.compile(r"[/、,，;；\s]+|或")


@dataclass(frozen=True, slots=True)
class PhoneValue:
    number: str
    """The first number, normalised; "" for none."""
    notes: tuple[str, ...] = ()
    """Remarks and further numbers, for the person's notes."""


def phone_value(value: Any) -> PhoneValue:
    """The phone in a cell; raises :class:`CellProblem` when no number in it is valid."""
    if value is None:
        return PhoneValue("")
    text = to_halfwidth(_shown(value)).strip()
    if not text or strip_all_spaces(text).upper() in _NO_PHONE:
        return PhoneValue("")
    remarks = [r.strip() for r in _REMARK.findall(text) if r.strip()]
    bare = _REMARK.sub(" ", text).strip()
    numbers: list[str] = []
    if strip_all_spaces(bare).upper() not in _NO_PHONE:
        try:  # one number, perhaps written with spaces: 138 0013 8000
            numbers = [phones.parse(strip_all_spaces(bare)).number]
        except phones.InvalidPhone as exc:
            parts = [p for p in _SEPARATORS.split(bare) if p and p.upper() not in _NO_PHONE]
            if len(parts) <= 1:
                raise CellProblem(f"联系电话：{exc.message}") from None
            for part in parts:
                try:
                    numbers.append(phones.parse(part).number)
                except phones.InvalidPhone as bad:
                    raise CellProblem(f"联系电话“{text}”中的“{part}”：{bad.message}") from None
    if not numbers:
        return PhoneValue("", tuple(f"电话备注：{r}" for r in remarks))
    notes = [f"电话备注：{r}" for r in remarks]
    if len(numbers) > 1:
        notes.append("其他电话：" + "、".join(numbers[1:]))
    return PhoneValue(numbers[0], tuple(notes))


# ----------------------------------------------------------------------- relations

_R = Relation
_RELATIONS: Mapping[str, Relation] = {
    **{t: _R.HEAD for t in ("户主", "本人", "户主本人")},
    **{t: _R.SPOUSE for t in ("配偶", "妻", "妻子", "夫", "丈夫", "夫妻", "老伴", "爱人")},
    **{
        t: _R.SON
        for t in ("子", "儿子", "长子", "次子", "三子", "四子", "五子", "独子", "独生子",
                  "养子", "继子", "养子或继子", "其他儿子")
    },
    **{
        t: _R.DAUGHTER
        for t in ("女", "女儿", "长女", "次女", "三女", "四女", "五女", "独女", "独生女",
                  "养女", "继女", "养女或继女", "其他女儿")
    },
    **{
        t: _R.PARENT
        for t in ("父亲", "母亲", "父母", "父", "母", "继父", "继母", "养父", "养母",
                  "继父或养父", "继母或养母", "其他父母关系")
    },
    **{
        t: _R.PARENT_IN_LAW
        for t in ("公公", "婆婆", "岳父", "岳母", "公婆", "岳父母", "公婆/岳父母")
    },
    **{t: _R.CHILD_IN_LAW for t in ("儿媳", "儿媳妇", "媳妇", "女婿", "儿媳/女婿")},
    **{
        t: _R.GRANDCHILD
        for t in ("孙子", "孙女", "外孙", "外孙子", "外孙女", "孙子女", "孙子女/外孙子女",
                  "孙子、孙女或外孙子、外孙女")
    },
    **{
        t: _R.GRANDPARENT
        for t in ("祖父", "祖母", "外祖父", "外祖母", "祖父母", "祖父母/外祖父母",
                  "祖父母或外祖父母", "爷爷", "奶奶", "外公", "外婆", "姥爷", "姥姥")
    },
    **{
        t: _R.SIBLING
        for t in ("兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹",
                  "兄弟姐妹")
    },
    **{t: _R.TENANT for t in ("租住人员", "租户", "租客", "承租人", "租房户")},
    **{t: _R.OTHER for t in ("其他", "非亲属", "保姆", "雇员", "同住人")},
}  # fmt: skip

#: GB/T 4761-2008 relations the domain keeps as 其他亲属 (the exact word goes to the notes).
_OTHER_RELATIVES = frozenset(
    _words(
        "其他亲属 亲属 孙媳妇 孙女婿 外孙媳妇 外孙女婿 孙媳妇或外孙媳妇 "
        "孙女婿或外孙女婿 曾孙子 曾孙女 外曾孙子 外曾孙女 曾孙子或外曾孙子 "
        "曾孙女或外曾孙女 其他孙子、孙女或外孙子、外孙女 曾祖父 曾祖母 曾外祖父 "
        "曾外祖母 其他祖父母或外祖父母关系 嫂 嫂子 弟媳 弟媳妇 姐夫 妹夫 "
        "其他兄弟姐妹 伯父 伯母 叔父 叔叔 婶母 婶婶 舅父 舅舅 舅母 姨父 姨母 "
        "姨妈 姑父 姑母 姑姑 堂兄弟 堂姐妹 堂兄弟、堂姐妹 表兄弟 表姐妹 "
        "表兄弟、表姐妹 侄子 侄女 外甥 外甥女 其他亲属关系 "
    )
)

#: GB/T 4761-2008 家庭关系代码.
_RELATION_CODES: Mapping[int, str] = {
    1: "本人", 2: "户主", 10: "配偶", 11: "夫", 12: "妻", 20: "子", 21: "独生子", 22: "长子",
    23: "次子", 24: "三子", 25: "四子", 26: "五子", 27: "养子或继子", 28: "女婿", 29: "其他儿子",
    30: "女", 31: "独生女", 32: "长女", 33: "次女", 34: "三女", 35: "四女", 36: "五女",
    37: "养女或继女", 38: "儿媳", 39: "其他女儿", 40: "孙子、孙女或外孙子、外孙女", 41: "孙子",
    42: "孙女", 43: "外孙子", 44: "外孙女", 45: "孙媳妇或外孙媳妇", 46: "孙女婿或外孙女婿",
    47: "曾孙子或外曾孙子", 48: "曾孙女或外曾孙女", 49: "其他孙子、孙女或外孙子、外孙女",
    50: "父母",
    51: "父亲", 52: "母亲", 53: "公公", 54: "婆婆", 55: "岳父", 56: "岳母", 57: "继父或养父",
    58: "继母或养母", 59: "其他父母关系", 60: "祖父母或外祖父母", 61: "祖父", 62: "祖母",
    63: "外祖父", 64: "外祖母", 65: "配偶的祖父母或外祖父母", 66: "曾祖父", 67: "曾祖母",
    68: "配偶的曾祖父母或外曾祖父母", 69: "其他祖父母或外祖父母关系", 70: "兄弟姐妹", 71: "兄",
    72: "嫂", 73: "弟", 74: "弟媳", 75: "姐姐", 76: "姐夫", 77: "妹妹", 78: "妹夫",
    79: "其他兄弟姐妹", 80: "其他", 81: "伯父", 82: "伯母", 83: "叔父", 84: "婶母", 85: "舅父",
    86: "舅母", 87: "姨父", 88: "姨母", 89: "姑父", 90: "姑母", 91: "堂兄弟、堂姐妹",
    92: "表兄弟、表姐妹", 93: "侄子", 94: "侄女", 95: "外甥", 96: "外甥女", 97: "其他亲属",
    99: "非亲属",
}  # fmt: skip
_OF_HEAD = re.compile(r"^(?:系户主之|系户主的|户主之|户主的|系户主|户主|系|之)(?=.)")


@dataclass(frozen=True, slots=True)
class RelationValue:
    relation: Relation
    exact: str = ""
    """The word as written when :attr:`relation` is only its nearest value (侄子 → 其他亲属)."""


def relation_value(value: Any) -> RelationValue | None:
    """The relation to the head, ``None`` for an empty cell."""
    if value is None:
        return None
    text = _squeeze(_shown(value))
    if not text:
        return None
    word = _RELATION_CODES.get(int(text)) if text.isdigit() else None
    if word is None:
        word = _OF_HEAD.sub("", text) if text not in _RELATIONS else text
    if word.startswith("配偶的") and word != "配偶":
        return RelationValue(_R.OTHER_RELATIVE, word)
    relation = _RELATIONS.get(word)
    if relation is not None:
        return RelationValue(relation)
    if word in _OTHER_RELATIVES or word.endswith("亲属"):
        return RelationValue(_R.OTHER_RELATIVE, "" if word in ("其他亲属", "亲属") else word)
    raise CellProblem(f"与户主关系“{_shown(value)}”无法识别")


# ----------------------------------------------------------------------- gender, ethnicity

_GENDERS: Mapping[str, Gender | None] = {
    "男": Gender.MALE, "男性": Gender.MALE, "M": Gender.MALE, "MALE": Gender.MALE,
    "1": Gender.MALE, "女": Gender.FEMALE, "女性": Gender.FEMALE, "F": Gender.FEMALE,
    "FEMALE": Gender.FEMALE, "2": Gender.FEMALE, "0": None, "9": None, "未知": None,
    "未说明": None, "未知的性别": None, "未说明的性别": None,
}  # fmt: skip


def gender_value(value: Any) -> Gender | None:
    """The gender written, ``None`` when empty or stated as unknown (GB/T 2261.1 0/9)."""
    if value is None:
        return None
    text = _squeeze(_shown(value)).upper()
    if not text:
        return None
    if text in _GENDERS:
        return _GENDERS[text]
    raise CellProblem(f"性别“{_shown(value)}”无法识别，应为男或女（或代码1、2）")


#: GB/T 3304-1991, in code order: ETHNICITIES[0] is code 01.
ETHNICITIES = _words(
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 "
    "瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 "
    "拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 "
    "布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 "
    "乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 "
)
_OTHER_ETHNICITIES = {97: "其他", 98: "外国血统中国籍人士"}


def ethnicity_value(value: Any) -> str:
    """The ethnicity's name (汉族 when empty)."""
    if value is None:
        return "汉族"
    text = _squeeze(_shown(value))
    if not text:
        return "汉族"
    if text.isdigit():
        code = int(text)
        if 1 <= code <= len(ETHNICITIES):
            return ETHNICITIES[code - 1]
        if code in _OTHER_ETHNICITIES:
            return _OTHER_ETHNICITIES[code]
        raise CellProblem(f"民族代码“{text}”无法识别（应为01—56、97或98）")
    if not text.endswith("族") and len(text) <= 3 and text + "族" in ETHNICITIES:
        return text + "族"
    return text


# ----------------------------------------------------------------------- 人员类别

_GROUP_WORDS: Mapping[str, SpecialGroup] = {
    **{g.label: g for g in SpecialGroup},
    "中共党员": SpecialGroup.PARTY_MEMBER,
    "共产党员": SpecialGroup.PARTY_MEMBER,
    "预备党员": SpecialGroup.PARTY_MEMBER,
    "残疾": SpecialGroup.DISABLED,
    "持证残疾人": SpecialGroup.DISABLED,
    "退伍军人": SpecialGroup.VETERAN,
    "复员军人": SpecialGroup.VETERAN,
    "军属": SpecialGroup.VETERAN_FAMILY,
    "烈属": SpecialGroup.VETERAN_FAMILY,
    "独居": SpecialGroup.ELDER_LIVING_ALONE,
    "空巢": SpecialGroup.EMPTY_NEST_ELDER,
    "孤寡": SpecialGroup.CHILDLESS_ELDER,
    "精神障碍患者": SpecialGroup.SEVERE_MENTAL_ILLNESS,
    "社区矫正人员": SpecialGroup.COMMUNITY_CORRECTION,
    "社区服刑人员": SpecialGroup.COMMUNITY_CORRECTION,
    "刑释人员": SpecialGroup.RELEASED_PRISONER,
    "吸毒": SpecialGroup.DRUG_USER,
    "信访人员": SpecialGroup.PETITION_KEY_PERSON,
}
#: Words that are the person's age (computed from the birth date, never stored).
_AGE_WORDS = frozenset({"老年人", "老人", "高龄老人", "高龄", "60岁以上", "80岁以上", "90岁以上"})
_POPULATION_WORDS: Mapping[str, PopulationType] = {
    **{p.label: p for p in PopulationType},
    "户籍": PopulationType.REGISTERED,
    "常住人口": PopulationType.REGISTERED,
    "流动": PopulationType.FLOATING,
    "外来人口": PopulationType.FLOATING,
    "境外": PopulationType.OVERSEAS,
    "外籍人员": PopulationType.OVERSEAS,
    "未落户": PopulationType.UNREGISTERED,
    "无户籍": PopulationType.UNREGISTERED,
    "黑户": PopulationType.UNREGISTERED,
}
_HOUSEHOLD_WORDS: Mapping[str, HouseholdTag] = {
    **{t.label: t for t in HouseholdTag},
    "低保": HouseholdTag.MINIMUM_LIVING,
    "低保户": HouseholdTag.MINIMUM_LIVING,
    "低保对象": HouseholdTag.MINIMUM_LIVING,
    "特困": HouseholdTag.EXTREME_POVERTY,
    "特困户": HouseholdTag.EXTREME_POVERTY,
    "特困人员": HouseholdTag.EXTREME_POVERTY,
    "五保户": HouseholdTag.EXTREME_POVERTY,
    "临时救助": HouseholdTag.TEMPORARY_ASSISTANCE,
}
_LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")


@dataclass(slots=True)
class Categories:
    groups: set[SpecialGroup] = field(default_factory=set)
    population: PopulationType | None = None
    household: set[HouseholdTag] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)


def categories_value(value: Any) -> Categories:
    """The 人员类别 cell: every word placed, the words that mean nothing here listed."""
    found = Categories()
    if value is None:
        return found
    for word in _LIST_SEPARATORS.split(to_halfwidth(_shown(value))):
        word = word.strip()
        if not word or word in ("无", "一般", "一般人员", "普通", "-", "—"):
            continue
        if word in _GROUP_WORDS:
            found.groups.add(_GROUP_WORDS[word])
        elif word in _POPULATION_WORDS:
            found.population = _POPULATION_WORDS[word]
        elif word in _HOUSEHOLD_WORDS:
            found.household.add(_HOUSEHOLD_WORDS[word])
        elif word in _AGE_WORDS:
            continue
        else:
            found.unknown.append(word)
    return found


# ----------------------------------------------------------------------- footer rows

_FOOTER_WORDS = (
    "合计", "总计", "小计", "共计", "制表人", "制表", "填表人", "填报人", "审核人", "审核",
    "负责人", "统计人", "经办人", "制表日期", "填报日期", "填表日期", "填报单位", "说明", "备注:",
    "注:",
)  # fmt: skip


_LOOKS_LIKE_ID = re.compile(r"^[0-9Xx*]{6,}$")


def is_footer(raw: tuple[Any, ...], id_cell: Any) -> bool:
    """A 合计 / 制表人 / 审核 line under the table: nothing like an ID number in the ID
    column, and its first text starts with one of those words."""
    if id_cell is not None and _LOOKS_LIKE_ID.match(_squeeze(_shown(id_cell))):
        return False
    for cell in raw:
        if cell is None:
            continue
        text = _squeeze(_shown(cell))
        if not text:
            continue
        if text.isdigit():  # a 序号 before the words
            continue
        return text.startswith(_FOOTER_WORDS)
    return False
