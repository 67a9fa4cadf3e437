"""`phoenix-flight gui [SCENARIO] [--self-test [--steps N] [--size WxH] [--presentation]
[--screenshot DIR] [--lessons]]`: open the desktop window.

Qt is imported only inside the handler, so the headless commands never load it. The scenario
(a file or a bundled lesson's name) is found first, so a wrong name is reported as such even
without a display. Then, before Qt is imported, :func:`platform_problem` checks that Qt can
open a window here (a display, a reachable X server, the xcb plugin's libraries); if not, the
command prints cause and fix and exits 2 instead of letting Qt abort. ``--self-test`` always
works without a display: it picks the offscreen platform itself.
"""

from __future__ import annotations

import argparse
import os
import sys

from phoenix_gui.cli.common import scenario_arg
from phoenix_gui.cli.errors import CliError

SELF_TEST_STEPS = 200


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "gui",
        help="open the desktop window (the default command)",
        description="Open the PhoenixFlight window on a scenario file or a bundled lesson "
        "(default: classroom-basics).",
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="scenario file or bundled lesson name, e.g. ring-join (default: classroom-basics)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the real window offscreen, run animated steps, verify the audit chain, "
        "print one JSON line and exit",
    )
    parser.add_argument(
        "--steps",
        metavar="N",
        default=None,
        help=f"steps the self-test runs; only with --self-test (default: {SELF_TEST_STEPS})",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        help="self-test: the window size in pixels, e.g. 1280x800 (on an offscreen screen of "
        "that size; default: the size the window opens at)",
    )
    parser.add_argument(
        "--presentation", action="store_true", help="self-test: in presentation mode (F11)"
    )
    parser.add_argument(
        "--screenshot",
        metavar="DIR",
        help="self-test: write PNGs of the window to DIR (default: none written)",
    )
    parser.add_argument(
        "--lessons",
        action="store_true",
        help="self-test: also open every bundled lesson and measure the window after each",
    )
    parser.add_argument(
        "--max-stall-ms",
        type=float,
        default=100.0,
        help="the self-test fails when the window goes longer than this without answering "
        "(default: 100)",
    )
    parser.set_defaults(handler=run)


def parse_size(text: str | None) -> tuple[int, int] | None:
    """``"1280x800"`` → (1280, 800); a clear error naming --size otherwise."""
    if text is None:
        return None
    parts = text.lower().split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise CliError(f"--size must look like 1280x800, got {text!r}") from None
    if not (320 <= width <= 10_000 and 240 <= height <= 10_000):
        raise CliError(f"--size must be between 320x240 and 10000x10000, got {text!r}")
    return width, height


def run(args: argparse.Namespace) -> int:
    steps = _steps(args)
    source = scenario_arg(args.scenario) if args.scenario is not None else None
    from phoenix_gui.qt.shell.platform_check import display_available, platform_problem

    size = parse_size(args.size)
    if not args.self_test and (size or args.presentation or args.screenshot or args.lessons):
        raise CliError("--size, --presentation, --screenshot and --lessons go with --self-test")
    if not 0 <= args.max_stall_ms <= 3_600_000:  # NaN fails both comparisons
        raise CliError(f"--max-stall-ms: must be in [0, 3600000], got {args.max_stall_ms}")
    if args.self_test and not display_available():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    problem = platform_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    config, path = load(source)
    if args.self_test:
        from pathlib import Path

        from phoenix_gui.qt.shell.selftest import run_self_test

        return run_self_test(
            config,
            source=path,
            steps=steps,
            size=size,
            presentation=args.presentation,
            screenshot=Path(args.screenshot) if args.screenshot else None,
            lessons=args.lessons,
            max_stall_ms=args.max_stall_ms,
        )
    from phoenix_gui.qt.shell.app import run_window

    return run_window(config, source=path)


def _steps(args: argparse.Namespace) -> int:
    if args.steps is None:
        return SELF_TEST_STEPS
    if not args.self_test:
        raise CliError("--steps: only applies to --self-test (the window runs until closed)")
    try:
        steps = int(args.steps)
    except ValueError:
        raise CliError(f"--steps: must be a whole number, got {args.steps!r}") from None
    if steps < 1:
        raise CliError(f"--steps: must be at least 1, got {steps}")
    return steps


def load(path: str | None) -> tuple[object, str]:
    """The engine configuration of the scenario file ``path`` (or the default lesson) and the
    file it came from."""
    from phoenix_gui.resources import DEFAULT_SCENARIO, ResourceNotFoundError, resource_path
    from phoenix_gui.scenario import ScenarioError, load_config

    if path is None:
        try:
            path = str(resource_path(DEFAULT_SCENARIO))
        except ResourceNotFoundError as exc:  # a broken install or bundle: say what is there
            raise CliError(f"{DEFAULT_SCENARIO}: {exc}") from exc
    try:
        return load_config(path), path
    except ScenarioError as exc:
        raise CliError(str(exc)) from exc
