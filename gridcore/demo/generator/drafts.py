"""What the builder carries between its steps: a township, a grid and its households
while they are drawn, before and beside the records they become."""

from __future__ import annotations

from dataclasses import dataclass, field

from gridcore.domain.entities import Area, Household, Resident


@dataclass(slots=True)
class Township:
    area: Area
    name: str
    user: str


@dataclass(slots=True)
class Home:
    household: Household
    members: list[Resident]
    head: Resident
    is_village: bool
    ages: list[int]
    """Completed years on ``today``, index by index with ``members``."""
    adults: list[str] = field(default_factory=list)
    """Names of members aged 18 or more (the head when there is none)."""
    profile: tuple[str, ...] = ()
    """Visit topic keys (see ``visits._profile``)."""


@dataclass(slots=True)
class Grid:
    area: Area
    township: Township
    unit_name: str
    is_village: bool
    worker: str
    places: list[str]
    blocks: list[str]
    """村民小组 numbers in a village, 小区 names in a community."""
    roads: list[str]
    homes: list[Home] = field(default_factory=list)
