"""职能部门 on the server: the department list, department accounts' scope, and the
check that a dispatch names a department of the event's township.

The list (``departments``) is managed with ``gridserver add-department`` /
``load-departments FILE`` / ``departments`` and served to every laptop with
``GET /departments`` (an ETag, like the catalog): a township's dispatch step then offers
its departments instead of free text. A township with no department in the list keeps
free text (the rule before departments existed), so a server upgrade changes nothing
until departments are added.

What a department account reads is kept in ``department_records`` (see
:mod:`gridserver.scope`): a dispatch or 改派 that names a department adds the event, its
steps so far and their attachments, and every later step of such an event (with its
attachments) is added for every department the event was ever dispatched to. Rows are
never removed: a department keeps, read-only, the record of what it handled after it
hands an event back or the township re-dispatches it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, exists, insert, select, update

from gridcore.domain.departments import (
    GRID_ASSIGNEE,
    Department,
    DepartmentError,
    DepartmentList,
    check_department_code,
)
from gridcore.domain.enums import AreaLevel, EntityKind
from gridserver.db import Database, department_records, departments, records, users, utcnow
from gridserver.scope import ANCESTORS, SUBTREE_IDS, Caller, area_chain, scope_params

EVENT = EntityKind.EVENT.value
ACTION = EntityKind.EVENT_ACTION.value
ATTACHMENT = EntityKind.ATTACHMENT.value


# --- the list ---------------------------------------------------------------------------


def _township_id(conn: Connection, code: str | None) -> str | None:
    """The area id of the township with area code ``code`` (None for None)."""
    if code is None:
        return None
    row = conn.execute(
        select(records.c.id, records.c.fields).where(
            records.c.kind == EntityKind.AREA.value, records.c.area_code == code
        )
    ).first()
    if row is None:
        raise DepartmentError(f"区划代码 {code} 不存在，请先创建区划或导入数据")
    if row.fields.get("level") != AreaLevel.TOWNSHIP.value:
        raise DepartmentError(f"区划 {code}（{row.fields.get('name')}）不是乡镇/街道")
    return str(row.id)


def add_department(
    db: Database, code: str, name: str, township_code: str | None, *, active: bool = True
) -> Department:
    """Add a department, or rename / move / (de)activate the one with ``code``."""
    check_department_code(code)
    name = name.strip()
    if not name or len(name) > 64:
        raise DepartmentError("部门名称须为 1–64 个字符")
    with db.write() as conn:
        township = _township_id(conn, township_code)
        _save(conn, Department(code, name, township, active))
    return Department(code, name, township, active)


def _save(conn: Connection, department: Department) -> None:
    values = {
        "name": department.name,
        "township_id": department.township_id,
        "active": department.active,
        "updated_at": utcnow(),
    }
    found = conn.execute(
        select(departments.c.code).where(departments.c.code == department.code)
    ).first()
    if found is None:
        conn.execute(insert(departments).values(code=department.code, **values))
    else:
        conn.execute(
            update(departments).where(departments.c.code == department.code).values(**values)
        )


def load_departments(db: Database, document: Any) -> list[Department]:
    """Load a whole list from ``{"departments": [{"code", "name", "township" (area
    code, or null for every township), "active"}]}``: every entry is added or updated;
    a department left out is kept as it is (accounts and history name it; deactivate it
    with ``"active": false``). All or nothing: one bad entry changes nothing."""
    if not isinstance(document, Mapping) or not isinstance(document.get("departments"), list):
        raise DepartmentError('部门名单格式无效：须为 {"departments": [...]}')
    loaded: list[Department] = []
    with db.write() as conn:
        seen: set[str] = set()
        for number, item in enumerate(document["departments"], start=1):
            if not isinstance(item, Mapping):
                raise DepartmentError(f"第 {number} 项不是对象")
            try:
                township = _township_id(conn, item.get("township"))
                parsed = Department.from_json({**item, "township_id": township})
            except DepartmentError as exc:
                raise DepartmentError(f"第 {number} 项：{exc}（本次未作任何修改）") from None
            if parsed.code in seen:
                raise DepartmentError(f"部门编码“{parsed.code}”重复（本次未作任何修改）")
            seen.add(parsed.code)
            _save(conn, parsed)
            loaded.append(parsed)
    return loaded


_LIST = select(departments).order_by(
    departments.c.township_id.is_not(None), departments.c.township_id, departments.c.code
)
"""Every township's departments first, then per township by code (on every backend:
PostgreSQL sorts NULL last, SQLite first)."""


def all_departments(conn: Connection) -> list[Department]:
    return [
        Department(row.code, row.name, row.township_id, row.active)
        for row in conn.execute(_LIST).all()
    ]


def codes(conn: Any) -> frozenset[str]:
    """Every department code (inactive ones too: their events are still theirs)."""
    return frozenset(conn.execute(select(departments.c.code)).scalars())


def staffed_codes(conn: Any) -> frozenset[str]:
    """The departments with an enabled account of their own."""
    return frozenset(
        conn.execute(
            select(users.c.department)
            .where(users.c.department.is_not(None), users.c.disabled.is_(False))
            .distinct()
        ).scalars()
    )


def list_for(db: Database, caller: Caller) -> DepartmentList:
    """The departments ``caller``'s laptop is sent: those of townships in or above its
    home area (all for an administrator without one), inactive ones too (history names
    them), and the caller's own department."""
    with db.engine.connect() as conn:
        staffed = staffed_codes(conn)
        every = [dataclasses.replace(d, staffed=d.code in staffed) for d in all_departments(conn)]
        if caller.unrestricted:
            shown = every
        else:
            visible = set(conn.execute(SUBTREE_IDS, scope_params(caller)).scalars())
            visible |= set(conn.execute(select(ANCESTORS.c.id), scope_params(caller)).scalars())
            shown = [d for d in every if d.township_id is None or d.township_id in visible]
    return DepartmentList(tuple(shown), caller.department)


def check_account(conn: Connection, code: str | None, township_id: str | None) -> None:
    """A department account names an existing department serving its home township."""
    if not code:
        raise DepartmentError("职能部门账号须指定所属部门（--department 部门编码）")
    row = conn.execute(select(departments).where(departments.c.code == code)).first()
    if row is None:
        raise DepartmentError(f"部门编码 {code} 不存在，请先用 add-department 添加部门")
    if township_id is None:
        raise DepartmentError("职能部门账号须指定所属乡镇/街道（--scope 乡镇区划代码）")
    level = conn.execute(
        select(records.c.fields).where(
            records.c.kind == EntityKind.AREA.value, records.c.id == township_id
        )
    ).scalar_one_or_none()
    if level is None or level.get("level") != AreaLevel.TOWNSHIP.value:
        raise DepartmentError("职能部门账号的管辖区划须是乡镇/街道")
    if row.township_id is not None and row.township_id != township_id:
        raise DepartmentError(f"部门 {code}（{row.name}）不属于该乡镇/街道")


def department_users(conn: Connection) -> dict[str, list[str]]:
    """Department code → the user names of its accounts."""
    result: dict[str, list[str]] = {}
    rows = conn.execute(
        select(users.c.department, users.c.username)
        .where(users.c.department.is_not(None))
        .order_by(users.c.username)
    ).all()
    for row in rows:
        result.setdefault(row.department, []).append(row.username)
    return result


# --- a dispatch --------------------------------------------------------------------------


def event_township(conn: Any, grid_id: str | None) -> str | None:
    """The township area above (or at) ``grid_id``."""
    chain = area_chain(conn, grid_id)
    if not chain:
        return None
    rows = conn.execute(
        select(records.c.id, records.c.fields).where(
            records.c.kind == EntityKind.AREA.value, records.c.id.in_(chain)
        )
    ).all()
    for row in rows:
        if row.fields.get("level") == AreaLevel.TOWNSHIP.value:
            return str(row.id)
    return None


def dispatch_target(conn: Any, township_id: str | None, assignee: str) -> str | None:
    """Check a dispatch's ``assignee`` for an event of ``township_id``: the department
    code it names (None for the grid or, where the township has no departments in the
    list, free text); raises DepartmentError for anything else."""
    if assignee == GRID_ASSIGNEE:
        return None
    serving = [
        d for d in all_departments(conn) if d.township_id is None or d.township_id == township_id
    ]
    if not serving:
        return None  # no list for this township yet: free text, as before departments
    found = next((d for d in serving if d.code == assignee), None)
    if found is None or not found.active:
        names = "、".join(d.name for d in serving if d.active) or "（无）"
        what = (
            f"职能部门“{found.name}”已停用"
            if found is not None
            else f"派遣对象“{assignee}”不是本乡镇/街道的职能部门"
        )
        raise DepartmentError(f"{what}，请从部门名单中选择：{names}，或派回网格")
    return found.code


def linked_departments(conn: Any, event_id: str) -> list[str]:
    """The departments an event was ever dispatched to."""
    return list(
        conn.execute(
            select(department_records.c.department).where(
                department_records.c.kind == EVENT, department_records.c.record_id == event_id
            )
        ).scalars()
    )


def is_linked(conn: Any, department: str | None, event_id: str) -> bool:
    if not department:
        return False
    return bool(
        conn.execute(
            select(
                exists().where(
                    department_records.c.department == department,
                    department_records.c.kind == EVENT,
                    department_records.c.record_id == event_id,
                )
            )
        ).scalar()
    )


def event_records(conn: Any, event_id: str) -> set[tuple[str, str]]:
    """The event, its steps and the attachments they show (locked: they are re-stamped
    when the feed position is taken, see gridserver.feed)."""
    event_row = conn.execute(
        select(records.c.fields)
        .where(records.c.kind == EVENT, records.c.id == event_id)
        .with_for_update()
    ).first()
    keys = {(EVENT, event_id)}
    shas: set[str] = set(event_row.fields.get("attachments") or ()) if event_row else set()
    for row in conn.execute(
        select(records.c.id, records.c.fields)
        .where(records.c.kind == ACTION, records.c.parent_id == event_id)
        .with_for_update()
    ).all():
        keys.add((ACTION, row.id))
        shas.update(row.fields.get("attachments") or ())
    keys.update(_attachments(conn, shas))
    return keys


def _attachments(conn: Any, shas: Iterable[str]) -> set[tuple[str, str]]:
    wanted = sorted(set(shas))
    if not wanted:
        return set()
    found = conn.execute(
        select(records.c.id)
        .where(records.c.kind == ATTACHMENT, records.c.id.in_(wanted))
        .with_for_update()
    ).scalars()
    return {(ATTACHMENT, sha) for sha in found}


def step_records(conn: Any, action_id: str, attachments: Iterable[str]) -> set[tuple[str, str]]:
    """A new step and the attachments it shows."""
    return {(ACTION, action_id)} | _attachments(conn, attachments)


_EXISTING_LINKS = select(
    department_records.c.department, department_records.c.kind, department_records.c.record_id
)


def write_links(conn: Connection, links: set[tuple[str, str, str]]) -> None:
    """Insert the ``(department, kind, record id)`` rows not there yet."""
    if not links:
        return
    present: set[tuple[str, str, str]] = set()
    for department in {d for d, _, _ in links}:
        rows = conn.execute(
            _EXISTING_LINKS.where(
                department_records.c.department == department,
                department_records.c.record_id.in_(
                    sorted({r for d, _, r in links if d == department})
                ),
            )
        ).all()
        present.update((r.department, r.kind, r.record_id) for r in rows)
    new = sorted(links - present)
    if new:
        conn.execute(
            insert(department_records),
            [{"department": d, "kind": k, "record_id": r} for d, k, r in new],
        )
