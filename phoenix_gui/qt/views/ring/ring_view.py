"""RingView: the token ring with members, their vnodes and arcs, tasks and flying packets.

Static parts (ring, vnode ticks, owned arcs, task dots, assignment links) are built only when
membership or ownership changes and are cached as pixmaps; each frame only updates the small
scatter of packets in flight and the member markers' effects (DESIGN.md §8). The view knows
nothing about the engine: it is fed plain data (:class:`MemberInfo`, :class:`TaskArrays`) and
each step's :class:`StepStory`, by the adapter binding in
:mod:`phoenix_gui.qt.views.ring.ring_binding`; the story is animated by its ``motion`` part.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine import vnode_saturation
from phoenix_gui.qt.snapshots import MemberInfo, TaskArrays
from phoenix_gui.qt.views.limited_label import LimitedLabel
from phoenix_gui.qt.views.palette import (
    BACKGROUND,
    CRASHED,
    RING,
    TEXT,
    member_color,
    prepare_colours,
)
from phoenix_gui.qt.views.ring import geometry as geo
from phoenix_gui.qt.views.ring.animation import FADED_ALPHA, Animator
from phoenix_gui.qt.views.ring.highlight import Legend, RingHighlight
from phoenix_gui.qt.views.ring.layers import BandLayer, DotLayer, PathLayer, pen
from phoenix_gui.qt.views.ring.motion import RingMotion
from phoenix_gui.qt.views.ring.pacing import PacedRedraw
from phoenix_gui.qt.views.ring.pointer import RingPointer
from phoenix_gui.qt.views.ring.ticks import TickLayer

LABEL_LIMIT = 50  # more members than this: only hovered, selected and largest are labelled
LARGEST_LABELLED = 8  # past LABEL_LIMIT, this many of the busiest members keep a label
# Hidden labels made ahead, a few per turn of the event loop (LABEL_FILL_MS at most), so that a
# step that labels dozens of members at once (a mass join, its leavers fading) takes them from
# here: a new label costs ~1 ms to create and add to the scene, 60 of them one 60 ms freeze.
SPARE_LABELS = 2 * LABEL_LIMIT
LABEL_FILL_MS = 3.0
LEADER = "#9CA3AF"
LINKS_PER_MEMBER = 12  # assignment links drawn per member (the rest are counted in its label)
LINKS_TOTAL = 1500
VIEW_EXTENT = 1.6  # ± data units shown: room for labels at 3 and 9 o'clock, growing outwards
_GONE = ("FAILED", "SUSPECT", "REMOVED")


def _stack(want: list[float], tall: float, top: float, bottom: float) -> list[float]:
    """Label centres (pixels, up = +) as close to ``want`` (top to bottom) as possible while
    at least ``tall`` apart and within [bottom, top]."""
    out: list[float] = []
    for y in want:
        y = min(y, top) if not out else min(y, out[-1] - tall)
        out.append(y)
    overflow = bottom - out[-1] if out else 0.0
    if overflow > 0:  # pushed below the view: shift the stack up, keeping the spacing
        out = [min(top, y + overflow) for y in out]
        for k in range(1, len(out)):
            out[k] = min(out[k], out[k - 1] - tall)
    return out


# One brush per colour, not per member: pyqtgraph renders a marker's symbol once per brush
# object, and past the distinct colours members share theirs (a timeline jump shows hundreds of
# members not drawn before; their symbols are mostly rendered already).
_BRUSHES: dict[tuple[int, int, int, int], QtGui.QBrush] = {}


@lru_cache(maxsize=2048)
def _marker_brush(index: int, alpha20: int) -> QtGui.QBrush:
    colour = QtGui.QColor(CRASHED) if index == -2 else member_color(index)
    colour.setAlphaF(alpha20 / 20.0)
    exact = colour.rgba64()  # 16 bits a channel: only the same colour shares a brush
    key = (exact.red(), exact.green(), exact.blue(), exact.alpha())
    return _BRUSHES.setdefault(key, QtGui.QBrush(colour))


@lru_cache(maxsize=2)
def _marker_pen(failed: bool) -> QtGui.QPen:
    out = QtGui.QPen(QtGui.QColor("#FFFFFF" if failed else BACKGROUND), 1.5)
    out.setCosmetic(True)
    return out


class _DotsCost:
    """What re-rendering the task dots costs: the plain layer, and the red one while in use."""

    def __init__(self, plain: DotLayer, red: DotLayer) -> None:
        self._plain = plain
        self._red = red
        self.red_in_use = False

    @property
    def last_paint_ms(self) -> float:
        red = self._red.last_paint_ms if self.red_in_use else 0.0
        return float(self._plain.last_paint_ms) + float(red)


class RingView(RingMotion, RingPointer, pg.PlotWidget):  # type: ignore[misc]
    """The ring drawing. Signals carry member ids (str) and task indices (int)."""

    memberClicked = QtCore.Signal(str)  # noqa: N815  (Qt signal naming)
    memberHighlighted = QtCore.Signal(str)  # noqa: N815  lit by hover, click or Tab ('' none)
    memberContextRequested = QtCore.Signal(str, QtCore.QPoint)  # noqa: N815
    taskClicked = QtCore.Signal(int)  # noqa: N815
    frameRendered = QtCore.Signal(float)  # noqa: N815  ms spent updating the moving parts

    def __init__(
        self,
        parent: QtWidgets.QWidget | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent, background=BACKGROUND)
        self._labels_placed_later = False  # set while a rebuild places the labels at its end
        self.saturation_note: str | None = None  # a sentence while the ring is saturated
        # The cached layers are ~3 MB pixmaps each at full HD; Qt's default 10 MB pixmap cache
        # would evict them every frame and turn each frame into a full redraw.
        QtGui.QPixmapCache.setCacheLimit(max(QtGui.QPixmapCache.cacheLimit(), 128 * 1024))
        self._packets_shown = False
        self._markers_dirty = True
        # The markers last set: tokens (bytes), sizes, and (colour key, alpha, failed) each.
        self._marker_signature: tuple[Any, ...] = ()
        self._effects_active = False
        self._stranded_count = 0
        self._clock = clock
        self.animator = Animator()
        self.paradigm = "phoenix"
        self.state_label: Callable[[int], str] = str
        self.task_name: Callable[[int], str] = lambda i: f"task-{i}"
        self.task_info: Callable[[int], Mapping[str, Any]] | None = None
        self._members: dict[int, MemberInfo] = {}
        self._by_id: dict[str, MemberInfo] = {}
        self._owner_table: np.ndarray | None = None
        self._tasks = TaskArrays(*(np.zeros(0, dtype=np.int64) for _ in range(3)))
        self._task_xy = (np.zeros(0), np.zeros(0))
        self._places = geo.TaskPlaces()
        self._member_xy = np.zeros((0, 2))
        self._member_order: list[int] = []
        self._labels: dict[str, tuple[pg.TextItem, int]] = {}  # member → (label, token)
        self._spare_labels: list[pg.TextItem] = []  # hidden, for the next members labelled
        self._labels_placed: tuple[Any, ...] = ()  # what the labels were last placed for
        self._label_filler = QtCore.QTimer(self)
        self._label_filler.setSingleShot(True)
        self._label_filler.setInterval(0)  # the next turn of the event loop
        self._label_filler.timeout.connect(self._make_spare_labels)
        self.view_menu: QtWidgets.QMenu | None = None
        # Members that left but whose tasks are still in the air (or whose marker still fades).
        self._ghosts: dict[int, MemberInfo] = {}
        self._hidden = np.zeros(0, dtype=np.int64)  # task ids in flight: no dot on the arc
        self._landing_at = 0.0
        self._hovered: int | None = None
        self._selected: int | None = None
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self._build_items()
        self.legend = Legend(self)
        self._frame_timer = QtCore.QTimer(self)
        self._frame_timer.setInterval(16)
        self._frame_timer.timeout.connect(self._on_frame_timer)
        # Big rings re-render their dots paced by cost (a step replaces them several times).
        self._dots_cost = _DotsCost(self._dots, self._dots_red)
        self._dots_pacer = PacedRedraw(self, self._draw_dots, self._dots_cost)

    # ---- construction ------------------------------------------------------------------
    def _build_items(self) -> None:
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.hideButtons()
        plot.setMenuEnabled(False)
        vb = plot.getViewBox()
        vb.setMenuEnabled(False)
        vb.setAspectLocked(True)
        self._view_moved = False  # the user zoomed or panned: a resize keeps their view
        self._moved_since_paint = False
        self._fit_view()
        vb.sigRangeChangedManually.connect(self._on_view_moved)
        # Whenever the plot area changes size (window resized or maximised, docks re-laid
        # out) the whole ring is fitted again, unless the user chose their own view.
        vb.sigResized.connect(self._fit_view)
        circle = np.linspace(0.0, 2 * np.pi, 721)
        self._ring = pg.PlotCurveItem(np.sin(circle), np.cos(circle), pen=pg.mkPen(RING, width=2))
        self._arcs = BandLayer(geo.ARC_IN, geo.ARC_OUT, alpha=150)
        self._ticks = TickLayer(geo.TICK_IN, geo.TICK_OUT, width_px=1.3)
        self._links = PathLayer()
        self._dots = DotLayer(size_px=4.0, alpha=230, cull=True)
        # The same dots with a crashed member's stranded tasks in the crashed red: their blink
        # shows one or the other (a blit of its cache), not a re-render of every dot.
        self._dots_red = DotLayer(size_px=4.0, alpha=230, cull=True)
        self._dots_red.setVisible(False)
        self._dots_red.setOpacity(0.0)
        self._markers = pg.ScatterPlotItem(pxMode=True)
        # Packets: a small uncached dot item, the only thing rebuilt every frame. (A
        # ScatterPlotItem with a brush per point costs ~7 ms per frame at 10^3 packets in its
        # per-point Python loop; grouping by colour costs well under 1 ms.)
        self._packets = DotLayer(size_px=8.0)
        self._packets.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.NoCache)
        self._trail = DotLayer(size_px=5.0, alpha=120)  # where each packet just was, in grey
        self._trail.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.NoCache)
        # Arcs that changed hands, in their new owner's colour; flashed by showing and hiding it.
        self._flash = BandLayer(geo.ARC_IN - 0.03, geo.ARC_OUT + 0.035, alpha=235)
        self._flash.setVisible(False)
        for item in (self._links, self._arcs, self._ring, self._ticks, self._dots, self._dots_red):
            self.addItem(item)
        self.highlight = RingHighlight(self)
        for item in (self._flash, self._markers, self._trail, self._packets):
            self.addItem(item)
        self._leaders = pg.PlotCurveItem(pen=pg.mkPen(LEADER, width=1))  # label → marker lines
        self._leaders.setZValue(-1)  # under the markers: a line ends at a marker, not over it
        self.addItem(self._leaders)
        vb.sigRangeChanged.connect(self._on_range_changed)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    # ---- the visible range --------------------------------------------------------------
    def _fit_view(self, *_args: object) -> None:
        if self._view_moved:
            return
        self.getPlotItem().getViewBox().setRange(
            xRange=(-VIEW_EXTENT, VIEW_EXTENT), yRange=(-VIEW_EXTENT, VIEW_EXTENT), padding=0.0
        )

    def _on_range_changed(self, *_args: object) -> None:
        if self._labels_placed_later:
            return
        if getattr(self, "_labels", None) and not getattr(self, "closed", False):
            self._place_labels()  # labels keep their pixel size: zoom changes their spacing

    def _on_view_moved(self, *_args: object) -> None:
        self._view_moved = True
        self._moved_since_paint = True  # the next frame may show ticks and arcs rescaled

    def reset_view(self) -> None:
        """Show the whole ring again (±VIEW_EXTENT) and follow resizes, forgetting zoom/pan."""
        self._view_moved = False
        self._fit_view()

    @property
    def view_moved(self) -> bool:
        """True after the user zoomed or panned, until :meth:`reset_view`."""
        return self._view_moved

    # ---- data in -----------------------------------------------------------------------
    def set_members(
        self,
        paradigm: str,
        members: Sequence[MemberInfo],
        owner_table: np.ndarray | None = None,
        vnode_tokens: Mapping[int, np.ndarray] | None = None,
    ) -> None:
        """Rebuild the membership layers (ticks, arcs, markers, labels). Call on changes only."""
        self.paradigm = paradigm
        now = self._clock()
        live = {m.index for m in members}
        for index, old in self._members.items():
            leaving = self.animator.fade_start(index) is not None
            if index not in live and leaving and not self.animator.faded_out(now, index):
                self._ghosts[index] = old  # still fading, or its tasks still in the air
        for m in members:
            self._ghosts.pop(m.index, None)
        self._members = {m.index: m for m in members}
        self._by_id = {m.id: m for m in members}
        self._member_order = [m.index for m in members]
        ring_mode = paradigm == "phoenix"
        self._owner_table = (
            np.asarray(owner_table) if ring_mode and owner_table is not None else None
        )
        tokens = np.array([m.token for m in members], dtype=np.float64)
        mx, my = geo.token_xy(tokens, geo.MEMBER_R)
        self._member_xy = np.column_stack((mx, my))
        vt = vnode_tokens or {}
        self._ticks.set_ticks(
            [(i, np.asarray(vt[i])) for i in self._member_order if i in vt] if ring_mode else []
        )
        self._arcs.set_owner_table(self._owner_table)
        # The note may resize the plot, which places the labels again: they are placed once,
        # below, for the new members (with 100 labels each placement costs ~5 ms).
        self._labels_placed_later = True
        try:
            self._show_saturation(members if ring_mode else ())
        finally:
            self._labels_placed_later = False
        self._rebuild_labels()
        self._update_markers(self._clock())
        self._rebuild_links()
        self.legend.set_members(members, "hosts" if ring_mode else "members")
        self._refresh_highlight()

    def _show_saturation(self, members: Sequence[MemberInfo]) -> None:
        """Say in words when more vnodes no longer spread load (N·V near the token space)."""
        note = None
        if members:
            vnodes = round(sum(m.vnodes for m in members) / len(members))
            held = sum(m.distinct for m in members) / len(members)
            # distinct 0 everywhere: positions not given, judge by N·V alone
            note = vnode_saturation(len(members), vnodes, held or None)
        label = getattr(self, "_saturation_label", None)
        unchanged = note == self.saturation_note and (label is not None) == (note is not None)
        if unchanged and (label is None or label.isVisible() == self.isVisible()):
            return  # the note on screen already says it
        self.saturation_note = note
        if note is None:
            if label is not None:
                label.hide()
                self._place_note()
            return
        if label is None:
            # Under the plot, not on it: the plot area shrinks by the note's height, so the
            # note never covers the ring, a marker or a label.
            label = LimitedLabel(f"color: {TEXT}; background: {BACKGROUND};", self, lines=3)
            label.setObjectName("saturationNote")
            self._saturation_label = label
        label.set_full_text(note)
        label.show()
        self._place_note()

    def _place_note(self) -> None:
        label = getattr(self, "_saturation_label", None)
        shown = label is not None and not label.isHidden()
        height = label.height() if label is not None and shown else 0
        if label is not None and shown:
            label.setGeometry(0, self.height() - height, self.width(), height)
        if self.viewportMargins().bottom() != height:
            self.setViewportMargins(0, 0, 0, height)
        # pyqtgraph sizes the plot to the whole widget (GraphicsView.resizeEvent); here it
        # gets the viewport, which is the widget less the note.
        # (Already so: nothing to do. A join or leave re-states the note, with the same size.)
        area = QtCore.QRectF(0, 0, self.viewport().width(), self.viewport().height())
        if self.autoPixelRange and self.range != area:
            pg.GraphicsView.setRange(self, area, padding=0, disableAutoPixel=False)
            self.updateMatrix()

    @property
    def dots_paint_ms(self) -> float:
        """What the last paint of the task dots cost (their cache re-rendered), in ms."""
        return self._dots_cost.last_paint_ms

    def set_tasks(self, tasks: TaskArrays) -> None:
        """Replace the task dots; skipped when ids and owners are unchanged."""
        old = self._tasks
        changed = not (
            np.array_equal(old.ids, tasks.ids) and np.array_equal(old.owner, tasks.owner)
        )
        self._tasks = tasks
        if not changed:
            return
        self._task_xy = self._places.xy(tasks.ids, tasks.tokens)
        self._redraw_dots()
        self._rebuild_links()
        self._update_stranded()
        self._refresh_highlight()

    def _redraw_dots(self) -> None:
        """The task dots changed: drawn at once, or paced by their cost in a big ring."""
        self._dots_pacer.request(int(self._tasks.ids.size))

    def catch_up_dots(self) -> None:
        """Draw now the dots a paced redraw has not drawn yet (a picture is about to be taken)."""
        if self._dots_pacer.pending:
            self._dots_pacer.flush()

    def _draw_dots(self) -> None:
        """Task dots in their owner's colour, except those in the air (drawn as packets)."""
        x, y = self._task_xy
        owner = np.asarray(self._tasks.owner)
        if self._hidden.size:
            keep = ~np.isin(self._tasks.ids, self._hidden)
            x, y, owner = x[keep], y[keep], owner[keep]
        self._dots.set_data(x, y, owner)
        self._dots_red.set_data(x, y, owner)  # ordered and drawn only when shown

    def _rebuild_links(self) -> None:
        """Assignment links member → tasks (kubernetes, agentic), capped so they stay legible."""
        if self.paradigm == "phoenix" or not self._members:
            self._links.set_paths([])
            return
        owner = np.asarray(self._tasks.owner)
        tx, ty = self._task_xy
        budget = LINKS_TOTAL
        paths = []
        for row, index in enumerate(self._member_order):
            if budget <= 0:
                break
            mine = np.flatnonzero(owner == index)
            if mine.size == 0:
                continue
            # Evenly spaced sample of its tasks: deterministic, and spread round the circle.
            take = min(LINKS_PER_MEMBER, budget, mine.size)
            pick = mine[np.linspace(0, mine.size - 1, take).astype(int)]
            budget -= take
            x = np.empty(2 * take)
            y = np.empty(2 * take)
            x[0::2], y[0::2] = self._member_xy[row]
            x[1::2], y[1::2] = tx[pick], ty[pick]
            path = pg.arrayToQPath(x, y, connect="pairs")
            paths.append((path, pen(member_color(index), 1.0, cosmetic=True, alpha=110)))
        self._links.set_paths(paths)

    def _rebuild_labels(self) -> None:
        """Member labels, reused between rebuilds: a TextItem is slow to create and place."""
        wanted = {self._members[i].id: self._members[i].token for i in self._labelled()}
        if len(self._member_order) <= LABEL_LIMIT:
            # A member that left keeps its label while its tasks fly and its marker fades.
            wanted.update({g.id: g.token for g in self._ghosts.values()})
        # A label no longer wanted is renamed for a member that wants one (a timeline jump
        # changes which members are the busiest), or hidden and kept for the next.
        spare = [self._labels.pop(k)[0] for k in [k for k in self._labels if k not in wanted]]
        for member_id, tok in wanted.items():
            if member_id not in self._labels:
                if spare:
                    label = spare.pop()
                    label.setText(member_id)
                elif self._spare_labels:
                    label = self._spare_labels.pop()
                    label.setText(member_id)
                    label.show()
                else:
                    label = self._new_label(member_id)
                self._labels[member_id] = (label, tok)
            else:
                self._labels[member_id] = (self._labels[member_id][0], tok)
        for label in spare:
            label.hide()
            self._spare_labels.append(label)
        self._place_labels()
        if self.isVisible() and not self._label_filler.isActive():
            self._label_filler.start()

    def _new_label(self, text: str, shown: bool = True) -> pg.TextItem:
        label = pg.TextItem(text, color=TEXT)
        label.setVisible(shown)
        label.setFont(self.font())  # graphics items do not follow the widget's font
        self.addItem(label)
        return label

    def _make_spare_labels(self) -> None:
        """Make hidden labels (and member colours) ahead, for at most LABEL_FILL_MS this turn
        (see SPARE_LABELS)."""
        if getattr(self, "closed", False):
            return
        deadline = time.perf_counter() + LABEL_FILL_MS / 1000.0
        if not prepare_colours(deadline):  # the members' colours, made ahead the same way
            self._label_filler.start()
            return
        while len(self._spare_labels) < SPARE_LABELS:
            self._spare_labels.append(self._new_label("", shown=False))
            if time.perf_counter() > deadline:
                self._label_filler.start()
                return

    def _labelled(self) -> list[int]:
        """Members that get a label: all up to LABEL_LIMIT; past it the hovered, the selected
        and the busiest few (the others are a hover away)."""
        order = self._member_order
        if len(order) <= LABEL_LIMIT:
            return list(order)
        busiest = sorted(order, key=lambda i: (-self._members[i].load, self._members[i].id))
        keep = set(busiest[:LARGEST_LABELLED])
        for index in (self._selected, self._hovered):
            if index is not None and index in self._members:
                keep.add(index)
        return [i for i in order if i in keep]

    def _refresh_highlight(self) -> None:
        super()._refresh_highlight()
        # Past LABEL_LIMIT the hovered and the selected member get their label.
        if len(self._member_order) > LABEL_LIMIT:
            labelled = {self._members[i].id for i in self._labelled()}
            if labelled != set(self._labels):
                self._rebuild_labels()

    def visible_labels(self) -> dict[str, pg.TextItem]:
        """The member labels on screen, by member id."""
        return {m: item for m, (item, _tok) in self._labels.items() if item.isVisible()}

    def _place_labels(self) -> None:
        """Put each label beside its member without overlapping another; a leader line ties a
        label to its marker wherever it had to move.

        Few labels go round the ring, spread apart where neighbours are close; when they do not
        fit round it they stand in columns left and right of the ring, in the vertical order of
        their markers, each with a leader line. Done in screen pixels (labels keep their pixel
        size whatever the zoom), so it is redone on resize, zoom and font changes.
        """
        if not self._labels:
            if self._labels_placed != ():
                self._labels_placed = ()
                self._leaders.setData([], [])
            return
        vb = self.getPlotItem().getViewBox()
        ux, uy = vb.viewPixelSize()
        if not (ux > 0 and uy > 0) or not np.isfinite(ux + uy):
            return
        ids = list(self._labels)
        boxes = {m: self._labels[m][0].boundingRect() for m in ids}
        # What the placement depends on: when none of it changed (a join far from the
        # labelled members, a step), the labels and leaders stay where they are.
        (x0, x1), (y0, y1) = vb.viewRange()
        markers = self._markers_xy(ids)
        placing = (
            tuple(
                (m, id(item), token, boxes[m].width(), boxes[m].height(), markers.get(m))
                for m, (item, token) in self._labels.items()
            ),
            ux,
            uy,
            x0,
            x1,
            y0,
            y1,
        )
        if placing == self._labels_placed:
            return
        self._labels_placed = placing
        widest = max(r.width() for r in boxes.values())
        tall = max(r.height() for r in boxes.values())
        theta = geo.token_angle(np.asarray([self._labels[m][1] for m in ids], dtype=np.float64))
        label_px = geo.LABEL_R / ux
        gap = (widest + 6) / max(label_px, 1.0)
        placed: dict[str, tuple[float, float, tuple[float, float]]] = {}  # x, y (units), anchor
        if len(ids) * gap <= 2 * np.pi * 0.95:
            spread = geo.spread_angles(theta, max(geo.LABEL_GAP, gap))
            for member_id, angle in zip(ids, spread, strict=True):
                px, py = geo.polar_xy(float(angle), geo.LABEL_R)
                anchor = (0.5 - 0.5 * float(np.sin(angle)), 0.5 + 0.5 * float(np.cos(angle)))
                placed[member_id] = (float(px), float(py), anchor)
        round_ring = bool(placed) and not self._overlap(placed, boxes, ux, uy)
        if not round_ring:
            placed = self._label_columns(ids, theta, widest, tall, ux, uy)
        xs: list[float] = []
        ys: list[float] = []
        (x_min, x_max), _ = vb.viewRange()
        angles = dict(zip(ids, theta.tolist(), strict=True))  # each label's natural angle
        for member_id, (x, y, anchor) in placed.items():
            # A narrow view (two runs side by side) leaves less room beside the ring than a
            # long name needs: the label slides inward rather than past the view's edge.
            if round_ring:
                width = boxes[member_id].width() * ux
                x = min(max(x, x_min + anchor[0] * width), x_max - (1.0 - anchor[0]) * width)
            label = self._labels[member_id][0]
            label.setAnchor(anchor)
            label.setPos(x, y)
            marker = markers.get(member_id)
            if marker is None:
                continue
            mx, my = marker
            box = boxes[member_id]
            natural = geo.polar_xy(angles[member_id], geo.LABEL_R)
            moved = np.hypot((natural[0] - x) / ux, (natural[1] - y) / uy)
            # A label in a column can stay near its natural place yet far from the marker (a
            # marker low on the ring, a column straight beside it): the gap counts too.
            if (
                moved > 0.6 * box.height()
                or _gap_px((mx, my), (x, y), anchor, box, ux, uy)
                > (geo.LABEL_R - geo.MEMBER_R) / ux + 0.5 * box.height()
            ):
                xs += [float(mx), x]
                ys += [float(my), y]
        self._leaders.setData(np.asarray(xs), np.asarray(ys), connect="pairs")

    def _overlap(
        self,
        placed: Mapping[str, tuple[float, float, tuple[float, float]]],
        boxes: Mapping[str, QtCore.QRectF],
        ux: float,
        uy: float,
    ) -> bool:
        rects = []
        for member_id, (x, y, anchor) in placed.items():
            box = boxes[member_id]
            left = x / ux - anchor[0] * box.width()
            top = -y / uy - anchor[1] * box.height()
            rects.append(QtCore.QRectF(left, top, box.width(), box.height()).adjusted(1, 1, -1, -1))
        return any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])

    def label_obstacles(self) -> dict[str, QtCore.QRectF]:
        """Text the member labels must not cover (the saturation note), in widget pixels."""
        note = getattr(self, "_saturation_label", None)
        if note is None or not note.isVisible():
            return {}
        return {"saturation note": QtCore.QRectF(note.geometry())}

    def _label_columns(
        self,
        ids: list[str],
        theta: np.ndarray,
        widest: float,
        tall: float,
        ux: float,
        uy: float,
    ) -> dict[str, tuple[float, float, tuple[float, float]]]:
        """Labels in columns beside the ring, stacked in their markers' vertical order."""
        vb = self.getPlotItem().getViewBox()
        (_x0, _x1), (y0, y1) = vb.viewRange()
        bottom = y0 / uy
        span_px = y1 / uy - bottom - 4
        rows = max(1, int(span_px // tall))
        out: dict[str, tuple[float, float, tuple[float, float]]] = {}
        for side in (1, -1):
            mine = [i for i in range(len(ids)) if (np.sin(theta[i]) >= 0) == (side > 0)]
            mine.sort(key=lambda i: -np.cos(theta[i]))  # top to bottom
            columns = max(1, -(-len(mine) // rows))
            for c in range(columns):
                chunk = mine[c::columns]
                want = [geo.MEMBER_R * np.cos(theta[i]) / uy for i in chunk]  # px, up = +
                ys = _stack(want, tall, (y1 / uy) - tall / 2 - 2, bottom + tall / 2 + 2)
                x_px = geo.LABEL_R / ux + 4 + c * (widest + 8)
                for i, y_px in zip(chunk, ys, strict=True):
                    anchor = (0.0, 0.5) if side > 0 else (1.0, 0.5)
                    out[ids[i]] = (side * x_px * ux, y_px * uy, anchor)
        return out

    # ---- frames ------------------------------------------------------------------------
    def _ensure_running(self) -> None:
        if not self._frame_timer.isActive() and self.isVisible():
            self._frame_timer.start()

    def stop_animation(self) -> None:
        self._frame_timer.stop()

    def _on_frame_timer(self) -> None:
        self.render_frame()
        if not self.animator.busy(self._clock()):
            self._frame_timer.stop()

    def render_frame(self, now: float | None = None) -> float:
        """Advance every animation to ``now`` (default: the wall clock); returns ms spent."""
        started = time.perf_counter()
        now = self._clock() if now is None else now
        x, y, colour, tx, ty, _tcolour = self.animator.book.frame(now)
        if x.size:
            self._packets.set_data(x, y, colour)
            self._trail.set_data(tx, ty, np.full(tx.size, -1))  # one stamp call, not one per colour
        elif self._packets_shown:
            self._packets.clear()
            self._trail.clear()
        self._packets_shown = bool(x.size)
        self._land(now)
        lit = self.animator.flash_on(now)
        if lit != self._flash.isVisible():
            self._flash.setVisible(lit)
        gone = [i for i in self._ghosts if self.animator.faded_out(now, i)]
        for index in gone:
            del self._ghosts[index]
            self.animator.forget(index)
            self._markers_dirty = True
        if gone:
            self._rebuild_labels()
        effects = self.animator.has_member_effects(now)
        if self._markers_dirty or effects or self._effects_active:
            self._update_markers(now)  # one more after effects end: markers settle exactly
        self._effects_active = effects
        # Stranded tasks blink in the crashed red in place, within the dots' interleaved
        # rounds: an overlay on top would cover neighbours and overstate them.
        blink = self._stranded_count > 0 and self.animator.blink_on(now)
        self._show_stranded_red(blink)
        ms = (time.perf_counter() - started) * 1000.0
        self.frameRendered.emit(ms)
        return ms

    def _update_markers(self, now: float) -> None:
        # Brushes and pens come from small caches: a new QBrush per spot per frame would make
        # pyqtgraph re-render every marker symbol. Unchanged markers are not set again.
        self._markers_dirty = False
        shown = [self._members[i] for i in self._member_order] + list(self._ghosts.values())
        sizes, keys, symbols = [], [], []
        marked = self.animator.marked(now)  # the others look plain: no effect to work out
        for m in shown:
            if m.index in marked:
                fx = self.animator.effect(now, m.index)
                failed = fx.crashed or m.status in _GONE
                alpha, size = fx.alpha, round(13.0 * fx.scale, 1)
                if m.status == "DRAINING" and m.index in self._members:
                    alpha = max(alpha, FADED_ALPHA)  # still registered: faded, not gone
                keys.append((-2 if failed else m.index, round(alpha * 20), failed))
            else:
                failed, size = m.status in _GONE, 13.0
                keys.append((-2 if failed else m.index, 20, failed))
            sizes.append(size)
            symbols.append("x" if failed else "o")
        tokens = np.array([m.token for m in shown], dtype=np.float64)
        signature = (tokens.tobytes(), tuple(sizes), tuple(keys))
        if signature == self._marker_signature:
            return
        before = self._marker_signature
        self._marker_signature = signature
        if before and before[0] == signature[0] and len(self._markers.data) == len(sizes):
            # The same markers in the same places: only those whose look changed (a joiner's
            # pulse, a leaver's fade) are restyled; setData would rebuild all of them.
            changed = [
                i
                for i, (size, key) in enumerate(zip(sizes, keys, strict=True))
                if size != before[1][i] or key != before[2][i]
            ]
            self._restyle_markers(changed, sizes, keys, symbols)
            return
        x, y = geo.token_xy(tokens, geo.MEMBER_R)
        if before and len(self._markers.data) == len(before[1]):
            # A join, a leave or a ghost gone: the markers that look as before keep theirs.
            self._reset_markers(x, y, sizes, keys, symbols, before)
            return
        # Columns, not a dict per spot: pyqtgraph's per-spot path costs twice as much.
        self._markers.setData(
            x=x,
            y=y,
            size=np.asarray(sizes, dtype=np.float64),
            brush=[_marker_brush(k, a) for k, a, _f in keys],
            pen=[_marker_pen(f) for _k, _a, f in keys],
            symbol=symbols,
        )

    def _reset_markers(
        self,
        x: np.ndarray,
        y: np.ndarray,
        sizes: list[float],
        keys: list[tuple[int, int, bool]],
        symbols: list[str],
        before: tuple[Any, ...],
    ) -> None:
        """Every marker set anew, as ``setData`` does, except that a marker looking as one
        did before (same size, colour, alpha, symbol) takes that one's place in the symbol
        atlas: only new looks are looked up. (``setData`` converts and looks up the brush and
        pen of each of 200 markers: ~2 ms at every join or leave.)"""
        item = self._markers
        old = item.data
        n = len(sizes)
        data = np.empty(n, dtype=old.dtype)  # object fields start as None, as in setData
        data["x"], data["y"] = x, y
        data["size"] = sizes
        data["symbol"] = np.fromiter(symbols, dtype=object, count=n)
        data["brush"] = np.fromiter((_marker_brush(k, a) for k, a, _f in keys), object, n)
        data["pen"] = np.fromiter((_marker_pen(f) for _k, _a, f in keys), object, n)
        data["visible"] = True
        data["hovered"] = False
        data["sourceRect"] = 0  # 0: looked up in the atlas by updateSpots
        # The look fixes the symbol, size, brush and pen (one brush per colour and alpha).
        placed = {look: row for row, look in enumerate(zip(before[1], before[2], strict=True))}
        prior = np.fromiter(
            (placed.get(look, -1) for look in zip(sizes, keys, strict=True)), np.int64, n
        )
        seen = prior >= 0
        data["sourceRect"][seen] = old["sourceRect"][prior[seen]]
        item.data = data
        item.prepareGeometryChange()
        item.informViewBoundsChanged()
        item.bounds = [None, None]
        item.updateSpots(data)
        item.invalidate()
        item.sigPlotChanged.emit(item)

    def _restyle_markers(
        self,
        rows: list[int],
        sizes: list[float],
        keys: list[tuple[int, int, bool]],
        symbols: list[str],
    ) -> None:
        """Give the markers of ``rows`` their new size, brush, pen and symbol in place."""
        data = self._markers.data
        for row in rows:
            key, alpha, failed = keys[row]
            data["size"][row] = sizes[row]
            data["brush"][row] = _marker_brush(key, alpha)
            data["pen"][row] = _marker_pen(failed)
            data["symbol"][row] = symbols[row]
            data["sourceRect"][row] = (0, 0, 0, 0)  # its symbol is looked up again
        self._markers.prepareGeometryChange()  # a bigger pulse reaches further
        self._markers.updateSpots()

    def _update_stranded(self) -> None:
        """Count the tasks still owned by a crashed member (they blink red until removed)."""
        crashed = sorted(self.animator.crashed)
        mask = np.isin(self._tasks.owner, crashed) if crashed else np.zeros(0, dtype=bool)
        self._stranded_count = int(mask.sum())
        self._dots_red.set_swapped(crashed)
        self._dots_cost.red_in_use = self._stranded_count > 0  # a change re-renders both
        self._show_stranded_red(self._stranded_count > 0)

    def _show_stranded_red(self, red: bool) -> None:
        # The blink switches the two layers by opacity, not visibility: Qt throws a hidden
        # item's cached picture away, so each blink would re-render 10^5 dots (~20 ms, four
        # times a second). The red layer is hidden only while nothing is stranded.
        in_use = self._stranded_count > 0
        if in_use != self._dots_red.isVisible():
            self._dots_red.setVisible(in_use)
        red = red and in_use
        if red != (self._dots_red.opacity() > 0.0):
            self._dots_red.setOpacity(1.0 if red else 0.0)
            self._dots.setOpacity(0.0 if red else 1.0)

    @property
    def stranded_shown_red(self) -> bool:
        """True while the stranded tasks are drawn red (the blink's on phase)."""
        return bool(self._dots_red.isVisible() and self._dots_red.opacity() > 0.0)

    @property
    def dots_shown_plain(self) -> bool:
        """True while the task dots are drawn in their owners' colours (no red blink phase)."""
        return bool(self._dots.isVisible() and self._dots.opacity() > 0.0)

    @property
    def stranded_on_screen(self) -> int:
        """How many task dots blink as stranded (owned by a crashed, not yet removed member)."""
        return self._stranded_count

    # ---- what is on screen (tests, inspector) ------------------------------------------
    @property
    def packets_in_flight(self) -> int:
        return self.animator.flights

    def task_owner_array(self) -> np.ndarray:
        """Owner member index of each drawn task dot, in :attr:`task_ids` order."""
        return np.asarray(self._tasks.owner).copy()

    @property
    def task_ids(self) -> np.ndarray:
        return np.asarray(self._tasks.ids).copy()

    def task_colour_array(self) -> np.ndarray:
        """ARGB colour each task dot is drawn with (its owner's colour)."""
        return np.array([member_color(int(o)).rgba() for o in self._tasks.owner], dtype=np.uint32)

    def _markers_xy(self, member_ids: Sequence[str]) -> dict[str, tuple[float, float]]:
        """Where the members' markers are drawn, in ring units: a live member's, or a leaver's
        still fading out (it keeps its label, so its label needs the same leader line); each
        member looked up once (a mass leave labels a hundred). Members with none are left out."""
        row = {index: k for k, index in enumerate(self._member_order)}
        ghosts: dict[str, MemberInfo] = {}
        for ghost in self._ghosts.values():
            ghosts.setdefault(ghost.id, ghost)  # the first leaver of that name
        out = {}
        for member_id in member_ids:
            member = self._by_id.get(member_id)
            if member is not None and member.index in row:
                x, y = self._member_xy[row[member.index]]
                out[member_id] = (float(x), float(y))
            elif member_id in ghosts:
                out[member_id] = _ghost_xy(ghosts[member_id])
        return out

    def member_position(self, member_id: str) -> QtCore.QPointF:
        """Where a member's marker is (a leaver's while it fades), in scene coordinates."""
        marker = self._markers_xy([member_id]).get(member_id)
        if marker is None:
            raise KeyError(member_id)
        x, y = marker
        vb = self.getPlotItem().getViewBox()
        scene_pos: QtCore.QPointF = vb.mapViewToScene(QtCore.QPointF(float(x), float(y)))
        return scene_pos

    def _on_mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        x, y, tol = self._view_point(scene_pos)
        hit = self.hit_test(x, y, tol)
        member = hit[1] if hit is not None and hit[0] == "member" else None
        self._set_hovered(member.index if isinstance(member, MemberInfo) else None)
        if hit is None:
            QtWidgets.QToolTip.hideText()
            return
        QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), self.tooltip_text(hit), self)

    def event(self, ev: QtCore.QEvent) -> bool:
        # Qt finds overrides on the class itself: the pointer part decides about the keys.
        return self._walk_key(ev) or bool(super().event(ev))

    def leaveEvent(self, ev: QtCore.QEvent) -> None:
        self._set_hovered(None)
        super().leaveEvent(ev)

    def mousePressEvent(self, ev: QtGui.QMouseEvent) -> None:
        super().mousePressEvent(ev)
        ev.accept()  # the ring is the end of the line for clicks: do not bubble to the window

    def changeEvent(self, ev: QtCore.QEvent) -> None:
        # Presentation mode scales the application font: member labels follow it.
        if ev.type() == QtCore.QEvent.Type.FontChange and not getattr(self, "closed", False):
            for label in [*(item for item, _token in self._labels.values()), *self._spare_labels]:
                label.setFont(self.font())
            self._place_labels()
        super().changeEvent(ev)

    def showEvent(self, ev: QtGui.QShowEvent) -> None:
        super().showEvent(ev)
        filler = getattr(self, "_label_filler", None)
        if filler is not None and shiboken6.isValid(filler):
            filler.start()  # labels made ahead while shown (see SPARE_LABELS)

    def hideEvent(self, ev: QtGui.QHideEvent) -> None:
        filler = getattr(self, "_label_filler", None)
        if filler is not None and shiboken6.isValid(filler):
            filler.stop()  # a hidden view (its window closed) keeps no timer going
        super().hideEvent(ev)

    def resizeEvent(self, ev: QtGui.QResizeEvent | None) -> None:
        super().resizeEvent(ev)  # pyqtgraph calls this with None, before __init__ is done
        if getattr(self, "_saturation_label", None) is not None:
            self._place_note()
        # After close() the scene is cleared and the labels are gone with it.
        if getattr(self, "_labels_placed_later", False):
            return
        if getattr(self, "_labels", None) and not getattr(self, "closed", False):
            self._place_labels()  # the gap between labels depends on the size on screen

    def paintEvent(self, ev: QtGui.QPaintEvent) -> None:
        # The frame right after the user zoomed or panned may show the ticks and arcs rescaled
        # while they are redrawn over the next frames; any other paint draws them sharp (an
        # export renders the scene without this paint event, and never touches their images).
        self._ticks.on_screen = self._arcs.on_screen = True
        self._ticks.may_defer = self._arcs.may_defer = self._moved_since_paint
        self._moved_since_paint = False
        self._ticks.frame_started = time.perf_counter()  # its re-stroke budget is per frame
        try:
            super().paintEvent(ev)
        finally:
            self._ticks.on_screen = self._arcs.on_screen = False
            self._ticks.may_defer = self._arcs.may_defer = False
            self._ticks.frame_started = None

    def mouseDoubleClickEvent(self, ev: QtGui.QMouseEvent) -> None:
        super().mouseDoubleClickEvent(ev)
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            self.reset_view()  # double-click anywhere on the drawing: back to the whole ring
        ev.accept()

    def _show_view_menu(self, screen_pos: QtCore.QPoint) -> None:
        """Right-click on empty space: a small menu to get the whole ring back."""
        if self.view_menu is None:
            self.view_menu = QtWidgets.QMenu(self)
            action = self.view_menu.addAction("Reset view")
            action.setToolTip("Show the whole ring again (also: double-click)")
            action.triggered.connect(self.reset_view)
        self.view_menu.popup(screen_pos)  # not exec(): the simulation keeps running

    def mouseReleaseEvent(self, ev: QtGui.QMouseEvent) -> None:
        super().mouseReleaseEvent(ev)
        ev.accept()

    def _on_mouse_clicked(self, ev: object) -> None:
        x, y, tol = self._view_point(ev.scenePos())  # type: ignore[attr-defined]
        hit = self.hit_test(x, y, tol)
        button = ev.button()  # type: ignore[attr-defined]
        if hit is None:
            if button == QtCore.Qt.MouseButton.RightButton:
                self._show_view_menu(ev.screenPos().toPoint())  # type: ignore[attr-defined]
            return
        kind, what = hit
        if kind == "member":
            assert isinstance(what, MemberInfo)
            if button == QtCore.Qt.MouseButton.RightButton:
                screen = ev.screenPos().toPoint()  # type: ignore[attr-defined]
                self.memberContextRequested.emit(what.id, screen)
            else:
                self.set_selected(what.id)
                self.memberClicked.emit(what.id)
        elif button == QtCore.Qt.MouseButton.LeftButton:
            self.taskClicked.emit(int(self._tasks.ids[int(what)]))  # type: ignore[call-overload]
        ev.accept()  # type: ignore[attr-defined]


def _ghost_xy(ghost: MemberInfo) -> tuple[float, float]:
    gx, gy = geo.token_xy(np.asarray([float(ghost.token)]), geo.MEMBER_R)
    return float(gx[0]), float(gy[0])


def _gap_px(
    marker: tuple[float, float],
    pos: tuple[float, float],
    anchor: tuple[float, float],
    box: QtCore.QRectF,
    ux: float,
    uy: float,
) -> float:
    """Screen pixels from a marker to the nearest edge of a label placed at ``pos`` with
    ``anchor`` (a TextItem's: (0, 0) is its top-left corner; y grows upward in the view)."""
    left = pos[0] / ux - anchor[0] * box.width()
    top = pos[1] / uy + anchor[1] * box.height()
    # In screen terms (y down) the label's top edge is at −top.
    return geo.box_gap(marker[0] / ux, -marker[1] / uy, left, -top, box.width(), box.height())
