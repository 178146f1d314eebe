"""``gridclient self-test`` from source: every check passes here, a broken part is a
✗ line and exit 1, a keyring that cannot keep tokens is a warning (exit 2 only with
``--strict``), and nothing is left in the data directory."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from gridclient import selftest
from gridclient.__main__ import main
from gridclient.config import ITSettings, Paths
from gridclient.selftest import Outcome, run_checks, run_self_test


def outcomes(paths: Paths, settings: ITSettings) -> dict[str, Outcome]:
    return {check.en: check.outcome for check in run_checks(paths, settings)}


def test_every_check_passes_from_source(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path)
    result = outcomes(paths, ITSettings())
    for name in (
        "version",
        "data directory writable",
        "encrypted store",
        "migrations",
        "Qt platform plugin",
        "report to PDF",
        "translations",
    ):
        assert result[name] is Outcome.OK, (name, result)
    assert result["server reachable"] is Outcome.SKIP
    assert result["keyring backend"] in (Outcome.OK, Outcome.WARN)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".selftest")] == []


def test_the_command_prints_one_line_per_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["self-test", "--data-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10
    assert all(line[0] in "✓!✗-" for line in lines[:-1])
    assert lines[-1] == "自检通过 / self-test passed"


def test_a_missing_translation_catalogue_fails_the_self_test(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gridclient.resources_path as resources

    monkeypatch.setattr(resources, "_SOURCE_ROOT", tmp_path / "nowhere")
    out = io.StringIO()
    assert run_self_test(Paths.resolve(tmp_path / "data"), ITSettings(), out) == 1
    (line,) = [ln for ln in out.getvalue().splitlines() if "界面翻译" in ln]
    assert line.startswith("✗") and "gridclient_zh_CN.qm" in line


def test_missing_migrations_fail_the_store_and_migration_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gridclient.storage import migrate

    empty = tmp_path / "migrations"
    empty.mkdir()
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", empty)
    result = outcomes(Paths.resolve(tmp_path / "data"), ITSettings())
    assert result["encrypted store"] is Outcome.FAIL
    assert result["migrations"] is Outcome.FAIL
    assert result["report to PDF"] is Outcome.SKIP


def test_an_unusable_keyring_is_a_warning_and_strict_makes_it_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    paths = Paths.resolve(tmp_path)
    out = io.StringIO()
    assert run_self_test(paths, ITSettings(), out) == 0
    (line,) = [ln for ln in out.getvalue().splitlines() if "系统密钥环" in ln]
    assert line.startswith("!") and "fail.Keyring" in line
    assert run_self_test(paths, ITSettings(), io.StringIO(), strict=True) == 2


class _Health(BaseHTTPRequestHandler):
    body = b'{"status": "ok"}'

    def do_GET(self) -> None:
        ok = self.path == "/api/v1/health"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body if ok else b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_configured_server_is_reached(tmp_path: Path, health_server: str) -> None:
    paths = Paths.resolve(tmp_path)
    assert "/api/v1/health ok" in selftest.check_server(ITSettings(server_url=health_server))
    result = outcomes(paths, ITSettings(server_url=health_server))
    assert result["server reachable"] is Outcome.OK
    dead = outcomes(paths, ITSettings(server_url="http://127.0.0.1:9"))
    assert dead["server reachable"] is Outcome.FAIL
