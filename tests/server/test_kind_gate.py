"""Kinds newer than a client (``gridcore.protocol.KIND_SINCE``): an older client's pull
pages carry their records (it keeps them aside until upgraded) but none of their evictions
or conflicts, which its page parser would refuse, so its sync never stops on them."""

from __future__ import annotations

from typing import Any

import pytest

from gridcore.domain.enums import EntityKind
from gridcore.protocol import CLIENT_VERSION_HEADER, KIND_SINCE, kinds_unknown_to
from tests.server.conftest import Api, World, household, new_id, op, resident


def test_kinds_unknown_to_compares_versions_as_parsed() -> None:
    assert kinds_unknown_to((0, 4)) == frozenset(
        kind for kind, since in KIND_SINCE.items() if since > (0, 4)
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(KIND_SINCE, EntityKind.RESIDENT, (0, 5))
        assert EntityKind.RESIDENT in kinds_unknown_to((0, 4, 9))
        assert EntityKind.RESIDENT not in kinds_unknown_to((0, 5))
        assert EntityKind.RESIDENT not in kinds_unknown_to((0, 5, 1))


def _as(headers: dict[str, str], version: str) -> dict[str, str]:
    return {**headers, CLIENT_VERSION_HEADER: version}


def _kinds(page: dict[str, Any], key: str) -> set[str]:
    return {item["entity"] for item in page[key]}


def test_an_older_client_gets_the_records_but_not_the_evictions_or_conflicts(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(KIND_SINCE, EntityKind.RESIDENT, (0, 5))
    w1 = api.login("w1")
    wv = api.login("wv", "dev-b")  # the village worker sees G1 as well
    hid, rid = new_id(), new_id()
    api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("resident", rid, changes=resident(hid, phone="1"), seq=2),
        ],
    )
    old_cursors = {v: api.pull_all(_as(w1, v))[1] for v in ("0.4.0", "0.5.0")}
    # A same-field race on the resident (a conflict) and the household moved away (evictions).
    api.push(
        w1, [op("resident", rid, "update", {"phone": "A"}, base_version=1, old={"phone": "1"})]
    )
    api.push(
        wv,
        [op("resident", rid, "update", {"phone": "B"}, base_version=1, old={"phone": "1"})],
        device="dev-b",
    )
    t1 = api.login("t1")
    api.push(
        t1,
        [
            op(
                "household",
                hid,
                "update",
                {"grid_id": world.areas["G2"]},
                base_version=1,
                old={"grid_id": world.areas["G1"]},
            )
        ],
    )
    older, _ = api.pull_all(_as(w1, "0.4.0"), old_cursors["0.4.0"])
    newer, _ = api.pull_all(_as(w1, "0.5.0"), old_cursors["0.5.0"])
    assert _kinds(newer, "evictions") == {"household", "resident"}
    assert _kinds(newer, "conflicts") == {"resident"}
    assert _kinds(older, "evictions") == {"household"}
    assert _kinds(older, "conflicts") == set()
    # The records themselves go to both (the older one holds them aside).
    assert _kinds(older, "changes") == _kinds(newer, "changes")
