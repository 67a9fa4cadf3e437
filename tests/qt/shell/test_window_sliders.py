"""The whole window: slider input shows the source example's DHS at once and reaches the engine
at the next step boundary, recorded as parameter-change events."""

from __future__ import annotations

import pytest

from phoenix_gui.engine.config import ChurnConfig, SimulationConfig, WorkloadConfig
from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.qt.shell.main_window import MainWindow
from tests.qt.panels.test_controls import type_into
from tests.qt.shell.stepping import press_step

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def window(open_main_window) -> MainWindow:
    config = SimulationConfig(
        seed=5,
        metrics=MetricInputs(joins=40, leaves=30, hours=2, trust=0.5, compliance=0.5),
        churn=ChurnConfig(enabled=False),
        workload=WorkloadConfig(initial_tasks=200),
    )
    return open_main_window(config)


def test_source_example_on_the_sliders_shows_82_5_healthy_and_reaches_the_engine(
    window, qtbot
) -> None:
    controls, metrics = window.controls, window.metrics
    assert "Critical" in metrics.dhs_label.text()  # the starting inputs are far from healthy

    type_into(qtbot, controls.rows["joins"].box, "12")
    type_into(qtbot, controls.rows["leaves"].box, "8")
    type_into(qtbot, controls.rows["hours"].box, "24")
    controls.rows["trust"].slider.setValue(95)  # dragged to 95 %
    type_into(qtbot, controls.rows["compliance"].box, "98")

    # Shown immediately, before the engine has stepped.
    assert metrics.dhs_label.text() == "✓ 82.5 % Healthy"
    sim = window.adapter.sim
    assert sim.config.metrics.joins == 40

    changes: list[tuple[str, float]] = []
    window.adapter.eventEmitted.connect(
        lambda e: (
            changes.append((e.details["name"], e.details["new"]))
            if e.kind == "param_changed"
            else None
        )
    )
    press_step(window, qtbot)  # the step boundary applies the queued changes
    applied = dict(changes)
    assert applied == {
        "joins": 12,
        "leaves": 8,
        "hours": 24.0,
        "trust": pytest.approx(0.95),
        "compliance": pytest.approx(0.98),
    }
    m = sim.config.metrics
    assert (m.joins, m.leaves, m.hours) == (12, 8, 24.0)
    assert sim.snapshot().configured.as_dict() == {
        "mcr": 0.8333,
        "wmcr": 0.5833,
        "si": 0.5455,
        "dhs": 82.5,
        "status": "Healthy",
    }
    assert metrics.dhs_label.text() == "✓ 82.5 % Healthy"
