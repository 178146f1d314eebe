"""Command line: ``gridclient`` starts the desktop application; sub-commands serve IT staff
and scripted checks.

The global options (``--data-dir`` and the IT settings) are accepted before or after
any sub-command; a user error ends a command with a Chinese message and a non-zero exit
status, never a traceback (the log has the details of anything unexpected)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from gridclient import __version__
from gridclient.cli import IT_OPTIONS, UserError, add_global_options, it_overrides
from gridclient.headless import add_commands as add_sync_commands
from gridclient.imports.cli import add_import_command
from gridclient.reports.cli import add_report_commands

__all__ = ["IT_OPTIONS", "build_parser", "it_overrides", "main"]

log = logging.getLogger("gridclient.cli")

#: Exit status of an unexpected error in a sub-command (BSD's EX_SOFTWARE).
INTERNAL_ERROR = 70
#: Exit status when the window cannot open here (no display, Qt's system libraries
#: missing): BSD's EX_UNAVAILABLE.
NO_DISPLAY = 69


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gridclient", description="网格通：网格员离线采集与同步客户端"
    )
    parser.add_argument("--version", action="version", version=f"gridclient {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the demo with sample data (also the default on a machine with no "
        "settings file at all)",
    )
    # Quits once the main window is shown and prints the start-up time (CI, benchmarks).
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    add_global_options(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_sync_commands(commands)
    add_report_commands(commands)
    add_import_command(commands)
    from gridclient.diagnostics import add_diagnostics_command
    from gridclient.rescue import add_rescue_command
    from gridclient.selftest import add_self_test_command

    add_self_test_command(commands)
    add_diagnostics_command(commands)
    add_rescue_command(commands)
    for sub in commands.choices.values():
        add_global_options(sub)
    return parser


def run_handler(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a sub-command: a :class:`UserError` prints its message, an interrupt says
    nothing was changed, anything else is logged with its traceback and summarised. A
    command that opens a store (``locks_data_dir``) holds the data directory's lock
    while it runs (:mod:`gridclient.instance`)."""
    lock = None
    try:
        if getattr(args, "locks_data_dir", False):
            from gridclient.config import Paths
            from gridclient.datalock import lock_data_dir  # Qt-free

            lock = lock_data_dir(Paths.resolve(getattr(args, "data_dir", None)).data_dir)
        return int(handler(args))
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:
        log.exception("command %s failed", getattr(args, "command", "?"))
        from gridclient.diagnostics import current_log_dir

        where = current_log_dir()
        hint = f"详情已写入日志 {where}" if where else "请加 --log-level DEBUG 重试"
        print(f"内部错误：{type(exc).__name__}: {exc}（{hint}）", file=sys.stderr)
        return INTERNAL_ERROR
    finally:
        if lock is not None:
            lock.release()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is not None:
        return run_handler(handler, args)
    from gridclient.platform_check import gui_problem

    problem = gui_problem()
    if problem is not None:  # before Qt, which would abort without saying what is missing
        print(problem, file=sys.stderr)
        return NO_DISPLAY
    from gridclient.app import run_gui

    return run_gui(
        data_dir=args.data_dir,
        demo=args.demo,
        lang=args.it_language,
        overrides=it_overrides(args),
        smoke_test=args.smoke_test,
    )


if __name__ == "__main__":
    sys.exit(main())
