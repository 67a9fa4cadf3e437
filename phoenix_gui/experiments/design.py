"""What a sweep varies: parsing, the grid of cells, per-run seeds, applying values to a config.

``NAME=V1,V2,…`` lists values; ``NAME=START:STOP:STEP`` is an inclusive range (STOP is kept
when the steps land on it). NAME is a parameter of the table in :mod:`phoenix_gui.params`
that a run can set from the command line (the flags of ``phoenix-flight run``) or
``paradigm``. Every value is checked against the parameter's spec here, before any run starts.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass

import numpy as np

from phoenix_gui.engine import PARADIGMS, MetricsError, SimulationConfig, with_parameters
from phoenix_gui.params import PARAMS, ParamError

# Parameters a sweep may vary: the ones `phoenix-flight run` takes as flags, and the paradigm.
# The order is the one `run --help` lists.
NUMERIC_PARAMS = (
    "hosts", "vnodes", "tasks", "joins", "leaves", "hours", "trust", "compliance",
    "crash_share", "w_join", "w_leave",
)  # fmt: skip
VARIABLE_PARAMS = (*NUMERIC_PARAMS, "paradigm")

# Bounds that keep a typo from queueing a sweep that never ends.
MAX_VALUES = 10_000
MAX_RUNS = 1_000_000
MAX_REPLICATES = 10_000

Value = int | float | str


class ExperimentError(ValueError):
    """A bad sweep definition; ``field`` names the option or scenario key at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Vary:
    """One varied parameter and its values, in the order given."""

    name: str
    values: tuple[Value, ...]

    def text(self) -> str:
        """The ``NAME=V1,V2`` form that :func:`parse_vary` reads back."""
        return f"{self.name}=" + ",".join(_fmt(v) for v in self.values)


@dataclass(frozen=True)
class Design:
    """A whole sweep: the varied parameters, replicates per cell and steps per run."""

    varies: tuple[Vary, ...]
    replicates: int
    steps: int

    def __post_init__(self) -> None:
        names = [v.name for v in self.varies]
        if not names:
            raise ExperimentError("--vary", "give at least one parameter to vary")
        for name in names:
            if names.count(name) > 1:
                raise ExperimentError("--vary", f"{name} is varied twice")
        if not 1 <= self.replicates <= MAX_REPLICATES:
            raise ExperimentError(
                "--replicates", f"must be in [1, {MAX_REPLICATES}], got {self.replicates}"
            )
        if self.steps < 1:
            raise ExperimentError("--steps", f"must be ≥ 1, got {self.steps}")
        if self.runs > MAX_RUNS:
            raise ExperimentError(
                "--vary", f"{self.runs} runs is more than a sweep takes (at most {MAX_RUNS})"
            )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.varies)

    def cells(self) -> list[tuple[Value, ...]]:
        """Every combination of values; the first parameter varies slowest."""
        return list(itertools.product(*(v.values for v in self.varies)))

    @property
    def runs(self) -> int:
        return math.prod(len(v.values) for v in self.varies) * self.replicates


def parse_vary(text: str, field: str = "--vary") -> Vary:
    """``NAME=V1,V2,…`` or ``NAME=START:STOP:STEP`` → :class:`Vary` (checked values)."""
    name, sep, rest = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not name:
        raise ExperimentError(field, f"expected NAME=V1,V2 or NAME=START:STOP:STEP, got {text!r}")
    if name not in VARIABLE_PARAMS:
        raise ExperimentError(
            field, f"unknown parameter {name!r}; one of {', '.join(VARIABLE_PARAMS)}"
        )
    rest = rest.strip()
    where = f"{field} {name}"
    if name == "paradigm":
        values: list[Value] = [p.strip() for p in rest.split(",")]
        for p in values:
            if p not in PARADIGMS:
                raise ExperimentError(where, f"{p!r} is not a paradigm ({', '.join(PARADIGMS)})")
    elif ":" in rest:
        values = _range(where, name, rest)
    else:
        values = [_number(where, name, part) for part in rest.split(",")]
    if not values or values == [""]:
        raise ExperimentError(where, "give at least one value")
    if len(values) > MAX_VALUES:
        raise ExperimentError(where, f"{len(values)} values is more than {MAX_VALUES}")
    if len(set(values)) != len(values):
        raise ExperimentError(where, "a value is listed twice")
    return Vary(name, tuple(values))


def vary_from_values(name: str, values: list[Value], field: str) -> Vary:
    """A :class:`Vary` from already-typed values (a scenario's ``experiment`` section)."""
    return parse_vary(f"{name}=" + ",".join(_fmt(v) for v in values), field)


def _number(where: str, name: str, text: str) -> Value:
    text = text.strip()
    spec = PARAMS[name]
    try:
        number: float = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise ExperimentError(where, f"must be a number, got {text!r}") from None
    try:
        return spec.validate(number, field=where)
    except ParamError as exc:
        raise ExperimentError(where, exc.message) from None


def _range(where: str, name: str, text: str) -> list[Value]:
    parts = text.split(":")
    if len(parts) != 3:
        raise ExperimentError(where, f"a range is START:STOP:STEP, got {text!r}")
    start, stop, step = (float(_number(where, name, p)) if i < 2 else _step(where, p)
                         for i, p in enumerate(parts))  # fmt: skip
    if stop < start:
        raise ExperimentError(where, f"STOP ({_fmt(stop)}) is below START ({_fmt(start)})")
    span = (stop - start) / step  # inf for a denormal step: refused below, never floor()ed
    if not span < MAX_VALUES:
        raise ExperimentError(where, f"more than {MAX_VALUES} values from {text!r}")
    count = math.floor(span + 1e-9) + 1
    # Round away the binary noise of start + i·step (0.1 + 2·0.1 is 0.30000000000000004).
    raw = [float(f"{start + i * step:.12g}") for i in range(count)]
    return [_number(where, name, _fmt(x)) for x in raw]


def _step(where: str, text: str) -> float:
    try:
        step = float(text)
    except ValueError:
        raise ExperimentError(where, f"STEP must be a number, got {text!r}") from None
    if not math.isfinite(step) or step <= 0:
        raise ExperimentError(where, f"STEP must be > 0, got {text.strip()}")
    return step


def _fmt(v: Value) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def run_seed(scenario_seed: int, cell: int, replicate: int) -> int:
    """The seed of one run: the child (cell, replicate) of ``SeedSequence(scenario_seed)``.

    ``SeedSequence(s, spawn_key=(c, r))`` is exactly ``SeedSequence(s).spawn(c + 1)[c]
    .spawn(r + 1)[r]`` without building the siblings. Its 64 bits are cut to 63 so the seed
    fits the scenario format's range and a signed 64-bit integer anywhere.
    """
    child = np.random.SeedSequence(scenario_seed, spawn_key=(cell, replicate))
    return int(child.generate_state(1, np.uint64)[0]) >> 1


def apply_values(cfg: SimulationConfig, values: dict[str, Value]) -> SimulationConfig:
    """``cfg`` with each parameter set, exactly as ``phoenix-flight run --NAME VALUE`` sets it
    (tests/cli/test_sweep_cmd.py re-runs a row with ``run`` and compares the audit heads)."""
    numbers = {k: _numeric(v) for k, v in values.items() if k != "paradigm"}
    try:
        cfg = with_parameters(cfg, numbers)
    except MetricsError as exc:
        raise ExperimentError(exc.field, exc.message) from None
    if "paradigm" in values:
        paradigm = str(values["paradigm"])
        if paradigm not in PARADIGMS:
            raise ExperimentError("paradigm", f"{paradigm!r} is not one of {', '.join(PARADIGMS)}")
        cfg = dataclasses.replace(cfg, paradigm=paradigm)
    return cfg


def _numeric(v: Value) -> int | float:
    # Kept int or float as the spec made it, so the config equals the one `run` builds.
    if isinstance(v, str):
        raise ExperimentError("--vary", f"expected a number, got {v!r}")
    return v
