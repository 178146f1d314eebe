"""Tests for gridcore.domain.phone."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridcore.domain.phone import (
    InvalidPhone,
    Phone,
    PhoneError,
    PhoneKind,
    is_valid,
    mask,
    parse,
)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def reason_of(text: str) -> tuple[PhoneError, str]:
    with pytest.raises(InvalidPhone) as info:
        parse(text)
    return info.value.reason, str(info.value)


# --- mobiles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        " 13812345678 ",
        "138 1234 5678",
        "138-1234-5678",
        "138－1234－5678",
        "138—1234—5678",
        "１３８１２３４５６７８",
        "１３８　１２３４　５６７８",
        "+8613812345678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "(+86)13812345678",
        "（+86）13812345678",
        "＋８６　１３８１２３４５６７８",
        "0086 13812345678",
        "8613812345678",
        "\ufeff13812345678\u200b",
    ],
)
def test_mobile_formats(text: str) -> None:
    assert parse(text) == Phone("13812345678", PhoneKind.MOBILE)


@pytest.mark.parametrize("prefix", [f"1{d}" for d in "3456789"])
def test_every_mobile_prefix(prefix: str) -> None:
    assert parse(f"{prefix}912345678").kind is PhoneKind.MOBILE


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_generated_mobiles_round_trip(number: str) -> None:
    assert parse(number) == Phone(number, PhoneKind.MOBILE)
    assert parse(fullwidth(f"+86 {number[:3]} {number[3:7]} {number[7:]}")).number == number
    assert parse(number).number == parse(parse(number).number).number


# --- landlines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("010-87654321", "010-87654321"),
        ("01087654321", "010-87654321"),
        ("(010)87654321", "010-87654321"),
        ("（010）87654321", "010-87654321"),
        ("（０１０）８７６５４３２１", "010-87654321"),
        ("010 8765 4321", "010-87654321"),
        ("010－87654321", "010-87654321"),
        ("+86 10 87654321", "010-87654321"),
        ("+86-10-87654321", "010-87654321"),
        ("0086 10 87654321", "010-87654321"),
        ("+86 (0)10 87654321", "010-87654321"),
        ("020-38765432", "020-38765432"),
        ("029-8765432", "029-8765432"),
        ("0755-82345678", "0755-82345678"),
        ("075582345678", "0755-82345678"),
        ("+86 755 82345678", "0755-82345678"),
        ("0917-3212345", "0917-3212345"),
        ("09173212345", "0917-3212345"),
        ("0311-86012345", "0311-86012345"),
    ],
)
def test_landline_formats(text: str, number: str) -> None:
    assert parse(text) == Phone(number, PhoneKind.LANDLINE)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("010-87654321转123", "010-87654321转123"),
        ("010-87654321 转 123", "010-87654321转123"),
        ("010-87654321分机123", "010-87654321转123"),
        ("010-87654321分机号123", "010-87654321转123"),
        ("010-87654321 ext 123", "010-87654321转123"),
        ("010-87654321 EXT.123", "010-87654321转123"),
        ("010-87654321-123", "010-87654321转123"),
        ("0917-3212345-8", "0917-3212345转8"),
        ("０９１７－３２１２３４５－８", "0917-3212345转8"),
        ("0755-82345678-123456", "0755-82345678转123456"),
    ],
)
def test_landline_extensions(text: str, number: str) -> None:
    assert parse(text) == Phone(number, PhoneKind.LANDLINE)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # The head is a complete 7-digit number, so the last group is an extension.
        ("0755-2345678-9", "0755-2345678转9"),
        # The head is not a complete number: the groups are just how the digits were split.
        ("010-8765-4321", "010-87654321"),
        ("0755-8234-5678", "0755-82345678"),
        ("010-2345-678", "010-2345678"),
        ("0311-860-12345", "0311-86012345"),
    ],
)
def test_hyphen_groups(text: str, number: str) -> None:
    assert parse(text) == Phone(number, PhoneKind.LANDLINE)


@given(
    st.sampled_from(["010", "021", "029", "0311", "0755", "0917", "0999"]),
    st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True),
    st.none() | st.from_regex(r"[0-9]{1,6}", fullmatch=True),
)
def test_generated_landlines_round_trip(area: str, subscriber: str, extension: str | None) -> None:
    expected = f"{area}-{subscriber}" + (f"转{extension}" if extension else "")
    typed = f"（{area}）{subscriber}" + (f" 转 {extension}" if extension else "")
    assert parse(typed) == Phone(expected, PhoneKind.LANDLINE)
    assert parse(expected) == Phone(expected, PhoneKind.LANDLINE)
    assert parse(fullwidth(expected)).number == expected


# --- service numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("400-810-8888", "400-810-8888"),
        ("4008108888", "400-810-8888"),
        ("400 810 8888", "400-810-8888"),
        ("800-820-8820", "800-820-8820"),
        ("+86 400 810 8888", "400-810-8888"),
        ("400-810-8888转2", "400-810-8888转2"),
        ("400-810-8888-2", "400-810-8888转2"),
    ],
)
def test_service_numbers(text: str, number: str) -> None:
    assert parse(text) == Phone(number, PhoneKind.SERVICE)


# --- rejections ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "()", "--", "+"])
def test_empty(text: str) -> None:
    reason, message = reason_of(text)
    assert reason is PhoneError.EMPTY
    assert "电话号码为空" in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("138123456a8", "含有无效字符“a”（第10位）"),
        ("abc", "含有无效字符“a”（第1位）"),
        ("138.1234.5678", "含有无效字符“.”（第4位）"),
        ("138 1234 567８#", "含有无效字符“#”（第12位）"),
        ("1381234+5678", "含有无效字符“+”（第8位）"),
        ("张三13812345678", "含有无效字符“张”（第1位）"),
        ("13812345678\x00", "含有无效字符“U+0000”（第12位）"),
    ],
)
def test_invalid_characters(text: str, fragment: str) -> None:
    reason, message = reason_of(text)
    assert reason is PhoneError.CHARACTERS
    assert fragment in message


@pytest.mark.parametrize("separator", ["/", "、", ",", "，", ";", "；"])
def test_two_numbers_in_one_field(separator: str) -> None:
    reason, message = reason_of(f"13812345678{separator}13912345678")
    assert reason is PhoneError.CHARACTERS
    assert "一次只能填写一个电话号码" in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1381234567", "手机号码应为11位，当前为10位"),
        ("138123456789", "手机号码应为11位，当前为12位"),
        ("+86 1381234567", "手机号码应为11位，当前为10位"),
        ("010-876543", "区号010后的电话号码应为7-8位，当前为6位"),
        ("010-876543210", "区号010后的电话号码应为7-8位，当前为9位"),
        ("0755-123", "区号0755后的电话号码应为7-8位，当前为3位"),
        ("0755", "区号0755后的电话号码应为7-8位，当前为0位"),
        ("400-810-888", "400/800服务号码应为10位，当前为9位"),
    ],
)
def test_length(text: str, fragment: str) -> None:
    reason, message = reason_of(text)
    assert reason is PhoneError.LENGTH
    assert fragment in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("12812345678", "手机号码第2位应为3-9，当前为2"),
        ("10012345678", "手机号码第2位应为3-9，当前为0"),
        ("87654321", "固定电话缺少区号"),
        ("3212345", "固定电话缺少区号"),
        ("013812345678", "如为手机号码，请去掉开头的0"),
        ("0155-3212345", "区号无效：以01开头的区号只有010"),
        ("010-12345678", "区号010后的电话号码不能以1开头"),
        ("0755-02345678", "区号0755后的电话号码不能以0开头"),
        ("+1 415 555 1234", "不支持境外电话号码"),
        ("001 415 555 1234", "不支持境外电话号码"),
        ("00852 2345 6789", "不支持境外电话号码"),
        ("987654321", "无法识别的电话号码"),
    ],
)
def test_prefix(text: str, fragment: str) -> None:
    reason, message = reason_of(text)
    assert reason is PhoneError.PREFIX
    assert fragment in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("13812345678转123", "手机号码不能带分机号"),
        ("010-87654321转", "分机号为空"),
        ("010-87654321转abc", "分机号含有无效字符“a”（第14位）"),
        ("010-87654321转1234567", "分机号应为1-6位数字，当前为7位"),
    ],
)
def test_extension(text: str, fragment: str) -> None:
    reason, message = reason_of(text)
    assert reason is PhoneError.EXTENSION
    assert fragment in message


def test_a_hyphen_group_after_a_mobile_is_not_an_extension() -> None:
    reason, _ = reason_of("13812345678-123")
    assert reason is PhoneError.LENGTH


def test_exception_is_a_value_error_and_survives_pickling() -> None:
    with pytest.raises(ValueError):
        parse("1")
    copy = pickle.loads(pickle.dumps(InvalidPhone(PhoneError.LENGTH, "手机号码应为11位")))
    assert copy.reason is PhoneError.LENGTH
    assert str(copy) == "手机号码应为11位"


def test_is_valid() -> None:
    assert is_valid("13812345678")
    assert is_valid("010-87654321")
    assert not is_valid("1381234567")
    assert not is_valid("")


@given(st.text(max_size=30))
def test_parse_either_succeeds_with_a_reparseable_number_or_raises_invalid_phone(
    text: str,
) -> None:
    try:
        phone = parse(text)
    except InvalidPhone:
        return
    assert parse(phone.number) == phone


# --- mask ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("010-87654321", "010-******21"),
        ("0755-8234567", "0755-*****67"),
        ("0755-8234567转123", "0755-*****67转123"),
        ("400-810-8888", "400-810-8888"),
        ("1381234567", "********67"),
        ("１２", "**"),
        ("", ""),
    ],
)
def test_mask(text: str, masked: str) -> None:
    assert mask(text) == masked


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mask_mobile_hides_the_middle_four(number: str) -> None:
    assert mask(number) == number[:3] + "****" + number[7:]
