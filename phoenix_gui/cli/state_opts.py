"""`run --save-state FILE` and `run --resume FILE`: stop a headless run and carry it on later.

The state file is the engine's checkpoint format (a zip of JSON and numpy arrays, versioned and
checked by SHA-256, never pickle; see docs/engine_api.md). A resumed run continues the audit
chain where the saved run stopped: its first record's previous hash is the saved head, so the
two audit files together verify as one log, and after the same total number of steps its
summary's ``audit_head`` and ``audit_records`` equal those of one straight run.
"""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from phoenix_gui import __version__
from phoenix_gui.cli.errors import CliError
from phoenix_gui.engine import Simulation, StateError, read_state, write_state

# Options of `run` that describe a new run; a resumed run takes all of them from its state.
NEW_RUN_OPTIONS = (
    "scenario", "paradigm", "seed", "hosts", "vnodes", "tasks", "joins", "leaves", "hours",
    "trust", "compliance", "crash_share", "w_join", "w_leave",
)  # fmt: skip


def add_state_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--save-state",
        metavar="FILE",
        help="write the whole simulation state here at the end (to continue with --resume)",
    )
    parser.add_argument(
        "--resume",
        metavar="FILE",
        help="continue the run saved in FILE by --save-state (give --steps or --sim-hours)",
    )


def check_resume_args(args: argparse.Namespace) -> None:
    """A resumed run takes its scenario and parameters from the state file: refuse any that
    would silently be ignored, and insist on a length."""
    if args.resume is None:
        return
    given = [n for n in NEW_RUN_OPTIONS if getattr(args, n, None) is not None]
    if given:
        flag = "SCENARIO" if given[0] == "scenario" else "--" + given[0].replace("_", "-")
        raise CliError(f"--resume: {flag} cannot be changed when resuming (it is in the state)")
    if args.steps is None and args.sim_hours is None:
        raise CliError("--resume: give --steps or --sim-hours (how much longer to run)")
    if args.save_state is not None and _same(args.save_state, args.resume):
        raise CliError(f"--save-state: {args.save_state} is the state being resumed")


def resumed_simulation(path: str, audit_sink: TextIO | None) -> Simulation:
    """The simulation saved in ``path``, continuing its audit chain into ``audit_sink``."""
    try:
        return Simulation.restore(read_state(path), audit_sink)
    except StateError as exc:
        text = str(exc)
        raise CliError(text if text.startswith(path) else f"{path}: {text}") from None


def save_state(path: str, sim: Simulation) -> None:
    """Write ``sim``'s state to ``path`` atomically; a write error is one line naming the file."""
    try:
        write_state(sim.checkpoint(), path, f"phoenix-flight {__version__}")
    except StateError as exc:
        raise CliError(f"--save-state: {exc}") from None
    except OSError as exc:
        raise CliError(f"--save-state: cannot write {path}: {exc.strerror or exc}") from None


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)
