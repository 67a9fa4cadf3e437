"""Rates beyond what the engine simulates are refused with a message naming the field, at
construction and when a parameter change would produce them; never a numpy traceback."""

from __future__ import annotations

import pytest

from phoenix_gui.cli import main
from phoenix_gui.engine.churn import MAX_EVENT_RATE
from phoenix_gui.engine.config import ChurnConfig, SimulationConfig, WorkloadConfig
from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.engine.simulation import Simulation


def test_construction_refuses_a_churn_rate_numpy_cannot_draw() -> None:
    metrics = MetricInputs(joins=100_000, leaves=0, hours=1e-300, trust=0.9, compliance=0.9)
    with pytest.raises(ValueError, match=r"^hours: J/Δt = .*at most 1e\+06"):
        Simulation(SimulationConfig(metrics=metrics))


def test_construction_refuses_an_absurd_arrival_rate() -> None:
    workload = WorkloadConfig(initial_tasks=0, arrival_rate=MAX_EVENT_RATE * 10)
    with pytest.raises(ValueError, match=r"^workload\.arrival_rate: "):
        Simulation(SimulationConfig(workload=workload))


def test_a_parameter_change_to_such_a_rate_is_ignored_and_recorded() -> None:
    metrics = MetricInputs(joins=100_000, leaves=0, hours=24, trust=0.9, compliance=0.9)
    config = SimulationConfig(
        metrics=metrics,
        churn=ChurnConfig(enabled=False),  # no joins drawn: the test is about the check
        workload=WorkloadConfig(initial_tasks=10),
    )
    sim = Simulation(config)
    sim.set_param("hours", 0.01)  # 10^5 joins in 0.01 h: 10^7 per hour, each value in range
    result = sim.step()
    assert sim.config.metrics.hours == 24.0  # unchanged
    ignored = [e for e in result.events if e.kind == "request_ignored"]
    assert len(ignored) == 1 and ignored[0].details["reason"].startswith("hours=0.01: hours:")
    sim.step()  # and the run goes on


def test_cli_run_says_so_instead_of_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", "--steps", "1", "--hours", "0.01", "--joins", "100000"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "hours: J/Δt" in err and "Traceback" not in err
