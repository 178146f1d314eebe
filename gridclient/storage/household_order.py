"""The household list's order, stored: ``households.address_key`` and ``number_key``.

The list walks households in natural address order (1组9号 before 1组10号,
:func:`gridcore.domain.sorting.natural_key`), which SQLite cannot compute. Both keys are
kept beside the address and 户号 (migration 0018) and ``ix_households_list_order``
(``address_key, number_key, id`` and the columns the list filters on) holds them in the
list's order, so the id list is one index walk with no sort and its first screen comes
from the first entries (as the events and visits lists since migration 0013).

They are derived values, never synced (not in the codec, not in ``field_plan``). Every
write path fills them: :mod:`~gridclient.storage.bulk` computes them with the rows it
upserts (the pull, imports, the demo loader), ``record_to_values`` with a new local
household. An update that changes an address or a 户号 without them (a local edit, a
rebase of unsent values, a conflict decision) has them cleared by the trigger below, so
they are current or NULL, never stale; :func:`fill_missing` derives the NULL ones in the
unit of work's transaction, and :func:`ensure` before the list is queried (one index
probe when nothing is missing, which is the rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, select, update

from gridclient.storage.engine import write_connection
from gridclient.storage.models import HouseholdRow
from gridcore.domain.sorting import natural_key

__all__ = [
    "KEY_COLUMNS",
    "STALE_TRIGGER",
    "ensure",
    "fill_missing",
    "missing",
    "sort_keys",
]

KEY_COLUMNS = ("address_key", "number_key")
"""The derived columns, in ``households``: no field of the record, never synced."""

STALE_TRIGGER = """
CREATE TRIGGER households_order_stale AFTER UPDATE OF address, number ON households
WHEN (NEW.address IS NOT OLD.address OR NEW.number IS NOT OLD.number)
    AND NEW.address_key IS OLD.address_key AND NEW.number_key IS OLD.number_key
BEGIN
    UPDATE households SET address_key = NULL, number_key = NULL WHERE id = NEW.id;
END"""
"""An address or 户号 changed by a statement that did not set the keys with it: the
keys are cleared (then derived again), never left describing the old address."""

_TABLE = cast(Table, HouseholdRow.__table__)
_MISSING = select(_TABLE.c.id, _TABLE.c.address, _TABLE.c.number).where(
    _TABLE.c.address_key.is_(None)
)
_ANY_MISSING = select(_TABLE.c.id).where(_TABLE.c.address_key.is_(None)).limit(1)
_SET_KEYS = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("key_id"))
    .values(
        address_key=bindparam("key_address"),
        number_key=bindparam("key_number"),
    )
)


def sort_keys(address: Any, number: Any) -> tuple[str, str]:
    """The stored keys of a household's address and 户号 (text either way: a value the
    codec would refuse still gets a place in the list)."""
    return natural_key(str(address or "")), natural_key(str(number or ""))


def key_columns(addresses: Sequence[Any], numbers: Sequence[Any]) -> tuple[list[str], list[str]]:
    """:func:`sort_keys` of whole columns (the bulk path's column-wise conversion); each
    distinct value is keyed once (a village's addresses repeat their 组)."""
    address_keys: dict[Any, str] = {}
    number_keys: dict[Any, str] = {}
    out_address: list[str] = []
    out_number: list[str] = []
    for address, number in zip(addresses, numbers, strict=True):
        a = address_keys.get(address)
        if a is None:
            a = address_keys[address] = natural_key(str(address or ""))
        n = number_keys.get(number)
        if n is None:
            n = number_keys[number] = natural_key(str(number or ""))
        out_address.append(a)
        out_number.append(n)
    return out_address, out_number


def missing(connection: Connection) -> bool:
    """Whether any household lacks its keys (one probe of the list-order index, whose
    first entries are the NULL ones)."""
    return connection.execute(_ANY_MISSING).first() is not None


def fill_missing(connection: Connection) -> int:
    """Derive and write the missing keys, in the caller's write transaction."""
    rows = connection.execute(_MISSING).all()
    if not rows:
        return 0
    address_keys, number_keys = key_columns([r.address for r in rows], [r.number for r in rows])
    connection.execute(
        _SET_KEYS,
        [
            {"key_id": r.id, "key_address": a, "key_number": n}
            for r, a, n in zip(rows, address_keys, number_keys, strict=True)
        ],
    )
    return len(rows)


def ensure(engine: Engine) -> int:
    """Make every household's keys current before a list query (one cheap read when
    nothing is missing)."""
    with engine.connect() as connection:
        if not missing(connection):
            return 0
    with write_connection(engine) as connection:
        return fill_missing(connection)
