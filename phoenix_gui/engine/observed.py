"""Observed metrics: what the running engine actually did over the trailing Δt window.

After every step the cumulative counters are appended to a history (one small tuple per step).
A window is the difference between the newest row and the first row at or after ``now - Δt``,
found by binary search, so asking for the metrics costs O(log steps) whatever Δt is.

J_obs, L_obs: real join and leave events (crashes count as leaves). T_obs: measured success
rate of the units of work members did. C_obs: authorised share of the submitted tasks.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from phoenix_gui.engine.core import Counters

FIELDS = (
    "joins", "leaves", "submitted", "authorised", "attempts", "successes", "completed",
    "migrations", "work_lost",
)  # fmt: skip


@dataclass(frozen=True)
class Window:
    """Counts over the window and its length in hours."""

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

    @property
    def trust(self) -> float:
        """T_obs; 1.0 before any work was measured (no failures seen)."""
        return self.successes / self.attempts if self.attempts else 1.0

    @property
    def compliance(self) -> float:
        """C_obs; 1.0 before any task was submitted."""
        return self.authorised / self.submitted if self.submitted else 1.0


class History:
    """Cumulative counters at each step boundary."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.rows: list[tuple[float, ...]] = []

    def record(self, time: float, counters: Counters) -> None:
        self.times.append(time)
        self.rows.append(tuple(float(getattr(counters, f)) for f in FIELDS))

    def window(self, now: float, hours: float) -> Window:
        if not self.rows:
            return Window(hours, 0, 0, 0, 0, 0, 0, 0, 0, 0.0)
        start = bisect.bisect_left(self.times, now - hours - 1e-9)
        start = min(start, len(self.rows) - 1)
        first, last = self.rows[start], self.rows[-1]
        span = now - self.times[start]
        d = [b - a for a, b in zip(first, last, strict=True)]
        j, lv, sub, auth, att, win, done, mig = (round(v) for v in d[:-1])
        return Window(span if span > 0 else hours, j, lv, sub, auth, att, win, done, mig, d[-1])
