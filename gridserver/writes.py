"""Writing a record's new version (:func:`write_version`: placement, field versions, feed
moves), moving the records below a moved area or household, and storing a conflict
(:func:`add_conflict`). See :mod:`gridserver.opcontext` for how the push is split.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select, update

from gridcore.domain.codec import (
    encode_fields,
)
from gridcore.domain.enums import EntityKind, Role
from gridcore.protocol import (
    Op,
)
from gridserver import persons
from gridserver.db import (
    conflicts,
    op_log,
    records,
    users,
)
from gridserver.errors import OpRejected
from gridserver.feed import lock_rescoped
from gridserver.merge import CREATED_VERSION, bump_versions
from gridserver.opcontext import Context, Placement, full_record
from gridserver.placement import check_number, place
from gridserver.scope import area_chain, gained_ancestors

log = logging.getLogger(__name__)


def write_version(
    ctx: Context,
    kind: EntityKind,
    row: Any,
    updates: Mapping[str, Any],
    *,
    restore: bool = False,
) -> tuple[int, Placement]:
    """Write ``updates`` over ``row`` as its next version (placement and references
    checked, field versions bumped, a move to another grid taking the household's
    residents along); ``restore`` also undeletes it and checks every reference again."""
    record = full_record(kind, row.id, {**row.fields, **updates})
    fields = encode_fields(record)
    new_parent = fields.get("parent_id")
    reparented = kind is EntityKind.AREA and new_parent != row.parent_id
    if reparented:
        _check_reparent(ctx, row.id, new_parent if isinstance(new_parent, str) else None)
    placement = place(ctx, kind, row.id, fields, previous=None if restore else row.fields)
    number = persons.registered_id(kind.value, fields)
    if number is not None and (restore or number != persons.registered_id(kind.value, row.fields)):
        check_number(ctx, number, row.id)
    version = row.version + 1
    values: dict[str, Any] = {
        "version": version,
        "updated_at": ctx.now,
        "grid_id": placement.grid_id,
        "parent_id": placement.parent_id,
        "area_code": placement.area_code,
        "fields": fields,
        "field_versions": bump_versions(row.field_versions, updates, version),
        "updated_by": ctx.caller.user_id,
        "id_number": number,
    }
    if restore:
        values["deleted"] = False
    ctx.conn.execute(
        update(records).where(records.c.kind == row.kind, records.c.id == row.id).values(**values)
    )
    ctx.effects.records.add((row.kind, row.id))
    if reparented:
        _move_area(ctx, row.id, row.parent_id, placement.parent_id)
    if placement.grid_id != row.grid_id:
        _move(ctx, row.kind, row.id, row.grid_id, placement.grid_id)
        if kind is EntityKind.HOUSEHOLD:
            for child in (EntityKind.RESIDENT, EntityKind.PROGRAM_RECORD):
                _move_children(ctx, child, row.id, row.grid_id, placement.grid_id)
        elif kind is EntityKind.PLACE:
            _move_children(ctx, EntityKind.PLACE_INSPECTION, row.id, row.grid_id, placement.grid_id)
    return version, placement


def _move(ctx: Context, kind: str, record_id: str, old: str | None, new: str | None) -> None:
    ctx.effects.moves.append(
        {"kind": kind, "record_id": record_id, "old_grid_id": old, "new_grid_id": new}
    )


def _check_reparent(ctx: Context, area_id: str, new_parent: str | None) -> None:
    """Moving an area under another parent moves every record below it into other
    users' scopes: only an administrator may, and never below itself."""
    if ctx.caller.role is not Role.ADMIN:
        raise OpRejected("role", "只有系统管理员可以调整区划的上级区划", "parent_id")
    ctx.conn.flush()  # areas created earlier in the chunk must be visible
    if area_id in area_chain(ctx.conn.conn, new_parent):
        raise OpRejected("invalid_field", "不能把区划移到它自己的下级区划之下", "parent_id")


def _move_area(ctx: Context, area_id: str, old: str | None, new: str | None) -> None:
    """Re-parent an area: the records below it change scope when the feed position is
    stamped (:meth:`FeedEffects.rescope`), and the new parent's chain, which users inside
    the moved subtree now see as their ancestors, is sent to them again."""
    ancestors = gained_ancestors(ctx.conn.conn, old, new)
    lock_rescoped(ctx.conn.conn, area_id, ancestors)
    ctx.effects.records.update((EntityKind.AREA.value, ancestor) for ancestor in ancestors)
    ctx.effects.rescope(area_id, old, new)
    # And the ancestors they lose: evicted for them (the feed checks who still sees them).
    ctx.effects.losses.extend(
        {"area_id": lost, "moved_area_id": area_id}
        for lost in sorted(gained_ancestors(ctx.conn.conn, new, old))
    )


def _move_children(
    ctx: Context, child: EntityKind, parent_id: str, old: str | None, new: str | None
) -> None:
    """Residents and program records are scoped through their household and a place's
    inspections through the place, so they move with it."""
    resident = child.value
    ids = (
        ctx.conn.execute(
            select(records.c.id).where(records.c.kind == resident, records.c.parent_id == parent_id)
        )
        .scalars()
        .all()
    )
    if not ids:
        return
    ctx.conn.execute(
        update(records)
        .where(records.c.kind == resident, records.c.parent_id == parent_id)
        .values(grid_id=new)
    )
    for resident_id in ids:
        ctx.effects.records.add((resident, resident_id))
        ctx.shared.rows.pop((resident, resident_id), None)  # prefetched copy is stale now
        ctx.shared.refs.pop((resident, resident_id), None)
        _move(ctx, resident, resident_id, old, new)


def add_conflict(
    ctx: Context,
    op: Op,
    row: Any,
    *,
    field: str | None,
    base: Any,
    server: Any,
    incoming: Any,
    grid_id: str | None = None,
) -> str:
    conflict_id = str(uuid.uuid4())
    # Who wrote the value that lost: the op that produced the version it dates from.
    written_at = row.version if field is None else row.field_versions.get(field, CREATED_VERSION)
    writer: Any = None
    if (row.id, written_at) in ctx.shared.writers:
        username, device, time = ctx.shared.writers[row.id, written_at]
        writer = SimpleNamespace(username=username, device_id=device, received_at=time)
    else:
        writer = ctx.conn.execute(
            select(op_log.c.device_id, op_log.c.received_at, users.c.username)
            .join(users, users.c.id == op_log.c.user_id)
            .where(
                op_log.c.entity_id == row.id,
                op_log.c.version == written_at,
                op_log.c.entity == row.kind,
                op_log.c.status != "rejected",
            )
            .order_by(op_log.c.received_at.desc())
            .limit(1)
        ).first()
    ctx.conn.execute(
        insert(conflicts).values(
            id=conflict_id,
            seq=0,
            kind=row.kind,
            record_id=row.id,
            grid_id=grid_id if grid_id is not None else row.grid_id,
            field=field,
            base_value=base,
            server_value=server,
            incoming_value=incoming,
            server_version=row.version,
            server_user=None if writer is None else writer.username,
            server_device=None if writer is None else writer.device_id,
            server_time=None if writer is None else writer.received_at,
            incoming_user_id=ctx.caller.user_id,
            incoming_device=ctx.device_id,
            incoming_time=op.client_time,
            op_id=str(op.op_id),
            created_at=ctx.now,
        )
    )
    ctx.effects.conflicts.add(conflict_id)
    return conflict_id
