"""``gridserver load-demo``: the synthetic dataset from ``gridcore.demo.generator``,
inserted with Core ``executemany`` in batches (hundreds of thousands of rows for size L).

The whole load takes one feed position, so clients pull it like any other change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select

from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import Area, Event, Record
from gridcore.domain.enums import AreaLevel, EntityKind, Role
from gridserver import admin, auth
from gridserver.config import Settings
from gridserver.db import Database, event_numbers, records, utcnow
from gridserver.feed import next_position
from gridserver.persons import registered_id

BATCH = 5000


def _batches(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _rows(
    kind: EntityKind,
    items: Sequence[Record],
    place: Any,
    seq: int,
) -> Iterator[dict[str, Any]]:
    now = utcnow()
    for item in items:
        fields = encode_fields(item)
        # The synthetic history reached the server as it happened: its steps and visits
        # carry the server's receipt time like any pushed one (a laptop otherwise shows
        # them as not synced yet).
        if kind is EntityKind.EVENT_ACTION and fields.get("server_at") is None:
            fields["server_at"] = fields["at"]
        elif kind is EntityKind.VISIT and fields.get("server_at") is None:
            fields["server_at"] = fields["visited_at"]
        grid_id, parent_id, area_code = place(item)
        yield {
            "kind": kind.value,
            "id": item.id,
            "version": 1,
            "deleted": False,
            "updated_at": now,
            "seq": seq,
            "grid_id": grid_id,
            "parent_id": parent_id,
            "area_code": area_code,
            "fields": fields,
            "field_versions": {},
            "updated_by": None,
            "id_number": registered_id(kind.value, fields),
        }


def _event_counters(areas: Sequence[Area], events: Sequence[Event]) -> list[dict[str, Any]]:
    """The 事件编号 counters the generated numbers leave (so the next event pushed takes
    the next number): the highest sequence per township and year."""
    by_id = {a.id: a for a in areas}
    highest: dict[tuple[str, int], int] = {}
    for event in events:
        area = by_id.get(event.grid_id)
        while area is not None and area.level is not AreaLevel.TOWNSHIP and area.parent_id:
            area = by_id.get(area.parent_id)
        if area is None or not event.number:
            continue
        year, _, sequence = event.number.split("-")
        key = (area.id, int(year))
        highest[key] = max(highest.get(key, 0), int(sequence))
    return [{"township_id": t, "year": y, "last": n} for (t, y), n in highest.items()]


def load(db: Database, settings: Settings, size: str, seed: int) -> list[Any]:
    """Generate and insert the dataset; create and print the demo accounts."""
    from gridcore.demo.generator import generate

    data = generate(size, seed)
    with db.engine.connect() as conn:
        existing = conn.execute(select(func.count()).select_from(records)).scalar_one()
    if existing:
        raise auth.UserError(
            "数据库中已有数据：演示数据只能导入到空数据库（先用新的数据库执行 init）"
        )
    household_grid = {h.id: h.grid_id for h in data.households}
    event_grid = {e.id: e.grid_id for e in data.events}
    place_grid = {p.id: p.grid_id for p in data.places}
    plan: list[tuple[EntityKind, Sequence[Record], Any]] = [
        (EntityKind.AREA, data.areas, lambda a: (a.id, a.parent_id, a.code)),
        (EntityKind.HOUSEHOLD, data.households, lambda h: (h.grid_id, None, None)),
        (
            EntityKind.RESIDENT,
            data.residents,
            lambda r: (household_grid[r.household_id], r.household_id, None),
        ),
        (EntityKind.ORGANIZATION, data.organizations, lambda o: (o.grid_id, None, None)),
        (EntityKind.PATROL, data.patrols, lambda p: (p.grid_id, None, None)),
        (EntityKind.PLACE, data.places, lambda p: (p.grid_id, None, None)),
        (
            EntityKind.PLACE_INSPECTION,
            data.place_inspections,
            lambda i: (place_grid[i.place_id], i.place_id, None),
        ),
        (
            EntityKind.PROGRAM_RECORD,
            data.program_records,
            lambda p: (household_grid[p.household_id], p.household_id, None),
        ),
        (EntityKind.VISIT, data.visits, lambda v: (v.grid_id, v.household_id, None)),
        (EntityKind.EVENT, data.events, lambda e: (e.grid_id, None, None)),
        (
            EntityKind.EVENT_ACTION,
            data.event_actions,
            lambda a: (event_grid[a.event_id], a.event_id, None),
        ),
        (
            EntityKind.MEDIATION,
            data.mediations,
            lambda m: (event_grid[m.event_id], m.event_id, None),
        ),
    ]
    counts: dict[str, int] = {}
    with db.write() as conn:
        # One feed position for everything (pages are cut by kind and id inside it); the
        # counter stays locked for the load, which is fine for an offline admin command.
        seq = next_position(conn)
        for kind, items, place in plan:
            counts[kind.value] = len(items)
            for batch in _batches(_rows(kind, items, place, seq)):
                conn.execute(insert(records), batch)
        counters = _event_counters(data.areas, data.events)
        if counters:
            conn.execute(insert(event_numbers), counters)
    admin.load_catalog(db, data.catalog.to_json())
    for user in data.users:
        auth.add_user(
            db,
            settings,
            auth.NewUser(user.username, Role(user.role), user.scope_code, user.display_name),
            user.password,
        )
    print("已导入演示数据：" + "，".join(f"{k} {n}" for k, n in counts.items()))
    print("演示账号（用户名 / 密码 / 角色 / 管辖区划）：")
    for user in data.users:
        role = Role(user.role).label
        print(f"  {user.username} / {user.password} / {role} / {user.scope_code or '全部'}")
    return list(data.users)
