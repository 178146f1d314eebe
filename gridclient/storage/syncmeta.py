"""Plain value types for the sync metadata the store keeps beside the records.

Like the domain records these are frozen dataclasses: the sync engine and the UI get
these, never the ORM rows behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gridcore.domain.codec import FieldChanges, JSONValue
from gridcore.domain.enums import ChangeKind, EntityKind

__all__ = [
    "Conflict",
    "OpStatus",
    "OutboxOp",
    "RevealEntry",
    "SyncKey",
    "directory_names",
    "kept_side",
    "restores",
]


class OpStatus(StrEnum):
    """Where a queued op stands. Only ``status`` (and the server's reason, message and
    field) ever change on a queued op; its content is immutable."""

    PENDING = "pending"
    """Waiting to be pushed (or pushed without an answer yet: pushes are idempotent)."""
    APPLIED = "applied"
    MERGED = "merged"
    CONFLICT = "conflict"
    """Applied by the server with a conflict record kept for review."""
    REJECTED = "rejected"
    """Parked with the server's reason; never blocks the ops behind it."""
    SUPERSEDED = "superseded"
    """A rejected op whose content a later local edit of the same record re-sends."""


#: Ops the sync engine still has to push.
UNSENT_STATUSES = frozenset({OpStatus.PENDING})


class SyncKey(StrEnum):
    """The keys of ``sync_state``; one row each, values stored as JSON."""

    DEVICE_ID = "device_id"
    NEXT_SEQ = "next_seq"
    PULL_CURSOR = "pull_cursor"
    LAST_SYNC_AT = "last_sync_at"
    SERVER_URL = "server_url"
    USERNAME = "username"
    CATALOG_VERSION = "catalog_version"
    CATALOG_REVISION = "catalog_revision"
    """The server's revision number of the stored catalog (bumped on every load)."""
    CATALOG_ETAG = "catalog_etag"
    """The server's ETag of the stored catalog, with that catalog's version and size
    (``{"etag", "version", "size"}``): sent as ``If-None-Match`` while they still match."""
    HOLIDAYS = "holidays"
    """The holiday calendar document last pulled (``WorkCalendar.to_json``); absent until
    the first one, and then the shipped calendar counts."""
    HOLIDAYS_ETAG = "holidays_etag"
    """The server's ETag of the stored holiday calendar (``{"etag", "revision"}``)."""
    DEPARTMENTS = "departments"
    """The department list (职能部门) last pulled (``DepartmentList.to_json``), with this
    user's own department when it is a department account; absent until the first."""
    DEPARTMENTS_ETAG = "departments_etag"
    """The server's ETag of the stored department list."""
    PROFILE = "profile"
    """The last online login's display name, role and scope (for offline starts)."""
    DIRECTORY = "directory"
    """The people of the user's area (``{login: [display name, role]}``), fetched with
    the catalog, so names show offline too."""
    REPULL_EQUAL = "repull_equal"
    """True while a full pull must also replace rows of the same version (the repair
    of migration r0004); cleared with the last page of that pull."""
    CLOCK = "clock"
    """The device clock's offset against the server's, last measured at a sync
    (``{"seconds", "measured_at"}``, see :mod:`gridcore.domain.clock`)."""
    CLEAN_SHUTDOWN = "clean_shutdown"
    """False while a session has the store open, true once it closed cleanly; the
    store's integrity check runs when it is not true (see ``Store.open``)."""
    INDEXES_DEFERRED = "indexes_deferred"
    """True while the record tables' secondary indexes are left out for a first full
    download (see :mod:`gridclient.storage.indexes`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxOp:
    op_id: str
    seq: int
    entity: EntityKind
    entity_id: str
    kind: ChangeKind
    base_version: int
    changes: FieldChanges
    created_at: datetime
    actor: str
    status: OpStatus
    reason: str | None = None
    message: str | None = None
    field: str | None = None
    conflict_id: str | None = None
    """Only on ``resolve`` ops: the conflict decided."""
    keep: str | None = None
    """Only on ``resolve`` ops: ``server`` or ``incoming``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict:
    """One field on which the server and this device disagreed; the losing value is kept
    here until someone reviews it.

    ``field`` is empty for an edit and a delete that crossed (``mine``/``theirs`` then
    hold the edit, a dict, and None for the delete; either may have arrived first).
    ``mine`` is the value of ``mine_side`` (``server`` or ``incoming``,
    as the server names the sides); when this user wrote neither side ``mine_side`` is
    None and ``mine`` is the incoming value. ``resolution`` is the side kept: set
    locally when this user decides, while ``resolved`` waits for the server.
    """

    id: str
    entity: EntityKind
    entity_id: str
    field: str
    base: JSONValue
    mine: JSONValue
    theirs: JSONValue
    created_at: datetime
    resolved: bool = False
    op_id: str | None = None
    mine_side: str | None = None
    server_user: str | None = None
    incoming_user: str | None = None
    resolution: str | None = None

    @property
    def resolving(self) -> bool:
        """Decided here, waiting for the server's confirmation."""
        return self.resolution is not None and not self.resolved

    def side_of(self, keep_mine: bool) -> str:
        """The server's name (``server``/``incoming``) of mine or theirs."""
        return kept_side(self.mine_side, keep_mine)

    def value_of(self, side: str | None) -> JSONValue:
        """The value of the server's side ``server`` or ``incoming``."""
        mine_is_server = self.mine_side == "server"
        if side == "server":
            return self.mine if mine_is_server else self.theirs
        return self.theirs if mine_is_server else self.mine


def restores(conflict: Conflict, keep: str | None) -> bool:
    """Whether keeping side ``keep`` of a whole-record conflict brings the record back
    (the kept side is the edit, not the delete)."""
    return not conflict.field and isinstance(conflict.value_of(keep), dict)


def kept_side(mine_side: str | None, keep_mine: bool) -> str:
    """The server's name of the side kept when keeping mine (or theirs); when this user
    wrote neither side, "mine" is the incoming value (see :class:`Conflict`)."""
    mine = mine_side or "incoming"
    if keep_mine:
        return mine
    return "server" if mine == "incoming" else "incoming"


@dataclass(frozen=True, slots=True, kw_only=True)
class RevealEntry:
    """Somebody unmasked an ID number or phone on screen (PIPL audit trail)."""

    id: int
    actor: str
    entity: EntityKind
    entity_id: str
    field: str
    at: datetime


def directory_names(stored: object) -> dict[str, str]:
    """Login → name from the stored ``SyncKey.DIRECTORY`` value (empty if unreadable)."""
    if not isinstance(stored, dict):
        return {}
    return {
        login: entry[0]
        for login, entry in stored.items()
        if isinstance(login, str)
        and isinstance(entry, list)
        and entry
        and isinstance(entry[0], str)
        and entry[0]
    }
