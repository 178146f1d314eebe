"""Sync protocol v1: the wire models, defined once for the client and the server.

Pure pydantic (no Qt, no HTTP framework) because both sides import it. Models are strict
and forbid unknown keys so that a typo is an error rather than silently ignored data;
parse with ``Model.model_validate_json`` (strict JSON mode accepts ISO datetimes, UUID
strings and arrays for tuples). Field values inside ``changes`` and ``fields`` are the wire
values of ``gridcore.domain.codec``.

Pull semantics: a page carries ``evictions`` (records that left the caller's scope), then
``changes`` (current state of records, tombstones included), then ``conflicts`` opened or
resolved in the caller's scope. Apply the evictions first, then the changes, and save
``cursor`` in the same local transaction; ask again while ``more`` is true.

Resolving a conflict is an op like any other (so it is queued offline, deduplicated by
``op_id`` and audited in the server's op log): ``kind="resolve"`` on the conflicting
record (``entity``, ``entity_id``), naming the conflict record (``conflict_id``) and the
side to keep (``keep``: ``"server"``, the value that lost the race and sits in the
conflict record, or ``"incoming"``, the later-arriving value the server applied). Its
``changes`` say what the client shows meanwhile (``{field: (shown before, kept)}``, the
whole incoming edit for an edit that met a delete) and are only logged: the server takes
the values from its own conflict record. The server answers

* ``applied`` when it closed the conflict; keeping a value the record no longer holds
  writes it as a new version of the field (so every client pulls it); if the field was
  changed once more after the conflict, that third value is not overwritten silently:
  the kept value is applied and the third one kept in a new conflict record (``conflict``
  with its ``conflict_id``);
* for an edit that met a delete (``field`` None), ``server`` leaves the record deleted
  and ``incoming`` restores it with the edit (its references must still be alive and in
  scope, else ``not_found`` / ``out_of_scope``);
* ``rejected``: ``already_resolved`` when someone decided first (the feed brings their
  decision), ``role`` when the caller may not decide it, ``out_of_scope``, ``not_found``.

Who may resolve: a grid worker who wrote either side of the conflict (for records in
their grids), township staff and administrators for any conflict in their scope.
The closed conflict arrives again in the pull feed with ``resolved`` true and the
``resolution``, so every client clears it.

Values (one value must never stop anyone's sync; the rules are
:mod:`gridcore.domain.limits`, checked by the server on every op and by the client
before it queues one):

* The op envelope is bounded to what the server stores: ``seq`` 0…2⁶³−1,
  ``base_version`` 0…2³¹−1 (record versions are 32-bit), ``client_time`` 1900…2199
  once in UTC (a time without an offset is UTC). A request breaking these, or any other
  rule of these models, is malformed: ``422 invalid_request`` (``400 malformed_json``
  for a body that is not JSON), and nothing of it is applied.
* Every new value in ``changes``: JSON nested at most 8 deep, finite numbers, integers
  in the signed 64-bit range, text of at most 10,000 characters without control
  characters (U+0000–U+001F but tab, LF and CR; U+007F–U+009F) or lone surrogates.
  Old values are only compared, never refused (a laptop fixing a value stored before
  these rules sends it as the old one); the server keeps a storable stand-in of one
  that breaks them (in its audit log and any conflict record).
* New values, by field: integers within the field's domain bounds (``members``
  0…1,000,000, ``disability_grade`` 1…4, attachment ``size`` 0…2³¹−1, ``width`` and
  ``height`` 0…100,000), dates 1800-01-01…2199-12-31, datetimes 1900…2199 in UTC,
  lists at most 100 items, codes and references at most 64 characters.
* An op breaking a value rule is ``rejected`` on its own (``invalid_field`` or
  ``unknown_field``, the ``field``, a Chinese ``message``; logged, so a replay gets the
  same answer); the other ops of the push go on. So does an op the database refuses
  for any other reason (its savepoint is rolled back): ``invalid_field`` without a field.
* The pull ``cursor`` is the server's own: anything else is ``400 invalid_cursor``.
  No input answers 500.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator

from gridcore.domain import limits
from gridcore.domain.enums import ChangeKind, EntityKind, Role

__all__ = [
    "API_PREFIX",
    "CLIENT_VERSION_HEADER",
    "KIND_SINCE",
    "MAX_OPS_PER_PUSH",
    "PROTOCOL_HEADER",
    "PROTOCOL_VERSION",
    "ChangePasswordRequest",
    "ConflictInfo",
    "DeviceKey",
    "DirectoryEntry",
    "DirectoryResponse",
    "DuplicateEntry",
    "DuplicatesResponse",
    "ErrorBody",
    "Eviction",
    "GridRef",
    "LoginRequest",
    "LoginResponse",
    "LogoutRequest",
    "Op",
    "OpReason",
    "OpResult",
    "OpStatus",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "RecordChange",
    "RefreshRequest",
    "RegisteredPerson",
    "Resolution",
    "Scope",
    "SeedOffer",
    "kinds_unknown_to",
]

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-Grid-Protocol"
CLIENT_VERSION_HEADER = "X-Grid-Client-Version"
KIND_SINCE: dict[EntityKind, tuple[int, ...]] = {
    EntityKind.PATROL: (0, 5),
    EntityKind.MEDIATION: (0, 5),
    EntityKind.PLACE: (0, 5),
    EntityKind.PLACE_INSPECTION: (0, 5),
    EntityKind.PROGRAM_RECORD: (0, 6),
}
"""Record kinds added after 0.4.0 (which knew every kind not listed here), each with the
client version that first reads it, as ``gridserver.config.parse_version`` gives it
(trailing zeros dropped: 0.5.0 is ``(0, 5)``). An older client's pull pages leave out the
evictions and conflicts of the kinds it does not know (its page parser would refuse the
whole page for them); the records themselves are still sent, and the older client keeps
them aside (``held_records``, "未知的记录类型") until its upgrade, whose first sync
stores them (see ``gridclient.sync.engine``: held records are replayed before each pull).
So no record is lost to a laptop that upgrades late, and none stops its sync before."""


def kinds_unknown_to(version: tuple[int, ...]) -> frozenset[EntityKind]:
    """The kinds a client of ``version`` (parsed as :data:`KIND_SINCE` says) cannot read."""
    return frozenset(kind for kind, since in KIND_SINCE.items() if version < since)


CLIENT_TIME_HEADER = "X-Grid-Client-Time"
"""The device's own clock (ISO 8601 with offset) when it sent the request: the server
flags laptops whose clock is off (``gridserver clock-skew``)."""
API_PREFIX = "/api/v1"
MAX_OPS_PER_PUSH = 500
"""Upper bound of ``PushRequest.ops``; a client sends bigger outboxes in several batches."""

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

Resolution = Literal["server", "incoming"]
"""The side of a conflict kept: the value that lost the race, or the one applied."""

OpStatus = Literal["applied", "merged", "conflict", "rejected"]
OpReason = Literal[
    "invalid_field",
    "unknown_field",
    "missing_field",
    "invalid_id_number",
    "invalid_base_version",
    "out_of_scope",
    "illegal_transition",
    "role",
    "not_found",
    "deleted",
    "append_only",
    "duplicate",
    "busy",
    "already_resolved",
    "registered_elsewhere",
]
"""Stable codes of a rejected op (and ``deleted`` for an edit that met a tombstone)."""

DeviceId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def is_valid_entity_id(entity: EntityKind, entity_id: str) -> bool:
    """Attachments are addressed by the SHA-256 of their bytes, everything else by UUID."""
    if entity is EntityKind.ATTACHMENT:
        return _SHA256_RE.fullmatch(entity_id) is not None
    return _UUID_RE.fullmatch(entity_id) is not None


class Op(_Wire):
    """One outbox entry: a change to one record, immutable once queued.

    The envelope is bounded to what the server stores (``seq`` 64-bit, ``base_version``
    32-bit like every record version, ``client_time`` within
    :data:`gridcore.domain.limits.DATETIME_MIN`–``DATETIME_MAX`` once in UTC; a time
    without an offset is UTC): a request breaking these is malformed (422). The values
    in ``changes`` are checked per op instead (``rejected`` with the field, see
    :mod:`gridcore.domain.limits`), so one bad value never refuses the others.
    """

    op_id: uuid.UUID
    seq: int = Field(ge=0, le=limits.INT64_MAX)
    entity: EntityKind
    entity_id: str = Field(min_length=36, max_length=64)
    kind: ChangeKind
    base_version: int = Field(ge=0, le=limits.INT32_MAX)
    changes: dict[str, tuple[JsonValue, JsonValue]] = Field(default_factory=dict)
    """``{field: (old, new)}`` in wire form; ``old`` is the value the client started from."""
    client_time: datetime
    conflict_id: str | None = Field(default=None, min_length=36, max_length=36)
    """Only for ``kind="resolve"``: the conflict record decided."""
    keep: Resolution | None = None
    """Only for ``kind="resolve"``: the side kept."""

    @field_validator("client_time")
    @classmethod
    def _client_time_in_range(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        try:
            in_range = limits.DATETIME_MIN <= value.astimezone(UTC) <= limits.DATETIME_MAX
        except OverflowError:
            in_range = False
        if not in_range:
            raise ValueError(
                f"client_time must lie between {limits.DATETIME_MIN.year} and "
                f"{limits.DATETIME_MAX.year} in UTC"
            )
        return value

    @model_validator(mode="after")
    def _check_id(self) -> Op:
        if not is_valid_entity_id(self.entity, self.entity_id):
            expected = "SHA-256" if self.entity is EntityKind.ATTACHMENT else "UUID"
            raise ValueError(f"entity_id must be a lower-case {expected} for {self.entity}")
        resolving = self.kind is ChangeKind.RESOLVE
        if resolving != (self.conflict_id is not None) or resolving != (self.keep is not None):
            raise ValueError("conflict_id and keep are required for resolve ops, and only there")
        if self.conflict_id is not None and not _UUID_RE.fullmatch(self.conflict_id):
            raise ValueError("conflict_id must be a lower-case UUID")
        return self


class PushRequest(_Wire):
    device_id: DeviceId
    ops: list[Op] = Field(max_length=MAX_OPS_PER_PUSH)


class OpResult(_Wire):
    op_id: uuid.UUID
    status: OpStatus
    version: int | None = None
    """The record's version after the op (``None`` when rejected)."""
    reason: OpReason | None = None
    message: str | None = None
    """Chinese, for the person; never match on it."""
    field: str | None = None
    """The field a rejection or the first conflict is about."""
    conflict_id: str | None = None
    """The first conflict record this op opened (every one arrives in the pull feed)."""


class PushResponse(_Wire):
    results: list[OpResult]
    server_time: datetime


class RecordChange(_Wire):
    entity: EntityKind
    id: str
    version: int
    deleted: bool
    updated_at: datetime
    fields: dict[str, JsonValue]


class Eviction(_Wire):
    entity: EntityKind
    id: str


class ConflictInfo(_Wire):
    """A value that lost a same-field race (or an edit that met a tombstone).

    ``field`` is ``None`` for an edit after delete; then ``incoming_value`` holds the whole
    ``{field: new}`` edit. ``resolved`` turns true once someone decided. ``server_*`` say
    who wrote the value that lost (``None`` when it came from an import or the admin
    command line).
    """

    id: str
    entity: EntityKind
    entity_id: str
    field: str | None
    base_value: JsonValue
    server_value: JsonValue
    incoming_value: JsonValue
    server_user: str | None = None
    server_device: str | None = None
    server_time: datetime | None = None
    incoming_user: str
    incoming_device: str
    incoming_time: datetime
    created_at: datetime
    resolved: bool
    resolution: Resolution | None = None


class PullResponse(_Wire):
    changes: list[RecordChange]
    evictions: list[Eviction]
    conflicts: list[ConflictInfo]
    cursor: str
    """Opaque; send it back unchanged. An empty cursor starts from the beginning."""
    more: bool
    server_time: datetime


Username = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f-\x9f]+$")]
"""Any characters but control characters (they cannot be stored or looked up)."""


class LoginRequest(_Wire):
    username: Username
    password: str = Field(min_length=1, max_length=256)
    device_id: DeviceId


class RefreshRequest(_Wire):
    refresh_token: str = Field(min_length=16, max_length=256)
    device_id: DeviceId


class GridRef(_Wire):
    id: str
    code: str
    name: str


class Scope(_Wire):
    """What the user may read and write: an area subtree (``None`` for an administrator
    without a home area, who sees everything)."""

    area_id: str | None
    area_code: str | None
    area_name: str | None
    unrestricted: bool
    grids: list[GridRef]


class DirectoryEntry(_Wire):
    """A user a laptop may meet in its records: who reported, visited, acted, decided."""

    username: str = Field(max_length=64)
    display_name: str = Field(max_length=64)
    role: Role


class DirectoryResponse(_Wire):
    """``GET /directory``: the users of the caller's area (its subtree and the areas above
    it, and administrators), so people show as 何子健 rather than ``worker01``, offline
    too. Disabled accounts stay listed: their names are in the history."""

    users: list[DirectoryEntry]


class RegisteredPerson(_Wire):
    """One record of a person registered more than once, as the caller may see it."""

    resident_id: str
    name: str
    grid_name: str
    household_id: str | None
    household_number: str
    """户号 (empty when unknown)."""
    address: str


class DuplicateEntry(_Wire):
    id_number: str
    """Masked (the birth date hidden)."""
    registrations: list[RegisteredPerson]
    """The records in the caller's scope."""
    elsewhere: list[str]
    """The grids of the records outside it (names only)."""


class DuplicatesResponse(_Wire):
    """``GET /residents/duplicates``: people registered more than once (the same ID
    number in several live records) that concern the caller's area, for township staff
    to review and have merged (``gridserver merge-residents``)."""

    groups: list[DuplicateEntry]


class LoginResponse(_Wire):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    """Seconds until the access token expires."""
    refresh_expires_in: int
    username: str
    display_name: str
    role: Role
    scope: Scope
    min_client_version: str
    server_time: datetime


class ErrorBody(_Wire):
    """Every non-2xx answer: a stable ``code``, a Chinese ``message``, optional detail."""

    code: str
    message: str
    detail: JsonValue = None

    @field_validator("code")
    @classmethod
    def _code_is_snake(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            raise ValueError("error codes are snake_case")
        return value


# --- session management (logout, password change, device key share) ---------------------


class LogoutRequest(_Wire):
    """``POST /auth/logout``: end this device's session. Names it by the refresh token
    (an access token in ``Authorization`` works too, then the body may be ``{}``)."""

    refresh_token: str | None = Field(default=None, min_length=16, max_length=256)
    device_id: DeviceId | None = None


class ChangePasswordRequest(_Wire):
    """``POST /auth/change-password``: the person sets their own password (required
    after an administrator reset it: the login then answers 403
    ``password_change_required``). Answered like a login (``LoginResponse``)."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)
    device_id: DeviceId


class DeviceKey(_Wire):
    """``PUT``/``GET /auth/device-key``: this device's key share (32 random bytes,
    base64), which the server releases only to a fresh password login on the same
    device, and destroys when the device is marked lost."""

    key: str = Field(min_length=40, max_length=64)


class SeedOffer(_Wire):
    """``GET /sync/seed``: a ready-made store of the caller's whole scope (a *seed*, see
    docs/first-download.md), offered to a client whose first pull would otherwise fetch
    every record row by row. ``GET /sync/seed/{generation}`` serves the file (ranges
    allowed, so a broken download resumes). It is a SQLCipher database in the client's
    schema at ``revision``, keyed with ``key`` (the raw 32-byte *transfer key*, hex: it
    protects only the copy in transit and on the server's disk, which already holds the
    same data in plain); the client checks ``size`` and ``sha256``, copies its tables into
    its own store (under its own data key) and pulls on from ``cursor``. The server
    writes nothing here: the seed maker (``gridclient seed``) writes this document
    beside the file, and the server offers it only to callers whose pull scope is the
    one ``cursor`` was issued in. 404 ``no_seed`` when there is none."""

    generation: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
    size: int = Field(ge=1, le=2**50)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    cursor: str = Field(min_length=1, max_length=512)
    revision: str = Field(min_length=1, max_length=64)
    key: str = Field(pattern=r"^[0-9a-f]{64}$")
    made_at: datetime
    records: int = Field(ge=0)
    client_version: str = Field(max_length=64)
