"""事件编号: the human number of an event, unique within its township.

The server assigns it when an event first arrives there, from one counter per township
and year taken inside the push's transaction, so laptops that worked offline for weeks
never collide and nothing needs coordinating between them. Until its first push an
event has no number and shows 待编号 (an event has to reach the township before anyone
there can act on it, so the printed ledgers are made from numbered events).

Format ``YYYY-TTT-NNNNN``: the year it was reported (China Standard Time), the
township's three code digits (digits 7–9 of its 12-digit division code, which also
tell a 街道 from a 镇 or 乡, so numbers stay unique county-wide), and the sequence.
"""

from __future__ import annotations

from datetime import datetime

from gridcore.domain.entities import CST

__all__ = ["UNNUMBERED", "format_event_number", "number_year", "township_part"]

UNNUMBERED = "待编号"


def township_part(township_code: str) -> str:
    """Digits 7–9 of a division code (the whole code when it is not one)."""
    if len(township_code) >= 9 and township_code[:9].isdigit():
        return township_code[6:9]
    return township_code


def number_year(reported_at: datetime) -> int:
    return reported_at.astimezone(CST).year


def format_event_number(township_code: str, year: int, sequence: int) -> str:
    return f"{year}-{township_part(township_code)}-{sequence:05d}"
