"""ExperimentFigure: a sweep's result as a chart, redrawn as rows arrive.

One varied parameter: per metric, the mean over replicates as a line with its 95 % confidence
band, and every replicate as a small clickable dot. Two: per metric, a heatmap of the mean
(pyqtgraph ImageItem with a colour bar; hovering a cell shows mean ± interval, spread and
count) and a second heatmap of the spread (standard deviation). Clicking a dot opens that run;
clicking a cell opens the cell's most typical run (the replicate nearest the mean).
Cells without a value yet are drawn empty, never as NaN.

Rows arriving during a sweep are added with :meth:`add_rows`, once per batch the sweep job
delivers (a few per second, however many rows it holds): only the cells those rows touch are
recomputed, new replicate dots are appended to the scatter, and the curves, images and colour
bars made in :meth:`set_design` are updated in place — the cost of a batch is that of its own
rows and of the grid of cells, not of every row so far.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from phoenix_gui.experiments.design import Design
from phoenix_gui.experiments.stats import CellStats, CellValues
from phoenix_gui.experiments.table import Row

LINE = (31, 119, 180)
LOG_RATIO = 50.0  # numeric x values spanning this factor or more are drawn on a log axis


class ExperimentFigure(pg.GraphicsLayoutWidget):  # type: ignore[misc]
    """Entry points: :meth:`set_design` (what is swept, which metrics), :meth:`set_rows`."""

    runClicked = QtCore.Signal(int, int)  # noqa: N815  (Qt signal naming) cell, replicate

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setObjectName("experimentFigure")
        self.design: Design | None = None
        self.metrics: tuple[str, ...] = ()
        self.rows: list[Row] = []
        self.stats: dict[str, dict[int, CellStats]] = {}  # metric → cell → statistics
        self._cells: dict[str, dict[int, CellValues]] = {}  # metric → cell → its values
        self.plots: list[pg.PlotItem] = []
        self.images: list[pg.ImageItem] = []
        self.scatters: list[pg.ScatterPlotItem] = []
        self.hover_text = ""
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)

    # ---- entry points --------------------------------------------------------------------
    def set_design(self, design: Design, metrics: Sequence[str]) -> None:
        self.design = design
        self.metrics = tuple(metrics)
        self._cell_values = design.cells()
        self._order = {str(v): k for k, v in enumerate(design.varies[0].values)}
        self._categorical = any(isinstance(v, str) for v in design.varies[0].values)
        self._log = len(design.varies) == 1 and self._log_x()
        self._build()
        self._forget_rows()

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Draw exactly ``rows`` (a finished table, or all rows again after a metric change)."""
        if self.design is None:
            return
        self._forget_rows()
        for scatter in self.scatters:
            scatter.clear()
        for grid in self._grids:
            grid.fill(np.nan)
        for image in self.images:
            image.clear()
        for lo, hi, mean in self._curves:
            for curve in (lo, hi, mean):
                curve.setData([], [])
        self.add_rows(rows)

    def _forget_rows(self) -> None:
        self.rows = []
        self.stats = {m: {} for m in self.metrics}
        self._cells = {m: {} for m in self.metrics}

    def add_rows(self, rows: Sequence[Row]) -> None:
        """Add newly arrived rows to the chart (each row once)."""
        if self.design is None or not rows:
            return
        self.rows.extend(rows)
        one = len(self.design.varies) == 1
        for i, metric in enumerate(self.metrics):
            cells = self._cells[metric]
            touched: set[int] = set()
            dots: list[tuple[float, float, tuple[int, int]]] = []
            for row in rows:
                cell = int(row["cell"])
                if cell not in cells:
                    cells[cell] = CellValues(cell, tuple(str(v) for v in self._cell_values[cell]))
                y = cells[cell].add(row, metric)
                touched.add(cell)
                if one and y is not None:
                    dots.append((self._x_of_row(row), y, (cell, int(row["replicate"]))))
            for cell in sorted(touched):
                self.stats[metric][cell] = cells[cell].stats()
            if one:
                self._draw_line(i, metric)
                self._add_dots(i, dots)
            else:
                self._draw_heatmaps(i, metric, touched)

    # ---- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.clear()
        self.plots, self.images, self.scatters = [], [], []
        self._bars: list[pg.ColorBarItem] = []
        self._grids: list[np.ndarray] = []  # per heatmap: the drawn values, NaN = none yet
        self._curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem, pg.PlotDataItem]] = []
        assert self.design is not None
        names = self.design.names
        for row, metric in enumerate(self.metrics):
            if len(names) == 1:
                plot = self.addPlot(row=row, col=0, title=f"{metric} against {names[0]}")
                plot.setLabel("bottom", names[0])
                plot.setLabel("left", f"{metric} (mean, 95 % CI)")
                plot.showGrid(x=True, y=True, alpha=0.3)
                lo = plot.plot(pen=pg.mkPen(None))
                hi = plot.plot(pen=pg.mkPen(None))
                band = pg.FillBetweenItem(lo, hi, brush=pg.mkBrush(*LINE, 60))
                plot.addItem(band)
                mean = plot.plot(pen=pg.mkPen(LINE, width=2), symbol="o", symbolSize=7,
                                 symbolBrush=LINE)  # fmt: skip
                dots = pg.ScatterPlotItem(size=5, brush=pg.mkBrush(80, 80, 80, 120), pen=None)
                dots.sigClicked.connect(self._on_dots_clicked)
                plot.addItem(dots)
                self._categorical_axis(plot, "bottom", self.design.varies[0].values)
                if self._log:
                    plot.setLogMode(x=True, y=False)
                    values = [float(v) for v in self.design.varies[0].values]
                    ticks = [(math.log10(v), f"{v:g}") for v in values]
                    plot.getAxis("bottom").setTicks([ticks, []])
                self.plots.append(plot)
                self.scatters.append(dots)
                self._curves.append((lo, hi, mean))
            else:
                for col, what in enumerate(("mean", "spread (std)")):
                    plot = self.addPlot(row=row, col=2 * col, title=f"{metric}: {what}")
                    plot.setLabel("bottom", names[1])
                    plot.setLabel("left", names[0])
                    image = pg.ImageItem(axisOrder="row-major")
                    plot.addItem(image)
                    plot.setAspectLocked(False)
                    plot.invertY(False)
                    self._cell_axes(plot)
                    bar = pg.ColorBarItem(values=(0, 1), colorMap="viridis", interactive=False)
                    bar.setImageItem(image, insert_in=None)
                    self.addItem(bar, row=row, col=2 * col + 1)
                    self.plots.append(plot)
                    self.images.append(image)
                    self._bars.append(bar)
                    self._grids.append(
                        np.full(
                            (len(self.design.varies[0].values), len(self.design.varies[1].values)),
                            np.nan,
                        )
                    )

    def _log_x(self) -> bool:
        assert self.design is not None
        values = self.design.varies[0].values
        if any(isinstance(v, str) for v in values):
            return False
        xs = [float(v) for v in values]
        return min(xs) > 0 and max(xs) / min(xs) >= LOG_RATIO

    def _categorical_axis(self, plot: pg.PlotItem, side: str, values: Sequence[object]) -> None:
        if any(isinstance(v, str) for v in values):
            plot.getAxis(side).setTicks([[(i, str(v)) for i, v in enumerate(values)]])

    def _cell_axes(self, plot: pg.PlotItem) -> None:
        assert self.design is not None
        a, b = self.design.varies
        plot.getAxis("left").setTicks([[(i + 0.5, str(v)) for i, v in enumerate(a.values)]])
        plot.getAxis("bottom").setTicks([[(j + 0.5, str(v)) for j, v in enumerate(b.values)]])
        plot.setRange(xRange=(0, len(b.values)), yRange=(0, len(a.values)), padding=0)

    # ---- drawing -------------------------------------------------------------------------
    def _x_of(self, value: str, index: int) -> float:
        return float(index) if self._categorical else float(value)

    def _x_of_row(self, row: Row) -> float:
        """Where a row's dot is drawn: its value (its log10 on a log axis), or its index."""
        assert self.design is not None
        name = self.design.names[0]
        x = self._x_of(row[name], self._order[row[name]])
        return math.log10(x) if self._log else x  # a scatter is not transformed by setLogMode

    def _draw_line(self, i: int, metric: str) -> None:
        assert self.design is not None
        stats = [s for _, s in sorted(self.stats[metric].items()) if s.mean is not None]
        xs = np.array([self._x_of(s.values[0], self._order[s.values[0]]) for s in stats])
        means = np.array([s.mean for s in stats], dtype=float)
        ci = np.array([s.ci if s.ci is not None else 0.0 for s in stats], dtype=float)
        lo, hi, mean = self._curves[i]
        lo.setData(xs, means - ci)
        hi.setData(xs, means + ci)
        mean.setData(xs, means)

    def _add_dots(self, i: int, dots: list[tuple[float, float, tuple[int, int]]]) -> None:
        if dots:
            self.scatters[i].addPoints(
                x=np.array([d[0] for d in dots], dtype=float),
                y=np.array([d[1] for d in dots], dtype=float),
                data=[d[2] for d in dots],
            )

    def _draw_heatmaps(self, i: int, metric: str, touched: set[int]) -> None:
        assert self.design is not None
        width = len(self.design.varies[1].values)
        for k, field in enumerate(("mean", "std")):
            grid = self._grids[2 * i + k]
            for cell in touched:
                value = getattr(self.stats[metric][cell], field)
                grid[cell // width, cell % width] = np.nan if value is None else value
            image, bar = self.images[2 * i + k], self._bars[2 * i + k]
            finite = grid[np.isfinite(grid)]
            if finite.size == 0:
                image.clear()
                continue
            low, high = float(finite.min()), float(finite.max())
            if high <= low:
                high = low + (abs(low) * 0.01 or 1.0)
            image.setImage(grid, levels=(low, high), autoLevels=False)
            image.setRect(QtCore.QRectF(0, 0, grid.shape[1], grid.shape[0]))
            bar.setLevels((low, high))

    # ---- interaction ---------------------------------------------------------------------
    def _on_dots_clicked(self, item: Any, points: Sequence[Any], event: Any = None) -> None:
        """Open the run whose dot is nearest the click (dots arrive in any order, so which
        one is drawn on top says nothing); equally near: the lowest (cell, replicate)."""
        if not len(points):
            return
        at = None if event is None else event.scenePos()

        def distance(point: Any) -> tuple[float, tuple[int, int]]:
            key = (int(point.data()[0]), int(point.data()[1]))
            if at is None:
                return 0.0, key
            p = item.mapToScene(point.pos())
            return (p.x() - at.x()) ** 2 + (p.y() - at.y()) ** 2, key

        cell, replicate = min(distance(p) for p in points)[1]
        self.runClicked.emit(cell, replicate)

    def cell_at(self, plot_index: int, scene_pos: QtCore.QPointF) -> int | None:
        """The cell under ``scene_pos`` in heatmap ``plot_index`` (None outside the grid)."""
        if self.design is None or len(self.design.varies) != 2:
            return None
        a, b = self.design.varies
        p = self.plots[plot_index].vb.mapSceneToView(scene_pos)
        row, col = math.floor(float(p.y())), math.floor(float(p.x()))
        if 0 <= row < len(a.values) and 0 <= col < len(b.values):
            return row * len(b.values) + col
        return None

    def typical_replicate(self, metric: str, cell: int) -> int | None:
        """The replicate of ``cell`` whose value is nearest the cell mean (ties: lowest)."""
        values = self._cells.get(metric, {}).get(cell)
        s = self.stats.get(metric, {}).get(cell)
        if values is None or s is None or s.mean is None:
            return None
        mean = s.mean
        return min(zip(values.numbers, values.replicates, strict=True),
                   key=lambda vr: (abs(vr[0] - mean), vr[1]))[1]  # fmt: skip

    def describe_cell(self, metric: str, cell: int) -> str:
        assert self.design is not None
        s = self.stats.get(metric, {}).get(cell)
        where = ", ".join(
            f"{n} = {v}" for n, v in zip(self.design.names, self._cell_values[cell], strict=True)
        )
        if s is None or s.mean is None:
            return f"{where}: no value yet"
        text = f"{where}: {metric} mean {s.mean:.4g}"
        if s.ci is not None and s.std is not None:
            text += f" ± {s.ci:.3g} (95 % CI), std {s.std:.3g}"
        text += f", {s.n} runs"
        if s.missing:
            text += f", {s.missing} without a value"
        return text

    def _on_mouse_moved(self, pos: QtCore.QPointF) -> None:
        if self.design is None or len(self.design.varies) != 2:
            return
        for k, plot in enumerate(self.plots):
            if plot.sceneBoundingRect().contains(pos):
                cell = self.cell_at(k, pos)
                metric = self.metrics[k // 2]
                self.hover_text = "" if cell is None else self.describe_cell(metric, cell)
                self.setToolTip(self.hover_text)
                return

    def _on_scene_clicked(self, event: object) -> None:
        if self.design is None or len(self.design.varies) != 2:
            return
        pos = event.scenePos()  # type: ignore[attr-defined]
        for k, plot in enumerate(self.plots):
            if plot.sceneBoundingRect().contains(pos):
                self.click_cell(k, pos)
                return

    def click_cell(self, plot_index: int, scene_pos: QtCore.QPointF) -> None:
        cell = self.cell_at(plot_index, scene_pos)
        if cell is None:
            return
        replicate = self.typical_replicate(self.metrics[plot_index // 2], cell)
        if replicate is not None:
            self.runClicked.emit(cell, replicate)
