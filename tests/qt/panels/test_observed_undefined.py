"""Undefined observed metrics from the real engine: "—" in the metrics panel, gaps in the plots."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6 import QtWidgets

from phoenix_gui.engine.config import MembersConfig, SimulationConfig, WorkloadConfig
from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.engine.simulation import Simulation
from phoenix_gui.qt.panels.metrics_panel import DASH, MetricsPanel
from phoenix_gui.qt.panels.timeseries import TimeSeriesPanel

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

# Table rows of the observed column: J, L, Δt, T, C, MCR, WMCR, SI, DHS, status.
T_ROW, C_ROW, MCR_ROW, DHS_ROW, STATUS_ROW = 3, 4, 5, 8, 9


def _empty_cluster() -> Simulation:
    metrics = MetricInputs(joins=0, leaves=0, hours=24, trust=0.95, compliance=0.98)
    return Simulation(
        SimulationConfig(
            metrics=metrics,
            members=MembersConfig(generate=0),
            workload=WorkloadConfig(arrival_rate=0.0),
        )
    )


def _observed_column(panel: MetricsPanel) -> list[str]:
    return [panel.table.item(r, 1).text() for r in range(panel.table.rowCount())]


def _texts(panel: MetricsPanel) -> list[str]:
    texts = [label.text() for label in panel.findChildren(QtWidgets.QLabel)]
    return texts + _observed_column(panel)


def test_metrics_panel_shows_a_dash_for_an_empty_cluster(qtbot):
    panel = MetricsPanel()
    qtbot.addWidget(panel)
    sim = _empty_cluster()
    sim.run(steps=100)
    panel.update_snapshot(sim.snapshot())
    column = _observed_column(panel)
    for row in (T_ROW, C_ROW, DHS_ROW, STATUS_ROW):
        assert column[row] == DASH, row
    assert column[MCR_ROW] == "0.0000"  # no churn over a real 24 h window is an observation
    assert panel.observed_dhs_label.text() == DASH
    assert panel.observed_gauge.value is None
    assert "no work done in the window" in panel.observed_dhs_label.toolTip()
    formulas = panel.observed_formulas.text()
    assert f"DHS = 100 · (1.0000 + {DASH} + {DASH}) / 3 = {DASH}" in formulas
    assert "undefined: no work done in the window; no task submitted in the window" in formulas
    assert panel.dhs_label.text().endswith("Healthy")  # the configured side is unaffected
    for text in _texts(panel):
        assert "nan" not in text.lower() and "none" not in text.lower(), text


def test_metrics_panel_shows_real_numbers_once_observed(qtbot):
    panel = MetricsPanel()
    qtbot.addWidget(panel)
    sim = Simulation(SimulationConfig(seed=7))
    panel.update_snapshot(sim.snapshot())  # t = 0: nothing observed yet
    assert _observed_column(panel)[MCR_ROW] == DASH
    assert "no window yet" in panel.observed_formulas.text()
    sim.run(steps=40)
    observed = sim.snapshot().observed
    panel.update_snapshot(sim.snapshot())
    column = _observed_column(panel)
    assert column[DHS_ROW] == f"{observed.dhs:.1f}" and column[STATUS_ROW] == "Healthy"
    assert column[T_ROW] == f"{observed.inputs.trust:.4g}"
    assert panel.observed_dhs_label.text() == f"✓ {observed.dhs:.1f} % Healthy"
    assert "undefined" not in panel.observed_formulas.text()


def test_timeseries_leaves_gaps_and_empty_csv_fields(qtbot, tmp_path):
    panel = TimeSeriesPanel()
    qtbot.addWidget(panel)
    panel.resize(800, 300)
    panel.show()
    sim = _empty_cluster()
    panel.append(sim.snapshot())  # t = 0: no window at all
    for _ in range(100):
        sim.step()
        panel.append(sim.snapshot())
    dhs = panel.series("dhs_observed")
    assert np.isnan(dhs).all()  # T is never observed on an empty cluster
    mcr = panel.series("mcr_observed")
    assert np.isnan(mcr[0]) and (mcr[1:] == 0.0).all()
    assert np.isfinite(panel.series("dhs_configured")).all()
    panel.refresh()  # connect="finite" draws the gaps; nothing raises or warns
    qtbot.wait(10)
    assert not panel.grab().isNull()  # paint (and auto-range) over the all-NaN curves
    low, high = panel.plots[2].viewRange()[1]
    assert low <= sim.snapshot().configured.dhs <= high  # the configured curve sets the range
    path = tmp_path / "series.csv"
    panel.export_csv(path)
    text = path.read_text(encoding="utf-8")
    assert "nan" not in text.lower()
    rows = list(csv.DictReader(text.splitlines()))
    assert {row["dhs_observed"] for row in rows} == {""}
    assert rows[0]["mcr_observed"] == "" and rows[1]["mcr_observed"] == "0"
