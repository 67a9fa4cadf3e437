"""`phoenix-flight run`: a headless simulation run with CSV, audit log and JSON summary.

Flags for the model's inputs come from :data:`phoenix_gui.params.PARAMS` (same specs as the
`metrics` command and the sliders). An optional SCENARIO file is loaded first and flags given
explicitly override it. ``--hours`` is the period Δt of the metrics; ``--sim-hours`` is how long
to simulate. A progress bar is shown only on a terminal; Ctrl-C stops at the next step boundary
and still writes the CSV rows, the audit log and the summary of what was done.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import json
import signal
import sys
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, TextIO

from phoenix_gui.cli.common import add_param_option, metrics_error, param_value
from phoenix_gui.cli.errors import CliError
from phoenix_gui.cli.state_opts import (
    add_state_options,
    check_resume_args,
    resumed_simulation,
    save_state,
)
from phoenix_gui.engine import (
    PARADIGMS,
    RETIREMENT_MODES,
    MetricsError,
    Simulation,
    SimulationConfig,
)
from phoenix_gui.params import METRIC_INPUT_PARAMS, PARAMS, RUN_LENGTH_PARAMS, SEED_MAX

# Flags taken from the parameter table, in --help order.
RUN_PARAMS = (
    "hosts", "vnodes", "tasks", "arrival_rate", "joins", "leaves", "hours", "trust",
    "reliability", "compliance", "crash_share", "w_join", "w_leave",
)  # fmt: skip


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a simulation headless (CSV, audit log, JSON summary)",
        description="Simulate Dynamic Membership Architecture without the window. "
        "--hours is the metrics period Δt; --sim-hours (or --steps) is how long to run.",
    )
    parser.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario file (YAML)")
    parser.add_argument("--paradigm", choices=PARADIGMS, default=None, help="assignment model")
    parser.add_argument(
        "--retirement",
        choices=RETIREMENT_MODES,
        default=None,
        help="how a member retires: drain (checkpointed migration, the default) or evict "
        "(tasks back to PENDING at their last checkpoint, then rescheduled)",
    )
    for name in RUN_PARAMS:
        add_param_option(parser, PARAMS[name], name.upper(), details=False)
        if name == "arrival_rate":  # the one whose default a user must know to read the run
            parser._option_string_actions[
                PARAMS[name].flag
            ].help += f" (default {PARAMS[name].default:g} without a scenario)"
    parser.add_argument("--seed", default=None, help="random seed (whole number ≥ 0)")
    length = parser.add_mutually_exclusive_group()
    for name in RUN_LENGTH_PARAMS:
        add_param_option(length, PARAMS[name], name.upper(), details=False)
    parser.add_argument("--csv", metavar="FILE", help="write per-step metrics rows here")
    parser.add_argument("--audit", metavar="FILE", help="stream the audit log (JSON lines) here")
    parser.add_argument("--json", action="store_true", help="print one JSON summary object")
    add_state_options(parser)
    parser.set_defaults(handler=_run)


def load_base(path: str | None) -> SimulationConfig:
    """The scenario file's configuration, or the defaults when no file is given."""
    if path is None:
        return SimulationConfig()
    try:
        from phoenix_gui.scenario import ScenarioError, load_config
    except ImportError as exc:  # pragma: no cover - the scenario package is part of the build
        raise CliError(f"scenario files are not supported in this build: {exc}") from None
    try:
        return load_config(path)
    except ScenarioError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from None


def build_config(args: argparse.Namespace) -> SimulationConfig:
    """The scenario (or defaults) with every explicitly given flag applied on top."""
    cfg = load_base(args.scenario)
    given = {
        n: param_value(PARAMS[n], getattr(args, n))
        for n in RUN_PARAMS
        if getattr(args, n) is not None
    }
    metrics = {k: v for k, v in given.items() if k in METRIC_INPUT_PARAMS}
    try:
        if metrics:
            cfg = dataclasses.replace(cfg, metrics=dataclasses.replace(cfg.metrics, **metrics))
    except MetricsError as exc:
        raise metrics_error(exc) from None
    if "hosts" in given:
        cfg = dataclasses.replace(
            cfg, members=dataclasses.replace(cfg.members, generate=int(given["hosts"]))
        )
    if "vnodes" in given:
        cfg = dataclasses.replace(
            cfg, ring=dataclasses.replace(cfg.ring, vnodes=int(given["vnodes"]))
        )
    if "tasks" in given:
        wl = dataclasses.replace(cfg.workload, initial_tasks=int(given["tasks"]))
        cfg = dataclasses.replace(cfg, workload=wl)
    if "arrival_rate" in given:
        wl = dataclasses.replace(cfg.workload, arrival_rate=float(given["arrival_rate"]))
        cfg = dataclasses.replace(cfg, workload=wl)
    if "reliability" in given:
        template = dataclasses.replace(
            cfg.members.template, reliability=float(given["reliability"])
        )
        cfg = dataclasses.replace(cfg, members=dataclasses.replace(cfg.members, template=template))
    if "crash_share" in given:
        churn = dataclasses.replace(cfg.churn, crash_share=float(given["crash_share"]))
        cfg = dataclasses.replace(cfg, churn=churn)
    if args.paradigm is not None:
        cfg = dataclasses.replace(cfg, paradigm=args.paradigm)
    if args.retirement is not None:
        cfg = dataclasses.replace(cfg, retirement=args.retirement)
    if args.seed is not None:
        cfg = dataclasses.replace(cfg, seed=_whole("--seed", args.seed, 0))
    return cfg


def _whole(flag: str, text: str, minimum: int, maximum: int = SEED_MAX) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CliError(f"{flag}: must be a whole number, got {text!r}") from None
    if value < minimum:
        raise CliError(f"{flag}: must be ≥ {minimum}, got {value}")
    if value > maximum:
        raise CliError(f"{flag}: must be ≤ {maximum}, got {value}")
    return value


def _steps(args: argparse.Namespace, cfg: SimulationConfig) -> int:
    """Steps to run: --steps, or --sim-hours, or — for a scenario — up to its last timeline
    event plus one step (one period Δt when it has no timeline)."""
    if args.steps is not None:
        return int(param_value(PARAMS["steps"], args.steps))
    if args.sim_hours is not None:
        hours = float(param_value(PARAMS["sim_hours"], args.sim_hours))
    elif args.scenario is not None:
        hours = scenario_hours(cfg)
    else:
        raise CliError("give --sim-hours or --steps (a SCENARIO file runs to its end by itself)")
    return max(1, round(hours / cfg.timing.step_hours))


def scenario_hours(cfg: SimulationConfig) -> float:
    """How long a scenario runs when no length is given: to its last scripted event plus one
    step, so that event takes effect; one period Δt when nothing is scripted."""
    if not cfg.timeline:
        return cfg.metrics.hours
    return max(e.at for e in cfg.timeline) + cfg.timing.step_hours


@contextlib.contextmanager
def _stop_on_sigint(sim: Simulation) -> Iterator[None]:
    """Ctrl-C asks the run to stop at the next step boundary instead of tearing it mid-step."""

    def handler(signum: int, frame: FrameType | None) -> None:
        sim.stopped = True

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: no handler, Ctrl-C behaves as usual
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _run(args: argparse.Namespace) -> int:
    check_resume_args(args)
    resumed = args.resume is not None
    cfg = SimulationConfig() if resumed else build_config(args)
    if resumed:
        # Read and check the state before any output file is opened.
        sim = resumed_simulation(args.resume, None)
        cfg = sim.config
    steps = _steps(args, cfg)
    with contextlib.ExitStack() as stack:
        audit = _open(stack, args.audit, "--audit")
        table = _open(stack, args.csv, "--csv")
        try:
            if resumed:
                sim.audit.resume(audit)
            else:
                sim = Simulation(cfg, audit_sink=audit)
        except (ValueError, MetricsError) as exc:
            raise CliError(str(exc)) from None
        writer: csv.DictWriter[str] | None = None

        def on_step() -> None:
            nonlocal writer
            if table is None:
                return
            row = sim.snapshot().row()
            if writer is None:
                writer = csv.DictWriter(table, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)

        stack.enter_context(_stop_on_sigint(sim))
        _loop(sim, steps, on_step)
        if args.save_state is not None:
            save_state(args.save_state, sim)
        if audit is not None:
            audit.flush()
    summary = sim.summary()
    summary["interrupted"] = sim.stopped
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        _print_summary(summary)
    if sim.stopped:
        print(f"phoenix-flight run: interrupted after {sim.step_index} steps", file=sys.stderr)
        return 130
    return 0


def _open(stack: contextlib.ExitStack, path: str | None, flag: str) -> TextIO | None:
    if path is None:
        return None
    try:
        return stack.enter_context(open(path, "w", encoding="utf-8", newline=""))
    except OSError as exc:
        raise CliError(f"{flag}: cannot write {path}: {exc.strerror or exc}") from None


def _loop(sim: Simulation, steps: int, on_step: Callable[[], None]) -> None:
    """Step ``steps`` times (or until stopped), with a progress bar on stderr when stderr is a
    terminal — so `run --json > out.json` still shows progress, and pipes and logs stay clean."""
    if not sys.stderr.isatty():
        sim.run(steps=steps, progress=lambda done, total: on_step())
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=sys.stderr), transient=True) as bar:
        job = bar.add_task("simulating", total=steps)

        def progress(done: int, total: int) -> None:
            on_step()
            bar.update(job, advance=1)

        sim.run(steps=steps, progress=progress)


def _print_summary(s: dict[str, Any]) -> None:
    head = f"{s['name']} ({s['paradigm']}), seed {s['seed']}"
    print(f"{head}: {s['sim_hours']:g} h in {s['steps']} steps")
    print(f"  joins {s['joins']}, leaves {s['leaves']} ({s['crashes']} crashes), "
          f"suppressed leaves {s['suppressed_leaves']}, migrations {s['migrations']}")  # fmt: skip
    print(f"  tasks completed {s['tasks_completed']}, denied {s['tasks_denied']}, "
          f"pending {s['tasks_pending']}, lost {s['tasks_lost']}; "
          f"retirement by {s['retirement']}")  # fmt: skip
    print(f"  crash cost: work lost {s['work_lost']:g} h, stranded until detection "
          f"{s['work_delayed']:g} task-h; graceful moves lost {s['work_lost_graceful']:g} h; "
          f"evictions lost {s['work_lost_evicted']:g} h")  # fmt: skip
    print(f"  units of work {s['work_units']}, failed and redone {s['retries']} "
          f"({s['work_redone']:g} h); events ignored {s['events_ignored']}")  # fmt: skip
    for label in ("configured", "observed"):
        m = s[label]
        # as_dict already wrote DHS with the decimals that keep it inside its band.
        dhs = "n/a" if m["dhs"] is None else f"{m['dhs']:.1f} % {m['status']}"
        if m["dhs"] is not None and round(m["dhs"], 1) != m["dhs"]:
            dhs = f"{m['dhs']} % {m['status']}"
        print(f"  {label:<10} MCR {_fixed(m['mcr'], 4)}  WMCR {_fixed(m['wmcr'], 4)}  "
              f"SI {_fixed(m['si'], 4)}  DHS {dhs}")  # fmt: skip
    inputs = s["observed_inputs"]
    print(f"  observed inputs  T {_fixed(inputs['trust'], 4)}  C {_fixed(inputs['compliance'], 4)}"
          f"  over {inputs['hours']:g} h")  # fmt: skip
    print(f"  audit: {s['audit_records']} records, head {s['audit_head']}")
    for line in s["warnings"]:
        print(f"  warning: {line}")


def _fixed(value: float | None, digits: int) -> str:
    """``value`` with ``digits`` decimals, or "n/a" when it is undefined (no observations)."""
    return "n/a" if value is None else f"{value:.{digits}f}"
