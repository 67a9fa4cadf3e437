"""Membership metrics of the source document (DESIGN.md §3) and balance statistics.

MCR  = (J + L) / Δt                     events per hour
WMCR = (w_j·J + w_l·L) / Δt
SI   = 1 / (1 + MCR)
DHS  = 100 · (SI + T + C) / 3           percent, banded Healthy / Degraded / Critical

Every input is validated before use and a bad one raises :class:`MetricsError` naming the
field, so no metric is ever NaN or infinite.

The status band is decided on exact decimals: each input is read as the decimal its float
was written as (its shortest repr: 0.4 is 4/10, not 0.40000000000000002…) and DHS is computed
as an exact fraction, so J = L = 0, T = C = 0.4 is exactly 60 and Degraded. The number shown
beside a band never contradicts it: :func:`dhs_text` writes DHS with one decimal, or with as
many more as it takes near an edge (79.97 reads "79.97", never "80.0 % Degraded").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

HEALTHY = "Healthy"
DEGRADED = "Degraded"
CRITICAL = "Critical"


class MetricsError(ValueError):
    """An invalid metric input; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class HealthBands:
    """DHS thresholds in percent: ≥ healthy is Healthy, ≥ degraded is Degraded."""

    healthy: float = 80.0
    degraded: float = 60.0

    def __post_init__(self) -> None:
        _finite("bands.healthy", self.healthy)
        _finite("bands.degraded", self.degraded)
        if not 0.0 <= self.degraded <= self.healthy <= 100.0:
            raise MetricsError("bands", "need 0 ≤ degraded ≤ healthy ≤ 100")

    def status(self, dhs: float | Fraction) -> str:
        """The band of ``dhs``, compared exactly with the thresholds as written."""
        value = dhs if isinstance(dhs, Fraction) else exact(dhs)
        if value >= exact(self.healthy):
            return HEALTHY
        if value >= exact(self.degraded):
            return DEGRADED
        return CRITICAL


@dataclass(frozen=True)
class MetricInputs:
    """J, L, Δt, T, C and the WMCR weights. Counts may be fractional for observed rates."""

    joins: float
    leaves: float
    hours: float
    trust: float
    compliance: float
    w_join: float = 0.5
    w_leave: float = 1.0

    def __post_init__(self) -> None:
        for name in ("joins", "leaves", "w_join", "w_leave"):
            value = _finite(name, getattr(self, name))
            if value < 0:
                raise MetricsError(name, f"must be ≥ 0, got {value}")
        if _finite("hours", self.hours) <= 0:
            raise MetricsError("hours", f"period Δt must be > 0, got {self.hours}")
        for name in ("trust", "compliance"):
            value = _finite(name, getattr(self, name))
            if not 0.0 <= value <= 1.0:
                raise MetricsError(name, f"must be in [0, 1], got {value}")
        # Finite inputs can still overflow (huge counts over a tiny Δt); refuse them here so
        # compute() never reports an infinite rate. Plain floats: numpy scalars would warn.
        joins, leaves, hours = float(self.joins), float(self.leaves), float(self.hours)
        rate = (joins + leaves) / hours
        weighted = (float(self.w_join) * joins + float(self.w_leave) * leaves) / hours
        if not (math.isfinite(rate) and math.isfinite(weighted)):
            raise MetricsError(
                "hours",
                f"period Δt = {self.hours} is too short for these counts: the rate overflows",
            )


@dataclass(frozen=True)
class Metrics:
    """The four metrics and the status they give."""

    inputs: MetricInputs
    mcr: float
    wmcr: float
    si: float
    dhs: float
    status: str
    bands: HealthBands = field(default_factory=lambda: HealthBands())
    dhs_exact: Fraction | None = None  # DHS from the inputs' decimals, exactly (None: use dhs)

    def as_dict(self) -> dict[str, float | str]:
        """Rates and SI to 4 decimals; DHS is a percentage, to 1 decimal as the source shows it
        (more near a band edge, so the number and the status never contradict)."""
        return {
            "mcr": round(self.mcr, 4),
            "wmcr": round(self.wmcr, 4),
            "si": round(self.si, 4),
            "dhs": float(dhs_text(self.exact_dhs, self.bands)),
            "status": self.status,
        }

    @property
    def exact_dhs(self) -> Fraction:
        return self.dhs_exact if self.dhs_exact is not None else exact(self.dhs)

    def dhs_text(self) -> str:
        """DHS as shown beside its status: "82.5", or "79.97" next to the 80 edge."""
        return dhs_text(self.exact_dhs, self.bands)

    def formulas(self) -> list[str]:
        """Each formula written out with the numbers filled in."""
        i = self.inputs
        return [
            f"MCR  = (J + L) / Δt = ({_num(i.joins)} + {_num(i.leaves)}) / {_num(i.hours)}"
            f" = {self.mcr:.4f} events/h",
            f"WMCR = (w_j·J + w_l·L) / Δt = ({_num(i.w_join)}·{_num(i.joins)} + "
            f"{_num(i.w_leave)}·{_num(i.leaves)}) / {_num(i.hours)} = {self.wmcr:.4f} events/h",
            f"SI   = 1 / (1 + MCR) = 1 / (1 + {self.mcr:.4f}) = {self.si:.4f}",
            f"DHS  = 100 · (SI + T + C) / 3 = 100 · ({self.si:.4f} + {_num(i.trust)} + "
            f"{_num(i.compliance)}) / 3 = {self.dhs_text()} % {self.status}",
        ]


def compute(inputs: MetricInputs, bands: HealthBands | None = None) -> Metrics:
    """Compute MCR, WMCR, SI and DHS for validated inputs; the status from exact decimals."""
    bands = bands or HealthBands()
    mcr = (inputs.joins + inputs.leaves) / inputs.hours
    wmcr = (inputs.w_join * inputs.joins + inputs.w_leave * inputs.leaves) / inputs.hours
    si = 1.0 / (1.0 + mcr)
    exact_dhs = exact_dhs_of(inputs)
    # The float shown and plotted is the exact value rounded once (60, not 59.99999999999999).
    dhs = float(exact_dhs)
    return Metrics(inputs, mcr, wmcr, si, dhs, bands.status(exact_dhs), bands, exact_dhs)


def exact(value: float | int | Fraction) -> Fraction:
    """The decimal a number was written as, exactly: its shortest repr (0.4 → 2/5)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool | int | np.integer):
        return Fraction(int(value))
    return Fraction(repr(float(value)))


def exact_dhs_of(inputs: MetricInputs) -> Fraction:
    """DHS = 100 · (SI + T + C) / 3 computed exactly on the inputs' decimals."""
    hours = exact(inputs.hours)
    mcr = (exact(inputs.joins) + exact(inputs.leaves)) / hours
    si = 1 / (1 + mcr)
    return 100 * (si + exact(inputs.trust) + exact(inputs.compliance)) / 3


# Most decimals DHS is ever written with; beyond this the shown value is cut toward its band.
MAX_DHS_DECIMALS = 9


def dhs_text(value: float | Fraction, bands: HealthBands, decimals: int = 1) -> str:
    """DHS with ``decimals`` decimals, or more when rounding would put the shown number in
    another band than the value's own (79.97 → "79.97", not "80.0"). Past
    :data:`MAX_DHS_DECIMALS` the number is truncated toward its band instead of rounded."""
    v = exact(value)
    status = bands.status(v)
    for places in range(decimals, MAX_DHS_DECIMALS + 1):
        text = _decimal(v, places, rounding=True)
        if bands.status(Fraction(text)) == status:
            return text
    return _decimal(v, MAX_DHS_DECIMALS, rounding=False)


def _decimal(v: Fraction, places: int, rounding: bool) -> str:
    scaled = v * 10**places
    if rounding:  # half away from zero, like the source's tables
        n = math.floor(scaled + Fraction(1, 2)) if v >= 0 else -math.floor(-scaled + Fraction(1, 2))
    else:  # toward zero: a value just under an edge stays under it
        n = math.floor(scaled) if v >= 0 else -math.floor(-scaled)
    sign = "-" if n < 0 else ""
    digits = str(abs(n)).rjust(places + 1, "0")
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


@dataclass(frozen=True)
class BalanceStats:
    """Tasks per active member."""

    members: int
    tasks: int
    mean: float
    std: float
    max: int
    max_over_mean: float  # 1.0 is perfect balance; 0.0 when there are no tasks

    def as_dict(self) -> dict[str, float | int]:
        return {
            "members": self.members,
            "tasks": self.tasks,
            "mean": round(self.mean, 4),
            "std": round(self.std, 4),
            "max": self.max,
            "max_over_mean": round(self.max_over_mean, 4),
        }


def balance(loads: Sequence[int] | np.ndarray) -> BalanceStats:
    """Mean, population standard deviation and max/mean of tasks per member."""
    raw = np.asarray(loads)
    if raw.size == 0:
        return BalanceStats(0, 0, 0.0, 0.0, 0, 0.0)
    # Casting straight to int64 would truncate 1.7 to 1 silently or fail on NaN without a field.
    if raw.dtype.kind not in "iu" and (
        raw.dtype.kind != "f" or not np.isfinite(raw).all() or (raw != np.floor(raw)).any()
    ):
        raise MetricsError("loads", "task counts must be whole numbers")
    arr = raw.astype(np.int64)
    if (arr < 0).any():
        raise MetricsError("loads", "task counts must be ≥ 0")
    mean = float(arr.mean())
    peak = int(arr.max())
    return BalanceStats(
        members=int(arr.size),
        tasks=int(arr.sum()),
        mean=mean,
        std=float(arr.std()),
        max=peak,
        max_over_mean=peak / mean if mean > 0 else 0.0,
    )


def overhead_ratio(moved: int, active: int) -> float:
    """Rebalancing overhead: migrated tasks / active tasks (0 when nothing is active)."""
    if moved < 0 or active < 0:
        raise MetricsError("moved" if moved < 0 else "active", "must be ≥ 0")
    if moved > active:
        raise MetricsError("moved", f"cannot exceed active tasks ({moved} > {active})")
    return moved / active if active else 0.0


def ideal_overhead(members_before: int, kind: str) -> float:
    """Ideal moved fraction: 1/(N+1) for a join into N members, 1/N for a leave from N."""
    if kind == "join":
        if members_before < 0:
            raise MetricsError("members", "must be ≥ 0")
        return 1.0 / (members_before + 1)
    if kind == "leave":
        if members_before < 1:
            raise MetricsError("members", "a leave needs at least one member")
        return 1.0 / members_before
    raise MetricsError("kind", f"must be 'join' or 'leave', got {kind!r}")


def _finite(field: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise MetricsError(field, f"must be a number, got {value!r}")
    if math.isnan(value) or math.isinf(value):
        raise MetricsError(field, f"must be a finite number, got {value}")
    return float(value)


def _num(x: float) -> str:
    """Compact number: 12 not 12.0, 0.95 not 0.9500."""
    return f"{x:g}"
