"""Time-series panel: amortised growth, lazy redraw, clear() and the CSV export."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from phoenix_gui.qt.panels.timeseries import (
    COLUMNS,
    INITIAL_CAPACITY,
    SeriesBuffer,
    TimeSeriesPanel,
)
from tests.qt.snapshot_double import make_snapshot

# Showing a top-level window on the offscreen platform logs this harmless Qt warning.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def points(curve) -> int:
    """How many points a curve holds (pyqtgraph keeps None until it has data)."""
    return 0 if curve.xData is None else len(curve.xData)


@pytest.fixture
def panel(qtbot):
    widget = TimeSeriesPanel()
    qtbot.addWidget(widget)
    return widget


def test_buffer_grows_by_doubling_up_to_its_bound():
    buffer = SeriesBuffer(len(COLUMNS), max_rows=100_000)
    capacities = set()
    row = np.zeros(len(COLUMNS))
    for i in range(100_000):
        row[0] = i
        buffer.append(row)
        capacities.add(buffer.capacity)
    # 1024 → 100000: seven reallocations for 10^5 appends, not one per append.
    assert buffer.reallocations == math.ceil(math.log2(100_000 / INITIAL_CAPACITY))
    doubled = {INITIAL_CAPACITY * 2**k for k in range(buffer.reallocations)}
    assert capacities == doubled | {100_000}  # the last growth stops at the bound
    assert len(buffer) == 100_000 and buffer.decimations == 0
    np.testing.assert_array_equal(buffer.column(0), np.arange(100_000))


def test_a_full_buffer_thins_its_older_half_and_stays_bounded():
    bound = 1 << 12
    buffer = SeriesBuffer(len(COLUMNS), max_rows=bound)
    row = np.zeros(len(COLUMNS))
    total = 10 * bound
    for i in range(total):
        row[0] = i
        buffer.append(row)
        assert len(buffer) <= bound and buffer.capacity <= bound
    times = buffer.column(0)
    assert buffer.decimations > 0
    assert np.all(np.diff(times) > 0)  # still in order, each kept row its own real time
    assert times[0] == 0 and times[-1] == total - 1  # the start and the newest both kept
    # The newest rows are all there at full resolution; older ones are sparser.
    newest = bound // 4
    np.testing.assert_array_equal(times[-newest:], np.arange(total - newest, total))
    gaps = np.diff(times)
    assert gaps[: len(gaps) // 4].mean() > 2 * gaps[-len(gaps) // 4 :].mean()


def test_panel_memory_is_bounded_over_a_long_run(qtbot):
    widget = TimeSeriesPanel()
    qtbot.addWidget(widget)
    widget.buffer = SeriesBuffer(len(COLUMNS), max_rows=256)
    for step in range(3000):
        widget.append(make_snapshot(step))
    assert len(widget) <= 256
    assert widget.series("step")[-1] == 2999
    widget.show()
    qtbot.waitExposed(widget)
    assert points(widget.curves["dhs_observed"]) == len(widget)


def test_hidden_panel_records_without_drawing_then_draws_when_shown(qtbot, panel):
    for step in range(3000):
        panel.append(make_snapshot(step))
    assert len(panel) == 3000
    assert panel.buffer.reallocations == 2
    assert not panel._redraw.isActive()  # hidden: no redraw scheduled
    assert points(panel.curves["dhs_observed"]) == 0
    panel.show()
    qtbot.waitExposed(panel)
    assert points(panel.curves["dhs_observed"]) == 3000
    np.testing.assert_allclose(panel.series("time_h")[:4], [0, 0.25, 0.5, 0.75])


def test_visible_panel_redraws_coalesced_on_a_timer(qtbot, panel):
    panel.show()
    qtbot.waitExposed(panel)
    for step in range(50):
        panel.append(make_snapshot(step))
    assert panel._redraw.isActive()
    assert points(panel.curves["mcr_configured"]) == 0  # not redrawn per append
    qtbot.waitUntil(lambda: points(panel.curves["mcr_configured"]) == 50, timeout=2000)
    assert not panel._redraw.isActive()


def test_hiding_stops_the_redraw_and_showing_catches_up(qtbot, panel):
    panel.show()
    qtbot.waitExposed(panel)
    panel.append(make_snapshot(0))
    assert panel._redraw.isActive()
    panel.hide()
    assert not panel._redraw.isActive()
    panel.append(make_snapshot(1))
    assert not panel._redraw.isActive()
    panel.show()
    assert points(panel.curves["si_observed"]) == 2


def test_curves_clip_to_view_and_downsample_by_peak(panel):
    for curve in panel.curves.values():
        assert curve.opts["clipToView"] is True
        assert curve.opts["autoDownsample"] is True
        assert curve.opts["downsampleMethod"] == "peak"
    assert [line.value() for line in panel.band_lines] == [80.0, 60.0]
    assert "60 / 80" in panel.plots[2].titleLabel.text


def test_clear_forgets_everything(panel):
    for step in range(10):
        panel.append(make_snapshot(step))
    panel.refresh()
    panel.clear()
    assert len(panel) == 0
    assert len(panel.series("dhs_configured")) == 0
    assert points(panel.curves["dhs_configured"]) == 0
    panel.append(make_snapshot(0))
    assert len(panel) == 1


def test_export_csv_writes_header_and_rows_with_blank_undefined(tmp_path, panel):
    panel.append(make_snapshot(0, observed=False))
    panel.append(make_snapshot(1))
    snapshot = make_snapshot(2)
    snapshot.throughput = math.nan
    panel.append(snapshot)
    path = tmp_path / "series.csv"
    panel.export_csv(path)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [name for name, _path in COLUMNS]
    assert len(rows) == 4
    record = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert record[0]["mcr_observed"] == "" and record[0]["mcr_configured"] != ""
    assert float(record[1]["mcr_observed"]) == pytest.approx(
        make_snapshot(1).observed.mcr, rel=1e-12
    )
    assert [r["step"] for r in record] == ["0", "1", "2"]
    assert record[2]["throughput"] == ""
    assert float(record[2]["dhs_configured"]) == pytest.approx(82.51515, abs=1e-5)
    assert "nan" not in path.read_text(encoding="utf-8").lower()


def test_export_csv_to_an_impossible_path_raises_oserror(tmp_path, panel):
    panel.append(make_snapshot(0))
    with pytest.raises(OSError, match="missing"):
        panel.export_csv(tmp_path / "missing" / "deeper" / "series.csv")


def test_ranges_start_again_with_a_new_run_never_negative_never_si_scaled(qtbot, panel):
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    for step in range(0, 8000, 40):  # up to 2000 h: pyqtgraph would write "(x1000)" or similar
        panel.append(make_snapshot(step))
    panel.refresh()
    bottom = panel.plots[3].getAxis("bottom")
    assert not bottom.autoSIPrefix
    assert "x0" not in bottom.labelString() and "x1" not in bottom.labelString()
    qtbot.waitUntil(lambda: panel.plots[0].getViewBox().viewRange()[0][1] > 1000)
    panel.plots[0].setXRange(-50.0, 10.0, padding=0.0)  # a drag to before the start stops at 0
    assert panel.plots[0].getViewBox().viewRange()[0][0] >= 0.0
    panel.clear()  # Reset or another lesson
    for plot in panel.plots:
        (x0, x1), _y = plot.getViewBox().viewRange()
        assert x0 == 0.0 and x1 <= 1.0
    for step in range(1, 5):
        panel.append(make_snapshot(step))
    panel.refresh()
    qtbot.waitUntil(lambda: 0.5 < panel.plots[0].getViewBox().viewRange()[0][1] < 10.0)
    assert panel.plots[0].getViewBox().viewRange()[0][0] >= 0.0  # the new run's range


def test_redraw_interval_stretches_with_the_measured_cost(qtbot, panel):
    from phoenix_gui.qt.panels.timeseries import COST_SHARE, MAX_REDRAW_MS, REDRAW_MS

    panel.show()
    qtbot.waitExposed(panel)
    panel.append(make_snapshot(0))
    panel.resize(900, 400)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.graphics.painted_ms > 0, timeout=3000)
    painted = panel.graphics.painted_ms
    panel.append(make_snapshot(1))
    panel.refresh()  # the paints since the last redraw are what that redraw cost
    assert panel._refresh_ms > 0 and panel._paint_ms == painted  # measured, not assumed
    panel._refresh_ms, panel._paint_ms = 0.0, 0.0
    assert panel.redraw_interval() == REDRAW_MS  # cheap: the base rate
    panel._refresh_ms, panel._paint_ms = 12.0, 18.0
    assert panel.redraw_interval() == COST_SHARE * 30  # 30 ms a redraw: a few per second
    panel._paint_ms = 500.0
    assert panel.redraw_interval() == MAX_REDRAW_MS  # never slower than once a second
    panel.append(make_snapshot(2))
    assert panel._redraw.interval() == MAX_REDRAW_MS


def test_catch_up_draws_what_the_paced_redraw_has_not_yet(qtbot, panel):
    # A paused run or a picture of the window must not show an older moment than the rest.
    panel.show()
    qtbot.waitExposed(panel)
    for step in range(40):
        panel.append(make_snapshot(step))
    assert points(panel.curves["dhs_observed"]) == 0  # the paced redraw has not run yet
    panel.catch_up()
    assert points(panel.curves["dhs_observed"]) == 40
    assert not panel._redraw.isActive()
    panel.catch_up()  # nothing new: nothing to do
    assert points(panel.curves["dhs_observed"]) == 40


def test_the_time_axis_grows_in_leaps_and_keeps_a_users_own_view(qtbot, panel):
    from phoenix_gui.qt.panels.timeseries import X_HEADROOM

    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    ends = []
    for step in range(0, 400, 4):
        panel.append(make_snapshot(step))
        panel.refresh()
        ends.append(panel.plots[0].getViewBox().viewRange()[0][1])
    newest = float(panel.series("time_h")[-1])
    # Always past the newest point, never more than the headroom past it …
    assert newest <= ends[-1] <= newest * X_HEADROOM + 1e-9
    # … and it moved in a few leaps, not with every redraw (each leap repaints every axis).
    assert 1 < len(set(ends)) < len(ends) // 4
    for plot in panel.plots:  # the linked plots show the same time
        assert plot.getViewBox().viewRange()[0] == pytest.approx([0.0, ends[-1]])
    panel.plots[0].getViewBox().sigRangeChangedManually.emit([True, False])  # a drag
    panel.plots[0].setXRange(1.0, 2.0, padding=0.0)
    for step in range(400, 800, 4):
        panel.append(make_snapshot(step))
    panel.refresh()
    assert panel.plots[0].getViewBox().viewRange()[0] == pytest.approx([1.0, 2.0])


def test_the_value_axes_hold_their_range_until_a_value_leaves_it(qtbot, panel):
    from phoenix_gui.qt.panels.timeseries import Y_REFIT

    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    ranges = []
    for step in range(0, 200, 2):  # the observed MCR drifts with sin(t): new extremes early
        panel.append(make_snapshot(step))
        panel.refresh()
        ranges.append(tuple(panel.plots[0].getViewBox().viewRange()[1]))
        for plot, column in ((panel.plots[0], "mcr_observed"), (panel.plots[5], "migrations")):
            y0, y1 = plot.getViewBox().viewRange()[1]
            name = "migrations_per_hour" if column == "migrations" else column
            values = panel.series(name)
            assert y0 < values.min() and values.max() < y1  # every value shown, none on an edge
    # The range moved in a few leaps, not with every redraw (each move re-renders the axis).
    assert 1 < len(set(ranges)) < len(ranges) // 4
    y0, y1 = panel.plots[2].getViewBox().viewRange()[1]  # DHS: its band lines are in view
    assert y0 < panel.bands.degraded and panel.bands.healthy < y1
    # Values far inside the range: fitted again.
    panel.clear()
    panel.reset_ranges()
    panel.append(make_snapshot(0))
    panel.refresh()
    for step in (1, 2):
        snapshot = make_snapshot(step)
        snapshot.migrations_per_hour = 1e6  # one burst, then quiet again
        panel.append(snapshot if step == 1 else make_snapshot(4))
        panel.refresh()
    y0, y1 = panel.plots[5].getViewBox().viewRange()[1]
    assert y1 > 1e6
    panel.clear()
    for step in range(3):
        panel.append(make_snapshot(step))
    panel.refresh()
    y0, y1 = panel.plots[5].getViewBox().viewRange()[1]
    values = panel.series("migrations_per_hour")
    assert values.max() - values.min() >= Y_REFIT * (y1 - y0) and y1 < 100


def test_a_users_own_value_range_is_kept(qtbot, panel):
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    panel.append(make_snapshot(0))
    panel.refresh()
    box = panel.plots[1].getViewBox()
    box.sigRangeChangedManually.emit([False, True])  # a drag
    box.setYRange(-5.0, 5.0, padding=0.0)
    for step in range(1, 40):
        panel.append(make_snapshot(step))
    panel.refresh()
    assert box.viewRange()[1] == pytest.approx([-5.0, 5.0])
