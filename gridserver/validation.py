"""Per-field rules beyond what the codec's types express, checked on every incoming value.

Each failing rule raises ``OpRejected`` with a stable reason and the field, so the client
can park the op and show the person what to fix.
"""

from __future__ import annotations

from typing import Any

from gridclient.domain import idnumber
from gridclient.domain.enums import EntityKind
from gridserver.errors import OpRejected

_NON_NEGATIVE = {
    (EntityKind.ORGANIZATION, "members"),
    (EntityKind.ATTACHMENT, "size"),
    (EntityKind.ATTACHMENT, "width"),
    (EntityKind.ATTACHMENT, "height"),
}
_MAX_TEXT = 10_000
"""Longest free text accepted in one field (a visit note, not a document)."""


def check_field(kind: EntityKind, name: str, value: Any) -> Any:
    """The value to store (ID numbers in their 18-character form with an upper-case X),
    or ``OpRejected``."""
    if isinstance(value, str) and len(value) > _MAX_TEXT:
        raise OpRejected("invalid_field", f"字段 {name} 过长（最多 {_MAX_TEXT} 个字符）", name)
    if (kind, name) in _NON_NEGATIVE and value is not None and value < 0:
        raise OpRejected("invalid_field", f"字段 {name} 不能为负数", name)
    if (
        kind is EntityKind.RESIDENT
        and name == "disability_grade"
        and value is not None
        and not 1 <= value <= 4
    ):
        raise OpRejected("invalid_field", "残疾等级必须是一级至四级（1–4）", name)
    if kind is EntityKind.RESIDENT and name == "id_number" and value:
        try:
            return idnumber.parse(value).number
        except idnumber.InvalidIdNumber as exc:
            raise OpRejected("invalid_id_number", str(exc), name) from None
    return value
