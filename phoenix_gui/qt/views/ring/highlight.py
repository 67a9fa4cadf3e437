"""Lighting one member up on the ring (hover, click or Tab): its arcs and task dots drawn over
a dimmed copy of the rest, and the colour legend naming every member.

The dimming is one translucent square over the cached layers, and the lit member's arcs and
dots are two small layers of their own, so lighting a member up never redraws the 10^4 dots
or the vnode ticks underneath.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.snapshots import MemberInfo
from phoenix_gui.qt.views.palette import BACKGROUND, TEXT, member_color
from phoenix_gui.qt.views.ring import geometry as geo
from phoenix_gui.qt.views.ring.layers import BandLayer, DotLayer

DIM_ALPHA = 175  # how much of the rest the dimming hides (of 255)
LEGEND_LIMIT = 24  # members listed by name; the rest are counted


class RingHighlight:
    """The items that light one member up; :meth:`show` / :meth:`clear` switch them."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        dim = QtGui.QColor(BACKGROUND)
        dim.setAlpha(DIM_ALPHA)
        self.dim = QtWidgets.QGraphicsRectItem(QtCore.QRectF(-10.0, -10.0, 20.0, 20.0))
        self.dim.setBrush(QtGui.QBrush(dim))
        self.dim.setPen(QtGui.QPen(QtCore.Qt.PenStyle.NoPen))
        self.arcs = BandLayer(geo.ARC_IN - 0.01, geo.ARC_OUT + 0.015, alpha=235)
        self.dots = DotLayer(size_px=5.0, alpha=255)
        self.marker = pg.ScatterPlotItem(pxMode=True)
        self.items = (self.dim, self.arcs, self.dots, self.marker)
        for item in self.items:
            plot.addItem(item)
            item.setVisible(False)
        self.index: int | None = None

    def show(
        self,
        index: int,
        owner_table: np.ndarray | None,
        task_xy: tuple[np.ndarray, np.ndarray],
        owner: np.ndarray,
        marker_xy: tuple[float, float] | None,
    ) -> None:
        self.index = index
        if owner_table is not None:
            self.arcs.set_owner_table(np.where(owner_table == index, index, -1))
        else:
            self.arcs.set_owner_table(None)
        mine = np.flatnonzero(np.asarray(owner) == index)
        self.dots.set_data(task_xy[0][mine], task_xy[1][mine], np.full(mine.size, index))
        if marker_xy is not None:
            self.marker.setData(
                x=[marker_xy[0]],
                y=[marker_xy[1]],
                size=20,
                brush=pg.mkBrush(member_color(index)),
                pen=pg.mkPen("#FFFFFF", width=2.5),
            )
        for item in self.items:
            item.setVisible(True)
        self.marker.setVisible(marker_xy is not None)

    def clear(self) -> None:
        self.index = None
        for item in self.items:
            item.setVisible(False)

    @property
    def lit_tasks(self) -> int:
        """How many task dots are lit (the member's own)."""
        return int(self.dots._xy.shape[1]) if self.index is not None else 0


class Legend(QtWidgets.QFrame):
    """Member colours by name, in a corner of the ring view (View ▸ Legend, key L)."""

    def __init__(self, parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("ringLegend")
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setStyleSheet(
            f"#ringLegend {{ background: rgba(8, 10, 14, 200); border-radius: 6px; }}"
            f" QLabel {{ color: {TEXT}; background: transparent; }}"
        )
        self.label = QtWidgets.QLabel(self)
        self.label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.label)
        self.names: list[str] = []
        self._members: list[MemberInfo] = []
        self._word = "members"
        self.hide()

    def set_members(self, members: Sequence[MemberInfo], word: str = "members") -> None:
        """Remember the members; the text is written when the legend is (or becomes) shown."""
        self._members, self._word = list(members), word
        if self.isVisible():
            self._write()

    def showEvent(self, ev: QtGui.QShowEvent) -> None:
        self._write()
        super().showEvent(ev)

    def _write(self) -> None:
        members, word = self._members, self._word
        shown = members[:LEGEND_LIMIT]
        self.names = [m.id for m in shown]
        rows = [
            f"<span style='color:{member_color(m.index).name()}'>●</span> {html.escape(m.id)}"
            + ("" if m.status == "ACTIVE" else f" <i>({m.status.lower()})</i>")
            for m in shown
        ]
        more = len(members) - len(shown)
        if more > 0:
            rows.append(f"… and {more} more {word}")
        self.label.setText("<br>".join(rows) or f"no {word}")
        self.adjustSize()
        self.move(8, 8)
