"""Cached graphics items for the ring view: coloured dot groups, path groups and the owned-arc
band, and the device-pixel helpers the tick layer shares.

All follow pyqtgraph's habit: numpy arrays in through one ``set``-style entry point, the
expensive conversion done there once, ``paint()`` only replays what was built. Their pixmap is
cached in device coordinates (``DeviceCoordinateCache``), so while packets fly over them a
frame costs a blit, not a redraw of 10^4 dots or ticks (DESIGN.md §8).

Dots are stamped from pre-rendered sprites (one per colour, side by side in one sprite sheet)
with a single ``drawPixmapFragments`` call for every dot, in painting order (about 2 ms for 10^4
dots; a call per colour and round cost 4800 Python calls a paint at 200 members) instead of
``drawPoints`` with a wide round pen, which Qt strokes point by point as a path (about 12 ms for
10^4): the frame after an ownership change rebuilds the whole dot layer and still fits the
worst-case frame budget. The task dots leave out a dot with two later dots at its very pixel
(:func:`top_dots`: 1% of it would show) and dots off the device: a dense ring of 10^5 tasks
stamps about half of them. Owned arcs are
coloured per pixel from the owner table; vnode ticks (:mod:`phoenix_gui.qt.views.ring.ticks`)
are kept as
one image per group of members, so a join or a leave re-strokes one group. Together they keep
the frame after a join or a leave within the worst-case budget too.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets
from shiboken6 import wrapInstance

from phoenix_gui.qt.views.palette import member_color
from phoenix_gui.qt.views.ring.geometry import TOKEN_SPACE
from phoenix_gui.qt.views.ring.sprites import SpriteSheet

EXTENT = QtCore.QRectF(-1.5, -1.5, 3.0, 3.0)  # everything the ring draws fits in here
SWAP_KEY = -2  # the crashed red of the palette
DOT_ROUNDS = 24  # interleaved painting rounds of the task dots (see DotLayer._arrange)
# A dot stamped exactly under this many later dots (same device pixel, same sprite) is not
# stamped: at the task dots' alpha (230) two layers above leave 1% of it (see top_dots).
COVER_DEPTH = 2


def device_xy(t: QtGui.QTransform, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map points with an affine ``QTransform`` in numpy (the ring never uses perspective)."""
    return t.m11() * x + t.m21() * y + t.dx(), t.m12() * x + t.m22() * y + t.dy()


def top_dots(
    px: np.ndarray, py: np.ndarray, size: tuple[int, int], margin: int, depth: int = COVER_DEPTH
) -> np.ndarray | None:
    """Which dots, stamped in this order at integer device pixels (``px``, ``py``), are worth
    stamping: ascending indices of the dots among the last ``depth`` at their pixel that
    reach the device (``size``: width, height; ``margin``: a sprite's half side); None when
    that is every dot.

    Dots at the same pixel are the same sprite at the same place, so a dot with ``depth``
    later ones on it shows only what their alpha lets through: (1 − α)^depth of it. A dense
    ring (10^5 dots in ~5·10^4 pixels at 1280×800) stamps about half of them, and a zoomed
    view only those on the device.
    """
    width, height = size
    on = (px > -margin) & (px < width + margin) & (py > -margin) & (py < height + margin)
    ix, iy = px.astype(np.int64), py.astype(np.int64)
    if not on.all():
        where = np.flatnonzero(on)
        ix, iy = ix[where], iy[where]
    else:
        where = None
    if ix.size == 0:
        return np.zeros(0, dtype=np.int64)
    x0, y0 = int(ix.min()), int(iy.min())
    span = int(ix.max()) - x0 + 1
    cell = (iy - y0) * span + (ix - x0)
    order = np.arange(ix.size)
    keep = np.zeros(ix.size, dtype=bool)
    left = order
    last = np.full((int(iy.max()) - y0 + 1) * span, -1, dtype=np.int64)
    for _ in range(depth):  # the last dot at each pixel among those not kept yet
        np.maximum.at(last, cell[left], left)
        top = left[last[cell[left]] == left]
        keep[top] = True
        last[cell[left]] = -1  # only the cells touched go back to empty for the next pass
        left = np.flatnonzero(~keep)
        if left.size == 0:
            break
    if where is None and keep.all():
        return None
    chosen = np.flatnonzero(keep)
    return chosen if where is None else where[chosen]


class DotLayer(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph ships no type hints
    """Round dots coloured by key, stamped from one sprite sheet in one call, none per dot.

    ``set_data`` only keeps its arrays: the painting order is worked out when it is needed (at
    the next paint), so a view that replaces the dots several times before one frame (a step's
    tasks, its flights leaving, its landings) pays for the order once.
    """

    def __init__(self, size_px: float = 4.0, alpha: int = 255, cull: bool = False) -> None:
        super().__init__()
        self._size = size_px
        self._alpha = alpha
        # Leave out the dots that would not show (see top_dots): for nearly opaque dots only.
        self._cull = cull
        self._input: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # not ordered yet
        self._order_xy = np.zeros((2, 0))  # every dot, in painting order
        self._key_list: list[int] = []  # the keys present, ascending
        self._slot = np.zeros(0, dtype=np.int64)  # each dot's key, as a place in _key_list
        self._round = np.zeros(0, dtype=np.int64)  # each dot's painting round
        self._frags = np.zeros((0, 10))  # QPainter.PixmapFragment as 10 doubles per dot
        self._sheet = SpriteSheet(size_px, alpha)
        self._swapped: frozenset[int] = frozenset()  # keys drawn in SWAP_KEY's colour
        self.last_paint_ms = 0.0  # what the last paint of every dot cost (pacing, see binding)
        self.last_stamped = 0  # how many dots the last paint stamped
        self.renders = 0  # how many times the dots were painted (their cache re-rendered)
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_data(self, x: np.ndarray, y: np.ndarray, keys: np.ndarray) -> None:
        """Dots at (x, y) coloured by member index ``keys`` (−1: the unowned grey). The arrays
        are kept, not copied: the caller hands over new ones rather than changing these."""
        self._input = (np.asarray(x, np.float64), np.asarray(y, np.float64), np.asarray(keys))
        self.update()

    def _arrange(self) -> None:
        """The painting order of the dots last given.

        Drawn in :data:`DOT_ROUNDS` interleaved rounds, each holding an even share of every
        colour, with the colour order rotated from round to round: a later colour never paints
        over an earlier one wholesale, so each member's share of the visible dot pixels stays
        its share of the tasks (stamping colour by colour gave the last members up to half as
        much again). Deterministic: the round of a dot is a function of its position in the
        input.
        """
        if self._input is None:
            return
        x, y, raw = self._input
        self._input = None
        keys = raw.astype(np.int64, copy=False)
        n = keys.size
        low = int(keys.min()) if n else 0
        present = np.bincount(keys - low) > 0 if n else np.zeros(1, dtype=bool)
        rank = (np.cumsum(present) - 1)[keys - low]  # each key's rank among the keys present
        colours = max(1, int(present.sum()))
        rounds = min(DOT_ROUNDS, max(1, n))
        # Low-discrepancy spread of the input order over the rounds (golden-ratio sequence).
        round_of = np.floor(np.modf(np.arange(n) * 0.6180339887498949)[0] * rounds)
        round_of = round_of.astype(np.int64)
        # Round r starts its colour order r/rounds of the way round the list of colours.
        turn = (rank - (round_of * colours) // rounds) % colours
        # By round, then turn, stably: two 16-bit stable sorts (numpy radix-sorts those, ~4x
        # faster than one sort of a combined int64 key at 10^5 dots).
        narrow = np.int16 if colours < 2**15 else np.int64
        by_turn = np.argsort(turn.astype(narrow), kind="stable")
        order = by_turn[np.argsort(round_of[by_turn].astype(np.int16), kind="stable")]
        self._order_xy = np.vstack((x[order], y[order]))
        self._key_list = (np.flatnonzero(present) + low).tolist() if n else []
        self._slot = rank[order]
        self._round = round_of[order]

    @property
    def _xy(self) -> np.ndarray:
        """Every dot's (x, y), in painting order (2 × n)."""
        self._arrange()
        return self._order_xy

    @property
    def swapped(self) -> frozenset[int]:
        return self._swapped

    def set_swapped(self, keys: Sequence[int]) -> None:
        """Draw the dots of ``keys`` in the crashed red (−2) instead of their own colour, in
        their own place in the painting order (a blink costs one cached redraw)."""
        swapped = frozenset(int(k) for k in keys)
        if swapped != self._swapped:
            self._swapped = swapped
            self.update()

    def keys_in_paint_order(self) -> list[int]:
        """The colour key of each run of dots of one colour within a round, in painting order
        (tests: the colours come back round after round)."""
        self._arrange()
        if not self._slot.size:
            return []
        cut = np.flatnonzero((np.diff(self._slot) != 0) | (np.diff(self._round) != 0)) + 1
        firsts = np.concatenate(([0], cut))
        return [self._key_list[s] for s in self._slot[firsts].tolist()]

    def clear(self) -> None:
        pending = self._input is not None and self._input[2].size > 0
        if pending or self._order_xy.shape[1]:
            self._input = (np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64))
            self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return EXTENT

    def paint(self, p: QtGui.QPainter, *args: object) -> None:
        # Stamp in device pixels, untransformed: a dot is a fixed number of pixels whatever
        # the zoom. Centres are rounded to pixel corners so a sprite is copied, not resampled.
        started = time.perf_counter()
        self.renders += 1
        self._arrange()
        n = self._order_xy.shape[1]
        if not n:
            return
        transform = p.transform()
        device = p.device()
        dpr = float(device.devicePixelRatioF()) if device is not None else 1.0
        # Each key's square on the sheet; a swapped key's dots take the crashed red's.
        cells = self._sheet.cells([*self._key_list, SWAP_KEY], dpr)
        for place, key in enumerate(self._key_list):
            if key in self._swapped:
                cells[place] = cells[-1]
        side = self._sheet.side
        dx, dy = device_xy(transform, self._order_xy[0], self._order_xy[1])
        px, py = np.round(dx), np.round(dy)
        slot = self._slot
        if self._cull and device is not None:  # dots hidden under others, or off the device
            size = (round(device.width() / dpr), round(device.height() / dpr))
            shown = top_dots(px, py, size, int(np.ceil(side / dpr / 2)) + 1)
            if shown is not None:
                px, py, slot = px[shown], py[shown], slot[shown]
                n = int(shown.size)
        self.last_stamped = n
        if not n:
            return
        left, top = self._sheet.origins(cells[slot])
        # One numpy pass fills the fragments of every dot; one call stamps them all, in order.
        if self._frags.shape[0] < n:
            self._frags = np.zeros((n, 10))
        frags = self._frags[:n]
        frags[:, 0] = px
        frags[:, 1] = py
        frags[:, 2] = left
        frags[:, 3] = top
        frags[:, 4:6] = (side, side)
        frags[:, 6:10] = (1.0 / dpr, 1.0 / dpr, 0.0, 1.0)
        p.resetTransform()
        # Qt reads ``n`` fragments from this address (as pyqtgraph's PrimitiveArray does).
        ptr = wrapInstance(frags.ctypes.data, QtGui.QPainter.PixmapFragment)
        p.drawPixmapFragments(ptr, n, self._sheet.pixmap())  # type: ignore[arg-type]
        p.setTransform(transform)
        self.last_paint_ms = (time.perf_counter() - started) * 1000.0


class PathLayer(pg.GraphicsObject):  # type: ignore[misc]
    """Pre-built painter paths with their pens (the assignment links)."""

    def __init__(self) -> None:
        super().__init__()
        self._paths: list[tuple[QtGui.QPainterPath, QtGui.QPen]] = []
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_paths(self, paths: Sequence[tuple[QtGui.QPainterPath, QtGui.QPen]]) -> None:
        # Hidden while empty: Qt would still keep, clear and blit a view-sized cache pixmap.
        self.setVisible(bool(paths))
        if not paths and not self._paths:
            return  # still empty: no repaint of the (empty) cached layer
        self._paths = list(paths)
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return EXTENT

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


# ---- layers rasterised at the current zoom (vnode ticks, owned arcs) -----------------------
Where = tuple[QtGui.QTransform, float, tuple[int, int, int, int]]  # what device_box() returns


def device_box(p: QtGui.QPainter, radius: float) -> Where | None:
    """Item → device transform, device pixel ratio, and the device pixels (x0, y0, x1, y1)
    covering the disc of ``radius``, clipped to the device; None when nothing is visible."""
    device = p.device()
    if device is None:
        return None
    dpr = float(device.devicePixelRatioF())
    t = p.transform()
    disc = t.mapRect(QtCore.QRectF(-radius, -radius, 2 * radius, 2 * radius))
    x0 = max(0, int(np.floor(disc.left() * dpr)) - 1)
    y0 = max(0, int(np.floor(disc.top() * dpr)) - 1)
    x1 = min(device.width(), int(np.ceil(disc.right() * dpr)) + 1)
    y1 = min(device.height(), int(np.ceil(disc.bottom() * dpr)) + 1)
    if x1 <= x0 or y1 <= y0:
        return None
    return t, dpr, (x0, y0, x1, y1)


def draw_made_for(p: QtGui.QPainter, t: QtGui.QTransform, image: QtGui.QImage, made: Where) -> None:
    """Draw ``image``, rasterised for ``made``, under the painter's item transform ``t``;
    when ``made`` was another zoom or pan it is mapped there smoothly (a stop-gap until the
    layer is redrawn at this scale). Leaves the painter in device pixels (no transform)."""
    t_made, dpr, box = made
    if t_made == t:
        p.resetTransform()
    else:  # device pixels then → ring units → device pixels now
        inverse, _ok = t_made.inverted()
        p.setTransform(inverse * t)
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
    p.drawImage(QtCore.QPointF(box[0] / dpr, box[1] / dpr), image)


def box_key(t: QtGui.QTransform, dpr: float, box: tuple[int, int, int, int]) -> tuple[object, ...]:
    return (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy(), dpr, box)


def blank_image(box: tuple[int, int, int, int], dpr: float) -> QtGui.QImage:
    x0, y0, x1, y1 = box
    image = QtGui.QImage(x1 - x0, y1 - y0, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(dpr)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    return image


def _premultiply(rgb: np.ndarray, alpha: np.ndarray | int) -> np.ndarray:
    """Premultiplied ARGB32 of 0xRRGGBB colours at ``alpha`` (channel · alpha / 255, rounded)."""
    a = np.asarray(alpha, dtype=np.uint32)
    out: np.ndarray = (a << 24) + np.zeros_like(rgb)
    for shift in (16, 8, 0):
        out |= ((((rgb >> shift) & 0xFF) * a + 127) // 255) << shift
    return out


class BandLayer(pg.GraphicsObject):  # type: ignore[misc]
    """Owned arcs: the ring band [r_in, r_out], each pixel in the colour of the member owning
    the token position under it (``owner_table``; −1: left empty).

    Arcs never overlap, so the band is coloured per pixel in numpy: the pixels of the band and
    their token positions are found once per zoom, and an ownership change is one gather over
    about 4·10^4 pixels (well under 1 ms) however many arcs changed, instead of stroking
    thousands of wide arcs (about 8 ms to build and paint at 10^4 vnodes). The band's edges
    are antialiased by radial coverage; borders between owners fall on pixel centres.

    The frame of the user's zoom or pan step (:attr:`on_screen` and :attr:`may_defer`, set by
    the view) shows the previous image mapped to the new scale and finds the pixels on the next
    frame, so the step's own frame stays within the worst-case budget with every other layer
    redrawn.
    """

    def __init__(self, r_in: float, r_out: float, alpha: int = 150) -> None:
        super().__init__()
        self._r_in, self._r_out, self._alpha = r_in, r_out, alpha
        self._table: np.ndarray | None = None
        self._key: tuple[object, ...] | None = None
        self._pixels = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint32))
        self._edge = np.zeros(0, np.int64)
        self._buffer = np.zeros(0, np.uint32)
        self._image: QtGui.QImage | None = None
        self._made: Where | None = None  # what ``_image`` was coloured for
        self._shown_key: tuple[object, ...] | None = None  # of the last on-screen paint
        self.on_screen = False  # set by the view while it paints itself on screen
        self.may_defer = False  # set by the view: the user zoomed or panned since its last paint
        self._later = QtCore.QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)  # the next turn of the event loop: one more frame
        self._later.timeout.connect(self.update)
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    @property
    def sharp(self) -> bool:
        """The band is coloured at the scale last shown on screen (no rescaled stop-gap)."""
        return self._table is None or (self._key == self._shown_key and self._image is not None)

    def set_owner_table(self, table: np.ndarray | None) -> None:
        empty = table is None or np.asarray(table).size == 0
        self._table = None if empty else np.array(table, dtype=np.int64)
        self._image = None
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return EXTENT

    def _candidates(self, inv: QtGui.QTransform, box: tuple[int, int, int, int]) -> np.ndarray:
        """Flat indices of the pixels of ``box`` near the band: per row, the two runs of columns
        between the band's circles (the view is never rotated), not the whole square."""
        x0, y0, x1, y1 = box
        width = x1 - x0
        if inv.m12() != 0.0 or inv.m21() != 0.0:  # rotated or sheared: test every pixel
            return np.arange((y1 - y0) * width)
        margin = 2.0 * float(np.sqrt(abs(inv.determinant())))
        outer, inner = self._r_out + margin, max(self._r_in - margin, 0.0)
        rows = np.arange(y0, y1)
        y = inv.m22() * (rows + 0.5) + inv.dy()
        x_out = np.sqrt(np.maximum(outer * outer - y * y, 0.0))
        x_in = np.sqrt(np.maximum(inner * inner - y * y, 0.0))
        runs = []
        for lo, hi in ((-x_out, -x_in), (x_in, x_out)):
            c_lo = (lo - inv.dx()) / inv.m11() - 0.5
            c_hi = (hi - inv.dx()) / inv.m11() - 0.5
            first = np.clip(np.floor(np.minimum(c_lo, c_hi)) - 1, x0, x1).astype(np.int64)
            end = np.clip(np.ceil(np.maximum(c_lo, c_hi)) + 2, x0, x1).astype(np.int64)
            runs.append((first, end))
        (a_first, a_end), (b_first, b_end) = sorted(runs, key=lambda run: int(run[0].sum()))
        # Above and below the hole the two runs of a row meet: one run, no pixel twice.
        meet = a_end >= b_first
        a_end = np.where(meet, np.maximum(a_end, b_end), a_end)
        b_end = np.where(meet, b_first, b_end)
        inside = np.abs(y) <= outer
        start = np.concatenate(((rows - y0) * width + a_first, (rows - y0) * width + b_first)) - x0
        count = np.concatenate(
            (
                np.where(inside, np.maximum(a_end - a_first, 0), 0),
                np.where(inside, np.maximum(b_end - b_first, 0), 0),
            )
        )
        offsets = np.cumsum(count) - count
        return np.repeat(start - offsets, count) + np.arange(int(count.sum()))

    def _locate(self, t: QtGui.QTransform, dpr: float, box: tuple[int, int, int, int]) -> None:
        """Band pixels of ``box``: flat index, token position, alpha from radial coverage."""
        x0, y0, x1, y1 = box
        inv, _ok = (t * QtGui.QTransform.fromScale(dpr, dpr)).inverted()
        near = self._candidates(inv, box)
        cols = near % (x1 - x0) + (x0 + 0.5)
        rows = near // (x1 - x0) + (y0 + 0.5)
        x = inv.m11() * cols + inv.m21() * rows + inv.dx()
        y = inv.m12() * cols + inv.m22() * rows + inv.dy()
        r = np.hypot(x, y)
        size = float(np.sqrt(abs(inv.determinant())))  # one device pixel in ring units
        cover = np.clip(np.minimum(r - self._r_in, self._r_out - r) / size + 0.5, 0.0, 1.0)
        keep = np.flatnonzero(cover > 0.0)
        theta = np.mod(np.arctan2(x[keep], y[keep]), 2.0 * np.pi)
        pos = np.minimum((theta * (TOKEN_SPACE / (2.0 * np.pi))).astype(np.int64), TOKEN_SPACE - 1)
        alpha = np.round(cover[keep] * self._alpha).astype(np.uint32)
        self._pixels = (near[keep], pos, alpha)
        self._edge = np.flatnonzero(alpha < self._alpha)  # partly covered: own alpha
        self._buffer = np.zeros((y1 - y0) * (x1 - x0), dtype=np.uint32)

    def _colour(self, box: tuple[int, int, int, int], dpr: float) -> QtGui.QImage:
        assert self._table is not None
        flat, pos, alpha = self._pixels
        table = self._table
        # Colour per token position (10^4) first, then one gather per pixel; only the
        # antialiased edge pixels (a few thousand) get their own alpha.
        present = np.flatnonzero(np.bincount(table + 1)) - 1
        lut = np.zeros(int(present[-1]) + 2, dtype=np.uint32)
        lut[present + 1] = [member_color(int(k)).rgb() & 0xFFFFFF for k in present]
        lut[0] = 0  # −1: nobody owns it, the band stays empty there
        rgb = lut[table + 1]
        owned = table >= 0
        full = np.where(owned, _premultiply(rgb, self._alpha), 0).astype(np.uint32)
        colour = full[pos]
        edge = self._edge
        if edge.size:
            at = pos[edge]
            colour[edge] = np.where(owned[at], _premultiply(rgb[at], alpha[edge]), 0)
        self._buffer[:] = 0
        self._buffer[flat] = colour
        x0, y0, x1, y1 = box
        image = QtGui.QImage(
            self._buffer.data,
            x1 - x0,
            y1 - y0,
            4 * (x1 - x0),
            QtGui.QImage.Format.Format_ARGB32_Premultiplied,
        ).copy()  # own the pixels: the buffer is reused
        image.setDevicePixelRatio(dpr)
        return image

    def paint(self, p: QtGui.QPainter, *args: object) -> None:
        where = device_box(p, self._r_out + 0.02) if self._table is not None else None
        if where is None:
            return
        t, dpr, box = where
        key = box_key(t, dpr, box)
        moved = self.on_screen and self.may_defer and key != self._shown_key
        if self.on_screen:
            self._shown_key = key
        if key != self._key:
            made, image = self._made, self._image
            if moved and image is not None and made is not None and made[1] == dpr:
                draw_made_for(p, t, image, made)  # this scale's pixels: on the next frame
                p.setTransform(t)
                self._later.start()  # paint() must not call update(): ask for the next frame
                return
            self._locate(t, dpr, box)
            self._key, self._image = key, None
        if self._image is None:
            self._image, self._made = self._colour(box, dpr), where
        draw_made_for(p, t, self._image, where)
        p.setTransform(t)
