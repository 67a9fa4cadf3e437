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
import numpy.typing as npt

from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.engine.randomness import Streams

KIND_ORDER = {"join": 0, "leave": 1, "submit": 2}


# The most events per hour the engine simulates (joins, leaves, task arrivals, each): far beyond
# any lesson, and it keeps every step's Poisson draw (rate × step) inside what numpy accepts.
MAX_EVENT_RATE = 1_000_000.0


def rate_problem(metrics: MetricInputs, arrival_rate: float = 0.0) -> str | None:
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
    return None


# More joins and leaves than this in one step are more than a viewer can follow one by one.
SHOWABLE_PER_STEP = 200


def rate_notes(
    metrics: MetricInputs, step_hours: float, max_members: int, live_members: int = 0
) -> list[str]:
    """Sentences saying where the configured rates exceed what one step can show (empty when
    they do not): Δt shorter than a step, churn too dense to follow, joins beyond the cap."""
    notes: list[str] = []
    joins = metrics.joins / metrics.hours * step_hours
    leaves = metrics.leaves / metrics.hours * step_hours
    if metrics.hours < step_hours:
        notes.append(
            f"Δt = {metrics.hours:g} h is shorter than one step ({step_hours:g} h): the observed "
            f"side counts whole steps, so it measures over {step_hours:g} h, not over Δt."
        )
    if joins + leaves > SHOWABLE_PER_STEP:
        notes.append(
            f"These rates bring about {joins + leaves:,.0f} joins and leaves in every step of "
            f"{step_hours:g} h — far more than the ring can show one by one: the views show "
            "where each step ends, and a step this busy takes long (a progress bar shows it; "
            "Esc cuts it short)."
        )
    if joins > max(0, max_members - live_members) and joins >= 1:
        notes.append(
            f"About {joins:,.0f} joins per step against a cap of {max_members:,} live members: "
            "joins beyond the cap are refused by governance (registry full)."
        )
    return notes


@dataclass(frozen=True)
class ChurnEvent:
    time: float
    kind: str  # "join" | "leave" | "submit"
    crash_u: float = 0.0  # leave: crash when < crash_share
    pick_u: float = 0.0  # leave: which ACTIVE member (fraction of the sorted list)


class ChurnDraw:
    """The churn and arrival events of one step as arrays, ordered by (time, kind).

    Kept as arrays and turned into a :class:`ChurnEvent` only when one is handled: a step that
    draws 10^5 events starts in milliseconds instead of building and sorting 10^5 objects.
    """

    KINDS = ("join", "leave", "submit")

    def __init__(
        self,
        time: npt.NDArray[np.float64],
        kind: npt.NDArray[np.int8],
        crash_u: npt.NDArray[np.float64],
        pick_u: npt.NDArray[np.float64],
    ) -> None:
        # lexsort is stable and sorts by its last key first: time, then kind, then draw order,
        # exactly the order a stable sort on (time, KIND_ORDER[kind]) of the draws gives.
        order = np.lexsort((kind, time))
        self.time, self.kind = time[order], kind[order]
        self.crash_u, self.pick_u = crash_u[order], pick_u[order]

    def __len__(self) -> int:
        return int(self.time.size)

    def __getitem__(self, i: int) -> ChurnEvent:
        return ChurnEvent(
            float(self.time[i]),
            self.KINDS[int(self.kind[i])],
            float(self.crash_u[i]),
            float(self.pick_u[i]),
        )

    def kinds(self, start: int) -> dict[str, int]:
        """How many events of each kind there are from index ``start`` on."""
        counts = np.bincount(self.kind[start:], minlength=3)
        return {name: int(counts[k]) for k, name in enumerate(self.KINDS)}


def draw_step(
    streams: Streams,
    t0: float,
    dt: float,
    join_rate: float,
    leave_rate: float,
    arrival_rate: float,
    enabled: bool,
) -> ChurnDraw:
    """The churn and arrival events of the step [t0, t0 + dt), ordered by time."""
    times: list[npt.NDArray[np.float64]] = []
    kinds: list[npt.NDArray[np.int8]] = []
    crash: list[npt.NDArray[np.float64]] = []
    pick: list[npt.NDArray[np.float64]] = []

    def add(kind: str, u: npt.NDArray[np.float64], choice: npt.NDArray[np.float64]) -> None:
        times.append(t0 + np.sort(u) * dt)
        kinds.append(np.full(u.size, KIND_ORDER[kind], dtype=np.int8))
        crash.append(choice[:, 0])
        pick.append(choice[:, 1])

    if enabled:
        rj = streams["churn_joins"]
        n = int(rj.poisson(join_rate * dt))
        add("join", rj.random(n), np.zeros((n, 2)))
        rl = streams["churn_leaves"]
        n = int(rl.poisson(leave_rate * dt))
        u = rl.random(n)
        add("leave", u, streams["crash_choice"].random((n, 2)))
    if arrival_rate > 0:
        rw = streams["workload"]
        n = int(rw.poisson(arrival_rate * dt))
        add("submit", rw.random(n), np.zeros((n, 2)))
    if not times:
        empty = np.zeros(0)
        return ChurnDraw(empty, np.zeros(0, dtype=np.int8), empty, empty)
    return ChurnDraw(
        np.concatenate(times), np.concatenate(kinds), np.concatenate(crash), np.concatenate(pick)
    )
