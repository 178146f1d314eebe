"""职能部门: the departments a township dispatches events to.

The list is kept on the server (``gridserver add-department`` / ``load-departments``)
and served to every laptop like the catalog (``GET /departments``, with an ETag), so
the dispatch step offers a list instead of free text. A department belongs to one
township (``township_id``, an area id) or, with ``None``, to every township (a
county-level office). An event's ``assignee`` holds the department's ``code``; the
name is for people and may change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "GRID_ASSIGNEE",
    "Department",
    "DepartmentError",
    "DepartmentList",
    "check_department_code",
]

GRID_ASSIGNEE = "grid"
"""The dispatch target "back to the grid": the grid worker handles the event."""

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")


class DepartmentError(ValueError):
    """A department or a list that cannot be used; the message is Chinese."""


def check_department_code(code: str) -> str:
    """``code`` if it is a usable department code (ASCII letters, digits, ``_.-``, at
    most 32 characters, not ``grid``); raises DepartmentError otherwise."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise DepartmentError(
            f"部门编码“{code}”无效：须为 1–32 位英文字母、数字或 _ . -，以字母或数字开头"
        )
    if code == GRID_ASSIGNEE:
        raise DepartmentError("部门编码不能是“grid”（它表示派回网格）")
    return code


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str
    township_id: str | None = None
    """The area id of its township; None: every township's."""
    active: bool = True
    """An inactive department is no longer offered (its history stays readable)."""
    staffed: bool = False
    """It has accounts of its own (then it takes its steps itself, not the township)."""

    def serves(self, township_id: str | None) -> bool:
        return self.township_id is None or self.township_id == township_id

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "township_id": self.township_id,
            "active": self.active,
            "staffed": self.staffed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Department:
        try:
            code = check_department_code(data["code"])
            name = data["name"]
            township = data.get("township_id")
            active = data.get("active", True)
            staffed = data.get("staffed", False)
        except (KeyError, TypeError) as exc:
            raise DepartmentError(f"部门记录不完整：{exc}") from None
        if not isinstance(name, str) or not name.strip() or len(name) > 64:
            raise DepartmentError(f"部门“{code}”的名称须为 1–64 个字符")
        if township is not None and not isinstance(township, str):
            raise DepartmentError(f"部门“{code}”的所属乡镇无效")
        if not isinstance(active, bool) or not isinstance(staffed, bool):
            raise DepartmentError(f"部门“{code}”的启用状态无效")
        return cls(code, name.strip(), township, active, staffed)


@dataclass(frozen=True, slots=True)
class DepartmentList:
    departments: tuple[Department, ...] = ()
    mine: str | None = None
    """The department of the account this list was fetched for (department users)."""

    def get(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def codes(self) -> frozenset[str]:
        return frozenset(d.code for d in self.departments)

    def staffed_codes(self) -> frozenset[str]:
        """The departments with accounts of their own."""
        return frozenset(d.code for d in self.departments if d.staffed)

    def offered(self, township_id: str | None) -> list[Department]:
        """The active departments an event of ``township_id`` may be dispatched to."""
        return [d for d in self.departments if d.active and d.serves(township_id)]

    def name(self, assignee: str) -> str:
        """How an assignee shows: a department's name, else the text itself."""
        found = self.get(assignee)
        return found.name if found is not None else assignee

    def to_json(self) -> dict[str, Any]:
        return {"departments": [d.to_json() for d in self.departments], "mine": self.mine}

    @classmethod
    def from_json(cls, data: Any) -> DepartmentList:
        if not isinstance(data, Mapping) or not isinstance(data.get("departments"), list):
            raise DepartmentError('部门名单格式无效：须为 {"departments": [...]}')
        items = [Department.from_json(d) for d in data["departments"]]
        mine = data.get("mine")
        if mine is not None and not isinstance(mine, str):
            raise DepartmentError("部门名单格式无效：mine 须为部门编码")
        return cls(_unique(items), mine)


def _unique(items: Iterable[Department]) -> tuple[Department, ...]:
    seen: set[str] = set()
    result = []
    for item in items:
        if item.code in seen:
            raise DepartmentError(f"部门编码“{item.code}”重复")
        seen.add(item.code)
        result.append(item)
    return tuple(result)
