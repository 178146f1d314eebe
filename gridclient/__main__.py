"""Command line: ``gridclient`` starts the desktop application; sub-commands serve IT staff
and scripted checks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from gridclient import __version__
from gridclient.config import BadSetting, parse_setting
from gridclient.headless import add_commands as add_sync_commands
from gridclient.reports.cli import add_report_commands

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


def _setting_type(key: str) -> Callable[[str], object]:
    def convert(text: str) -> object:
        try:
            return parse_setting(key, text)
        except BadSetting as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = key  # argparse names the type in its error message
    return convert


def it_overrides(args: argparse.Namespace) -> dict[str, object | None]:
    """The IT settings given on the command line (``None``: not given)."""
    return {key: getattr(args, f"it_{key}", None) for key, _m, _h in IT_OPTIONS.values()}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gridclient", description="网格通：网格员离线采集与同步客户端"
    )
    parser.add_argument("--version", action="version", version=f"gridclient {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep every file (stores, logs, backups, settings) under this directory",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the demo with sample data (the default when no server is configured)",
    )
    # Quits once the main window is shown and prints the start-up time (CI, benchmarks).
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    group = parser.add_argument_group(
        "IT settings", "override gridclient.ini (command line > user > IT file > defaults)"
    )
    for option, (key, metavar, text) in IT_OPTIONS.items():
        group.add_argument(
            option, dest=f"it_{key}", type=_setting_type(key), metavar=metavar, help=text
        )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_sync_commands(commands)
    add_report_commands(commands)
    from gridclient.diagnostics import add_diagnostics_command
    from gridclient.selftest import add_self_test_command

    add_self_test_command(commands)
    add_diagnostics_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "handler", None) is not None:
        return int(args.handler(args))
    from gridclient.app import run_gui

    overrides = it_overrides(args)
    return run_gui(
        data_dir=args.data_dir,
        demo=args.demo,
        lang=args.it_language,
        overrides=overrides,
        smoke_test=args.smoke_test,
    )


if __name__ == "__main__":
    sys.exit(main())
