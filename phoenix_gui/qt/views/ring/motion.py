"""The ring view's part that animates a step's story: task flights from their arc to their new
owner, changed arcs flashing, joiners pulsing, leavers kept on screen (as "ghosts") until their
last task has landed and they have faded, crashed members red with blinking stranded tasks.

A mixin of :class:`~phoenix_gui.qt.views.ring.ring_view.RingView`, kept apart so the view's
module stays about drawing and data; it only uses the view's layers and its animator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from phoenix_gui.qt.snapshots import MemberInfo, StepStory, TaskArrays
from phoenix_gui.qt.views.ring import geometry as geo
from phoenix_gui.qt.views.ring.animation import Animator

if TYPE_CHECKING:
    from PySide6 import QtCore

    from phoenix_gui.qt.views.ring.layers import BandLayer, DotLayer

LANDING_REDRAW_S = 0.12  # landed tasks reappear on their arc in batches at most this often


class RingMotion:
    """Animation cues of the ring view (see the module docstring)."""

    # Provided by RingView.
    animator: Animator
    _clock: Callable[[], float]
    _members: dict[int, MemberInfo]
    _ghosts: dict[int, MemberInfo]
    _hidden: np.ndarray
    _landing_at: float
    _markers_dirty: bool
    _tasks: TaskArrays
    _flash: BandLayer
    _packets: DotLayer
    _trail: DotLayer
    _frame_timer: QtCore.QTimer

    if TYPE_CHECKING:  # declared for the type checker only: a stub here would win the MRO

        def _redraw_dots(self) -> None: ...
        def _update_stranded(self) -> None: ...
        def _ensure_running(self) -> None: ...
        def _rebuild_labels(self) -> None: ...
        def _update_markers(self, now: float) -> None: ...
        def set_selected(self, member_id: str | None) -> None: ...

    # ---- animation cues ----------------------------------------------------------------
    def play_story(self, story: StepStory, seconds: float) -> None:
        """Animate what a step (or a replay of one) did, over ``seconds`` of wall time: every
        moving task flies from its dot on its old owner's arc to its new owner, the arcs that
        changed hands flash in the new owner's colour, joiners pulse in, leavers fade once
        their last task has landed, crashed members turn red until detected."""
        now = self._clock()
        self.animator.flight_seconds = seconds
        flashed = []
        ghosts = len(self._ghosts)
        for change in story.changes:
            info, index = change.member, change.member.index
            if index < 0:
                continue
            if change.kind == "join":
                self.animator.member_joined(now, index)
            elif change.kind == "crash" and not story.replay:
                self.animator.member_crashed(index)  # its stranded tasks: counted below, once
            elif change.kind in ("drain", "removed"):
                self.animator.member_removed(index)
                if index not in self._members:
                    self._ghosts[index] = info
            if change.positions.size:
                flashed.append((change.positions, change.new_owner))
        if len(self._ghosts) != ghosts:
            self._rebuild_labels()  # the leaver keeps its name on screen while it fades
        self._launch(story, now, seconds)
        for change in story.changes:
            if change.kind in ("drain", "removed") and change.member.index >= 0:
                self.animator.member_leaving(now, change.member.index)
        if flashed:
            table = np.full(geo.TOKEN_SPACE, -1, dtype=np.int64)
            for positions, owners in flashed:
                table[positions] = owners
            self._flash.set_owner_table(table)
            self.animator.flash_arcs(now, seconds)
        self._update_stranded()
        self._markers_dirty = True
        self._ensure_running()

    def _launch(self, story: StepStory, now: float, seconds: float) -> None:
        moves = story.moves
        if not len(moves):
            return
        where = self._marker_positions()
        # Each move's target marker, looked up in numpy (a drain at 10^5 tasks moves thousands).
        index = np.fromiter(where, dtype=np.int64, count=len(where))
        points = np.array(list(where.values()), dtype=np.float64).reshape(-1, 2)
        order = np.argsort(index)
        target = np.asarray(moves.target, dtype=np.int64)
        at = np.minimum(np.searchsorted(index[order], target), max(0, index.size - 1))
        ok = index[order][at] == target if index.size else np.zeros(target.size, dtype=bool)
        if not ok.any():
            return
        tasks, tokens = moves.tasks[ok], moves.tokens[ok]
        src, dst = moves.source[ok], moves.target[ok]
        x0, y0 = geo.token_xy(tokens, geo.task_radius(tasks))
        end = points[order][at[ok]]
        self.animator.book.add(
            now, (x0, y0), (end[:, 0], end[:, 1]), (src, dst), tasks, src, seconds
        )
        self._hidden = np.union1d(self._hidden, tasks)
        self._redraw_dots()

    def _marker_positions(self) -> dict[int, tuple[float, float]]:
        """Member index → its marker (live members and those still fading out)."""
        infos = (*self._members.values(), *self._ghosts.values())
        tokens = np.array([info.token for info in infos], dtype=np.float64)
        x, y = geo.token_xy(tokens, geo.MEMBER_R)
        return {
            info.index: (a, b) for info, a, b in zip(infos, x.tolist(), y.tolist(), strict=True)
        }

    def reset_animation(self, settle: bool = True) -> None:
        """Drop every flight, fade and trail. ``settle``: take the leavers' markers and names
        off now; False when new members follow at once (``set_members`` builds both)."""
        self.animator.clear()
        self._packets.clear()
        self._trail.clear()
        self._flash.setVisible(False)
        self._ghosts.clear()
        self._hidden = np.zeros(0, dtype=np.int64)
        self._redraw_dots()
        self._update_stranded()
        self.set_selected(None)
        self._frame_timer.stop()
        if settle:  # No frame follows to settle them: the leavers' markers and names go now.
            self._update_markers(self._clock())
            self._rebuild_labels()

    def _land(self, now: float) -> None:
        """Landed tasks get their dot back on the arc, in batches so a stream of landings
        does not redraw 10^4 dots every frame."""
        if not self._hidden.size:
            return
        flying = self.animator.book.tasks()
        if flying.size and now - self._landing_at < LANDING_REDRAW_S:
            return
        still = self._hidden[np.isin(self._hidden, flying)]
        if still.size != self._hidden.size:
            self._hidden = still
            self._landing_at = now
            self._redraw_dots()
        self.animator.book.take_landed()
