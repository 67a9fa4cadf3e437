"""`phoenix-flight compare`: run two scenarios (or a scenario and one of its variants) and show
their summaries side by side, with the difference B − A of every number.

``compare A.yaml B.yaml`` runs two files; ``compare LESSON.yaml --variant drain`` runs the
lesson and its ``drain`` variant (``variants:`` in the file), which starts from the same seed
unless the variant changes it. Both run the same number of steps: ``--steps``/``--sim-hours``,
or the longer of the two scenarios' own lengths.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from phoenix_gui.cli.common import add_param_option, param_value
from phoenix_gui.cli.errors import CliError
from phoenix_gui.cli.run_cmd import scenario_hours
from phoenix_gui.engine import MetricsError, Simulation, SimulationConfig
from phoenix_gui.params import PARAMS, RUN_LENGTH_PARAMS

# Rows of the text table: (label, summary key path), in reading order.
ROWS = (
    ("steps", "steps"), ("simulated hours", "sim_hours"), ("members at the end", "members"),
    ("joins", "joins"), ("leaves", "leaves"), ("crashes", "crashes"),
    ("migrations", "migrations"), ("tasks completed", "tasks_completed"),
    ("tasks denied", "tasks_denied"), ("tasks lost", "tasks_lost"),
    ("work lost (h)", "work_lost"), ("work lost, graceful (h)", "work_lost_graceful"),
    ("configured DHS %", "configured.dhs"), ("observed MCR /h", "observed.mcr"),
    ("observed SI", "observed.si"), ("observed DHS %", "observed.dhs"),
    ("observed status", "observed.status"), ("audit records", "audit_records"),
)  # fmt: skip


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="run two scenarios (or a scenario and its variant) side by side",
        description="Run scenario A and scenario B (or A's --variant) for the same number of "
        "steps and print both summaries and B − A.",
    )
    parser.add_argument("a", metavar="A", help="scenario file")
    parser.add_argument("b", metavar="B", nargs="?", help="second scenario file")
    parser.add_argument("--variant", metavar="NAME", help="compare A with its variant NAME")
    length = parser.add_mutually_exclusive_group()
    for name in RUN_LENGTH_PARAMS:
        add_param_option(length, PARAMS[name], name.upper(), details=False)
    parser.add_argument("--json", action="store_true", help='print {"a", "b", "diff"} as JSON')
    parser.set_defaults(handler=_compare)


def _load(path: str, variant: str | None = None) -> tuple[SimulationConfig, float]:
    """The configuration of ``path`` (or of its variant) and the hour the variant branches."""
    from phoenix_gui.scenario import (
        ScenarioError,
        branch_hour,
        load_scenario,
        scenario_to_config,
        variant_scenario,
    )

    try:
        scenario = load_scenario(path)
        if variant is None:
            return scenario_to_config(scenario), 0.0
        if variant not in scenario.variants:
            known = ", ".join(sorted(scenario.variants)) or "none"
            raise CliError(f"--variant: {path} has no variant {variant!r} (it has: {known})")
        hour = branch_hour(scenario, variant)
        return scenario_to_config(variant_scenario(scenario, variant)), hour
    except ScenarioError as exc:
        text = str(exc)
        raise CliError(text if text.startswith(path) else f"{path}: {text}") from None


def _configs(args: argparse.Namespace) -> tuple[SimulationConfig, SimulationConfig, float]:
    if (args.b is None) == (args.variant is None):
        raise CliError("give a second scenario B or --variant NAME (one of the two)")
    a, _ = _load(args.a)
    b, hour = _load(args.b) if args.b is not None else _load(args.a, args.variant)
    return a, b, hour


def _steps(args: argparse.Namespace, a: SimulationConfig, b: SimulationConfig) -> int:
    if args.steps is not None:
        return int(param_value(PARAMS["steps"], args.steps))
    if a.timing.step_hours != b.timing.step_hours and args.sim_hours is None:
        raise CliError("A and B use different steps: give --steps")
    if args.sim_hours is not None:
        hours = float(param_value(PARAMS["sim_hours"], args.sim_hours))
    else:
        hours = max(scenario_hours(a), scenario_hours(b))
    return max(1, round(hours / a.timing.step_hours))


def run_pair(
    a_cfg: SimulationConfig, b_cfg: SimulationConfig, steps: int, branch_step: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run A for ``steps`` steps, and B: from the start, or — when it branches — as a copy of
    A at ``branch_step`` that goes on with B's parameters and script. Returns both summaries."""
    try:
        a = Simulation(a_cfg)
        if branch_step <= 0:
            b = Simulation(b_cfg)
        else:
            a.run(steps=min(branch_step, steps))
            b = a.branch(b_cfg)
    except (ValueError, MetricsError) as exc:
        raise CliError(f"B: {exc}") from None
    a.run(steps=steps - a.step_index)
    b.run(steps=steps - b.step_index)
    return a.summary(), b.summary()


def diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """B − A for every number both summaries have (nested sections as ``section.key``)."""
    out: dict[str, Any] = {}
    for key, va in a.items():
        if key in ("seed", "entropy"):
            continue
        vb = b.get(key)
        if isinstance(va, dict) and isinstance(vb, dict):
            for sub, value in diff(va, vb).items():
                out[f"{key}.{sub}"] = value
        elif _number(va) and _number(vb):
            delta = vb - va
            out[key] = round(delta, 6) if isinstance(delta, float) else delta
    return out


def _number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _get(summary: dict[str, Any], path: str) -> Any:
    value: Any = summary
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
    return str(value)


def _compare(args: argparse.Namespace) -> int:
    a_cfg, b_cfg, hour = _configs(args)
    steps = _steps(args, a_cfg, b_cfg)
    branch_step = round(hour / a_cfg.timing.step_hours)
    a, b = run_pair(a_cfg, b_cfg, steps, branch_step)
    delta = diff(a, b)
    if args.json:
        print(json.dumps({"a": a, "b": b, "diff": delta}, ensure_ascii=False))
        return 0
    b_label = f"B ({args.variant})" if args.variant else "B"
    print(f"A: {a['name']} (seed {a['seed']})")
    branched = f", branched from A at hour {hour:g}" if branch_step > 0 else ""
    print(f"{b_label}: {b['name']} (seed {b['seed']}{branched})")
    width = max(len(label) for label, _ in ROWS)
    print(f"{'':<{width}}  {'A':>12}  {'B':>12}  {'B − A':>12}")
    for label, key in ROWS:
        d = delta.get(key)
        print(
            f"{label:<{width}}  {_cell(_get(a, key)):>12}  {_cell(_get(b, key)):>12}  "
            f"{'' if d is None else _cell(d):>12}"
        )
    return 0
