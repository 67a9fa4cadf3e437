"""The metrics panel: formulas with numbers, status colours and words, "—" for undefined."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from PySide6 import QtGui, QtWidgets

from phoenix_gui.engine.metrics import HealthBands, MetricInputs, Metrics, compute
from phoenix_gui.qt.panels.metrics_panel import (
    DASH,
    PREVIEW_HOLD_SNAPSHOTS,
    STATUS_COLORS,
    MetricsPanel,
    formula_lines,
)
from tests.qt.snapshot_double import make_snapshot

EXAMPLE = MetricInputs(12, 8, 24, 0.95, 0.98)


@pytest.fixture
def panel(qtbot):
    widget = MetricsPanel()
    qtbot.addWidget(widget)
    return widget


def all_texts(panel: MetricsPanel) -> list[str]:
    texts = [label.text() for label in panel.findChildren(QtWidgets.QLabel)]
    table = panel.table
    texts += [table.item(r, c).text() for r in range(table.rowCount()) for c in range(2)]
    return texts


def with_dhs(dhs: float, bands: HealthBands) -> Metrics:
    """Metrics with a chosen DHS, status decided by the bands as compute() does."""
    m = compute(EXAMPLE)
    return Metrics(m.inputs, m.mcr, m.wmcr, m.si, dhs, bands.status(dhs))


def test_formulas_are_written_out_with_the_numbers(panel):
    panel.show_configured(compute(EXAMPLE))
    text = panel.configured_formulas.text()
    for line in (
        "MCR = (12 + 8) / 24 = 0.8333 events/h",
        "WMCR = (0.5·12 + 1·8) / 24 = 0.5833 events/h",
        "SI = 1 / (1 + 0.8333) = 0.5455",
        "DHS = 100 · (0.5455 + 0.95 + 0.98) / 3 = 82.5 %",
    ):
        assert line in text
    first_definition, first_filled = formula_lines(compute(EXAMPLE))[0]
    assert first_filled == "MCR = (12 + 8) / 24 = 0.8333 events/h"
    assert first_definition == "MCR = (J + L) / Δt"
    column = [panel.table.item(row, 0).text() for row in range(panel.table.rowCount())]
    expected = ["12", "8", "24", "0.95", "0.98", "0.8333", "0.5833", "0.5455", "82.5", "Healthy"]
    assert column == expected


@pytest.mark.parametrize(
    ("dhs", "status", "symbol"),
    [
        (100.0, "Healthy", "✓"),
        (80.0, "Healthy", "✓"),
        (79.9, "Degraded", "▲"),
        (60.0, "Degraded", "▲"),
        (59.9, "Critical", "✕"),
        (0.0, "Critical", "✕"),
    ],
)
def test_status_colour_and_word_at_the_band_edges(panel, dhs, status, symbol):
    panel.show_configured(with_dhs(dhs, panel.bands))
    text = panel.dhs_label.text()
    assert status in text and symbol in text  # never colour alone
    assert f"{dhs:.1f} %" in text
    assert panel.configured_gauge.color() == QtGui.QColor(STATUS_COLORS[status])
    assert STATUS_COLORS[status].lower() in panel.dhs_label.styleSheet().lower()
    assert panel.table.item(9, 0).text() == status


def test_undefined_observed_values_show_a_dash_never_nan(panel):
    snapshot = make_snapshot(observed=False)
    snapshot.balance = SimpleNamespace(
        members=0, tasks=0, mean=math.nan, std=math.nan, max=None, max_over_mean=math.inf
    )
    snapshot.last_change = None
    snapshot.throughput = math.nan
    snapshot.work_lost = None
    snapshot.time = math.inf
    panel.update_snapshot(snapshot)
    assert [panel.table.item(r, 1).text() for r in range(panel.table.rowCount())] == [DASH] * 10
    assert panel.observed_dhs_label.text() == DASH
    assert panel.observed_gauge.value is None
    assert panel.stat_labels["throughput"].text() == DASH
    assert panel.stat_labels["work_lost"].text() == DASH
    assert panel.stat_labels["max_over_mean"].text() == DASH
    assert DASH in panel.stat_labels["per_member"].text()
    for text in all_texts(panel):
        assert "nan" not in text.lower() and "inf" not in text.lower(), text
    # The configured side still shows the snapshot's configured metrics.
    assert panel.dhs_label.text() == "✓ 82.5 % Healthy"


def test_snapshot_fills_observed_side_and_statistics(panel):
    panel.update_snapshot(make_snapshot(step=8))
    observed = compute(MetricInputs(10 + math.sin(2.0), 7, 24, 0.94, 0.97))
    assert panel.table.item(5, 1).text() == f"{observed.mcr:.4f}"
    assert panel.observed_dhs_label.text().endswith(f"{observed.dhs:.1f} % {observed.status}")
    assert f"= {observed.mcr:.4f} events/h" in panel.observed_formulas.text()
    change = panel.stat_labels["last_change"].text()
    assert "join host-11: moved 83 / 1000 = 0.0830" in change
    assert "ideal 0.0909" in change
    assert panel.stat_labels["per_member"].text() == "mean 100.0 · std 7.1 · max 110"
    assert panel.stat_labels["stranded"].text() == "2"
    assert panel.stat_labels["migrations"].text() == "14.00 per h"
    assert panel.stat_labels["clock"].text() == "2.00 h · step 8"
    # last_change may also be an object with attributes.
    snapshot = make_snapshot()
    snapshot.last_change = SimpleNamespace(
        kind="leave", member="host-3", moved=250, active=1000, ratio=0.25, ideal=0.25
    )
    panel.update_snapshot(snapshot)
    assert panel.stat_labels["last_change"].text().startswith("leave host-3: moved 250 / 1000")
    panel.clear()
    assert panel.observed_dhs_label.text() == DASH
    assert panel.stat_labels["stranded"].text() == DASH


def test_slider_preview_is_not_overwritten_by_a_stale_snapshot(panel):
    panel.show_values({"joins": 30, "leaves": 8, "hours": 24, "trust": 0.95, "compliance": 0.98})
    assert panel.table.item(0, 0).text() == "30"
    panel.update_snapshot(make_snapshot(joins=12))  # the engine has not applied J=30 yet
    assert panel.table.item(0, 0).text() == "30"
    panel.update_snapshot(make_snapshot(joins=30))  # caught up
    panel.update_snapshot(make_snapshot(joins=12))  # a later real change is shown at once
    assert panel.table.item(0, 0).text() == "12"
    # A change the engine never takes does not stick for ever.
    panel.show_values({"joins": 50})
    for _ in range(PREVIEW_HOLD_SNAPSHOTS + 1):
        panel.update_snapshot(make_snapshot(joins=12))
    assert panel.table.item(0, 0).text() == "12"


def test_a_snapshot_with_the_same_configuration_leaves_that_side_as_it_is(panel):
    panel.update_snapshot(make_snapshot(joins=12))
    panel.configured_formulas.setText("shown once")
    panel.update_snapshot(make_snapshot(joins=12))  # every step: same configured metrics
    assert panel.configured_formulas.text() == "shown once"
    panel.update_snapshot(make_snapshot(joins=13))
    assert "13" in panel.configured_formulas.text()
    assert panel.table.item(0, 0).text() == "13"


def test_invalid_preview_names_the_field_and_keeps_the_last_numbers(panel):
    panel.show_values({"joins": 12, "leaves": 8, "hours": 24, "trust": 0.95, "compliance": 0.98})
    panel.show_values({"hours": 0})
    assert "hours" in panel.configured_formulas.text()
    assert panel.dhs_label.text() == "✓ 82.5 % Healthy"
    panel.update_snapshot(make_snapshot(joins=12))  # the engine's values: formulas again
    assert "hours" not in panel.configured_formulas.text()


def test_custom_bands_move_the_gauge_marks(panel):
    bands = HealthBands(healthy=90, degraded=70)
    panel.set_bands(bands)
    panel.show_values({"joins": 12, "leaves": 8, "hours": 24, "trust": 0.95, "compliance": 0.98})
    assert panel.configured_gauge.bands == bands
    assert "Degraded" in panel.dhs_label.text()  # 82.5 is Degraded with these bands


@pytest.mark.parametrize(
    ("inputs", "text", "status"),
    [
        (MetricInputs(0, 0, 24, 0.4, 0.4), "60.0 % Degraded", "Degraded"),  # exactly the edge
        (MetricInputs(1, 0, 3999, 0.7, 0.7), "79.99 % Degraded", "Degraded"),  # a hair under 80
    ],
)
def test_status_chip_and_table_never_contradict_the_band(panel, inputs, text, status) -> None:
    panel.show_configured(compute(inputs))
    assert text in panel.dhs_label.text()
    assert panel.table.item(8, 0).text() == text.split(" %")[0]  # the DHS row
    assert panel.table.item(9, 0).text() == status
    assert text in panel.configured_gauge.toolTip()


def test_crash_cost_retries_warnings_and_no_ideal_where_theory_has_none(panel):
    snapshot = make_snapshot(step=2)
    snapshot.warnings = ("1787 of 2939 tasks (61 %) are PENDING: no member has room.",)
    snapshot.last_change = {
        "kind": "join", "member": "node-9", "moved": 0, "active": 500, "ratio": 0.0,
        "ideal": None,
    }  # fmt: skip
    panel.update_snapshot(snapshot)
    labels = panel.stat_labels
    # Short values in the compact Balance box (issue 13); the meaning is in the tooltips.
    assert labels["work_lost"].text() == "1.50 h"
    assert "crash rollback" in labels["work_lost"].toolTip().lower()
    assert labels["work_delayed"].text() == "3.2 task-h"
    assert "until the crash was detected" in labels["work_delayed"].toolTip()
    assert labels["retries"].text() == "7 units"
    assert "Failed units of work" in labels["retries"].toolTip()
    warning = panel.warning_line
    assert labels["warnings"] is warning
    assert "61 %) are PENDING" in warning.full_text() and warning.fits()
    assert warning.text().startswith("⚠ 1787")  # whole, or ending in "…" (panel width)
    assert "no member has room" in warning.toolTip()
    assert labels["last_change"].text() == "join node-9: moved 0 / 500 = 0.0000"
    snapshot.warnings = ()
    panel.update_snapshot(snapshot)
    assert panel.warning_line.full_text() == "no warnings"
