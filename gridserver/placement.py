"""References and scope of a record about to be written: the records it refers to exist
and lie in the caller's scope, its scope key (:func:`place`), one person one record
(:func:`check_number`), an event step the workflow allows (:func:`check_transition`) and
attachments the caller may use. See :mod:`gridserver.opcontext` for how the push is split.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from gridcore.domain import mediation
from gridcore.domain.codec import (
    decode_record,
)
from gridcore.domain.departments import DepartmentError
from gridcore.domain.entities import Event, EventAction
from gridcore.domain.enums import AreaLevel, ChangeKind, EntityKind, EventActionKind
from gridcore.domain.workflow import IllegalTransition, check_action
from gridcore.protocol import (
    Op,
    is_valid_entity_id,
)
from gridserver import departments, persons
from gridserver.db import (
    records,
)
from gridserver.errors import OpRejected
from gridserver.opcontext import OUT_OF_SCOPE, REF_KINDS, Context, Placement, load
from gridserver.references import (
    is_ancestor_area,
    usable_blobs,
)


def check_number(ctx: Context, number: str, record_id: str) -> None:
    """One person, one record (see :mod:`gridserver.persons`): refuse ``number`` if
    another live resident holds it. Known free when nobody held it as the chunk began
    (locked since) and no earlier op of the chunk took it."""
    shared = ctx.shared
    free = (
        number in shared.numbers
        and number not in shared.held_numbers
        and number not in shared.claimed
    )
    if not free:
        persons.check_not_registered(ctx.conn, number, record_id, ctx.scope.contains)
    ctx.claimed.append(number)


# --- references and scope ------------------------------------------------------------


def _changed(fields: Mapping[str, Any], previous: Mapping[str, Any] | None, name: str) -> bool:
    return previous is None or previous.get(name) != fields.get(name)


def existing(
    ctx: Context, kind: EntityKind, record_id: str | None, field_name: str, *, lock: bool = False
) -> Any:
    """A live record another one refers to; ``not_found`` otherwise."""
    cacheable = kind.value in REF_KINDS and not lock and record_id is not None
    key = (kind.value, record_id or "")
    row = ctx.shared.refs.get(key) if cacheable else None
    if row is None and record_id is not None:
        row = load(ctx.conn, kind, record_id, lock=lock)
        if cacheable and row is not None:
            ctx.shared.refs[key] = row
    if row is None or row.deleted:
        raise _missing(kind, field_name)
    return row


def _missing(kind: EntityKind, field_name: str | None) -> OpRejected:
    """The one answer for a reference to a record that does not exist *and* for one the
    caller may not see: no existence oracle."""
    return OpRejected("not_found", f"引用的{kind.label}不存在（可能尚未同步到服务器）", field_name)


def _in_scope(
    ctx: Context, grid_id: str | None, field_name: str, kind: EntityKind = EntityKind.AREA
) -> None:
    """The referenced record (of ``kind``, scope key ``grid_id``) may be written under:
    else ``out_of_scope`` if the caller can see it anyway (an area above their home
    area), and the same answer as a missing record if they cannot."""
    if ctx.scope.contains(grid_id):
        return
    if kind is EntityKind.AREA and is_ancestor_area(ctx.conn.conn, ctx.caller, grid_id):
        raise OpRejected("out_of_scope", OUT_OF_SCOPE, field_name)
    raise _missing(kind, field_name)


def check_own_record(ctx: Context, op: Op, row: Any) -> None:
    """The op's own record exists: it must be in the caller's scope (a record they
    cannot see answers like a missing one), and staff may change only areas strictly
    below their home area, never it or those above it."""
    kind = op.entity
    caller = ctx.caller
    if (
        kind is EntityKind.AREA
        and not caller.unrestricted
        and op.kind is not ChangeKind.RESOLVE
        and is_ancestor_area(ctx.conn.conn, caller, row.id)
    ):
        raise OpRejected("out_of_scope", "不能修改或删除本人所属区划及其上级区划")
    if ctx.scope.contains(row.grid_id):
        return
    if kind is EntityKind.AREA and is_ancestor_area(ctx.conn.conn, caller, row.id):
        raise OpRejected("out_of_scope", OUT_OF_SCOPE)
    if op.kind is ChangeKind.CREATE:
        raise OpRejected("duplicate", "记录编号与已有记录重复")
    if op.kind is ChangeKind.RESOLVE:  # as for a conflict that does not exist
        raise OpRejected("not_found", "冲突记录不存在（可能尚未同步到服务器）")
    raise OpRejected("not_found", f"{kind.label}不存在（可能尚未同步到服务器）")


def _grid(ctx: Context, grid_id: str, field_name: str) -> None:
    row = existing(ctx, EntityKind.AREA, grid_id, field_name)
    _in_scope(ctx, grid_id, field_name)
    if row.fields.get("level") != AreaLevel.GRID.value:
        raise OpRejected("invalid_field", "所属网格必须是“网格”级别的区划", field_name)


def place(
    ctx: Context,
    kind: EntityKind,
    record_id: str,
    fields: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
) -> Placement:
    """Check the references of a record about to be written (those that changed) and
    work out its scope key."""
    if kind is EntityKind.AREA:
        return _place_area(ctx, record_id, fields, previous)
    if kind in (EntityKind.HOUSEHOLD, EntityKind.ORGANIZATION, EntityKind.PLACE):
        if _changed(fields, previous, "grid_id"):
            _grid(ctx, fields["grid_id"], "grid_id")
        micro = fields.get("micro_grid_id")
        if micro is not None and _changed(fields, previous, "micro_grid_id"):
            area = existing(ctx, EntityKind.AREA, micro, "micro_grid_id")
            _in_scope(ctx, micro, "micro_grid_id")
            if area.fields.get("level") != AreaLevel.MICRO_GRID.value:
                raise OpRejected(
                    "invalid_field", "所属微网格必须是“微网格”级别的区划", "micro_grid_id"
                )
        return Placement(fields["grid_id"])
    if kind in (EntityKind.RESIDENT, EntityKind.PROGRAM_RECORD):
        # Scoped through their household (its grid), and moved with it.
        household = existing(ctx, EntityKind.HOUSEHOLD, fields["household_id"], "household_id")
        _in_scope(ctx, household.grid_id, "household_id", EntityKind.HOUSEHOLD)
        return Placement(household.grid_id, parent_id=household.id)
    if kind is EntityKind.PATROL:
        if _changed(fields, previous, "grid_id"):
            _grid(ctx, fields["grid_id"], "grid_id")
        if _changed(fields, previous, "attachments"):
            _check_attachments(ctx, fields)
        if _changed(fields, previous, "event_ids"):
            _check_event_ids(fields)
        return Placement(fields["grid_id"])
    if kind is EntityKind.VISIT:
        household = existing(ctx, EntityKind.HOUSEHOLD, fields["household_id"], "household_id")
        _in_scope(ctx, household.grid_id, "household_id", EntityKind.HOUSEHOLD)
        existing(ctx, EntityKind.AREA, fields["grid_id"], "grid_id")
        _in_scope(ctx, fields["grid_id"], "grid_id")
        if fields.get("corrects_id") is not None:
            corrected = existing(ctx, EntityKind.VISIT, fields["corrects_id"], "corrects_id")
            _in_scope(ctx, corrected.grid_id, "corrects_id", EntityKind.VISIT)
        _check_attachments(ctx, fields)
        return Placement(fields["grid_id"], parent_id=household.id)
    if kind is EntityKind.PLACE_INSPECTION:
        place_row = existing(ctx, EntityKind.PLACE, fields["place_id"], "place_id")
        _in_scope(ctx, place_row.grid_id, "place_id", EntityKind.PLACE)
        if fields.get("corrects_id") is not None:
            corrected = existing(
                ctx, EntityKind.PLACE_INSPECTION, fields["corrects_id"], "corrects_id"
            )
            _in_scope(ctx, corrected.grid_id, "corrects_id", EntityKind.PLACE_INSPECTION)
        return Placement(place_row.grid_id, parent_id=place_row.id)
    if kind is EntityKind.EVENT:
        existing(ctx, EntityKind.AREA, fields["grid_id"], "grid_id")
        _in_scope(ctx, fields["grid_id"], "grid_id")
        if fields.get("household_id") is not None:
            household = existing(ctx, EntityKind.HOUSEHOLD, fields["household_id"], "household_id")
            _in_scope(ctx, household.grid_id, "household_id", EntityKind.HOUSEHOLD)
        _check_attachments(ctx, fields)
        known = ctx.catalog()
        if known is not None and fields["category_code"] not in known:
            raise OpRejected(
                "invalid_field",
                f"事项清单中没有编码为“{fields['category_code']}”的事项",
                "category_code",
            )
        return Placement(fields["grid_id"])
    if kind is EntityKind.EVENT_ACTION:
        event = existing(ctx, EntityKind.EVENT, fields["event_id"], "event_id", lock=True)
        _in_scope(ctx, event.grid_id, "event_id", EntityKind.EVENT)
        if ctx.caller.is_department and not departments.is_linked(
            ctx.conn, ctx.caller.department, event.id
        ):
            raise _missing(EntityKind.EVENT, "event_id")  # not its event: as if absent
        _check_attachments(ctx, fields)
        return Placement(event.grid_id, parent_id=event.id)
    if kind is EntityKind.MEDIATION:
        return _place_mediation(ctx, fields, previous)
    # Attachments carry no place of their own: they belong to the uploader's home area,
    # so colleagues above and beside the uploader (same subtree) can see them.
    return Placement(ctx.caller.scope_area_id)


def _place_mediation(
    ctx: Context, fields: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> Placement:
    """A mediation sits where its event sits (the event's grid, the event as parent): the
    caller must be able to write the event, and the event must be a dispute by the
    server's catalog (a mediation of another event is refused with the catalog's words).
    The event is fixed once the record exists."""
    if previous is not None and previous.get("event_id") != fields["event_id"]:
        raise OpRejected("invalid_field", "调解记录所属的事件不能更改", "event_id")
    event_row = existing(ctx, EntityKind.EVENT, fields["event_id"], "event_id")
    _in_scope(ctx, event_row.grid_id, "event_id", EntityKind.EVENT)
    if previous is None:
        event = decode_record(EntityKind.EVENT, event_row.fields, id=event_row.id)
        assert isinstance(event, Event)
        problem = mediation.event_problem(event, ctx.terms_catalog())
        if problem is not None:
            raise OpRejected("invalid_field", problem.message, problem.field)
    if _changed(fields, previous, "attachments"):
        _check_attachments(ctx, fields)
    return Placement(event_row.grid_id, parent_id=event_row.id)


def _place_area(
    ctx: Context, record_id: str, fields: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> Placement:
    parent_id = fields.get("parent_id")
    if _changed(fields, previous, "parent_id") or _changed(fields, previous, "level"):
        if parent_id is None:
            if not ctx.caller.unrestricted:
                raise OpRejected("out_of_scope", "只有系统管理员可以创建顶级区划", "parent_id")
        else:
            if parent_id == record_id:
                raise OpRejected("invalid_field", "上级区划不能是自身", "parent_id")
            parent = existing(ctx, EntityKind.AREA, parent_id, "parent_id")
            _in_scope(ctx, parent_id, "parent_id")
            if AreaLevel(fields["level"]).depth <= AreaLevel(parent.fields["level"]).depth:
                raise OpRejected("invalid_field", "区划级别必须低于上级区划", "level")
    return Placement(record_id, parent_id=parent_id, area_code=fields["code"])


def check_transition(ctx: Context, action: EventAction) -> datetime:
    """Validate an event action against the event's derived state and the caller's role;
    return the ``server_at`` to stamp (strictly after the event's previous actions, so
    the derived order is the order the server accepted them)."""
    caller_role = ctx.caller.role
    if action.actor_role is not caller_role:
        raise OpRejected(
            "role",
            f"办理角色（{action.actor_role.label}）与登录账号的角色（{caller_role.label}）不符",
            "actor_role",
        )
    rows = ctx.conn.execute(
        select(records.c.id, records.c.fields).where(
            records.c.kind == EntityKind.EVENT_ACTION.value,
            records.c.parent_id == action.event_id,
            records.c.deleted.is_(False),
        )
    ).all()
    history = [_action(r.id, r.fields) for r in rows]
    event_row = existing(ctx, EntityKind.EVENT, action.event_id, "event_id")
    event = decode_record(EntityKind.EVENT, event_row.fields, id=event_row.id)
    assert isinstance(event, Event)
    try:
        # The same rules the laptop applied before storing the step (gridcore.domain.
        # workflow): state, role, what the step carries, self-resolvable categories by
        # the server's catalog, the intake source, an extension past the deadline.
        check_action(
            event,
            history,
            action,
            ctx.terms_catalog(),
            department=ctx.caller.department,
            departments=departments.codes(ctx.conn),
            staffed=departments.staffed_codes(ctx.conn),
        )
    except IllegalTransition as exc:
        if exc.reason == "role":
            raise OpRejected("role", str(exc), "kind") from None
        field_name = _TRANSITION_FIELDS.get(exc.reason, "kind")
        raise OpRejected("illegal_transition", str(exc), field_name) from None
    stamps = [a.server_at for a in history if a.server_at is not None]
    if stamps and max(stamps) >= ctx.now:
        return max(stamps) + timedelta(microseconds=1)
    return ctx.now


def link_departments(ctx: Context, action: EventAction, grid_id: str | None) -> None:
    """Keep the department list of what each department reads (gridserver.departments):
    a dispatch or 改派 must name a department of the event's township (or the grid, or
    free text where the township has no departments yet); one naming a department
    makes the event, its steps so far and their attachments readable to it (re-stamped,
    so they reach its laptop whatever its cursor); every step of an event is readable
    to each department it was ever dispatched to."""
    target = None
    if action.kind in (EventActionKind.DISPATCH, EventActionKind.REDISPATCH):
        township = departments.event_township(ctx.conn, grid_id)
        try:
            target = departments.dispatch_target(ctx.conn, township, action.assignee.strip())
        except DepartmentError as exc:
            raise OpRejected("invalid_field", str(exc), "assignee") from None
    linked = departments.linked_departments(ctx.conn, action.event_id)
    step = departments.step_records(ctx.conn, action.id, action.attachments)
    for department in linked:
        ctx.effects.links.update((department, kind, rid) for kind, rid in step)
    if target is not None and target not in linked:
        keys = departments.event_records(ctx.conn, action.event_id) | step
        ctx.effects.links.update((target, kind, rid) for kind, rid in keys)
        ctx.effects.records.update(keys - {(EntityKind.EVENT_ACTION.value, action.id)})


_TRANSITION_FIELDS = {
    "satisfaction": "satisfaction",
    "comment": "comment",
    "assignee": "assignee",
    "deadline": "deadline",
}
"""The field an IllegalTransition's reason points at, for the rejected op's answer."""


def _action(record_id: str, fields: Mapping[str, Any]) -> EventAction:
    action = decode_record(EntityKind.EVENT_ACTION, fields, id=record_id)
    assert isinstance(action, EventAction)
    return action


def _check_attachments(ctx: Context, fields: Mapping[str, Any]) -> None:
    """Photos are uploaded before the records that show them; a reference to bytes the
    server does not have would be a broken record on every other device. Only bytes the
    caller uploaded or may already read count (see :mod:`gridserver.references`)."""
    wanted = set(fields.get("attachments") or ())
    if not wanted:
        return
    if any(not is_valid_entity_id(EntityKind.ATTACHMENT, sha) for sha in wanted):
        raise OpRejected("invalid_field", "附件标识必须是 SHA-256", "attachments")
    present = usable_blobs(ctx.conn.conn, ctx.caller, wanted)
    if wanted - present.keys():
        raise OpRejected(
            "not_found", "引用的附件文件尚未上传，请先上传附件再同步记录", "attachments"
        )


def _check_event_ids(fields: Mapping[str, Any]) -> None:
    """The events a patrol reported are named by their ids. The link is not checked
    against the events themselves: the event and the patrol travel as separate ops, and
    a patrol (its findings, its photos) must not be held back because an event reported
    from it was refused, nor tell a caller whether some id exists. Laptops show the
    linked events they hold."""
    ids = fields.get("event_ids") or ()
    if any(not is_valid_entity_id(EntityKind.EVENT, event_id) for event_id in ids):
        raise OpRejected("invalid_field", "上报事件的标识无效", "event_ids")
    if len(set(ids)) != len(ids):
        raise OpRejected("invalid_field", "上报事件中有重复的事件", "event_ids")


def check_blob(ctx: Context, sha256: str, fields: Mapping[str, Any]) -> None:
    size = usable_blobs(ctx.conn.conn, ctx.caller, [sha256]).get(sha256)
    if size is None:
        raise OpRejected("not_found", "附件文件尚未上传，请先上传附件再同步记录", "id")
    if size != fields["size"]:
        raise OpRejected("invalid_field", "附件大小与已上传的文件不一致", "size")
