"""Cached graphics items for the ring view: coloured dot groups, path groups, segment groups.

All follow pyqtgraph's habit: numpy arrays in through one ``set``-style entry point, the
expensive conversion done there once, ``paint()`` only replays what was built. Their pixmap is
cached in device coordinates (``DeviceCoordinateCache``), so while packets fly over them a
frame costs a blit, not a redraw of 10^4 dots or ticks (DESIGN.md §8).

Dots are stamped from a pre-rendered sprite per colour with one ``drawPixmapFragments`` per
colour (about 2 ms for 10^4 dots) instead of ``drawPoints`` with a wide round pen, which Qt
strokes point by point as a path (about 12 ms for 10^4): the frame after an ownership change
rebuilds the whole dot layer and still fits the worst-case frame budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import internals
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.palette import member_color

_EXTENT = QtCore.QRectF(-1.5, -1.5, 3.0, 3.0)  # everything the ring draws fits in here


@lru_cache(maxsize=1024)
def dot_sprite(key: int, alpha: int, size_px: float, dpr: float) -> QtGui.QPixmap:
    """One dot, drawn with the round cosmetic pen the dots always had, centred in a square."""
    side = 2 * int(np.ceil(size_px / 2 + 1))  # even: the centre falls on a pixel corner
    pix = QtGui.QPixmap(round(side * dpr), round(side * dpr))
    pix.setDevicePixelRatio(dpr)
    pix.fill(QtCore.Qt.GlobalColor.transparent)
    colour = member_color(key)
    colour.setAlpha(alpha)
    pen = QtGui.QPen(colour, size_px)
    pen.setCosmetic(True)
    pen.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
    painter = QtGui.QPainter(pix)
    painter.setPen(pen)
    painter.drawPoint(QtCore.QPointF(side / 2, side / 2))
    painter.end()
    return pix


def device_xy(t: QtGui.QTransform, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map points with an affine ``QTransform`` in numpy (the ring never uses perspective)."""
    return t.m11() * x + t.m21() * y + t.dx(), t.m12() * x + t.m22() * y + t.dy()


class DotLayer(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph ships no type hints
    """Round dots grouped by colour key; one sprite stamp call per colour, none per dot."""

    def __init__(self, size_px: float = 4.0, alpha: int = 255) -> None:
        super().__init__()
        self._size = size_px
        self._alpha = alpha
        self._groups: list[tuple[int, np.ndarray, np.ndarray]] = []  # key, x, y
        self._frags = internals.PrimitiveArray(QtGui.QPainter.PixmapFragment, 10)
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_data(self, x: np.ndarray, y: np.ndarray, keys: np.ndarray) -> None:
        """Dots at (x, y) coloured by member index ``keys`` (−1: the unowned grey)."""
        keys = np.asarray(keys, dtype=np.int64)
        # Drawn by ascending key, stably: overlapping dots always stack the same way.
        order = np.argsort(keys, kind="stable")
        xs = np.asarray(x, dtype=np.float64)[order]
        ys = np.asarray(y, dtype=np.float64)[order]
        ks = keys[order]
        bounds = np.flatnonzero(np.diff(ks)) + 1
        starts = np.concatenate(([0], bounds)).astype(int).tolist()
        ends = np.concatenate((bounds, [ks.size])).astype(int).tolist()
        self._groups = [
            (int(ks[s]), xs[s:e], ys[s:e]) for s, e in zip(starts, ends, strict=True) if e > s
        ]
        self.update()

    def clear(self) -> None:
        self._groups = []
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return _EXTENT

    def paint(self, p: QtGui.QPainter, *args: object) -> None:
        # Stamp in device pixels, untransformed: a dot is a fixed number of pixels whatever
        # the zoom. Centres are rounded to pixel corners so a sprite is copied, not resampled.
        transform = p.transform()
        p.resetTransform()
        device = p.device()
        dpr = float(device.devicePixelRatioF()) if device is not None else 1.0
        for key, x, y in self._groups:
            dx, dy = device_xy(transform, x, y)
            sprite = dot_sprite(key, self._alpha, self._size, dpr)
            self._frags.resize(x.size)
            frags = self._frags.ndarray()
            frags[:, 0] = np.round(dx)
            frags[:, 1] = np.round(dy)
            frags[:, 2:6] = (0.0, 0.0, sprite.width(), sprite.height())
            frags[:, 6:10] = (1.0 / dpr, 1.0 / dpr, 0.0, 1.0)
            p.drawPixmapFragments(*self._frags.drawargs(), sprite)  # type: ignore[call-arg]
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
        for path, path_pen in self._paths:
            p.setPen(path_pen)
            p.drawPath(path)


def pen(colour: QtGui.QColor, width: float, cosmetic: bool, alpha: int = 255) -> QtGui.QPen:
    """A pen in pixels (cosmetic) or in ring units, with flat caps so arcs butt cleanly."""
    c = QtGui.QColor(colour)
    c.setAlpha(alpha)
    out = QtGui.QPen(c, width)
    out.setCosmetic(cosmetic)
    out.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
    return out
