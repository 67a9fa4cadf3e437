"""Helpers the sub-commands share: reading a parameter flag and printing text or JSON.

Parameter flags are read as text and checked against their spec in
:data:`phoenix_gui.params.PARAMS` here rather than by argparse's ``type=``, so every bad value
gets the same message shape (``--hours: must be in [0.01, 10000], got 0``) and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from phoenix_gui.cli.errors import CliError
from phoenix_gui.engine import MetricsError
from phoenix_gui.params import PARAMS, ParamError, ParamSpec


def add_param_option(
    parser: argparse._ActionsContainer,
    spec: ParamSpec,
    metavar: str,
    *,
    default: str | None = None,
) -> None:
    """Add ``spec.flag``; the raw text is kept and checked by :func:`param_value`.

    The help gives the type, range, unit and the default: the table's, or ``default`` when the
    command takes it from elsewhere (``run``: the scenario's value when one is given).
    """
    unit = f" {spec.unit}" if spec.unit else ""
    text = f"{spec.help}; {spec.kind} in {spec.range_text}{unit}"
    text += f" (default: {spec.default:g})" if default is None else f" (default: {default})"
    parser.add_argument(spec.flag, dest=spec.name, metavar=metavar, default=None, help=text)


def metrics_error(exc: MetricsError) -> CliError:
    """A rule of the metric inputs beyond the ranges (e.g. a rate that overflows), named by
    the flag of the field it is about."""
    flag = PARAMS[exc.field].flag if exc.field in PARAMS else exc.field
    return CliError(f"{flag}: {exc.message}")


def param_value(spec: ParamSpec, text: str | None, flag: str | None = None) -> float | int:
    """The option's value (its default when absent), validated against ``spec``.

    Errors name ``flag``, which defaults to ``spec.flag`` (an option may reuse another
    parameter's range under its own name, e.g. ``ring --task-count`` checks ``tasks``).
    """
    field = spec.flag if flag is None else flag
    if text is None:
        return spec.validate(spec.default, field=field)
    number: float | int
    try:
        number = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise CliError(f"{field}: must be a number, got {text!r}") from None
    try:
        return spec.validate(number, field=field)
    except ParamError as exc:
        raise CliError(str(exc)) from None


def scenario_arg(text: str) -> str:
    """The scenario file a SCENARIO argument names: a path, or a bundled lesson's name
    (:func:`phoenix_gui.resources.scenario_source`); CliError naming it when it is neither."""
    from phoenix_gui.resources import ScenarioNotFoundError, scenario_source

    try:
        return str(scenario_source(text))
    except ScenarioNotFoundError as exc:
        raise CliError(str(exc)) from None


def emit(text: str) -> None:
    """Print, degrading symbols such as Δ, ≥ or → to '?' on a terminal that cannot show them
    (no traceback)."""
    try:
        print(text)
    except UnicodeEncodeError:
        encoding = sys.stdout.encoding or "ascii"
        print(text.encode(encoding, "replace").decode(encoding))


def emit_json(value: Any) -> None:
    """Print ``value`` as one line of JSON, non-ASCII kept as is (see :func:`emit`)."""
    emit(json.dumps(value, ensure_ascii=False))
