"""AgentsView: LLM agents as cards, hand-offs flying card to card, and the refused lane.

A card shows the agent's name, skills, trust and reliability, its active tasks (as chips) and
a context-use bar (the work in its fullest open session against its context limit). While a
task is routed, each matching agent carries its score reliability / (1 + active tasks) from the
engine's explanation and the winner is framed. A hand-off flies the task from the old card to
the new one; hovering the task (in flight or on its card) shows the summary checkpoint it
carried. Agents governance refused stand in a lane of their own with the reason.
"""

from __future__ import annotations

import html
from collections import OrderedDict

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.snapshots import AgentInfo, AgentsSnapshot, Handoff, RefusedAgent, StepStory
from phoenix_gui.qt.views.board import (
    GREY,
    BoardView,
    frame_box,
    grid,
    layout_slots,
    stamp,
    tint,
)
from phoenix_gui.qt.views.palette import CRASHED, TEXT, member_color

MARGIN, GAP = 10.0, 8.0
LANE_SHARE = 0.22  # of the width, for the refused lane
HANDOFFS_KEPT = 4096  # hand-off summaries remembered for hover
HOVER_PX = 7.0
_GREYED = ("DRAINING", "FAILED", "SUSPECT")


class AgentsView(BoardView):
    """Agent cards and the refused lane, fed :class:`AgentsSnapshot` s and stories."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, **kwargs: object) -> None:
        super().__init__(parent, **kwargs)  # type: ignore[arg-type]
        self.setObjectName("agentsView")
        self.snapshot = AgentsSnapshot()
        self._boxes: dict[str, QtCore.QRectF] = {}
        self._lane = QtCore.QRectF()
        self._refused_boxes: dict[str, QtCore.QRectF] = {}
        self._slot_task = np.zeros(0, dtype=np.int64)
        self._slot_xy = np.zeros((0, 2))
        self._before = (self._slot_task, self._slot_xy)
        self._hidden = np.zeros(0, dtype=np.int64)
        self.handoffs: OrderedDict[int, Handoff] = OrderedDict()

    # ---- data in -----------------------------------------------------------------------
    def set_snapshot(self, snapshot: AgentsSnapshot) -> None:
        self._before = (self._slot_task, self._slot_xy)
        self.snapshot = snapshot
        self.invalidate()

    def play_story(self, story: StepStory, seconds: float) -> None:
        now = self._clock()
        for h in story.handoffs:
            self.handoffs[h.task] = h
            self.handoffs.move_to_end(h.task)
        while len(self.handoffs) > HANDOFFS_KEPT:
            self.handoffs.popitem(last=False)
        moves = story.moves
        if len(moves):
            centre = (self._lane.left() - 20.0, self.height() / 2.0)
            if story.replay:  # the chips' old places are gone: they leave from the old card
                cards = {a.index: self._boxes[a.id].center() for a in self.snapshot.agents}
                at = [cards.get(int(i), QtCore.QPointF(*centre)) for i in moves.source.tolist()]
                sx, sy = np.array([p.x() for p in at]), np.array([p.y() for p in at])
            else:
                sx, sy = _where(moves.tasks, self._before, centre)
            ex, ey = _where(moves.tasks, (self._slot_task, self._slot_xy), centre)
            self.book.add(
                now, (sx, sy), (ex, ey), (moves.source, moves.target), moves.tasks,
                moves.source, seconds,
                control=((sx + ex) / 2.0, np.minimum(sy, ey) - 60.0),
            )  # fmt: skip
            self._hidden = np.union1d(self._hidden, moves.tasks)
            self._still = None
        if story.decision is not None:
            self.show_decision(story.decision, seconds)
        self._ensure_running()
        self.update()

    def after_frame(self, now: float) -> None:
        self.book.take_landed()
        if self._hidden.size:
            still = self._hidden[np.isin(self._hidden, self.book.tasks())]
            if still.size != self._hidden.size:
                self._hidden = still
                self._still = None

    def reset_animation(self) -> None:
        self._hidden = np.zeros(0, dtype=np.int64)
        self.handoffs.clear()
        super().reset_animation()
        self.invalidate()

    # ---- layout ------------------------------------------------------------------------
    def relayout(self) -> None:
        r = QtCore.QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        lane_w = max(190.0, r.width() * LANE_SHARE)
        self._lane = QtCore.QRectF(r.right() - lane_w, r.top(), lane_w, r.height())
        area = QtCore.QRectF(r.left(), r.top(), r.width() - lane_w - GAP, r.height())
        agents = self.snapshot.agents
        boxes = grid(len(agents), area, GAP, aspect=1.25)
        self._boxes = {a.id: b for a, b in zip(agents, boxes, strict=True)}
        areas = [self._chip_area(b) for b in boxes]
        self._block, self._slot_task, self._slot_xy = layout_slots(
            areas, [a.tasks for a in agents], largest=12
        )
        line = self._line_h()
        self._refused_boxes = {}
        top = self._lane.top() + 2 * line + 8
        metrics = QtGui.QFontMetrics(self._small())
        width = int(self._lane.width() - 24)
        for refused in self.snapshot.refused:
            wrapped = metrics.boundingRect(
                QtCore.QRect(0, 0, width, 10_000),
                int(QtCore.Qt.TextFlag.TextWordWrap),
                _refused_text(refused),
            )
            height = wrapped.height() + 10.0
            box = QtCore.QRectF(self._lane.left() + 6, top, self._lane.width() - 12, height)
            self._refused_boxes[refused.id] = box
            top += box.height() + 6

    def _line_h(self) -> float:
        return float(QtGui.QFontMetrics(self._small()).height())

    def _small(self) -> QtGui.QFont:
        font = QtGui.QFont(self.font())
        font.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.85))
        return font

    def _text_lines(self, box: QtCore.QRectF) -> int:
        """How many text lines a card has room for (title, skills, numbers, active, context)."""
        return max(1, min(5, int((box.height() * 0.62) // self._line_h())))

    def _chip_area(self, box: QtCore.QRectF) -> QtCore.QRectF:
        top = self._text_lines(box) * self._line_h() + 14.0
        return box.adjusted(6.0, top, -6.0, -5.0)

    def badge_anchor(self, member: str) -> QtCore.QRectF | None:
        return self._boxes.get(member)

    def refused_box(self, agent_id: str) -> QtCore.QRectF | None:
        return self._refused_boxes.get(agent_id)

    # ---- painting ----------------------------------------------------------------------
    def chrome_key(self) -> object:
        cards = tuple(
            (a.id, a.index, a.status, a.skills, a.trust, a.reliability, a.context_limit)
            for a in self.snapshot.agents
        )
        refused = tuple((r.id, r.reason) for r in self.snapshot.refused)
        return cards, refused

    def paint_chrome(self, p: QtGui.QPainter) -> None:
        small = self._small()
        p.setFont(small)
        metrics = QtGui.QFontMetrics(small)
        line = self._line_h()
        for agent in self.snapshot.agents:
            box = self._boxes[agent.id]
            colour = self._colour(agent)
            frame_box(p, box, colour, tint(colour, 0.15))
            inner = box.adjusted(7, 4, -7, 0)
            rows = [
                agent.id if agent.status == "ACTIVE" else f"{agent.id} ({agent.status.lower()})",
                " · ".join(agent.skills) or "no skills",
                f"trust {agent.trust:.2f} · rel {agent.reliability:.2f}",
            ]
            for i, text in enumerate(rows[: max(1, self._text_lines(box) - 2)]):
                p.setPen(QtGui.QColor(TEXT if i else colour.lighter(130).name()))
                elided = metrics.elidedText(
                    text, QtCore.Qt.TextElideMode.ElideRight, int(inner.width())
                )
                p.drawText(QtCore.QPointF(inner.left(), inner.top() + (i + 0.8) * line), elided)
        lane = self._lane
        frame_box(p, lane, QtGui.QColor(CRASHED), tint(QtGui.QColor(CRASHED), 0.07), 1.2)
        p.setPen(QtGui.QColor(TEXT))
        refused = self.snapshot.refused
        p.drawText(QtCore.QPointF(lane.left() + 8, lane.top() + line), f"Refused ({len(refused)})")
        for gone in refused:
            where = self._refused_boxes.get(gone.id)
            if where is not None:
                self._paint_refused(p, gone, where)

    def _colour(self, agent: AgentInfo) -> QtGui.QColor:
        return QtGui.QColor(GREY) if agent.status in _GREYED else member_color(agent.index)

    def paint_still(self, p: QtGui.QPainter) -> None:
        p.setFont(self._small())
        line = self._line_h()
        for agent in self.snapshot.agents:
            self._paint_load(p, agent, self._boxes[agent.id], line)
        lane = self._lane
        p.setPen(QtGui.QColor("#9CA3AF"))
        waiting = self.snapshot.pending
        p.drawText(
            QtCore.QPointF(lane.left() + 8, lane.top() + 2 * line),
            f"waiting for an agent: {waiting} task{'s' if waiting != 1 else ''}",
        )
        # Every task chip in one pass: one sprite stamp per colour, not one call per card.
        ids = self._slot_task
        keep = ~np.isin(ids, self._hidden) if self._hidden.size else np.ones(ids.size, bool)
        owner = np.full(ids.size, -3, dtype=np.int64)
        for agent in self.snapshot.agents:
            if agent.status not in _GREYED and agent.tasks.size:
                owner[np.searchsorted(ids, agent.tasks)] = agent.index
        xy = self._slot_xy[keep]
        stamp(p, xy[:, 0], xy[:, 1], owner[keep], self._block)

    def _paint_load(
        self, p: QtGui.QPainter, agent: AgentInfo, box: QtCore.QRectF, line: float
    ) -> None:
        """Active tasks and the context-use bar (the fullest open session against the limit)."""
        lines = self._text_lines(box)
        inner = box.adjusted(7, 4, -7, 0)
        colour = self._colour(agent)
        if lines >= 4:
            p.setPen(QtGui.QColor(TEXT))
            p.drawText(
                QtCore.QPointF(inner.left(), inner.top() + (lines - 2 + 0.8) * line),
                f"active {agent.active} task{'s' if agent.active != 1 else ''}",
            )
        y = inner.top() + (lines - 1) * line + 3
        bar = QtCore.QRectF(inner.left(), y, inner.width(), max(4.0, line * 0.55))
        limit = agent.context_limit
        share = 0.0 if limit <= 0 else min(1.0, agent.context_used / limit)
        p.fillRect(bar, QtGui.QColor("#1F2937"))
        used = QtCore.QRectF(bar.left(), bar.top(), bar.width() * share, bar.height())
        p.fillRect(used, QtGui.QColor("#F87171" if share > 0.85 else colour))
        if bar.height() >= 9 and bar.width() >= 100:
            p.setPen(QtGui.QColor("#F9FAFB"))
            p.drawText(
                bar.adjusted(3, -2, -3, 2),
                int(QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft),
                f"context {agent.context_used:.1f}/{limit:g} h",
            )

    def _paint_refused(self, p: QtGui.QPainter, agent: RefusedAgent, box: QtCore.QRectF) -> None:
        frame_box(p, box, QtGui.QColor(CRASHED), QtGui.QColor(40, 12, 12))
        p.setPen(QtGui.QColor(TEXT))
        text = _refused_text(agent)
        p.drawText(
            box.adjusted(6, 4, -6, -3),
            int(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignTop)
            | int(QtCore.Qt.TextFlag.TextWordWrap),
            text,
        )

    # ---- hover -------------------------------------------------------------------------
    def task_at(self, pos: QtCore.QPointF) -> int | None:
        """The task chip or flying task under ``pos`` (within a few pixels), if any."""
        x, y, _key = self._frame
        flying = self.book.tasks()
        if x.size:
            d = np.hypot(x - pos.x(), y - pos.y())
            i = int(np.argmin(d))
            if d[i] <= HOVER_PX + self._block / 2:
                return int(flying[i])
        if self._slot_xy.size:
            d = np.hypot(self._slot_xy[:, 0] - pos.x(), self._slot_xy[:, 1] - pos.y())
            i = int(np.argmin(d))
            if d[i] <= self._block / 2 + 1:
                return int(self._slot_task[i])
        return None

    def tooltip_at(self, pos: QtCore.QPointF) -> str:
        task = self.task_at(pos)
        if task is not None:
            return handoff_tooltip(task, self.handoffs.get(task))
        for agent in self.snapshot.agents:
            if self._boxes[agent.id].contains(pos):
                return agent_tooltip(agent)
        for refused in self.snapshot.refused:
            box = self._refused_boxes.get(refused.id)
            if box is not None and box.contains(pos):
                return f"<b>{html.escape(refused.id)}</b> refused: {html.escape(refused.reason)}"
        return ""

    def mouseMoveEvent(self, ev: QtGui.QMouseEvent) -> None:
        text = self.tooltip_at(ev.position())
        if text:
            QtWidgets.QToolTip.showText(ev.globalPosition().toPoint(), text, self)
        else:
            QtWidgets.QToolTip.hideText()


def _where(
    tasks: np.ndarray, slots: tuple[np.ndarray, np.ndarray], fallback: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    ids, xy = slots
    if ids.size == 0:
        return np.full(tasks.size, fallback[0]), np.full(tasks.size, fallback[1])
    at = np.minimum(np.searchsorted(ids, tasks), ids.size - 1)
    found = ids[at] == tasks
    return np.where(found, xy[at, 0], fallback[0]), np.where(found, xy[at, 1], fallback[1])


def _refused_text(agent: RefusedAgent) -> str:
    skills = ", ".join(agent.skills) or "—"
    return f"✕ {agent.id} — trust {agent.trust:.2f}\nskills: {skills}\nwhy: {agent.reason}"


def handoff_tooltip(task: int, handoff: Handoff | None) -> str:
    if handoff is None:
        return f"<b>task-{task}</b><br>no hand-off yet"
    target = handoff.target or "the same agent (nobody else qualifies)"
    lost = f"<br>work dropped by the error: {handoff.lost:.2f} h" if handoff.lost > 0 else ""
    return (
        f"<b>task-{task}</b> handed off {html.escape(handoff.source)} → {html.escape(target)}"
        f"<br>why: {html.escape(handoff.reason.replace('_', ' '))}"
        f"<br>summary checkpoint: {handoff.checkpoint:.2f} h of work done{lost}"
    )


def agent_tooltip(agent: AgentInfo) -> str:
    return (
        f"<b>{html.escape(agent.id)}</b> ({agent.status.lower()})<br>"
        f"skills: {html.escape(', '.join(agent.skills) or '—')}<br>"
        f"trust {agent.trust:.2f}, reliability {agent.reliability:.2f}<br>"
        f"active tasks: {agent.active}; score now {agent.reliability / (1 + agent.active):.3f}<br>"
        f"context: {agent.context_used:.2f} of {agent.context_limit:g} h"
    )
