"""What every ``gridclient`` sub-command shares: the global options (accepted before
or after the sub-command), the settings and logging start-up, and user errors that
end a command with a Chinese message and an exit status instead of a traceback."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gridclient.config import BadSetting, ITSettings, Paths, effective_settings, log_settings
from gridclient.config import parse_setting as _parse_setting

if TYPE_CHECKING:
    from gridclient.storage import Store

__all__ = [
    "IT_OPTIONS",
    "PASSWORD_ENV",
    "UserError",
    "add_global_options",
    "ask_password",
    "it_overrides",
    "start_command",
]

PASSWORD_ENV = "GRIDCLIENT_PASSWORD"
DEMO_SERVER = "demo.local"
"""The demo's store name (``gridclient.demo.bootstrap``), the default ``--server`` of the
local-data commands when the IT settings name none."""

#: Command-line option → IT setting it overrides (command line > user > IT file > defaults).
IT_OPTIONS: dict[str, tuple[str, str, str]] = {
    # option: (setting, metavar, help)
    "--server": ("server_url", "URL", "sync server URL, e.g. https://grid.example.gov.cn"),
    "--ca-bundle": ("ca_bundle", "FILE", "PEM file of the CA that signed the server"),
    "--proxy": ("proxy", "URL", "HTTP(S) proxy, e.g. http://proxy.example:8080"),
    "--auto-lock-minutes": ("auto_lock_minutes", "N", "lock the window after N idle minutes"),
    "--log-level": ("log_level", "LEVEL", "DEBUG, INFO, WARNING or ERROR"),
    "--lang": ("language", "LANG", "UI language: zh_CN (default) or en"),
}


class UserError(Exception):
    """Something the person running the command can fix; printed as ``错误：…`` with
    ``status`` as the exit status, never as a traceback."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


#: Exit status when a settings file exists but leaves no usable ``server_url`` (BSD's
#: EX_CONFIG): the window refuses to start with it, and so does a command that needs a server.
SETTINGS_ERROR = 78


def required_server(settings: ITSettings) -> str:
    """The configured ``server_url`` of a command that needs one. None set: a
    :class:`UserError` with exit status 78 when a settings file exists (its problems, printed
    above by :func:`start_command`, are why), 2 when there is no settings file at all."""
    if settings.server_url:
        return settings.server_url
    message = "请用 --server 指定服务器地址（或在 IT 设置文件中配置 server_url）"
    if settings.files:
        found = "、".join(str(f) for f in settings.files)
        raise UserError(
            f"{message}；已找到设置文件 {found}，但其中没有可用的 server_url"
            + ("（问题见上）" if settings.problems else ""),
            SETTINGS_ERROR,
        )
    raise UserError(message)


def _setting_type(key: str) -> Callable[[str], object]:
    def convert(text: str) -> object:
        try:
            return _parse_setting(key, text)
        except BadSetting as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = key  # argparse names the type in its error message
    return convert


def add_global_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """``--data-dir`` and the IT options. On the main parser they default to None; on a
    sub-command's parser to SUPPRESS, so a value given before the sub-command is kept
    and one given after it wins."""
    default: object = None if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--data-dir",
        dest="data_dir",
        type=Path,
        default=default,
        help="keep every file (stores, logs, backups, settings) under this directory",
    )
    group = parser.add_argument_group(
        "IT settings",
        "override gridclient.ini (command line > user > IT file > defaults; "
        "keys locked by the machine-wide file's policy excepted)",
    )
    for option, (key, metavar, text) in IT_OPTIONS.items():
        if option in parser._option_string_actions:
            continue  # the sub-command has its own (report/import: --server demo.local)
        group.add_argument(
            option,
            dest=f"it_{key}",
            type=_setting_type(key),
            metavar=metavar,
            help=text,
            default=default,
        )


def it_overrides(args: argparse.Namespace) -> dict[str, object | None]:
    """The IT settings given on the command line (``None``: not given)."""
    return {key: getattr(args, f"it_{key}", None) for key, _m, _h in IT_OPTIONS.values()}


def start_command(args: argparse.Namespace, *, ensure: bool = True) -> tuple[Paths, ITSettings]:
    """The paths and the settings in force for a sub-command, with logging started and
    every settings problem written to the log and to stderr."""
    from gridclient.logsetup import setup_logging

    paths = Paths.resolve(getattr(args, "data_dir", None))
    settings = effective_settings(paths, it_overrides(args))
    if ensure:
        paths.ensure()
        setup_logging(paths.log_dir, settings.log_level)
        log_settings(settings)
    for problem in settings.problems:
        print(f"设置文件问题：{problem.text()}", file=sys.stderr)
    return paths, settings


def ask_password(prompt: str) -> str:
    """``GRIDCLIENT_PASSWORD``, else asked on the terminal; without a terminal (a
    script, a scheduled task) a clear error instead of waiting on or failing to read
    stdin."""
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise UserError(f"没有可输入密码的终端：请设置环境变量 {PASSWORD_ENV} 后再运行。")
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        raise UserError("未输入密码，已取消。", 130) from None


# -- commands on a user's local data (report, import) ---------------------------------


def local_data_options(parser: argparse.ArgumentParser) -> None:
    """``--data-dir`` and the IT options are the global ones (``gridclient.cli``); this
    ``--server`` also takes the demo's store name ``demo.local``. Default: ``--server``
    given before the sub-command, else the IT settings' server, else the demo's."""
    parser.add_argument("--user", required=True, help="用户名（打开该用户的本地数据）")
    parser.add_argument(
        "--server",
        default=argparse.SUPPRESS,
        help=f"服务器地址（默认：IT 设置中的地址，未设置时为演示数据 {DEMO_SERVER}）",
    )


def _password() -> str:
    return ask_password("密码：")


def resolve_local_server(args: argparse.Namespace) -> None:
    """``args.server``: ``--server``, else the IT settings' server, else the demo's."""
    _paths, settings = start_command(args)
    args.server = getattr(args, "server", None) or settings.server_url or DEMO_SERVER


def open_local_store(args: argparse.Namespace) -> Store:
    from gridclient.storage import Store
    from gridclient.storage.store import store_path

    paths = Paths.resolve(getattr(args, "data_dir", None))
    path = store_path(paths.data_dir, args.server, args.user)
    if not path.exists():
        raise LookupError(f"找不到用户 {args.user} 在 {args.server} 的本地数据：{path}")
    return Store.open(path, _password())


def guarded(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from gridclient.cancel import Cancelled
    from gridclient.storage.errors import StorageError

    try:
        resolve_local_server(args)
        return run(args)
    # A roster the import refuses is a ValueError (RosterError); a cancel is Cancelled.
    except (LookupError, Cancelled, ValueError) as exc:  # an unknown area is a LookupError
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except StorageError as exc:
        print(f"无法打开本地数据：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，数据未作修改。", file=sys.stderr)
        return 130
