"""Vnode ticks of the ring view: one cached image per group of members, re-stroked lazily.

Stroking all 10^4 ticks with the 1.3 px antialiased pen costs about 9 ms, too much for the
frame of a mouse-wheel zoom step on top of the other layers (DESIGN.md §8). So when the user
zooms or pans, that frame shows each group's previous image mapped to the new scale, and the
groups are re-stroked sharp over the following frames, a few milliseconds' worth per frame,
until every group matches the new scale; the settled picture is pixel for pixel the one a
fresh build draws at that scale. The view says when a paint is for the screen
(:attr:`TickLayer.on_screen`) and when the stop-gap is allowed (:attr:`TickLayer.may_defer`:
right after the user moved the view). Any other change of scale (a resize, a grab for a
screenshot) is stroked sharp at once, and exports never disturb the images kept for the
screen.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.views.palette import member_color
from phoenix_gui.qt.views.ring.geometry import token_angle
from phoenix_gui.qt.views.ring.layers import (
    EXTENT,
    Where,
    blank_image,
    box_key,
    device_box,
    draw_made_for,
    pen,
)

TICK_GROUP = 16  # members per tick image: a join or leave redraws ≤ 1600 of 10^4 ticks
# A follow-up frame re-strokes groups while the view's paint, with the next group's expected
# cost, stays under this (the owned arcs, redrawn on the same frame, count too). A frame that
# has no room for one re-strokes one anyway if the frame before it re-stroked none, so the
# ticks get sharp even on a slow machine.
RESTROKE_BUDGET_MS = 6.0
# Groups no longer shown are kept, images and all, up to this many bytes of images: a jump
# back to a moment shown before (or to one near it) re-strokes only the groups that differ.
SPARE_BYTES = 48 << 20
PATH_CACHE = 4096  # members' tick paths kept (a few kB each) for the moments shown next

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
        # (member index, its tokens) → its ticks' path and pen, most recently used last.
        self._path_cache: OrderedDict[tuple[int, bytes], tuple[QtGui.QPainterPath, QtGui.QPen]]
        self._path_cache = OrderedDict()
        # Groups of moments shown before (the timeline jumps back and forth), with their images.
        self._spare: OrderedDict[tuple[tuple[int, bytes], ...], _TickGroup] = OrderedDict()
        self._shown_key: tuple[object, ...] | None = None  # of the last on-screen paint
        self.rasterised = 0  # group images drawn so far (tests check a join redraws one)
        self.scaled = 0  # group images shown rescaled while waiting to be re-stroked
        self.on_screen = False  # set by the view while it paints itself on screen
        self.may_defer = False  # set by the view: the user zoomed or panned since its last paint
        self.frame_started: float | None = None  # perf_counter() when the view began to paint
        self._stroke_ms = 0.0  # what re-stroking the last group took
        self._starved = False  # the last follow-up frame had no room to re-stroke any group
        # Merged images of the groups waiting at an old scale, by that scale's key.
        self._merged: dict[object, tuple[list[QtGui.QImage | None], QtGui.QImage]] = {}
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
        old = {**self._spare, **{g.signature: g for g in self._groups}}
        groups = []
        for _key, members in sorted(wanted.items()):
            signature = tuple((i, t.astype(np.int64).tobytes()) for i, t in members)
            group = old.get(signature)
            if group is None:
                paths = [
                    self._cached_path(key, t)
                    for key, (_i, t) in zip(signature, members, strict=True)
                ]
                group = _TickGroup(signature, paths)
            groups.append(group)
        kept = {g.signature for g in groups}
        for group in self._groups:  # the groups of the moment shown before wait as spares
            if group.signature not in kept:
                self._spare[group.signature] = group
                self._spare.move_to_end(group.signature)
        for signature in kept:
            self._spare.pop(signature, None)
        self._trim_spare()
        self._groups = groups
        self.update()

    def _trim_spare(self) -> None:
        """Forget the spares used longest ago beyond SPARE_BYTES of images."""
        held = sum(g.image.sizeInBytes() for g in self._spare.values() if g.image is not None)
        while self._spare and (held > SPARE_BYTES or len(self._spare) > PATH_CACHE // TICK_GROUP):
            _signature, group = self._spare.popitem(last=False)
            if group.image is not None:
                held -= group.image.sizeInBytes()

    def _cached_path(
        self, key: tuple[int, bytes], toks: np.ndarray
    ) -> tuple[QtGui.QPainterPath, QtGui.QPen]:
        """A member's ticks, made once while it keeps its index and tokens: a jump to another
        moment of the run (the timeline) rebuilds the groups whose members changed, and most
        of their members are ones already drawn at some moment."""
        made = self._path_cache.get(key)
        if made is None:
            made = self._path(key[0], toks)
            self._path_cache[key] = made
            if len(self._path_cache) > PATH_CACHE:
                self._path_cache.popitem(last=False)
        else:
            self._path_cache.move_to_end(key)
        return made

    def _path(self, index: int, toks: np.ndarray) -> tuple[QtGui.QPainterPath, QtGui.QPen]:
        theta = token_angle(_distinct(toks))
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
            # The frame of the user's zoom or pan only draws groups with nothing to rescale (new
            # ones, or a new screen resolution); the frames after it re-stroke within the budget.
            fresh = group.image is None or group.where is None or group.where[1] != dpr
            spent = (time.perf_counter() - started) * 1000.0
            affordable = spent + self._stroke_ms < RESTROKE_BUDGET_MS or (
                done == 0 and self._starved
            )
            if fresh or (not self.may_defer if moved else affordable):
                done += 0 if fresh else 1
                begun = time.perf_counter()
                group.image = self._rasterise(group.paths, t, dpr, box)
                self._stroke_ms = (time.perf_counter() - begun) * 1000.0
                group.key, group.where = key, where
                self.rasterised += 1
            else:
                waiting = True
                self.scaled += 1
        if not moved:
            self._starved = waiting and done == 0
        self._composite(p, t, self._layers(key))
        if waiting:
            self._restroke.start()  # paint() must not call update(): ask for the next frame
        else:
            self._merged.clear()  # sharp again: no need to keep merged copies

    def _layers(self, key: tuple[object, ...]) -> list[tuple[QtGui.QImage | None, Where | None]]:
        """What to draw: the group images in index order once all are sharp. Until then, the
        groups still waiting at an old scale first, merged into one image per old scale (one
        smooth rescale, not one per group), then the sharp ones over them."""
        drawn = [g for g in self._groups if g.image is not None]
        waiting: dict[tuple[object, ...] | None, list[_TickGroup]] = {}
        for group in drawn:
            if group.key != key:
                waiting.setdefault(group.key, []).append(group)
        layers = [
            (self._merged_image(old, groups), groups[0].where) for old, groups in waiting.items()
        ]
        return layers + [(g.image, g.where) for g in drawn if g.key == key]

    def _merged_image(
        self, old: tuple[object, ...] | None, groups: Sequence[_TickGroup]
    ) -> QtGui.QImage:
        """The images of ``groups`` (all made at the old scale ``old``) drawn in order into one
        image, kept while the same groups wait (the user may zoom again meanwhile)."""
        images = [g.image for g in groups]
        if len(images) == 1 and images[0] is not None:
            return images[0]
        kept = self._merged.get(old)  # it holds the images, so their ids cannot be reused
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
        self._merged[old] = (images, merged)
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


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. Not ``np.unique``: numpy 2.4 imports ``numpy.ma`` on its first
    call (about 0.1 s), and the first call would be on the way to the window's first frame."""
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
