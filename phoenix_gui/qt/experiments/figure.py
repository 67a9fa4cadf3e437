"""ExperimentFigure: a sweep's result as a chart, redrawn as rows arrive.

One varied parameter: per metric, the mean over replicates as a line with its 95 % confidence
band, and every replicate as a small clickable dot. Two: per metric, a heatmap of the mean
(pyqtgraph ImageItem with a colour bar; hovering a cell shows mean ± interval, spread and
count) and a second heatmap of the spread (standard deviation). Clicking a dot opens that run;
clicking a cell opens the cell's most typical run (the replicate nearest the mean).
Cells without a value yet are drawn empty, never as NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from phoenix_gui.experiments.design import Design
from phoenix_gui.experiments.stats import CellStats, cell_stats
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
        self.stats: dict[str, list[CellStats]] = {}
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
        self.rows = []
        self._build()

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Redraw from all rows so far (a few hundred cells: cheap next to a run)."""
        if self.design is None:
            return
        self.rows = list(rows)
        for i, metric in enumerate(self.metrics):
            self.stats[metric] = cell_stats(self.rows, self.design.names, metric)
            if len(self.design.varies) == 1:
                self._draw_line(i, metric)
            else:
                self._draw_heatmaps(i, metric)

    # ---- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.clear()
        self.plots, self.images, self.scatters = [], [], []
        self._bars: list[pg.ColorBarItem] = []
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
                if self._log_x():
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
        assert self.design is not None
        if any(isinstance(v, str) for v in self.design.varies[0].values):
            return float(index)
        return float(value)

    def _draw_line(self, i: int, metric: str) -> None:
        assert self.design is not None
        order = {str(v): k for k, v in enumerate(self.design.varies[0].values)}
        stats = [s for s in self.stats[metric] if s.mean is not None]
        xs = np.array([self._x_of(s.values[0], order[s.values[0]]) for s in stats], dtype=float)
        means = np.array([s.mean for s in stats], dtype=float)
        ci = np.array([s.ci if s.ci is not None else 0.0 for s in stats], dtype=float)
        lo, hi, mean = self._curves[i]
        lo.setData(xs, means - ci)
        hi.setData(xs, means + ci)
        mean.setData(xs, means)
        dots_x, dots_y, data = [], [], []
        name = self.design.names[0]
        for row in self.rows:
            y = _finite(row.get(metric, "")) if not row["error"] else None
            if y is None:
                continue
            dots_x.append(self._x_of(row[name], order[row[name]]))
            dots_y.append(y)
            data.append((int(row["cell"]), int(row["replicate"])))
        xs_dots = np.array(dots_x, dtype=float)
        if self._log_x() and xs_dots.size:
            xs_dots = np.log10(xs_dots)  # a scatter item is not transformed by setLogMode
        self.scatters[i].setData(x=xs_dots, y=np.array(dots_y, dtype=float), data=data)

    def _grid(self, metric: str, field: str) -> np.ndarray:
        assert self.design is not None
        a, b = self.design.varies
        grid = np.full((len(a.values), len(b.values)), np.nan)
        for s in self.stats[metric]:
            value = getattr(s, field)
            if value is not None:
                grid[s.cell // len(b.values), s.cell % len(b.values)] = value
        return grid

    def _draw_heatmaps(self, i: int, metric: str) -> None:
        for k, field in enumerate(("mean", "std")):
            grid = self._grid(metric, field)
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
    def _on_dots_clicked(self, _item: object, points: Sequence[object]) -> None:
        if len(points):
            cell, replicate = points[0].data()  # type: ignore[attr-defined]
            self.runClicked.emit(int(cell), int(replicate))

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
        stats = {s.cell: s for s in self.stats.get(metric, [])}
        mean = stats[cell].mean if cell in stats else None
        best: tuple[float, int] | None = None
        for row in self.rows:
            if int(row["cell"]) != cell or row["error"]:
                continue
            y = _finite(row.get(metric, ""))
            if y is None or mean is None:
                continue
            candidate = (abs(y - mean), int(row["replicate"]))
            best = candidate if best is None or candidate < best else best
        return None if best is None else best[1]

    def describe_cell(self, metric: str, cell: int) -> str:
        assert self.design is not None
        stats = {s.cell: s for s in self.stats.get(metric, [])}
        s = stats.get(cell)
        where = ", ".join(
            f"{n} = {v}" for n, v in zip(self.design.names, self.design.cells()[cell], strict=True)
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


def _finite(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None
