"""The generator's public types and constants: the demo accounts, the dataset, the sizes
and the sample catalog."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from gridcore.domain.catalog import EventCatalog
from gridcore.domain.entities import (
    Area,
    Event,
    EventAction,
    Household,
    Mediation,
    Organization,
    Patrol,
    Place,
    PlaceInspection,
    ProgramRecord,
    Record,
    Resident,
    Visit,
)
from gridcore.domain.enums import EntityKind, Role

DEMO_PASSWORD = "demo1234"
#: A well-formed but made-up GB/T 2260 county code (province 36 has no prefecture 99).
COUNTY_CODE = "369921"
DEFAULT_SEED = 20240601
HISTORY_DAYS = 730
"""How far back the demo's visits and events go (two years)."""
PATROL_DAYS = 60
"""How far back the demo's patrols go (a worker patrols most days)."""


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: Role
    scope_code: str
    """The area code the account may see: a grid, a township or the county."""
    display_name: str


_DEMO_ROLES = (("admin", Role.ADMIN), ("township", Role.TOWNSHIP), ("worker", Role.WORKER))


def demo_role(username: str) -> Role | None:
    """The role of a demo account from its name (``admin``, ``townshipNN``, ``workerNN``,
    as :func:`generate` names them), without generating a dataset; None for other names."""
    for prefix, role in _DEMO_ROLES:
        rest = username.removeprefix(prefix)
        if rest != username and (not rest if role is Role.ADMIN else rest.isdigit()):
            return role
    return None


@dataclass
class Dataset:
    catalog: EventCatalog
    areas: list[Area] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    patrols: list[Patrol] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    place_inspections: list[PlaceInspection] = field(default_factory=list)
    program_records: list[ProgramRecord] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    event_actions: list[EventAction] = field(default_factory=list)
    mediations: list[Mediation] = field(default_factory=list)
    users: list[DemoUser] = field(default_factory=list)

    def records(self) -> dict[EntityKind, Sequence[Record]]:
        """The synced records by kind, parents before children."""
        return {
            EntityKind.AREA: self.areas,
            EntityKind.HOUSEHOLD: self.households,
            EntityKind.RESIDENT: self.residents,
            EntityKind.ORGANIZATION: self.organizations,
            EntityKind.PLACE: self.places,
            EntityKind.PLACE_INSPECTION: self.place_inspections,
            EntityKind.PROGRAM_RECORD: self.program_records,
            EntityKind.VISIT: self.visits,
            EntityKind.EVENT: self.events,
            EntityKind.EVENT_ACTION: self.event_actions,
            EntityKind.PATROL: self.patrols,
            EntityKind.MEDIATION: self.mediations,
        }

    def counts(self) -> dict[str, int]:
        return {
            "areas": len(self.areas),
            "households": len(self.households),
            "residents": len(self.residents),
            "organizations": len(self.organizations),
            "patrols": len(self.patrols),
            "places": len(self.places),
            "place_inspections": len(self.place_inspections),
            "program_records": len(self.program_records),
            "visits": len(self.visits),
            "events": len(self.events),
            "event_actions": len(self.event_actions),
            "mediations": len(self.mediations),
            "users": len(self.users),
            "catalog_categories": len(self.catalog),
        }


@dataclass(frozen=True, slots=True)
class SizeSpec:
    township_kinds: tuple[str, ...]
    """One entry per township: ``street`` (街道), ``town`` (镇) or ``xiang`` (乡)."""
    grids_per_township: int
    grid_households: tuple[int, int]
    visits_per_household: float
    """Over the two years before ``today``."""
    events_per_household: float

    def check(self) -> None:
        """Raise ValueError for a spec whose codes would not fit GB/T 2260's ranges."""
        kinds = Counter(self.township_kinds)
        if not kinds or set(kinds) - set(TOWNSHIP_CODE_START):
            raise ValueError(f"township kinds must be street, town or xiang: {kinds}")
        if kinds["street"] > 99 or kinds["town"] > 100 or kinds["xiang"] > 200:
            raise ValueError("too many townships of one kind for their code range")
        low, high = self.grid_households
        if not 1 <= self.grids_per_township <= 199 or not 1 <= low <= high:
            raise ValueError("need 1–199 grids per township and 1 ≤ low ≤ high households")
        if self.visits_per_household < 0 or self.events_per_household < 0:
            raise ValueError("rates cannot be negative")


SIZES: Mapping[str, SizeSpec] = MappingProxyType(
    {
        # One town, one village, one grid of about 500 households.
        "S": SizeSpec(("town",), 1, (480, 520), 10.0, 2.0),
        # One town: ~30 grids, ~10,000 households, ~30,000 residents.
        "M": SizeSpec(("town",), 30, (300, 370), 10.0, 2.0),
        # Ten townships of the M kind's size: two streets, five towns, three xiang.
        "L": SizeSpec(
            ("town", "street", "street", "town", "town", "town", "town", "xiang", "xiang", "xiang"),
            30,
            (300, 370),
            10.0,
            2.0,
        ),
    }
)

#: Share of grids in communities (居委会) rather than villages (村委会), by township kind.
#: The first GB/T 2260 township code of each kind (streets 001–099, towns 100–199, xiang
#: 200–399).
TOWNSHIP_CODE_START = {"street": 1, "town": 100, "xiang": 200}


def load_catalog() -> EventCatalog:
    """The sample event catalog shipped with the core (``gridcore/data/catalog.json``)."""
    text = resources.files("gridcore").joinpath("data", "catalog.json").read_text("utf-8")
    return EventCatalog.from_json(json.loads(text))
