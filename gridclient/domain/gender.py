"""Gender as recorded on an ID card (digit 17: odd male, even female)."""

from __future__ import annotations

from enum import StrEnum


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"

    @property
    def label(self) -> str:
        return "男" if self is Gender.MALE else "女"
