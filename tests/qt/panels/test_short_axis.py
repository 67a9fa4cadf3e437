"""Value axes of short plots: their tick labels never overlap (the SI plot at 1280×800 printed
"0.8" over "0.6")."""

from __future__ import annotations

import itertools

import pyqtgraph as pg
import pytest
from PySide6 import QtGui

from phoenix_gui.qt.panels.short_axis import ShortAxis, _nice_at_least, _nice_below
from phoenix_gui.qt.panels.timeseries import TimeSeriesPanel
from tests.qt.snapshot_double import make_snapshot

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def label_rects(axis: pg.AxisItem) -> list:
    """The rectangles the axis would draw its tick labels in, as pyqtgraph computes them."""
    image = QtGui.QImage(200, 200, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    assert specs is not None
    return [rect for rect, _flags, _text in specs[2]]


def overlaps(rects: list, axis: pg.AxisItem) -> int:
    """Pairs of labels closer (centre to centre) than the font's line height: what a reader
    sees overlap (pyqtgraph's own rectangles are 0.8 of the text's height)."""
    height = QtGui.QFontMetricsF(axis.style.get("tickFont") or axis.font()).height()
    centres = sorted(rect.center().y() for rect in rects)
    return sum(1 for a, b in itertools.pairwise(centres) if b - a < height)


@pytest.mark.parametrize("height", [150, 170, 200, 260, 400])
def test_no_value_labels_overlap_in_a_short_panel(qtbot, height):
    panel = TimeSeriesPanel()
    qtbot.addWidget(panel)
    panel.resize(880, height)
    panel.show()
    qtbot.waitExposed(panel)
    for step in range(40):
        panel.append(make_snapshot(step))
    panel.refresh()
    panel.grab()  # lays the plots out at this size
    for plot in panel.plots:
        axis = plot.getAxis("left")
        assert isinstance(axis, ShortAxis)
        rects = label_rects(axis)
        if axis.height() >= axis.label_height():
            assert rects, "a plot with room for a label keeps one"
        assert overlaps(rects, axis) == 0, (plot.titleLabel.text, [r.getRect() for r in rects])


def test_pyqtgraph_own_axis_overlaps_where_ours_does_not(qtbot):
    """The check above can fail: pyqtgraph's axis on the same short plot overlaps."""
    axes, widgets = {}, []
    for name, items in (("plain", None), ("ours", {"left": ShortAxis("left")})):
        widget = pg.PlotWidget(axisItems=items)
        widgets.append(widget)
        qtbot.addWidget(widget)
        widget.resize(300, 60)
        widget.show()
        qtbot.waitExposed(widget)
        widget.plot([0, 1, 2, 3], [0.55, 0.6, 0.82, 0.7])
        widget.grab()
        axes[name] = widget.getPlotItem().getAxis("left")
    assert overlaps(label_rects(axes["plain"]), axes["plain"]) > 0
    ours = label_rects(axes["ours"])
    assert ours and overlaps(ours, axes["ours"]) == 0


@pytest.mark.parametrize(
    ("value", "nice"), [(0.13, 0.2), (0.2, 0.2), (0.21, 0.5), (3.0, 5.0), (7.5, 10.0), (1e-7, 1e-7)]
)
def test_nice_steps(value, nice):
    assert _nice_at_least(value) == pytest.approx(nice)


@pytest.mark.parametrize(("step", "below"), [(1.0, 0.5), (0.5, 0.2), (0.2, 0.1), (100.0, 50.0)])
def test_nice_steps_below(step, below):
    assert _nice_below(step) == pytest.approx(below)
