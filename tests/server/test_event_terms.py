"""Events keep their catalog terms and get a 事件编号 on the server; the catalog is
revised, never stripped of a category in use (issue #15, items 1 and 6)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alembic import command
from sqlalchemy import delete, select, update

from gridcore.domain.catalog import CatalogError
from gridserver import admin, migrate
from gridserver.db import Database, catalog, event_numbers, records
from tests.server.conftest import Api, World, cli_url, new_id, op
from tests.server.test_cli import CATALOG

TERMS = ("category_name", "time_limit_days", "catalog_revision", "terms_inferred", "number")


def _event(world: World, grid: str = "G1", **extra: Any) -> dict[str, Any]:
    return {
        "grid_id": world.areas[grid],
        "category_code": "D001",
        "ledger": "appeal",
        "urgency": "normal",
        "title": "邻里噪音纠纷",
        "reporter": "w1",
        "reported_at": "2026-11-20T09:00:00+08:00",
        **extra,
    }


def _stored(db: Database, event_id: str) -> dict[str, Any]:
    with db.engine.connect() as conn:
        fields = conn.execute(
            select(records.c.fields).where(records.c.kind == "event", records.c.id == event_id)
        ).scalar_one()
    assert isinstance(fields, dict)
    return fields


def test_terms_sent_are_kept_and_numbers_are_per_township(
    api: Api, db: Database, world: World
) -> None:
    admin.load_catalog(db, CATALOG)
    w1, w3 = api.login("w1"), api.login("w3")
    kept = {"category_name": "旧名称", "time_limit_days": 15, "catalog_revision": 1}
    first, second, other = new_id(), new_id(), new_id()
    # A client may not choose its number: the server's field wins.
    results = api.push(w1, [op("event", first, changes=_event(world, **kept, number="9999"))])
    results += api.push(
        api.login("w2"), [op("event", second, changes=_event(world, grid="G2", **kept))]
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    [result] = api.push(w3, [op("event", other, changes=_event(world, grid="G3", reporter="w3"))])
    assert result["status"] == "applied"
    stored = _stored(db, first)
    assert {k: stored[k] for k in kept} == kept  # not the catalog's 邻里纠纷 / 7 days
    assert stored["terms_inferred"] is False
    assert stored["number"] == "2026-001-00001"
    assert _stored(db, second)["number"] == "2026-001-00002"
    assert _stored(db, other)["number"] == "2026-101-00001"  # another township
    page, _ = api.pull_all(w1)
    numbers = {c["id"]: c["fields"]["number"] for c in page["changes"] if c["entity"] == "event"}
    assert numbers == {first: "2026-001-00001"}


def test_an_event_without_terms_gets_the_current_ones_marked_inferred(
    api: Api, db: Database, world: World
) -> None:
    admin.load_catalog(db, CATALOG)
    w1 = api.login("w1")
    event_id = new_id()
    create = op("event", event_id, changes=_event(world))
    assert api.push(w1, [create])[0]["status"] == "applied"
    stored = _stored(db, event_id)
    assert stored["category_name"] == "邻里纠纷"
    assert stored["time_limit_days"] == 7
    assert stored["catalog_revision"] == 1
    assert stored["terms_inferred"] is True
    # The same create again (a lost answer) is still the same record.
    again = {**create, "op_id": new_id()}
    assert api.push(w1, [again])[0]["status"] == "applied"


def test_a_refused_event_takes_no_number(api: Api, db: Database, world: World) -> None:
    w1 = api.login("w1")
    [refused] = api.push(w1, [op("event", new_id(), changes=_event(world, grid="G3"))])
    assert refused["status"] == "rejected"
    event_id = new_id()
    assert api.push(w1, [op("event", event_id, changes=_event(world))])[0]["status"] == "applied"
    assert _stored(db, event_id)["number"] == "2026-001-00001"


def test_a_category_in_use_can_be_retired_but_not_removed(
    api: Api, db: Database, world: World
) -> None:
    assert admin.load_catalog(db, CATALOG).revision == 1
    assert admin.load_catalog(db, json.loads(json.dumps(CATALOG))).revision == 1  # same
    w1 = api.login("w1")
    assert api.push(w1, [op("event", new_id(), changes=_event(world))])[0]["status"] == "applied"
    other = {
        "code": "D002",
        "name": "婚姻家庭纠纷",
        "group": "dispute",
        "ledger": "appeal",
        "time_limits": {"normal": 15},
    }
    with pytest.raises(CatalogError) as refused:
        admin.load_catalog(db, {"version": "2026.2", "categories": [other]})
    message = str(refused.value)
    assert "D001" in message and "1 件事件" in message and "active" in message
    with db.engine.connect() as conn:
        document = conn.execute(select(catalog.c.document)).scalar_one()
    assert document["version"] == "2026.1" and document["revision"] == 1  # unchanged
    retired = {**CATALOG["categories"][0], "active": False}  # type: ignore[dict-item]
    loaded = admin.load_catalog(db, {"version": "2026.2", "categories": [retired, other]})
    assert loaded.revision == 2
    assert [c.code for c in loaded.active()] == ["D002"]
    # An unused category may go.
    loaded = admin.load_catalog(db, {"version": "2026.3", "categories": [retired]})
    assert loaded.revision == 3 and len(loaded) == 1


def test_cli_says_why_it_refuses(
    api: Api, db: Database, world: World, tmp_path: Any, capsys: Any
) -> None:
    from gridserver.__main__ import main

    admin.load_catalog(db, CATALOG)
    w1 = api.login("w1")
    assert api.push(w1, [op("event", new_id(), changes=_event(world))])[0]["status"] == "applied"
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"version": "x", "categories": []}), encoding="utf-8")
    assert main(["load-catalog", "--database", cli_url(db), str(path)]) == 2
    assert "D001" in capsys.readouterr().err


def test_the_migration_carries_events_over(api: Api, db: Database, world: World) -> None:
    admin.load_catalog(db, CATALOG)
    w1, w3 = api.login("w1"), api.login("w3")
    ids = [new_id() for _ in range(3)]
    api.push(
        w1, [op("event", ids[0], changes=_event(world, reported_at="2026-11-21T09:00:00+08:00"))]
    )
    api.push(w1, [op("event", ids[1], changes=_event(world, urgency="critical"))])
    api.push(w3, [op("event", ids[2], changes=_event(world, grid="G3"))])
    # Back to how a server before this revision stored them.
    with db.write() as conn:
        for event_id in ids:
            fields = _stored(db, event_id)
            old = {k: v for k, v in fields.items() if k not in TERMS}
            if event_id == ids[2]:  # a category removed back when that was allowed
                old["category_code"] = "X9"
            conn.execute(update(records).where(records.c.id == event_id).values(fields=old))
        conn.execute(delete(event_numbers))
        document = conn.execute(select(catalog.c.document)).scalar_one()
        conn.execute(update(catalog).values(document={**document, "revision": 0}))
    _, cursor = api.pull_all(w1)
    config = migrate.alembic_config()
    with db.write() as conn:
        config.attributes["connection"] = conn
        command.stamp(config, "head")  # the fixture built the schema from the metadata
        command.downgrade(config, "0003_security")
    migrate.upgrade(db)

    first, critical, unknown = (_stored(db, i) for i in ids)
    assert first["category_name"] == "邻里纠纷" and first["time_limit_days"] == 7
    assert first["terms_inferred"] is True and first["catalog_revision"] == 1
    # 特急 is not listed for D001: the same day (the stated fallback rule).
    assert critical["time_limit_days"] == 0
    assert (unknown["category_name"], unknown["time_limit_days"]) == ("X9", 15)
    # Numbered in report order per township.
    assert critical["number"] == "2026-001-00001" and first["number"] == "2026-001-00002"
    assert unknown["number"] == "2026-101-00001"
    # Laptops receive them again, and new events continue the sequence.
    page, _ = api.pull_all(w1, cursor)
    assert {c["id"] for c in page["changes"] if c["entity"] == "event"} == set(ids[:2])
    fresh = new_id()
    api.push(w1, [op("event", fresh, changes=_event(world))])
    assert _stored(db, fresh)["number"] == "2026-001-00003"


def test_terms_out_of_bounds_are_refused_on_their_own(api: Api, world: World) -> None:
    w1 = api.login("w1")
    bad = op("event", new_id(), changes=_event(world, time_limit_days=-1))
    good = op("event", new_id(), changes=_event(world, time_limit_days=15), seq=2)
    refused, applied = api.push(w1, [bad, good])
    assert (refused["status"], refused["reason"], refused["field"]) == (
        "rejected",
        "invalid_field",
        "time_limit_days",
    )
    assert "办理时限" in refused["message"]
    assert applied["status"] == "applied"
