"""``gridserver serve`` as a real process on loopback."""

from __future__ import annotations

import contextlib
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


def test_every_worker_process_logs_requests(tmp_path: Path) -> None:
    """``serve --workers 2`` (the systemd unit's and the container's default): each worker
    is a spawned process, and its request log still reaches stderr (journald keeps it)."""
    url = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
    assert main(["--database", url, "init"]) == 0
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "gridserver", "--database", url, "serve"]
    command += ["--port", str(port), "--workers", "2"]
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=stderr)
        try:
            deadline = time.monotonic() + 60
            agent = {"User-Agent": "GridClient/9.9.9"}
            while "GET /api/v1/health 200" not in log.read_text(encoding="utf-8"):
                assert process.poll() is None and time.monotonic() < deadline, log.read_text(
                    encoding="utf-8"
                )
                with contextlib.suppress(httpx.HTTPError):
                    httpx.get(f"http://127.0.0.1:{port}/api/v1/health", headers=agent, timeout=1)
                time.sleep(0.2)
        finally:
            process.terminate()
            process.wait(20)
    line = next(x for x in log.read_text(encoding="utf-8").splitlines() if "/health 200" in x)
    assert " INFO gridserver.access GET /api/v1/health 200 " in line
    assert line.endswith("user=- device=- agent=GridClient/9.9.9")
