"""Observed metrics are honest: undefined (None) without observations, never a stand-in number.

T_obs needs work done in the window, C_obs a task submitted in it, the rates a window of
non-zero length (only t = 0 has none); DHS and the status need all three.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from phoenix_gui.engine.config import (
    MembersConfig,
    SimulationConfig,
    TimingConfig,
    WorkloadConfig,
)
from phoenix_gui.engine.metrics import HealthBands, MetricInputs, compute
from phoenix_gui.engine.observed import (
    NO_TASKS,
    NO_WINDOW,
    NO_WORK,
    ObservedMetrics,
    Window,
    observe,
)
from phoenix_gui.engine.simulation import Simulation
from phoenix_gui.scenario import load_config

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
NO_CHURN = MetricInputs(joins=0, leaves=0, hours=24, trust=0.95, compliance=0.98)


def _window(hours: float, **counts: int) -> Window:
    given = {"joins": 0, "leaves": 0, "submitted": 0, "authorised": 0, "attempts": 0}
    given |= {"successes": 0, "completed": 0, "migrations": 0} | counts
    return Window(hours=hours, work_lost=0.0, **given)


def _observe(window: Window) -> ObservedMetrics:
    return observe(window, window.hours, 0.5, 1.0, HealthBands())


def _empty_cluster(tasks: int = 1000) -> Simulation:
    """No members and no churn: tasks wait, nobody works."""
    return Simulation(
        SimulationConfig(
            metrics=NO_CHURN,
            members=MembersConfig(generate=0),
            workload=WorkloadConfig(initial_tasks=tasks, arrival_rate=0.0),
        )
    )


def _no_nan(value: object) -> None:
    json.dumps(value, allow_nan=False)  # raises ValueError on NaN or infinity


# ---------------------------------------------------------------- observe() on its own


def test_everything_observed_is_exactly_compute() -> None:
    w = _window(24.0, joins=12, leaves=8, submitted=50, authorised=49, attempts=20, successes=19)
    o = _observe(w)
    expected = compute(MetricInputs(12, 8, 24.0, 19 / 20, 49 / 50, 0.5, 1.0))
    assert o.defined and o.metrics == expected
    assert (o.mcr, o.wmcr, o.si, o.dhs, o.status) == (
        expected.mcr, expected.wmcr, expected.si, expected.dhs, expected.status,
    )  # fmt: skip
    assert o.as_dict() == expected.as_dict()
    assert o.undefined_reasons() == []


def test_no_work_leaves_trust_dhs_and_status_undefined_but_the_rates_defined() -> None:
    o = _observe(_window(24.0, joins=12, leaves=8, submitted=10, authorised=10))
    assert o.inputs.trust is None and o.inputs.compliance == 1.0
    assert (o.dhs, o.status, o.metrics) == (None, None, None)
    assert o.mcr == pytest.approx(20 / 24) and o.wmcr == pytest.approx(14 / 24)
    assert o.si == pytest.approx(1 / (1 + 20 / 24))
    assert o.as_dict() == {"mcr": 0.8333, "wmcr": 0.5833, "si": 0.5455, "dhs": None, "status": None}
    assert o.undefined_reasons() == [NO_WORK]


def test_no_submitted_task_leaves_compliance_undefined() -> None:
    o = _observe(_window(24.0, attempts=5, successes=5))
    assert o.inputs.trust == 1.0 and o.inputs.compliance is None
    assert o.dhs is None and o.status is None
    assert o.undefined_reasons() == [NO_TASKS]


def test_a_zero_length_window_leaves_every_value_undefined() -> None:
    o = _observe(_window(0.0, submitted=10, authorised=9, attempts=4, successes=4))
    assert o.as_dict() == dict.fromkeys(("mcr", "wmcr", "si", "dhs", "status"))
    assert o.undefined_reasons() == [NO_WINDOW]
    assert o.inputs.compliance == 0.9  # observed, even if the rates are not


# ---------------------------------------------------------------- the running engine


def test_empty_cluster_snapshot_and_row_leave_t_c_dhs_status_undefined() -> None:
    sim = _empty_cluster()
    sim.run(steps=100)  # 25 h: the initial submissions at t = 0 left the 24 h window
    snap = sim.snapshot()
    o = snap.observed
    assert o.inputs.attempts == 0 and o.inputs.submitted == 0
    assert o.inputs.trust is None and o.inputs.compliance is None
    assert o.dhs is None and o.status is None and not o.defined
    assert (o.mcr, o.wmcr, o.si) == (0.0, 0.0, 1.0)  # no churn observed over a real window
    assert o.undefined_reasons() == [NO_WORK, NO_TASKS]
    row = snap.row()
    assert row["obs_dhs"] is None and row["obs_status"] is None
    assert row["obs_trust"] is None and row["obs_compliance"] is None
    assert row["cfg_dhs"] == round(compute(NO_CHURN).dhs, 1)  # the configured side is a number
    _no_nan(row)


def test_empty_cluster_summary_is_null_where_nothing_was_observed() -> None:
    sim = _empty_cluster()
    sim.run(steps=100)
    s = sim.summary()
    _no_nan(s)
    # The whole run: 1000 tasks were submitted at t = 0, so C is observed; no work was done.
    assert s["observed_inputs"] == {"hours": 25.0, "trust": None, "compliance": 0.978}
    assert s["observed"] == {"mcr": 0.0, "wmcr": 0.0, "si": 1.0, "dhs": None, "status": None}
    none = _empty_cluster(tasks=0)
    none.run(steps=4)
    s = none.summary()
    _no_nan(s)
    assert s["observed_inputs"] == {"hours": 1.0, "trust": None, "compliance": None}
    assert s["observed"]["dhs"] is None and s["observed"]["status"] is None


def test_at_t0_there_is_no_window() -> None:
    sim = Simulation(SimulationConfig())
    o = sim.snapshot().observed
    assert o.inputs.hours == 0.0 and o.undefined_reasons()[0] == NO_WINDOW
    assert o.as_dict() == dict.fromkeys(("mcr", "wmcr", "si", "dhs", "status"))
    s = sim.summary()
    _no_nan(s)
    assert s["observed"]["mcr"] is None and s["observed_inputs"]["hours"] == 0.0
    sim.step()
    assert sim.snapshot().observed.defined  # one step: joins, work and submissions seen


def test_a_period_shorter_than_a_step_still_has_a_window() -> None:
    cfg = SimulationConfig(
        metrics=MetricInputs(joins=1, leaves=1, hours=0.1, trust=0.95, compliance=0.98),
        timing=TimingConfig(step_hours=0.25),
    )
    sim = Simulation(cfg)
    sim.run(steps=8)
    o = sim.snapshot().observed
    assert o.inputs.hours == pytest.approx(0.25)  # the last step, not a zero-length window
    assert o.mcr is not None and math.isfinite(o.mcr)


# ---------------------------------------------------------------- regression: as before


def test_defined_observed_metrics_are_compute_of_the_window() -> None:
    sim = Simulation(load_config(SCENARIOS / "classroom-basics.yaml"))
    for _ in range(12):
        sim.run(hours=3)
        o = sim.snapshot().observed
        i = o.inputs
        assert i.trust is not None and i.compliance is not None  # arrivals and work all along
        m = sim.config.metrics
        inputs = MetricInputs(
            i.joins, i.leaves, i.hours, i.trust, i.compliance, m.w_join, m.w_leave
        )
        assert o.metrics == compute(inputs, sim.config.bands)


def test_normal_runs_give_the_values_pinned_before_the_change() -> None:
    """Pinned from commit ffd879e (before ObservedMetrics); re-pinned for issue 18 (trust is
    the success rate of units of work, failed units are redone, generated members draw their
    trust around T, default arrivals); re-pin only for an engine change that legitimately
    alters these runs."""
    sim = Simulation(SimulationConfig(seed=7))
    sim.run(steps=40)
    o = sim.snapshot().observed
    assert (o.mcr, o.dhs, o.status) == (0.4, 87.89141887889053, "Healthy")
    assert (o.inputs.trust, o.inputs.compliance) == (0.9517700849118224, 0.9706867671691792)
    classroom = Simulation(load_config(SCENARIOS / "classroom-basics.yaml"))
    classroom.run(hours=30)
    snap = classroom.snapshot()
    o = snap.observed
    assert (o.mcr, o.wmcr, o.si, o.dhs) == (
        0.8333333333333334, 0.5, 0.5454545454545454, 82.31486618459054,
    )  # fmt: skip
    assert snap.throughput == 36.291666666666664
    s = classroom.summary()
    _no_nan(s)
    assert s["observed"] == {
        "mcr": 0.8,
        "wmcr": 0.5167,
        "si": 0.5556,
        "dhs": 82.6,
        "status": "Healthy",
    }
    assert s["observed_inputs"] == {"hours": 30.0, "trust": 0.945263, "compliance": 0.978603}
    # Re-pinned when issue 13 rewrote the lesson's captions (caption records carry the text).
    assert s["audit_head"] == "c8dd634413d01997b78826b676fa626d6a256e426845b65faf546ceff70c3e71"


def test_history_keeps_only_what_a_window_can_reach() -> None:
    """A long run's history stays bounded, and every window reads the same as if it had not
    dropped anything (issue 12: memory flat over long runs)."""
    from phoenix_gui.engine.core import Counters
    from phoenix_gui.engine.observed import History

    short, full = History(horizon=10.0), History(horizon=1e12)
    counters = Counters()
    for step in range(1, 2001):
        counters.joins += step % 3
        counters.submitted += 2
        now = step * 0.25
        short.record(now, counters)
        full.record(now, counters)
        if step % 97 == 0:
            for hours in (0.1, 0.25, 3.0, 10.0):
                assert short.window(now, hours) == full.window(now, hours)
    assert len(short) <= 3 * 10.0 / 0.25 + 2 < len(full)
    assert short._times.size < full._times.size  # the storage too, not only the rows in use
