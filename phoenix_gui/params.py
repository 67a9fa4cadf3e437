"""Parameter specifications: declared once, as data.

The command line flags, the sliders of the controls dock and the ranges of the scenario schema
are all generated from :data:`PARAMS`, so a range is never written twice (STYLE.md rule 5).
No Qt and no YAML here: the engine, the scenario package, the CLI and the GUI all import it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal


class ParamError(ValueError):
    """A parameter value out of range; ``field`` names the parameter (or CLI option)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ParamSpec:
    """One tunable input: its name, meaning, type, range and presentation."""

    name: str  # attribute / scenario key, e.g. "joins"
    label: str  # what a slider shows, e.g. "Joins J"
    kind: Literal["int", "float"]
    default: float
    minimum: float
    maximum: float
    step: float
    unit: str = ""
    help: str = ""
    min_exclusive: bool = False  # Δt must be > 0, not ≥ 0
    percent: bool = False  # shown as 0–100 % in the GUI, stored as 0–1

    @property
    def flag(self) -> str:
        """The command line option, e.g. ``--crash-share``."""
        return "--" + self.name.replace("_", "-")

    def validate(self, value: float, field: str | None = None) -> float | int:
        """Return ``value`` coerced to the spec's type, or raise :class:`ParamError`."""
        where = field or self.name
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamError(where, f"must be a number, got {value!r}")
        if math.isnan(value) or math.isinf(value):
            raise ParamError(where, f"must be a finite number, got {value}")
        # Range before integrality: a huge integer is out of range, not "not whole" (its float
        # would lose the digits that make it whole).
        low_ok = value > self.minimum if self.min_exclusive else value >= self.minimum
        if not low_ok or value > self.maximum:
            low = "(" if self.min_exclusive else "["
            raise ParamError(
                where, f"must be in {low}{_fmt(self.minimum)}, {_fmt(self.maximum)}], got {value}"
            )
        if self.kind == "int" and float(value) != int(value):
            raise ParamError(where, f"must be a whole number, got {value}")
        return int(value) if self.kind == "int" else float(value)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# One spec per row reads as a table, so the formatter leaves it alone.
# fmt: off
_SPECS = (
    ParamSpec("joins", "Joins J", "int", 12, 0, 100_000, 1, "events",
              "join events J in the period Δt"),
    ParamSpec("leaves", "Leaves L", "int", 8, 0, 100_000, 1, "events",
              "leave events L in the period Δt"),
    # Δt ≥ 0.01 h, not just > 0: a value box can show every accepted value (2 decimals), so a
    # file, the command line and the sliders accept exactly the same periods.
    ParamSpec("hours", "Period Δt", "float", 24.0, 0.01, 10_000.0, 0.01, "h",
              "period Δt in hours over which J and L are counted"),
    ParamSpec("trust", "Trust T", "float", 0.95, 0.0, 1.0, 0.01, "",
              "trust T in [0, 1]: generated members' trust is drawn around it, and a unit of "
              "work fails (and is redone) with probability 1 − the member's trust",
              percent=True),
    ParamSpec("compliance", "Compliance C", "float", 0.98, 0.0, 1.0, 0.01, "",
              "share of authorised tasks C in [0, 1]", percent=True),
    ParamSpec("w_join", "Join weight w_j", "float", 0.5, 0.0, 10.0, 0.1, "",
              "disruption weight of a join in WMCR"),
    ParamSpec("w_leave", "Leave weight w_l", "float", 1.0, 0.0, 10.0, 0.1, "",
              "disruption weight of a leave in WMCR"),
    ParamSpec("hosts", "Hosts", "int", 10, 0, 5_000, 1, "members",
              "members at the start of the run"),
    ParamSpec("vnodes", "Virtual nodes", "int", 100, 1, 1_000, 1, "per host",
              "virtual nodes per host on the token ring"),
    ParamSpec("tasks", "Tasks", "int", 1_000, 0, 2_000_000, 100, "tasks",
              "tasks submitted at the start of the run"),
    ParamSpec("reliability", "Reliability", "float", 0.99, 0.0, 1.0, 0.01, "",
              "generated members' reliability in [0, 1] (scored by agentic and trust-weighted "
              "routing; separate from trust)", percent=True),
    ParamSpec("arrival_rate", "Arrival rate", "float", 20.0, 0.0, 1_000_000.0, 0.5, "tasks/h",
              "new tasks per hour (Poisson), so observed metrics stay defined"),
    ParamSpec("crash_share", "Crash share", "float", 0.25, 0.0, 1.0, 0.01, "",
              "share of leaves that are crashes (the rest retire gracefully)", percent=True),
    ParamSpec("speed", "Speed", "float", 10.0, 0.5, 120.0, 0.5, "steps/s",
              "simulation steps per second of wall time in the window"),
    # How long a headless run lasts (command line only): bounded so a typo cannot run forever.
    ParamSpec("sim_hours", "Simulated hours", "float", 48.0, 0.0, 1_000_000.0, 1.0, "h",
              "how long to simulate, in hours", min_exclusive=True),
    ParamSpec("steps", "Steps", "int", 192, 0, 10_000_000, 1, "steps",
              "how many steps to simulate"),
)
# fmt: on

PARAMS: dict[str, ParamSpec] = {spec.name: spec for spec in _SPECS}

# The largest seed: a scenario file, ``run --seed``, a sweep's per-run seeds and the window's
# seed box all accept 0 … SEED_MAX, so a seed that opens is a seed the window can show.
SEED_MAX = 2**63 - 1

# How long a headless run lasts: command line only, not part of a scenario or the sliders.
RUN_LENGTH_PARAMS = ("sim_hours", "steps")

# The source document's inputs to the metrics (DESIGN.md §3).
METRIC_PARAMS = ("joins", "leaves", "hours", "trust", "compliance")

# Every field of MetricInputs: the source document's inputs, then the two WMCR weights.
METRIC_INPUT_PARAMS = (*METRIC_PARAMS, "w_join", "w_leave")
