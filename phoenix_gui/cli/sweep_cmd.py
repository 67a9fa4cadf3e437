"""`phoenix-flight sweep`: a parameter sweep, on local processes or a Dask cluster, to CSV.

Each cell (one value per ``--vary``) × replicate is one run of SCENARIO whose seed is spawned
from the scenario seed by (cell, replicate); a row re-runs alone with ``phoenix-flight run
SCENARIO --NAME VALUE … --seed SEED --steps N``. Rows are sorted by cell and replicate, so the
file is byte-identical whatever executed it. A scenario's ``experiment:`` section supplies what
the flags leave out. The work itself lives in :mod:`phoenix_gui.experiments` (no Qt); ``--plot``
draws with the window's own chart code (pyqtgraph, offscreen).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from phoenix_gui.cli.common import param_value
from phoenix_gui.cli.errors import CliError
from phoenix_gui.engine import SimulationConfig
from phoenix_gui.experiments import Design, ExperimentError, parse_vary
from phoenix_gui.experiments.design import Vary, vary_from_values
from phoenix_gui.experiments.executors import make_runner
from phoenix_gui.experiments.runs import NUMERIC_METRICS
from phoenix_gui.experiments.session import SweepSession
from phoenix_gui.params import PARAMS, RUN_LENGTH_PARAMS

PLOT_METRICS_DEFAULT = ("obs_dhs", "obs_mcr", "load_std_over_mean", "moved_fraction")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="run a parameter sweep (local processes or a Dask cluster) to CSV",
        description="Run SCENARIO once per cell × replicate and write one summary row per run. "
        "NAME is a parameter of `run` (hosts, vnodes, tasks, joins, leaves, hours, trust, "
        "compliance, crash_share, w_join, w_leave) or paradigm. Seeds come from the scenario "
        "seed by (cell, replicate): any row re-runs alone with `run --seed SEED`. Ctrl-C stops "
        "and keeps the finished rows; --resume runs only what the output file lacks.",
    )
    parser.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario file (YAML)")
    parser.add_argument(
        "--vary", action="append", metavar="NAME=V1,V2|NAME=START:STOP:STEP",
        help="a parameter and its values (repeat for a grid); STOP is included",
    )  # fmt: skip
    parser.add_argument("--replicates", metavar="R", help="runs per cell (default 1)")
    length = parser.add_mutually_exclusive_group()
    length.add_argument(
        "--sim-hours", dest="sim_hours", metavar="H", help="simulated hours per run"
    )
    length.add_argument("--steps", metavar="N", help="steps per run")
    parser.add_argument("--out", metavar="FILE.csv", required=True, help="the result table")
    parser.add_argument(
        "--workers", metavar="N",
        help="worker processes on this machine, also for --scheduler local (default: all cores)",
    )  # fmt: skip
    parser.add_argument(
        "--scheduler", metavar="local|tcp://HOST:PORT",
        help="run on Dask: `local` starts a LocalCluster; an address joins a running cluster",
    )  # fmt: skip
    parser.add_argument("--resume", action="store_true", help="skip rows already in --out")
    parser.add_argument("--plot", metavar="FILE.png", help="draw the result to a PNG")
    parser.add_argument(
        "--metric", action="append", choices=NUMERIC_METRICS, metavar="METRIC",
        help="metric(s) to plot (default: the scenario's, or obs_dhs, obs_mcr, "
        "load_std_over_mean, moved_fraction)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON summary object")
    parser.set_defaults(handler=_sweep)


def _sweep(args: argparse.Namespace) -> int:
    out = _out_path(args)
    plot = _plot_path(args)
    base, section = _load(args.scenario)
    try:
        design = _design(args, base, section)
        workers = None if args.workers is None else _whole("--workers", args.workers)
        if workers is not None and args.scheduler not in (None, "local"):
            raise CliError("--workers: a Dask cluster's workers are its own; drop --workers")
        session = SweepSession(base, design, out, resume=args.resume)
        runner = make_runner(session.todo, workers, args.scheduler) if session.todo else None
    except ExperimentError as exc:
        raise CliError(str(exc)) from None
    started = time.monotonic()
    interrupted = False
    try:
        if runner is None:
            session.save()
        else:
            _run_with_progress(session, runner)
    except KeyboardInterrupt:
        interrupted = True
    except OSError as exc:  # the disk filled up or the folder went away mid-sweep
        raise CliError(f"--out: cannot write {out}: {exc.strerror or exc}") from None
    elapsed = time.monotonic() - started
    if plot is not None and not interrupted:
        if args.metric:
            metrics = tuple(args.metric)
        elif section is not None:
            metrics = (section.metric,)
        else:
            metrics = PLOT_METRICS_DEFAULT
        _plot(session, plot, metrics)
    summary = {
        "out": str(out),
        "runs": session.total,
        "done": len(session.rows),
        "resumed": session.resumed,
        "failures": session.failures,
        "interrupted": interrupted,
        "seconds": round(elapsed, 3),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"{out}: {summary['done']} of {session.total} runs ({session.resumed} resumed, "
            f"{session.failures} failed) in {elapsed:.1f} s"
        )
    if interrupted:
        print(
            f"phoenix-flight sweep: interrupted; {len(session.rows)} finished rows kept in {out} "
            "(--resume runs the rest)",
            file=sys.stderr,
        )
        return 130
    return 0


def _out_path(args: argparse.Namespace) -> Path:
    out = Path(args.out)
    if out.suffix.lower() == ".parquet":
        raise CliError(
            "--out: Parquet is not supported; write FILE.csv (pandas, polars and spreadsheets "
            "read it directly)"
        )
    if out.suffix.lower() != ".csv":
        raise CliError(f"--out: expected a .csv file, got {args.out!r}")
    if args.scenario is not None and _same(out, Path(args.scenario)):
        raise CliError("--out: is the scenario file itself; choose another file")
    try:
        exists = out.exists()
    except OSError as exc:  # a name the file system cannot hold (too long, …)
        raise CliError(f"--out: cannot write {out}: {exc.strerror or exc}") from None
    if exists and not args.resume:
        # A sweep's hours of results must not vanish under a repeated command: be explicit.
        raise CliError(f"--out: {out} exists; add --resume to complete it, or remove it")
    if not out.parent.is_dir():
        raise CliError(f"--out: folder {out.parent} does not exist")
    # Find out now, not after hours of runs, that the table cannot be written there.
    partial = out.with_name(out.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8"):
            pass
        partial.unlink()
    except OSError as exc:
        raise CliError(f"--out: cannot write {out}: {exc.strerror or exc}") from None
    return out


def _plot_path(args: argparse.Namespace) -> Path | None:
    if args.plot is None:
        return None
    plot = Path(args.plot)
    if plot.suffix.lower() != ".png":
        raise CliError(f"--plot: expected a .png file, got {args.plot!r}")
    if _same(plot, Path(args.out)) or (args.scenario and _same(plot, Path(args.scenario))):
        raise CliError("--plot: is also an input or the --out file; choose another file")
    return plot


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _load(path: str | None) -> tuple[SimulationConfig, Any]:
    """The base configuration and the scenario's experiment section (None when absent)."""
    if path is None:
        return SimulationConfig(), None
    from phoenix_gui.scenario import ScenarioError, load_scenario, scenario_to_config

    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from None
    return scenario_to_config(scenario), scenario.experiment


def _design(args: argparse.Namespace, base: SimulationConfig, section: Any) -> Design:
    """The flags, with the scenario's ``experiment:`` section filling in what they leave out."""
    varies: list[Vary]
    if args.vary:
        varies = [parse_vary(text) for text in args.vary]
    elif section is not None:
        varies = [
            vary_from_values(v.param, list(v.values), f"experiment.vary[{i}]")
            for i, v in enumerate(section.vary)
        ]
    else:
        raise CliError("--vary: give at least one NAME=VALUES (the scenario has no experiment)")
    if args.replicates is not None:
        replicates = _whole("--replicates", args.replicates)
    else:
        replicates = section.replicates if section is not None else 1
    return Design(tuple(varies), replicates, _steps(args, base, section))


def _steps(args: argparse.Namespace, base: SimulationConfig, section: Any) -> int:
    if args.steps is not None:
        return int(param_value(PARAMS["steps"], args.steps))
    if args.sim_hours is not None:
        hours = float(param_value(PARAMS["sim_hours"], args.sim_hours))
    elif section is not None and section.steps is not None:
        return int(section.steps)
    elif section is not None and section.sim_hours is not None:
        hours = float(section.sim_hours)
    else:
        flags = " or ".join(PARAMS[n].flag for n in RUN_LENGTH_PARAMS)
        raise CliError(f"{flags}: give how long each run lasts")
    return max(1, round(hours / base.timing.step_hours))


def _whole(flag: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CliError(f"{flag}: must be a whole number, got {text!r}") from None
    if value < 1:
        raise CliError(f"{flag}: must be ≥ 1, got {value}")
    return value


def _run_with_progress(session: SweepSession, runner: Any) -> None:
    """Run, with a progress bar (runs done, failures, ETA) on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        session.run(runner)
        return
    from rich.console import Console

    from phoenix_gui.cli.sweep_progress import sweep_progress

    with sweep_progress(Console(file=sys.stderr), session) as on_row:
        session.run(runner, on_row)


def _plot(session: SweepSession, path: Path, metrics: tuple[str, ...]) -> None:
    try:
        from phoenix_gui.qt.experiments.figure_png import save_png
    except ImportError as exc:  # pragma: no cover - Qt is a dependency of every build
        raise CliError(f"--plot: charts need the window's libraries: {exc}") from None
    try:
        save_png(path, session.design, list(session.rows.values()), metrics)
    except OSError as exc:
        raise CliError(f"--plot: cannot write {path}: {exc.strerror or exc}") from None
