"""Theory against simulation: observed churn, compliance and the ring's moved fraction.

Parameters are chosen so that suppression cannot happen (300 hosts and J = L: the member count
would need a 300-event excursion, some 4σ of a 6000-step random walk); the test asserts it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from phoenix_gui.engine.config import (
    MembersConfig,
    RingConfig,
    SimulationConfig,
    TimingConfig,
    WorkloadConfig,
)
from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.engine.simulation import Simulation


def test_observed_rates_match_the_configured_ones() -> None:
    cfg = SimulationConfig(
        seed=2024,
        metrics=MetricInputs(joins=50, leaves=50, hours=1.0, trust=0.9, compliance=0.85),
        members=MembersConfig(generate=300),
        ring=RingConfig(vnodes=16),
        workload=WorkloadConfig(initial_tasks=1500, arrival_rate=40.0, work_mean=400.0),
        timing=TimingConfig(step_hours=0.5, validation_failure=0.0),
    )
    cfg = dataclasses.replace(cfg, churn=dataclasses.replace(cfg.churn, crash_share=0.0))
    sim = Simulation(cfg)
    sim.run(hours=60)
    s = sim.summary()
    events = s["joins"] + s["leaves"]
    assert events >= 5000
    assert s["suppressed_leaves"] == 0
    expected = (50 + 50) / 1.0
    assert abs(s["observed"]["mcr"] - expected) / expected < 0.05
    share = s["tasks_authorised"] / s["tasks_submitted"]
    assert abs(share - 0.85) < 0.03
    trust = s["observed_inputs"]["trust"]
    assert abs(trust - 0.9) < 0.01  # generated members' reliability follows T
    joins = [c for c in sim.changes if c.kind == "join" and c.active]
    moved = float(np.mean([c.ratio for c in joins]))
    ideal = float(np.mean([c.ideal for c in joins]))
    assert abs(moved - ideal) / ideal < 0.20
    snap = sim.snapshot()
    assert abs(snap.observed.mcr - expected) / expected < 0.25  # one Δt = 1 h window: noisy
