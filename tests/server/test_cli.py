"""The admin command line, run in-process with ``main(argv)`` on a SQLite file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gridserver.__main__ import main
from gridserver.app import create_app
from gridserver.config import Settings
from gridserver.db import Database
from tests.server.conftest import FAST_ARGON2, SYNC_HEADERS, household, new_id, op

CATALOG = {
    "version": "2026.1",
    "categories": [
        {
            "code": "D001",
            "name": "邻里纠纷",
            "group": "dispute",
            "ledger": "appeal",
            "time_limits": {"normal": 7, "urgent": 3},
        }
    ],
}


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--database", url, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_admin_workflow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'server.sqlite3'}"

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        return _run(monkeypatch, capsys, url, *argv, stdin=stdin)

    code, _, err = run("disable-user", "w1")  # no schema yet
    assert code == 1 and "gridserver init" in err and "Traceback" not in err
    assert run("init")[0] == 0
    assert run("init")[0] == 0  # idempotent
    assert (tmp_path / "data" / "server.sqlite3").exists()
    assert run("add-area", "320101001000", "东街道", "--level", "township")[0] == 0
    assert (
        run(
            "add-area", "320101001001", "幸福社区", "--level", "village", "--parent", "320101001000"
        )[0]
        == 0
    )
    assert (
        run("add-area", "320101001001001", "一网格", "--level", "grid", "--parent", "320101001001")[
            0
        ]
        == 0
    )
    code, _, err = run("add-area", "1", "x", "--level", "grid", "--parent", "999")
    assert code == 2 and "不存在" in err
    code, out, _ = run(
        "add-user", "w1", "--role", "worker", "--scope", "320101001001001", stdin="secret-pass\n"
    )
    assert code == 0 and "w1" in out
    code, _, err = run(
        "add-user", "w1", "--role", "worker", "--scope", "320101001001001", stdin="secret-pass\n"
    )
    assert code == 2 and "已存在" in err
    code, _, err = run("add-user", "w2", "--role", "worker", stdin="secret-pass\n")
    assert code == 2 and "--scope" in err
    code, _, err = run(
        "add-user", "w3", "--role", "worker", "--scope", "320101001001001", stdin="short\n"
    )
    assert code == 2 and "8" in err
    catalog_file = tmp_path / "catalog.json"
    catalog_file.write_text(json.dumps(CATALOG, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run("load-catalog", str(catalog_file))
    assert code == 0 and "1 项" in out
    catalog_file.write_text("{}", encoding="utf-8")
    assert run("load-catalog", str(catalog_file))[0] == 2

    db = Database(url)
    settings = Settings(database_url=url, argon2=FAST_ARGON2)
    with TestClient(create_app(settings, db)) as client:
        login = client.post(
            "/api/v1/auth/login",
            json={"username": "w1", "password": "secret-pass", "device_id": "pc-7"},
        ).json()
        headers = {"Authorization": f"Bearer {login['access_token']}", **SYNC_HEADERS}
        assert client.get("/api/v1/catalog", headers=headers).json()["version"] == "2026.1"
        grid = login["scope"]["grids"][0]["id"]
        hid = new_id()
        ops = [
            op("household", hid, changes=household(grid, phone="1")),
            op(
                "household",
                hid,
                "update",
                {"phone": "A"},
                base_version=1,
                old={"phone": "1"},
                seq=2,
            ),
            op(
                "household",
                hid,
                "update",
                {"phone": "B"},
                base_version=1,
                old={"phone": "1"},
                seq=3,
            ),
        ]
        results = client.post(
            "/api/v1/sync/push", json={"device_id": "pc-7", "ops": ops}, headers=headers
        ).json()
        conflict_id = results["results"][2]["conflict_id"]
        assert conflict_id

        code, out, _ = run("conflicts")
        assert conflict_id in out and '"A"' in out and '"B"' in out
        assert "w1@pc-7" in out  # who wrote the losing value, from the same push
        assert run("conflicts", "--resolve", conflict_id)[0] == 2  # --keep is required
        assert run("conflicts", "--resolve", conflict_id, "--keep", "server")[0] == 0
        assert conflict_id not in run("conflicts")[1]
        assert run("conflicts", "--resolve", conflict_id, "--keep", "server")[0] == 2

        code, out, _ = run("audit", "--user", "w1")
        lines = out.strip().splitlines()
        assert len(lines) == 3 and all("w1 pc-7" in line for line in lines)
        assert "[phone]" in lines[1] and lines[2].endswith("conflict")
        assert run("audit", "--since", "2999-01-01")[1] == ""
        assert run("audit", "--since", "yesterday")[0] == 2

        assert run("disable-user", "w1")[0] == 0
        assert client.get("/api/v1/sync/pull", headers=headers).status_code == 403
        assert run("disable-user", "nobody")[0] == 2
    db.dispose()


def test_check_values_lists_stored_poison(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Values stored before the field checks existed (here written straight into the
    database) are listed with their record and field, and the exit status says so."""
    from sqlalchemy import update

    from gridserver.db import records

    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    assert _run(monkeypatch, capsys, url, "init")[0] == 0
    assert (
        _run(monkeypatch, capsys, url, "add-area", "320101", "示例区", "--level", "county")[0] == 0
    )
    code, out, _err = _run(monkeypatch, capsys, url, "check-values")
    assert code == 0 and "未发现" in out
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(
            update(records).values(
                fields={
                    "code": "320101",
                    "name": "示例\x00区",
                    "level": "county",
                    "parent_id": None,
                    "members": 2**64,
                }
            )
        )
    db.dispose()
    code, out, err = _run(monkeypatch, capsys, url, "check-values")
    assert code == 1, (out, err)
    assert "area" in out and " name: " in out and "U+0000" in out
    assert " members: " in out and "64 位" in out
    assert "共 2 处" in err


def test_add_area_refuses_control_characters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    assert _run(monkeypatch, capsys, url, "init")[0] == 0
    code, _out, err = _run(
        monkeypatch, capsys, url, "add-area", "3201\x00", "区", "--level", "county"
    )
    assert code == 2 and "区划代码" in err


def test_set_password_devices_and_device_lost(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert _run(monkeypatch, capsys, url, "init")[0] == 0
    assert (
        _run(monkeypatch, capsys, url, "add-area", "320101000000", "示例区", "--level", "county")[0]
        == 0
    )
    _run(monkeypatch, capsys, url, "add-user", "root", "--role", "admin", stdin="first pass 1\n")
    code, out, _ = _run(monkeypatch, capsys, url, "set-password", "root", stdin="second pass 2\n")
    assert code == 0 and "下次登录时须设置" in out
    code, _, err = _run(monkeypatch, capsys, url, "set-password", "root", stdin="short\n")
    assert code == 2 and "至少" in err
    code, _, err = _run(monkeypatch, capsys, url, "set-password", "ghost", stdin="long enough 1\n")
    assert code == 2 and "不存在" in err

    settings = Settings(database_url=url, argon2=FAST_ARGON2)
    db = Database(url)
    try:
        with TestClient(create_app(settings, db)) as client:
            body = {"username": "root", "password": "second pass 2", "device_id": "pc-1"}
            assert client.post("/api/v1/auth/login", json=body).json()["code"] == (
                "password_change_required"
            )
            changed = client.post(
                "/api/v1/auth/change-password", json={**body, "new_password": "third pass 3"}
            )
            assert changed.status_code == 200
            code, out, _ = _run(monkeypatch, capsys, url, "devices", "root")
            assert code == 0 and "pc-1" in out and "正常" in out
            code, out, _ = _run(monkeypatch, capsys, url, "device-lost", "root", "pc-1")
            assert code == 0 and "丢失" in out
            again = client.post("/api/v1/auth/login", json={**body, "password": "third pass 3"})
            assert again.json()["code"] == "device_lost"
            code, _, err = _run(monkeypatch, capsys, url, "device-lost", "root", "pc-9")
            assert code == 2 and "没有编号为 pc-9 的设备" in err
            code, out, _ = _run(monkeypatch, capsys, url, "devices")
            assert "已登记丢失" in out
    finally:
        db.dispose()


def test_serve_refuses_a_bad_trusted_proxy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    code, _, err = _run(monkeypatch, capsys, url, "serve", "--trusted-proxy", "10.0.0.300")
    assert code == 2 and "受信任的反向代理地址无效" in err


def test_python_m_gridserver_reaches_every_helper(tmp_path: Path) -> None:
    """``python -m gridserver`` runs ``main()`` when the module's ``if __name__`` block is
    reached: a helper defined below that block was a NameError there (``departments``)
    while the ``gridserver`` console script, which imports the whole module first, worked."""
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "gridserver", "--database", url, *argv]
        return subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120
        )

    assert run("init").returncode == 0
    assert run("add-department", "XFJ", "区消防救援大队").returncode == 0
    listed = run("departments")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("XFJ\t区消防救援大队\t所有乡镇/街道\t启用")
    source = Path(sys.modules["gridserver.__main__"].__file__ or "").read_text(encoding="utf-8")
    tail = source.rstrip().splitlines()[-2:]
    assert tail == ['if __name__ == "__main__":', "    raise SystemExit(main())"]
