"""Natural sort of addresses and names: the one key every sorted list uses.

Addresses are walked in the order of their numbers (1组9号, 1组10号, 1组100号), not as
text (1组10号, 1组100号, 1组9号); so are area names (第2网格 before 第10网格). SQLite has
no collation for numbers inside text, so lists sort with :func:`natural_key`: short
lists in Python, once per row, off the UI thread; the household and resident lists on
the client store's copy of the key (``households.address_key`` and ``number_key``,
``gridclient.storage.household_order``), so that SQL walks an index in that order.
"""

from __future__ import annotations

import re

__all__ = ["natural_key"]

_DIGITS = re.compile(r"\d+")


def _number_key(match: re.Match[str]) -> str:
    digits = match.group()
    if digits[0] == "0" or not digits.isascii():
        digits = str(int(digits))  # by value: leading zeros, full-width digits
    return f"\x01{chr(0x20 + len(digits))}{digits}"


def natural_key(text: str) -> str:
    """Sort key that orders the numbers inside text by value (1组2号 before 1组10号).

    A string, so that sorting compares in C: each run of digits becomes ``\\x01``, a
    character for its length and the digits, so a shorter number sorts first, equal
    lengths compare digit by digit, and a number sorts before text at the same place."""
    if text.isdigit() and text.isascii() and text[0] != "0":  # a 户号: no regex needed
        return f"\x01{chr(0x20 + len(text))}{text}"
    return _DIGITS.sub(_number_key, text)
