"""BoardView: what the Kubernetes and agent views share — a cached picture of the members and
their tasks, and flights and score badges drawn over it each frame.

The still picture (bins or cards, bars, task blocks) is painted once per snapshot into a
pixmap; a frame blits it and draws only what moves: the flights of a
:class:`~phoenix_gui.qt.views.flights.FlightBook` (one sprite stamp per colour, no Python loop
per packet) and the score badges of the decision being shown. Subclasses lay out their members
and paint the still picture; the board times the frames.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets
from shiboken6 import wrapInstance

from phoenix_gui.qt.snapshots import Decision
from phoenix_gui.qt.views.flights import FlightBook
from phoenix_gui.qt.views.palette import BACKGROUND, TEXT, member_color

GREY = "#4B5563"  # cordoned / draining members and their blocks
WINNER = "#FFD400"  # the decision's winner: the caption overlay's accent
SCORE_HOLD = 2.0  # a decision's scores stay at least this long (× the story's time scale)


@lru_cache(maxsize=2048)
def block_sprite(key: int, side: int, alpha: int = 255) -> QtGui.QPixmap:
    """A square block ``side`` px in member ``key``'s colour (−3: grey), 1 px gap around."""
    pix = QtGui.QPixmap(side + 2, side + 2)
    pix.fill(QtCore.Qt.GlobalColor.transparent)
    colour = QtGui.QColor(GREY) if key == -3 else member_color(key)
    colour.setAlpha(alpha)
    painter = QtGui.QPainter(pix)
    painter.fillRect(QtCore.QRectF(1, 1, side, side), colour)
    painter.end()
    return pix


def stamp(
    p: QtGui.QPainter, x: np.ndarray, y: np.ndarray, keys: np.ndarray, side: int, alpha: int = 255
) -> None:
    """Blocks of ``side`` px centred on (x, y), one ``drawPixmapFragments`` per colour key
    (a fragment's x, y is the centre of where it is drawn)."""
    if x.size == 0:
        return
    keys = np.asarray(keys, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    frags = np.zeros((x.size, 10))
    frags[:, 0] = np.round(np.asarray(x, dtype=np.float64)[order])
    frags[:, 1] = np.round(np.asarray(y, dtype=np.float64)[order])
    frags[:, 2:6] = (0.0, 0.0, side + 2, side + 2)
    frags[:, 6:10] = (1.0, 1.0, 0.0, 1.0)
    ks = keys[order]
    starts = np.concatenate(([0], np.flatnonzero(np.diff(ks)) + 1))
    ends = np.concatenate((starts[1:], [ks.size]))
    base, row = frags.ctypes.data, frags.strides[0]
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        ptr = wrapInstance(base + s * row, QtGui.QPainter.PixmapFragment)
        p.drawPixmapFragments(ptr, e - s, block_sprite(int(ks[s]), side, alpha))  # type: ignore[arg-type]


def tint(colour: QtGui.QColor, share: float) -> QtGui.QColor:
    """``colour`` laid at ``share`` over the background, as one opaque colour: filling with a
    translucent colour blends every pixel (~0.25 ms per card), an opaque fill is a copy."""
    bg = QtGui.QColor(BACKGROUND)
    return QtGui.QColor(
        round(colour.red() * share + bg.red() * (1.0 - share)),
        round(colour.green() * share + bg.green() * (1.0 - share)),
        round(colour.blue() * share + bg.blue() * (1.0 - share)),
    )


def frame_box(
    p: QtGui.QPainter,
    box: QtCore.QRectF,
    border: QtGui.QColor,
    fill: QtGui.QColor | None = None,
    width: float = 1.5,
) -> None:
    """A filled box with a border, from filled rectangles only: stroking a rectangle with a
    pen costs ~0.15 ms, filling one a few microseconds, and a step repaints 100 of them."""
    if fill is not None:
        p.fillRect(box, fill)
    w = width
    p.fillRect(QtCore.QRectF(box.left(), box.top(), box.width(), w), border)
    p.fillRect(QtCore.QRectF(box.left(), box.bottom() - w, box.width(), w), border)
    p.fillRect(QtCore.QRectF(box.left(), box.top(), w, box.height()), border)
    p.fillRect(QtCore.QRectF(box.right() - w, box.top(), w, box.height()), border)


class BoardView(QtWidgets.QWidget):
    """A widget of member boxes with task blocks; flights and score badges move over it."""

    frameRendered = QtCore.Signal(float)  # noqa: N815  ms spent on the moving parts

    def __init__(
        self, parent: QtWidgets.QWidget | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setMouseTracking(True)
        self.setMinimumSize(320, 240)
        self._clock = clock
        self.book = FlightBook()
        self._chrome: QtGui.QPixmap | None = None  # boxes and labels: membership changes
        self._chrome_key: object = None
        self._still: QtGui.QPixmap | None = None  # chrome + bars and task blocks: each step
        self._decision: Decision | None = None
        self._decision_until = 0.0
        self._badges_shown = False  # painted into the current still picture
        self._block = 8  # px side of a task block at the current layout
        self._frame = (np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64))
        self._trail = (np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64))
        self._frame_timer = QtCore.QTimer(self)
        self._frame_timer.setObjectName("board-frame-timer")
        self._frame_timer.setInterval(16)
        self._frame_timer.timeout.connect(self._on_frame_timer)

    # ---- for subclasses ----------------------------------------------------------------
    def relayout(self) -> None:
        """Recompute where everything sits for the current size and snapshot."""
        raise NotImplementedError

    def chrome_key(self) -> object:
        """What the chrome depends on (members, their fixed fields, the layout)."""
        raise NotImplementedError

    def paint_chrome(self, p: QtGui.QPainter) -> None:
        """Paint what changes only with membership: boxes, names, fixed labels, lanes."""
        raise NotImplementedError

    def paint_still(self, p: QtGui.QPainter) -> None:
        """Paint, over the chrome, what changes every step: bars, counts, task blocks."""
        raise NotImplementedError

    def badge_anchor(self, member: str) -> QtCore.QRectF | None:
        """The box of ``member`` on screen (where its score badge goes), None if not shown."""
        raise NotImplementedError

    def invalidate(self) -> None:
        """The snapshot changed: lay out again and repaint the still picture once."""
        self.relayout()
        self._still = None
        self.update()

    # ---- decisions (score badges) --------------------------------------------------------
    def show_decision(self, decision: Decision | None, seconds: float) -> None:
        """Badges with the decision's scores, for ``seconds`` (at least SCORE_HOLD). They are
        painted into the still picture, so a frame does not redraw their text."""
        self._decision = decision
        self._decision_until = self._clock() + max(seconds, SCORE_HOLD)
        self._badges_shown = decision is not None
        self._still = None
        self._ensure_running()
        self.update()

    def shown_scores(self) -> dict[str, float]:
        """The scores on screen now, by member id (tests compare them with the engine)."""
        d = self._decision
        if d is None or self._clock() > self._decision_until:
            return {}
        return {m: s for m, s in d.scores if self.badge_anchor(m) is not None}

    def shown_winner(self) -> str | None:
        d = self._decision
        return d.winner if d is not None and self._clock() <= self._decision_until else None

    # ---- frames ------------------------------------------------------------------------
    def _ensure_running(self) -> None:
        if not self._frame_timer.isActive() and self.isVisible():
            self._frame_timer.start()

    def stop_animation(self) -> None:
        self._frame_timer.stop()

    def reset_animation(self) -> None:
        self.book.clear()
        self._decision = None
        self._badges_shown = False
        self._still = None
        self._frame = (np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64))
        self._trail = self._frame
        self._frame_timer.stop()
        self.update()

    @property
    def packets_in_flight(self) -> int:
        return self.book.count

    def busy(self, now: float) -> bool:
        return self.book.busy() or (self._decision is not None and now <= self._decision_until)

    def _on_frame_timer(self) -> None:
        self.render_frame()
        self.update()
        if not self.busy(self._clock()):
            self._frame_timer.stop()
            self.update()  # one more paint: badges gone

    def render_frame(self, now: float | None = None) -> float:
        """Advance the flights to ``now`` (default: the wall clock); returns ms spent."""
        started = time.perf_counter()
        now = self._clock() if now is None else now
        if self._badges_shown and now > self._decision_until:
            self._badges_shown = False
            self._still = None  # the badges' time is up: the next paint leaves them out
        x, y, key, tx, ty, tk = self.book.frame(now)
        self._frame, self._trail = (x, y, key), (tx, ty, tk)
        self.after_frame(now)
        ms = (time.perf_counter() - started) * 1000.0
        self.frameRendered.emit(ms)
        return ms

    def after_frame(self, now: float) -> None:
        """Subclasses: react to landed flights (``self.book.take_landed()``)."""

    # ---- painting ----------------------------------------------------------------------
    def resizeEvent(self, ev: QtGui.QResizeEvent) -> None:
        super().resizeEvent(ev)
        self.invalidate()

    def paintEvent(self, ev: QtGui.QPaintEvent) -> None:
        p = QtGui.QPainter(self)
        if self._still is None or self._still.size() != self.size() * self.devicePixelRatioF():
            self._still = self._render_still()
        p.drawPixmap(0, 0, self._still)
        tx, ty, tk = self._trail
        stamp(p, tx, ty, tk, self._block, 110)
        x, y, k = self._frame
        stamp(p, x, y, k, self._block + 4)
        p.end()

    def _render_still(self) -> QtGui.QPixmap:
        # Square boxes, filled rather than stroked, without antialiasing: a picture of 100
        # nodes must be repainted within one frame of a step. The chrome is kept between
        # steps; a step copies it and paints only what changed on it.
        dpr = self.devicePixelRatioF()
        key = (self.chrome_key(), self.width(), self.height(), dpr)
        if self._chrome is None or key != self._chrome_key:
            chrome = QtGui.QPixmap(self.size() * dpr)
            chrome.setDevicePixelRatio(dpr)
            chrome.fill(QtGui.QColor(BACKGROUND))
            p = QtGui.QPainter(chrome)
            self.paint_chrome(p)
            p.end()
            self._chrome, self._chrome_key = chrome, key
        pix = self._chrome.copy()
        pix.setDevicePixelRatio(dpr)
        p = QtGui.QPainter(pix)
        self.paint_still(p)
        if self._badges_shown:
            self._paint_badges(p)
        p.end()
        return pix

    def _paint_badges(self, p: QtGui.QPainter) -> None:
        d = self._decision
        if d is None:
            return
        font = QtGui.QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        metrics = QtGui.QFontMetrics(font)
        for member, score in d.scores:
            box = self.badge_anchor(member)
            if box is None:
                continue
            win = member == d.winner
            text = f"{'★ ' if win else ''}{score:.3f}"
            w, h = metrics.horizontalAdvance(text) + 10, metrics.height() + 4
            badge = QtCore.QRectF(box.right() - w - 4, box.bottom() - h - 4, w, h)
            if win:
                frame_box(p, box.adjusted(-2, -2, 2, 2), QtGui.QColor(WINNER), None, 3.0)
            p.fillRect(badge, QtGui.QColor(WINNER if win else "#111827"))
            p.setPen(QtGui.QColor("#000000" if win else TEXT))
            p.drawText(badge, QtCore.Qt.AlignmentFlag.AlignCenter, text)


def grid(n: int, area: QtCore.QRectF, gap: float, aspect: float = 1.6) -> list[QtCore.QRectF]:
    """``n`` boxes filling ``area`` row by row, as close to ``aspect`` (w / h) as fits."""
    if n <= 0 or area.width() <= 0 or area.height() <= 0:
        return []
    best = 1
    best_err = float("inf")
    for cols in range(1, n + 1):
        rows = -(-n // cols)
        w = (area.width() - gap * (cols - 1)) / cols
        h = (area.height() - gap * (rows - 1)) / rows
        if w <= 0 or h <= 0:
            continue
        err = abs(np.log((w / h) / aspect))
        if err < best_err:
            best, best_err = cols, err
    cols = best
    rows = -(-n // cols)
    w = (area.width() - gap * (cols - 1)) / cols
    h = (area.height() - gap * (rows - 1)) / rows
    return [
        QtCore.QRectF(
            area.left() + (i % cols) * (w + gap), area.top() + (i // cols) * (h + gap), w, h
        )
        for i in range(n)
    ]


def block_side(area: QtCore.QRectF, count: int, largest: int = 14, smallest: int = 3) -> int:
    """The largest block side (px, with a 1 px gap) that fits ``count`` blocks in ``area``."""
    if count <= 0:
        return largest
    for side in range(largest, smallest - 1, -1):
        per_row = int((area.width() + 1) // (side + 1))
        rows = int((area.height() + 1) // (side + 1))
        if per_row * rows >= count:
            return side
    return smallest


def slot_centres(area: QtCore.QRectF, count: int, side: int) -> tuple[np.ndarray, np.ndarray]:
    """Centres of ``count`` blocks of ``side`` px laid row by row in ``area`` (may overflow
    downwards when they do not fit; callers clip the count)."""
    per_row = max(1, int((area.width() + 1) // (side + 1)))
    i = np.arange(count)
    x = area.left() + (i % per_row) * (side + 1) + side / 2.0
    y = area.top() + (i // per_row) * (side + 1) + side / 2.0
    return x, y


def layout_slots(
    areas: list[QtCore.QRectF], members: list[np.ndarray], largest: int
) -> tuple[int, np.ndarray, np.ndarray]:
    """Block side, and the task ids (ascending) with their block centres, for every member's
    tasks laid row by row in its area; the areas are a grid of equal boxes, so the side is
    found once and the centres in one vectorised pass."""
    if not areas:
        return largest, np.zeros(0, dtype=np.int64), np.zeros((0, 2))
    most = max((int(t.size) for t in members), default=1)
    side = block_side(areas[0], most, largest=largest)
    per_row = max(1, int((areas[0].width() + 1) // (side + 1)))
    counts = np.array([t.size for t in members], dtype=np.int64)
    left = np.repeat([a.left() for a in areas], counts)
    top = np.repeat([a.top() for a in areas], counts)
    i = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    x = left + (i % per_row) * (side + 1) + side / 2.0
    y = top + (i // per_row) * (side + 1) + side / 2.0
    tasks = np.concatenate(members) if members else np.zeros(0, dtype=np.int64)
    order = np.argsort(tasks, kind="stable")
    return side, tasks[order].astype(np.int64), np.column_stack((x, y))[order]
