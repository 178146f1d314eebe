"""Search over a township's residents and households: name, pinyin initials or full
pinyin, ID number or its tail, phone, address, 户号. An in-memory index of compact
strings, built off the UI thread in one pass over two tables and patched with the ids a
change set names; a search is a scan (a few milliseconds for 30,000 residents), so every
keystroke can use it without a database round trip.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate, compress
from operator import add
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    select,
)

from gridclient.storage.chunks import chunked
from gridclient.storage.engine import read_session
from gridclient.storage.models import (
    HouseholdRow,
    ResidentRow,
)


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        yield connection


_SEP = "\x1f"
_ID_SUFFIX_MAX = 7
"""Up to this many digits match the end of an ID number (the last 4–6 people quote);
longer digit runs match anywhere in it (a full or partial number typed in)."""


@dataclass(frozen=True)
class SearchHits:
    household_ids: frozenset[str]
    resident_ids: frozenset[str]


class _ResidentEntry(NamedTuple):
    household_id: str
    text: str
    """Name and the household's address, lower-cased."""
    letters: str
    """``\\x1f`` + pinyin initials + ``\\x1f`` + full pinyin, so a query matches a prefix."""
    id_number: str
    phone: str


class _HouseholdEntry(NamedTuple):
    text: str
    """Address and 户号, lower-cased."""
    phone: str


_TONE_MARKS = frozenset("\u0304\u0301\u030c\u0300")  # macron, acute, caron, grave


def _char_readings() -> dict[str, str]:
    """``pypinyin``'s single-character table (code point → readings with tone marks),
    read from its data file without importing the package: importing ``pypinyin``
    also loads its phrase dictionary, which costs 0.4 s and 57 MB and which
    character-by-character lookups never use. In a PyInstaller bundle the file is
    collected as data (``collect_data_files("pypinyin")``) under ``sys._MEIPASS``."""
    spec = importlib.util.find_spec("pypinyin")
    folders = [Path(f) for f in (spec.submodule_search_locations or [])] if spec else []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        folders.append(Path(bundle) / "pypinyin")
    for folder in folders:
        path = folder / "pinyin_dict.json"
        if path.is_file():
            with path.open(encoding="utf-8") as data:
                table: dict[str, str] = json.load(data)
            return table
    raise ModuleNotFoundError("pypinyin's pinyin_dict.json is needed for pinyin search")


def _toneless(reading: str) -> str:
    """``Style.NORMAL`` of one reading: tone marks dropped, ü written ``v``."""
    out: list[str] = []
    for char in unicodedata.normalize("NFD", reading):
        if char in _TONE_MARKS:
            continue
        if char == "\u0308" and out and out[-1] == "u":
            out[-1] = "v"
            continue
        out.append(char)
    return "".join(out)


class PinyinKeys:
    """Pinyin initials and full pinyin of a name, from a per-character cache.

    A township has tens of thousands of names but only a few hundred distinct
    characters, so the index builds in milliseconds rather than seconds of phrase
    lookups. The first character (the surname) gets every reading, because surnames
    are where the common reading is often wrong (曾 zeng, 单 shan, 解 xie): ``zl`` and
    ``cl`` both find 曾乐. Readings are those of ``pypinyin.pinyin(char,
    style=Style.NORMAL, heteronym=True)`` (a test compares every common character)."""

    def __init__(self) -> None:
        self._chars: dict[str, tuple[str, ...]] = {}
        self._table: dict[str, str] | None = None

    def release(self) -> None:
        """Drop the 42,000-character table (about 6 MB); the characters seen so far
        stay cached, and the table is read again (16 ms) when a new one turns up."""
        self._table = None

    def _readings(self, char: str) -> tuple[str, ...]:
        cached = self._chars.get(char)
        if cached is None:
            if self._table is None:
                self._table = _char_readings()
            listed = self._table.get(str(ord(char)), "")
            plain = (_toneless(r).lower() for r in listed.split(",") if r)
            cached = tuple(dict.fromkeys(r for r in plain if r.isascii() and r))
            self._chars[char] = cached
        return cached

    def __call__(self, name: str) -> str:
        rest = [r[0] for r in map(self._readings, name[1:]) if r]
        first = self._readings(name[:1]) if name else ()
        keys = []
        for surname in first or ("",):
            syllables = [surname, *rest] if surname else rest
            initials = "".join(s[0] for s in syllables)
            keys.append(f"{_SEP}{initials}{_SEP}{''.join(syllables)}")
        return "".join(keys)


class _Column:
    """One field of every entry joined into a single string, so a token is found with
    ``str.find`` scan at C speed instead of a Python loop over the entries. Entry
    offsets are a compact ``array`` (8 bytes each, not a 36-byte int object)."""

    def __init__(self, ids: list[str], values: list[str]) -> None:
        self.ids = ids
        # Entry i starts after the i values and i newlines before it; the extra last
        # offset is the end of the text. Built by C iterators, no Python loop.
        lengths = accumulate(map(len, values), initial=0)
        self.starts = array("q", map(add, lengths, range(len(values) + 1)))
        self.text = "\n".join(values) + "\n"  # values hold no newline (see _one_line)

    def values(self) -> list[str]:
        return self.text[:-1].split("\n") if self.ids else []

    def find(self, needle: str) -> set[int]:
        """Entry positions whose value contains ``needle`` (which holds no newline
        except, at its end, to anchor the match to the end of a value)."""
        found: set[int] = set()
        text, starts = self.text, self.starts
        at = text.find(needle)
        while at >= 0:
            entry = bisect_right(starts, at) - 1
            found.add(entry)
            at = text.find(needle, starts[entry + 1])  # one hit per entry is enough
        return found


def _one_line(value: str) -> str:
    """A column value: lower case, no newline (the separator of :class:`_Column`)."""
    return value.replace("\n", " ").lower()


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit() or ch in "xX").upper()


@dataclass(frozen=True)
class _IndexState:
    """The published index: per field one :class:`_Column`, and each resident's
    household by position. The entries are not kept as objects (that doubled the
    memory); a partial reload filters the columns (:meth:`replaced`)."""

    household_of: list[str]
    columns: dict[str, _Column]

    @classmethod
    def of(
        cls, residents: dict[str, _ResidentEntry], households: dict[str, _HouseholdEntry]
    ) -> _IndexState:
        rids = list(residents)
        res = [residents[r] for r in rids]
        hids = list(households)
        house = [households[h] for h in hids]
        columns = {
            "r_text": _Column(rids, [e.text for e in res]),
            "r_letters": _Column(rids, [e.letters for e in res]),
            "r_id": _Column(rids, [e.id_number for e in res]),
            "r_phone": _Column(rids, [e.phone for e in res]),
            "h_text": _Column(hids, [e.text for e in house]),
            "h_phone": _Column(hids, [e.phone for e in house]),
        }
        return cls([e.household_id for e in res], columns)

    def __len__(self) -> int:
        return len(self.columns["r_text"].ids) + len(self.columns["h_text"].ids)

    def replaced(
        self,
        household_ids: set[str],
        residents: dict[str, _ResidentEntry],
        households: dict[str, _HouseholdEntry],
    ) -> _IndexState:
        """A new state: the given households and everyone living in them now replace
        what the index had for them (their old residents, and the new ones' old
        entries, say of a person who moved in); the rest is kept, filtered by C-level
        ``compress`` over the columns rather than rebuilt entry by entry."""
        c = self.columns
        keep_r = [
            hh not in household_ids and rid not in residents
            for rid, hh in zip(c["r_text"].ids, self.household_of, strict=True)
        ]
        keep_h = [hid not in household_ids for hid in c["h_text"].ids]
        new_r = list(residents.values())
        new_h = list(households.values())
        rids = [*compress(c["r_text"].ids, keep_r), *residents]
        hids = [*compress(c["h_text"].ids, keep_h), *households]

        def column(name: str, ids: list[str], keep: list[bool], added: list[str]) -> _Column:
            return _Column(ids, [*compress(c[name].values(), keep), *added])

        columns = {
            "r_text": column("r_text", rids, keep_r, [e.text for e in new_r]),
            "r_letters": column("r_letters", rids, keep_r, [e.letters for e in new_r]),
            "r_id": column("r_id", rids, keep_r, [e.id_number for e in new_r]),
            "r_phone": column("r_phone", rids, keep_r, [e.phone for e in new_r]),
            "h_text": column("h_text", hids, keep_h, [e.text for e in new_h]),
            "h_phone": column("h_phone", hids, keep_h, [e.phone for e in new_h]),
        }
        household_of = [*compress(self.household_of, keep_r), *(e.household_id for e in new_r)]
        return _IndexState(household_of, columns)


class SearchIndex:
    """An in-memory index over the residents and households of the store.

    Built once on the task runner (one pass over two tables) and patched from the
    change bus with the ids that changed; a search is a scan of compact strings, a few
    milliseconds for a township of 30,000 residents, so every keystroke can use it
    without a database round trip. Loads and searches run on the UI's CPU lane
    (a load publishes a new snapshot with one assignment, so a search never sees half).
    """

    def __init__(self) -> None:
        self._state = _IndexState.of({}, {})
        self._pinyin = PinyinKeys()

    def __len__(self) -> int:
        return len(self._state)

    @classmethod
    def build(cls, engine: Engine) -> SearchIndex:
        index = cls()
        index.load(engine)
        return index

    def load(self, engine: Engine, household_ids: Sequence[str] | None = None) -> None:
        """(Re)read every row, or only the households given and their residents."""
        # Build a new state and publish it with one assignment: a search running on
        # another thread sees the old index or the new one, never a half-built one.
        residents: dict[str, _ResidentEntry] = {}
        households: dict[str, _HouseholdEntry] = {}
        canonical: dict[str, str] = {}  # one string object per household id
        house_q = select(
            HouseholdRow.id,
            HouseholdRow.address,
            HouseholdRow.number,
            HouseholdRow.phone,
            HouseholdRow.deleted,
        )
        res_q = select(
            ResidentRow.id,
            ResidentRow.household_id,
            ResidentRow.name,
            ResidentRow.id_number,
            ResidentRow.phone,
            ResidentRow.deleted,
        )
        chunks: list[list[str] | None] = [None]
        if household_ids is not None:
            chunks = list(chunked(household_ids))
        with _reading(engine) as connection:
            for chunk in chunks:
                hq, rq = house_q, res_q
                if chunk is not None:
                    hq = hq.where(HouseholdRow.id.in_(chunk))
                    rq = rq.where(ResidentRow.household_id.in_(chunk))
                addresses: dict[str, str] = {}
                for row in connection.execute(hq):
                    if row.deleted:
                        continue
                    addresses[row.id] = row.address
                    canonical[row.id] = row.id
                    households[row.id] = _HouseholdEntry(
                        _one_line(f"{row.address}{_SEP}{row.number}"), _digits(row.phone)
                    )
                for res in connection.execute(rq):
                    address = addresses.get(res.household_id)  # same chunk as its household
                    if res.deleted or address is None:
                        continue
                    residents[res.id] = _ResidentEntry(
                        household_id=canonical[res.household_id],
                        text=_one_line(f"{res.name}{_SEP}{address}"),
                        letters=self._pinyin(res.name),
                        id_number=_digits(res.id_number),
                        phone=_digits(res.phone),
                    )
        if household_ids is None:
            self._state = _IndexState.of(residents, households)
        else:
            self._state = self._state.replaced(set(household_ids), residents, households)
        self._pinyin.release()

    def refresh(self, engine: Engine, ids: Sequence[str]) -> None:
        """Re-read the households among ``ids`` and the households of the residents
        among them (a change set mixes kinds; other ids are ignored)."""
        households: set[str] = set()
        with read_session(engine) as session:
            for chunk in chunked(ids):
                households.update(
                    session.scalars(select(HouseholdRow.id).where(HouseholdRow.id.in_(chunk)))
                )
                households.update(
                    session.scalars(
                        select(ResidentRow.household_id).where(ResidentRow.id.in_(chunk))
                    )
                )
        if households:
            self.load(engine, sorted(households))

    def search(self, query: str) -> SearchHits:
        """Residents and households matching every whitespace-separated token.

        A token of digits matches the end of an ID number (or, when long, any part of
        it), a phone number or a 户号; a token of Latin letters matches the start of a
        name's pinyin initials or full pinyin (``zs`` and ``zhangs`` find 张三); anything
        else matches inside a name or an address.
        """
        tokens = [t for t in normalise_query(query).split() if t]
        if not tokens:
            return SearchHits(frozenset(), frozenset())
        state = self._state  # one snapshot for the whole query
        columns = state.columns
        residents: set[int] | None = None
        households: set[int] | None = None
        for token in tokens:
            if _is_digits(token):
                number = token.upper()
                in_id = columns["r_id"].find(
                    number + "\n" if len(number) <= _ID_SUFFIX_MAX else number
                )
                if len(number) >= 3:
                    in_id |= columns["r_phone"].find(number)
                r_hits = in_id
                h_hits = columns["h_text"].find(_SEP + token + "\n")
                if len(token) >= 3:
                    h_hits |= columns["h_phone"].find(token)
            elif token.isascii() and token.isalpha():
                r_hits = columns["r_letters"].find(_SEP + token)
                h_hits = set()
            else:
                r_hits = columns["r_text"].find(token)
                h_hits = columns["h_text"].find(token)
            residents = r_hits if residents is None else residents & r_hits
            households = h_hits if households is None else households & h_hits
        rids = columns["r_id"].ids
        hids = columns["h_text"].ids
        resident_ids = frozenset(rids[i] for i in residents or ())
        household_ids = {hids[i] for i in households or ()}
        household_ids.update(state.household_of[i] for i in residents or ())
        return SearchHits(frozenset(household_ids), resident_ids)


def normalise_query(query: str) -> str:
    """Full-width digits and letters to ASCII, lower case (IME input is often
    full-width)."""
    return unicodedata.normalize("NFKC", query).lower()


def _is_digits(token: str) -> bool:
    return token[:-1].isdigit() and (token[-1].isdigit() or token[-1] == "x")
