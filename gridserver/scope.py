"""Who may see and write what: an area subtree per user.

A record's scope key is ``records.grid_id`` (see :mod:`gridserver.db`). A user with a home
area sees the records whose key lies in that area's subtree, plus the area's ancestors (so
the client can show the full place name); an administrator without a home area sees
everything. A department account (职能部门) has its township as home area but reads only
its township's areas and the records listed for its department in
``department_records`` (the events dispatched to it, their steps and attachments, see
:mod:`gridserver.departments`): no households, residents, visits or organizations.

The subtree is computed in SQL with a recursive CTE, so a township with hundreds of
grids costs one indexed query, and nothing is cached between requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    CTE,
    BindParameter,
    ColumnElement,
    Connection,
    String,
    and_,
    bindparam,
    exists,
    false,
    or_,
    select,
    true,
)

from gridcore.domain.enums import EntityKind, Role
from gridcore.protocol import GridRef, Scope
from gridserver.db import department_records, records

AREA = EntityKind.AREA.value


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: int
    username: str
    display_name: str
    role: Role
    scope_area_id: str | None
    device_id: str
    department: str | None = None
    """A department account's department code (None for every other role)."""

    @property
    def unrestricted(self) -> bool:
        return self.role is Role.ADMIN and self.scope_area_id is None

    @property
    def is_department(self) -> bool:
        return self.role is Role.DEPARTMENT


SCOPE_AREA = bindparam("scope_area_id", type_=String())
"""Every scoped statement takes the caller's home area as this parameter, so the statements
are built once and compiled once (building the recursive CTEs per request cost more than
running them)."""


def _subtree_cte(root: BindParameter[str] = SCOPE_AREA, name: str = "scope_subtree") -> CTE:
    """Ids of the area ``root`` (the home area by default) and every area below it."""
    base = select(records.c.id).where(records.c.kind == AREA, records.c.id == root)
    cte = base.cte(name, recursive=True)
    child = select(records.c.id).where(records.c.kind == AREA, records.c.parent_id == cte.c.id)
    return cte.union_all(child)


def _ancestors_cte(root: BindParameter[str] = SCOPE_AREA, name: str = "scope_ancestors") -> CTE:
    """Ids of the area ``root`` (the home area by default) and every area above it."""
    base = select(records.c.id, records.c.parent_id).where(
        records.c.kind == AREA, records.c.id == root
    )
    cte = base.cte(name, recursive=True)
    parent = select(records.c.id, records.c.parent_id).where(
        records.c.kind == AREA, records.c.id == cte.c.parent_id
    )
    return cte.union_all(parent)


SUBTREE = _subtree_cte()
SUBTREE_IDS = select(SUBTREE.c.id)
ANCESTORS = _ancestors_cte()

MOVED_AREA = bindparam("moved_area_id", type_=String())
MOVED_SUBTREE_IDS = select(_subtree_cte(MOVED_AREA, "moved_subtree").c.id)
"""Ids of the area bound as ``moved_area_id`` and every area below it (a re-parented
area's subtree, see :mod:`gridserver.feed`)."""
_CHAIN_AREA = bindparam("chain_area_id", type_=String())
_CHAIN = select(_ancestors_cte(_CHAIN_AREA, "area_chain").c.id)

READABLE: ColumnElement[bool] = or_(
    records.c.grid_id.in_(SUBTREE_IDS),
    and_(records.c.kind == AREA, records.c.id.in_(select(ANCESTORS.c.id))),
)
"""WHERE clause over ``records`` for what a scoped caller may read."""

DEPARTMENT = bindparam("department_code", type_=String())
DEPARTMENT_LISTED: ColumnElement[bool] = exists().where(
    department_records.c.department == DEPARTMENT,
    department_records.c.kind == records.c.kind,
    department_records.c.record_id == records.c.id,
)
DEPARTMENT_READABLE: ColumnElement[bool] = or_(
    # In its township only: a department serving every township (a county office) has
    # an account per township, each reading that township's events.
    and_(DEPARTMENT_LISTED, records.c.grid_id.in_(SUBTREE_IDS)),
    and_(
        records.c.kind == AREA,
        or_(records.c.id.in_(SUBTREE_IDS), records.c.id.in_(select(ANCESTORS.c.id))),
    ),
)
"""WHERE clause over ``records`` for what a department account may read: its
township's areas (and those above) and the records listed for its department."""


def read_filter(caller: Caller) -> ColumnElement[bool]:
    """WHERE clause over ``records`` for what ``caller`` may read (bind ``scope_params``)."""
    if caller.unrestricted:
        return true()
    if caller.scope_area_id is None:
        return false()
    if caller.is_department:
        return DEPARTMENT_READABLE if caller.department else false()
    return READABLE


def in_subtree(column: ColumnElement[str | None]) -> ColumnElement[bool]:
    """WHERE clause: ``column`` (a scope key) lies in the caller's subtree."""
    return column.in_(SUBTREE_IDS)


def area_chain(conn: Connection, area_id: str | None) -> list[str]:
    """``area_id`` and the ids of every area above it (empty for ``None``)."""
    if area_id is None:
        return []
    return list(conn.execute(_CHAIN, {"chain_area_id": area_id}).scalars())


def gained_ancestors(conn: Connection, old_parent: str | None, new_parent: str | None) -> set[str]:
    """Areas above ``new_parent`` (itself included) that were not above ``old_parent``:
    the ancestors a re-parented area's users see for the first time."""
    return set(area_chain(conn, new_parent)) - set(area_chain(conn, old_parent))


def scope_params(caller: Caller) -> dict[str, str | None]:
    return {"scope_area_id": caller.scope_area_id, "department_code": caller.department}


class WriteScope:
    """The caller's subtree as a set, loaded once per push; areas created during the push
    join it so later ops in the same batch may use them."""

    def __init__(self, conn: Connection, caller: Caller) -> None:
        self.unrestricted = caller.unrestricted
        self.ids: set[str] = set()
        if not self.unrestricted and caller.scope_area_id is not None:
            self.ids = set(conn.execute(SUBTREE_IDS, scope_params(caller)).scalars())

    def contains(self, grid_id: str | None) -> bool:
        if self.unrestricted:
            return True
        return grid_id is not None and grid_id in self.ids

    def add(self, area_id: str) -> None:
        if not self.unrestricted:
            self.ids.add(area_id)


def describe_scope(conn: Connection, caller: Caller) -> Scope:
    """The login answer's scope: home area and the grids below it."""
    if caller.scope_area_id is None:
        return Scope(area_id=None, area_code=None, area_name=None, unrestricted=True, grids=[])
    home = conn.execute(
        select(records.c.fields).where(records.c.kind == AREA, records.c.id == caller.scope_area_id)
    ).scalar_one_or_none()
    rows = conn.execute(
        select(records.c.id, records.c.fields)
        .where(records.c.kind == AREA, records.c.id.in_(SUBTREE_IDS))
        .where(records.c.deleted.is_(False))
        .order_by(records.c.area_code),
        scope_params(caller),
    ).all()
    grids = [
        GridRef(id=row.id, code=row.fields["code"], name=row.fields["name"])
        for row in rows
        if row.fields.get("level") == "grid"
    ]
    return Scope(
        area_id=caller.scope_area_id,
        area_code=None if home is None else home["code"],
        area_name=None if home is None else home["name"],
        unrestricted=caller.unrestricted,
        grids=grids,
    )
