"""Household programs (低保, 特困供养, 临时救助, 防返贫监测, 党员中心户 …): the household
tags a list filter or a 重点户花名册 selects by.

防返贫监测户 is one program of three kinds (脱贫不稳定户, 边缘易致贫户, 突发严重困难户):
listed together, each household showing its kind.
"""

from __future__ import annotations

from gridcore.domain.enums import HouseholdTag

__all__ = ["MONITORED", "household_programs", "program_tags"]

MONITORED = "monitored"
_MONITOR_TAGS = (
    HouseholdTag.MONITOR_UNSTABLE,
    HouseholdTag.MONITOR_MARGINAL,
    HouseholdTag.MONITOR_SUDDEN_HARDSHIP,
)


def household_programs() -> list[tuple[str, str]]:
    """(code, label) of every program: each household tag, and 防返贫监测户 (all three
    monitored kinds) after 临时救助户."""
    choices: list[tuple[str, str]] = []
    for tag in HouseholdTag:
        choices.append((tag.value, tag.label))
        if tag is HouseholdTag.TEMPORARY_ASSISTANCE:
            choices.append((MONITORED, "防返贫监测户"))
    return choices


def program_tags(code: str) -> tuple[str, tuple[HouseholdTag, ...]]:
    """The label and the tags of a program (a code or a label of
    :func:`household_programs`, with or without its 户); ``ValueError`` (Chinese)
    for anything else."""
    for value, label in household_programs():
        if code in (value, label, label.removesuffix("户")):
            if value == MONITORED:
                return label, _MONITOR_TAGS
            return label, (HouseholdTag(value),)
    names = "、".join(label for _value, label in household_programs())
    raise ValueError(f"没有“{code}”这类户，可选：{names}")
