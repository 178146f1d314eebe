"""Gender of a resident (性别).

Defined here so that :mod:`gridcore.domain.idnumber` does not depend on the larger
``gridcore.domain.enums`` module; that module re-exports :class:`Gender`.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Gender"]


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"

    @property
    def label(self) -> str:
        """The Chinese label shown to users: 男 or 女."""
        return "男" if self is Gender.MALE else "女"
