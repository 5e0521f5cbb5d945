"""The ``digest`` command line: parse arguments, hand off to one command.

Each subcommand lives in its own module under ``tui.cli`` and exposes
``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``.
Modules import their heavy dependencies inside ``run`` so that ``digest
--help`` and the TUI's start-up stay fast. With no subcommand, the TUI
starts.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from tui.cli.common import CliError, print_error

# Subcommand name → module under tui.cli, in the order --help lists them.
COMMANDS: dict[str, str] = {
    "refresh": "refresh_cmd",
    "feeds": "feeds_cmd",
    "print": "print_cmd",
    "figures": "figures_cmd",
    "digest": "digest_cmd",
    "metrics": "metrics_cmd",
    "add": "add_cmd",
    "remove": "remove_cmd",
    "import": "import_cmd",
    "export": "export_cmd",
    "rules": "rules_cmd",
    "vacuum": "vacuum_cmd",
    "config": "config_cmd",
}


def _load(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"tui.cli.{COMMANDS[name]}")
    except ModuleNotFoundError as error:
        if error.name == f"tui.cli.{COMMANDS[name]}":
            return None  # a command not built yet is simply not offered
        raise


class _VersionAction(argparse.Action):
    """``--version``, looking the version up only when asked (see tui.__init__)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ANN001
        import tui

        print(f"digest {tui.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with one subparser per command module."""
    parser = argparse.ArgumentParser(
        prog="digest",
        description="A terminal news digest: feeds, stories and the key figures in them.",
        epilog="With no command, digest opens the reader. "
        "Run 'digest COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    add_global_options(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a bundled demo digest in a temporary store (works offline)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = _load(name)
        if module is None:
            continue
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        add_global_options(sub, suppress=True)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def add_global_options(parser: argparse.ArgumentParser, suppress: bool = False) -> None:
    """--config and --db, accepted before or after the subcommand.

    On subparsers the default is SUPPRESS so that a value given before the
    subcommand is not overwritten by the subparser's default.
    """
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="feeds.toml to use (default: $DIGEST_CONFIG, ./feeds.toml, then the user config dir)",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="SQLite store to use (default: digest.db in the user data dir)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``digest`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from tui.cli.tui_cmd import run as run_tui

            return run_tui(args)
        return int(args.run(args) or 0)
    except CliError as error:
        print_error(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        print_error("interrupted")
        return 130
    except BrokenPipeError:
        # `digest print | head` closed the pipe: not an error for the user.
        sys.stderr.close()
        return 0
