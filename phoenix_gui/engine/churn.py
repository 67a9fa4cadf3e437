"""Churn: Poisson joins and leaves at rates J/Δt and L/Δt per hour, and task arrivals.

Per step the number of joins is Poisson(J/Δt · step) with uniform times inside the step (its
own stream), the same for leaves (another stream). Each leave draws two uniforms from the
crash-choice stream whether or not it happens — crash (probability crash_share) or graceful,
and which ACTIVE member — so a suppressed leave never shifts later draws. A leave that would
leave fewer than ``churn.min_members`` ACTIVE members is suppressed and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.engine.randomness import Streams

KIND_ORDER = {"join": 0, "leave": 1, "submit": 2}


# The most events per hour the engine simulates (joins, leaves, task arrivals, each): far beyond
# any lesson, and it keeps every step's Poisson draw (rate × step) inside what numpy accepts.
MAX_EVENT_RATE = 1_000_000.0


# The most churn and arrival events one step is expected to hold (rates × step length): keeps
# one step's work bounded however long a step is.
MAX_EVENTS_PER_STEP = 10_000.0


def rate_problem(
    metrics: MetricInputs, arrival_rate: float = 0.0, step_hours: float | None = None
) -> str | None:
    """Why these rates cannot be simulated (naming the field), or None when they can."""
    rates = (
        ("hours", "J/Δt", metrics.joins / metrics.hours),
        ("hours", "L/Δt", metrics.leaves / metrics.hours),
        ("workload.arrival_rate", "the arrival rate", arrival_rate),
    )
    for field, what, rate in rates:
        if rate > MAX_EVENT_RATE:
            return (
                f"{field}: {what} = {rate:.4g} events per hour is more than the engine "
                f"simulates (at most {MAX_EVENT_RATE:g})"
            )
    if step_hours is not None:
        per_step = sum(rate for _, _, rate in rates) * step_hours
        if per_step > MAX_EVENTS_PER_STEP:
            return (
                f"hours: joins, leaves and arrivals come to about {per_step:.4g} per step of "
                f"{step_hours:g} h; at most {MAX_EVENTS_PER_STEP:g} per step"
            )
    return None


@dataclass(frozen=True)
class ChurnEvent:
    time: float
    kind: str  # "join" | "leave" | "submit"
    crash_u: float = 0.0  # leave: crash when < crash_share
    pick_u: float = 0.0  # leave: which ACTIVE member (fraction of the sorted list)


def draw_step(
    streams: Streams,
    t0: float,
    dt: float,
    join_rate: float,
    leave_rate: float,
    arrival_rate: float,
    enabled: bool,
) -> list[ChurnEvent]:
    """The churn and arrival events of the step [t0, t0 + dt), ordered by time."""
    events: list[ChurnEvent] = []
    if enabled:
        rj = streams["churn_joins"]
        n = int(rj.poisson(join_rate * dt))
        events += [ChurnEvent(float(t0 + u * dt), "join") for u in np.sort(rj.random(n))]
        rl = streams["churn_leaves"]
        n = int(rl.poisson(leave_rate * dt))
        times = np.sort(rl.random(n))
        choice = streams["crash_choice"].random((n, 2))
        events += [
            ChurnEvent(float(t0 + u * dt), "leave", float(c[0]), float(c[1]))
            for u, c in zip(times, choice, strict=True)
        ]
    if arrival_rate > 0:
        rw = streams["workload"]
        n = int(rw.poisson(arrival_rate * dt))
        events += [ChurnEvent(float(t0 + u * dt), "submit") for u in np.sort(rw.random(n))]
    events.sort(key=lambda e: (e.time, KIND_ORDER[e.kind]))
    return events
