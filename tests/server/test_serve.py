"""``gridserver serve`` as a real process on loopback."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gridserver.__main__ import main
from tests.server.conftest import SYNC_HEADERS

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_answers_over_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    assert main(["--database", url, "init"]) == 0
    assert (
        main(["--database", url, "add-area", "320101001000", "东街道", "--level", "township"]) == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("serve-password\n"))
    assert (
        main(["--database", url, "add-user", "t", "--role", "township", "--scope", "320101001000"])
        == 0
    )
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "gridserver", "--database", url, "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        login = httpx.post(
            f"{base}/auth/login",
            json={"username": "t", "password": "serve-password", "device_id": "pc"},
        )
        assert login.status_code == 200
        headers = {"Authorization": f"Bearer {login.json()['access_token']}", **SYNC_HEADERS}
        page = httpx.get(f"{base}/sync/pull", headers=headers).json()
        assert [c["fields"]["code"] for c in page["changes"]] == ["320101001000"]
        bad = httpx.post(f"{base}/sync/push", content=b"{", headers=headers)
        assert bad.status_code == 400 and bad.json()["code"] == "malformed_json"
    finally:
        process.terminate()
        process.wait(10)
