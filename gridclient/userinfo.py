"""Who is signed in, as the window and the reports need it (a light module: the window
imports it without the sync stack)."""

from __future__ import annotations

from dataclasses import dataclass

from gridcore.domain.enums import Role


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: Role
    scope_name: str
    """The area the user works in, for headings (e.g. 李楼村第一网格)."""
    grid_ids: tuple[str, ...] = ()
    """The grids the user may edit; empty means every grid in the store."""
    demo: bool = False
