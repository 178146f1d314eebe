"""One person, one record: every 公民身份号码 in use, server-wide.

Each live resident's ID number (18 characters, upper-case X, as
:func:`gridserver.validation.check_field` stores it) is copied into the indexed
``records.id_number`` column; tombstoned residents and people without a number have NULL
there. A create, or an edit that changes the number (or restores a deleted resident), is
refused with ``registered_elsewhere`` when another live resident already holds it, and
the answer says where that person is registered as far as the caller may see
(:func:`where_registered`).

Why a plain index and a check rather than a UNIQUE index: townships already hold
duplicates (the same roster imported in two grids before this check existed), and a unique
index, even a partial one over live residents, could not be created over them; the
migration must not fail on a live database. The check runs in the op's transaction
under a lock on the number (PostgreSQL: a transaction-scoped advisory lock keyed by the
number, held until COMMIT, so two pushes registering the same number at once are
serialised; SQLite serialises writers with ``BEGIN IMMEDIATE`` anyway). Once the
township has merged its duplicates (``gridserver duplicates``, ``merge-residents``) a
unique partial index could be added in a later migration as a second line of defence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, text, update

from gridcore.domain import idnumber
from gridcore.domain.enums import EntityKind, IdDocumentType, Role
from gridcore.protocol import DuplicateEntry, DuplicatesResponse, RegisteredPerson
from gridserver.db import Database, records, utcnow
from gridserver.errors import ApiError, OpRejected
from gridserver.feed import FeedEffects, stamp
from gridserver.merge import bump_versions
from gridserver.scope import SUBTREE_IDS, Caller, WriteScope

RESIDENT = EntityKind.RESIDENT.value
HOUSEHOLD = EntityKind.HOUSEHOLD.value
AREA = EntityKind.AREA.value

_CHECKS = frozenset("0123456789X")
KEY_LENGTH = 32
"""``records.id_number``'s length."""

CHOICES = (
    "同一人只能登记一次。如此人户籍在那里、实际住在本户，请选择“登记人户分离”；"
    "如需把此人迁来本户，请选择“申请迁移”，由乡镇/街道调整"
)


_KEY_CODES = (
    ("HM", IdDocumentType.HK_MACAO_PERMIT),
    ("TW", IdDocumentType.TAIWAN_PERMIT),
    ("PP", IdDocumentType.PASSPORT),
    ("FP", IdDocumentType.FOREIGN_PERMANENT),
)
"""Documents other than a 居民身份证-style number that identify one person: their key is
``CODE:NUMBER`` (the code is stored in ``records.id_number``: never change one).
``其他证件`` is too loose to judge a person by."""


def registered_id(kind: str, fields: Mapping[str, Any], deleted: bool = False) -> str | None:
    """The value of ``records.id_number`` for a record: a live resident's document key
    (a 居民身份证 or 港澳台居民居住证 number in its 18-character form; ``PP:E12345678`` for a
    passport and the like), else NULL. A value stored before the checks that does not
    parse is kept as written."""
    if kind != RESIDENT or deleted:
        return None
    value = fields.get("id_number")
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        document = IdDocumentType(fields.get("id_type") or IdDocumentType.RESIDENT_ID.value)
    except ValueError:
        return None  # a type from a newer client: not judged
    if not document.is_id_number:
        code = next((c for c, d in _KEY_CODES if d is document), None)
        return None if code is None else f"{code}:{value.strip().upper()}"[:KEY_LENGTH]
    if len(value) == 18 and value.isascii() and value[:17].isdigit() and value[17] in _CHECKS:
        return value  # already in stored form (the push normalised it)
    try:
        return idnumber.parse(value).number
    except idnumber.InvalidIdNumber:
        return value.strip().upper()[:18] or None


def shown_key(key: str) -> str:
    """A document key as the review list prints it, masked (the birth date of an ID
    number; the middle of another document's number)."""
    code, _, number = key.partition(":")
    if not number:
        return idnumber.mask(key)
    label = next((d.label for c, d in _KEY_CODES if c == code), code)
    keep = 2 if len(number) > 6 else 1
    return f"{label} {number[:keep]}{'*' * (len(number) - 2 * keep)}{number[-keep:]}"


def lock_number(conn: Any, number: str) -> None:
    """Serialise registrations of one number until this transaction ends (PostgreSQL;
    SQLite writers are serialised already)."""
    if getattr(conn, "conn", conn).dialect.name != "postgresql":  # a sync ChunkConnection
        return
    key = int.from_bytes(hashlib.sha256(number.encode()).digest()[:8], "big", signed=True)
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def held_numbers(conn: Any, numbers: set[str]) -> frozenset[str]:
    """Those of ``numbers`` some live resident holds (one statement)."""
    held = conn.execute(
        select(records.c.id_number)
        .where(
            records.c.id_number.in_(sorted(numbers)),
            records.c.kind == RESIDENT,
            records.c.deleted.is_(False),
        )
        .distinct()
    ).scalars()
    return frozenset(held)


@dataclass(frozen=True, slots=True)
class Registration:
    """A live resident holding a number, with where it lives."""

    resident_id: str
    name: str
    grid_id: str | None
    grid_name: str
    household_id: str | None
    household_number: str
    address: str
    moved_out: bool


def registrations(conn: Any, number: str, *, exclude: str | None = None) -> list[Registration]:
    """Live residents holding ``number`` (other than ``exclude``), oldest first."""
    rows = conn.execute(
        select(records.c.id, records.c.grid_id, records.c.parent_id, records.c.fields)
        .where(
            records.c.id_number == number,
            records.c.kind == RESIDENT,
            records.c.deleted.is_(False),
        )
        .order_by(records.c.seq, records.c.id)
    ).all()
    found = []
    for row in rows:
        if row.id == exclude:
            continue
        household = _fields(conn, HOUSEHOLD, row.parent_id)
        found.append(
            Registration(
                resident_id=row.id,
                name=str(row.fields.get("name", "")),
                grid_id=row.grid_id,
                grid_name=area_name(conn, row.grid_id),
                household_id=row.parent_id,
                household_number=str(household.get("number", "") or ""),
                address=str(household.get("address", "") or ""),
                moved_out=household.get("moved_out_on") is not None,
            )
        )
    return found


def _fields(conn: Any, kind: str, record_id: str | None) -> dict[str, Any]:
    if record_id is None:
        return {}
    value = conn.execute(
        select(records.c.fields).where(records.c.kind == kind, records.c.id == record_id)
    ).scalar_one_or_none()
    return dict(value) if isinstance(value, dict) else {}


def area_name(conn: Any, area_id: str | None) -> str:
    """A grid's name as people say it: with its village's name in front unless the grid's
    own name already starts with it (``幸福社区第一网格``, ``和平村 三组网格``)."""
    grid = conn.execute(
        select(records.c.parent_id, records.c.fields).where(
            records.c.kind == AREA, records.c.id == area_id
        )
    ).first()
    if grid is None:
        return "（未知网格）"
    name = str(grid.fields.get("name", ""))
    village = str(_fields(conn, AREA, grid.parent_id).get("name", ""))
    if village and not name.startswith(village):
        return f"{village}{name}"
    return name


def where_registered(found: Registration, *, visible: bool, key: str = "") -> str:
    """The Chinese answer to a second registration. ``visible``: the caller's scope
    holds the registered record, so the name and household may be named; otherwise only
    the grid and the fact that the person exists."""
    what = "该证件号码" if ":" in key else "该身份证号"
    if visible:
        household = f"户号 {found.household_number}，" if found.household_number else ""
        place = f"{found.grid_name}（{household}{found.address}）"
        return f"{what}已登记：{found.name}，户籍登记在{place}。{CHOICES}"
    return (
        f"{what}已在{found.grid_name}登记（此人的详细信息不在您的管辖范围内，不予显示）。{CHOICES}"
    )


def check_not_registered(conn: Any, number: str | None, record_id: str, visible: Any) -> None:
    """Refuse a second live record for ``number`` (``visible(grid_id)``: may the
    caller see a record there). Residents of a household that moved out (迁出) do not
    hold their number: they are registered where they went."""
    if not number:
        return
    lock_number(conn, number)
    for found in registrations(conn, number, exclude=record_id):
        if found.moved_out:
            continue
        raise OpRejected(
            "registered_elsewhere",
            where_registered(found, visible=bool(visible(found.grid_id)), key=number),
            "id_number",
        )


# --- township review: duplicates and merging ------------------------------------------


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    id_number: str
    registrations: list[Registration]


def duplicates(db: Database, area_id: str | None = None) -> Iterator[DuplicateGroup]:
    """Numbers held by more than one live resident, each with where every holder is
    registered; with ``area_id``, those with a holder in that area's subtree (a
    township's review list: its own people registered twice, in it or elsewhere). A
    resident of a household that moved out (迁出) is history, not a registration."""
    with db.engine.connect() as conn:
        within = None
        if area_id is not None:
            within = set(conn.execute(SUBTREE_IDS, {"scope_area_id": area_id}).scalars())
        numbers = (
            conn.execute(
                select(records.c.id_number)
                .where(
                    records.c.kind == RESIDENT,
                    records.c.deleted.is_(False),
                    records.c.id_number.is_not(None),
                )
                .group_by(records.c.id_number)
                .having(func.count() > 1)
                .order_by(records.c.id_number)
            )
            .scalars()
            .all()
        )
        for number in numbers:
            found = [r for r in registrations(conn, number) if not r.moved_out]
            if len(found) < 2:
                continue
            if within is not None and not any(r.grid_id in within for r in found):
                continue
            yield DuplicateGroup(number, found)


def review(db: Database, caller: Caller) -> DuplicatesResponse:
    """``GET /residents/duplicates``: the caller's review list (township staff and
    administrators). Holders in the caller's scope are shown in full (the number masked:
    the record is opened on the laptop, where a reveal is logged); holders outside it by
    their grid's name only, as a second registration is answered."""
    if caller.role not in (Role.TOWNSHIP, Role.ADMIN):
        raise ApiError(403, "role", "只有乡镇/街道工作人员和系统管理员可以查看重复登记名单")
    groups = []
    area_id = None if caller.unrestricted else caller.scope_area_id
    with db.engine.connect() as conn:
        scope = WriteScope(conn, caller)
    for group in duplicates(db, area_id):
        mine = [r for r in group.registrations if scope.contains(r.grid_id)]
        groups.append(
            DuplicateEntry(
                id_number=shown_key(group.id_number),
                registrations=[
                    RegisteredPerson(
                        resident_id=r.resident_id,
                        name=r.name,
                        grid_name=r.grid_name,
                        household_id=r.household_id,
                        household_number=r.household_number,
                        address=r.address,
                    )
                    for r in mine
                ],
                elsewhere=[r.grid_name for r in group.registrations if r not in mine],
            )
        )
    return DuplicatesResponse(groups=groups)


class MergeError(Exception):
    """A merge that cannot be done; ``str(exc)`` is Chinese for the administrator."""


@dataclass(frozen=True, slots=True)
class MergeResult:
    keep_id: str
    drop_id: str
    filled: list[str]
    """Fields of KEEP that were empty and took DROP's value."""


_UNION_FIELDS = frozenset({"tags"})
_NEVER_FILLED = frozenset({"household_id", "id_number", "name", "notes", "relation"})


def merge_residents(
    db: Database, keep_id: str, drop_id: str, reason: str = "重复登记", by: int | None = None
) -> MergeResult:
    """Merge the duplicate resident DROP into KEEP, keeping both histories: KEEP takes
    DROP's special-group tags and fills its own empty fields from DROP, and its notes
    say where the other record was; DROP becomes a tombstone whose notes say why and
    where it went (its version history stays in the audit log). No record refers to a
    resident (visits and events name the household, which keeps them), so nothing else
    needs pointing at KEEP. Both records get a new version and feed position, so every laptop
    receives the merge at its next sync (and the rosters list the person once)."""
    if keep_id == drop_id:
        raise MergeError("保留记录和被合并记录不能是同一条")
    reason = reason.strip() or "重复登记"
    now = utcnow()
    with db.write() as conn:
        rows = {
            row.id: row
            for row in conn.execute(
                select(records)
                .where(records.c.kind == RESIDENT, records.c.id.in_([keep_id, drop_id]))
                .order_by(records.c.id)
                .with_for_update()
            )
        }
        keep, drop = rows.get(keep_id), rows.get(drop_id)
        for label, row, record_id in (("保留", keep, keep_id), ("被合并", drop, drop_id)):
            if row is None:
                raise MergeError(f"{label}记录 {record_id} 不是服务器上的居民记录")
            if row.deleted:
                raise MergeError(f"{label}记录 {record_id} 已删除")
        assert keep is not None and drop is not None
        keep_number = registered_id(RESIDENT, keep.fields)
        drop_number = registered_id(RESIDENT, drop.fields)
        if keep_number and drop_number and keep_number != drop_number:
            raise MergeError("两条记录的身份证号不同，不是同一人，不能合并")
        changes: dict[str, Any] = {}
        filled = []
        for name, value in drop.fields.items():
            current = keep.fields.get(name)
            if name in _UNION_FIELDS and isinstance(value, list):
                union = sorted(set(current or []) | set(value))
                if union != sorted(current or []):
                    changes[name] = union
            elif (
                name not in _NEVER_FILLED
                and current in (None, "", [])
                and value
                not in (
                    None,
                    "",
                    [],
                )
            ):
                changes[name] = value
                filled.append(name)
        if not keep_number and drop_number:
            changes["id_number"] = drop_number
        where = area_name(conn, drop.grid_id)
        note = f"与 {where} 的重复登记记录合并（{now:%Y-%m-%d}，{reason}）"
        changes["notes"] = _append(keep.fields.get("notes"), note)
        keep_fields = {**keep.fields, **changes}
        _write(conn, keep, keep_fields, changes, now, by, deleted=False)
        drop_note = f"已合并到 {area_name(conn, keep.grid_id)} 的记录（{now:%Y-%m-%d}，{reason}）"
        drop_changes = {"notes": _append(drop.fields.get("notes"), drop_note)}
        _write(conn, drop, {**drop.fields, **drop_changes}, drop_changes, now, by, deleted=True)
        stamp(conn, FeedEffects(records={(RESIDENT, keep_id), (RESIDENT, drop_id)}))
    return MergeResult(keep_id, drop_id, filled)


def _append(notes: Any, line: str) -> str:
    notes = str(notes or "").rstrip()
    return f"{notes}\n{line}" if notes else line


def _write(
    conn: Connection,
    row: Any,
    fields: dict[str, Any],
    changes: Mapping[str, Any],
    now: Any,
    by: int | None,
    *,
    deleted: bool,
) -> None:
    version = row.version + 1
    conn.execute(
        update(records)
        .where(records.c.kind == row.kind, records.c.id == row.id)
        .values(
            version=version,
            deleted=deleted,
            updated_at=now,
            fields=fields,
            field_versions=bump_versions(row.field_versions, changes, version),
            id_number=registered_id(row.kind, fields, deleted),
            updated_by=by,
        )
    )
