"""CompareSeries: run B's curves laid over the time-series plots of run A.

While two runs are shown, every plot draws A solid and B dashed in the same colour, and the
legend line above the plots says so. A's configured (slider) curves, dashed in the one-run
plots, are hidden meanwhile: two kinds of dashes would leave a class guessing which is which.
B's series live in a buffer of their own (the same bounded :class:`SeriesBuffer` A uses);
they are redrawn at most every ``REDRAW_MS`` and at once by :meth:`catch_up`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from phoenix_gui.qt.panels.compare_metrics import SIDE_COLORS
from phoenix_gui.qt.panels.metrics_panel import field, finite
from phoenix_gui.qt.panels.timeseries import (
    _PLOTS,
    COLUMN_INDEX,
    COLUMNS,
    REDRAW_MS,
    SeriesBuffer,
    TimeSeriesPanel,
)

LEGEND = (
    '<span style="color:{a}"><b>———</b> A (left view)</span>&nbsp;&nbsp;&nbsp;'
    '<span style="color:{b}"><b>- - -</b> B (right view)</span>'
    "&nbsp;&nbsp;&nbsp;observed values, same colour per metric"
)


class CompareSeries(QtCore.QObject):
    """B's dashed curves on ``panel``'s plots; ``append(snapshot)`` after each step of B."""

    def __init__(self, panel: TimeSeriesPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.buffer = SeriesBuffer(len(COLUMNS))
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._legend = panel.findChildren(QtWidgets.QLabel)[0]
        self._one_run_legend = self._legend.text()
        self._hidden: list[pg.PlotDataItem] = []
        self._redraw = QtCore.QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_MS)
        self._redraw.timeout.connect(self.refresh)
        self.active = False

    def start(self) -> None:
        """Show B beside A: dashed B curves, A's configured curves hidden, the A/B legend."""
        if self.active:
            return
        self.active = True
        self.buffer.clear()
        for plot, (_title, series) in zip(self.panel.plots, _PLOTS, strict=True):
            for name, _legend, color, dashed in series:
                if dashed:  # a configured (slider) curve
                    curve = self.panel.curves[name]
                    curve.setVisible(False)
                    self._hidden.append(curve)
                    continue
                pen = pg.mkPen(color, width=2, style=QtCore.Qt.PenStyle.DashLine)
                curve = plot.plot(pen=pen, connect="finite")
                curve.setClipToView(True)
                curve.setDownsampling(auto=True, method="peak")
                self.curves[name] = curve
        self._legend.setText(LEGEND.format(a=SIDE_COLORS["A"], b=SIDE_COLORS["B"]))

    def stop(self) -> None:
        """Back to one run: B's curves go, A's configured curves and legend come back."""
        if not self.active:
            return
        self.active = False
        self._redraw.stop()
        for plot in self.panel.plots:
            for curve in list(self.curves.values()):
                if curve in plot.listDataItems():
                    plot.removeItem(curve)
        self.curves.clear()
        for curve in self._hidden:
            curve.setVisible(True)
        self._hidden.clear()
        self._legend.setText(self._one_run_legend)
        self.buffer.clear()

    def clear(self) -> None:
        """B started again (a new comparison): forget its points."""
        self.buffer.clear()
        for curve in self.curves.values():
            curve.setData([], [])

    def append(self, snapshot: Any) -> None:
        """Record one snapshot of B (a later step than the last, or the same step again)."""
        step = _number(field(snapshot, "step"))
        rows = self.buffer.rows()
        if len(rows) and rows[-1, COLUMN_INDEX["step"]] >= step:
            self.buffer.drop_last()  # the same step told again (a restated snapshot)
        self.buffer.append(np.array([_number(field(snapshot, path)) for _n, path in COLUMNS]))
        if self.active and not self._redraw.isActive():
            self._redraw.start()

    def series(self, name: str) -> np.ndarray:
        """B's recorded values of one column."""
        return self.buffer.column(COLUMN_INDEX[name])

    def refresh(self) -> None:
        self._redraw.stop()
        hours = self.buffer.column(COLUMN_INDEX["time_h"])
        for name, curve in self.curves.items():
            curve.setData(hours, self.buffer.column(COLUMN_INDEX[name]))

    def catch_up(self) -> None:
        """Draw now (before a picture, or when the run pauses)."""
        if self.active:
            self.refresh()


def _number(value: Any) -> float:
    number = finite(value)
    return math.nan if number is None else number
