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
    parser: argparse._ActionsContainer, spec: ParamSpec, metavar: str, *, details: bool = True
) -> None:
    """Add ``spec.flag``; the raw text is kept and checked by :func:`param_value`.

    The help gives the type and range; with ``details`` also the unit and the table's default
    (``run`` leaves them out: its defaults come from the scenario or the engine's config).
    """
    low = "(" if spec.min_exclusive else "["
    text = f"{spec.help}; {spec.kind} in {low}{spec.minimum:g}, {spec.maximum:g}]"
    if details:
        unit = f" {spec.unit}" if spec.unit else ""
        text += f"{unit} (default {spec.default:g})"
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
