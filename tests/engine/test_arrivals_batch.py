"""Arrivals in bulk on the ring (engine/arrivals.py) write exactly what one-at-a-time writes.

The bulk path is a speed-up only: the audit log, the counters (work_done to the last bit), the
task table and the due queue's outcome must equal those of the path that submits one task per
arrival, with churn, crashes (stranded arrivals), migrations and completions interleaved.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from phoenix_gui.engine import simulation as simulation_module
from phoenix_gui.engine.config import (
    ChurnConfig,
    MembersConfig,
    SimulationConfig,
    WorkloadConfig,
)
from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.engine.simulation import Simulation


def busy(seed: int) -> SimulationConfig:
    """Many arrivals per step between frequent joins, leaves and crashes; short tasks."""
    return SimulationConfig(
        seed=seed,
        metrics=MetricInputs(joins=60, leaves=60, hours=24, trust=0.9, compliance=0.8),
        members=MembersConfig(generate=12),
        workload=WorkloadConfig(initial_tasks=1500, arrival_rate=300.0, work_mean=3.0),
        churn=ChurnConfig(crash_share=0.5),
    )


def run(config: SimulationConfig, steps: int, bulk: bool, monkeypatch: Any) -> dict[str, Any]:
    calls = [0]
    real = simulation_module.arrive_in_bulk

    def counted(core: Any, times: list[float]) -> None:
        calls[0] += 1
        real(core, times)

    with monkeypatch.context() as patch:
        patch.setattr(simulation_module, "arrive_in_bulk", counted)
        if not bulk:
            patch.setattr(simulation_module, "can_batch", lambda _core: False)
        sim = Simulation(config)
        events = []
        for _ in range(steps):
            events += [(e.time, e.kind, dict(e.details)) for e in sim.step().events]
    n = len(sim.tasks)
    columns = ("state", "owner", "due", "base", "since", "ckpt_time", "assigned_at", "created")
    return {
        "lines": [r.line for r in sim.audit],
        "events": events,
        "counters": sim.counters.as_dict(),
        "columns": {c: sim.tasks.raw(c)[:n].copy() for c in columns},
        "lineage": [sim.tasks.lineage.of(t) for t in range(0, n, max(1, n // 50))],
        "summary": sim.summary(),
        "bulk_calls": calls[0],
    }


@pytest.mark.parametrize("seed", [3, 11])
def test_bulk_arrivals_equal_one_at_a_time(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    bulk = run(busy(seed), 48, True, monkeypatch)
    single = run(busy(seed), 48, False, monkeypatch)
    assert bulk["bulk_calls"] > 20  # the bulk path really ran …
    assert single["bulk_calls"] == 0  # … and the reference really did not
    assert single["counters"]["crashes"] > 0 and single["counters"]["stranded"] >= 0
    assert single["counters"]["completed"] > 500
    assert len(bulk["lines"]) == len(single["lines"])
    for k, (a, b) in enumerate(zip(bulk["lines"], single["lines"], strict=True)):
        assert a == b, f"record {k} differs"
    assert bulk["events"] == single["events"]
    assert bulk["counters"] == single["counters"]  # work_done compared exactly
    for name, column in single["columns"].items():
        np.testing.assert_array_equal(bulk["columns"][name], column, err_msg=name)
    assert bulk["lineage"] == single["lineage"]
    assert bulk["summary"] == single["summary"]


def test_other_paradigms_and_capabilities_never_go_in_bulk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kube = dataclasses.replace(busy(5), paradigm="kubernetes")
    assert run(kube, 8, True, monkeypatch)["bulk_calls"] == 0
    skills = dataclasses.replace(
        busy(5), workload=dataclasses.replace(busy(5).workload, capabilities=("a", "b"))
    )
    assert run(skills, 8, True, monkeypatch)["bulk_calls"] == 0
