"""The holiday calendar on the server: ``gridserver load-holidays``, ``GET /holidays``,
and the limit kind of events (issue #15 item 4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, update

import gridcore
from gridcore.domain.holidays import HolidayError, default_calendar
from gridserver import admin, migrate
from gridserver.__main__ import main
from gridserver.db import Database, holidays, records
from tests.server.conftest import Api, World, cli_url, new_id, op
from tests.server.test_cli import CATALOG
from tests.server.test_event_terms import _event, _stored

HOLIDAYS = {
    "version": "2027",
    "holidays": [
        {
            "name": "2027 春节",
            "off": [["2027-02-05", "2027-02-11"]],
            "work": ["2027-02-13"],
        }
    ],
}
WORKING = {
    "version": "2026.w",
    "categories": [
        {
            **CATALOG["categories"][0],  # type: ignore[index]
            "limit_kind": "working",
            "hour_limits": {"critical": 4},
        }
    ],
}


def test_load_holidays_stores_revisions(db: Database) -> None:
    first = admin.load_holidays(db, HOLIDAYS)
    assert first.revision == 1 and first.years() == [2027]
    assert admin.load_holidays(db, json.loads(json.dumps(HOLIDAYS))).revision == 1  # same
    changed = {**HOLIDAYS, "holidays": [{**HOLIDAYS["holidays"][0], "work": []}]}  # type: ignore[dict-item]
    assert admin.load_holidays(db, changed).revision == 2
    with pytest.raises(HolidayError, match="不是周六或周日"):
        admin.load_holidays(db, {"holidays": [{"name": "x", "work": ["2027-02-12"]}]})
    with db.engine.connect() as conn:
        document = conn.execute(select(holidays.c.document)).scalar_one()
    assert document["revision"] == 2 and document["holidays"][0]["work"] == []  # kept


def test_the_command_loads_a_file_and_refuses_a_bad_one(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps(HOLIDAYS, ensure_ascii=False), encoding="utf-8")
    assert main(["load-holidays", "--database", cli_url(db), str(path)]) == 0
    out = capsys.readouterr().out
    assert "已导入节假日安排（1 项，年份 2027" in out and "第 1 次修订" in out
    # The shipped default is a valid file for the command too.
    # The file the installed gridcore ships (a server-only install has no checkout).
    shipped = Path(gridcore.__file__).resolve().parent / "data" / "holidays.json"
    assert main(["load-holidays", "--database", cli_url(db), str(shipped)]) == 0
    assert "年份 2025、2026、2027" in capsys.readouterr().out

    bad = {"holidays": [{"name": "国庆", "off": [["2026-10-08", "2026-10-01"]]}]}
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert main(["load-holidays", "--database", cli_url(db), str(path)]) == 2
    assert "止日早于起日" in capsys.readouterr().err
    path.write_text("{not json", encoding="utf-8")
    assert main(["load-holidays", "--database", cli_url(db), str(path)]) == 2
    assert "无法读取节假日安排文件" in capsys.readouterr().err
    assert main(["load-holidays", "--database", cli_url(db), str(tmp_path / "none.json")]) == 2
    with db.engine.connect() as conn:
        document = conn.execute(select(holidays.c.document)).scalar_one()
    assert document["revision"] == 2 and len(document["holidays"]) == 20  # the shipped one


def test_get_holidays_sends_the_shipped_calendar_then_the_loaded_one(
    api: Api, db: Database
) -> None:
    headers = api.login("w1")
    shipped = api.client.get("/api/v1/holidays", headers=headers)
    assert shipped.status_code == 200
    assert shipped.json() == default_calendar().to_json() and shipped.json()["revision"] == 0
    etag = shipped.headers["ETag"]
    again = api.client.get("/api/v1/holidays", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    admin.load_holidays(db, HOLIDAYS)
    loaded = api.client.get("/api/v1/holidays", headers={**headers, "If-None-Match": etag})
    assert loaded.status_code == 200 and loaded.headers["ETag"] != etag
    assert loaded.json()["revision"] == 1 and loaded.json()["version"] == "2027"
    assert api.client.get("/api/v1/holidays").status_code == 401


def test_an_old_clients_event_gets_the_catalogs_limit_kind(
    api: Api, db: Database, world: World
) -> None:
    admin.load_catalog(db, WORKING)
    w1 = api.login("w1")
    bare, kept, critical = new_id(), new_id(), new_id()
    results = api.push(
        w1,
        [
            # No terms at all: a client from before terms were kept; the server's catalog.
            op("event", bare, changes=_event(world)),
            # Terms without a limit kind: a client from before working days, whose
            # laptop counted calendar days; it keeps what it was reported under.
            op("event", kept, changes=_event(world, time_limit_days=7), seq=2),
            op("event", critical, changes=_event(world, urgency="critical"), seq=3),
        ],
    )
    assert [r["status"] for r in results] == ["applied"] * 3, results
    assert _stored(db, bare)["limit_kind"] == "working"
    assert _stored(db, bare)["time_limit_hours"] is None
    assert _stored(db, kept)["limit_kind"] == "calendar"
    stored = _stored(db, critical)
    assert (stored["time_limit_days"], stored["time_limit_hours"]) == (0, 4)
    # Out-of-range hours are refused like any bad field.
    [bad] = api.push(
        w1,
        [
            op(
                "event",
                new_id(),
                changes=_event(world, time_limit_days=0, time_limit_hours=0),
                seq=4,
            )
        ],
    )
    assert bad["status"] == "rejected" and bad["field"] == "time_limit_hours"


def test_the_migration_carries_events_over_as_calendar_days(
    api: Api, db: Database, world: World
) -> None:
    admin.load_catalog(db, CATALOG)
    w1 = api.login("w1")
    event_id = new_id()
    api.push(w1, [op("event", event_id, changes=_event(world))])
    admin.load_holidays(db, HOLIDAYS)
    with db.write() as conn:  # back to how a server before this revision stored it
        fields: dict[str, Any] = {
            k: v
            for k, v in _stored(db, event_id).items()
            if k not in ("limit_kind", "time_limit_hours")
        }
        conn.execute(update(records).where(records.c.id == event_id).values(fields=fields))
        version = conn.execute(
            select(records.c.version).where(records.c.id == event_id)
        ).scalar_one()
    config = migrate.alembic_config()
    with db.write() as conn:
        config.attributes["connection"] = conn
        command.stamp(config, "head")  # the fixture built the schema from the metadata
        command.downgrade(config, "0004_event_terms")
    migrate.upgrade(db)
    stored = _stored(db, event_id)
    assert stored["limit_kind"] == "calendar" and stored["time_limit_days"] == 7
    with db.engine.connect() as conn:
        assert (
            conn.execute(select(records.c.version).where(records.c.id == event_id)).scalar_one()
            == version
        )  # nothing for laptops to fetch again
        assert conn.execute(select(holidays)).first() is None  # the table is new
