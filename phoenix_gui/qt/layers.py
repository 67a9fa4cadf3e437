"""Cached graphics items for the ring view: coloured dot groups and coloured path groups.

Both follow pyqtgraph's habit: numpy arrays in through one ``setData``-style entry point, the
expensive conversion done there once, ``paint()`` only replays what was built. Their pixmap is
cached in device coordinates (``DeviceCoordinateCache``), so while packets fly over them a
frame costs a blit, not a redraw of 10^4 dots or ticks (DESIGN.md §8).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
import pyqtgraph.functions as fn
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.palette import member_color

_EXTENT = QtCore.QRectF(-1.5, -1.5, 3.0, 3.0)  # everything the ring draws fits in here


class DotLayer(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph ships no type hints
    """Round dots grouped by colour key; one ``drawPoints`` per colour instead of per dot."""

    def __init__(self, size_px: float = 4.0, alpha: int = 255) -> None:
        super().__init__()
        self._size = size_px
        self._alpha = alpha
        self._groups: list[tuple[QtGui.QPen, QtGui.QPolygonF]] = []
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_data(self, x: np.ndarray, y: np.ndarray, keys: np.ndarray) -> None:
        """Dots at (x, y) coloured by member index ``keys`` (−1: the unowned grey)."""
        keys = np.asarray(keys, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        xs, ys, ks = np.asarray(x)[order], np.asarray(y)[order], keys[order]
        bounds = np.flatnonzero(np.diff(ks)) + 1
        starts = np.concatenate(([0], bounds)).astype(int)
        ends = np.concatenate((bounds, [ks.size])).astype(int)
        groups = []
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            if e <= s:
                continue
            poly = fn.create_qpolygonf(e - s)
            buf = fn.ndarray_from_qpolygonf(poly)
            buf[:, 0], buf[:, 1] = xs[s:e], ys[s:e]
            colour = member_color(int(ks[s]))
            colour.setAlpha(self._alpha)
            pen = QtGui.QPen(colour, self._size)
            pen.setCosmetic(True)  # size in pixels whatever the zoom
            pen.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
            groups.append((pen, poly))
        self._groups = groups
        self.update()

    def clear(self) -> None:
        self._groups = []
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return _EXTENT

    def paint(self, p: QtGui.QPainter, *args: object) -> None:
        # Qt's raster engine stretches wide cosmetic points under a scaling transform (they
        # come out as dashes), so map the points to device pixels and draw untransformed.
        transform = p.transform()
        p.resetTransform()
        for pen, poly in self._groups:
            p.setPen(pen)
            p.drawPoints(transform.map(poly))
        p.setTransform(transform)


class PathLayer(pg.GraphicsObject):  # type: ignore[misc]
    """Pre-built painter paths with their pens (vnode ticks, owned arcs, assignment links)."""

    def __init__(self) -> None:
        super().__init__()
        self._paths: list[tuple[QtGui.QPainterPath, QtGui.QPen]] = []
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_paths(self, paths: Sequence[tuple[QtGui.QPainterPath, QtGui.QPen]]) -> None:
        self._paths = list(paths)
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return _EXTENT

    def paint(self, p: QtGui.QPainter, *args: object) -> None:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        for path, pen in self._paths:
            p.setPen(pen)
            p.drawPath(path)


def pen(colour: QtGui.QColor, width: float, cosmetic: bool, alpha: int = 255) -> QtGui.QPen:
    """A pen in pixels (cosmetic) or in ring units, with flat caps so arcs butt cleanly."""
    c = QtGui.QColor(colour)
    c.setAlpha(alpha)
    out = QtGui.QPen(c, width)
    out.setCosmetic(cosmetic)
    out.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
    return out
