"""Administrative operations behind the command line: areas, catalog, conflicts, audit.

Changes made here go through the same feed stamping as pushes, so clients pull them.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, func, insert, select, update

from gridcore.domain import limits
from gridcore.domain.catalog import CatalogError, EventCatalog
from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import Area
from gridcore.domain.enums import AreaLevel, ChangeKind, EntityKind, Role
from gridcore.domain.holidays import HolidayError, WorkCalendar
from gridcore.protocol import ConflictInfo, Op, PushRequest, Resolution
from gridserver import sync
from gridserver.auth import UserError, find_area_id
from gridserver.db import Database, catalog, conflicts, holidays, op_log, records, users, utcnow
from gridserver.feed import FeedEffects, conflict_info, lock_rescoped, stamp
from gridserver.merge import bump_versions
from gridserver.scope import Caller, area_chain, gained_ancestors


def add_area(db: Database, code: str, name: str, level: AreaLevel, parent_code: str | None) -> str:
    """Create one area (the hierarchy is built top-down)."""
    try:  # before any query: a NUL in the code would fail the lookup on PostgreSQL
        limits.check_record(Area(code=code, name=name, level=level))
    except limits.InvalidValue as exc:
        raise UserError(exc.message) from None
    now = utcnow()
    with db.write() as conn:
        if find_area_id(conn, code) is not None:
            raise UserError(f"区划代码 {code} 已存在")
        parent_id = None
        if parent_code is not None:
            parent_id = find_area_id(conn, parent_code)
            if parent_id is None:
                raise UserError(f"上级区划代码 {parent_code} 不存在")
        area = Area(code=code, name=name, level=level, parent_id=parent_id)
        fields = encode_fields(area)
        conn.execute(
            insert(records).values(
                kind=EntityKind.AREA.value,
                id=area.id,
                version=1,
                deleted=False,
                updated_at=now,
                seq=0,
                grid_id=area.id,
                parent_id=parent_id,
                area_code=code,
                fields=fields,
                field_versions={},
            )
        )
        stamp(conn, FeedEffects(records={(EntityKind.AREA.value, area.id)}))
    return area.id


def set_issuer(db: Database, code: str, issuer: str) -> None:
    """Set the area's 填报单位 (the issuing body printed on its rosters and reports, e.g.
    和平镇人民政府); empty clears it (reports then use the nearest area above with one,
    else the chain of area names). The change syncs to every laptop holding the area."""
    issuer = issuer.strip()
    try:
        limits.check_value(EntityKind.AREA, "issuer", issuer)
    except limits.InvalidValue as exc:
        raise UserError(exc.message) from None
    now = utcnow()
    with db.write() as conn:
        row = _locked_area(conn, code)
        if row.fields.get("issuer", "") == issuer:
            return
        version = row.version + 1
        change = {"issuer": issuer}
        conn.execute(
            update(records)
            .where(records.c.kind == row.kind, records.c.id == row.id)
            .values(
                version=version,
                updated_at=now,
                fields={**row.fields, **change},
                field_versions=bump_versions(row.field_versions, change, version),
            )
        )
        stamp(conn, FeedEffects(records={(row.kind, row.id)}))


def _locked_area(conn: Connection, code: str) -> Any:
    """The live area row with ``code``, locked for update; a clear refusal otherwise."""
    area_id = find_area_id(conn, code)
    if area_id is None:
        raise UserError(f"区划代码 {code} 不存在")
    row = conn.execute(
        select(records)
        .where(records.c.kind == EntityKind.AREA.value, records.c.id == area_id)
        .with_for_update()
    ).one()
    if row.deleted:
        raise UserError(f"区划 {code} 已删除")
    return row


def move_area(db: Database, code: str, parent_code: str) -> None:
    """Put an area under another parent (a village handed to another township): every
    record below it leaves the old parent's users (evictions) and reaches the new
    parent's, exactly as when an administrator's client pushes the change."""
    now = utcnow()
    with db.write() as conn:
        row = _locked_area(conn, code)
        parent_id = find_area_id(conn, parent_code)
        if parent_id is None:
            raise UserError(f"上级区划代码 {parent_code} 不存在")
        if row.parent_id == parent_id:
            raise UserError(f"区划 {code} 已在 {parent_code} 之下")
        if row.id in area_chain(conn, parent_id):
            raise UserError("不能把区划移到它自己或它的下级区划之下")
        parent_fields = conn.execute(
            select(records.c.fields).where(
                records.c.kind == EntityKind.AREA.value, records.c.id == parent_id
            )
        ).scalar_one()
        level = AreaLevel(row.fields["level"])
        if level.depth <= AreaLevel(parent_fields["level"]).depth:
            raise UserError(f"区划级别（{level.label}）必须低于上级区划")
        version = row.version + 1
        change = {"parent_id": parent_id}
        conn.execute(
            update(records)
            .where(records.c.kind == row.kind, records.c.id == row.id)
            .values(
                version=version,
                updated_at=now,
                parent_id=parent_id,
                fields={**row.fields, **change},
                field_versions=bump_versions(row.field_versions, change, version),
            )
        )
        effects = FeedEffects(records={(row.kind, row.id)})
        ancestors = gained_ancestors(conn, row.parent_id, parent_id)
        lock_rescoped(conn, row.id, ancestors)
        effects.records.update((EntityKind.AREA.value, ancestor) for ancestor in ancestors)
        effects.rescope(row.id, row.parent_id, parent_id)
        stamp(conn, effects)


def load_catalog(db: Database, document: dict[str, Any]) -> EventCatalog:
    """Validate and store the event catalog as its next revision (replacing the previous
    one; the same document again keeps its revision).

    A category that events use can be retired (``"active": false``: hidden for new
    events) but never removed: a document leaving one out is refused (CatalogError)
    and nothing changes. Refused rather than retired silently because a file missing
    categories in use is far more often the wrong or a truncated file than a decision;
    retiring is one explicit word in the file. Events keep their own terms either way."""
    parsed = EventCatalog.from_json(document)
    now = utcnow()
    with db.write() as conn:
        previous = conn.execute(select(catalog.c.document).where(catalog.c.id == 1)).first()
        old_revision = 0
        if previous is not None and isinstance(previous.document, dict):
            raw = previous.document.get("revision", 0)
            old_revision = raw if isinstance(raw, int) and not isinstance(raw, bool) else 0
        in_use = _categories_in_use(conn)
        missing = sorted(code for code in in_use if code not in parsed)
        if missing:
            shown = "、".join(f"{code}（{in_use[code]} 件事件）" for code in missing[:10])
            more = f" 等 {len(missing)} 项" if len(missing) > 10 else ""
            raise CatalogError(
                f"新事项清单缺少仍有事件使用的事项：{shown}{more}。已有事件的事项不能删除，"
                '只能停用：请在清单中保留这些事项并标注 "active": false，再重新导入。'
                "本次未作任何修改。"
            )
        # The same document loaded again is the same revision (laptops need not fetch
        # it again); any change is the next one.
        unchanged = False
        if previous is not None:
            try:
                before = EventCatalog.from_json(previous.document)
            except CatalogError:
                before = None
            unchanged = before == dataclasses.replace(parsed, revision=old_revision)
        parsed = dataclasses.replace(
            parsed, revision=old_revision if unchanged else old_revision + 1
        )
        values = {"version": parsed.version, "document": parsed.to_json(), "updated_at": now}
        if previous is None:
            conn.execute(insert(catalog).values(id=1, **values))
        else:
            conn.execute(update(catalog).where(catalog.c.id == 1).values(**values))
    return parsed


def load_holidays(db: Database, document: Any) -> WorkCalendar:
    """Validate and store the holiday calendar (节假日安排) as its next revision; the
    same document again keeps its revision. Laptops fetch it with the catalog, and
    working-day deadlines count with it from then on (open events' too: a 调休 notice
    published after an event was reported moves its deadline, as it does in the
    township). Raises HolidayError (nothing stored) on a bad document."""
    parsed = WorkCalendar.from_json(document)
    with db.write() as conn:
        previous = conn.execute(select(holidays.c.document).where(holidays.c.id == 1)).first()
        before: WorkCalendar | None = None
        if previous is not None:
            try:
                before = WorkCalendar.from_json(previous.document)
            except HolidayError:
                before = None
        old_revision = before.revision if before is not None else 0
        unchanged = before == dataclasses.replace(parsed, revision=old_revision)
        parsed = dataclasses.replace(
            parsed, revision=old_revision if unchanged else old_revision + 1
        )
        values = {
            "version": parsed.version[:64],
            "document": parsed.to_json(),
            "updated_at": utcnow(),
        }
        if previous is None:
            conn.execute(insert(holidays).values(id=1, **values))
        else:
            conn.execute(update(holidays).where(holidays.c.id == 1).values(**values))
    return parsed


def _categories_in_use(conn: Connection) -> dict[str, int]:
    """Category code → number of events (deleted ones too: their history stays)."""
    # Grouped over a subquery: PostgreSQL would not match the JSON expression of the
    # select list with the one of GROUP BY (each binds its key as its own parameter).
    codes = (
        select(records.c.fields["category_code"].as_string().label("code"))
        .where(records.c.kind == EntityKind.EVENT.value)
        .subquery()
    )
    rows = conn.execute(select(codes.c.code, func.count()).group_by(codes.c.code)).all()
    return {row[0]: row[1] for row in rows if row[0] is not None}


def list_conflicts(db: Database, *, include_resolved: bool = False) -> list[ConflictInfo]:
    with db.engine.connect() as conn:
        query = (
            select(conflicts, users.c.username)
            .join(users, users.c.id == conflicts.c.incoming_user_id)
            .order_by(conflicts.c.created_at, conflicts.c.id)
        )
        if not include_resolved:
            query = query.where(conflicts.c.resolved_at.is_(None))
        return [conflict_info(row) for row in conn.execute(query).all()]


def resolve_conflict(db: Database, conflict_id: str, keep: str, resolved_by: str) -> None:
    """Decide a conflict from the command line, through the same code as a ``resolve``
    op from a laptop (as an administrator of everything): ``incoming`` keeps the value
    the server applied, ``server`` writes the other one back as a new version; for an
    edit and a delete that crossed, keeping the edit restores the record with it."""
    if keep not in ("server", "incoming"):
        raise UserError("--keep 只能是 server 或 incoming")
    with db.engine.connect() as conn:
        row = conn.execute(select(conflicts).where(conflicts.c.id == conflict_id)).first()
    if row is None:
        raise UserError(f"冲突记录 {conflict_id} 不存在")
    if row.resolved_at is not None:
        raise UserError(f"冲突记录 {conflict_id} 已于 {row.resolved_at:%Y-%m-%d %H:%M} 处理")
    caller = Caller(
        user_id=0,
        username=resolved_by,
        display_name=resolved_by,
        role=Role.ADMIN,
        scope_area_id=None,
        device_id=CLI_DEVICE,
    )
    decision = Op(
        op_id=uuid.uuid4(),
        seq=1,
        entity=EntityKind(row.kind),
        entity_id=row.record_id,
        kind=ChangeKind.RESOLVE,
        base_version=0,
        changes={},
        client_time=utcnow(),
        conflict_id=row.id,
        keep=cast(Resolution, keep),
    )
    [result] = sync.push(db, caller, PushRequest(device_id=CLI_DEVICE, ops=[decision])).results
    if result.status == "rejected":
        raise UserError(f"无法处理该冲突：{result.message}")


CLI_DEVICE = "gridserver-cli"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    received_at: datetime
    username: str
    device_id: str
    entity: str
    entity_id: str
    kind: str
    status: str
    fields: Sequence[str]
    reason: str | None


def audit(
    db: Database, *, username: str | None = None, since: datetime | None = None, limit: int = 1000
) -> list[AuditEntry]:
    """Who changed what, when and from which device (every op the server received)."""
    query = (
        select(op_log, users.c.username)
        .join(users, users.c.id == op_log.c.user_id)
        .order_by(op_log.c.received_at, op_log.c.client_seq)
        .limit(limit)
    )
    if username is not None:
        query = query.where(users.c.username == username)
    if since is not None:
        query = query.where(op_log.c.received_at >= since)
    with db.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        AuditEntry(
            received_at=row.received_at,
            username=row.username,
            device_id=row.device_id,
            entity=row.entity,
            entity_id=row.entity_id,
            kind=row.kind,
            status=row.status,
            fields=sorted(row.changes),
            reason=row.reason,
        )
        for row in rows
    ]
