"""What a committed change touched: one Qt-free :class:`ChangeSet`, built where the rows
are written (a unit of work, the pull's pages, a roster import) and published once by the
UI (``AppContext.publish``).

Views use it to do the least work that keeps them right: a list whose records were only
edited in place re-reads those rows (selection and scroll untouched); a list whose
membership or order may have changed (records added, removed, moved, or an edit to a
field lists sort or filter by) rebuilds its id list, keeping selection and scroll by id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gridcore.domain.enums import ChangeKind, EntityKind

#: Fields the record lists sort or filter by (storage/queries.py): an edit to one of them
#: may move the record in, out of or within a list. Any other edit repaints rows only.
LAYOUT_FIELDS: Mapping[EntityKind, frozenset[str]] = {
    EntityKind.AREA: frozenset({"parent_id", "name", "code", "level"}),
    EntityKind.HOUSEHOLD: frozenset(
        {"grid_id", "micro_grid_id", "address", "number", "tags", "moved_out_on"}
    ),
    EntityKind.RESIDENT: frozenset({"household_id", "tags", "birth_date", "name", "gender"}),
    EntityKind.VISIT: frozenset({"household_id", "grid_id", "visited_at", "corrects_id"}),
    EntityKind.PATROL: frozenset({"grid_id", "patrol_date"}),
    EntityKind.PLACE: frozenset(
        {"grid_id", "micro_grid_id", "name", "kind", "risk_level", "is_key"}
    ),
    EntityKind.PLACE_INSPECTION: frozenset({"place_id", "inspected_on", "corrects_id"}),
    EntityKind.PROGRAM_RECORD: frozenset(
        {"household_id", "program", "started_on", "ended_on", "status"}
    ),
    EntityKind.EVENT: frozenset({"grid_id", "reported_at", "category_code", "ledger"}),
}

#: Beyond this many ids of one kind a change set stops listing them and says "the whole
#: kind" (an initial pull of 300,000 records is not worth listing id by id).
MAX_IDS_PER_KIND = 5_000


@dataclass(frozen=True)
class ChangeSet:
    """What one commit (or one sync) changed."""

    kinds: frozenset[EntityKind] = frozenset()
    """Every kind with a record added, removed or edited."""
    ids: frozenset[str] = frozenset()
    """The ids of those records, when listed (see ``complete``)."""
    layout: frozenset[EntityKind] = frozenset()
    """Kinds whose lists may have changed membership or order."""
    complete: bool = True
    """False when some kind changed too much to list its ids: treat all of it as changed."""
    conflicts: bool = False
    """Conflict records arrived or were decided."""
    sync_states: bool = False
    """Outbox statuses changed (a push answered, an op queued): sync columns repaint."""
    source: str = "edit"
    """``edit`` (a person's change on this laptop), ``import`` or ``sync``."""

    def touches(self, kind: EntityKind) -> bool:
        return kind in self.kinds

    def moves(self, kind: EntityKind) -> bool:
        """Whether a list of ``kind`` must rebuild its id list."""
        return kind in self.layout

    @property
    def empty(self) -> bool:
        return not (self.kinds or self.conflicts or self.sync_states)


@dataclass
class ChangeCollector:
    """Collects a change set while rows are written; :meth:`freeze` at the end."""

    source: str = "edit"
    _ids: dict[EntityKind, set[str]] = field(default_factory=dict)
    _layout: set[EntityKind] = field(default_factory=set)
    _overflow: set[EntityKind] = field(default_factory=set)
    conflicts: bool = False
    sync_states: bool = False

    def wants_ids(self, kind: EntityKind) -> bool:
        """Whether listing more ids of ``kind`` is still useful (not overflowed)."""
        return kind not in self._overflow

    def _add(self, kind: EntityKind, ids: Iterable[str]) -> None:
        if kind in self._overflow:
            return
        known = self._ids.setdefault(kind, set())
        known.update(ids)
        if len(known) > MAX_IDS_PER_KIND:
            self._overflow.add(kind)
            self._layout.add(kind)
            known.clear()

    def added(self, kind: EntityKind, ids: Iterable[str]) -> None:
        self._add(kind, ids)
        self._layout.add(kind)

    def removed(self, kind: EntityKind, ids: Iterable[str]) -> None:
        self._add(kind, ids)
        self._layout.add(kind)

    def edited(self, kind: EntityKind, ids: Iterable[str], fields: Iterable[str] | None) -> None:
        """``fields``: the names edited, or ``None`` when unknown (a pulled version)."""
        self._add(kind, ids)
        if fields is None or not LAYOUT_FIELDS.get(kind, frozenset()).isdisjoint(fields):
            self._layout.add(kind)

    def whole(self, kind: EntityKind) -> None:
        """Every record of ``kind`` may have changed."""
        self._ids.setdefault(kind, set()).clear()
        self._overflow.add(kind)
        self._layout.add(kind)

    def op(
        self, kind: EntityKind, record_id: str, change: ChangeKind, fields: Iterable[str]
    ) -> None:
        """One queued outbox op of a local change."""
        self.sync_states = True
        if change is ChangeKind.CREATE:
            self.added(kind, [record_id])
        elif change is ChangeKind.DELETE:
            self.removed(kind, [record_id])
        elif change is ChangeKind.RESOLVE:
            self.conflicts = True
            self.edited(kind, [record_id], None)
        else:
            self.edited(kind, [record_id], fields)

    def freeze(self) -> ChangeSet:
        kinds = frozenset(self._ids) | frozenset(self._overflow)
        return ChangeSet(
            kinds=kinds,
            ids=frozenset(i for ids in self._ids.values() for i in ids),
            layout=frozenset(self._layout),
            complete=not self._overflow,
            conflicts=self.conflicts,
            sync_states=self.sync_states,
            source=self.source,
        )
