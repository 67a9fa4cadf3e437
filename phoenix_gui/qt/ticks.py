"""Vnode ticks of the ring view: one cached image per group of members, re-stroked lazily.

Stroking all 10^4 ticks with the 1.3 px antialiased pen costs about 9 ms, too much for the
frame of a mouse-wheel zoom step on top of the other layers (DESIGN.md §8). So when the view
moves (zoom, pan, resize), the frame shows each group's previous image mapped to the new
scale, and the groups are re-stroked sharp over the following frames, a few milliseconds'
worth per frame, until every group matches the new scale; the settled picture is pixel for
pixel the one a fresh build draws at that scale. Only a paint of the view on screen may do
that (the view sets :attr:`TickLayer.on_screen` around its paint event): exports are always
stroked sharp, and never disturb the images kept for the screen.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.geometry import TOKEN_SPACE
from phoenix_gui.qt.layers import (
    EXTENT,
    Where,
    blank_image,
    box_key,
    device_box,
    draw_made_for,
    pen,
)
from phoenix_gui.qt.palette import member_color

TICK_GROUP = 16  # members per tick image: a join or leave redraws ≤ 1600 of 10^4 ticks
# A follow-up frame re-stroke groups while the view's paint has taken less than this (the
# owned arcs, redrawn on the same frame, count too), and always at least one group.
RESTROKE_BUDGET_MS = 6.0

_Box = tuple[int, int, int, int]
_Paths = list[tuple[QtGui.QPainterPath, QtGui.QPen]]


class _TickGroup:
    """Ticks of up to ``TICK_GROUP`` members and their image at the zoom it was drawn for."""

    def __init__(self, signature: tuple[tuple[int, bytes], ...], paths: _Paths) -> None:
        self.signature = signature
        self.paths = paths
        self.key: tuple[object, ...] | None = None
        self.image: QtGui.QImage | None = None
        self.where: Where | None = None  # what ``image`` is for


class TickLayer(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph ships no type hints
    """Vnode ticks: radial segments [r_in, r_out] in each member's colour, 1.3 px wide.

    Members are grouped by ``index // TICK_GROUP`` and each group is rasterised into its own
    image at the current zoom; ``paint()`` composites the group images in index order (about
    0.05 ms each). A join or a leave changes one group, so it re-strokes at most
    ``TICK_GROUP`` members' ticks instead of all 10^4 (a 1.3 px antialiased pen costs about
    0.8 ms per 10^3 ticks). Which group a member falls in depends on its index only, so the
    picture after any sequence of changes is pixel for pixel the one a fresh build draws.
    """

    def __init__(self, r_in: float, r_out: float, width_px: float = 1.3) -> None:
        super().__init__()
        self._r_in, self._r_out, self._width = r_in, r_out, width_px
        self._groups: list[_TickGroup] = []
        self._shown_key: tuple[object, ...] | None = None  # of the last on-screen paint
        self.rasterised = 0  # group images drawn so far (tests check a join redraws one)
        self.scaled = 0  # group images shown rescaled while waiting to be re-stroked
        self.on_screen = False  # set by the view while it paints itself on screen
        self.frame_started: float | None = None  # perf_counter() when the view began to paint
        self._merged: tuple[list[QtGui.QImage | None], QtGui.QImage] | None = None
        self._restroke = QtCore.QTimer(self)
        self._restroke.setSingleShot(True)
        self._restroke.setInterval(0)  # the next turn of the event loop: one more frame
        self._restroke.timeout.connect(self.update)
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_ticks(self, ticks: Sequence[tuple[int, np.ndarray]]) -> None:
        """(member index, its vnode tokens) per member; unchanged groups keep their image."""
        wanted: dict[int, list[tuple[int, np.ndarray]]] = {}
        for index, toks in sorted(ticks, key=lambda it: it[0]):
            if np.asarray(toks).size:
                wanted.setdefault(index // TICK_GROUP, []).append((index, np.asarray(toks)))
        old = {g.signature: g for g in self._groups}
        groups = []
        for _key, members in sorted(wanted.items()):
            signature = tuple((i, t.astype(np.int64).tobytes()) for i, t in members)
            group = old.get(signature)
            groups.append(group or _TickGroup(signature, [self._path(i, t) for i, t in members]))
        self._groups = groups
        self.update()

    def _path(self, index: int, toks: np.ndarray) -> tuple[QtGui.QPainterPath, QtGui.QPen]:
        theta = np.unique(np.asarray(toks, dtype=np.float64)) * (2.0 * np.pi / TOKEN_SPACE)
        s, c = np.sin(theta), np.cos(theta)
        x = np.column_stack((self._r_in * s, self._r_out * s)).ravel()
        y = np.column_stack((self._r_in * c, self._r_out * c)).ravel()
        return pg.arrayToQPath(x, y, connect="pairs"), pen(member_color(index), self._width, True)

    @property
    def sharp(self) -> bool:
        """Every group is drawn at the scale last shown on screen (nothing left to re-stroke)."""
        return all(g.key == self._shown_key and g.image is not None for g in self._groups)

    def boundingRect(self) -> QtCore.QRectF:
        return EXTENT

    def paint(self, p: QtGui.QPainter, *args: object) -> None:
        where = device_box(p, self._r_out + 0.02)
        if where is None:
            return
        t, dpr, box = where
        # Qt paints the item into its device cache with no widget either way; only the view
        # knows whether this paint is for the screen.
        if not self.on_screen:  # an export (image, SVG, print): sharp now, screen images untouched
            images = [self._rasterise(g.paths, t, dpr, box) for g in self._groups]
            self._composite(p, t, [(img, where) for img in images])
            return
        key = box_key(t, dpr, box)
        moved, self._shown_key = key != self._shown_key, key
        started = self.frame_started if self.frame_started is not None else time.perf_counter()
        waiting, done = False, 0
        for group in self._groups:
            if group.key == key and group.image is not None:
                continue
            # The frame of a zoom or pan only draws groups with nothing to rescale (new ones,
            # or a new screen resolution); the frames after it re-stroke within the budget.
            fresh = group.image is None or group.where is None or group.where[1] != dpr
            spent = (time.perf_counter() - started) * 1000.0
            if fresh or (not moved and (done == 0 or spent < RESTROKE_BUDGET_MS)):
                done += 0 if fresh else 1
                group.image = self._rasterise(group.paths, t, dpr, box)
                group.key, group.where = key, where
                self.rasterised += 1
            else:
                waiting = True
                self.scaled += 1
        drawn = [g for g in self._groups if g.image is not None]
        if len(drawn) > 1 and drawn[0].key != key and all(g.key == drawn[0].key for g in drawn):
            # All wait at one old scale (a zoom step): one smooth rescale, not one per group.
            self._composite(p, t, [(self._merged_image(drawn), drawn[0].where)])
        else:
            self._composite(p, t, [(g.image, g.where) for g in drawn])
        if waiting:
            self._restroke.start()  # paint() must not call update(): ask for the next frame
        else:
            self._merged = None  # sharp again: no need to keep the merged copy

    def _merged_image(self, groups: Sequence[_TickGroup]) -> QtGui.QImage:
        """The group images (all made for one box) drawn in order into one image, kept while
        the user goes on zooming before the groups are re-stroked."""
        images = [g.image for g in groups]
        kept = self._merged  # it holds the images, so their ids cannot be reused meanwhile
        if kept is not None and [id(a) for a in kept[0]] == [id(b) for b in images]:
            return kept[1]
        assert groups[0].where is not None
        _t, dpr, box = groups[0].where
        merged = blank_image(box, dpr)
        painter = QtGui.QPainter(merged)
        for image in images:
            assert image is not None
            painter.drawImage(0, 0, image)
        painter.end()
        self._merged = (images, merged)
        return merged

    @staticmethod
    def _composite(
        p: QtGui.QPainter,
        t: QtGui.QTransform,
        images: Sequence[tuple[QtGui.QImage | None, Where | None]],
    ) -> None:
        """Draw group images in order; one made at another scale is mapped to this one."""
        for image, made in images:
            assert image is not None and made is not None
            draw_made_for(p, t, image, made)
        p.setTransform(t)

    @staticmethod
    def _rasterise(
        paths: Sequence[tuple[QtGui.QPainterPath, QtGui.QPen]],
        t: QtGui.QTransform,
        dpr: float,
        box: _Box,
    ) -> QtGui.QImage:
        image = blank_image(box, dpr)
        painter = QtGui.QPainter(image)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(t * QtGui.QTransform.fromTranslate(-box[0] / dpr, -box[1] / dpr))
        for path, path_pen in paths:
            painter.setPen(path_pen)
            painter.drawPath(path)
        painter.end()
        return image
