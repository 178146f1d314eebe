"""Global options before the sub-command are honoured (issue 14); a user error is a
message and an exit status, never a traceback; times are printed in Beijing time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gridclient import headless
from gridclient.__main__ import main
from tests.integration.sync.conftest import PASSWORD, World


def _run(*args: str, password: bool = True) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GRIDCLIENT_PASSWORD"}
    if password:
        env["GRIDCLIENT_PASSWORD"] = PASSWORD
    proc = subprocess.run(
        [sys.executable, "-m", "gridclient", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_options_before_the_sub_command_and_local_times(world: World, tmp_path: Path) -> None:
    data = str(tmp_path / "cli")
    code, out, err = _run("--server", world.url, "--data-dir", data, "sync", "--user", "w1")
    assert code == 0 and out.startswith("同步成功"), err
    code, out, err = _run("--data-dir", data, "--server", world.url, "status", "--user", "w1")
    assert code == 0, err
    assert "上次成功同步：" in out and "（北京时间）" in out


def test_status_without_a_terminal_or_password_says_what_to_do(
    world: World, tmp_path: Path
) -> None:
    data = str(tmp_path / "cli")
    assert _run("--data-dir", data, "sync", "--server", world.url, "--user", "w1")[0] == 0
    code, out, err = _run(
        "--data-dir", data, "status", "--server", world.url, "--user", "w1", password=False
    )
    assert code == 2
    assert "GRIDCLIENT_PASSWORD" in err and "Traceback" not in err and out == ""


def test_sync_without_any_server_is_a_message(tmp_path: Path) -> None:
    code, _out, err = _run("--data-dir", str(tmp_path), "sync", "--user", "w1")
    assert code == 2 and "--server" in err and "Traceback" not in err


def test_proxy_and_ca_bundle_before_sync_reach_the_transport(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    seen: dict[str, object] = {}

    def fake_log_in(data_dir: Path, server: str, *args: object, **kwargs: object) -> None:
        seen["server"] = server
        seen["factory"] = kwargs["transport_factory"]
        raise SystemExit(0)

    monkeypatch.setattr(headless, "log_in", fake_log_in)
    monkeypatch.setenv("GRIDCLIENT_PASSWORD", "x")
    argv = ["--proxy", "http://proxy.example:3128", "--ca-bundle", str(ca)]
    argv += ["--data-dir", str(tmp_path / "d"), "sync", "--server", "https://grid.example.cn"]
    with pytest.raises(SystemExit):
        main([*argv, "--user", "w1"])
    assert seen["server"] == "https://grid.example.cn"
    factory = seen["factory"]
    assert factory.keywords == {"ca_bundle": str(ca), "proxy": "http://proxy.example:3128"}  # type: ignore[attr-defined]


def test_an_unexpected_error_is_summarised_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(headless, "log_in", broken)
    monkeypatch.setenv("GRIDCLIENT_PASSWORD", "x")
    code = main(
        ["--data-dir", str(tmp_path), "sync", "--server", "https://g.example.cn", "--user", "w1"]
    )
    assert code == 70
    err = capsys.readouterr().err
    assert "内部错误：RuntimeError: boom" in err and "Traceback" not in err
    assert "Traceback" in (tmp_path / "logs" / "gridclient.log").read_text(encoding="utf-8")


def test_self_test_takes_server_after_the_sub_command() -> None:
    from gridclient.__main__ import build_parser, it_overrides

    args = build_parser().parse_args(["self-test", "--server", "https://grid.example.cn"])
    assert it_overrides(args)["server_url"] == "https://grid.example.cn"
    args = build_parser().parse_args(["--server", "https://a.example.cn", "diagnostics"])
    assert it_overrides(args)["server_url"] == "https://a.example.cn"
