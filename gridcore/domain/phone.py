"""Chinese telephone numbers: mobiles, landlines and 400/800 service numbers.

Normalised forms stored in ``Phone.number``:

* mobile: 11 digits, ``13812345678``;
* landline: ``<area code>-<subscriber>``, e.g. ``010-12345678``, ``0755-1234567``, with an
  optional extension written ``转``: ``010-12345678转123``;
* service: ``400-810-8888`` or ``800-820-8820``, optionally with ``转<extension>``.

Area codes are 3 digits for ``010`` and ``020``-``029`` and 4 digits otherwise
(``0311``, ``0917``…).  Landlines must include the area code: without one the same
number means different lines in different counties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from gridcore.domain.textnorm import strip_all_spaces, to_halfwidth

__all__ = ["InvalidPhone", "Phone", "PhoneError", "PhoneKind", "is_valid", "mask", "parse"]

_DIGITS = frozenset("0123456789")
# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus sign,
# small hyphen-minus; the full-width hyphen U+FF0D becomes "-" in to_halfwidth().
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63", "-"))
_EXTENSION_MARK = re.compile(r"转|分机号?|ext(?:ension)?\.?:?", re.IGNORECASE)
_NUMBER_SEPARATORS = frozenset(",;/、|，；")
_MAX_EXTENSION = 6


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    SERVICE = "service"
    """400/800 numbers of companies and public services."""


class PhoneError(StrEnum):
    """Why a text is not a valid phone number (``InvalidPhone.reason``)."""

    EMPTY = "empty"
    CHARACTERS = "characters"
    """A character that cannot be part of a phone number (including several numbers in
    one field)."""
    LENGTH = "length"
    """Wrong number of digits for a mobile, a landline subscriber or a service number."""
    PREFIX = "prefix"
    """Wrong start: mobile not ``1[3-9]``, landline without area code or with an
    impossible one, a foreign country code."""
    EXTENSION = "extension"
    """An extension that is not 1-6 digits, or an extension on a mobile."""


class InvalidPhone(ValueError):
    """Raised by :func:`parse`; ``str(exc)`` is a Chinese message meant for the user."""

    def __init__(self, reason: PhoneError, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __reduce__(self) -> tuple[type[InvalidPhone], tuple[PhoneError, str]]:
        return (type(self), (self.reason, self.message))


@dataclass(frozen=True, slots=True)
class Phone:
    """A valid phone number in normalised form (see the module docstring)."""

    number: str
    kind: PhoneKind


def _show(ch: str) -> str:
    return ch if ch.isprintable() else f"U+{ord(ch):04X}"


def parse(text: str) -> Phone:
    """Validate and normalise a phone number typed or imported by a user.

    Removes all whitespace, converts full-width characters, ignores hyphens, dashes and
    parentheses, and strips a leading ``+86`` or ``0086`` (and a bare ``86`` in front of
    an 11-digit mobile).  An extension may follow ``转``, ``分机``, ``ext`` or a final
    ``-`` (the last one only when the digits before it already form a complete landline or
    service number).  Raises :class:`InvalidPhone`.
    """
    text = strip_all_spaces(to_halfwidth(text)).translate(_DASHES)
    if not text:
        raise InvalidPhone(PhoneError.EMPTY, "电话号码为空，请输入手机号码或带区号的固定电话")

    main, extension = text, None
    mark = _EXTENSION_MARK.search(text)
    if mark is not None:
        main, extension = text[: mark.start()], text[mark.end() :]
        _check_extension(extension, mark.end())

    for position, ch in enumerate(main, start=1):
        if ch in _DIGITS or ch in "-()" or (ch == "+" and not main[: position - 1].strip("(")):
            continue
        if ch in _NUMBER_SEPARATORS:
            raise InvalidPhone(
                PhoneError.CHARACTERS,
                f"含有分隔符“{ch}”（第{position}位），一次只能填写一个电话号码，请分开填写",
            )
        raise InvalidPhone(
            PhoneError.CHARACTERS,
            f"含有无效字符“{_show(ch)}”（第{position}位），电话号码只能包含数字",
        )

    # "010-87654321-123": a final hyphenated group is an extension when the digits before
    # it are already a complete landline or service number.  This is tried first so that
    # "0755-2345678-9" is 0755-2345678 extension 9 rather than 0755-23456789: nobody splits
    # off the last digit of a subscriber number, while "010-8765-4321" (the head is not a
    # complete number) still reads as 010-87654321.
    head, dash, tail = main.rpartition("-")
    if (
        extension is None
        and dash
        and head
        and 1 <= len(tail) <= _MAX_EXTENSION
        and _DIGITS.issuperset(tail)
    ):
        try:
            return _parse_main(head, tail)
        except InvalidPhone:
            pass  # e.g. a mobile (no extensions) or an incomplete head: use all the digits
    return _parse_main(main, extension)


def _check_extension(extension: str, offset: int) -> None:
    if not extension:
        raise InvalidPhone(PhoneError.EXTENSION, "分机号为空，请在“转”后填写分机号或删除“转”")
    for position, ch in enumerate(extension, start=offset + 1):
        if ch not in _DIGITS:
            raise InvalidPhone(
                PhoneError.EXTENSION,
                f"分机号含有无效字符“{_show(ch)}”（第{position}位），分机号只能是数字",
            )
    if len(extension) > _MAX_EXTENSION:
        raise InvalidPhone(
            PhoneError.EXTENSION,
            f"分机号应为1-{_MAX_EXTENSION}位数字，当前为{len(extension)}位",
        )


def _parse_main(main: str, extension: str | None) -> Phone:
    digits = main.replace("-", "").replace("(", "").replace(")", "")
    if not digits.lstrip("+"):
        raise InvalidPhone(PhoneError.EMPTY, "电话号码为空，请输入手机号码或带区号的固定电话")

    country_code = False
    if digits.startswith("+"):
        if not digits.startswith("+86"):
            raise InvalidPhone(
                PhoneError.PREFIX, "不支持境外电话号码，请填写中国大陆的手机号码或固定电话"
            )
        digits, country_code = digits[3:], True
    elif digits.startswith("0086"):
        digits, country_code = digits[4:], True
    elif digits.startswith("00"):
        raise InvalidPhone(
            PhoneError.PREFIX, "不支持境外电话号码，请填写中国大陆的手机号码或固定电话"
        )
    elif len(digits) == 13 and re.fullmatch(r"861[3-9]\d{9}", digits):
        digits = digits[2:]
    if country_code and re.match(r"10|[2-9]", digits) and not _is_service(digits):
        digits = "0" + digits  # "+86 10 12345678": the area code is written without its 0

    suffix = f"转{extension}" if extension else ""
    if digits.startswith("1"):
        return _mobile(digits, extension)
    if digits.startswith("0"):
        return Phone(_landline(digits) + suffix, PhoneKind.LANDLINE)
    if _is_service(digits):
        return Phone(f"{digits[:3]}-{digits[3:6]}-{digits[6:]}{suffix}", PhoneKind.SERVICE)
    if 7 <= len(digits) <= 8:
        raise InvalidPhone(
            PhoneError.PREFIX,
            f"固定电话缺少区号，请在“{digits}”前加上区号（以0开头，如010、0917）",
        )
    if digits[:3] in ("400", "800"):
        raise InvalidPhone(
            PhoneError.LENGTH, f"400/800服务号码应为10位，当前为{len(digits)}位，请核对"
        )
    raise InvalidPhone(
        PhoneError.PREFIX,
        "无法识别的电话号码：手机号码应以1开头（11位），固定电话应以区号开头（如010-12345678）",
    )


def _is_service(digits: str) -> bool:
    return len(digits) == 10 and digits[:3] in ("400", "800")


def _mobile(digits: str, extension: str | None) -> Phone:
    if len(digits) != 11:
        raise InvalidPhone(
            PhoneError.LENGTH,
            f"手机号码应为11位，当前为{len(digits)}位，请核对是否漏输或多输",
        )
    if digits[1] not in "3456789":
        raise InvalidPhone(
            PhoneError.PREFIX,
            f"手机号码第2位应为3-9，当前为{digits[1]}，请核对号码",
        )
    if extension is not None:
        raise InvalidPhone(PhoneError.EXTENSION, "手机号码不能带分机号，请删除分机号")
    return Phone(digits, PhoneKind.MOBILE)


def _landline(digits: str) -> str:
    """``<area>-<subscriber>`` for digits starting with the trunk prefix 0."""
    if digits.startswith("00"):
        raise InvalidPhone(
            PhoneError.PREFIX, "不支持境外电话号码，请填写中国大陆的手机号码或固定电话"
        )
    if digits.startswith("01") and not digits.startswith("010"):
        hint = (
            "；如为手机号码，请去掉开头的0"
            if re.fullmatch(r"01[3-9]\d{9}", digits)
            else "，请核对区号"
        )
        raise InvalidPhone(PhoneError.PREFIX, f"区号无效：以01开头的区号只有010（北京）{hint}")
    area_length = 3 if digits.startswith(("010", "02")) else 4
    area, subscriber = digits[:area_length], digits[area_length:]
    if not 7 <= len(subscriber) <= 8:
        raise InvalidPhone(
            PhoneError.LENGTH,
            f"区号{area}后的电话号码应为7-8位，当前为{len(subscriber)}位，请核对",
        )
    if subscriber[0] in "01":
        raise InvalidPhone(
            PhoneError.PREFIX,
            f"区号{area}后的电话号码不能以{subscriber[0]}开头，请核对区号和号码",
        )
    return f"{area}-{subscriber}"


def is_valid(text: str) -> bool:
    """True if :func:`parse` accepts ``text``."""
    try:
        parse(text)
    except InvalidPhone:
        return False
    return True


def mask(number: str) -> str:
    """Mask a phone number for display (PIPL: masked unless the role allows).

    * mobile: first 3 and last 4 digits, ``138****5678``;
    * landline: area code and the last 2 digits of the subscriber number, extension kept:
      ``010-******78``, ``0755-*****67转123``;
    * 400/800 service numbers belong to organisations and are returned unmasked;
    * anything :func:`parse` rejects: every character but the last 2 (after removing
      spaces) becomes ``*``.

    The input is normalised with :func:`parse` first, so ``+86 138 1234 5678`` is masked
    as ``138****5678``.
    """
    try:
        phone = parse(number)
    except InvalidPhone:
        text = strip_all_spaces(to_halfwidth(number))
        if len(text) <= 2:
            return "*" * len(text)
        return "*" * (len(text) - 2) + text[-2:]
    if phone.kind is PhoneKind.MOBILE:
        return phone.number[:3] + "****" + phone.number[-4:]
    if phone.kind is PhoneKind.LANDLINE:
        area, _, rest = phone.number.partition("-")
        subscriber, mark, extension = rest.partition("转")
        return f"{area}-{'*' * (len(subscriber) - 2)}{subscriber[-2:]}{mark}{extension}"
    return phone.number
