"""Command line: ``gridclient`` starts the desktop application; sub-commands serve IT staff
and scripted checks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from gridclient import __version__
from gridclient.headless import add_commands as add_sync_commands
from gridclient.reports.cli import add_report_commands


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
    parser.add_argument("--lang", default=None, help="UI language: zh_CN (default) or en")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_sync_commands(commands)
    add_report_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "handler", None) is not None:
        return int(args.handler(args))
    from gridclient.app import run_gui

    return run_gui(data_dir=args.data_dir, demo=args.demo, lang=args.lang)


if __name__ == "__main__":
    sys.exit(main())
