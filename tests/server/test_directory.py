"""``GET /directory``: the people of the caller's area, by name (issue 13, item 3)."""

from __future__ import annotations

from gridserver import auth
from gridserver.config import Settings
from gridserver.db import Database
from tests.server.conftest import PASSWORD, Api, World


def _directory(api: Api, user: str) -> dict[str, tuple[str, str]]:
    response = api.client.get("/api/v1/directory", headers=api.login(user))
    assert response.status_code == 200, response.text
    return {u["username"]: (u["display_name"], u["role"]) for u in response.json()["users"]}


def test_a_worker_sees_their_grid_their_village_and_township_staff_and_admins(
    api: Api, world: World, db: Database, settings: Settings
) -> None:
    from gridcore.domain.enums import Role

    auth.add_user(
        db, settings, auth.NewUser("w1b", Role.WORKER, "320101001001001", "何子健"), PASSWORD
    )
    seen = _directory(api, "w1")
    assert set(seen) == {"w1", "w1b", "wv", "t1", "admin"}
    assert seen["w1b"] == ("何子健", "worker")
    assert seen["w1"] == ("w1", "worker")  # no display name given: the login


def test_township_staff_see_the_whole_township_and_nothing_beyond(api: Api, world: World) -> None:
    assert set(_directory(api, "t1")) == {"w1", "w2", "wv", "t1", "admin"}
    assert set(_directory(api, "t2")) == {"w3", "t2", "admin"}


def test_an_administrator_sees_everyone(api: Api, world: World) -> None:
    assert set(_directory(api, "admin")) == {"w1", "w2", "wv", "w3", "t1", "t2", "admin"}


def test_the_directory_needs_a_login(api: Api, world: World) -> None:
    assert api.client.get("/api/v1/directory").status_code == 401
