"""One op of a push: decode and check its values, then create, update (three-way merge,
conflicts kept) or delete the record; events take their terms and 事件编号 here. See
:mod:`gridserver.opcontext` for how the push is split.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from gridcore.domain.catalog import stamp_terms
from gridcore.domain.codec import (
    CodecError,
    decode_value,
    encode_fields,
    field_specs,
)
from gridcore.domain.entities import APPEND_ONLY_KINDS, Event, EventAction
from gridcore.domain.enums import AreaLevel, ChangeKind, EntityKind, Role
from gridcore.domain.eventnumber import format_event_number, number_year
from gridcore.domain.workflow import IllegalTransition, check_source
from gridcore.protocol import (
    Op,
    OpStatus,
)
from gridserver import persons, validation
from gridserver.db import (
    event_numbers,
    op_log,
    records,
)
from gridserver.errors import OpRejected
from gridserver.merge import CREATED_VERSION, three_way
from gridserver.opcontext import (
    INSERT_RECORD,
    REF_KINDS,
    SERVER_FIELDS,
    Context,
    Outcome,
    encode,
    full_record,
    load,
    old_value,
    unknown_field,
)
from gridserver.placement import (
    check_blob,
    check_number,
    check_own_record,
    check_transition,
    existing,
    link_departments,
    place,
)
from gridserver.references import (
    check_old_values,
    verified_base,
)
from gridserver.resolution import resolve
from gridserver.writes import add_conflict, write_version

log = logging.getLogger(__name__)


def apply_op(ctx: Context, op: Op) -> Outcome:
    kind = op.entity
    label = kind.label
    if kind is EntityKind.AREA and ctx.caller.role is Role.WORKER:
        raise OpRejected("role", "网格员不能修改行政区划和网格设置")
    if ctx.caller.is_department and (
        kind not in (EntityKind.EVENT_ACTION, EntityKind.ATTACHMENT)
        or op.kind is not ChangeKind.CREATE
    ):
        raise OpRejected(
            "role", "职能部门账号只能办理派遣给本部门的事件（新增办理记录和附件），不能修改其他记录"
        )
    if op.kind is not ChangeKind.CREATE and kind in APPEND_ONLY_KINDS:
        raise OpRejected(
            "append_only", f"{label}只能新增，不能修改或删除；如需更正请新增一条更正记录"
        )
    _check_changes(op)
    if op.kind is not ChangeKind.RESOLVE:
        check_old_values(op.changes)
    values = _decode_changes(kind, op.changes) if op.kind is not ChangeKind.RESOLVE else {}
    key = (kind.value, op.entity_id)
    ctx.shared.refs.pop(key, None)  # about to change: later ops read it again
    if key in ctx.shared.rows:
        row = ctx.shared.rows.pop(key)
    else:
        row = load(ctx.conn, kind, op.entity_id, lock=True)
    if row is not None:
        check_own_record(ctx, op, row)
    if op.kind is ChangeKind.RESOLVE:
        unknown = sorted(set(op.changes) - field_specs(kind).keys())
        if unknown:  # only logged, but a typo is still an error
            raise unknown_field(unknown[0])
        return resolve(ctx, op, row)
    if op.kind is ChangeKind.CREATE:
        if row is None:
            return _create(ctx, kind, op.entity_id, values)
        if kind in APPEND_ONLY_KINDS:
            return _create_again(ctx, kind, row, values)
        return _update(ctx, op, row, values)
    if row is None:
        raise OpRejected("not_found", f"{label}不存在（可能尚未同步到服务器）")
    if op.kind is ChangeKind.DELETE:
        return _delete(ctx, op, row)
    return _update(ctx, op, row, values)


def _decode_changes(
    kind: EntityKind, changes: Mapping[str, tuple[Any, Any]]
) -> dict[str, tuple[Any, Any]]:
    """Validate every incoming value with the domain codec and bring old and new values to
    their canonical wire form (e.g. sorted tag lists, UTC datetimes) so that comparisons
    in the merge are exact."""
    server_fields = SERVER_FIELDS.get(kind, frozenset())
    specs = field_specs(kind)
    result: dict[str, tuple[Any, Any]] = {}
    for name, (old, new) in changes.items():
        if name in server_fields:
            continue
        if name not in specs:
            raise unknown_field(name)
        try:
            decoded = decode_value(kind, name, new)
        except CodecError as exc:
            raise OpRejected("invalid_field", str(exc), exc.field) from None
        decoded = validation.check_field(kind, name, decoded)
        result[name] = (old_value(kind, name, old), encode(kind, name, decoded))
    return result


def _check_changes(op: Op) -> None:
    """Every new value of an op must be one that every database and every client can
    store (see :mod:`gridcore.domain.limits`); :func:`_decode_changes` then checks it
    against its field's own rules. Old values are not refused: they are only compared
    (and a laptop fixing a value stored before these checks existed sends that value as
    the old one); where one is not storable, a storable stand-in is used."""
    specs = field_specs(op.entity)
    for name, (_old, new) in op.changes.items():
        if name not in specs:
            raise unknown_field(name)
        validation.check_wire(op.entity, name, new)


def _create(
    ctx: Context, kind: EntityKind, record_id: str, values: Mapping[str, tuple[Any, Any]]
) -> Outcome:
    record = full_record(kind, record_id, {n: new for n, (_, new) in values.items()})
    fields = encode_fields(record)
    validation.check_record(kind, None, fields, fields, ctx.now)
    placement = place(ctx, kind, record_id, fields, previous=None)
    number = persons.registered_id(kind.value, fields)
    if number is not None:
        check_number(ctx, number, record_id)
    if kind is EntityKind.EVENT_ACTION:
        assert isinstance(record, EventAction)
        fields["server_at"] = check_transition(ctx, record).isoformat()
        link_departments(ctx, record, placement.grid_id)
    elif kind in (EntityKind.VISIT, EntityKind.PLACE_INSPECTION):
        fields["server_at"] = ctx.now.isoformat()
    elif kind is EntityKind.EVENT:
        assert isinstance(record, Event)
        try:
            check_source(ctx.caller.role, record.source)
        except IllegalTransition as exc:
            raise OpRejected("invalid_field", str(exc), "source") from None
        if "time_limit_days" not in values:
            # A client from before terms were kept (or an op it queued then): the terms
            # of the catalog now, said so.
            fields.update(_inferred_terms(ctx, record))
        fields["number"] = _take_event_number(ctx, fields)
    if kind is EntityKind.ATTACHMENT:
        check_blob(ctx, record_id, fields)
    # The INSERT must stay this op's only write and come after every check: _run_op
    # may run it without a savepoint, and then it is held back and sent with others.
    row = dict(
        kind=kind.value,
        id=record_id,
        version=1,
        deleted=False,
        updated_at=ctx.now,
        seq=0,
        grid_id=placement.grid_id,
        parent_id=placement.parent_id,
        area_code=placement.area_code,
        fields=fields,
        field_versions={},
        updated_by=ctx.caller.user_id,
        id_number=number,
    )
    if ctx.deferred:
        ctx.conn.inserts.append(row)
    else:
        ctx.conn.execute(INSERT_RECORD, row)
    ctx.effects.records.add((kind.value, record_id))
    if kind is EntityKind.AREA:
        ctx.new_areas.append(record_id)
    if kind.value in REF_KINDS:
        ctx.written[kind.value, record_id] = SimpleNamespace(
            kind=kind.value,
            id=record_id,
            version=1,
            deleted=False,
            grid_id=placement.grid_id,
            parent_id=placement.parent_id,
            fields=fields,
        )
    return Outcome("applied", 1)


_TERM_FIELDS = frozenset(
    {
        "category_name",
        "time_limit_days",
        "time_limit_hours",
        "limit_kind",
        "catalog_revision",
        "terms_inferred",
    }
)


def _inferred_terms(ctx: Context, event: Event) -> dict[str, Any]:
    stamped = stamp_terms(event, ctx.terms_catalog())
    return {
        "category_name": stamped.category_name,
        "time_limit_days": stamped.time_limit_days,
        "time_limit_hours": stamped.time_limit_hours,
        "limit_kind": stamped.limit_kind.value,
        "catalog_revision": stamped.catalog_revision,
        "terms_inferred": True,
    }


def _take_event_number(ctx: Context, fields: Mapping[str, Any]) -> str:
    """The next 事件编号 of the event's township and year (see
    :mod:`gridcore.domain.eventnumber`). The counter row stays locked until the push
    commits; event creates always run in a savepoint, so a rejected op gives its number
    back."""
    township = _township_of(ctx, fields["grid_id"])
    year = number_year(decode_value(EntityKind.EVENT, "reported_at", fields["reported_at"]))
    key = {"t": township.id, "y": year}
    taken = ctx.conn.execute(_NEXT_EVENT_NUMBER, key).scalar_one_or_none()
    if taken is None:
        # The first number of this township and year: make its counter row (a push
        # doing the same concurrently waits for this one, then skips), then take from it.
        dialect = postgresql if ctx.conn.conn.dialect.name == "postgresql" else sqlite
        create = dialect.insert(event_numbers).values(township_id=township.id, year=year, last=0)
        ctx.conn.execute(create.on_conflict_do_nothing(index_elements=["township_id", "year"]))
        taken = ctx.conn.execute(_NEXT_EVENT_NUMBER, key).scalar_one()
    return format_event_number(township.fields.get("code", ""), year, taken)


def _township_of(ctx: Context, grid_id: str) -> Any:
    """The 乡镇/街道 above a grid (the topmost area found when there is none)."""
    row = existing(ctx, EntityKind.AREA, grid_id, "grid_id")
    while row.fields.get("level") != AreaLevel.TOWNSHIP.value and row.parent_id is not None:
        row = existing(ctx, EntityKind.AREA, row.parent_id, "grid_id")
    return row


_NEXT_EVENT_NUMBER = (
    update(event_numbers)
    .where(event_numbers.c.township_id == bindparam("t"), event_numbers.c.year == bindparam("y"))
    .values(last=event_numbers.c.last + 1)
    .returning(event_numbers.c.last)
)


def _create_again(
    ctx: Context, kind: EntityKind, row: Any, values: Mapping[str, tuple[Any, Any]]
) -> Outcome:
    """A second create of an append-only record: harmless if it is the same record (a
    client that lost the first answer), an error otherwise."""
    record = full_record(kind, row.id, {n: new for n, (_, new) in values.items()})
    fields = encode_fields(record)
    server_fields = SERVER_FIELDS.get(kind, frozenset())
    if kind is EntityKind.EVENT and "time_limit_days" not in values:
        server_fields = server_fields | _TERM_FIELDS  # the server inferred them
    same = all(row.fields.get(n) == v for n, v in fields.items() if n not in server_fields)
    if same and not row.deleted:
        return Outcome("applied", row.version)
    raise OpRejected("duplicate", f"{kind.label}编号已被另一条记录使用")


def _delete(ctx: Context, op: Op, row: Any) -> Outcome:
    """Tombstone the record. A delete made on a stale copy (another device changed the
    record after the version the delete was made on) still applies, as the later
    arrival, but those changes are kept in a conflict for review: keeping them restores
    the record. Nothing is silently lost."""
    if row.deleted:
        return Outcome("applied", row.version)
    edited = _edited_by_others(ctx, row, op.base_version)
    version = row.version + 1
    ctx.conn.execute(
        update(records)
        .where(records.c.kind == row.kind, records.c.id == row.id)
        .values(
            version=version,
            deleted=True,
            updated_at=ctx.now,
            updated_by=ctx.caller.user_id,
            id_number=None,
        )
    )
    ctx.effects.records.add((row.kind, row.id))
    if not edited:
        return Outcome("applied", version)
    conflict_id = add_conflict(ctx, op, row, field=None, base=None, server=edited, incoming=None)
    return Outcome(
        "conflict",
        version,
        None,  # like a field conflict; "deleted" is for an edit that met a delete
        "该记录在您删除之前已被他人修改：已按您的操作删除，对方的修改已保存为冲突记录等待审核",
        None,
        conflict_id,
    )


def _edited_by_others(ctx: Context, row: Any, base_version: int) -> dict[str, Any]:
    """Fields another device changed after ``base_version``: ``{field: current value}``.
    Versions this device wrote itself (its earlier ops on the same base: a laptop that
    edits and then deletes before it pulls) are not someone else's edit."""
    changed = {
        name: version
        for name, version in (
            (name, row.field_versions.get(name, CREATED_VERSION)) for name in row.fields
        )
        if version > base_version
    }
    if not changed:
        return {}
    versions = set(changed.values())
    # Who wrote each version: the first op logged with it (an op that changed nothing
    # is logged later with the version it found; ops of one push share one time and
    # one device). Versions this transaction wrote are not logged yet.
    writers: dict[int, tuple[datetime, str, str]] = {}
    for version, device, user_id, received in ctx.conn.execute(
        select(op_log.c.version, op_log.c.device_id, op_log.c.user_id, op_log.c.received_at).where(
            op_log.c.entity == row.kind,
            op_log.c.entity_id == row.id,
            op_log.c.version.in_(sorted(versions)),
            op_log.c.status != "rejected",
        )
    ):
        if version not in writers or received < writers[version][0]:
            writers[version] = (received, device, str(user_id))
    for (record_id, version), (_user, device, time) in ctx.shared.writers.items():
        if record_id == row.id and version in versions and version not in writers:
            writers[version] = (time, device, str(ctx.caller.user_id))
    me = (ctx.device_id, str(ctx.caller.user_id))
    own = {version for version, (_time, *writer) in writers.items() if tuple(writer) == me}
    return {name: row.fields.get(name) for name, version in changed.items() if version not in own}


def _update(ctx: Context, op: Op, row: Any, values: Mapping[str, tuple[Any, Any]]) -> Outcome:
    kind = op.entity
    if row.deleted:
        conflict_id = add_conflict(
            ctx,
            op,
            row,
            field=None,
            base=None,
            server=None,
            incoming={n: new for n, (_, new) in values.items()},
        )
        return Outcome(
            "conflict",
            row.version,
            "deleted",
            "该记录已在服务器上被删除，您的修改未生效，已保存为冲突记录等待审核",
            None,
            conflict_id,
        )
    if op.base_version > row.version:
        raise OpRejected("invalid_base_version", "基础版本号大于服务器版本，请重新同步后再试")
    merge = three_way(row.fields, row.field_versions, op.base_version, values)
    clean: OpStatus = "applied" if op.base_version == row.version else "merged"
    if not merge.updates:
        return Outcome(clean, row.version)
    validation.check_record(
        kind, row.fields, {**row.fields, **merge.updates}, merge.updates, ctx.now
    )
    version, placement = write_version(ctx, kind, row, merge.updates)
    first_conflict = None
    for conflict in merge.conflicts:
        conflict_id = add_conflict(
            ctx,
            op,
            row,
            field=conflict.field,
            base=verified_base(
                ctx.conn.conn, kind, row.id, conflict.field, op.base_version, conflict.base
            ),
            server=conflict.server,
            incoming=conflict.incoming,
            grid_id=placement.grid_id,
        )
        first_conflict = first_conflict or conflict_id
    if first_conflict is not None:
        names = "、".join(c.field for c in merge.conflicts)
        return Outcome(
            "conflict",
            version,
            None,
            f"字段（{names}）同时被他人修改：已采用您的修改，对方的值已保存为冲突记录等待审核",
            merge.conflicts[0].field,
            first_conflict,
        )
    return Outcome(clean, version)
