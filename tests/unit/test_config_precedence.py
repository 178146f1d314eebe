"""IT settings: command line > user INI > INI beside the executable > machine-wide INI >
defaults; a bad value is reported (file, line, fix) and the lower level's value (or the
default) kept. Encodings, syntax, refusal and policy: test_config_loud.py."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pytest

from gridclient import config
from gridclient.__main__ import build_parser, it_overrides
from gridclient.config import (
    COMMAND_LINE,
    BadSetting,
    ITSettings,
    Paths,
    apply_overrides,
    effective_settings,
    it_settings_files,
    load_it_settings,
    log_settings,
    parse_setting,
    public_settings,
)


def write_ini(path: Path, **values: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[gridclient]", *(f"{k} = {v}" for k, v in values.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def levels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The three INI locations, redirected into ``tmp_path``."""
    machine = tmp_path / "machine" / config.INI_NAME
    beside = tmp_path / "install" / config.INI_NAME
    monkeypatch.setattr(config.platformdirs, "site_config_dir", lambda *a, **k: machine.parent)
    monkeypatch.setattr(config.sys, "frozen", True, raising=False)
    monkeypatch.setattr(config.sys, "executable", str(beside.parent / "gridclient"))
    return {"machine": machine, "beside": beside, "user": tmp_path / "data" / config.INI_NAME}


def test_the_candidate_files_go_from_machine_to_beside_the_exe_to_the_user(
    levels: dict[str, Path], tmp_path: Path
) -> None:
    paths = Paths.resolve(tmp_path / "data")
    assert it_settings_files(paths) == [levels["machine"], levels["beside"], levels["user"]]


def test_each_level_overrides_the_one_below(levels: dict[str, Path], tmp_path: Path) -> None:
    write_ini(
        levels["machine"],
        server_url="https://machine.example",
        proxy="http://proxy.machine:3128",
        auto_lock_minutes=30,
        log_level="ERROR",
    )
    write_ini(levels["beside"], server_url="https://it.example", auto_lock_minutes=20)
    write_ini(levels["user"], auto_lock_minutes=5)
    paths = Paths.resolve(tmp_path / "data")

    settings = effective_settings(paths)
    assert settings.server_url == "https://it.example"  # beside the exe beats machine-wide
    assert settings.proxy == "http://proxy.machine:3128"  # only the machine file sets it
    assert settings.auto_lock_minutes == 5  # the user's file beats both
    assert settings.log_level == "ERROR"
    assert settings.language == "zh_CN"  # nobody sets it: the default
    assert settings.sources == tuple(str(levels[k]) for k in ("machine", "beside", "user"))

    cli = effective_settings(paths, {"server_url": "https://cli.example", "log_level": None})
    assert cli.server_url == "https://cli.example"  # command line beats everything
    assert cli.log_level == "ERROR"  # None = not given on the command line
    assert cli.auto_lock_minutes == 5
    assert cli.sources[-1] == COMMAND_LINE


def test_no_files_gives_the_defaults(levels: dict[str, Path], tmp_path: Path) -> None:
    settings = effective_settings(Paths.resolve(tmp_path / "data"))
    assert settings == ITSettings()
    assert settings.sources == ()
    assert settings.demo_by_default


@pytest.mark.parametrize(
    ("key", "raw", "why"),
    [
        ("server_url", "grid.example.cn", "https://"),
        ("server_url", "ftp://grid.example.cn", "https://"),
        ("server_url", "https://grid.example.cn:port", "端口"),
        ("proxy", "socks5://proxy:1080", "http://"),
        ("proxy", "http://:8080", "主机名"),
        ("ca_bundle", "/no/such/ca.pem", "找不到"),
        ("auto_lock_minutes", "ten", "不是整数"),
        ("auto_lock_minutes", "0", "1 到 1440"),
        ("auto_lock_minutes", "100000", "1 到 1440"),
        ("language", "fr", "zh_CN"),
        ("log_level", "LOUD", "日志级别"),
    ],
)
def test_a_bad_value_keeps_the_lower_levels_value_and_says_why(
    levels: dict[str, Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    key: str,
    raw: str,
    why: str,
) -> None:
    good = {
        "server_url": "https://it.example",
        "proxy": "http://proxy.it:3128",
        "ca_bundle": str(write_ini(tmp_path / "ca.pem")),
        "auto_lock_minutes": "15",
        "language": "en",
        "log_level": "DEBUG",
    }
    write_ini(levels["beside"], **good)
    write_ini(levels["user"], **{key: raw})
    settings = effective_settings(Paths.resolve(tmp_path / "data"))
    expected = parse_setting(key, good[key])
    assert getattr(settings, key) == expected
    message = "\n".join(p.text() for p in settings.problems)
    assert key in message and f"{levels['user']} 第 2 行" in message and why in message
    with caplog.at_level(logging.WARNING, logger="gridclient.config"):
        log_settings(settings)
    assert message in caplog.text


def test_a_bad_value_with_nothing_below_keeps_the_default(
    levels: dict[str, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_ini(levels["user"], auto_lock_minutes="-3", log_level="debug")
    settings = effective_settings(Paths.resolve(tmp_path / "data"))
    assert settings.auto_lock_minutes == ITSettings().auto_lock_minutes
    assert settings.log_level == "DEBUG"  # case is normalised, not an error
    assert [p.line for p in settings.problems] == [2]
    assert "auto_lock_minutes" in settings.problems[0].text()


def test_broken_files_and_unknown_keys_are_logged_not_fatal(
    levels: dict[str, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    levels["machine"].parent.mkdir(parents=True)
    levels["machine"].write_text("this is [not an ini\n= at all", encoding="utf-8")
    levels["beside"].parent.mkdir(parents=True)
    levels["beside"].write_bytes(b"[gridclient]\nserver_url = \xff\xfe\n")
    write_ini(levels["user"], colour="blue", server_url="https://user.example")
    settings = load_it_settings(it_settings_files(Paths.resolve(tmp_path / "data")))
    assert settings.server_url == "https://user.example"
    text = "\n".join(p.text() for p in settings.problems)
    assert "colour" in text
    assert f"{levels['machine']} 第 1 行" in text  # 无法识别的行
    assert str(levels["beside"]) in text  # \xff\xfe: no encoding reads it
    with caplog.at_level(logging.WARNING, logger="gridclient.config"):
        log_settings(settings)
    assert "colour" in caplog.text


def test_a_file_with_a_bom_and_chinese_comments_is_read(
    levels: dict[str, Path], tmp_path: Path
) -> None:
    levels["user"].parent.mkdir(parents=True)
    levels["user"].write_text(
        "; 网格通设置\n[gridclient]\n# 服务器地址\nserver_url = https://grid.example.cn\n",
        encoding="utf-8-sig",
    )
    settings = effective_settings(Paths.resolve(tmp_path / "data"))
    assert settings.server_url == "https://grid.example.cn"


def test_the_example_file_in_docs_parses_with_every_setting(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "docs" / "gridclient.ini.example"
    ini = tmp_path / "gridclient.ini"
    # The example names a CA file that does not exist here; everything else is used as is.
    ini.write_text(
        example.read_text(encoding="utf-8").replace("ca_bundle =", "; ca_bundle ="),
        encoding="utf-8",
    )
    settings = load_it_settings([ini])
    assert settings.server_url.startswith("https://")
    assert settings.sources == (str(ini),)


# ------------------------------------------------------------------------ command line


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def test_command_line_options_map_to_settings(tmp_path: Path) -> None:
    ca = write_ini(tmp_path / "ca.pem")
    args = parse(
        "--server",
        "https://cli.example",
        "--ca-bundle",
        str(ca),
        "--proxy",
        "http://proxy:8080",
        "--auto-lock-minutes",
        "7",
        "--log-level",
        "warning",
        "--lang",
        "en",
    )
    overrides = it_overrides(args)
    assert overrides == {
        "server_url": "https://cli.example",
        "ca_bundle": str(ca),
        "proxy": "http://proxy:8080",
        "auto_lock_minutes": 7,
        "log_level": "WARNING",
        "language": "en",
    }
    merged = apply_overrides(ITSettings(server_url="https://ini.example"), overrides)
    assert merged.server_url == "https://cli.example"
    assert merged.auto_lock_minutes == 7


def test_no_options_override_nothing() -> None:
    overrides = it_overrides(parse())
    assert set(overrides.values()) == {None}
    base = ITSettings(server_url="https://ini.example", sources=("a.ini",))
    assert apply_overrides(base, overrides) is base


def test_options_work_before_a_sub_command() -> None:
    args = parse("--server", "https://cli.example", "self-test")
    assert it_overrides(args)["server_url"] == "https://cli.example"


@pytest.mark.parametrize(
    "argv",
    [
        ("--server", "grid.example.cn"),
        ("--auto-lock-minutes", "0"),
        ("--log-level", "LOUD"),
        ("--lang", "fr"),
        ("--ca-bundle", "/no/such/file.pem"),
    ],
)
def test_a_bad_command_line_value_is_an_argument_error(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        parse(*argv)
    assert exc.value.code == 2
    assert argv[0] in capsys.readouterr().err


def test_a_proxy_without_a_scheme_is_http_as_the_transport_takes_it() -> None:
    assert parse_setting("proxy", " 10.1.2.3:8080 ") == "10.1.2.3:8080"
    from gridclient.sync.transport import Transport

    transport = Transport("https://grid.example.cn", proxy="10.1.2.3:8080")
    assert transport.proxies["https"] == "http://10.1.2.3:8080"


def test_apply_overrides_refuses_unknown_keys_and_bad_values() -> None:
    with pytest.raises(KeyError):
        apply_overrides(ITSettings(), {"colour": "blue"})
    with pytest.raises(BadSetting):
        apply_overrides(ITSettings(), {"auto_lock_minutes": "soon"})


def test_public_settings_hide_credentials_in_urls() -> None:
    settings = ITSettings(
        server_url="https://svc:s3cret@grid.example.cn:8443/base?token=abc",
        proxy="http://alice:pa55@proxy.example:3128",
    )
    shown = public_settings(settings)
    text = repr(shown)
    for secret in ("s3cret", "pa55", "alice", "svc", "abc"):
        assert secret not in text
    assert shown["server_url"] == "https://***@grid.example.cn:8443/base?***"
    assert shown["proxy"] == "http://***@proxy.example:3128"
    assert shown["auto_lock_minutes"] == 10
