"""The main random stream and the small draws over it (names, dates, ID numbers, moments,
ids), with the state every part of the generator shares: the spec, the day, the catalog
and the dataset being filled."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Generic, TypeVar

from gridcore.demo import texts as T
from gridcore.demo.generator.model import COUNTY_CODE, Dataset, SizeSpec
from gridcore.domain.catalog import EventCatalog, EventCategory
from gridcore.domain.entities import CST
from gridcore.domain.enums import Gender, Urgency
from gridcore.domain.idnumber import check_character

X = TypeVar("X")

#: The RFC 4122 variant bits (10xx) over a random hex digit.
_UUID_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


class Weighted(Generic[X]):
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


def work_clock(t: datetime) -> int:
    """Office seconds (8:00–18:00 CST, every day) from 0001-01-01 to the latest office
    moment not after ``t``: monotonic, so increasing office seconds map back to
    increasing datetimes inside the same window."""
    local = t if t.tzinfo is CST else t.astimezone(CST)
    base = local.toordinal() * _WORK_DAY
    second = local.hour * 3600 + local.minute * 60 + local.second - _WORK_START
    return base - 1 if second < 0 else base + min(second, _WORK_DAY - 1)


def _era(birth: date) -> int:
    return 0 if birth.year < 1960 else 1 if birth.year < 1980 else 2 if birth.year < 2000 else 3


_HOUR_WEIGHTS = Weighted(
    list(range(7, 21)),
    [1, 4, 8, 9, 7, 3, 2, 6, 8, 8, 6, 3, 2, 1],
)


class Draws:
    """What every part of the generator draws from and fills: one ``random.Random(seed)``
    (:attr:`rng`) and its small draws, the spec, ``today``, the catalog, the dataset, the
    names and ID numbers used so far, and the memo tables of the event and visit draws.

    The parts are functions over it (``households.fill_grid(d, grid)`` …); the order in
    which the builder calls them is the order of the draws."""

    def __init__(self, spec: SizeSpec, seed: int, today: date, catalog: EventCatalog) -> None:
        self.spec = spec
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.today_ord = today.toordinal()
        self.now = datetime.combine(today, time.min, tzinfo=CST)
        #: The last moment an action may carry: a minute before ``today`` starts.
        self.latest = self.now - timedelta(0, 60)
        self.catalog = catalog
        self.ds = Dataset(catalog)
        self.id_numbers: set[str] = set()
        self.surnames = Weighted([s for s, _ in T.SURNAMES], [w for _, w in T.SURNAMES])
        self.village_names = self._shuffled(T.VILLAGE_NAMES)
        self.community_names = self._shuffled(T.COMMUNITY_NAMES)
        self.compound_names = self._shuffled(T.COMPOUND_NAMES)
        self.used_units: set[str] = set()
        #: Memo tables of ``events`` and ``visits``.
        self.category_tables: dict[bool, Weighted[EventCategory]] = {}
        self.inactive_categories = [c for c in catalog if not c.active]
        self.topic_cache: dict[tuple[str, ...], list[T.Topic]] = {}
        self.urgency_tables: dict[tuple[Urgency, ...], Weighted[Urgency]] = {}
        self._days: dict[int, tuple[int, int, int]] = {}
        self._hex: list[str] = []
        if not catalog.active():
            raise ValueError("the event catalog has no active category")

    @contextmanager
    def stream(self, rng: random.Random) -> Iterator[None]:
        """Draw from ``rng`` instead of :attr:`rng` (ids included) inside the block."""
        saved = self.rng, self._hex
        self.rng, self._hex = rng, []
        try:
            yield
        finally:
            self.rng, self._hex = saved

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

    def office_moment(self, w: int) -> datetime:
        """The datetime of an office-clock second (see :func:`work_clock`)."""
        day, second = divmod(w, _WORK_DAY)
        second += _WORK_START
        return datetime(*self._ymd(day), second // 3600, second // 60 % 60, second % 60, 0, CST)

    def spread(
        self, start: datetime, end: datetime, count: int, *, to_end: bool = True
    ) -> list[datetime]:
        """``count`` increasing moments in ``(start, end]``, the last one at ``end`` (or
        the working moment just before it) when ``to_end``. Office hours (8:00–18:00) when
        the window has enough of them, any hour otherwise (a same-day emergency)."""
        if count == 0:
            return []
        w0, w1 = work_clock(start), work_clock(end)
        if w1 - w0 >= 60 * count:
            if to_end:
                points = [*self._distinct(w0 + 1, w1, count - 1), w1]
            else:
                points = self._distinct(w0 + 1, w1 + 1, count)
            return [self.office_moment(w) for w in points]
        seconds = int((end - start).total_seconds())
        if to_end:
            offsets = [*self._distinct(1, seconds, count - 1), seconds]
        else:
            offsets = self._distinct(1, seconds + 1, count)
        return [start + timedelta(0, s) for s in offsets]

    def gender(self) -> Gender:
        return Gender.MALE if self.chance(0.5) else Gender.FEMALE
