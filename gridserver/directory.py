"""``GET /directory``: the names of the people a laptop meets in its records.

Records name users by login (``reporter``, ``visitor``, ``actor``, a conflict's two
sides); people expect to read 何子健, not ``worker01``. A laptop keeps this small list
(synced with the catalog, so it works offline): the users whose home area is in the
caller's subtree or above it (a worker sees the colleagues of their grid and their
village and township staff; township staff see everyone of the township), plus the
administrators. Names, roles and logins only: no phone or other personal data.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from gridcore.domain.enums import Role
from gridcore.protocol import DirectoryEntry, DirectoryResponse
from gridserver.db import Database, users
from gridserver.scope import ANCESTORS, SUBTREE_IDS, Caller, scope_params


def directory(db: Database, caller: Caller, *, departments: bool = False) -> DirectoryResponse:
    """``departments``: include department accounts (职能部门). Only clients that know
    the role ask for them: an older client refuses the whole list on an unknown role."""
    query = select(users.c.username, users.c.display_name, users.c.role).order_by(users.c.username)
    if not departments:
        query = query.where(users.c.role != Role.DEPARTMENT.value)
    if not caller.unrestricted:
        query = query.where(
            or_(
                users.c.scope_area_id.is_(None),
                users.c.scope_area_id.in_(SUBTREE_IDS),
                users.c.scope_area_id.in_(select(ANCESTORS.c.id)),
            )
        )
    with db.engine.connect() as conn:
        rows = conn.execute(query, scope_params(caller)).all()
    return DirectoryResponse(
        users=[
            DirectoryEntry(
                username=row.username,
                display_name=row.display_name or row.username,
                role=Role(row.role),
            )
            for row in rows
        ]
    )
