"""Tests for gridcore.domain.idnumber (GB 11643 citizen identity numbers)."""

from __future__ import annotations

import datetime
import pickle
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from gridcore.domain import idnumber
from gridcore.domain.gender import Gender
from gridcore.domain.idnumber import (
    IdNumber,
    IdNumberError,
    InvalidIdNumber,
    check_character,
    is_valid,
    mask,
    mismatch,
    parse,
)
from gridcore.domain.textnorm import strip_all_spaces, to_halfwidth

TODAY = datetime.date(2025, 6, 15)

BEIJING_1949 = "11010519491231002X"
GUANGDONG_1880 = "440524188001010014"

FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)} | {"X": "Ｘ", "x": "ｘ"}


def fullwidth(text: str) -> str:
    return "".join(FULLWIDTH.get(ch, ch) for ch in text)


def reason_of(text: str) -> tuple[IdNumberError, str]:
    with pytest.raises(InvalidIdNumber) as info:
        parse(text, today=TODAY)
    return info.value.reason, str(info.value)


def legacy15(number18: str) -> str:
    """The 15-digit form of an 18-digit number born in 19xx."""
    assert number18[6:8] == "19"
    return number18[:6] + number18[8:17]


# --- strategies ---------------------------------------------------------------------------

areas = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)  # includes codes that never existed
sequences = st.integers(min_value=0, max_value=999)
birth_dates = st.dates(min_value=datetime.date(1800, 1, 1), max_value=TODAY)


def build(area: str, born: datetime.date, sequence: int) -> str:
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


valid_numbers = st.builds(build, areas, birth_dates, sequences)


# --- check character ----------------------------------------------------------------------


def test_check_character_matches_the_domain_examples() -> None:
    assert check_character(BEIJING_1949[:17]) == "X"
    assert check_character(GUANGDONG_1880[:17]) == "4"


@pytest.mark.parametrize("bad", ["", "1234567890123456", "123456789012345678", "1101051949123100X"])
def test_check_character_rejects_anything_but_17_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="17 ASCII digits"):
        check_character(bad)


def test_check_character_rejects_non_ascii_digits() -> None:
    # str.isdigit() is true for these; int() even converts the Arabic-Indic one.
    with pytest.raises(ValueError):
        check_character("1101051949123100" + "\u0663")
    with pytest.raises(ValueError):
        check_character("1101051949123100" + "²")


@given(st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_check_character_makes_the_iso7064_sum_congruent_to_one(first17: str) -> None:
    # ISO 7064 MOD 11-2: with weights 2^(18-i) mod 11 over all 18 positions (X = 10),
    # the weighted sum of a valid number is 1 mod 11.
    number = first17 + check_character(first17)
    values = [10 if ch == "X" else int(ch) for ch in number]
    assert sum(v * pow(2, 17 - i, 11) for i, v in enumerate(values)) % 11 == 1


# --- accepted numbers ---------------------------------------------------------------------


def test_domain_example_beijing() -> None:
    assert parse(BEIJING_1949, today=TODAY) == IdNumber(
        number=BEIJING_1949, birth_date=datetime.date(1949, 12, 31), gender=Gender.FEMALE
    )


def test_domain_example_born_in_1880() -> None:
    assert parse(GUANGDONG_1880, today=TODAY) == IdNumber(
        number=GUANGDONG_1880, birth_date=datetime.date(1880, 1, 1), gender=Gender.MALE
    )


def test_default_today_is_the_real_date() -> None:
    assert parse(BEIJING_1949).number == BEIJING_1949


def test_lower_case_x_is_stored_upper_case() -> None:
    assert parse("11010519491231002x", today=TODAY).number == BEIJING_1949


@pytest.mark.parametrize(
    "text",
    [
        fullwidth(BEIJING_1949),
        fullwidth("11010519491231002x"),
        "１１０１０５1949１２３１００２X",
    ],
)
def test_full_width_digits_and_x(text: str) -> None:
    assert parse(text, today=TODAY).number == BEIJING_1949


@pytest.mark.parametrize(
    "text",
    [
        f"  {BEIJING_1949}  ",
        f"\u3000{BEIJING_1949}\u3000",
        f"\t{BEIJING_1949}\r\n",
        "110105 19491231 002X",
        "1101 0519 4912 3100 2X",
        "110105\u300019491231\u3000002X",
        f"\ufeff{BEIJING_1949}\u200b",
        "110105\xa019491231002X",
    ],
)
def test_surrounding_and_inner_spaces_are_removed(text: str) -> None:
    assert parse(text, today=TODAY).number == BEIJING_1949


def test_area_codes_are_not_checked_against_any_list() -> None:
    # Some of these have never been area codes; validity depends only on the check digit.
    for area in ("999999", "110105", "100000", "512224", "370103"):
        first17 = f"{area}19800101001"
        assert is_valid(first17 + check_character(first17), today=TODAY)


@pytest.mark.parametrize(
    ("first17", "gender"),
    [("11010519800101001", Gender.MALE), ("11010519800101002", Gender.FEMALE)],
)
def test_gender_from_digit_17(first17: str, gender: Gender) -> None:
    assert parse(first17 + check_character(first17), today=TODAY).gender is gender


def test_born_today_and_on_the_earliest_date_are_accepted() -> None:
    for born in (TODAY, datetime.date(1800, 1, 1)):
        number = build("110105", born, 1)
        assert parse(number, today=TODAY).birth_date == born


def test_leap_day_is_a_real_date() -> None:
    assert parse(build("110105", datetime.date(2000, 2, 29), 7), today=TODAY).birth_date == (
        datetime.date(2000, 2, 29)
    )


# --- 15-digit legacy numbers --------------------------------------------------------------


def test_legacy_15_digit_number_is_converted_to_18() -> None:
    assert legacy15(BEIJING_1949) == "110105491231002"
    parsed = parse("110105491231002", today=TODAY)
    assert parsed == IdNumber(BEIJING_1949, datetime.date(1949, 12, 31), Gender.FEMALE)


def test_legacy_number_with_spaces_and_full_width_digits() -> None:
    assert parse(" １１０１０５ 491231 ００２ ", today=TODAY).number == BEIJING_1949


@given(areas, st.dates(datetime.date(1900, 1, 1), datetime.date(1999, 12, 31)), sequences)
def test_legacy_round_trip(area: str, born: datetime.date, sequence: int) -> None:
    number = build(area, born, sequence)
    parsed = parse(legacy15(number), today=TODAY)
    assert parsed == parse(number, today=TODAY)
    assert parsed.number == number


# --- rejections ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000\u3000", "\t\n", "\u200b"])
def test_empty(text: str) -> None:
    reason, message = reason_of(text)
    assert reason is IdNumberError.EMPTY
    assert "身份证号码为空" in message


@pytest.mark.parametrize(
    "text", ["1", "1101051949123100", "11010519491231002", "110105194912310024X"]
)
def test_length(text: str) -> None:
    reason, message = reason_of(text)
    assert reason is IdNumberError.LENGTH
    assert f"身份证号码应为18位（或15位旧号码），当前为{len(text)}位" in message


def test_length_counts_characters_after_removing_spaces() -> None:
    reason, message = reason_of(" 1101 0519 4912 3100 ")
    assert reason is IdNumberError.LENGTH
    assert "当前为16位" in message


def test_invalid_character_is_named_with_its_position() -> None:
    reason, message = reason_of("11A105194912310025")
    assert reason is IdNumberError.CHARACTERS
    assert "含有无效字符“A”（第3位）" in message


@pytest.mark.parametrize(
    ("text", "shown", "position"),
    [
        ("张三", "张", 1),
        ("110105-19491231-002X", "-", 7),
        ("4.40524188001E+17", ".", 2),  # Excel scientific notation belongs to the importer
        ("'11010519491231002X", "'", 1),
        ("1101051949123100\u0663X", "\u0663", 17),  # Arabic-Indic three: isdigit() but no
        ("1101051949123100²X", "²", 17),
        ("11010519491231\x00002X", "U+0000", 15),
    ],
)
def test_invalid_characters(text: str, shown: str, position: int) -> None:
    reason, message = reason_of(text)
    assert reason is IdNumberError.CHARACTERS
    assert f"含有无效字符“{shown}”（第{position}位）" in message


def test_x_anywhere_but_last() -> None:
    reason, message = reason_of("1101051949123100X2")
    assert reason is IdNumberError.CHARACTERS
    assert "含有无效字符“X”（第17位）" in message
    assert "最后一位" in message


def test_x_in_a_15_digit_number() -> None:
    reason, message = reason_of("11010549123100X")
    assert reason is IdNumberError.CHARACTERS
    assert "第15位" in message
    assert "15位旧身份证号码只能由数字组成" in message


@pytest.mark.parametrize("text", ["01010519491231002X", "010105491231002"])
def test_first_digit_zero(text: str) -> None:
    reason, message = reason_of(text)
    assert reason is IdNumberError.CHARACTERS
    assert "第1位不能为0" in message


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519900230001", "第7-14位出生日期无效：1990年02月30日不存在"),
        ("11010519000229001", "第7-14位出生日期无效：1900年02月29日不存在"),
        ("11010519901301001", "第7-14位出生日期无效：1990年13月01日不存在"),
        ("11010519900001001", "第7-14位出生日期无效：1990年00月01日不存在"),
        ("11010519900100001", "第7-14位出生日期无效：1990年01月00日不存在"),
        ("11010517991231001", "第7-14位出生日期无效：1799年12月31日早于1800年"),
        ("11010500000101001", "第7-14位出生日期无效：0000年01月01日早于1800年"),
        ("11010520250616001", "第7-14位出生日期无效：2025年06月16日晚于今天"),
        ("11010590010101001", "第7-14位出生日期无效：9001年01月01日晚于今天"),
    ],
)
def test_date(first17: str, expected: str) -> None:
    # A correct check character, so that only the date is wrong.
    reason, message = reason_of(first17 + check_character(first17))
    assert reason is IdNumberError.DATE
    assert expected in message


def test_date_of_a_legacy_number_names_its_own_positions() -> None:
    reason, message = reason_of("110105900230001")
    assert reason is IdNumberError.DATE
    assert "第7-12位出生日期无效：1990年02月30日不存在" in message


def test_check_character_error_says_what_it_should_be() -> None:
    reason, message = reason_of("110105194912310025")
    assert reason is IdNumberError.CHECK
    assert "校验位错误：最后一位应为X，实际为5，请核对号码" in message


def test_check_character_error_with_digit_expected() -> None:
    reason, message = reason_of("44052418800101001X")
    assert reason is IdNumberError.CHECK
    assert "最后一位应为4，实际为X" in message


def test_exception_is_a_value_error_and_survives_pickling() -> None:
    with pytest.raises(ValueError):
        parse("1", today=TODAY)
    error = InvalidIdNumber(IdNumberError.CHECK, "校验位错误")
    copy = pickle.loads(pickle.dumps(error))
    assert copy.reason is IdNumberError.CHECK
    assert str(copy) == "校验位错误"


def test_is_valid() -> None:
    assert is_valid(BEIJING_1949)
    assert is_valid("110105491231002")
    assert not is_valid("110105194912310025")
    assert not is_valid("")


# --- properties ---------------------------------------------------------------------------


@given(areas, birth_dates, sequences)
def test_generated_numbers_parse_to_their_own_parts(
    area: str, born: datetime.date, sequence: int
) -> None:
    number = build(area, born, sequence)
    parsed = parse(number, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == born
    assert parsed.gender is (Gender.MALE if sequence % 2 else Gender.FEMALE)


@given(valid_numbers, st.data())
def test_noise_does_not_change_the_result(number: str, data: st.DataObject) -> None:
    noisy = ""
    for ch in number.lower() if data.draw(st.booleans()) else number:
        if data.draw(st.booleans()):
            ch = to_fullwidth(ch)
        noisy += ch + data.draw(st.sampled_from(["", "", " ", "\u3000", "\t", "\xa0"]))
    assert parse(noisy, today=TODAY).number == number


def to_fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


@given(valid_numbers, st.integers(0, 17), st.sampled_from("0123456789X"))
@example(BEIJING_1949, 17, "5")
@example(GUANGDONG_1880, 6, "2")
def test_every_single_substitution_is_rejected(number: str, position: int, new: str) -> None:
    # Every weight is non-zero mod 11 and 11 is prime, so changing one digit (or the check
    # character) always changes the sum mod 11; an X elsewhere is an invalid character.
    if number[position] == new:
        new = "X" if new != "X" else "0"
    corrupted = number[:position] + new + number[position + 1 :]
    assert corrupted != number
    assert not is_valid(corrupted, today=TODAY)


def test_every_single_substitution_of_the_examples_is_rejected_exhaustively() -> None:
    for number in (BEIJING_1949, GUANGDONG_1880):
        for position in range(18):
            for new in "0123456789X":
                if new != number[position]:
                    corrupted = number[:position] + new + number[position + 1 :]
                    assert not is_valid(corrupted, today=TODAY), corrupted


@given(valid_numbers, st.integers(0, 16))
@example(BEIJING_1949, 16)  # swaps the last digit with the check character X
def test_every_adjacent_transposition_of_different_characters_is_rejected(
    number: str, position: int
) -> None:
    # Neighbouring weights (including the check character's weight 1) are 2^k and 2^(k+1)
    # mod 11, whose difference 2^k is never 0 mod 11, so swapping two different adjacent
    # characters always changes the sum mod 11.
    a, b = number[position], number[position + 1]
    swapped = number[:position] + b + a + number[position + 2 :]
    if a == b:
        assert swapped == number
    else:
        assert not is_valid(swapped, today=TODAY)


def test_adjacent_transposition_claim_holds_for_every_weight_pair() -> None:
    # The algebra behind the property test, checked over all digit pairs and positions:
    # weights of positions 1..18 with the check character weighted 1.
    weights = (*idnumber.WEIGHTS, 1)
    for i in range(17):
        for a in range(11):
            for b in range(11):
                if a != b:
                    delta = (weights[i] - weights[i + 1]) * (b - a)
                    assert delta % 11 != 0


# --- mask ---------------------------------------------------------------------------------


def test_mask_keeps_area_code_and_last_four() -> None:
    assert mask(BEIJING_1949) == "110105********002X"
    assert mask(GUANGDONG_1880) == "440524********0014"


def test_mask_hides_the_birth_date_of_a_legacy_number() -> None:
    assert mask("110105491231002") == "110105******002"


def test_mask_normalises_first() -> None:
    assert mask(" 110105 19491231 002x ") == "110105********002X"
    assert mask(fullwidth(BEIJING_1949)) == "110105********002X"


@pytest.mark.parametrize("text", ["", "123", "1101051949123100", "110105194912310025X"])
def test_mask_hides_everything_of_other_lengths(text: str) -> None:
    assert mask(text) == "*" * len(text)


@given(valid_numbers)
def test_mask_never_shows_the_birth_date(number: str) -> None:
    masked = mask(number)
    assert len(masked) == 18
    assert masked[6:14] == "********"
    assert masked[:6] == number[:6]
    assert masked[14:] == number[14:]


# --- mismatch -----------------------------------------------------------------------------


def test_mismatch_none_when_everything_agrees_or_is_missing() -> None:
    parsed = parse(BEIJING_1949, today=TODAY)
    assert mismatch(parsed, datetime.date(1949, 12, 31), Gender.FEMALE) == []
    assert mismatch(parsed, None, None) == []
    assert mismatch(parsed) == []


def test_mismatch_birth_date() -> None:
    parsed = parse(BEIJING_1949, today=TODAY)
    [message] = mismatch(parsed, datetime.date(1950, 1, 1), None)
    assert "出生日期与身份证号码不符" in message
    assert "1949年12月31日" in message
    assert "1950年01月01日" in message


def test_mismatch_gender() -> None:
    parsed = parse(BEIJING_1949, today=TODAY)
    [message] = mismatch(parsed, None, Gender.MALE)
    assert "性别与身份证号码不符" in message
    assert "身份证号码中为女" in message
    assert "填写的是男" in message


def test_mismatch_both() -> None:
    parsed = parse(GUANGDONG_1880, today=TODAY)
    messages = mismatch(parsed, birth_date=datetime.date(1880, 1, 2), gender=Gender.FEMALE)
    assert len(messages) == 2
    assert messages[0].startswith("出生日期")
    assert messages[1].startswith("性别")


def test_mismatch_compares_a_datetime_by_its_date() -> None:
    parsed = parse(BEIJING_1949, today=TODAY)
    assert mismatch(parsed, datetime.datetime(1949, 12, 31, 8, 30), None) == []
    assert len(mismatch(parsed, datetime.datetime(1949, 12, 30), None)) == 1


# --- gender and text normalisation --------------------------------------------------------


def test_gender_labels_and_values() -> None:
    assert Gender.MALE.label == "男"
    assert Gender.FEMALE.label == "女"
    assert Gender("male") is Gender.MALE
    assert str(Gender.FEMALE) == "female"


def test_to_halfwidth_equals_nfkc_on_the_full_width_ascii_range() -> None:
    for cp in [*range(0xFF01, 0xFF5F), 0x3000]:
        assert to_halfwidth(chr(cp)) == unicodedata.normalize("NFKC", chr(cp))


def test_to_halfwidth_leaves_other_characters_alone() -> None:
    assert to_halfwidth("①²ﬁ张三 abc") == "①²ﬁ张三 abc"
    assert to_halfwidth("（０１０）　ＡＢｃ－") == "(010) ABc-"


def test_strip_all_spaces() -> None:
    assert strip_all_spaces(" a\u3000b\tc\nd\xa0e\u200bf\ufeffg ") == "abcdefg"
    assert strip_all_spaces("") == ""


@given(
    st.text(max_size=20)
    | st.from_regex(r"[0-9]{15}|[0-9]{17}[0-9Xx]", fullmatch=True)
    | st.from_regex(r"[1-9][0-9]{5}(18|19|20)[0-9]{6}[0-9]{3}[0-9X]", fullmatch=True)
)
def test_parse_either_succeeds_with_a_reparseable_number_or_raises_invalid_id_number(
    text: str,
) -> None:
    try:
        parsed = parse(text, today=TODAY)
    except InvalidIdNumber as error:
        assert str(error)
        return
    assert parse(parsed.number, today=TODAY) == parsed
    assert len(parsed.number) == 18
