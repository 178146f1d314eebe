"""Deterministic synthetic demo data for ``gridclient --demo``, ``gridserver load-demo``
and the benchmarks.

One made-up county (code ``369921``, "青溪县"; neither is meant to be real) with
townships, villages (村委会) and communities (居委会), grids and ten-household micro-grids,
households and residents with valid ID numbers (GB 11643), special groups, organizations,
two years of visits and events whose histories walk the domain state machine, and two
months of daily patrols (巡查) linked to the events reported on them.

Everything is drawn from one ``random.Random(seed)`` and from ``today``: the same
``(size, seed, today)`` always gives the same records, ids included.

Demo accounts (demo only; every password is :data:`DEMO_PASSWORD`, ``demo1234``):
``admin``; ``township01`` … one per township; ``worker01`` … one per grid (three digits
when there are more than 99 grids).
"""

from __future__ import annotations

import bisect
import dataclasses
import gc
import itertools
import json
import random
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources
from types import MappingProxyType
from typing import Generic, TypeVar

from gridcore.demo import texts as T
from gridcore.domain.catalog import EventCatalog, EventCategory, stamp_terms
from gridcore.domain.entities import (
    CST,
    Area,
    Event,
    EventAction,
    Household,
    Mediation,
    MediationSession,
    Organization,
    Patrol,
    Place,
    PlaceInspection,
    ProgramRecord,
    Record,
    Resident,
    Visit,
)
from gridcore.domain.enums import (
    AreaLevel,
    DisabilityCategory,
    EntityKind,
    EventActionKind,
    EventGroup,
    EventSource,
    EventState,
    Gender,
    HouseholdTag,
    Ledger,
    MediationAgreement,
    MediationOutcome,
    MonitorStatus,
    OrganizationKind,
    PlaceKind,
    PopulationType,
    Program,
    Relation,
    ResidenceStatus,
    RiskLevel,
    RiskType,
    Role,
    Satisfaction,
    SpecialGroup,
    Urgency,
    VisitMethod,
)
from gridcore.domain.eventnumber import format_event_number, number_year
from gridcore.domain.idnumber import check_character
from gridcore.domain.workflow import MAX_REWORK_ROUNDS, Progress, advance

__all__ = [
    "COUNTY_CODE",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "SIZES",
    "Dataset",
    "DemoUser",
    "SizeSpec",
    "generate",
    "load_catalog",
]

DEMO_PASSWORD = "demo1234"
#: A well-formed but made-up GB/T 2260 county code (province 36 has no prefecture 99).
COUNTY_CODE = "369921"
DEFAULT_SEED = 20240601
HISTORY_DAYS = 730
PATROL_DAYS = 60
"""How far back the demo's patrols go (a worker patrols most days)."""

A = EventActionKind
S = EventState
X = TypeVar("X")


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
        if not kinds or set(kinds) - set(_TOWNSHIP_CODE_START):
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
_COMMUNITY_SHARE = {"street": 0.85, "town": 0.35, "xiang": 0.0}
_TOWNSHIP_CODE_START = {"street": 1, "town": 100, "xiang": 200}
_CN_NUM = "一二三四五六七八九十"


def load_catalog() -> EventCatalog:
    """The sample event catalog shipped with the core (``gridcore/data/catalog.json``)."""
    text = resources.files("gridcore").joinpath("data", "catalog.json").read_text("utf-8")
    return EventCatalog.from_json(json.loads(text))


def generate(
    size: str | SizeSpec = "S",
    seed: int = DEFAULT_SEED,
    *,
    today: date | None = None,
    catalog: EventCatalog | None = None,
) -> Dataset:
    """A complete demo dataset; ``size`` is a key of :data:`SIZES` or a custom spec.

    Everything happens before ``today`` (default: the local date), the last action a
    minute before it starts. ``catalog`` defaults to :func:`load_catalog`; any catalog
    with active categories works.
    """
    if isinstance(size, SizeSpec):
        spec = size
    else:
        try:
            spec = SIZES[size]
        except KeyError:
            raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}") from None
    spec.check()
    builder = _Builder(
        spec,
        seed,
        today if today is not None else date.today(),
        catalog if catalog is not None else load_catalog(),
    )
    # Millions of small acyclic objects: the cyclic collector would walk the growing heap
    # again and again for nothing (a fifth of the time for L).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return builder.build()
    finally:
        if collecting:
            gc.enable()


# --------------------------------------------------------------------------- helpers

#: The RFC 4122 variant bits (10xx) over a random hex digit.
_UUID_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


class _Weighted(Generic[X]):
    """Weighted choice with precomputed cumulative weights (``random.choices`` rebuilds
    them on every call)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, items: Sequence[X], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("need as many positive weights as items")
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> X:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


_WORK_START = 8 * 3600
_WORK_DAY = 10 * 3600


def _work_clock(t: datetime) -> int:
    """Office seconds (8:00–18:00 CST, every day) from 0001-01-01 to the latest office
    moment not after ``t``: monotonic, so increasing office seconds map back to
    increasing datetimes inside the same window."""
    local = t if t.tzinfo is CST else t.astimezone(CST)
    base = local.toordinal() * _WORK_DAY
    second = local.hour * 3600 + local.minute * 60 + local.second - _WORK_START
    return base - 1 if second < 0 else base + min(second, _WORK_DAY - 1)


def _era(birth: date) -> int:
    return 0 if birth.year < 1960 else 1 if birth.year < 1980 else 2 if birth.year < 2000 else 3


@dataclass(slots=True)
class _Person:
    """A household member being drawn, before it becomes a Resident."""

    relation: Relation
    gender: Gender
    age: int
    surname: str = ""
    partner: int | None = None
    parents: tuple[int, ...] = ()
    away: bool = False
    foreign: bool = False


@dataclass(slots=True)
class _Township:
    area: Area
    name: str
    user: str


@dataclass(slots=True)
class _Home:
    household: Household
    members: list[Resident]
    head: Resident
    is_village: bool
    ages: list[int]
    """Completed years on ``today``, index by index with ``members``."""
    adults: list[str] = field(default_factory=list)
    """Names of members aged 18 or more (the head when there is none)."""
    profile: tuple[str, ...] = ()
    """Visit topic keys (see ``_Builder._profile``)."""


@dataclass(slots=True)
class _Grid:
    area: Area
    township: _Township
    unit_name: str
    is_village: bool
    worker: str
    places: list[str]
    blocks: list[str]
    """村民小组 numbers in a village, 小区 names in a community."""
    roads: list[str]
    homes: list[_Home] = field(default_factory=list)


_HOUR_WEIGHTS = _Weighted(
    list(range(7, 21)),
    [1, 4, 8, 9, 7, 3, 2, 6, 8, 8, 6, 3, 2, 1],
)
_METHODS = _Weighted(
    [VisitMethod.IN_PERSON, VisitMethod.PHONE, VisitMethod.VIDEO, VisitMethod.MEETING,
     VisitMethod.OTHER],
    [78, 14, 3, 4, 1],
)  # fmt: skip
_INTAKE = _Weighted(
    [EventSource.HOTLINE, EventSource.WALK_IN, EventSource.SECRETARY,
     EventSource.HOTLINE_12345, EventSource.OTHER],
    [30, 30, 10, 25, 5],
)  # fmt: skip
_SATISFACTION = _Weighted(
    [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.UNSATISFIED],
    [82, 14, 4],
)
_DISABILITY = _Weighted(
    list(DisabilityCategory),
    # visual, hearing, speech, physical, intellectual, mental, multiple (2006 survey shares)
    [14.9, 24.2, 1.5, 29.1, 6.7, 7.4, 16.3],
)
_DISABILITY_GRADE = _Weighted([1, 2, 3, 4], [10, 20, 30, 40])
_VILLAGE_GRIDS = _Weighted([1, 2, 3], [40, 45, 15])
_HOUSEHOLD_SIZE = _Weighted([1, 2, 3, 4, 5, 6], [15, 27, 25, 18, 10, 5])
_URGENCY_WEIGHT = {Urgency.NORMAL: 80.0, Urgency.URGENT: 17.0, Urgency.CRITICAL: 3.0}
_MONITOR_TAGS = frozenset(
    {
        HouseholdTag.MONITOR_UNSTABLE,
        HouseholdTag.MONITOR_MARGINAL,
        HouseholdTag.MONITOR_SUDDEN_HARDSHIP,
    }
)
_RISK = _Weighted(
    [
        RiskType.ILLNESS,
        RiskType.EDUCATION,
        RiskType.DISABILITY,
        RiskType.DISASTER,
        RiskType.ACCIDENT,
        RiskType.UNSTABLE_EMPLOYMENT,
        RiskType.OTHER,
    ],
    [45, 8, 15, 7, 8, 12, 5],
)
_MEASURES = {
    RiskType.ILLNESS: "落实医疗保障和医疗救助，家庭医生签约服务",
    RiskType.EDUCATION: "落实教育资助和“雨露计划”补助",
    RiskType.DISABILITY: "落实残疾人两项补贴，安排公益性岗位",
    RiskType.DISASTER: "发放受灾救助，协助修缮住房",
    RiskType.ACCIDENT: "发放临时救助，协调保险理赔",
    RiskType.UNSTABLE_EMPLOYMENT: "就业帮扶，推荐务工岗位，发放产业奖补",
    RiskType.OTHER: "结对帮扶，定期走访",
}
_MONITOR = _Weighted(
    [
        HouseholdTag.MONITOR_UNSTABLE,
        HouseholdTag.MONITOR_MARGINAL,
        HouseholdTag.MONITOR_SUDDEN_HARDSHIP,
    ],
    [40, 40, 20],
)

#: Final states of events that were not resolved on the spot, by age of the event.
_RECENT_TARGETS = _Weighted(
    [S.REPORTED, S.ACCEPTED, S.RETURNED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.VERIFIED,
     S.REWORK, S.CLOSED, S.EVALUATED, S.VOIDED, S.HANDED_BACK],
    [10, 6, 3, 8, 12, 8, 5, 2, 22, 18, 2, 1],
)  # fmt: skip
_MONTH_TARGETS = _Weighted(
    _RECENT_TARGETS.items,
    [2, 1.5, 1, 2, 4, 3, 2, 1.5, 30, 50, 3, 0.3],
)
_OLD_TARGETS = _Weighted(
    _RECENT_TARGETS.items,
    [0.2, 0.2, 0.2, 0.3, 0.8, 0.4, 0.3, 0.3, 24, 70, 3.5, 0.05],
)
_FINISHING = frozenset({A.CLOSE, A.VOID, A.SELF_RESOLVE})
M = MediationOutcome
_SENSITIVE = frozenset(g for g in SpecialGroup if g.sensitive)
_COMMENT_POOLS: dict[EventActionKind, tuple[str, ...]] = {
    A.ACCEPT: T.ACCEPT_COMMENTS,
    A.RETURN: T.RETURN_COMMENTS,
    A.RESUBMIT: T.RESUBMIT_COMMENTS,
    A.VOID: T.VOID_COMMENTS,
    A.REWORK: T.REWORK_COMMENTS,
    A.VERIFY: T.VERIFY_COMMENTS,
    A.CLOSE: T.CLOSE_COMMENTS,
    A.HAND_BACK: T.HAND_BACK_COMMENTS,
    A.SECRETARY_REVIEW: T.SECRETARY_REVIEW_COMMENTS,
    A.NOTIFY_ACCEPTANCE: T.NOTIFY_ACCEPTANCE_COMMENTS,
    A.REQUEST_EXTENSION: T.EXTENSION_REASONS,
    A.APPROVE_EXTENSION: T.APPROVE_EXTENSION_COMMENTS,
    A.REFUSE_EXTENSION: T.REFUSE_EXTENSION_COMMENTS,
    A.RETURN_VISIT: T.RETURN_VISIT_COMMENTS,
    A.COMMENT: T.COMMENT_COMMENTS,
}
_HANDLER_ACTIONS = frozenset({A.HANDLE, A.FEEDBACK, A.REQUEST_EXTENSION})
"""Steps of whoever handles the event: the grid worker when it was sent to the grid."""
_WORKER_ACTIONS = frozenset(
    {A.REPORT, A.SELF_RESOLVE, A.RESUBMIT, A.VERIFY, A.REWORK, A.EVALUATE, A.RETURN_VISIT,
     A.COMMENT}
)  # fmt: skip


# --------------------------------------------------------------------------- builder


class _Builder:
    def __init__(self, spec: SizeSpec, seed: int, today: date, catalog: EventCatalog) -> None:
        self.spec = spec
        self.seed = seed
        self.rng = random.Random(seed)
        # Program records draw from their own generator, so adding them changed none of
        # the other records a seed gives.
        self.program_rng = random.Random(f"program-records-{seed}")
        self.today = today
        self.today_ord = today.toordinal()
        self.now = datetime.combine(today, time.min, tzinfo=CST)
        #: The last moment an action may carry: a minute before ``today`` starts.
        self.latest = self.now - timedelta(0, 60)
        self.catalog = catalog
        self.ds = Dataset(catalog)
        self.id_numbers: set[str] = set()
        self.surnames = _Weighted([s for s, _ in T.SURNAMES], [w for _, w in T.SURNAMES])
        self.village_names = self._shuffled(T.VILLAGE_NAMES)
        self.community_names = self._shuffled(T.COMMUNITY_NAMES)
        self.compound_names = self._shuffled(T.COMPOUND_NAMES)
        self.used_units: set[str] = set()
        self._category_tables: dict[bool, _Weighted[EventCategory]] = {}
        self._inactive = [c for c in catalog if not c.active]
        self._topic_cache: dict[tuple[str, ...], list[T.Topic]] = {}
        self._days: dict[int, tuple[int, int, int]] = {}
        self._hex: list[str] = []
        self._urgency_tables: dict[tuple[Urgency, ...], _Weighted[Urgency]] = {}
        if not catalog.active():
            raise ValueError("the event catalog has no active category")

    # -- small draws ----------------------------------------------------------------

    def uid(self) -> str:
        """A version-4 UUID from the seeded generator (drawn 256 at a time: fast)."""
        if not self._hex:
            block = f"{self.rng.getrandbits(128 * 256):08192x}"
            self._hex = [block[i : i + 32] for i in range(8192 - 32, -1, -32)]
        h = self._hex.pop()
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_UUID_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"

    def _shuffled(self, items: Sequence[str]) -> list[str]:
        out = list(items)
        self.rng.shuffle(out)
        return out

    def pick(self, items: Sequence[X]) -> X:
        """``random.choice`` without its Python-level rejection sampling (fast, and the
        bias of ``int(random() * n)`` is far below anything a demo can show)."""
        return items[int(self.rng.random() * len(items))]

    def below(self, n: int) -> int:
        return int(self.rng.random() * n)

    def between(self, low: int, high: int) -> int:
        """An integer in ``[low, high]``, both included."""
        return low + int(self.rng.random() * (high - low + 1))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def tri(self, low: float, high: float, mode: float) -> int:
        return int(self.rng.triangular(low, high, mode))

    def phone(self) -> str:
        return f"{self.pick(T.MOBILE_PREFIXES)}{self.below(100_000_000):08d}"

    def given_name(self, gender: Gender, birth: date) -> str:
        pool = T.MALE_GIVEN if gender is Gender.MALE else T.FEMALE_GIVEN
        return self.pick(pool[_era(birth)])

    def person_name(self, gender: Gender, birth: date, surname: str | None = None) -> str:
        return (surname or self.surnames.pick(self.rng)) + self.given_name(gender, birth)

    def birth_date(self, age: int) -> date:
        days = int((age + self.rng.random()) * 365.2425)
        return date.fromordinal(self.today_ord - max(days, 1))

    def id_number(self, birth: date, gender: Gender) -> str:
        """A unique GB 11643 number: county, birth date, sequence, gender digit (odd for
        men) and the check character (``idnumber.check_character``)."""
        prefix = f"{COUNTY_CODE}{birth.year:04d}{birth.month:02d}{birth.day:02d}"
        odd = 1 if gender is Gender.MALE else 0
        below = self.below
        for _ in range(5000):
            first17 = f"{prefix}{below(100):02d}{below(5) * 2 + odd}"
            number = first17 + check_character(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number
        raise RuntimeError(f"no free ID number for {birth} ({gender.label})")

    def moment(self, day_ordinal: int) -> datetime:
        """A moment on a day, CST, mostly in working hours."""
        seconds = int(self.rng.random() * 3600)
        hour = _HOUR_WEIGHTS.pick(self.rng)
        return datetime(*self._ymd(day_ordinal), hour, seconds // 60, seconds % 60, 0, CST)

    def _ymd(self, day_ordinal: int) -> tuple[int, int, int]:
        ymd = self._days.get(day_ordinal)
        if ymd is None:
            d = date.fromordinal(day_ordinal)
            ymd = self._days[day_ordinal] = (d.year, d.month, d.day)
        return ymd

    def _distinct(self, low: int, high: int, count: int) -> list[int]:
        """``count`` distinct integers in ``[low, high)``, sorted (``random.sample`` is
        slow for the few draws from a wide range done here)."""
        random_ = self.rng.random
        span = high - low
        if span < count:
            raise ValueError("range too small")
        while True:
            values = sorted([low + int(random_() * span) for _ in range(count)])
            if len(set(values)) == count:
                return values

    def _office_moment(self, w: int) -> datetime:
        """The datetime of an office-clock second (see ``_work_clock``)."""
        day, second = divmod(w, _WORK_DAY)
        second += _WORK_START
        return datetime(*self._ymd(day), second // 3600, second // 60 % 60, second % 60, 0, CST)

    def _spread(
        self, start: datetime, end: datetime, count: int, *, to_end: bool = True
    ) -> list[datetime]:
        """``count`` increasing moments in ``(start, end]``, the last one at ``end`` (or
        the working moment just before it) when ``to_end``. Office hours (8:00–18:00) when
        the window has enough of them, any hour otherwise (a same-day emergency)."""
        if count == 0:
            return []
        w0, w1 = _work_clock(start), _work_clock(end)
        if w1 - w0 >= 60 * count:
            if to_end:
                points = [*self._distinct(w0 + 1, w1, count - 1), w1]
            else:
                points = self._distinct(w0 + 1, w1 + 1, count)
            return [self._office_moment(w) for w in points]
        seconds = int((end - start).total_seconds())
        if to_end:
            offsets = [*self._distinct(1, seconds, count - 1), seconds]
        else:
            offsets = self._distinct(1, seconds + 1, count)
        return [start + timedelta(0, s) for s in offsets]

    # -- the whole ----------------------------------------------------------------------

    def build(self) -> Dataset:
        ds = self.ds
        county = Area(
            id=self.uid(), code=COUNTY_CODE + "000000", name=T.COUNTY_NAME, level=AreaLevel.COUNTY
        )
        ds.areas.append(county)
        ds.users.append(DemoUser("admin", DEMO_PASSWORD, Role.ADMIN, county.code, "系统管理员"))
        grids_total = len(self.spec.township_kinds) * self.spec.grids_per_township
        width = max(2, len(str(grids_total)))
        next_code = dict(_TOWNSHIP_CODE_START)
        name_index = {"street": 0, "town": 0, "xiang": 0}
        grids: list[_Grid] = []
        for t_index, kind in enumerate(self.spec.township_kinds, start=1):
            pool = {"street": T.STREET_NAMES, "town": T.TOWN_NAMES, "xiang": T.XIANG_NAMES}[kind]
            name = pool[name_index[kind] % len(pool)]
            name_index[kind] += 1
            code = f"{COUNTY_CODE}{next_code[kind]:03d}000"
            next_code[kind] += 1
            area = Area(
                id=self.uid(),
                code=code,
                name=name,
                level=AreaLevel.TOWNSHIP,
                parent_id=county.id,
                # 填报单位 of its reports: the township government or street office.
                issuer=f"{name}办事处" if kind == "street" else f"{name}人民政府",
            )
            ds.areas.append(area)
            township = _Township(area, name, f"township{t_index:02d}")
            ds.users.append(
                DemoUser(
                    township.user,
                    DEMO_PASSWORD,
                    Role.TOWNSHIP,
                    code,
                    self.person_name(self._gender(), self.birth_date(self.tri(28, 52, 38))),
                )
            )
            for grid in self._township_grids(township, kind):
                grid.worker = f"worker{len(grids) + 1:0{width}d}"
                ds.users.append(
                    DemoUser(
                        grid.worker,
                        DEMO_PASSWORD,
                        Role.WORKER,
                        grid.area.code,
                        self.person_name(self._gender(), self.birth_date(self.tri(24, 55, 38))),
                    )
                )
                grids.append(grid)
        for index, grid in enumerate(grids):
            self._fill_grid(grid)
            self._organizations(grid)
            self._visits(grid)
            self._events(grid, self._coverage(grid) if index == 0 else [])
        self._number_events(grids)
        self._patrols(grids)
        # Last, so that adding them changed none of the records drawn before.
        for grid in grids:
            self._mediations(grid)
        self._all_places(grids)
        for grid in grids:
            self._program_records(grid)
        return ds

    def _number_events(self, grids: list[_Grid]) -> None:
        """事件编号 as the server would have given them: per township and year, in the
        order the events were reported."""
        township_of = {g.area.id: g.township.area.code for g in grids}
        last: dict[tuple[str, int], int] = {}
        for event in sorted(self.ds.events, key=lambda e: (e.reported_at, e.id)):
            key = (township_of[event.grid_id], number_year(event.reported_at))
            last[key] = last.get(key, 0) + 1
            event.number = format_event_number(key[0], key[1], last[key])

    def _gender(self) -> Gender:
        return Gender.MALE if self.chance(0.5) else Gender.FEMALE

    # -- areas ----------------------------------------------------------------------

    def _unit_name(self, village: bool) -> str:
        """A village or community name not yet used in the county."""
        rng = self.rng
        name = ""
        for _ in range(50):
            if village:
                if self.village_names and self.chance(0.5):
                    name = self.village_names.pop()
                else:
                    # A village named after its main clan.
                    name = self.pick(T.VILLAGE_PATTERNS).format(s=self.surnames.pick(rng))
            elif self.community_names:
                name = self.community_names.pop()
            else:
                name = f"{self.pick(T.ROAD_NAMES)}{self.pick('东西南北中')}社区"
            if name not in self.used_units:
                break
        else:
            name = f"{name[:-1]}{len(self.used_units)}{name[-1]}"
        self.used_units.add(name)
        return name

    def _compound_name(self) -> str:
        """A 小区 name not yet used in the county."""
        name = self.compound_names.pop() if self.compound_names else ""
        for _ in range(100):
            if name and name not in self.used_units:
                break
            name = f"{self.pick(T.ROAD_NAMES)}{self.pick(T.COMPOUND_SUFFIXES)}"
            if name in self.used_units:
                name = f"{self.pick(T.COMPOUND_PREFIXES)}{name}"
        else:
            name = f"{name}{len(self.used_units)}期"
        self.used_units.add(name)
        return name

    def _township_grids(self, township: _Township, kind: str) -> list[_Grid]:
        rng = self.rng
        total = self.spec.grids_per_township
        community_grids = round(total * _COMMUNITY_SHARE[kind])
        grids: list[_Grid] = []
        community_code, village_code = 1, 200
        remaining = total
        while remaining > 0:
            is_village = remaining <= total - community_grids
            if is_village:
                count = min(remaining, _VILLAGE_GRIDS.pick(rng))
                code = f"{township.area.code[:9]}{village_code:03d}"
                village_code += 1
                name = self._unit_name(True)
            else:
                count = min(remaining - (total - community_grids), self.between(2, 4))
                code = f"{township.area.code[:9]}{community_code:03d}"
                community_code += 1
                name = self._unit_name(False)
            remaining -= count
            unit = Area(
                id=self.uid(),
                code=code,
                name=name,
                level=AreaLevel.VILLAGE,
                parent_id=township.area.id,
            )
            self.ds.areas.append(unit)
            groups = iter(range(1, 99))
            for k in range(1, count + 1):
                grid_area = Area(
                    id=self.uid(),
                    code=f"{code}{k:03d}",
                    name=f"{name}第{_CN_NUM[k - 1] if k <= 10 else k}网格",
                    level=AreaLevel.GRID,
                    parent_id=unit.id,
                )
                self.ds.areas.append(grid_area)
                if is_village:
                    group_numbers = [next(groups) for _ in range(self.between(3, 5))]
                    places = [f"{name}{g}组" for g in group_numbers] + [
                        f"{name}村委会",
                        f"{name}文化广场",
                        f"{name}小学",
                        f"{name}卫生室",
                        f"{name}{group_numbers[0]}组河边",
                    ]
                    blocks = [str(g) for g in group_numbers]
                    roads: list[str] = []
                else:
                    blocks = [self._compound_name() for _ in range(self.between(1, 3))]
                    roads = rng.sample(T.ROAD_NAMES, 2)
                    places = (
                        [f"{c}小区" for c in blocks]
                        + [f"{c}{self.between(1, 8)}栋" for c in blocks]
                        + [f"{c}地下车库" for c in blocks]
                        + roads
                        + [f"{name}农贸市场"]
                    )
                grids.append(
                    _Grid(
                        area=grid_area,
                        township=township,
                        unit_name=name,
                        is_village=is_village,
                        worker="",
                        places=places,
                        blocks=blocks,
                        roads=roads,
                    )
                )
        return grids

    # -- households and residents ---------------------------------------------------

    def _addresses(self, grid: _Grid, count: int) -> list[str]:
        """``count`` addresses in walking order, so that neighbours share a micro-grid."""
        out: list[str] = []
        unit = grid.unit_name
        if grid.is_village:
            per_group = -(-count // len(grid.blocks))
            for group in grid.blocks:
                number = 0
                for _ in range(per_group):
                    number += 1 if self.chance(0.9) else 2
                    out.append(f"{unit}{group}组{number}号")
            return out[:count]
        buildings = dict.fromkeys(grid.blocks, 0)
        shops_done = False
        while len(out) < count:
            for compound in grid.blocks:
                buildings[compound] += 1
                building = buildings[compound]
                floors = self.pick((6, 6, 7, 11, 18))
                flats = self.pick((2, 2, 3, 4))
                for stair in range(1, self.pick((1, 2, 2, 3)) + 1):
                    for floor in range(1, floors + 1):
                        for flat in range(1, flats + 1):
                            if self.chance(0.85):
                                out.append(
                                    f"{unit}{compound}{building}栋{stair}单元{floor}{flat:02d}"
                                )
            if not shops_done and grid.roads:
                # Street-front houses along the community's road.
                shops_done = True
                road = grid.roads[0]
                out.extend(f"{unit}{road}{n}号" for n in range(2, self.between(12, 60), 2))
        return out[:count]

    def _fill_grid(self, grid: _Grid) -> None:
        rng = self.rng
        low, high = self.spec.grid_households
        count = self.between(low, high)
        addresses = self._addresses(grid, count)
        clans = [self.surnames.pick(rng) for _ in range(2)]
        # Micro-grids: runs of 8–12 neighbouring households.
        micro_area: Area | None = None
        micro_left = 0
        micro_index = 0
        micro_homes: list[list[_Home]] = []
        for index, address in enumerate(addresses):
            if micro_left == 0:
                micro_index += 1
                micro_area = Area(
                    id=self.uid(),
                    code=f"{grid.area.code}{micro_index:03d}",
                    name=f"{grid.area.name}{micro_index}号微网格",
                    level=AreaLevel.MICRO_GRID,
                    parent_id=grid.area.id,
                )
                self.ds.areas.append(micro_area)
                # 8–12 neighbours; the last two runs share what is left (6–12 each).
                left = len(addresses) - index
                micro_left = left if left <= 12 else left // 2 if left < 20 else self.between(8, 12)
                micro_homes.append([])
            assert micro_area is not None
            micro_left -= 1
            home = self._household(grid, address, micro_area.id, clans)
            grid.homes.append(home)
            micro_homes[-1].append(home)
        self._household_tags(grid, micro_homes)
        for home in grid.homes:
            self.ds.households.append(home.household)
            self.ds.residents.extend(home.members)

    def _kid_ages(self, parent_age: int, count: int) -> list[int]:
        """Ages of ``count`` siblings, eldest first: the eldest born when the parent was
        23–35 (19–22 for a young parent), then every two to six years (two whole years
        keep birth dates more than a year apart)."""
        ages = [parent_age - self.between(23, 35)]
        for _ in range(count - 1):
            ages.append(ages[-1] - self.between(2, 6))
        if ages[-1] < 0:
            eldest = max(parent_age - self.between(19, 22), 2 * (count - 1))
            ages = [eldest - 2 * i for i in range(count)]
        return [max(0, a) for a in ages]

    def _compose(self, size: int, floating: bool) -> list[_Person]:
        """Relations, genders and ages of one household's members; index 0 is the head."""
        rng = self.rng
        people: list[_Person] = []
        male, female = Gender.MALE, Gender.FEMALE

        def add(relation: Relation, gender: Gender, age: int, parents: tuple[int, ...] = ()) -> int:
            people.append(_Person(relation, gender, max(0, min(age, 101)), parents=parents))
            return len(people) - 1

        def children(
            parents: tuple[int, ...], count: int, relation: Relation | None = None
        ) -> None:
            # Counted from the younger parent, usually the mother.
            for age in self._kid_ages(min(people[p].age for p in parents), count):
                gender = self._gender()
                kind = relation or (Relation.SON if gender is male else Relation.DAUGHTER)
                add(kind, gender, age, parents)

        def couple(head_age: int, head_male: bool = True) -> tuple[int, int]:
            head = add(Relation.HEAD, male if head_male else female, head_age)
            gap = round(rng.triangular(-3, 7, 2))
            spouse_age = head_age - gap if head_male else head_age + gap
            spouse = add(Relation.SPOUSE, female if head_male else male, max(spouse_age, 20))
            people[head].partner, people[spouse].partner = spouse, head
            return head, spouse

        if floating:
            if size == 1:
                add(Relation.HEAD, male if self.chance(0.7) else female, self.tri(19, 55, 30))
                return people
            couple(max(self.tri(20, 52, 32), 20 + 2 * size))
            children((0, 1), size - 2)
            return people
        if size == 1:
            if self.chance(0.5):
                add(Relation.HEAD, female if self.chance(0.6) else male, self.tri(60, 99, 77))
            else:
                add(Relation.HEAD, male if self.chance(0.65) else female, self.tri(20, 60, 45))
            return people
        if size == 2:
            r = rng.random()
            if r < 0.7:
                couple(self.tri(55, 95, 70) if self.chance(0.45) else self.tri(22, 62, 45))
            elif r < 0.85:
                head = add(
                    Relation.HEAD, female if self.chance(0.6) else male, self.tri(40, 85, 60)
                )
                children((head,), 1)
            else:
                head_age = self.tri(25, 58, 40)
                add(Relation.HEAD, male if self.chance(0.7) else female, head_age)
                add(Relation.PARENT, self._gender(), head_age + self.between(22, 34))
            return people
        if self.chance(0.65):
            # Husband, wife and children, sometimes with the head's parents.
            slots = size - 2
            parents = 0
            if slots >= 2 and self.chance(0.4):
                parents = 2 if slots >= 3 and self.chance(0.4) else 1
            head_age = max(self.tri(26, 64, 46), 22 + 2 * (slots - parents))
            h, s = couple(head_age, self.chance(0.88))
            father_age = head_age + self.between(24, 34)
            if parents == 2:
                f_idx = add(Relation.PARENT, male, father_age)
                m_idx = add(Relation.PARENT, female, father_age - self.between(0, 5))
                people[f_idx].partner, people[m_idx].partner = m_idx, f_idx
            elif parents == 1:
                add(Relation.PARENT, female if self.chance(0.7) else male, father_age)
            children((h, s), slots - parents)
            return people
        # Three generations: the head couple, a married son, grandchildren.
        head_age = self.tri(48, 86, 57)
        h, s = couple(head_age)
        left = size - 3
        son_age = max(head_age - self.between(22, 32), 25 if left else 18)
        son = add(Relation.SON, male, son_age, (h, s))
        grand_parents: tuple[int, ...] = (son,)
        if left > 0:
            cil = add(Relation.CHILD_IN_LAW, female, son_age - round(rng.triangular(-2, 6, 2)))
            people[son].partner, people[cil].partner = cil, son
            grand_parents = (son, cil)
            left -= 1
        grandkids = min(left, 3)
        if grandkids:
            children(grand_parents, grandkids, Relation.GRANDCHILD)
        for _ in range(left - grandkids):
            # An unmarried younger child of the head couple.
            gender = self._gender()
            add(
                Relation.DAUGHTER if gender is female else Relation.SON,
                gender,
                min(son_age - self.between(2, 10), head_age - 22),
                (h, s),
            )
        return people

    def _migrate(self, people: list[_Person]) -> None:
        """Village working-age members who work elsewhere (户在人不在)."""
        for index, person in enumerate(people):
            if person.away:
                continue
            if (
                person.gender is Gender.MALE
                and 20 <= person.age <= 55
                and person.partner is not None
            ):
                if not self.chance(0.36):
                    continue
                person.away = True
                wife = people[person.partner]
                young_kids = any(index in p.parents and p.age < 16 for p in people)
                carer = any(
                    p.age >= 45 and not p.away and p is not wife and p is not person for p in people
                )
                # Both parents leave only when someone stays with the children.
                p_wife = 0.65 if carer else 0.0 if young_kids else 0.45
                if 20 <= wife.age <= 55 and self.chance(p_wife):
                    wife.away = True
            elif (
                person.partner is None
                and person.relation in (Relation.SON, Relation.DAUGHTER, Relation.GRANDCHILD)
                and 18 <= person.age <= 35
                and self.chance(0.45)
            ):
                person.away = True

    def _surnames(self, people: list[_Person], head_surname: str) -> None:
        """Children carry their father's surname; spouses keep their own."""
        people[0].surname = head_surname
        for person in people[1:]:
            if person.relation in (Relation.SON, Relation.DAUGHTER, Relation.GRANDCHILD):
                father = next(
                    (people[p] for p in person.parents if people[p].gender is Gender.MALE), None
                )
                if father is not None:
                    person.surname = father.surname
                elif people[0].gender is Gender.MALE:
                    person.surname = head_surname
            elif person.relation is Relation.PARENT and person.gender is Gender.MALE:
                person.surname = head_surname
            if not person.surname:
                person.surname = self.surnames.pick(self.rng)

    def _household(self, grid: _Grid, address: str, micro_id: str, clans: list[str]) -> _Home:
        rng = self.rng
        floating = self.chance(0.02 if grid.is_village else 0.12)
        size = _HOUSEHOLD_SIZE.pick(rng)
        if floating:
            size = min(size, 4)
        people = self._compose(size, floating)
        if grid.is_village and not floating:
            self._migrate(people)
            spouse = people[1] if len(people) >= 2 else None
            if (
                spouse is not None
                and spouse.relation is Relation.SPOUSE
                and spouse.gender is Gender.FEMALE
                and spouse.age < 50
                and self.chance(0.004)
            ):
                spouse.foreign = True
        self._surnames(
            people,
            self.pick(clans) if grid.is_village and self.chance(0.35) else self.surnames.pick(rng),
        )
        ethnicity = self.pick(T.ETHNIC_MINORITIES) if self.chance(0.03) else "汉族"
        household_id = self.uid()
        names: set[str] = set()
        residents = [
            self._resident(grid, household_id, person, floating, ethnicity, names)
            for person in people
        ]
        today = self.today
        ages = [r.age_on(today) or 0 for r in residents]
        self._resident_groups(grid, people, residents, ages)
        household = Household(
            id=household_id,
            grid_id=grid.area.id,
            address=address,
            number="" if floating else f"{self.between(10**8, 10**9 - 1)}",
            micro_grid_id=micro_id,
            phone=next((r.phone for r in residents if r.phone), ""),
        )
        adults = [r.name for r, age in zip(residents, ages, strict=True) if age >= 18]
        return _Home(
            household, residents, residents[0], grid.is_village, ages, adults or [residents[0].name]
        )

    def _resident(
        self,
        grid: _Grid,
        household_id: str,
        person: _Person,
        floating: bool,
        ethnicity: str,
        names: set[str],
    ) -> Resident:
        birth = self.birth_date(person.age)
        age = person.age
        if person.foreign:
            name = self.pick(T.FOREIGN_NAMES)
        else:
            name = person.surname + self.given_name(person.gender, birth)
            for _ in range(5):
                if name not in names:
                    break
                name = person.surname + self.given_name(person.gender, birth)
        names.add(name)
        if person.foreign:
            ethnicity = ""
        elif person.relation in (Relation.SPOUSE, Relation.CHILD_IN_LAW) and self.chance(0.5):
            ethnicity = "汉族"
        status = ResidenceStatus.CONSISTENT
        id_number = ""
        notes = ""
        if person.foreign:
            population = PopulationType.OVERSEAS
            notes = T.FOREIGN_NOTE
        elif age <= 3 and self.chance(0.01):
            population = PopulationType.UNREGISTERED
            status = ResidenceStatus.PERSON_WITHOUT_HUKOU
            notes = "出生后尚未办理户口登记"
        else:
            id_number = self.id_number(birth, person.gender)
            population = PopulationType.FLOATING if floating else PopulationType.REGISTERED
        if floating:
            status = ResidenceStatus.PERSON_WITHOUT_HUKOU
        elif person.away:
            status = ResidenceStatus.HUKOU_WITHOUT_PERSON
        if person.away:
            workplace = f"外出务工（{self.pick(T.MIGRANT_CITIES)}）"
        elif age < 6:
            workplace = ""
        elif age < 12:
            workplace = f"在校学生（{grid.township.name}中心小学）"
        elif age < 15:
            workplace = f"在校学生（{grid.township.name}中学）"
        elif age < 19:
            workplace = f"在校学生（{T.COUNTY_NAME}第一中学）"
        elif age >= 60:
            workplace = "在家" if grid.is_village or self.chance(0.3) else "退休"
        elif floating:
            workplace = self.pick(T.FLOATING_WORK)
        else:
            workplace = self.pick(T.VILLAGE_WORK if grid.is_village else T.TOWN_WORK)
        if 16 <= age <= 75:
            phone = self.phone() if self.chance(0.95) else ""
        elif age > 75:
            phone = self.phone() if self.chance(0.4) else ""
        else:
            phone = ""
        return Resident(
            id=self.uid(),
            household_id=household_id,
            name=name,
            id_number=id_number,
            gender=person.gender,
            birth_date=birth,
            relation=person.relation,
            ethnicity=ethnicity,
            phone=phone,
            population_type=population,
            residence_status=status,
            workplace=workplace,
            notes=notes,
        )

    def _resident_groups(
        self, grid: _Grid, people: list[_Person], residents: list[Resident], ages: list[int]
    ) -> None:
        """Special-group tags; ``residents`` and ``ages`` match ``people`` index by index."""
        rng = self.rng
        village = grid.is_village
        working_age = [i for i, a in enumerate(ages) if 18 <= a <= 59]
        all_working_away = bool(working_age) and all(people[i].away for i in working_age)
        elderly_only = all(a >= 60 for a in ages)
        random_ = rng.random
        for i, (person, resident) in enumerate(zip(people, residents, strict=True)):
            age = ages[i]
            male = person.gender is Gender.MALE
            # 老年人 60+/80+ are derived from the birth date, never stored (they go stale).
            tags: list[SpecialGroup] = []
            if village and not person.away:
                if age < 16 and person.parents and all(people[p].away for p in person.parents):
                    tags.append(SpecialGroup.LEFT_BEHIND_CHILD)
                if (
                    not male
                    and 20 <= age <= 60
                    and person.partner is not None
                    and people[person.partner].away
                ):
                    tags.append(SpecialGroup.LEFT_BEHIND_WOMAN)
                if age >= 60 and (all_working_away or (elderly_only and random_() < 0.5)):
                    tags.append(SpecialGroup.LEFT_BEHIND_ELDER)
            p_disabled = 0.02 if age < 18 else 0.045 if age < 60 else 0.12 if age < 80 else 0.2
            mental_illness = age >= 15 and random_() < 0.003
            if mental_illness:
                tags.append(SpecialGroup.SEVERE_MENTAL_ILLNESS)
            if random_() < (0.5 if mental_illness else p_disabled):
                tags.append(SpecialGroup.DISABLED)
                resident.disability_category = (
                    DisabilityCategory.MENTAL
                    if mental_illness and random_() < 0.8
                    else _DISABILITY.pick(rng)
                )
                resident.disability_grade = _DISABILITY_GRADE.pick(rng)
            if age >= 18:
                p_party = 0.05 if age < 36 else 0.08 if age < 60 else 0.13
                if random_() < (p_party * (1.3 if male else 0.7)):
                    tags.append(SpecialGroup.PARTY_MEMBER)
            if age >= 40 and random_() < (0.015 if male else 0.005):
                tags.append(SpecialGroup.VETERAN_FAMILY)
            if 6 <= age <= 25 and random_() < 0.008:
                tags.append(SpecialGroup.KEY_YOUTH)
            if 20 <= age <= 65 and not person.foreign:
                if random_() < (0.004 if male else 0.0006):
                    tags.append(SpecialGroup.RELEASED_PRISONER)
                if random_() < (0.003 if male else 0.0008):
                    tags.append(SpecialGroup.COMMUNITY_CORRECTION)
                if random_() < (0.003 if male else 0.0008):
                    tags.append(SpecialGroup.DRUG_USER)
            if tags:
                resident.tags = frozenset(tags)
        self._derived_details(people, residents, ages)

    @staticmethod
    def _derived_details(people: list[_Person], residents: list[Resident], ages: list[int]) -> None:
        """What follows from the household without drawing: 独居/空巢老人, the guardian of
        a left-behind child (the oldest adult at home) and the 残疾证号 (the ID number,
        then the category and grade digits, as on the 残疾人证)."""
        at_home = [i for i, p in enumerate(people) if not p.away]
        if at_home and all(ages[i] >= 60 for i in at_home):
            group = (
                SpecialGroup.ELDER_LIVING_ALONE
                if len(at_home) == 1
                else SpecialGroup.EMPTY_NEST_ELDER
            )
            for i in at_home:
                residents[i].tags = residents[i].tags | {group}
        adults = sorted((i for i in at_home if ages[i] >= 18), key=lambda i: -ages[i])
        for resident in residents:
            if SpecialGroup.LEFT_BEHIND_CHILD in resident.tags and adults:
                keeper = residents[adults[0]]
                old = ages[adults[0]] >= 45
                if keeper.gender is Gender.FEMALE:
                    role = "祖母" if old else "母亲"
                else:
                    role = "祖父" if old else "父亲"
                resident.guardian = f"{role} {keeper.name}"
                resident.guardian_phone = keeper.phone
            if (
                SpecialGroup.DISABLED in resident.tags
                and len(resident.id_number) == 18
                and resident.disability_category is not None
                and resident.disability_grade is not None
            ):
                category = list(DisabilityCategory).index(resident.disability_category) + 1
                resident.disability_certificate = (
                    f"{resident.id_number}{category}{resident.disability_grade}"
                )

    def _household_tags(self, grid: _Grid, micro_homes: list[list[_Home]]) -> None:
        """Assistance, poverty monitoring, honours and the micro-grid's core household."""
        rng = self.rng
        registered = [
            h for h in grid.homes if h.head.population_type is not PopulationType.FLOATING
        ]
        scores: list[float] = []
        for home in registered:
            ages = home.ages
            score = 1.0
            if any(SpecialGroup.DISABLED in r.tags for r in home.members):
                score += 4.0
            if len(home.members) == 1 and ages[0] >= 60:
                score += 3.0
            if all(a >= 60 for a in ages):
                score += 1.0
            if any(SpecialGroup.SEVERE_MENTAL_ILLNESS in r.tags for r in home.members):
                score += 3.0
            scores.append(score)
        mean = sum(scores) / len(scores) if scores else 1.0
        tags: dict[str, set[HouseholdTag]] = {h.household.id: set() for h in grid.homes}
        for home, score in zip(registered, scores, strict=True):
            own = tags[home.household.id]
            ages = home.ages
            lonely = len(home.members) == 1 and (
                ages[0] >= 60
                or (home.head.disability_grade is not None and home.head.disability_grade <= 2)
            )
            if lonely and self.chance(0.065):
                own.add(HouseholdTag.EXTREME_POVERTY)
            elif self.chance(min(0.6, 0.03 * score / mean)):
                own.add(HouseholdTag.MINIMUM_LIVING)
            if self.chance(min(0.5, 0.01 * score / mean)):
                own.add(HouseholdTag.TEMPORARY_ASSISTANCE)
            if self.chance((0.02 if home.is_village else 0.005) * min(score, 4.0) / mean):
                own.add(_MONITOR.pick(rng))
            if not own and not any(r.tags & _SENSITIVE for r in home.members) and self.chance(0.04):
                own.add(HouseholdTag.TEN_STAR_CIVILISED)
        party_homes = [
            h for h in grid.homes if any(SpecialGroup.PARTY_MEMBER in r.tags for r in h.members)
        ]
        for home in rng.sample(party_homes, min(len(party_homes), self.between(1, 3))):
            tags[home.household.id].add(HouseholdTag.PARTY_CENTRAL)
        for homes in micro_homes:
            core = _Weighted(homes, [self._core_weight(h) for h in homes]).pick(rng)
            tags[core.household.id].add(HouseholdTag.GRID_CORE)
        for home in grid.homes:
            own = tags[home.household.id]
            if own:
                home.household.tags = frozenset(own)
            if HouseholdTag.EXTREME_POVERTY in own:
                home.household.notes = "分散供养"
            elif len(home.members) == 1 and home.ages[0] >= 70:
                home.household.notes = "独居老人，已纳入重点关爱"

    def _core_weight(self, home: _Home) -> float:
        """How likely a household is to be its micro-grid's 网格核心户."""
        adults = sum(
            1
            for r, age in zip(home.members, home.ages, strict=True)
            if 30 <= age <= 65 and r.residence_status is not ResidenceStatus.HUKOU_WITHOUT_PERSON
        )
        party = any(SpecialGroup.PARTY_MEMBER in r.tags for r in home.members)
        floating = home.head.population_type is PopulationType.FLOATING
        return (1.0 + adults) * (3.0 if party else 1.0) * (0.1 if floating else 1.0)

    # -- program records ----------------------------------------------------------------

    def _program_records(self, grid: _Grid) -> None:
        """帮扶记录 behind the household tags (an open record per program tag: 低保,
        特困供养, 临时救助, 防返贫监测 under way), 优抚 for households with a 优抚对象, and a
        few 防返贫监测 records closed with the risk cleared (their tag gone)."""
        rng = self.program_rng
        issuer = grid.township.area.issuer

        def uid() -> str:
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))

        def since(low: int, high: int) -> date:
            return self.today - timedelta(days=rng.randint(low, high))

        def add(household: Household, program: Program, **values: object) -> None:
            record = ProgramRecord(
                id=uid(),
                household_id=household.id,
                program=program,
                approved_by=issuer,
                **values,  # type: ignore[arg-type]
            )
            self.ds.program_records.append(record)

        for home in grid.homes:
            household = home.household
            tags = household.tags
            if HouseholdTag.MINIMUM_LIVING in tags:
                add(
                    household,
                    Program.MINIMUM_LIVING,
                    started_on=since(60, 2000),
                    amount=rng.randrange(300, 800, 10),
                    measures="按月发放低保金",
                )
            if HouseholdTag.EXTREME_POVERTY in tags:
                add(
                    household,
                    Program.EXTREME_POVERTY,
                    started_on=since(60, 2500),
                    amount=rng.randrange(800, 1200, 10),
                    measures="分散供养，按月发放基本生活费，落实照料护理",
                )
            if HouseholdTag.TEMPORARY_ASSISTANCE in tags:
                add(
                    household,
                    Program.TEMPORARY_ASSISTANCE,
                    started_on=since(10, 300),
                    amount=rng.randrange(500, 5000, 100),
                    measures="发放临时救助金",
                )
            if tags & _MONITOR_TAGS:
                status = rng.choice(
                    [
                        MonitorStatus.IDENTIFIED,
                        MonitorStatus.ASSISTING,
                        MonitorStatus.ASSISTING,
                        MonitorStatus.NOT_CLEARED,
                    ]
                )
                risk = _RISK.pick(rng)
                add(
                    household,
                    Program.MONITORED,
                    started_on=since(20, 700),
                    status=status,
                    risk_type=risk,
                    measures="" if status is MonitorStatus.IDENTIFIED else _MEASURES[risk],
                )
            elif home.is_village and not tags and rng.random() < 0.006:
                risk = _RISK.pick(rng)
                started = since(400, 1100)
                add(
                    household,
                    Program.MONITORED,
                    started_on=started,
                    ended_on=started + timedelta(days=rng.randint(180, 380)),
                    status=MonitorStatus.CLEARED,
                    risk_type=risk,
                    measures=_MEASURES[risk],
                )
            if any(SpecialGroup.VETERAN_FAMILY in r.tags for r in home.members):
                add(
                    household,
                    Program.SPECIAL_CARE,
                    started_on=since(300, 4000),
                    amount=rng.randrange(1000, 3000, 100),
                    measures="按季发放优待金，节日走访慰问",
                )

    # -- organizations ------------------------------------------------------------------

    def _adult(self, grid: _Grid) -> Resident:
        for _ in range(20):
            home = self.pick(grid.homes)
            person = self.pick(home.members)
            if 25 <= (person.age_on(self.today) or 0) <= 70:
                return person
        return grid.homes[0].head

    def _organizations(self, grid: _Grid) -> None:
        rng = self.rng
        unit = grid.unit_name
        first_grid = grid.area.code.endswith("001")
        K = OrganizationKind
        items: list[tuple[OrganizationKind, str, int, str]] = []
        office = f"{unit}村委会" if grid.is_village else f"{unit}居委会"
        if first_grid:
            items += [
                (K.MEDIATION_COMMITTEE, f"{unit}人民调解委员会", self.between(5, 9), office),
                (K.ELDERLY_ASSOCIATION, f"{unit}老年人协会", self.between(40, 200), office),
                (K.ANTI_DRUG_GAMBLING, f"{unit}禁毒禁赌协会", self.between(9, 15), office),
            ]
            if grid.is_village:
                items.append(
                    (K.WEDDING_FUNERAL_COUNCIL, f"{unit}红白理事会", self.between(7, 11), office)
                )
            else:
                items += [
                    (K.OTHER, f"{c}业主委员会", self.between(5, 9), f"{unit}{c}")
                    for c in grid.blocks
                ]
        items += [
            (K.PARTY_BRANCH, f"{grid.area.name}党小组", self.between(5, 15), office),
            (K.VOLUNTEER_TEAM, f"{grid.area.name}志愿服务队", self.between(10, 30), office),
        ]
        patterns = T.SHOP_PATTERNS_VILLAGE if grid.is_village else T.SHOP_PATTERNS_COMMUNITY
        for pattern in rng.sample(patterns, self.between(2, 5)):
            name = pattern.format(
                s=self.surnames.pick(rng),
                unit=unit,
                crop=self.pick(T.CROPS),
                compound=self.pick(grid.blocks) if not grid.is_village else "",
                road=self.pick(grid.roads) if grid.roads else "",
            )
            address = self.pick(grid.homes).household.address
            items.append((K.ENTERPRISE, name, self.between(1, 12), address))
        for kind, name, members, address in items:
            leader = self._adult(grid)
            self.ds.organizations.append(
                Organization(
                    id=self.uid(),
                    grid_id=grid.area.id,
                    name=name,
                    kind=kind,
                    leader=leader.name,
                    phone=leader.phone,
                    members=members,
                    address=address,
                )
            )

    # -- mediations ----------------------------------------------------------------------

    def _mediations(self, grid: _Grid) -> None:
        """调解 of the grid's dispute events that were taken up (accepted or resolved on
        the spot): one record each, by the unit's 人民调解委员会, with one to three
        sessions; finished ones mostly 调解成功 with a written or oral agreement and a
        回访, open ones 进行中, a few 调解不成 or 转其他途径."""
        committee = next(
            (
                o
                for o in self.ds.organizations
                if o.kind is OrganizationKind.MEDIATION_COMMITTEE
                and o.name.startswith(grid.unit_name)
            ),
            None,
        )
        actions: dict[str, list[EventActionKind]] = {}
        for action in self.ds.event_actions:
            actions.setdefault(action.event_id, []).append(action.kind)
        office = "村委会调解室" if grid.is_village else "社区调解室"
        for event in self.ds.events:
            if event.grid_id != grid.area.id or event.category_code not in self.catalog:
                continue
            if self.catalog.get(event.category_code).group is not EventGroup.DISPUTE:
                continue
            kinds = actions.get(event.id, [])
            if not {A.ACCEPT, A.SELF_RESOLVE} & set(kinds) or A.VOID in kinds:
                continue
            if not self.chance(0.9):
                continue
            finished = A.CLOSE in kinds or A.SELF_RESOLVE in kinds
            r = self.rng.random()
            if finished:
                outcome = M.SUCCESS if r < 0.82 else M.FAILED if r < 0.93 else M.REFERRED
            else:
                outcome = M.IN_PROGRESS if r < 0.75 else M.FAILED if r < 0.88 else M.REFERRED
            on_the_spot = A.SELF_RESOLVE in kinds  # 小事不出网格: mediated there and then
            reported = event.reported_at.astimezone(CST).date()
            start = min(
                reported + timedelta(days=0 if on_the_spot else self.between(0, 2)), self.today
            )
            sessions: list[MediationSession] = []
            day = start
            times = (
                1
                if on_the_spot or (outcome is M.IN_PROGRESS and self.chance(0.5))
                else self.between(1, 3)
            )
            for n in range(times):
                if day > self.today:
                    break
                if on_the_spot:
                    place, note = "纠纷现场", "网格员现场调解，双方当场达成一致"
                else:
                    place = office if n == 0 or self.chance(0.6) else self.pick(T.MEDIATION_PLACES)
                    notes = T.MEDIATION_NOTES[n > 0]
                    note = notes[(n - 1) % len(notes)] if n else self.pick(notes)
                sessions.append(MediationSession(on=day, place=place, note=note))
                day += timedelta(days=self.between(2, 6))
            names = [p for p in event.people_involved.split("、") if p]
            if len(names) < 2:  # the report named one side: the other is a neighbour
                names = names or [self.pick(grid.homes).head.name]
                other = names[0]
                for _ in range(5):
                    if other != names[0]:
                        break
                    other = self.pick(grid.homes).head.name
                names.append(other)
            a, b = names[0], names[-1]
            agreement_kind = MediationAgreement.NONE
            agreement = ""
            follow_up = ""
            if outcome is M.SUCCESS:
                written = not on_the_spot and self.chance(0.7)
                agreement_kind = MediationAgreement.WRITTEN if written else MediationAgreement.ORAL
                agreement = self.pick(T.MEDIATION_AGREEMENTS).format(
                    a=a, b=b, n=self.between(3, 30) * 100
                )
                last = sessions[-1].on
                if (self.today - last).days > 7:
                    visit = last + timedelta(days=self.between(5, 7))
                    follow_up = f"{visit.month}月{visit.day}日回访，" + self.pick(
                        T.MEDIATION_FOLLOW_UPS
                    )
            elif outcome is M.FAILED:
                follow_up = "双方分歧较大，已告知可向人民法院起诉"
            elif outcome is M.REFERRED:
                follow_up = self.pick(T.MEDIATION_REFERRALS)
            self.ds.mediations.append(
                Mediation(
                    id=self.uid(),
                    event_id=event.id,
                    started_on=start,
                    mediator=committee.leader if committee is not None else "",
                    committee=committee.name
                    if committee is not None
                    else f"{grid.unit_name}人民调解委员会",
                    parties=f"{a}、{b}",
                    sessions=tuple(sessions),
                    agreement=agreement,
                    agreement_kind=agreement_kind,
                    outcome=outcome,
                    follow_up=follow_up,
                )
            )

    # -- places (地、物) -----------------------------------------------------------------

    def _all_places(self, grids: list[_Grid]) -> None:
        """Places and their checks, drawn last from a generator of their own so that
        adding them changed none of the records generated before them."""
        saved = self.rng, self._hex
        self.rng, self._hex = random.Random(f"places-{self.seed}"), []
        names = {u.username: u.display_name for u in self.ds.users}
        try:
            for grid in grids:
                self._places(grid, names.get(grid.worker, grid.worker))
        finally:
            self.rng, self._hex = saved

    def _places(self, grid: _Grid, inspector: str) -> None:
        K = PlaceKind
        unit = grid.unit_name
        first_grid = grid.area.code.endswith("001")
        # (kind, name, address, key place, risk level)
        items: list[tuple[PlaceKind, str, str, bool, RiskLevel | None]] = []
        road = self.pick(grid.roads) if grid.roads else unit
        if first_grid:
            school = f"{unit}小学" if grid.is_village else f"{unit}幼儿园"
            clinic = f"{unit}村卫生室" if grid.is_village else f"{unit}社区卫生服务站"
            items += [
                (K.SCHOOL, school, self._place_address(grid), True, RiskLevel.GENERAL),
                (K.MEDICAL, clinic, self._place_address(grid), False, None),
            ]
        patterns = T.SHOP_PATTERNS_VILLAGE if grid.is_village else T.SHOP_PATTERNS_COMMUNITY
        for pattern in self.rng.sample(patterns, self.between(1, 3)):
            name = pattern.format(
                s=self.surnames.pick(self.rng),
                unit=unit,
                crop=self.pick(T.CROPS),
                compound=self.pick(grid.blocks) if not grid.is_village else "",
                road=road,
            )
            items.append((K.SHOP, name, self._place_address(grid), False, None))
        for _ in range(self.between(1, 3)):
            address = self._place_address(grid)
            items.append((K.RENTAL_HOUSING, f"{address}出租房", address, False, None))
        if self.chance(0.5):
            name = f"{self.surnames.pick(self.rng)}记液化气供应点"
            items.append(
                (K.HAZARDOUS_CHEMICALS, name, self._place_address(grid), True, RiskLevel.MAJOR)
            )
        if grid.is_village:
            items.append(
                (K.WATER, f"{unit}{self.pick('东西南北')}塘", f"{unit}村口", True, RiskLevel.MAJOR)
            )
            if self.chance(0.3):
                items.append(
                    (K.GEOLOGICAL_HAZARD, f"{unit}后山滑坡隐患点", f"{unit}后山", True,
                     RiskLevel.SEVERE)
                )  # fmt: skip
        else:
            block = self.pick(grid.blocks)
            items += [
                (K.FACILITY, f"{block}小区电梯（{self.between(1, 8)}栋）", f"{block}小区",
                 False, RiskLevel.GENERAL),
                (K.FIRE_KEY, f"{block}小区地下车库", f"{block}小区", True, RiskLevel.MAJOR),
            ]  # fmt: skip
        if self.chance(0.2):
            items.append((K.CONSTRUCTION_SITE, f"{road}道路改造工地", road, True, RiskLevel.MAJOR))
        micro_of = {h.household.address: h.household.micro_grid_id for h in grid.homes}
        for kind, name, address, key, risk in items:
            contact = self._adult(grid)
            place = Place(
                id=self.uid(),
                grid_id=grid.area.id,
                name=name,
                kind=kind,
                micro_grid_id=micro_of.get(address),
                address=address,
                contact=contact.name,
                phone=contact.phone,
                risk_level=risk,
                is_key=key,
            )
            self.ds.places.append(place)
            self._inspections(inspector, place)

    def _place_address(self, grid: _Grid) -> str:
        return self.pick(grid.homes).household.address

    def _inspections(self, inspector: str, place: Place) -> None:
        """Key places checked every month or two, others now and then; a hazard found
        is rechecked by its deadline (most of them rectified by then)."""
        count = self.between(3, 6) if place.is_key else self.between(0, 2)
        days = sorted(self.between(1, 360) for _ in range(count))
        for ago in reversed(days):
            day = self.today - timedelta(ago)
            hazard = self.chance(0.25)
            findings, hazards = self.pick(T.PLACE_CHECKS[place.kind.value if hazard else ""])
            check = PlaceInspection(
                id=self.uid(),
                place_id=place.id,
                inspector=inspector,
                inspected_on=day,
                findings=findings,
                hazards=hazards if hazard else "",
                rectify_by=day + timedelta(self.pick((3, 7, 15))) if hazard else None,
                server_at=datetime.combine(day, time(10), tzinfo=CST),
            )
            self.ds.place_inspections.append(check)
            if hazard and check.rectify_by is not None and check.rectify_by < self.today:
                fixed = self.chance(0.85)
                self.ds.place_inspections.append(
                    PlaceInspection(
                        id=self.uid(),
                        place_id=place.id,
                        inspector=inspector,
                        inspected_on=check.rectify_by,
                        findings="复查：已按要求整改" if fixed else "复查：尚未整改到位，再次督促",
                        hazards=hazards,
                        rectify_by=None if fixed else check.rectify_by + timedelta(7),
                        rectified=fixed,
                        server_at=datetime.combine(check.rectify_by, time(10), tzinfo=CST),
                    )
                )

    # -- visits -------------------------------------------------------------------------

    def _profile(self, home: _Home) -> tuple[str, ...]:
        keys = ["general"]
        members = home.members
        if any((r.age_on(self.today) or 0) >= 60 for r in members):
            keys.append("elderly")
            if len(members) == 1:
                keys.append("elderly")
        if home.household.tags & {
            HouseholdTag.MINIMUM_LIVING,
            HouseholdTag.EXTREME_POVERTY,
            HouseholdTag.TEMPORARY_ASSISTANCE,
            HouseholdTag.MONITOR_MARGINAL,
            HouseholdTag.MONITOR_UNSTABLE,
            HouseholdTag.MONITOR_SUDDEN_HARDSHIP,
        }:
            keys += ["assistance", "assistance"]
        if any(SpecialGroup.DISABLED in r.tags for r in members):
            keys.append("disabled")
        if any(SpecialGroup.LEFT_BEHIND_CHILD in r.tags for r in members):
            keys.append("left_behind")
        if any(r.tags & _SENSITIVE for r in members):
            keys += ["special", "special"]
        if home.head.population_type is PopulationType.FLOATING:
            keys.append("floating")
        return tuple(keys)

    def _topics(self, profile: tuple[str, ...]) -> list[T.Topic]:
        cached = self._topic_cache.get(profile)
        if cached is None:
            pools = {
                "general": T.GENERAL_TOPICS,
                "elderly": T.ELDERLY_TOPICS,
                "assistance": T.ASSISTANCE_TOPICS,
                "disabled": T.DISABLED_TOPICS,
                "left_behind": T.LEFT_BEHIND_TOPICS,
                "special": T.SPECIAL_TOPICS,
                "floating": T.FLOATING_TOPICS,
            }
            cached = []
            for key in profile:
                # Each key weighs the same whatever the size of its pool.
                pool = pools[key]
                cached += list(pool) * (len(T.GENERAL_TOPICS) // len(pool) or 1)
            self._topic_cache[profile] = cached
        return cached

    def _visits(self, grid: _Grid) -> None:
        rng = self.rng
        weights: list[float] = []
        for home in grid.homes:
            home.profile = profile = self._profile(home)
            w = 0.75 + 0.5 * (len(profile) - 1)
            weights.append(w)
        mean = sum(weights) / len(weights)
        rate = self.spec.visits_per_household
        out = self.ds.visits
        uid, random_ = self.uid, rng.random
        first_day = self.today_ord - HISTORY_DAYS
        worker, grid_id = grid.worker, grid.area.id
        methods, m_cum, m_total = _METHODS.items, _METHODS.cum, _METHODS.total
        phone_topics, meeting_topic = T.PHONE_TOPICS, T.MEETING_TOPICS[0]
        moment = self.moment
        for home, w in zip(grid.homes, weights, strict=True):
            expected = rate * w / mean * rng.uniform(0.6, 1.4)
            n = int(expected) + (1 if random_() < expected % 1 else 0)
            if n == 0:
                continue
            topics = self._topics(home.profile)
            days = sorted([first_day + int(random_() * HISTORY_DAYS) for _ in range(n)])
            household_id = home.household.id
            for day in days:
                method = methods[bisect.bisect_right(m_cum, random_() * m_total)]
                if method is VisitMethod.PHONE:
                    topic = phone_topics[int(random_() * len(phone_topics))]
                elif method is VisitMethod.MEETING:
                    topic = meeting_topic
                else:
                    topic = topics[int(random_() * len(topics))]
                content, findings, responses = topic
                need, follow_up = responses[int(random_() * len(responses))]
                out.append(
                    Visit(
                        id=uid(),
                        household_id=household_id,
                        grid_id=grid_id,
                        visitor=worker,
                        visited_at=moment(day),
                        method=method,
                        content=content,
                        findings=findings[int(random_() * len(findings))],
                        needs=need,
                        follow_up=follow_up,
                    )
                )

    # -- patrols ------------------------------------------------------------------------

    def _patrols(self, grids: list[_Grid]) -> None:
        """巡查: each grid worker's patrols of the last :data:`PATROL_DAYS` days (most
        days but Sundays, and every day they reported an event, which the patrol links).
        Drawn from a generator of their own, so adding them changed no other record."""
        rng = random.Random(self.seed * 7919 + 3)

        def uid() -> str:
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))

        reported: dict[tuple[str, date], list[Event]] = {}
        for event in self.ds.events:
            if event.source is EventSource.GRID_WORKER:
                day = event.reported_at.astimezone(CST).date()
                reported.setdefault((event.grid_id, day), []).append(event)
        first = self.today_ord - PATROL_DAYS
        for grid in grids:
            spots = T.PATROL_SPOTS_VILLAGE if grid.is_village else T.PATROL_SPOTS_COMMUNITY
            for ordinal in range(first, self.today_ord):
                day = date.fromordinal(ordinal)
                events = sorted(
                    (e for e in reported.get((grid.area.id, day), ()) if e.reporter == grid.worker),
                    key=lambda e: e.reported_at,
                )
                if not events and (day.weekday() == 6 or rng.random() < 0.15):
                    continue
                start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=CST) + timedelta(
                    minutes=int(rng.random() * 90)
                )
                if events:
                    findings = "；".join(e.title for e in events) + "。已现场上报事件。"
                elif rng.random() < 0.35:
                    findings = rng.choice(T.PATROL_FINDINGS)
                else:
                    findings = T.PATROL_NOTHING
                self.ds.patrols.append(
                    Patrol(
                        id=uid(),
                        grid_id=grid.area.id,
                        patroller=grid.worker,
                        patrol_date=day,
                        started_at=start,
                        ended_at=start + timedelta(minutes=90 + int(rng.random() * 90)),
                        route="—".join(rng.sample(grid.places, min(4, len(grid.places)))),
                        places="、".join(rng.sample(spots, 2)),
                        findings=findings,
                        event_ids=tuple(e.id for e in events),
                    )
                )

    # -- events -------------------------------------------------------------------------

    def _categories(self, village: bool) -> _Weighted[EventCategory]:
        table = self._category_tables.get(village)
        if table is None:
            setting = "village" if village else "community"
            active = [
                c
                for c in self.catalog.active()
                if T.CATEGORY_SETTING.get(c.code, setting) == setting
            ] or self.catalog.active()
            group_totals: dict[EventGroup, float] = {}
            for c in active:
                group_totals[c.group] = group_totals.get(c.group, 0.0) + T.CATEGORY_WEIGHT.get(
                    c.code, 1.0
                )
            weights = [
                T.GROUP_WEIGHT.get(c.group.value, 0.1)
                * T.CATEGORY_WEIGHT.get(c.code, 1.0)
                / group_totals[c.group]
                for c in active
            ]
            table = _Weighted(active, weights)
            self._category_tables[village] = table
        return table

    def _urgencies(self, category: EventCategory) -> _Weighted[Urgency]:
        present = tuple(
            u for u in Urgency if u in category.time_limits or u in category.hour_limits
        ) or (Urgency.NORMAL,)
        table = self._urgency_tables.get(present)
        if table is None:
            table = _Weighted(present, [_URGENCY_WEIGHT[u] for u in present])
            self._urgency_tables[present] = table
        return table

    def _coverage(self, grid: _Grid) -> list[tuple[EventState | None, EventCategory | None]]:
        """Events the first grid always has, so that even S shows every state, group and
        ledger of the catalog."""
        table = self._categories(grid.is_village)
        chosen: list[EventCategory] = []
        for group in EventGroup:
            options = [c for c in table.items if c.group is group] or [
                c for c in self.catalog.active() if c.group is group
            ]
            if options:
                chosen.append(self.pick(options))
        for ledger in Ledger:
            if all(c.ledger is not ledger for c in chosen):
                chosen += [c for c in self.catalog.active() if c.ledger is ledger][:1]
        states: list[EventState | None] = list(EventState)
        length = max(len(states), len(chosen))
        return [
            (
                states[i] if i < len(states) else None,
                chosen[i] if i < len(chosen) else None,
            )
            for i in range(length)
        ]

    def _events(
        self, grid: _Grid, forced: list[tuple[EventState | None, EventCategory | None]]
    ) -> None:
        rng = self.rng
        n = round(len(grid.homes) * self.spec.events_per_household * rng.uniform(0.85, 1.15))
        table = self._categories(grid.is_village)
        for i in range(max(n, len(forced))):
            target, category = forced[i] if i < len(forced) else (None, None)
            if target is None:
                age = self.between(1, HISTORY_DAYS)
            elif target.is_open or target is S.RETURNED:
                age = self.between(1, 40)
            else:
                age = self.between(20, 300)
            if category is None:
                if self._inactive and age > 400 and self.chance(0.01):
                    category = self.pick(self._inactive)
                else:
                    category = table.pick(rng)
            if target is S.SELF_RESOLVED and not category.self_resolvable:
                category = self.pick([c for c in table.items if c.self_resolvable])
            self._event(grid, category, age, target)

    def _event(
        self, grid: _Grid, category: EventCategory, age: int, forced: EventState | None
    ) -> None:
        rng = self.rng
        group = category.group.value
        urgency = self._urgencies(category).pick(rng)
        reported_at = self.moment(self.today_ord - age)
        # Who and where.
        home = self.pick(grid.homes)
        a = home.head.name if self.chance(0.7) else self.pick(home.adults)
        b = self.pick(grid.homes).head.name
        if b == a:
            b = self.person_name(self._gender(), self.birth_date(self.tri(25, 70, 45)))
        place = self.pick(grid.places)
        titles, descriptions = T.EVENT_TEXTS.get(category.code) or T.GROUP_TEXTS.get(
            group, T.GROUP_TEXTS["appeal"]
        )
        k = self.below(len(titles))
        title_t = titles[k]
        description_t = (
            descriptions[k] if len(descriptions) == len(titles) else self.pick(descriptions)
        )
        values = {
            "a": a,
            "b": b,
            "addr": home.household.address,
            "place": place,
            "unit": grid.unit_name,
        }
        used = title_t + description_t
        personal = "{a}" in used or "{addr}" in used or group in ("dispute", "appeal", "service")
        at_home = "{addr}" in used or (personal and "{place}" not in used)
        event = Event(
            id=self.uid(),
            grid_id=grid.area.id,
            category_code=category.code,
            ledger=category.ledger,
            urgency=urgency,
            title=title_t.format(**values),
            reporter=grid.worker,
            reported_at=reported_at,
            description=description_t.format(**values),
            location=home.household.address if at_home else place,
            people_involved=(f"{a}、{b}" if "{b}" in used else a) if personal else "",
            household_id=home.household.id if personal else None,
        )
        event = stamp_terms(event, self.catalog)
        # The state it ends in.
        if forced is not None:
            target = forced
            self_resolved = forced is S.SELF_RESOLVED
        else:
            self_resolved = category.self_resolvable and self.chance(
                T.SELF_RESOLVE_SHARE.get(group, 0.1)
            )
            if self_resolved:
                target = S.EVALUATED if age > 2 and self.chance(0.55) else S.SELF_RESOLVED
            else:
                table = (
                    _RECENT_TARGETS if age <= 7 else _MONTH_TARGETS if age <= 30 else _OLD_TARGETS
                )
                target = table.pick(rng)
        steps = self._plan(target, self_resolved)
        # Township intake (热线, 来访, 书记接待, 12345): an event that never went back to
        # a grid worker's hands before it was accepted.
        if not self_resolved and A.RETURN not in steps and self.chance(0.06):
            event = dataclasses.replace(
                event, source=_INTAKE.pick(rng), reporter=grid.township.user
            )
        self.ds.events.append(event)
        self._history(grid, event, category, steps, target)

    def _plan(self, target: EventState, self_resolved: bool) -> list[EventActionKind]:
        """The action kinds that take a new event to ``target``, with the usual detours."""
        chance = self.chance
        if self_resolved:
            steps = [A.SELF_RESOLVE]
            if target is S.EVALUATED:
                steps.append(A.EVALUATE)
                if chance(0.3):
                    steps.append(A.RETURN_VISIT)
            return steps
        steps = [A.REPORT]
        if target is S.RETURNED:
            if chance(0.3):
                steps.append(A.ACCEPT)
            steps.append(A.RETURN)
            return steps
        if target is S.VOIDED:
            r = self.rng.random()
            if r < 0.3:
                steps.append(A.ACCEPT)
            elif r < 0.6:
                steps.append(A.RETURN)
            steps.append(A.VOID)
            return steps
        if chance(0.04):
            steps += [A.RETURN, A.RESUBMIT]
        if target is S.REPORTED:
            return steps
        steps.append(A.ACCEPT)
        if chance(0.08):
            steps.append(A.SECRETARY_REVIEW)
        if chance(0.25):
            steps.append(A.NOTIFY_ACCEPTANCE)
        if target is S.ACCEPTED:
            return steps
        steps.append(A.DISPATCH)
        if target is S.HANDED_BACK:
            steps.append(A.HAND_BACK)
            return steps
        if chance(0.03):  # a wrong dispatch handed back and sent on (改派)
            steps += [A.HAND_BACK, A.REDISPATCH]
        if target is S.DISPATCHED:
            return steps
        if target is S.HANDLING or chance(0.7):
            steps.append(A.HANDLE)
        if chance(0.04):  # 申请延期, mostly approved
            steps += [
                A.REQUEST_EXTENSION,
                A.APPROVE_EXTENSION if chance(0.8) else A.REFUSE_EXTENSION,
            ]
        if target is S.HANDLING:
            return steps
        steps.append(A.FEEDBACK)
        if target is S.REWORK or chance(0.06):
            steps.append(A.REWORK)
            if target is S.REWORK:
                return steps
            if chance(0.4):
                steps.append(A.DISPATCH)
            steps += [A.HANDLE, A.FEEDBACK]
        if target is S.HANDLED:
            return steps
        steps.append(A.VERIFY)
        if target is S.VERIFIED:
            return steps
        steps.append(A.CLOSE)
        if target is S.CLOSED:
            return steps
        # 不满意 → 返工: each round re-handled, verified and closed again.
        rounds = MAX_REWORK_ROUNDS if chance(0.01) else 1 if chance(0.04) else 0
        for _ in range(rounds):
            steps += [A.EVALUATE, A.FEEDBACK, A.VERIFY, A.CLOSE]
        steps.append(A.EVALUATE)
        if chance(0.35):
            steps.append(A.RETURN_VISIT)
        return steps

    def _history(
        self,
        grid: _Grid,
        event: Event,
        category: EventCategory,
        steps: list[EventActionKind],
        target: EventState,
    ) -> None:
        rng = self.rng
        chance = self.chance
        group = category.group.value
        deadline = category.deadline(event.urgency, event.reported_at)
        reported = event.reported_at
        # Phase 1 runs up to the step that finishes the event (all of it while open);
        # phase 2 (evaluation, return visits) comes after.
        finish = next((i for i, s in enumerate(steps) if s in _FINISHING), None)
        finish_kind = None if finish is None else steps[finish]
        phase1 = list(steps if finish is None else steps[: finish + 1])
        phase2 = [] if finish is None else steps[finish + 1 :]
        stuck = finish is None and self.now > deadline
        if finish_kind is not A.SELF_RESOLVE:
            # Every phase-1 step but the finishing one leaves the event open, so 督办 may
            # follow any of them; late in the history when the event is overdue.
            last = len(phase1) if finish is None else len(phase1) - 1
            p_supervise = 0.55 if stuck else 0.2 if event.urgency is not Urgency.NORMAL else 0.04
            if finish_kind is not A.VOID and chance(p_supervise):
                position = last if stuck and chance(0.7) else self.between(1, last)
                phase1.insert(position, A.SUPERVISE)
                last += 1
            if chance(0.03):
                phase1.insert(self.between(1, last), A.COMMENT)
        # When: phase 1 in (report, end], phase 2 after the finishing step. The end is
        # drawn on the office clock, between a lower bound and a limit.
        times = [reported]
        count = len(phase1) - 1
        if count:
            latest = self.latest
            low = reported
            if finish_kind is None:
                limit, share = latest, rng.uniform(0.05, 0.85)
            elif finish_kind is A.VOID:
                limit, share = min(reported + timedelta(3), latest), rng.uniform(0.02, 1.0)
            elif chance(0.07) and deadline < latest - timedelta(0, 3600):
                # Finished late (超期办结).
                low = deadline
                limit = min(deadline + timedelta(0, rng.uniform(3600, 10 * 86400)), latest)
                share = rng.uniform(0.2, 1.0)
            else:
                limit, share = min(deadline, latest), rng.uniform(0.3, 0.97)
            w_start, w_low = _work_clock(reported), _work_clock(low)
            w_end = w_low + int((_work_clock(limit) - w_low) * share)
            if w_end - w_start >= 60 * count:
                end = self._office_moment(w_end)
            else:  # no office hours left (a same-day emergency): any hour
                end = low + (limit - low) * share
            times += self._spread(reported, end, count)
        if phase2:
            start = times[-1]
            span = min(rng.uniform(3600, 10 * 86400), (self.now - start).total_seconds() - 1)
            times += self._spread(start, start + timedelta(0, span), len(phase2), to_end=False)
        all_steps = phase1 + phase2
        # Who, with what comment, walking the state machine.
        township = grid.township
        assignee = (
            "grid"
            if chance(T.GRID_DISPATCH_SHARE.get(group, 0.15))
            else (
                township.name
                + T.DEPARTMENTS.get(category.code, T.GROUP_DEPARTMENTS.get(group, "综治中心"))
            )
        )
        by_grid = assignee == "grid"
        # A dispatch later handed back went to the wrong department first.
        wrong = township.name + ("综治中心" if not assignee.endswith("综治中心") else "派出所")
        evaluations = all_steps.count(A.EVALUATE)
        progress = Progress()
        out = self.ds.event_actions
        random_, uid = rng.random, self.uid
        intake = event.source is not EventSource.GRID_WORKER
        for kind, at in zip(all_steps, times, strict=True):
            satisfaction: Satisfaction | None = None
            action_assignee = ""
            if kind is A.REPORT and intake:
                actor, role = township.user, Role.TOWNSHIP
            elif kind in _WORKER_ACTIONS or (by_grid and kind in _HANDLER_ACTIONS):
                actor, role = grid.worker, Role.WORKER
            else:
                actor, role = township.user, Role.TOWNSHIP
            pool = _COMMENT_POOLS.get(kind)
            if pool is not None:
                comment = pool[int(random_() * len(pool))]
            elif kind is A.REPORT:
                comment = ""
            elif kind is A.REDISPATCH:
                action_assignee = assignee
                comment = T.REDISPATCH_COMMENT.format(dept="网格员" if by_grid else assignee)
            elif kind is A.DISPATCH and A.HAND_BACK in all_steps and progress.state is S.ACCEPTED:
                action_assignee = wrong
                comment = T.DISPATCH_DEPARTMENT.format(
                    dept=wrong, deadline=f"{deadline.month}月{deadline.day}日"
                )
            elif kind is A.DISPATCH:
                action_assignee = assignee
                due = f"{deadline.month}月{deadline.day}日"
                comment = (
                    T.DISPATCH_GRID.format(deadline=due)
                    if by_grid
                    else T.DISPATCH_DEPARTMENT.format(dept=assignee, deadline=due)
                )
            elif kind is A.HANDLE or kind is A.FEEDBACK:
                table = T.HANDLE_COMMENTS if kind is A.HANDLE else T.FEEDBACK_COMMENTS
                text = table.get(group, "已处置。")
                comment = text if by_grid else f"（{assignee}）{text}"
            elif kind is A.EVALUATE:
                evaluations -= 1
                if evaluations:  # not the last one: 不满意, re-handled (返工)
                    satisfaction = Satisfaction.UNSATISFIED
                elif progress.rework_rounds >= MAX_REWORK_ROUNDS and random_() < 0.5:
                    satisfaction = Satisfaction.UNSATISFIED  # still, after every round
                else:
                    satisfaction = _SATISFACTION.pick(rng)
                    if satisfaction is Satisfaction.UNSATISFIED and (
                        progress.rework_rounds < MAX_REWORK_ROUNDS
                    ):
                        # It would reopen the event: the plan has no round for it.
                        satisfaction = Satisfaction.BASICALLY_SATISFIED
                comment = T.EVALUATE_COMMENTS[satisfaction.value]
            elif kind is A.SUPERVISE:
                comment = T.SUPERVISE_COMMENTS[1 if at > deadline else 2 * self.below(2)]
            else:  # self-resolve
                comment = T.SELF_RESOLVE_COMMENTS.get(group, "网格员已现场处置完毕。")
            asked = None
            if kind is A.REQUEST_EXTENSION:  # a week or two past the deadline
                asked = deadline.astimezone(CST).date() + timedelta(days=7 + 7 * (at.day % 2))
            action = EventAction(
                id=uid(),
                deadline=asked,
                event_id=event.id,
                kind=kind,
                actor=actor,
                actor_role=role,
                at=at,
                comment=comment,
                assignee=action_assignee,
                satisfaction=satisfaction,
            )
            progress = advance(progress, action)
            out.append(action)
        state = progress.state
        if state is not target:
            raise AssertionError(f"generated history ends in {state}, planned {target}")
