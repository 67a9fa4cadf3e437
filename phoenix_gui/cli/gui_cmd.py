"""`phoenix-flight gui [SCENARIO] [--self-test [--steps N] [--size WxH] [--presentation]
[--screenshot DIR] [--lessons]]`: open the desktop window.

Qt is imported only inside the handler, so the headless commands never load it. With no
display and no platform chosen, the window cannot open: say how to proceed (offscreen, or the
headless ``run`` command) and exit 2 instead of letting Qt abort. ``--self-test`` always works
without a display: it picks the offscreen platform itself.
"""

from __future__ import annotations

import argparse
import os
import sys

from phoenix_gui.cli.errors import CliError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "gui",
        help="open the desktop window (the default command)",
        description="Open the PhoenixFlight window on a scenario (default: the first lesson).",
    )
    parser.add_argument("scenario", nargs="?", help="scenario file (default: classroom-basics)")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the real window offscreen, run animated steps, verify the audit chain, "
        "print one JSON line and exit",
    )
    parser.add_argument(
        "--steps", type=int, default=200, help="steps the self-test runs (default: 200)"
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        help="self-test: the window size in pixels, e.g. 1280x800 (on an offscreen screen of "
        "that size)",
    )
    parser.add_argument(
        "--presentation", action="store_true", help="self-test: in presentation mode (F11)"
    )
    parser.add_argument(
        "--screenshot", metavar="DIR", help="self-test: write PNGs of the window to DIR"
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
    from phoenix_gui.qt.shell.app import NO_DISPLAY_MESSAGE, display_available

    if args.steps < 1:
        raise CliError(f"--steps must be at least 1, got {args.steps}")
    size = parse_size(args.size)
    if not args.self_test and (size or args.presentation or args.screenshot or args.lessons):
        raise CliError("--size, --presentation, --screenshot and --lessons go with --self-test")
    if not 0 <= args.max_stall_ms <= 3_600_000:  # NaN fails both comparisons
        raise CliError(f"--max-stall-ms must be in [0, 3600000], got {args.max_stall_ms}")
    if not display_available():
        if not args.self_test:
            print(NO_DISPLAY_MESSAGE, file=sys.stderr)
            return 2
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    config, source = load(args.scenario)
    if args.self_test:
        from pathlib import Path

        from phoenix_gui.qt.shell.selftest import run_self_test

        return run_self_test(
            config,
            source=source,
            steps=args.steps,
            size=size,
            presentation=args.presentation,
            screenshot=Path(args.screenshot) if args.screenshot else None,
            lessons=args.lessons,
            max_stall_ms=args.max_stall_ms,
        )
    from phoenix_gui.qt.shell.app import run_window

    return run_window(config, source=source)


def load(scenario: str | None) -> tuple[object, str]:
    """The engine configuration of ``scenario`` (or the default lesson) and where it came from."""
    from phoenix_gui.resources import DEFAULT_SCENARIO, ResourceNotFoundError, resource_path
    from phoenix_gui.scenario import ScenarioError, load_config

    if scenario is None:
        try:
            path = str(resource_path(DEFAULT_SCENARIO))
        except ResourceNotFoundError as exc:  # a broken install or bundle: say what is there
            raise CliError(str(exc)) from exc
    else:
        path = scenario
        if not os.path.isfile(path):
            raise CliError(f"SCENARIO: no such file: {path}")
    try:
        return load_config(path), path
    except ScenarioError as exc:
        raise CliError(f"SCENARIO: {exc}") from exc
