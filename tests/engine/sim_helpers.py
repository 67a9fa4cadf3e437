"""Small configurations shared by the simulation tests."""

from __future__ import annotations

import dataclasses

from phoenix_gui.engine.config import (
    MembersConfig,
    MemberSpec,
    SimulationConfig,
    TimingConfig,
    WorkloadConfig,
)
from phoenix_gui.engine.metrics import MetricInputs


def config(paradigm: str = "phoenix", seed: int = 7, **over: object) -> SimulationConfig:
    """A busy little world: heavy churn, frequent validation failures, arrivals."""
    prefix = {"phoenix": "host-", "kubernetes": "node-", "agentic": "agent-"}[paradigm]
    template = MemberSpec(id="t", capabilities=("code", "search"), context_limit=3.0)
    workload = WorkloadConfig(
        initial_tasks=240,
        arrival_rate=6.0,
        work_mean=8.0,
        capabilities=("code", "search") if paradigm == "agentic" else (),
    )
    cfg = SimulationConfig(
        seed=seed,
        paradigm=paradigm,  # type: ignore[arg-type]
        metrics=MetricInputs(joins=40, leaves=36, hours=24, trust=0.9, compliance=0.9),
        members=MembersConfig(generate=8, prefix=prefix, template=template),
        workload=workload,
        timing=TimingConfig(validation_failure=0.1, bandwidth_mb_per_hour=2000.0),
    )
    return dataclasses.replace(cfg, **over)  # type: ignore[arg-type]
