"""`phoenix-flight metrics`: the membership metrics of DESIGN.md §3 for given J, L, Δt, T, C.

The flags, their defaults and their ranges come from :data:`phoenix_gui.params.PARAMS`
(STYLE.md rule 5), so this command, the sliders and the scenario schema can never disagree.
Values are read as text and checked by :func:`phoenix_gui.cli.common.param_value` rather than
by argparse's ``type=`` so every error has the same shape: ``--hours: must be in [0.01, 10000],
got 0`` and exit status 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from phoenix_gui.cli.common import add_param_option, emit, emit_json, metrics_error, param_value
from phoenix_gui.engine import HealthBands, MetricInputs, MetricsError, compute
from phoenix_gui.params import METRIC_INPUT_PARAMS, METRIC_PARAMS, PARAMS

# One flag per metric input: the source document's five, then the two WMCR weights.
FLAG_PARAMS = METRIC_INPUT_PARAMS


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "metrics",
        help="compute MCR, WMCR, SI and DHS from J, L, Δt, T and C",
        description="Membership metrics: MCR = (J + L) / Δt, WMCR = (w_j·J + w_l·L) / Δt, "
        "SI = 1 / (1 + MCR), DHS = 100 · (SI + T + C) / 3 with its status band. "
        "Prints each formula with the numbers filled in.",
    )
    for name in FLAG_PARAMS:
        metavar = name[0].upper() if name in METRIC_PARAMS else "W"
        add_param_option(parser, PARAMS[name], metavar)
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object with mcr, wmcr, si, dhs (percent) and status",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    values = {name: param_value(PARAMS[name], getattr(args, name)) for name in FLAG_PARAMS}
    try:
        inputs = MetricInputs(**values)
    except MetricsError as exc:
        raise metrics_error(exc) from None
    bands = HealthBands()
    metrics = compute(inputs, bands)
    if args.json:
        emit_json(metrics.as_dict())
        return 0
    emit(
        "Membership metrics for "
        f"J = {inputs.joins:g}, L = {inputs.leaves:g}, Δt = {inputs.hours:g} h, "
        f"T = {inputs.trust:g}, C = {inputs.compliance:g}"
    )
    for line in metrics.formulas():
        emit("  " + line)
    emit(
        f"Status: {metrics.status} (DHS ≥ {bands.healthy:g} % Healthy, "
        f"≥ {bands.degraded:g} % Degraded, otherwise Critical)"
    )
    return 0
