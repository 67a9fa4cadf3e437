"""Observed metrics: what the running engine actually did over the trailing Δt window.

After every step the cumulative counters are appended to a history (one small tuple per step,
kept for the longest Δt a window may span).
A window is the difference between the newest row and the first row at or after ``now - Δt``,
found by binary search, so asking for the metrics costs O(log steps) whatever Δt is.

J_obs, L_obs: real join and leave events (crashes count as leaves). T_obs: measured success
rate of the units of work members did. C_obs: authorised share of the submitted tasks.

An observed value with no observations behind it is undefined (None), never a stand-in
number: T_obs needs at least one unit of work in the window, C_obs at least one submitted
task, and the rates MCR, WMCR and SI a window of non-zero length (only at t = 0 is there
none). DHS and its status need SI, T_obs and C_obs. :class:`ObservedMetrics` carries the
values, the inputs they came from and why any of them is undefined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from phoenix_gui.engine.core import Counters
from phoenix_gui.engine.metrics import HealthBands, MetricInputs, Metrics, compute
from phoenix_gui.params import PARAMS

FIELDS = (
    "joins", "leaves", "submitted", "authorised", "attempts", "successes", "completed",
    "migrations", "work_lost",
)  # fmt: skip

NO_WINDOW = "no window yet (t = 0)"
NO_WORK = "no work done in the window"
NO_TASKS = "no task submitted in the window"


class Counts(Protocol):
    """What the observed metrics count: a :class:`Window` or the whole-run :class:`Counters`."""

    @property
    def joins(self) -> int: ...
    @property
    def leaves(self) -> int: ...
    @property
    def submitted(self) -> int: ...
    @property
    def authorised(self) -> int: ...
    @property
    def attempts(self) -> int: ...
    @property
    def successes(self) -> int: ...


@dataclass(frozen=True)
class Window:
    """Counts over the window and its length in hours (0.0 when there is no window yet)."""

    hours: float
    joins: int
    leaves: int
    submitted: int
    authorised: int
    attempts: int
    successes: int
    completed: int
    migrations: int
    work_lost: float

    def per_hour(self, count: float) -> float:
        """``count`` / window length; 0.0 with no window (nothing can have happened yet)."""
        return count / self.hours if self.hours > 0 else 0.0


@dataclass(frozen=True)
class ObservedInputs:
    """What the observed metrics were computed from; T and C are None when unobserved."""

    joins: int
    leaves: int
    hours: float  # the window's length; 0.0 at t = 0
    trust: float | None
    compliance: float | None
    w_join: float
    w_leave: float
    attempts: int  # units of work done (T_obs = successes / attempts)
    successes: int
    submitted: int  # tasks submitted (C_obs = authorised / submitted)
    authorised: int


@dataclass(frozen=True)
class ObservedMetrics:
    """Observed MCR, WMCR, SI, DHS and status; each None when it has no observations."""

    inputs: ObservedInputs
    mcr: float | None
    wmcr: float | None
    si: float | None
    dhs: float | None
    status: str | None
    metrics: Metrics | None  # the same numbers as a full Metrics when all are defined

    @property
    def defined(self) -> bool:
        """True when every value (and so the status) is defined."""
        return self.metrics is not None

    def undefined_reasons(self) -> list[str]:
        """Why values are undefined, in formula order; empty when all are defined."""
        i = self.inputs
        reasons = [NO_WINDOW] if i.hours <= 0 else []
        reasons += [NO_WORK] if i.trust is None else []
        return reasons + ([NO_TASKS] if i.compliance is None else [])

    def as_dict(self) -> dict[str, float | str | None]:
        """Like :meth:`Metrics.as_dict` (same keys and rounding), None for undefined values."""
        if self.metrics is not None:
            return dict(self.metrics.as_dict())
        return {
            "mcr": _rounded(self.mcr, 4),
            "wmcr": _rounded(self.wmcr, 4),
            "si": _rounded(self.si, 4),
            "dhs": _rounded(self.dhs, 1),
            "status": self.status,
        }


def observe(
    counts: Counts, hours: float, w_join: float, w_leave: float, bands: HealthBands
) -> ObservedMetrics:
    """The observed metrics of ``counts`` gathered over ``hours`` (0: no window yet)."""
    trust = counts.successes / counts.attempts if counts.attempts else None
    compliance = counts.authorised / counts.submitted if counts.submitted else None
    inputs = ObservedInputs(
        counts.joins, counts.leaves, hours, trust, compliance, w_join, w_leave,
        counts.attempts, counts.successes, counts.submitted, counts.authorised,
    )  # fmt: skip
    if hours > 0 and trust is not None and compliance is not None:
        # Everything observed: the shared formulas and their validation, exactly as configured.
        full = compute(
            MetricInputs(counts.joins, counts.leaves, hours, trust, compliance, w_join, w_leave),
            bands,
        )
        return ObservedMetrics(inputs, full.mcr, full.wmcr, full.si, full.dhs, full.status, full)
    if hours <= 0:
        return ObservedMetrics(inputs, None, None, None, None, None, None)
    # The rates are observed even when T or C is not (DESIGN.md §3, same order as compute()).
    mcr = (counts.joins + counts.leaves) / hours
    wmcr = (w_join * counts.joins + w_leave * counts.leaves) / hours
    return ObservedMetrics(inputs, mcr, wmcr, 1.0 / (1.0 + mcr), None, None, None)


class History:
    """Cumulative counters at each step boundary, for the last ``horizon`` hours.

    A window never reaches further back than the longest Δt a run may use (the ``hours``
    parameter's maximum), so older rows are dropped (in halves, amortised O(1) per step):
    a long run's history stays bounded instead of growing by one row per step forever.
    The rows live in one float64 array (72 bytes a row, not a tuple of nine float objects):
    at the horizon's 80,000 rows that is the difference between ~6 MB and ~28 MB.
    """

    def __init__(self, horizon: float = PARAMS["hours"].maximum) -> None:
        self.horizon = horizon
        self._times = np.zeros(256, dtype=np.float64)
        self._rows = np.zeros((256, len(FIELDS)), dtype=np.float64)
        self._start = 0  # rows in use: [_start, _end)
        self._end = 0

    @property
    def times(self) -> list[float]:
        """The step-boundary times held, oldest first."""
        held: list[float] = self._times[self._start : self._end].tolist()
        return held

    def __len__(self) -> int:
        return self._end - self._start

    def record(self, time: float, counters: Counters) -> None:
        if self._end == self._times.size:
            self._make_room()
        self._times[self._end] = time
        self._rows[self._end] = [float(getattr(counters, f)) for f in FIELDS]
        self._end += 1
        if self._times[self._start] < time - 2 * self.horizon:
            # Keep every row a window of up to `horizon` hours can start at.
            held = self._times[self._start : self._end]
            self._start += int(np.searchsorted(held, time - self.horizon - 1e-9, side="left"))

    def _make_room(self) -> None:
        held = self._end - self._start
        if 2 * held <= self._times.size:  # half empty: move the rows to the front
            times, rows = self._times, self._rows
        else:
            size = 2 * self._times.size
            times = np.zeros(size, dtype=np.float64)
            rows = np.zeros((size, len(FIELDS)), dtype=np.float64)
        times[:held] = self._times[self._start : self._end]
        rows[:held] = self._rows[self._start : self._end]
        self._times, self._rows = times, rows
        self._start, self._end = 0, held

    def window(self, now: float, hours: float) -> Window:
        """Counts between the first row at or after ``now - hours`` and the newest row.

        A Δt shorter than one step would leave no row inside it, so the window then spans the
        last step; its length is 0.0 only while there is a single row (t = 0).
        """
        held = self._end - self._start
        if not held:
            return Window(0.0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0)
        times = self._times[self._start : self._end]
        start = int(np.searchsorted(times, now - hours - 1e-9, side="left"))
        start = max(0, min(start, held - 2))
        first = self._rows[self._start + start].tolist()
        last = self._rows[self._end - 1].tolist()
        span = max(0.0, now - float(times[start]))
        d = [b - a for a, b in zip(first, last, strict=True)]
        j, lv, sub, auth, att, win, done, mig = (round(v) for v in d[:-1])
        return Window(span, j, lv, sub, auth, att, win, done, mig, d[-1])


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
