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
from typing import Any

from phoenix_gui.cli.common import add_param_option, metrics_error, param_value, scenario_arg
from phoenix_gui.cli.errors import CliError
from phoenix_gui.cli.outputs import OutputError, Outputs, check_distinct
from phoenix_gui.cli.state_opts import (
    add_state_options,
    check_resume_args,
    resumed_simulation,
    save_state,
)
from phoenix_gui.engine import (
    PARADIGMS,
    RETIREMENT_MODES,
    Event,
    MetricsError,
    Simulation,
    SimulationConfig,
    with_parameters,
)
from phoenix_gui.files import InputFileError, open_input
from phoenix_gui.params import PARAMS, RUN_LENGTH_PARAMS, SEED_MAX
from phoenix_gui.scenario.costs import arrivals_problem
from phoenix_gui.scenario.limits import MAX_RUN_TASKS

Loc = tuple[str | int, ...]

# Flags taken from the parameter table, in --help order.
RUN_PARAMS = (
    "hosts", "vnodes", "tasks", "arrival_rate", "joins", "leaves", "hours", "trust",
    "reliability", "compliance", "crash_share", "w_join", "w_leave",
)  # fmt: skip


_LENGTH_DEFAULT = "a scenario runs to its last event; without one, give this or the other"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a simulation headless (CSV, audit log, JSON summary)",
        description="Simulate Dynamic Membership Architecture without the window. "
        "--hours is the metrics period Δt; --sim-hours (or --steps) is how long to run.",
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="scenario file (YAML) or bundled lesson name, e.g. ring-join (see: lessons); "
        "default: none, the built-in defaults shown below",
    )
    base = SimulationConfig()
    parser.add_argument(
        "--paradigm",
        choices=PARADIGMS,
        default=None,
        help=f"assignment model (default: the scenario's, else {base.paradigm})",
    )
    parser.add_argument(
        "--retirement",
        choices=RETIREMENT_MODES,
        default=None,
        help="how a member retires: drain (checkpointed migration) or evict (tasks back to "
        "PENDING at their last checkpoint, then rescheduled) (default: the scenario's, else "
        "drain)",
    )
    for name in RUN_PARAMS:
        spec = PARAMS[name]
        add_param_option(
            parser, spec, name.upper(), default=f"the scenario's, else {spec.default:g}"
        )
    parser.add_argument(
        "--seed",
        default=None,
        help=f"random seed, a whole number ≥ 0 (default: the scenario's, else {base.seed})",
    )
    length = parser.add_mutually_exclusive_group()
    for name in RUN_LENGTH_PARAMS:
        add_param_option(length, PARAMS[name], name.upper(), default=_LENGTH_DEFAULT)
    parser.add_argument(
        "--csv", metavar="FILE", help="write per-step metrics rows here (default: none)"
    )
    parser.add_argument(
        "--audit",
        metavar="FILE",
        help="stream the audit log (JSON lines) here (default: none; the summary still "
        "gives the head hash)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON summary object")
    add_state_options(parser)
    parser.set_defaults(handler=_run)


def load_base(name: str | None) -> SimulationConfig:
    """The scenario's configuration (a file or a lesson name), or the defaults without one."""
    return load_located(name)[0]


def load_located(name: str | None) -> tuple[SimulationConfig, Callable[[Loc], str] | None]:
    """:func:`load_base`, plus where each field of the file is (None without a file)."""
    if name is None:
        return SimulationConfig(), None
    path = scenario_arg(name)
    try:
        from phoenix_gui.scenario import ScenarioError
        from phoenix_gui.scenario.loading import load_config_located
    except ImportError as exc:  # pragma: no cover - the scenario package is part of the build
        raise CliError(f"scenario files are not supported in this build: {exc}") from None
    try:
        return load_config_located(path)
    except ScenarioError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from None


def build_config(
    args: argparse.Namespace, base: SimulationConfig | None = None
) -> SimulationConfig:
    """The scenario (or defaults) with every explicitly given flag applied on top."""
    cfg = load_base(args.scenario) if base is None else base
    given = {
        n: param_value(PARAMS[n], getattr(args, n))
        for n in RUN_PARAMS
        if getattr(args, n) is not None
    }
    try:
        cfg = with_parameters(cfg, given)
    except MetricsError as exc:
        raise metrics_error(exc) from None
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
    event plus one step (one period Δt when it has no timeline). Refused when the run would
    create more tasks than a run may (arrivals over its length) or take more steps than
    ``--steps`` allows."""
    step = cfg.timing.step_hours
    if args.steps is not None:
        flag = "--steps"
        steps = int(param_value(PARAMS["steps"], args.steps))
    else:
        if args.sim_hours is not None:
            flag = "--sim-hours"
            hours = float(param_value(PARAMS["sim_hours"], args.sim_hours))
        elif args.scenario is not None:
            flag = "SCENARIO"
            hours = scenario_hours(cfg)
        else:
            raise CliError(
                "give --sim-hours or --steps (a SCENARIO file runs to its end by itself)"
            )
        steps = max(1, round(hours / step))
        most = int(PARAMS["steps"].maximum)
        if steps > most:
            raise CliError(
                f"{flag}: {hours:g} h is {steps} steps of {step:g} h; a run takes at most {most}"
            )
    scripted = sum(e.count for e in cfg.timeline if e.kind == "submit")
    problem = arrivals_problem(
        cfg.workload.arrival_rate,
        cfg.workload.initial_tasks + scripted,
        steps * step,
        MAX_RUN_TASKS,
    )
    if problem is not None:
        raise CliError(f"{flag}: {problem} (workload.arrival_rate)")
    return steps


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
    resumed: Simulation | None = None
    place: Callable[[Loc], str] | None = None
    if args.resume is not None:
        # Read and check the state before any output file is opened.
        try:
            open_input(args.resume).close()  # a regular file: a FIFO would block the reader
        except InputFileError as exc:
            raise CliError(f"--resume: {exc}") from None
        resumed = resumed_simulation(args.resume, None)
        cfg = resumed.config
    else:
        base, place = load_located(args.scenario)
        cfg = build_config(args, base)
    steps = _steps(args, cfg)
    targets = {
        flag: path
        for flag, path in (
            ("--audit", args.audit),
            ("--csv", args.csv),
            ("--save-state", args.save_state),
        )
        if path is not None
    }
    inputs = {
        name: path
        for name, path in (
            ("SCENARIO", scenario_arg(args.scenario) if args.scenario else None),
            ("--resume", args.resume),
        )
        if path is not None
    }
    check_distinct(targets, inputs)
    try:
        # Nothing is created before this point; a refusal below removes what was started.
        with Outputs() as outputs:
            summary = _simulate(args, cfg, steps, place, outputs, resumed)
            outputs.commit()
    except OutputError as exc:
        print(f"phoenix-flight run: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        _print_summary(summary)
    if summary["interrupted"]:
        print(f"phoenix-flight run: interrupted after {summary['steps']} steps", file=sys.stderr)
        return 130
    return 0


def _simulate(
    args: argparse.Namespace,
    cfg: SimulationConfig,
    steps: int,
    place: Callable[[Loc], str] | None,
    outputs: Outputs,
    resumed: Simulation | None = None,
) -> dict[str, Any]:
    """Run, seal the audit log and return the summary; outputs are written, not committed."""
    audit = outputs.open("--audit", args.audit) if args.audit is not None else None
    table = outputs.open("--csv", args.csv) if args.csv is not None else None
    try:
        # Headless: the log streams to its file and keeps only recent records in memory.
        if resumed is not None:
            sim = resumed
            sim.audit.resume(audit, keep=False)
        else:
            sim = Simulation(cfg, audit_sink=audit, keep_audit=False)
    except (ValueError, MetricsError) as exc:
        # A scenario's own values were checked by its schema, so what the engine refuses here
        # comes from the flags: name the flag ("hours: …" → "--hours: …").
        text = str(exc)
        name = text.split(":", 1)[0]
        if name in PARAMS:
            text = PARAMS[name].flag + text[len(name) :]
        raise CliError(text) from None
    ignored = IgnoredEvents(sim, cfg, place)
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

    with _stop_on_sigint(sim):
        _loop(sim, steps, on_step)
        if args.save_state is not None:
            # Before the closing record: a resumed run continues the chain from here, and
            # closes it itself when it ends.
            save_state(args.save_state, sim)
        # The closing record: how many records the log holds, and that it is complete.
        sim.audit.seal(sim.time, interrupted=sim.stopped)
    summary = sim.summary()
    summary["interrupted"] = sim.stopped
    summary["events_ignored"] = ignored.count
    return summary


class IgnoredEvents:
    """Scripted events that could not apply (a member not present, a refused change): one
    stderr line each, with the event's place in the scenario file, and a count."""

    KINDS = ("request_ignored", "leave_suppressed")

    def __init__(
        self, sim: Simulation, cfg: SimulationConfig, place: Callable[[Loc], str] | None
    ) -> None:
        self.sim = sim
        self.timeline = sorted(cfg.timeline, key=lambda e: e.at)  # the engine's order
        self.place = place
        self.count = 0
        sim.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        index = self.sim.requests.firing
        if event.kind not in self.KINDS or index is None:
            return
        self.count += 1
        scripted = self.timeline[index]
        where = f"{self.place(('timeline', index))}: " if self.place is not None else ""
        reason = event.details.get("reason") or event.kind.replace("_", " ")
        if event.kind == "leave_suppressed":
            active = event.details.get("active")
            reason = f"a leave would leave fewer than churn.min_members active ({active} now)"
        what = scripted.kind + (f" of {scripted.target!r}" if scripted.target else "")
        print(
            f"phoenix-flight run: {where}timeline[{index}]: {what} at hour "
            f"{scripted.at:g} not applied (hour {event.time:g}): {reason}",
            file=sys.stderr,
        )


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
    if s.get("events_ignored"):
        print(f"  scripted events not applied: {s['events_ignored']} (listed on stderr)")
    print(f"  audit: {s['audit_records']} records, head {s['audit_head']} (keep these to check "
          "the log: audit verify FILE --head HASH --count N)")  # fmt: skip
    for line in s["warnings"]:
        print(f"  warning: {line}")


def _fixed(value: float | None, digits: int) -> str:
    """``value`` with ``digits`` decimals, or "n/a" when it is undefined (no observations)."""
    return "n/a" if value is None else f"{value:.{digits}f}"
