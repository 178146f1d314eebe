"""A laptop whose clock is off by more than 10 minutes is flagged on the server until it
reports a good clock again (issue 11, item 2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gridcore.protocol import CLIENT_TIME_HEADER
from gridserver import clocks
from gridserver.db import Database
from tests.server.conftest import Api, cli_url


def _pull_at(api: Api, headers: dict[str, str], when: datetime | str) -> None:
    text = when if isinstance(when, str) else when.isoformat()
    response = api.client.get("/api/v1/sync/pull", headers={**headers, CLIENT_TIME_HEADER: text})
    assert response.status_code == 200, response.text


def test_a_skewed_clock_is_listed_until_it_is_fixed(api: Api, db: Database) -> None:
    headers = api.login("w1", "laptop-7")
    _pull_at(api, headers, datetime.now(UTC) + timedelta(minutes=3))
    assert clocks.skewed_devices(db) == []
    _pull_at(api, headers, datetime.now(UTC) - timedelta(hours=5))
    [device] = clocks.skewed_devices(db)
    assert (device.username, device.device_id) == ("w1", "laptop-7")
    assert timedelta(hours=-5, minutes=-1) < device.offset < timedelta(hours=-5, minutes=1)
    _pull_at(api, headers, datetime.now(UTC))
    assert clocks.skewed_devices(db) == []


def test_an_unreadable_client_time_is_ignored(api: Api, db: Database) -> None:
    headers = api.login("w1", "laptop-7")
    for bad in ("yesterday", "2026-13-45T00:00:00+00:00", "2026-01-01T00:00:00", "x" * 500):
        _pull_at(api, headers, bad)
    assert clocks.skewed_devices(db) == []


def test_the_clock_skew_command_lists_the_device_until_it_is_fixed(
    api: Api, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from gridserver.__main__ import main

    headers = api.login("w1", "laptop-7")
    assert main(["--database", cli_url(db), "clock-skew"]) == 0
    assert "没有时钟偏差超过 10 分钟的设备" in capsys.readouterr().out
    _pull_at(api, headers, datetime.now(UTC) - timedelta(hours=2))
    assert main(["--database", cli_url(db), "clock-skew"]) == 0
    out = capsys.readouterr().out
    assert "w1 laptop-7 时钟慢 120 分钟" in out, out
    _pull_at(api, headers, datetime.now(UTC))
    assert main(["--database", cli_url(db), "clock-skew"]) == 0
    assert "没有时钟偏差超过 10 分钟的设备" in capsys.readouterr().out
