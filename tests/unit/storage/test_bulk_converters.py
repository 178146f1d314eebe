"""The bulk converters' fast paths store exactly what the general ones stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from gridclient.storage import bulk
from gridcore.domain.codec import CodecError, encode_fields
from gridcore.domain.entities import Household
from gridcore.domain.enums import EntityKind


@pytest.mark.parametrize("year", [1, 9, 999, 1000, 2026, 9998])
@pytest.mark.parametrize("microsecond", [0, 1, 999_999])
@pytest.mark.parametrize("offset", [timedelta(0), timedelta(hours=8), timedelta(hours=-3.5)])
def test_datetimes_are_stored_in_sqlalchemys_text_form(
    year: int, microsecond: int, offset: timedelta
) -> None:
    value = datetime(year, 12, 31, 23, 59, 59, microsecond, tzinfo=timezone(offset))
    try:
        expected = bulk._DATETIME_OUT(value.astimezone(UTC).replace(tzinfo=None))
    except OverflowError:
        pytest.skip("outside the representable range once converted to UTC")
    assert bulk.store_datetime(value) == expected


def test_a_naive_datetime_is_still_taken_as_local_time() -> None:
    naive = datetime(2026, 11, 22, 8, 0)
    assert bulk.store_datetime(naive) == bulk._DATETIME_OUT(
        naive.astimezone(UTC).replace(tzinfo=None)
    )


def test_equal_values_of_different_types_are_decoded_apart() -> None:
    convert = bulk._by_distinct(lambda v: (type(v).__name__, v), lambda v: v)
    assert convert("x", [True, 1, 1.0, True, "1"]) == [
        ("bool", True),
        ("int", 1),
        ("float", 1.0),
        ("bool", True),
        ("str", "1"),
    ]
    assert convert("x", ["a", None, "a"]) == [("str", "a"), ("NoneType", None), ("str", "a")]


def test_an_unhashable_value_is_a_codec_error() -> None:
    convert = bulk._by_distinct(str, str)
    with pytest.raises(CodecError):
        convert("address", ["a", ["not", "a", "string"]])


def _changes() -> list[dict[str, object]]:
    grid = str(uuid.uuid4())
    made = [Household(grid_id=grid, address=f"幸福路{i}号") for i in range(5)]
    return [
        {
            "entity": "household",
            "id": h.id,
            "version": i + 1,
            "deleted": i == 3,
            "updated_at": f"2026-11-22T08:00:0{i}+08:00",
            "fields": encode_fields(h),
        }
        for i, h in enumerate(made)
    ]


def test_pulled_changes_store_as_their_merged_rows() -> None:
    changes = _changes()
    merged = [
        {**c["fields"], **{k: c[k] for k in ("id", "version", "deleted", "updated_at")}}  # type: ignore[dict-item]
        for c in changes
    ]
    kind = EntityKind.HOUSEHOLD
    assert bulk.change_tuples(kind, changes) == bulk.storage_tuples(kind, merged)


def test_a_change_without_metadata_is_a_codec_error() -> None:
    broken = _changes()
    del broken[2]["version"]
    with pytest.raises(CodecError):
        bulk.change_tuples(EntityKind.HOUSEHOLD, broken)


_SLOW = bulk._by_distinct(bulk._parse_updated_at, bulk._store_datetime)


@pytest.mark.parametrize(
    "wire",
    [
        "2026-11-30T08:00:00+00:00",
        "2026-11-30T08:00:00.000001+00:00",
        "2026-11-30T08:00:00Z",
        "2026-11-30T08:00:00.999999Z",
        "0001-01-01T00:00:00+00:00",
        "2026-11-30T08:00:00+08:00",  # not UTC: the long way
        "2026-11-30T08:00:00.5+00:00",  # not six digits: the long way
        "2026-11-30 08:00:00+00:00",  # a space: the long way
        "2026-11-30T08:00:00",  # bare: UTC by the codec's rule, the long way
        "20261130T080000Z",  # basic format: the long way
    ],
)
def test_the_sliced_datetimes_are_what_the_long_way_stores(wire: str) -> None:
    assert bulk._datetimes(bulk._parse_updated_at)("at", [wire]) == _SLOW("at", [wire])


@pytest.mark.parametrize(
    "wire", ["2026-02-30T08:00:00+00:00", "2026-11-30T24:00:00Z", "2026-13-01T00:00:00Z", 5]
)
def test_a_datetime_that_does_not_exist_is_a_codec_error(wire: object) -> None:
    with pytest.raises(CodecError):
        bulk._datetimes(bulk._parse_updated_at)("at", ["2026-11-30T08:00:00Z", wire])


def test_text_columns_are_taken_as_they_came_or_refused_by_value() -> None:
    [convert] = [bulk.column_converters(EntityKind.HOUSEHOLD)["address"]]
    values = ["幸福路1号", "幸福路2号", ""]
    assert convert("address", values) == values
    with pytest.raises(CodecError, match="空字符"):
        convert("address", ["幸福路1号", "幸福\x00路"])
    with pytest.raises(CodecError):
        convert("address", ["幸福路1号", 3])
    with pytest.raises(CodecError):
        convert("address", ["幸福路1号", None])
