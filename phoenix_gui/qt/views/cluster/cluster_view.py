"""ClusterView: Kubernetes nodes as bins, pods as blocks, and the pending queue.

Each node is a bin in its colour with its name, a CPU bar and a memory bar (used of capacity)
and its pods stacked inside as blocks. A cordoned / draining node is grey, and its pods fly to
the nodes the scheduler chose; it stays on screen, grey, until its last pod has landed. Pods no
node can take wait in the pending lane along the bottom, with the reason ("no node has 2 CPU
free"). While a pod is placed, every feasible node carries its score (free CPU fraction + free
memory fraction, from the engine's explanation) and the winner is framed.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.snapshots import ClusterSnapshot, NodeInfo, StepStory
from phoenix_gui.qt.views.board import (
    GREY,
    BoardView,
    frame_box,
    grid,
    layout_slots,
    slot_centres,
    stamp,
    tint,
)
from phoenix_gui.qt.views.palette import TEXT, member_color

MARGIN, GAP = 10.0, 8.0
LANE_SHARE = 0.13  # of the height, for the pending lane
LANDING_REDRAW_S = 0.12
_GREYED = ("DRAINING", "FAILED", "SUSPECT", "RETIRED", "REMOVED")


class ClusterView(BoardView):
    """Nodes, pods and the pending queue, fed :class:`ClusterSnapshot` s and stories."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, **kwargs: object) -> None:
        super().__init__(parent, **kwargs)  # type: ignore[arg-type]
        self.setObjectName("clusterView")
        self.snapshot = ClusterSnapshot()
        self._ghosts: dict[int, NodeInfo] = {}  # drained nodes whose pods are still flying
        self._boxes: dict[str, QtCore.QRectF] = {}
        self._nodes: list[NodeInfo] = []
        self._lane = QtCore.QRectF()
        self._slot_task = np.zeros(0, dtype=np.int64)  # task ids, ascending
        self._slot_xy = np.zeros((0, 2))  # their block centres
        self._before = (self._slot_task, self._slot_xy)  # the previous snapshot's
        self._hidden = np.zeros(0, dtype=np.int64)  # pods in the air: not drawn in a bin
        self._seen: dict[int, NodeInfo] = {}  # every node of this run, as last seen
        self._landing_at = 0.0

    # ---- data in -----------------------------------------------------------------------
    def set_snapshot(self, snapshot: ClusterSnapshot) -> None:
        self._before = (self._slot_task, self._slot_xy)
        self._seen.update({n.index: n for n in self.snapshot.nodes})
        live = {n.index for n in snapshot.nodes}
        for node in self.snapshot.nodes:
            if node.index not in live and self.book.last_landing(node.index) is not None:
                self._ghosts[node.index] = _emptied(node)
        for index in live:
            self._ghosts.pop(index, None)
        self.snapshot = snapshot
        self._seen.update({n.index: n for n in snapshot.nodes})
        self.invalidate()

    def play_story(self, story: StepStory, seconds: float) -> None:
        """Pods that moved fly from where they were (a bin, or the pending lane) to the bin
        they were placed in; the placement decision's scores show meanwhile."""
        now = self._clock()
        live = {n.index for n in self.snapshot.nodes}
        for change in story.changes:
            index = change.member.index
            node = self._seen.get(index)
            if change.kind in ("drain", "removed") and index not in live and node is not None:
                self._ghosts[index] = _emptied(node)  # stays, grey, while its pods fly
                self.relayout()
        moves = story.moves
        if len(moves):
            if story.replay:  # the pods' old places are gone: they leave from their old bin
                sx, sy = self._box_centres(moves.source)
            else:
                sx, sy = self._where(moves.tasks, self._before, self._lane_point())
            ex, ey = self._where(moves.tasks, (self._slot_task, self._slot_xy), self._lane_point())
            self.book.add(
                now, (sx, sy), (ex, ey), (moves.source, moves.target), moves.tasks,
                moves.source, seconds,
                control=((sx + ex) / 2.0, np.minimum(sy, ey) - 40.0),
            )  # fmt: skip
            self._hidden = np.union1d(self._hidden, moves.tasks)
            self._still = None
        if story.decision is not None:
            self.show_decision(story.decision, seconds)
        self._ensure_running()
        self.update()

    def _box_centres(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        by_index = {n.index: self._boxes[n.id].center() for n in self._nodes}
        lane = QtCore.QPointF(*self._lane_point())
        points = [by_index.get(int(i), lane) for i in indices.tolist()]
        return np.array([p.x() for p in points]), np.array([p.y() for p in points])

    def _where(
        self, tasks: np.ndarray, slots: tuple[np.ndarray, np.ndarray], fallback: tuple[float, float]
    ) -> tuple[np.ndarray, np.ndarray]:
        ids, xy = slots
        at = np.searchsorted(ids, tasks)
        at = np.minimum(at, max(ids.size - 1, 0))
        found = (ids.size > 0) & (ids[at] == tasks) if ids.size else np.zeros(tasks.size, bool)
        x = np.where(found, xy[at, 0] if ids.size else 0.0, fallback[0])
        y = np.where(found, xy[at, 1] if ids.size else 0.0, fallback[1])
        return x.astype(np.float64), y.astype(np.float64)

    def _lane_point(self) -> tuple[float, float]:
        return self._lane.left() + 40.0, self._lane.center().y()

    # ---- frames ------------------------------------------------------------------------
    def after_frame(self, now: float) -> None:
        self.book.take_landed()
        if self._hidden.size and (
            not self.book.busy() or now - self._landing_at >= LANDING_REDRAW_S
        ):
            still = self._hidden[np.isin(self._hidden, self.book.tasks())]
            if still.size != self._hidden.size:  # landed pods appear in their bins
                self._hidden = still
                self._landing_at = now
                self._still = None
        gone = [i for i in self._ghosts if not self._ghost_alive(i, now)]
        for index in gone:
            del self._ghosts[index]
            self.book.forget_source(index)
        if gone:
            self.invalidate()

    def _ghost_alive(self, index: int, now: float) -> bool:
        landing = self.book.last_landing(index)
        return landing is not None and now < landing + 1.0

    def busy(self, now: float) -> bool:
        return super().busy(now) or bool(self._ghosts) or bool(self._hidden.size)

    def reset_animation(self) -> None:
        self._ghosts.clear()
        self._seen.clear()
        self._hidden = np.zeros(0, dtype=np.int64)
        super().reset_animation()
        self.invalidate()

    # ---- layout ------------------------------------------------------------------------
    def relayout(self) -> None:
        r = QtCore.QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        lane_h = max(54.0, r.height() * LANE_SHARE)
        self._lane = QtCore.QRectF(r.left(), r.bottom() - lane_h, r.width(), lane_h)
        area = QtCore.QRectF(r.left(), r.top(), r.width(), r.height() - lane_h - GAP)
        nodes = sorted([*self.snapshot.nodes, *self._ghosts.values()], key=lambda n: n.index)
        self._nodes = nodes
        boxes = grid(len(nodes), area, GAP, aspect=1.5)
        self._boxes = {n.id: b for n, b in zip(nodes, boxes, strict=True)}
        areas = [self._pod_area(b) for b in boxes]
        self._block, self._slot_task, self._slot_xy = layout_slots(
            areas, [n.pods for n in nodes], largest=24
        )

    def _header_h(self, box: QtCore.QRectF) -> float:
        return min(20.0, max(12.0, box.height() * 0.2))

    def _bar_h(self, box: QtCore.QRectF) -> float:
        return min(12.0, max(3.0, box.height() * 0.08))

    def _pod_area(self, box: QtCore.QRectF) -> QtCore.QRectF:
        top = self._header_h(box) + 2 * self._bar_h(box) + 10.0
        return box.adjusted(5.0, top, -5.0, -4.0)

    def badge_anchor(self, member: str) -> QtCore.QRectF | None:
        return self._boxes.get(member)

    # ---- painting ----------------------------------------------------------------------
    def _small(self) -> QtGui.QFont:
        small = QtGui.QFont(self.font())
        small.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.8))
        return small

    def chrome_key(self) -> object:
        return tuple((n.id, n.index, n.status, n.cpu, n.memory) for n in self._nodes)

    def paint_chrome(self, p: QtGui.QPainter) -> None:
        small = self._small()
        metrics = QtGui.QFontMetrics(small)
        p.setFont(small)
        for node in self._nodes:
            box = self._boxes[node.id]
            greyed = node.status in _GREYED
            colour = QtGui.QColor(GREY) if greyed else member_color(node.index)
            frame_box(p, box, colour, tint(colour, 0.16 if not greyed else 0.27))
            p.setPen(QtGui.QColor(TEXT if not greyed else "#9CA3AF"))
            title = node.id if node.status == "ACTIVE" else f"{node.id} ({node.status.lower()})"
            p.drawText(
                box.adjusted(6, 1, -6, 0).toRect(),
                int(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignTop),
                metrics.elidedText(
                    title, QtCore.Qt.TextElideMode.ElideRight, int(box.width() - 12)
                ),
            )
        lane = self._lane
        frame_box(p, lane, QtGui.QColor("#6B7280"), tint(QtGui.QColor("#FFFFFF"), 0.04), 1.0)

    def paint_still(self, p: QtGui.QPainter) -> None:
        small = self._small()
        p.setFont(small)
        for node in self._nodes:
            self._paint_bars(p, node, self._boxes[node.id])
        # Every pod in one pass: one sprite stamp per colour, not one call per node.
        ids = self._slot_task
        keep = ~np.isin(ids, self._hidden) if self._hidden.size else np.ones(ids.size, bool)
        owner = np.full(ids.size, -3, dtype=np.int64)
        for node in self._nodes:
            if node.status not in _GREYED and node.pods.size:
                owner[np.searchsorted(ids, node.pods)] = node.index
        xy = self._slot_xy[keep]
        stamp(p, xy[:, 0], xy[:, 1], owner[keep], self._block)
        self._paint_lane(p, small)

    def _paint_bars(self, p: QtGui.QPainter, node: NodeInfo, box: QtCore.QRectF) -> None:
        greyed = node.status in _GREYED
        colour = QtGui.QColor(GREY) if greyed else member_color(node.index)
        head = self._header_h(box)
        bar = self._bar_h(box)
        for row, (label, used, cap) in enumerate(
            (("CPU", node.cpu_used, node.cpu), ("mem", node.memory_used, node.memory))
        ):
            y = box.top() + head + 2 + row * (bar + 3)
            track = QtCore.QRectF(box.left() + 6, y, box.width() - 12, bar)
            p.fillRect(track, QtGui.QColor("#1F2937"))
            share = 0.0 if cap <= 0 else min(1.0, used / cap)
            full = QtGui.QColor("#F87171" if share >= 0.999 else colour)
            p.fillRect(QtCore.QRectF(track.left(), y, track.width() * share, bar), full)
            if bar >= 9 and box.width() >= 110:
                p.setPen(QtGui.QColor("#F9FAFB"))
                p.drawText(
                    track.adjusted(3, -2, -3, 2),
                    int(QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft),
                    f"{label} {used:g}/{cap:g}",
                )

    def _paint_lane(self, p: QtGui.QPainter, small: QtGui.QFont) -> None:
        lane = self._lane
        snap = self.snapshot
        count = int(snap.pending.size)
        p.setFont(small)
        p.setPen(QtGui.QColor(TEXT))
        if count:
            text = f"Pending: {count} pod{'s' if count != 1 else ''} wait — {snap.reason}"
        else:
            text = "Pending: none — every pod has a node"
        p.drawText(
            lane.adjusted(8, 3, -8, 0).toRect(),
            int(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignTop),
            text,
        )
        if count:
            area = lane.adjusted(8, 22, -8, -4)
            side = max(self._block, 8)
            fits = int((area.width() + 1) // (side + 1)) * max(
                1, int((area.height() + 1) // (side + 1))
            )
            x, y = slot_centres(area, min(count, fits), side)
            stamp(p, x, y, np.full(x.size, -1), side)

    # ---- hover -------------------------------------------------------------------------
    def node_at(self, pos: QtCore.QPointF) -> NodeInfo | None:
        for node in self._nodes:
            if self._boxes[node.id].contains(pos):
                return node
        return None

    def mouseMoveEvent(self, ev: QtGui.QMouseEvent) -> None:
        node = self.node_at(ev.position())
        if node is None:
            QtWidgets.QToolTip.hideText()
            return
        QtWidgets.QToolTip.showText(ev.globalPosition().toPoint(), node_tooltip(node), self)


def _emptied(node: NodeInfo) -> NodeInfo:
    """A node that has left, as it stays on screen while its pods fly: grey and empty."""
    return NodeInfo(node.id, node.index, "RETIRED", node.cpu, node.memory, 0.0, 0.0)


def node_tooltip(node: NodeInfo) -> str:
    labels = ", ".join(node.labels) or "—"
    return (
        f"<b>{html.escape(node.id)}</b> ({node.status.lower()})<br>"
        f"CPU {node.cpu_used:g} of {node.cpu:g} used<br>"
        f"memory {node.memory_used:g} of {node.memory:g} GiB used<br>"
        f"pods: {node.pods.size}<br>labels: {html.escape(labels)}"
    )
