"""Deciding a conflict (an op of kind ``resolve``, see :mod:`gridcore.protocol`): close
it, writing the kept value as a new version where it differs from the record's. See
:mod:`gridserver.opcontext` for how the push is split.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update

from gridcore.domain.enums import EntityKind, Role
from gridcore.protocol import (
    Op,
)
from gridserver.db import (
    conflicts,
    op_log,
)
from gridserver.errors import OpRejected
from gridserver.merge import FieldConflict, three_way
from gridserver.opcontext import Context, Outcome, canonical
from gridserver.writes import add_conflict, write_version

log = logging.getLogger(__name__)

# --- resolving a conflict (an op of kind "resolve", see gridcore.protocol) ------

_RESOLVER_ROLES = "只有冲突双方的网格员、乡镇/街道工作人员或系统管理员可以处理该冲突"


def resolve(ctx: Context, op: Op, row: Any) -> Outcome:
    """Decide a conflict: close it, writing the kept value as a new field version when
    the record no longer holds it. Checks scope and role; a second decision is rejected
    (``already_resolved``). The closed conflict is stamped again, so the feed resends it
    with ``resolved`` true."""
    conflict = ctx.conn.execute(
        select(conflicts).where(conflicts.c.id == op.conflict_id).with_for_update()
    ).first()
    if (
        conflict is None
        or row is None
        or (conflict.kind, conflict.record_id)
        != (
            op.entity.value,
            op.entity_id,
        )
    ):
        raise OpRejected("not_found", "冲突记录不存在（可能尚未同步到服务器）")
    if not ctx.scope.contains(conflict.grid_id):
        raise OpRejected("not_found", "冲突记录不存在（可能尚未同步到服务器）")
    caller = ctx.caller
    party = caller.user_id == conflict.incoming_user_id or caller.username == conflict.server_user
    if caller.role is Role.WORKER and not party:
        raise OpRejected("role", _RESOLVER_ROLES)
    if conflict.resolved_at is not None:
        kept = "先到的值" if conflict.resolution == "server" else "后到的值"
        raise OpRejected(
            "already_resolved",
            f"该冲突已于 {conflict.resolved_at:%Y-%m-%d %H:%M} 由 {conflict.resolved_by} "
            f"处理（保留{kept}），同步后即可看到结果",
        )
    outcome = Outcome("applied", row.version)
    if conflict.field is None:
        outcome = _resolve_whole_record(ctx, op, row, conflict) or outcome
    elif not row.deleted:
        kept = conflict.server_value if op.keep == "server" else conflict.incoming_value
        # The base is the version the incoming value was written at; a field changed
        # again since then makes the merge keep that third value in a new conflict.
        applied_at = conflict.server_version + 1
        merge = three_way(
            row.fields,
            row.field_versions,
            applied_at,
            {conflict.field: (conflict.incoming_value, kept)},
        )
        if merge.updates:
            outcome = _write_resolution(ctx, op, row, merge.updates, merge.conflicts)
    ctx.conn.execute(
        update(conflicts)
        .where(conflicts.c.id == conflict.id)
        .values(resolved_at=ctx.now, resolution=op.keep, resolved_by=caller.username)
    )
    ctx.effects.conflicts.add(conflict.id)
    return outcome


def _resolve_whole_record(ctx: Context, op: Op, row: Any, conflict: Any) -> Outcome | None:
    """A conflict between an edit and a delete (``field`` is None): the side holding a
    dict is the edit, the other (None) the delete. Keeping the delete leaves the record
    as it is (deleted, or restored by another decision since). Keeping the edit restores
    a deleted record with it; on a record already restored (several edits met the same
    delete and each is kept) the edit is merged in like any edit made on the version it
    met, so a field another kept edit changed differently becomes a new conflict."""
    kept = conflict.incoming_value if op.keep == "incoming" else conflict.server_value
    if not isinstance(kept, dict):
        return None  # keep the deletion
    if op.keep == "server":
        # A delete on a stale copy met this edit: its values are still on the record.
        return _write_resolution(ctx, op, row, {}, restore=True) if row.deleted else None
    changes = _edit_of(ctx, conflict, kept)
    if row.deleted:
        return _write_resolution(
            ctx, op, row, {n: new for n, (_, new) in changes.items()}, restore=True
        )
    merge = three_way(row.fields, row.field_versions, conflict.server_version, changes)
    if not merge.updates:
        return None
    return _write_resolution(ctx, op, row, merge.updates, merge.conflicts)


def _edit_of(ctx: Context, conflict: Any, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The edit that met a delete as ``{field: (old, new)}``: its old values from the
    logged op, when the log still has it."""
    logged = ctx.conn.execute(
        select(op_log.c.changes).where(op_log.c.op_id == conflict.op_id)
    ).scalar_one_or_none()
    olds = logged if isinstance(logged, dict) else {}
    result: dict[str, tuple[Any, Any]] = {}
    for name, new in values.items():
        pair = olds.get(name)
        old = pair[0] if isinstance(pair, list | tuple) and len(pair) == 2 else None
        result[name] = (canonical(EntityKind(conflict.kind), name, old), new)
    return result


def _write_resolution(
    ctx: Context,
    op: Op,
    row: Any,
    updates: Mapping[str, Any],
    lost: Sequence[FieldConflict] = (),
    *,
    restore: bool = False,
) -> Outcome:
    """Write the kept value(s) as a new version; ``restore`` undeletes the record with
    the edit that met its deletion (every reference is checked again then: the household
    of a resident may be gone too). Each value ``lost`` (a field changed again since the
    conflict, to another value) is kept in a new conflict."""
    version, placement = write_version(ctx, op.entity, row, updates, restore=restore)
    first: str | None = None
    for third in lost:
        conflict_id = add_conflict(
            ctx,
            op,
            row,
            field=third.field,
            base=third.base,
            server=third.server,
            incoming=third.incoming,
            grid_id=placement.grid_id,
        )
        first = first or conflict_id
    if first is not None:
        names = "、".join(third.field for third in lost)
        return Outcome(
            "conflict",
            version,
            None,
            f"字段（{names}）在冲突之后又被他人修改：已采用您选择的值，"
            "那次修改的值已保存为新的冲突记录等待审核",
            lost[0].field,
            first,
        )
    return Outcome("applied", version)
