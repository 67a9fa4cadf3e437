"""Time-series plots over simulated time: configured vs observed MCR, SI, DHS; balance; flow.

Cheap to grow and bounded: every series lives in one preallocated numpy array that doubles
when full, up to :data:`MAX_ROWS` rows; then the older half is thinned to every second row, so
the newest points stay at full resolution, older ones grow sparser (each halving keeps its
points' real times), and memory stays flat however long the run. :meth:`TimeSeriesPanel.append`
is O(1) amortised and never touches the plots. A single-shot
timer redraws at most every ``REDRAW_MS`` and only while the panel is visible; the interval
stretches with the series' length and with what the last redraw cost (setData plus the paint it
caused, measured), so the plots never take more than about 1/``COST_SHARE`` of the GUI thread
however busy the window is. Time runs from 0 to a quarter past the newest point and widens
only when the newest point reaches its end (pyqtgraph's auto-range moved it, and so re-rendered
all twelve axes, on every redraw: ~20 ms, a whole window step's budget); the values' range
works the same way: it takes :data:`Y_HEADROOM` of room beyond the values whenever a value
leaves it, and fits again only when the values shrink to less than :data:`Y_REFIT` of it, so
a redraw between those moments re-renders neither axis text nor grid (pyqtgraph's auto-range
fitted it anew on every redraw).
The curves clip to the view and downsample by peak, so 10^5 points
draw like a few thousand; the axes are cached as pixmaps, so a repaint that does not move them
(another item changed, a dock resized) costs a blit, not their text.

An undefined value (an observed metric with no observations is None) is NaN inside the arrays
only: the curves draw it as a gap (``connect="finite"``), the CSV as an empty field.
"""

from __future__ import annotations

import csv
import io
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine import HealthBands
from phoenix_gui.qt.panels.metrics_panel import STATUS_COLORS, field, finite
from phoenix_gui.qt.panels.short_axis import ShortAxis

REDRAW_MS = 100
# A redraw of 10^5 points costs ~25 ms (measured offscreen, 800×300), so long series redraw
# less often: the interval grows with the length, up to one second, keeping the cost ~10 %.
MAX_REDRAW_MS = 1000
POINTS_PER_REDRAW_MS = 400
# The redraw interval is at least this many times the last redraw's measured cost: six plots
# with text axes cost ~20-30 ms to repaint on a busy 2-core machine, which every step paid
# before (a third of a 10^5-task window step).
COST_SHARE = 15
# The time axis reaches this far past the newest point whenever it has to grow: between those
# moments the axes keep their range, so a redraw repaints the curves, not every axis's text.
X_HEADROOM = 1.25
# The value axis: room left above and below the values (a share of their span) when the range
# has to change, and the share of the range the values may shrink to before it is fitted again.
Y_HEADROOM = 0.1
Y_REFIT = 0.4
INITIAL_CAPACITY = 1024
# Rows kept at most (19 columns × 8 bytes: 2.5 MB); a long run thins its older half.
MAX_ROWS = 1 << 14
# Column name → snapshot path. The CSV header is exactly these names, in this order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("time_h", "time"),
    ("step", "step"),
    ("mcr_configured", "configured.mcr"),
    ("mcr_observed", "observed.mcr"),
    ("wmcr_configured", "configured.wmcr"),
    ("wmcr_observed", "observed.wmcr"),
    ("si_configured", "configured.si"),
    ("si_observed", "observed.si"),
    ("dhs_configured", "configured.dhs"),
    ("dhs_observed", "observed.dhs"),
    ("members", "balance.members"),
    ("tasks", "balance.tasks"),
    ("load_mean", "balance.mean"),
    ("load_std", "balance.std"),
    ("load_max_over_mean", "balance.max_over_mean"),
    ("migrations_per_hour", "migrations_per_hour"),
    ("throughput", "throughput"),
    ("stranded", "stranded"),
    ("work_lost", "work_lost"),
)
COLUMN_INDEX = {name: i for i, (name, _path) in enumerate(COLUMNS)}
# Okabe–Ito, and the two sides differ in dash as well as hue (colour-blind safe).
CONFIGURED_COLOR = "#0072B2"
OBSERVED_COLOR = "#CC79A7"
CURSOR_COLOR = "#D55E00"  # the moment the timeline shows (Okabe–Ito vermilion)
# (title, [(column, legend name, colour, dashed)])
_PLOTS: tuple[tuple[str, tuple[tuple[str, str, str, bool], ...]], ...] = (
    (
        "MCR (events/h)",
        (
            ("mcr_configured", "configured", CONFIGURED_COLOR, True),
            ("mcr_observed", "observed", OBSERVED_COLOR, False),
        ),
    ),
    (
        "SI",
        (
            ("si_configured", "configured", CONFIGURED_COLOR, True),
            ("si_observed", "observed", OBSERVED_COLOR, False),
        ),
    ),
    (
        "DHS (%)",
        (
            ("dhs_configured", "configured", CONFIGURED_COLOR, True),
            ("dhs_observed", "observed", OBSERVED_COLOR, False),
        ),
    ),
    ("Load std (tasks/member)", (("load_std", "std", "#009E73", False),)),
    ("Load max / mean", (("load_max_over_mean", "max/mean", "#E69F00", False),)),
    ("Migrations per hour", (("migrations_per_hour", "migrations/h", "#56B4E9", False),)),
)


class SeriesBuffer:
    """Rows of floats in one (capacity × columns) array that doubles when full, up to
    ``max_rows``; then the older half is thinned to every second row (see the module doc)."""

    def __init__(
        self, columns: int, capacity: int = INITIAL_CAPACITY, max_rows: int = MAX_ROWS
    ) -> None:
        self.max_rows = max(4, max_rows)
        self._data = np.full((max(1, min(capacity, self.max_rows)), columns), np.nan)
        self._size = 0
        self.reallocations = 0
        self.decimations = 0

    def __len__(self) -> int:
        return self._size

    @property
    def capacity(self) -> int:
        return int(self._data.shape[0])

    def append(self, row: np.ndarray) -> None:
        if self._size >= self.max_rows:
            self._thin_older_half()
        if self._size == self.capacity:
            grown = np.full((min(self.capacity * 2, self.max_rows), self._data.shape[1]), np.nan)
            grown[: self._size] = self._data
            self._data = grown
            self.reallocations += 1
        self._data[self._size] = row
        self._size += 1

    def _thin_older_half(self) -> None:
        """Keep every second row of the older half (its first row included) and all of the
        newer half, in place: the buffer drops to three quarters full."""
        half = self._size // 2
        kept = self._data[0:half:2].copy()
        newer = self._data[half : self._size].copy()
        self._data[: kept.shape[0]] = kept
        self._data[kept.shape[0] : kept.shape[0] + newer.shape[0]] = newer
        self._size = kept.shape[0] + newer.shape[0]
        self._data[self._size :] = np.nan
        self.decimations += 1

    def column(self, index: int) -> np.ndarray:
        """A view of the filled part of one column (no copy)."""
        return self._data[: self._size, index]

    def rows(self) -> np.ndarray:
        return self._data[: self._size]

    def drop_last(self) -> None:
        if self._size:
            self._size -= 1

    def clear(self) -> None:
        self._size = 0


class _TimedPlots(pg.GraphicsLayoutWidget):  # type: ignore[misc]
    """The plots' view, adding up how long its paints take (ms): a redraw often causes two
    (the auto-range settles on the first and moves the linked axes again)."""

    painted_ms = 0.0

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        start = time.perf_counter()
        super().paintEvent(event)
        self.painted_ms += (time.perf_counter() - start) * 1000.0


class TimeSeriesPanel(QtWidgets.QWidget):
    """Six linked plots over simulated hours; ``append(snapshot)`` after each step."""

    def __init__(
        self, bands: HealthBands | None = None, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.bands = bands or HealthBands()
        self.buffer = SeriesBuffer(len(COLUMNS))
        self._dirty = False
        self._redraw = QtCore.QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_MS)
        self._redraw.timeout.connect(self.refresh)

        palette = self.palette()
        background = palette.color(QtGui.QPalette.ColorRole.Base)
        foreground = palette.color(QtGui.QPalette.ColorRole.Text)
        self.graphics = _TimedPlots(self)
        self._refresh_ms = 0.0  # the last redraw's setData …
        self._paint_ms = 0.0  # … and the paints between it and the next one
        self._painted_mark = 0.0
        self.graphics.setBackground(background)
        self.graphics.ci.setContentsMargins(2, 2, 2, 2)
        self.graphics.ci.setSpacing(0)
        self.plots: list[pg.PlotItem] = []
        self.curves: dict[str, pg.PlotDataItem] = {}
        for index, (title, series) in enumerate(_PLOTS):
            row, column = divmod(index, 3)
            # No context menus: asked at construction, pyqtgraph does not build them at all
            # (a dozen widgets per plot, disabled afterwards, cost the first frame ~30 ms).
            plot = self.graphics.addPlot(
                row=row,
                col=column,
                enableMenu=False,
                axisItems={"left": ShortAxis("left")},
            )
            plot.setTitle(title, color=foreground, size="9pt")
            plot.showGrid(x=True, y=True, alpha=0.25)
            for axis in ("left", "bottom"):
                item = plot.getAxis(axis)
                item.setPen(foreground)
                item.setTextPen(foreground)
                item.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
            plot.getAxis("left").setWidth(40)
            # Hours stay hours: no "(x0.001)" rescaling of the time axis, and time starts at 0.
            # The other axes have no label, so no prefix to show: without auto SI prefix a
            # range change does not re-set their (empty) label's HTML (~0.5 ms an axis).
            for axis in ("left", "bottom", "top", "right"):
                plot.getAxis(axis).enableAutoSIPrefix(False)
            plot.setLimits(xMin=0.0)
            if row == 1:
                plot.setLabel("bottom", "time (h)", color=foreground.name())
            if self.plots:
                plot.setXLink(self.plots[0])
            for name, _legend, color, dashed in series:
                style = QtCore.Qt.PenStyle.DashLine if dashed else QtCore.Qt.PenStyle.SolidLine
                curve = plot.plot(pen=pg.mkPen(color, width=2, style=style), connect="finite")
                curve.setClipToView(True)
                curve.setDownsampling(auto=True, method="peak")
                self.curves[name] = curve
            self.plots.append(plot)
        # The band thresholds as dotted lines in their status colours; the title names them
        # (line labels would sit on top of the curves that hover right at the threshold).
        dhs_plot = self.plots[2]
        dhs_plot.setTitle(
            f"DHS (%) · bands {self.bands.degraded:g} / {self.bands.healthy:g}",
            color=foreground,
            size="9pt",
        )
        self.band_lines = []
        # Values each plot's range must show besides its curves: the DHS bands' lines.
        self._y_marks: list[tuple[float, ...]] = [() for _ in self.plots]
        self._y_marks[2] = (self.bands.healthy, self.bands.degraded)
        for mark, status in ((self.bands.healthy, "Healthy"), (self.bands.degraded, "Degraded")):
            line = pg.InfiniteLine(
                pos=mark,
                angle=0,
                movable=False,
                pen=pg.mkPen(STATUS_COLORS[status], width=1, style=QtCore.Qt.PenStyle.DotLine),
            )
            line.setToolTip(f"{status} from DHS ≥ {mark:g} %")
            dhs_plot.addItem(line)
            self.band_lines.append(line)

        # Time runs from 0 to a little past the newest point (see X_HEADROOM) until the user
        # zooms or pans, or asks for pyqtgraph's auto-range (the "A" button).
        self._x_end = 0.0
        self._x_follow = True
        for plot in self.plots:
            plot.getViewBox().sigRangeChangedManually.connect(self._on_view_moved)
        self.reset_ranges()

        # The timeline's cursor: a vertical line at the past moment being shown, in every plot.
        self.cursors: list[pg.InfiniteLine] = []
        for plot in self.plots:
            cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(CURSOR_COLOR, width=2))
            cursor.setVisible(False)
            plot.addItem(cursor, ignoreBounds=True)
            self.cursors.append(cursor)

        legend = QtWidgets.QLabel(
            f'<span style="color:{CONFIGURED_COLOR}"><b>- - -</b> configured (sliders)</span>'
            f'&nbsp;&nbsp;&nbsp;<span style="color:{OBSERVED_COLOR}"><b>———</b> observed'
            " (trailing Δt window)</span>",
            self,
        )
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(legend)
        layout.addWidget(self.graphics, 1)

    # ----------------------------------------------------------------- public API
    def __len__(self) -> int:
        return len(self.buffer)

    def append(self, snapshot: Any) -> None:
        """Record one snapshot (duck-typed like the metrics panel's). O(1) amortised."""
        row = np.array([_number(field(snapshot, path)) for _name, path in COLUMNS])
        self.buffer.append(row)
        self._dirty = True
        # Hidden (e.g. a tabbed-away dock): keep recording, draw once when shown again.
        if self.isVisible() and not self._redraw.isActive():
            self._redraw.start(self.redraw_interval())

    def redraw_interval(self) -> int:
        """Milliseconds until the next redraw: see the module docstring."""
        by_length = len(self.buffer) // POINTS_PER_REDRAW_MS
        by_cost = COST_SHARE * (self._refresh_ms + self._paint_ms)
        return int(min(MAX_REDRAW_MS, max(REDRAW_MS, by_length, by_cost)))

    def restate(self, snapshot: Any) -> None:
        """The configuration changed between steps: the newest row takes ``snapshot`` (same
        time and step) so the configured line shows the new value at once; a snapshot of a
        later step is appended as usual."""
        step = _number(field(snapshot, "step"))
        rows = self.buffer.rows()
        if len(rows) and rows[-1, COLUMN_INDEX["step"]] == step:
            self.buffer.drop_last()
        self.append(snapshot)

    def set_cursor(self, hours: float | None) -> None:
        """Mark the moment ``hours`` in every plot (the timeline shows the past); None hides
        the mark (the run as it is)."""
        for cursor in self.cursors:
            if hours is None:
                cursor.setVisible(False)
            else:
                cursor.setValue(float(hours))
                cursor.setVisible(True)

    @property
    def cursor_hours(self) -> float | None:
        cursor = self.cursors[0]
        return float(cursor.value()) if cursor.isVisible() else None

    def series(self, name: str) -> np.ndarray:
        """The recorded values of one column (a view; NaN where a value was undefined)."""
        return self.buffer.column(COLUMN_INDEX[name])

    def clear(self) -> None:
        self.buffer.clear()
        self._redraw.stop()
        self._dirty = False
        for curve in self.curves.values():
            curve.setData([], [])
        self.reset_ranges()

    def reset_ranges(self) -> None:
        """A new run: forget the old run's zoom and ranges (time from 0, values fitted)."""
        self._x_end = 1.0
        self._x_follow = True
        self._y_follow = True
        for plot in self.plots:
            plot.enableAutoRange(x=False, y=False)
        self.plots[0].setXRange(0.0, self._x_end, padding=0.0)  # the linked plots follow

    def _on_view_moved(self, *_args: object) -> None:
        self._x_follow = False  # the user's own view, until the next run
        self._y_follow = False

    def _follow_values(self) -> None:
        """Set each plot's value range when its values left it or shrank well inside it (see
        Y_HEADROOM and Y_REFIT); a plot the user auto-ranged ("A") is left to pyqtgraph."""
        if not self._y_follow:
            return
        for plot, (_title, series), marks in zip(self.plots, _PLOTS, self._y_marks, strict=True):
            box = plot.getViewBox()
            if box.state["autoRange"][1]:
                continue
            values = [self.buffer.column(COLUMN_INDEX[name]) for name, *_rest in series]
            shown = np.concatenate([*values, np.asarray(marks, dtype=np.float64)])
            shown = shown[np.isfinite(shown)]
            if not shown.size:
                continue
            lo, hi = float(shown.min()), float(shown.max())
            y0, y1 = box.state["viewRange"][1]
            inside = y0 <= lo and hi <= y1
            if inside and hi - lo >= Y_REFIT * (y1 - y0):
                continue
            pad = Y_HEADROOM * (hi - lo) if hi > lo else max(abs(hi) * Y_HEADROOM, 1e-3)
            plot.setYRange(lo - pad, hi + pad, padding=0.0)

    def _follow_time(self, hours: np.ndarray) -> None:
        """Widen the time axis when the newest point reaches its end (see X_HEADROOM)."""
        box = self.plots[0].getViewBox()
        if not self._x_follow or box.state["autoRange"][0] or not hours.size:
            return
        newest = float(hours[-1])
        if newest > self._x_end:
            self._x_end = newest * X_HEADROOM
            self.plots[0].setXRange(0.0, self._x_end, padding=0.0)

    def refresh(self) -> None:
        """Push the recorded series to the curves now (the timer calls this)."""
        self._redraw.stop()
        self._dirty = False
        self._paint_ms = self.graphics.painted_ms - self._painted_mark
        self._painted_mark = self.graphics.painted_ms
        start = time.perf_counter()
        hours = self.buffer.column(COLUMN_INDEX["time_h"])
        for name, curve in self.curves.items():
            curve.setData(hours, self.buffer.column(COLUMN_INDEX[name]))
        self._follow_time(hours)
        self._follow_values()
        self._refresh_ms = (time.perf_counter() - start) * 1000.0

    def export_csv(self, path: str | Path) -> None:
        """Write every column (header + one row per kept snapshot) atomically; OSError on
        failure. A run longer than :data:`MAX_ROWS` steps has its older rows thinned (the
        ``step`` column says which); ``phoenix-flight run --csv`` writes every step.

        Undefined values are empty fields, never "nan".
        """
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow([name for name, _path in COLUMNS])
        step_index = COLUMN_INDEX["step"]
        for row in self.buffer.rows():
            writer.writerow(
                [_csv_field(value, integral=(i == step_index)) for i, value in enumerate(row)]
            )
        target = QtCore.QSaveFile(str(path))
        if not target.open(QtCore.QIODevice.OpenModeFlag.WriteOnly):
            raise OSError(f"cannot write {path}: {target.errorString()}")
        target.write(QtCore.QByteArray(text.getvalue().encode("utf-8")))
        if not target.commit():
            raise OSError(f"cannot write {path}: {target.errorString()}")

    def catch_up(self) -> None:
        """Draw now what the paced redraw has not drawn yet (the run paused, or a picture of
        the window is about to be taken): the plots never show an older moment than the rest."""
        if self._dirty:
            self.refresh()

    # ----------------------------------------------------------------- Qt overrides
    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        self.catch_up()

    def hideEvent(self, event: QtGui.QHideEvent) -> None:
        # Nothing to draw while hidden; the dirty flag makes showEvent catch up.
        self._redraw.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self._redraw.stop()
        super().closeEvent(event)


def _number(value: Any) -> float:
    number = finite(value)
    return math.nan if number is None else number


def _csv_field(value: float, integral: bool = False) -> str:
    if not math.isfinite(value):
        return ""
    if integral or value.is_integer():
        return str(int(value))
    return repr(float(value))
