"""``gridserver ingest-rescue``: apply a rescue file (``gridclient rescue``) as the push
its device could not make, under the same rules as a push: the user's scope, merges,
conflicts, validation, and deduplication by op id (ingesting a file twice, or ops the
device had in fact pushed, changes nothing)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from gridcore.domain.enums import Role
from gridcore.protocol import MAX_OPS_PER_PUSH, PushRequest
from gridcore.rescue import Rescue, RescueFileError, open_rescue
from gridserver import sync
from gridserver.auth import UserError
from gridserver.db import Database, users
from gridserver.scope import Caller

__all__ = ["Ingested", "ingest_rescue"]


@dataclass(frozen=True, slots=True)
class Ingested:
    rescue: Rescue
    statuses: Counter[str]
    rejected: list[tuple[str, str]]
    """(op id, reason and message) of each rejected op."""


def ingest_rescue(db: Database, data: bytes, password: str, username: str) -> Ingested:
    """Decrypt and apply; ``username`` must be the file's user (the admin names whose
    changes they are). Raises ``UserError`` (Chinese) for a wrong password, a damaged
    file, another user's file or an unknown user."""
    try:
        rescue = open_rescue(data, password)
    except RescueFileError as exc:
        raise UserError(str(exc)) from None
    if rescue.username.casefold() != username.casefold():
        raise UserError(f"该救援文件属于用户 {rescue.username}，不是 {username}")
    with db.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == rescue.username)).first()
    if row is None:
        raise UserError(f"用户 {rescue.username} 不存在")
    caller = Caller(
        user_id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        scope_area_id=row.scope_area_id,
        device_id=rescue.device_id,
        department=row.department,
    )
    statuses: Counter[str] = Counter()
    rejected: list[tuple[str, str]] = []
    for start in range(0, len(rescue.ops), MAX_OPS_PER_PUSH):
        batch = rescue.ops[start : start + MAX_OPS_PER_PUSH]
        answer = sync.push(db, caller, PushRequest(device_id=rescue.device_id, ops=batch))
        for result in answer.results:
            statuses[result.status] += 1
            if result.status == "rejected":
                rejected.append((str(result.op_id), f"{result.reason}: {result.message}"))
    return Ingested(rescue, statuses, rejected)
