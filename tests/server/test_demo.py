"""``load-demo`` with the generator's types but a small hand-made dataset, so the loader
is tested on its own (``generate`` is replaced for the test)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gridcore.demo import generator
from gridcore.demo.generator import Dataset, DemoUser
from gridcore.domain.catalog import EventCatalog, EventCategory
from gridcore.domain.entities import (
    Area,
    Event,
    EventAction,
    Household,
    Organization,
    Resident,
    Visit,
)
from gridcore.domain.enums import (
    AreaLevel,
    EventActionKind,
    EventGroup,
    Ledger,
    Role,
    Urgency,
)
from gridserver import auth, demo
from gridserver.app import create_app
from gridserver.config import Settings
from gridserver.db import Database
from tests.server.conftest import FAST_ARGON2, SYNC_HEADERS


def _generate(size: str, seed: int, today: Any = None) -> Dataset:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    category = EventCategory(
        code="D001",
        name="邻里纠纷",
        group=EventGroup.DISPUTE,
        ledger=Ledger.APPEAL,
        time_limits={Urgency.NORMAL: 7},
    )
    town = Area(code="320101001000", name="东街道", level=AreaLevel.TOWNSHIP)
    village = Area(code="320101001001", name="幸福社区", level=AreaLevel.VILLAGE, parent_id=town.id)
    grids = [
        Area(code=f"32010100100100{n}", name=f"网格{n}", level=AreaLevel.GRID, parent_id=village.id)
        for n in (1, 2)
    ]
    data = Dataset(catalog=EventCatalog.of([category], "demo"), areas=[town, village, *grids])
    for n in range(3):
        h = Household(grid_id=grids[n % 2].id, address=f"幸福路{n}号")
        data.households.append(h)
        data.residents.append(Resident(household_id=h.id, name=f"居民{n}"))
        data.visits.append(
            Visit(household_id=h.id, grid_id=h.grid_id, visitor="w1", visited_at=now)
        )
    data.organizations.append(Organization(grid_id=grids[0].id, name="老年人协会"))
    event = Event(
        grid_id=grids[1].id,
        category_code="D001",
        ledger=Ledger.APPEAL,
        urgency=Urgency.NORMAL,
        title="噪音",
        reporter="w2",
        reported_at=now,
    )
    data.events.append(event)
    data.event_actions.append(
        EventAction(
            event_id=event.id,
            kind=EventActionKind.REPORT,
            actor="w2",
            actor_role=Role.WORKER,
            at=now,
            server_at=now,
        )
    )
    data.users = [
        DemoUser("w1", "demo-pass-1", Role.WORKER, grids[0].code, "网格员一"),
        DemoUser("town", "demo-pass-2", Role.TOWNSHIP, town.code, "街道"),
    ]
    return data


@pytest.fixture
def fake_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "generate", _generate)


def test_load_demo_inserts_everything_and_prints_the_accounts(
    db: Database, fake_generator: None, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=db.url, argon2=FAST_ARGON2)
    users = demo.load(db, settings, "S", 1)
    out = capsys.readouterr().out
    assert "w1 / demo-pass-1" in out and "town / demo-pass-2" in out
    assert [u.username for u in users] == ["w1", "town"]
    with TestClient(create_app(settings, db)) as client:

        def log_in(username: str, password: str) -> dict[str, str]:
            login = client.post(
                "/api/v1/auth/login",
                json={"username": username, "password": password, "device_id": "d"},
            ).json()
            return {"Authorization": f"Bearer {login['access_token']}", **SYNC_HEADERS}

        def pull(username: str, password: str) -> dict[str, set[str]]:
            headers = log_in(username, password)
            page = client.get("/api/v1/sync/pull", params={"limit": 2000}, headers=headers).json()
            assert not page["more"]
            kinds: dict[str, set[str]] = {}
            for change in page["changes"]:
                kinds.setdefault(change["entity"], set()).add(change["id"])
            return kinds

        town = pull("town", "demo-pass-2")
        assert {k: len(v) for k, v in town.items()} == {
            "area": 4,
            "household": 3,
            "resident": 3,
            "organization": 1,
            "visit": 3,
            "event": 1,
            "event_action": 1,
        }
        worker = pull("w1", "demo-pass-1")
        assert len(worker["household"]) == 2 and len(worker["resident"]) == 2
        assert "event" not in worker  # the event is in the other grid
        catalog = client.get("/api/v1/catalog", headers=log_in("w1", "demo-pass-1")).json()
        assert catalog["version"] == "demo"
    with pytest.raises(auth.UserError):
        demo.load(db, settings, "S", 1)  # only into an empty database


def test_load_demo_with_the_real_generator(db: Database) -> None:
    generator = pytest.importorskip("gridcore.demo.generator")
    settings = Settings(database_url=db.url, argon2=FAST_ARGON2)
    users = demo.load(db, settings, "S", 3)
    expected = generator.generate("S", 3)
    total = sum(
        len(getattr(expected, name))
        for name in (
            "areas",
            "households",
            "residents",
            "organizations",
            "patrols",
            "places",
            "place_inspections",
            "program_records",
            "visits",
            "events",
            "event_actions",
            "mediations",
        )
    )
    by_role = {Role(u.role): u for u in users}
    with TestClient(create_app(settings, db)) as client:

        def pull_all(user: Any) -> list[dict[str, Any]]:
            login = client.post(
                "/api/v1/auth/login",
                json={"username": user.username, "password": user.password, "device_id": "d"},
            )
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['access_token']}", **SYNC_HEADERS}
            changes: list[dict[str, Any]] = []
            cursor = ""
            while True:
                page = client.get(
                    "/api/v1/sync/pull", params={"cursor": cursor, "limit": 2000}, headers=headers
                ).json()
                changes.extend(page["changes"])
                cursor = page["cursor"]
                if not page["more"]:
                    return changes

        everything = pull_all(by_role[Role.ADMIN])
        assert len(everything) == total
        worker = pull_all(by_role[Role.WORKER])
        grids = {c["fields"]["grid_id"] for c in worker if c["entity"] == "household"}
        assert len(grids) == 1
        expected_households = {h.id for h in expected.households if h.grid_id in grids}
        assert {c["id"] for c in worker if c["entity"] == "household"} == expected_households
        # Places and their checks are scoped by the place's grid, like households.
        expected_places = {p.id for p in expected.places if p.grid_id in grids}
        assert expected_places
        assert {c["id"] for c in worker if c["entity"] == "place"} == expected_places
        checks = {c["fields"]["place_id"] for c in worker if c["entity"] == "place_inspection"}
        assert checks and checks <= expected_places
