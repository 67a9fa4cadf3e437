"""Command line entry point (`phoenix-flight`).

Each sub-command lives in its own module exposing ``register(subparsers)``; the module adds its
parser and sets ``handler`` to a function ``(args) -> int``. Errors meant for the user are raised
as :class:`CliError` and become one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from phoenix_gui import __version__
from phoenix_gui.cli.errors import CliError

# Sub-command modules, in the order `--help` lists them.
COMMAND_MODULES = (
    "phoenix_gui.cli.metrics_cmd",
    "phoenix_gui.cli.ring_cmd",
    "phoenix_gui.cli.run_cmd",
    "phoenix_gui.cli.sweep_cmd",
    "phoenix_gui.cli.compare_cmd",
    "phoenix_gui.cli.audit_cmd",
    "phoenix_gui.cli.scenario_cmd",
    "phoenix_gui.cli.gui_cmd",
)


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 with its own message on bad usage; keep that but prefix our name."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="phoenix-flight",
        description="PhoenixFlight: simulate and visualise Dynamic Membership Architecture.",
    )
    parser.add_argument("--version", action="version", version=f"phoenix-flight {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _tolerate_narrow_terminals()
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or args_list[0] == "--self-test":
        # No arguments: open the window on the default lesson, like a desktop app. The frozen
        # app is started as `phoenix-flight --self-test`, which means `gui --self-test`.
        args_list = ["gui", *args_list]
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args))
    except CliError as exc:
        print(f"phoenix-flight {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("phoenix-flight: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`phoenix-flight run --json | head`): stop quietly, as Unix
        # tools do. Point stdout at devnull so the interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _tolerate_narrow_terminals() -> None:
    """Help and formulas use Δ, · and ≥; on a terminal that cannot show them, print '?' rather
    than die with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
