"""Citizen identity numbers (公民身份号码, GB 11643-1999).

An 18-character number is::

    AAAAAA YYYYMMDD SSS C
    │      │        │   └ position 18: check character, ISO 7064 MOD 11-2 ("0"-"9" or "X")
    │      │        └──── positions 15-17: sequence; position 17 odd = male, even = female
    │      └───────────── positions 7-14: date of birth
    └──────────────────── positions 1-6: area code (GB/T 2260) where the number was issued

Legacy 15-digit numbers (issued before 1999) have a 2-digit year and no check character;
:func:`parse` converts them to the 18-character form by inserting ``19`` before the year
and computing the check character.

Area codes are deliberately not validated beyond "digits, first digit not 0": counties are
merged and renumbered all the time, but people keep the number they were issued.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from gridcore.domain.gender import Gender
from gridcore.domain.textnorm import strip_all_spaces, to_halfwidth

__all__ = [
    "IdNumber",
    "IdNumberError",
    "InvalidIdNumber",
    "check_character",
    "is_valid",
    "mask",
    "mismatch",
    "parse",
]

WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_DATE = datetime.date(1800, 1, 1)

_DIGITS = frozenset("0123456789")  # not str.isdigit(): that also accepts "²", "٣", "५"


class IdNumberError(StrEnum):
    """Why a text is not a valid identity number (``InvalidIdNumber.reason``)."""

    EMPTY = "empty"
    """Nothing but whitespace."""
    LENGTH = "length"
    """Not 18 (or legacy 15) characters after removing spaces."""
    CHARACTERS = "characters"
    """A character other than a digit, an ``X`` anywhere but the last of 18 positions, or
    a first digit ``0`` (no area code starts with 0)."""
    DATE = "date"
    """The birth-date digits are not a real date, or it is in the future or before 1800."""
    CHECK = "check"
    """The check character does not match the first 17 digits."""


class InvalidIdNumber(ValueError):
    """Raised by :func:`parse`; ``str(exc)`` is a Chinese message meant for the user."""

    def __init__(self, reason: IdNumberError, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __reduce__(self) -> tuple[type[InvalidIdNumber], tuple[IdNumberError, str]]:
        # The default reduce would call InvalidIdNumber(message) and fail on unpickling
        # (e.g. when an import runs in a worker process).
        return (type(self), (self.reason, self.message))


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A valid identity number in its 18-character form, with what it says about the person.

    Build it with :func:`parse`; ``number`` always uses an upper-case ``X``.
    """

    number: str
    birth_date: datetime.date
    gender: Gender

    def __repr__(self) -> str:
        # Masked so that a logged object never leaks the number (no personal data in logs).
        return f"IdNumber({mask(self.number)!r}, {self.gender.value})"


def check_character(first17: str) -> str:
    """The GB 11643 check character ("0"-"9" or "X") for 17 ASCII digits.

    ``S = Σ dᵢ·Wᵢ`` with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 and the check
    character is ``"10X98765432"[S mod 11]``.  Raises ``ValueError`` for anything that is
    not exactly 17 ASCII digits (this is a programming error, not user input).
    """
    if len(first17) != 17 or not _DIGITS.issuperset(first17):
        raise ValueError(f"expected 17 ASCII digits, got {len(first17)} characters")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def _normalise(text: str) -> str:
    return strip_all_spaces(to_halfwidth(text))


def _show(ch: str) -> str:
    return ch if ch.isprintable() else f"U+{ord(ch):04X}"


def parse(text: str, *, today: datetime.date | None = None) -> IdNumber:
    """Validate an identity number typed or imported by a user.

    Accepts surrounding and inner whitespace (ASCII, full-width U+3000, NBSP, zero-width
    characters), full-width digits ``０``-``９`` and ``Ｘ``/``ｘ``, and a lower-case ``x``.
    A 15-digit legacy number is converted to 18 characters.  ``today`` (default:
    ``datetime.date.today()``) bounds the birth date; the earliest accepted is 1800-01-01.

    Raises :class:`InvalidIdNumber` with the first problem found, checked in this order:
    empty, invalid characters, length, position of ``X`` / leading ``0``, birth date,
    check character.
    """
    number = _normalise(text)
    if not number:
        raise InvalidIdNumber(IdNumberError.EMPTY, "身份证号码为空，请输入18位身份证号码")

    for position, ch in enumerate(number, start=1):
        if ch not in _DIGITS and ch not in "Xx":
            raise InvalidIdNumber(
                IdNumberError.CHARACTERS,
                f"含有无效字符“{_show(ch)}”（第{position}位），身份证号码只能由数字和末位的X组成",
            )

    length = len(number)
    if length not in (15, 18):
        raise InvalidIdNumber(
            IdNumberError.LENGTH,
            f"身份证号码应为18位（或15位旧号码），当前为{length}位，请核对是否漏输或多输",
        )

    number = number.upper()
    if length == 15 and "X" in number:
        raise InvalidIdNumber(
            IdNumberError.CHARACTERS,
            f"含有无效字符“X”（第{number.index('X') + 1}位），15位旧身份证号码只能由数字组成",
        )
    if "X" in number[:-1]:
        raise InvalidIdNumber(
            IdNumberError.CHARACTERS,
            f"含有无效字符“X”（第{number.index('X') + 1}位），X只能出现在最后一位（第18位）",
        )
    if number[0] == "0":
        raise InvalidIdNumber(
            IdNumberError.CHARACTERS,
            "第1位不能为0：前6位是地址码，第1位应为1-9，请核对号码",
        )

    if length == 15:
        year, month, day, positions = "19" + number[6:8], number[8:10], number[10:12], "7-12"
    else:
        year, month, day, positions = number[6:10], number[10:12], number[12:14], "7-14"
    birth_date = _birth_date(year, month, day, positions, today or datetime.date.today())

    if length == 15:
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_character(first17)
    else:
        expected = check_character(number[:17])
        if number[17] != expected:
            raise InvalidIdNumber(
                IdNumberError.CHECK,
                f"校验位错误：最后一位应为{expected}，实际为{number[17]}，请核对号码"
                "（前17位中任何一位录错也会导致校验位不符）",
            )

    gender = Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE
    return IdNumber(number=number, birth_date=birth_date, gender=gender)


def _birth_date(
    year: str, month: str, day: str, positions: str, today: datetime.date
) -> datetime.date:
    shown = f"{year}年{month}月{day}日"
    prefix = f"第{positions}位出生日期无效：{shown}"
    if int(year) < EARLIEST_BIRTH_DATE.year:
        raise InvalidIdNumber(IdNumberError.DATE, f"{prefix}早于1800年，请核对号码")
    try:
        born = datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidIdNumber(IdNumberError.DATE, f"{prefix}不存在，请核对号码") from None
    if born > today:
        raise InvalidIdNumber(IdNumberError.DATE, f"{prefix}晚于今天，请核对号码")
    return born


def is_valid(text: str, *, today: datetime.date | None = None) -> bool:
    """True if :func:`parse` accepts ``text``."""
    try:
        parse(text, today=today)
    except InvalidIdNumber:
        return False
    return True


def mask(number: str) -> str:
    """Mask an identity number for display (PIPL: masked unless the role allows).

    Keeps the first 6 characters (the area code, useful to tell counties apart) and the
    last 4 (to tell people apart in a list) and replaces the 8 birth-date digits with
    ``*``: ``11010519491231002X`` → ``110105********002X``.  A stored 15-digit legacy
    number keeps its first 6 and last 3 (``110105******002``), again hiding exactly the
    birth date.  Spaces and full-width characters are normalised first and ``x`` is shown
    as ``X``.  Anything that is not 15 or 18 characters is masked completely, since it may
    be a real number with a typo.  The function does not validate the number.
    """
    text = _normalise(number).upper()
    if len(text) == 18:
        return text[:6] + "*" * 8 + text[14:]
    if len(text) == 15:
        return text[:6] + "*" * 6 + text[12:]
    return "*" * len(text)


def mismatch(
    parsed: IdNumber,
    birth_date: datetime.date | None = None,
    gender: Gender | None = None,
) -> list[str]:
    """Chinese messages for typed values that disagree with the identity number.

    ``birth_date`` and ``gender`` are what the user typed or imported; ``None`` means not
    given and is not compared.  A ``datetime`` is compared by its date.  Returns an empty
    list when everything agrees.
    """
    problems: list[str] = []
    if birth_date is not None:
        if isinstance(birth_date, datetime.datetime):
            birth_date = birth_date.date()
        if birth_date != parsed.birth_date:
            problems.append(
                f"出生日期与身份证号码不符：身份证号码中为{_chinese_date(parsed.birth_date)}，"
                f"填写的是{_chinese_date(birth_date)}，请核对"
            )
    if gender is not None and gender != parsed.gender:
        problems.append(
            f"性别与身份证号码不符：身份证号码中为{parsed.gender.label}，"
            f"填写的是{gender.label}，请核对"
        )
    return problems


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year:04d}年{day.month:02d}月{day.day:02d}日"
