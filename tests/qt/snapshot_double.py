"""A test double of the engine's Snapshot: only the attributes the Qt panels read.

The panels duck-type the snapshot, so the double is a plain dataclass; ``make_snapshot``
builds a plausible one from a handful of numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from phoenix_gui.engine.metrics import BalanceStats, MetricInputs, Metrics, balance, compute


@dataclass
class SnapshotDouble:
    configured: Metrics | None
    observed: Metrics | None
    balance: BalanceStats | None
    last_change: Any
    stranded: float | None
    work_lost: float | None
    throughput: float | None
    migrations_per_hour: float | None
    time: float | None
    step: int | None
    work_delayed: float | None = 3.25
    retries: int | None = 7
    warnings: tuple[str, ...] = ()


def make_snapshot(step: int = 0, observed: bool = True, joins: float = 12) -> SnapshotDouble:
    """Configured = the source example (J=12 by default), observed drifting with ``step``."""
    t = step * 0.25
    configured = compute(MetricInputs(joins, 8, 24, 0.95, 0.98))
    seen = None
    if observed:
        seen = compute(MetricInputs(10 + math.sin(t), 7, 24, 0.94, 0.97))
    return SnapshotDouble(
        configured=configured,
        observed=seen,
        balance=balance([100, 90, 110, 100]),
        last_change={
            "kind": "join",
            "member": "host-11",
            "moved": 83,
            "active": 1000,
            "ratio": 0.083,
            "ideal": 1 / 11,
        },
        stranded=2,
        work_lost=1.5,
        throughput=20.0,
        migrations_per_hour=12.0 + step % 3,
        time=t,
        step=step,
    )
