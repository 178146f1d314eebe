"""Three-way merge of one update op into a mutable record, field by field.

The server keeps, per record, the version at which each field last changed
(``field_versions``); a field without an entry has not changed since the record was
created at version 1, so new records store an empty map. A field "changed on the server
since the base" is one whose version is newer than the op's ``base_version``; the op's
``old`` value is the base value. So the merge needs no history table: one small JSON map
per record answers it exactly.

Rules (the incoming op is the later-arriving one):
- the value already equals the incoming value: nothing to do;
- the server has not changed the field since the base, or changed it back to the base
  value: apply the incoming value;
- otherwise both sides changed it to different values: apply the incoming value and keep
  the server's value in a conflict record. Nothing is ever silently lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CREATED_VERSION = 1
"""Every record starts at version 1 with all its fields."""


@dataclass(frozen=True, slots=True)
class FieldConflict:
    field: str
    base: Any
    server: Any
    incoming: Any


@dataclass(slots=True)
class MergeOutcome:
    updates: dict[str, Any] = field(default_factory=dict)
    conflicts: list[FieldConflict] = field(default_factory=list)


def three_way(
    current: Mapping[str, Any],
    field_versions: Mapping[str, int],
    base_version: int,
    changes: Mapping[str, tuple[Any, Any]],
) -> MergeOutcome:
    """What to write for ``changes`` (``{field: (old, new)}``) made on top of
    ``base_version`` of a record now holding ``current``."""
    outcome = MergeOutcome()
    for name, (old, new) in changes.items():
        server = current.get(name)
        if server == new:
            continue
        changed_since_base = field_versions.get(name, CREATED_VERSION) > base_version
        if changed_since_base and server != old:
            outcome.conflicts.append(FieldConflict(name, old, server, new))
        outcome.updates[name] = new
    return outcome


def bump_versions(
    field_versions: Mapping[str, int], updated: Mapping[str, Any], version: int
) -> dict[str, int]:
    """``field_versions`` after writing ``updated`` at ``version``."""
    result = dict(field_versions)
    for name in updated:
        result[name] = version
    return result
