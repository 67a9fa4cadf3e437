"""The ring view's part that answers the pointer and the keyboard: what is under the mouse
(hit testing, tooltips), and lighting one member up on hover, click or Tab (Esc lets go).

A mixin of :class:`~phoenix_gui.qt.views.ring.ring_view.RingView`, kept apart so the view's
module stays about drawing and data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6 import QtCore

from phoenix_gui.qt.snapshots import MemberInfo, TaskArrays
from phoenix_gui.qt.views.ring import geometry as geo

if TYPE_CHECKING:
    from phoenix_gui.qt.views.ring.highlight import RingHighlight

HIT_PX = 7.0


class RingPointer:
    """Hit testing, tooltips and the lit member of the ring view."""

    # Provided by RingView.
    paradigm: str
    highlight: RingHighlight
    memberHighlighted: Any  # noqa: N815  (its Qt signal)
    state_label: Callable[[int], str]
    task_name: Callable[[int], str]
    task_info: Callable[[int], Mapping[str, Any]] | None
    _members: dict[int, MemberInfo]
    _by_id: dict[str, MemberInfo]
    _member_order: list[int]
    _member_xy: np.ndarray
    _owner_table: np.ndarray | None
    _task_xy: tuple[np.ndarray, np.ndarray]
    _tasks: TaskArrays
    _hovered: int | None
    _selected: int | None

    # ---- hit testing and tooltips ------------------------------------------------------
    def hit_test(self, x: float, y: float, tol: float) -> tuple[str, object] | None:
        """("member", MemberInfo) or ("task", row) nearest to (x, y) within ``tol`` units."""
        if self._member_xy.size:
            d = np.hypot(self._member_xy[:, 0] - x, self._member_xy[:, 1] - y)
            row = int(np.argmin(d))
            if d[row] <= 2 * tol:
                return "member", self._members[self._member_order[row]]
        r = float(np.hypot(x, y))
        if self._owner_table is not None and abs(r - geo.RING_R) <= geo.TICK_OUT - geo.RING_R:
            theta = float(np.arctan2(x, y)) % (2 * np.pi)
            pos = int(theta / (2 * np.pi) * geo.TOKEN_SPACE) % geo.TOKEN_SPACE
            owner = self._members.get(int(self._owner_table[pos]))
            if owner is not None:
                return "member", owner
        tx, ty = self._task_xy
        if tx.size:
            d = np.hypot(tx - x, ty - y)
            row = int(np.argmin(d))
            if d[row] <= tol:
                return "task", row
        return None

    def tooltip_text(self, hit: tuple[str, object]) -> str:
        kind, what = hit
        if kind == "member":
            assert isinstance(what, MemberInfo)
            m = what
            lines = [f"<b>{m.id}</b> ({m.kind})", f"status: {m.status}"]
            if self.paradigm == "phoenix":
                lines.append(f"vnodes: {m.vnodes} ({m.distinct} distinct positions)")
            lines += [f"load: {m.load} tasks", f"trust: {m.trust:.2f}"]
            return "<br>".join(lines)
        assert isinstance(what, int)
        t = self._tasks
        task = int(t.ids[what])
        owner = self._members.get(int(t.owner[what]))
        lines = [
            f"<b>{self.task_name(task)}</b>",
            f"token: {int(t.tokens[what])}",
            f"owner: {owner.id if owner else '—'}",
        ]
        if self.task_info is not None:
            info = self.task_info(task)  # live values from the engine, read only on hover
            work = float(info.get("work") or 0.0)
            done = float(info.get("progress") or 0.0)
            share = f" ({done / work:.0%})" if work > 0 else ""
            lines += [f"progress: {done:.1f} of {work:.1f} h{share}", f"state: {info.get('state')}"]
        elif t.state.size > what:
            lines.append(f"state: {self.state_label(int(t.state[what]))}")
        return "<br>".join(lines)

    def _view_point(self, scene_pos: QtCore.QPointF) -> tuple[float, float, float]:
        vb = self.getPlotItem().getViewBox()  # type: ignore[attr-defined]
        p = vb.mapSceneToView(scene_pos)
        px = vb.viewPixelSize()[0]
        return p.x(), p.y(), HIT_PX * px

    # ---- lighting one member up (hover, click, Tab) -------------------------------------
    @property
    def highlighted(self) -> str | None:
        """The member lit up now (hovered, else selected), or None."""
        index = self._hovered if self._hovered is not None else self._selected
        member = self._members.get(index) if index is not None else None
        return member.id if member is not None else None

    def set_selected(self, member_id: str | None) -> None:
        """Light ``member_id`` up until another is chosen (None: nobody)."""
        member = self._by_id.get(member_id) if member_id else None
        self._selected = member.index if member is not None else None
        self._refresh_highlight()

    def _set_hovered(self, index: int | None) -> None:
        if index != self._hovered:
            self._hovered = index
            self._refresh_highlight()

    def _refresh_highlight(self) -> None:
        index = self._hovered if self._hovered is not None else self._selected
        if index is None or index not in self._members:
            if self.highlight.index is not None:
                self.highlight.clear()
                self.memberHighlighted.emit("")
            return
        row = self._member_order.index(index)
        marker = (float(self._member_xy[row, 0]), float(self._member_xy[row, 1]))
        changed = self.highlight.index != index
        self.highlight.show(
            index, self._owner_table, self._task_xy, np.asarray(self._tasks.owner), marker
        )
        if changed:
            self.memberHighlighted.emit(self._members[index].id)

    def step_selection(self, forward: bool = True) -> str | None:
        """Tab / Shift+Tab: light up the next (previous) member in ring order. Past the last
        (first) member nobody is lit and None is returned: the keyboard focus moves on."""
        order = self._member_order
        if not order:
            return None
        self._hovered = None
        if self._selected in order:
            at = order.index(self._selected) + (1 if forward else -1)
            if not 0 <= at < len(order):
                self.set_selected(None)
                return None
        else:
            at = 0 if forward else len(order) - 1
        member = self._members[order[at]]
        self.set_selected(member.id)
        return member.id

    def _walk_key(self, ev: QtCore.QEvent) -> bool:
        """Tab / Shift+Tab / Esc while the ring has the focus; True when handled."""
        # Tab walks through the members while the ring has the focus (Esc lets go).
        if ev.type() == QtCore.QEvent.Type.KeyPress and self._member_order:
            key = ev.key()  # type: ignore[attr-defined]
            if key in (QtCore.Qt.Key.Key_Tab, QtCore.Qt.Key.Key_Backtab):
                backward = key == QtCore.Qt.Key.Key_Backtab or bool(
                    ev.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier  # type: ignore[attr-defined]
                )
                if self.step_selection(forward=not backward) is None:
                    return False  # past the last member: Tab leaves the ring
                ev.accept()
                return True
            if key == QtCore.Qt.Key.Key_Escape and self._selected is not None:
                self.set_selected(None)
                ev.accept()
                return True
        return False
