"""Scope on every reference: attachments, referenced records and conflict base values.

* **Blobs.** Bytes belong to whoever uploaded them (``blob_uploaders``) until an
  attachment record in someone's scope names them. A caller may read, probe or attach
  only bytes they uploaded themselves or that an attachment record they may read names;
  knowing a SHA-256 (and its size) is not enough. Anything else answers exactly as if the
  bytes were not there.
* **Readable.** Whether a caller may *see* a record (its subtree, plus the areas above
  its home area). A reference to a record that is missing and one to a record the caller
  may not see get the same answer; only a record the caller can already see may be
  answered "outside your scope".
* **Conflict base values.** The value a client says a field had before its edit is shown
  to everyone in scope as "修改前" when the edit conflicts. It is kept only when the
  server knows the field held that value (a value written by an op it applied to that
  record, or one of its earlier conflict values); otherwise the conflict's base is left
  unknown. Old values are also size-bounded like new ones.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import orjson
from sqlalchemy import Connection, and_, or_, select

from gridcore.domain.codec import CodecError, decode_value, field_specs
from gridcore.domain.enums import EntityKind
from gridserver.db import attachment_blobs, blob_uploaders, conflicts, op_log, records, utcnow
from gridserver.errors import OpRejected
from gridserver.scope import ANCESTORS, Caller, read_filter, scope_params

ATTACHMENT = EntityKind.ATTACHMENT.value

# --- blobs ---------------------------------------------------------------------------


def usable_blobs(conn: Connection, caller: Caller, shas: Collection[str]) -> dict[str, int]:
    """``{sha: size}`` for the bytes among ``shas`` that ``caller`` may read or attach."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    stored = select(attachment_blobs.c.sha256, attachment_blobs.c.size).where(
        attachment_blobs.c.sha256.in_(wanted)
    )
    if caller.unrestricted:
        return {row.sha256: row.size for row in conn.execute(stored)}
    own = select(blob_uploaders.c.sha256).where(
        blob_uploaders.c.user_id == caller.user_id, blob_uploaders.c.sha256.in_(wanted)
    )
    referenced = select(records.c.id).where(
        records.c.kind == ATTACHMENT,
        records.c.id.in_(wanted),
        records.c.deleted.is_(False),
        read_filter(caller),
    )
    query = stored.where(
        or_(attachment_blobs.c.sha256.in_(own), attachment_blobs.c.sha256.in_(referenced))
    )
    return {row.sha256: row.size for row in conn.execute(query, scope_params(caller))}


def record_upload(conn: Connection, caller: Caller, sha256: str) -> bool:
    """Remember that ``caller`` sent these bytes; True if they had not before."""
    known = conn.execute(
        select(blob_uploaders.c.user_id).where(
            blob_uploaders.c.sha256 == sha256, blob_uploaders.c.user_id == caller.user_id
        )
    ).first()
    if known is not None:
        return False
    conn.execute(
        blob_uploaders.insert().values(sha256=sha256, user_id=caller.user_id, uploaded_at=utcnow())
    )
    return True


# --- readable records ----------------------------------------------------------------


def is_ancestor_area(conn: Connection, caller: Caller, area_id: str | None) -> bool:
    """Whether ``area_id`` is the caller's home area or above it (visible, not
    writable below the home area)."""
    if area_id is None or caller.scope_area_id is None:
        return False
    found = conn.execute(
        select(ANCESTORS.c.id).where(ANCESTORS.c.id == area_id), scope_params(caller)
    ).first()
    return found is not None


# --- conflict base values --------------------------------------------------------------

MAX_OLD_BYTES = 64 * 1024
"""Largest old value accepted in an op (JSON): new text values are at most 10,000
characters, so any old value a real client sends is far below this."""


def check_old_values(changes: Mapping[str, tuple[Any, Any]]) -> None:
    """Refuse an op whose old values are oversized (they are stored in the audit log
    and may become a conflict's "修改前")."""
    for name, pair in changes.items():
        old = pair[0]
        if old is None or isinstance(old, bool | int | float):
            continue
        if isinstance(old, str) and len(old) <= MAX_OLD_BYTES // 6:
            continue  # fits even if every character were escaped (\uXXXX)
        if len(orjson.dumps(old)) > MAX_OLD_BYTES:
            raise OpRejected("invalid_field", f"字段 {name} 的原值过长", name)


def _canonical(kind: EntityKind, name: str, value: Any) -> Any:
    try:
        return field_specs(kind)[name].encode(decode_value(kind, name, value))
    except (CodecError, KeyError, TypeError, ValueError):
        return value


def _same(kind: EntityKind, name: str, a: Any, b: Any) -> bool:
    if a == b:
        return True
    canon_a = _canonical(kind, name, a)
    canon_b = _canonical(kind, name, b)
    if canon_a == canon_b:
        return True
    # ID numbers are stored with an upper-case X.
    return (
        isinstance(canon_a, str) and isinstance(canon_b, str) and canon_a.upper() == canon_b.upper()
    )


def verified_base(
    conn: Connection, kind: EntityKind, record_id: str, name: str, base_version: int, claimed: Any
) -> Any:
    """``claimed`` (the client's old value of ``name``) if the server knows the field of
    this record held it at or before ``base_version``; ``None`` (unknown) otherwise."""
    if claimed is None:
        return None
    written = conn.execute(
        select(op_log.c.changes).where(
            op_log.c.entity_id == record_id,
            op_log.c.entity == kind.value,
            op_log.c.version.is_not(None),
            op_log.c.version <= base_version,
            op_log.c.status != "rejected",
            op_log.c.kind.in_(("create", "update")),
        )
    ).scalars()
    for changes in written:
        pair = changes.get(name) if isinstance(changes, dict) else None
        if isinstance(pair, list) and len(pair) == 2 and _same(kind, name, pair[1], claimed):
            return claimed
    earlier = conn.execute(
        select(conflicts.c.server_value, conflicts.c.incoming_value, conflicts.c.base_value).where(
            and_(
                conflicts.c.kind == kind.value,
                conflicts.c.record_id == record_id,
                conflicts.c.field == name,
            )
        )
    ).all()
    for row in earlier:
        if any(_same(kind, name, value, claimed) for value in row if value is not None):
            return claimed
    return None
