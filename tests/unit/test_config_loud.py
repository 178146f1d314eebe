"""Settings that fail loudly (issue 14): every encoding Windows tools write, section-name
case, and for a file that leaves no usable server_url a refusal naming the file, the
line and the fix, in the log too; the demo only when asked or with no settings file.
Policy: keys the machine-wide file locks win over every other source."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from gridclient import app, config
from gridclient.__main__ import main
from gridclient.config import (
    COMMAND_LINE,
    ITSettings,
    Paths,
    decode_settings,
    effective_settings,
    load_it_settings,
)
from gridclient.logsetup import LOG_NAME
from tests.unit.test_config_precedence import levels, write_ini

__all__ = ["levels"]

BODY = (
    "; 网格通设置（信息办）\n"
    "[gridclient]\n"
    "# 服务器地址\n"
    "server_url = https://grid.example.gov.cn\n"
    "auto_lock_minutes = 15\n"
)


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gbk", "gb18030"]
)
def test_every_encoding_windows_tools_write_is_read(tmp_path: Path, encoding: str) -> None:
    ini = tmp_path / "gridclient.ini"
    data = BODY.replace("\n", "\r\n").encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # PowerShell `>`: a BOM, then the text
        data = ("\ufeff" + BODY).encode(encoding)
    ini.write_bytes(data)
    settings = load_it_settings([ini])
    assert settings.problems == ()
    assert settings.server_url == "https://grid.example.gov.cn"
    assert settings.auto_lock_minutes == 15


def test_decode_names_the_encoding() -> None:
    assert decode_settings(BODY.encode("gbk"))[1] == "GBK"
    assert decode_settings(BODY.encode("utf-16"))[1] == "UTF-16"
    assert decode_settings(BODY.encode("utf-8-sig"))[1] == "UTF-8 (BOM)"


@pytest.mark.parametrize("header", ["[GridClient]", "[GRIDCLIENT]", "[ gridclient ]"])
def test_the_section_name_is_not_case_sensitive(tmp_path: Path, header: str) -> None:
    ini = tmp_path / "gridclient.ini"
    ini.write_text(BODY.replace("[gridclient]", header), encoding="utf-8")
    assert load_it_settings([ini]).server_url == "https://grid.example.gov.cn"


def test_an_inline_comment_and_a_colon_are_understood(tmp_path: Path) -> None:
    ini = tmp_path / "gridclient.ini"
    ini.write_text(
        "[gridclient]\nserver_url: https://grid.example.gov.cn ; 正式服务器\n", encoding="utf-8"
    )
    settings = load_it_settings([ini])
    assert settings.server_url == "https://grid.example.gov.cn"
    assert settings.problems == ()


def _refusal(tmp_path: Path, text: str) -> tuple[ITSettings, str]:
    ini = tmp_path / "gridclient.ini"
    ini.write_text(text, encoding="utf-8")
    settings = load_it_settings([ini])
    refusal = settings.refusal()
    assert refusal is not None
    assert str(ini) in refusal
    assert not settings.demo_by_default
    return settings, refusal


def test_a_server_url_without_a_scheme_refuses_with_the_fix(tmp_path: Path) -> None:
    _settings, text = _refusal(tmp_path, "[gridclient]\n\nserver_url = grid.example.gov.cn\n")
    assert "第 3 行" in text
    assert "server_url = https://grid.example.gov.cn" in text  # the fix, ready to copy


def test_a_duplicate_server_url_with_two_values_refuses_naming_both_lines(
    tmp_path: Path,
) -> None:
    _settings, text = _refusal(
        tmp_path,
        "[gridclient]\nserver_url = https://a.example.cn\nproxy =\n"
        "server_url = https://b.example.cn\n",
    )
    assert "重复" in text and "2、4" in text and "只保留一行" in text


def test_a_duplicate_with_the_same_value_is_used_and_reported(tmp_path: Path) -> None:
    ini = write_ini(tmp_path / "gridclient.ini", server_url="https://a.example.cn")
    ini.write_text(ini.read_text() + "server_url = https://a.example.cn\n", encoding="utf-8")
    settings = load_it_settings([ini])
    assert settings.server_url == "https://a.example.cn"
    assert settings.refusal() is None
    assert "重复" in settings.problems[0].text()


def test_a_syntax_error_names_its_line(tmp_path: Path) -> None:
    _settings, text = _refusal(tmp_path, "[gridclient]\nserver_url https://grid.example.cn\n")
    assert "第 2 行" in text and "无法识别的行" in text


def test_a_misspelled_section_refuses(tmp_path: Path) -> None:
    _settings, text = _refusal(tmp_path, "[gridclinet]\nserver_url = https://grid.example.cn\n")
    assert "[gridclinet]" in text and "[gridclient]" in text


def test_an_unreadable_encoding_refuses(tmp_path: Path) -> None:
    ini = tmp_path / "gridclient.ini"
    ini.write_bytes(b"[gridclient]\nserver_url = \xff\xff\xff\n")
    text = load_it_settings([ini]).refusal() or ""
    assert "编码" in text and "UTF-8" in text


def test_a_file_without_a_server_refuses_but_the_command_line_server_is_enough(
    levels: dict[str, Path], tmp_path: Path
) -> None:
    write_ini(levels["beside"], proxy="http://proxy.example:3128")
    paths = Paths.resolve(tmp_path / "data")
    settings = effective_settings(paths)
    assert settings.refusal() is not None and "server_url" in (settings.refusal() or "")
    given = effective_settings(paths, {"server_url": "https://cli.example.cn"})
    assert given.refusal() is None and not given.demo_by_default


def test_no_settings_file_at_all_is_the_demo(levels: dict[str, Path], tmp_path: Path) -> None:
    settings = effective_settings(Paths.resolve(tmp_path / "data"))
    assert settings.files == () and settings.demo_by_default and settings.refusal() is None


# ----------------------------------------------------------------- start-up refusal


def test_the_app_refuses_to_start_names_the_line_and_logs_it(
    levels: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    write_ini(levels["user"], server_url="grid.example.gov.cn")
    shown: list[str] = []
    monkeypatch.setattr(app, "show_settings_error", shown.append)
    assert main(["--data-dir", str(data)]) == app.SETTINGS_ERROR
    assert len(shown) == 1 and f"{levels['user']} 第 2 行" in shown[0]
    assert "https://grid.example.gov.cn" in shown[0]
    assert f"{levels['user']} 第 2 行" in capsys.readouterr().err
    log = (data / "logs" / LOG_NAME).read_text(encoding="utf-8")
    assert "not starting" in log and f"{levels['user']} 第 2 行" in log
    assert "IT settings files found" in log


def test_smoke_test_refuses_without_a_dialog(
    levels: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_ini(levels["machine"], server_url="grid.example.gov.cn")
    monkeypatch.setattr(app, "show_settings_error", pytest.fail)
    assert main(["--smoke-test", "--data-dir", str(tmp_path / "d")]) == app.SETTINGS_ERROR


# --------------------------------------------------------------------------- policy


def test_policy_in_the_machine_file_wins_over_every_other_source(
    levels: dict[str, Path], tmp_path: Path
) -> None:
    levels["machine"].parent.mkdir(parents=True)
    levels["machine"].write_text(
        "[gridclient]\nserver_url = https://machine.example.cn\n[policy]\nauto_lock_minutes = 10\n",
        encoding="utf-8",
    )
    write_ini(levels["beside"], auto_lock_minutes=60, server_url="https://it.example.cn")
    write_ini(levels["user"], auto_lock_minutes=1440, log_level="DEBUG")
    paths = Paths.resolve(tmp_path / "data")
    settings = effective_settings(paths, {"auto_lock_minutes": 720})
    assert settings.auto_lock_minutes == 10
    assert settings.server_url == "https://it.example.cn"  # not locked: normal precedence
    assert settings.log_level == "DEBUG"
    assert settings.locked == frozenset({"auto_lock_minutes"})
    text = "\n".join(p.text() for p in settings.problems)
    assert str(levels["user"]) in text and "锁定" in text
    assert COMMAND_LINE in text


def test_a_locked_list_locks_the_machine_files_own_values(
    levels: dict[str, Path], tmp_path: Path
) -> None:
    levels["machine"].parent.mkdir(parents=True)
    levels["machine"].write_text(
        "[gridclient]\nserver_url = https://machine.example.cn\nproxy = http://p.example:80\n"
        "locked = server_url, proxy\n",
        encoding="utf-8",
    )
    write_ini(levels["user"], server_url="https://elsewhere.example.cn", proxy="")
    settings = effective_settings(
        Paths.resolve(tmp_path / "data"), {"server_url": "https://cli.example.cn"}
    )
    assert settings.server_url == "https://machine.example.cn"
    assert settings.proxy == "http://p.example:80"
    assert settings.locked == frozenset({"server_url", "proxy"})


def test_only_the_machine_file_can_lock(levels: dict[str, Path], tmp_path: Path) -> None:
    write_ini(levels["machine"], auto_lock_minutes=10)
    levels["user"].parent.mkdir(parents=True)
    levels["user"].write_text(
        "[gridclient]\nauto_lock_minutes = 600\nlocked = auto_lock_minutes\n"
        "[policy]\nlog_level = ERROR\n",
        encoding="utf-8",
    )
    settings = effective_settings(
        Paths.resolve(tmp_path / "data"), {"auto_lock_minutes": 5, "server_url": None}
    )
    assert settings.locked == frozenset()
    assert settings.auto_lock_minutes == 5
    assert settings.log_level == "INFO"
    text = "\n".join(p.text() for p in settings.problems)
    assert "只在本机所有用户的设置文件中有效" in text


def test_policy_problems_reach_the_log(
    levels: dict[str, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    levels["machine"].parent.mkdir(parents=True)
    levels["machine"].write_text("[policy]\nauto_lock_minutes = 0\n", encoding="utf-8")
    settings = effective_settings(Paths.resolve(tmp_path / "data"))
    with caplog.at_level(logging.INFO, logger="gridclient.config"):
        config.log_settings(settings)
    assert "auto_lock_minutes" in caplog.text and "第 2 行" in caplog.text


def test_the_example_files_policy_snippet_locks_what_it_says(
    levels: dict[str, Path], tmp_path: Path
) -> None:
    example = Path(__file__).resolve().parents[2] / "docs" / "gridclient.ini.example"
    text = example.read_text(encoding="utf-8").replace("ca_bundle =", "; ca_bundle =")
    text = text.replace("; [policy]\n; auto_lock_minutes = 10", "[policy]\nauto_lock_minutes = 10")
    assert "\n[policy]\nauto_lock_minutes = 10" in text
    levels["machine"].parent.mkdir(parents=True)
    levels["machine"].write_text(text, encoding="utf-8")
    write_ini(levels["user"], auto_lock_minutes=1440)
    settings = effective_settings(Paths.resolve(tmp_path / "data"))
    assert settings.locked == frozenset({"auto_lock_minutes"})
    assert settings.auto_lock_minutes == 10


@pytest.mark.parametrize("command", ["sync", "status", "rescue"])
def test_a_command_that_needs_the_server_exits_78_like_the_window(
    levels: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    """A settings file with no usable server_url: the same exit status as the refused
    window (docs/it-guide.md, 退出码 78), the file's line printed; without any settings file
    a missing server stays a usage error (2)."""
    data = tmp_path / "data"
    monkeypatch.setenv("GRIDCLIENT_PASSWORD", "irrelevant")
    monkeypatch.setenv("GRIDCLIENT_RESCUE_PASSWORD", "irrelevant-too")
    argv = [command, "--user", "wangwu", "--data-dir", str(data)]
    if command == "rescue":
        argv += ["--out", str(tmp_path / "x.rescue")]
    assert main(argv) == 2  # no settings file at all
    assert "--server" in capsys.readouterr().err
    write_ini(levels["user"], server_url="grid.example.gov.cn")
    assert main(argv) == app.SETTINGS_ERROR == 78
    err = capsys.readouterr().err
    assert f"{levels['user']} 第 2 行" in err and "https://grid.example.gov.cn" in err
    assert str(levels["user"]) in err.splitlines()[-1] and "Traceback" not in err
