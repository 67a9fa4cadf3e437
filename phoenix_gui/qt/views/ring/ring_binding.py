"""Connects a :class:`RingView` to the :class:`SimulationAdapter` (the view stays engine-free).

Membership signals rebuild the cached ring layers, task signals the task dots (skipped when
nothing moved), and each step's story (the adapter's reading of its events) becomes the
animation: every moving task flies to its new owner, changed arcs flash, a joiner pulses in,
a leaver fades once its last task has left, a crashed member is red and its stranded tasks
blink until the crash is detected. A replayed story runs the same way, four times slower.

With :data:`BIG_TASKS` tasks or more, rebuilding and painting the dots costs tens of ms, and a
fast run changes them every step: then the dots follow at most once per
:data:`DOTS_COST_SHARE` times their measured cost (a few times a second), always catching up
with the last step, so the dots never take more than a small share of the GUI thread. A step
whose story changes membership (a join, a drain, a crash) updates them at once, before its
animation. Smaller runs update every step.
"""

from __future__ import annotations

import time

from PySide6 import QtCore

from phoenix_gui.engine import TaskState
from phoenix_gui.params import PARAMS
from phoenix_gui.qt.adapter import SimulationAdapter
from phoenix_gui.qt.snapshots import StepStory
from phoenix_gui.qt.views.flights import flight_seconds
from phoenix_gui.qt.views.ring.ring_view import RingView

# From this many tasks on, dot updates are paced by their cost (see the module docstring).
BIG_TASKS = 20_000
DOTS_COST_SHARE = 8


def story_seconds(adapter: SimulationAdapter, story: StepStory) -> float:
    """How long a story's flights take at the adapter's speed (slower for a replay)."""
    return flight_seconds(adapter.speed, float(PARAMS["speed"].default), story.time_scale)


class RingBinding(QtCore.QObject):
    """Keeps one ring view in step with one adapter; disconnects when either goes away."""

    def __init__(self, adapter: SimulationAdapter, view: RingView) -> None:
        super().__init__(view)
        self._adapter = adapter
        self._view = view
        view.task_name = lambda i: f"task-{i}"
        view.state_label = self._state_label
        view.task_info = adapter.task_details
        adapter.membersChanged.connect(self._on_members_changed)
        self._dots_timer = QtCore.QTimer(self)
        self._dots_timer.setSingleShot(True)
        self._dots_timer.timeout.connect(self._update_tasks)
        self._dots_cost = 0.0  # seconds: the last update's rebuild plus its dots' paint
        self._dots_at = -1e9  # time.monotonic() of the last update
        self._dots_count = 0
        adapter.tasksChanged.connect(self._on_tasks_changed)
        adapter.storyTold.connect(self._on_story)
        adapter.simulationReset.connect(view.reset_animation)
        self._stale = False  # a deferred update was dropped when the view was hidden
        view.installEventFilter(self)
        self._on_members_changed()
        self._on_tasks_changed()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        # A hidden view (its window closed, its tab left) needs no deferred update: the timer
        # must not outlive what it draws; the update runs when the view is shown again.
        # (While the garbage collector takes a closed window apart, this object may have lost
        # its attributes before Qt stops sending it events: then there is nothing to do.)
        if watched is getattr(self, "_view", None):
            if event.type() == QtCore.QEvent.Type.Hide and self._dots_timer.isActive():
                self._dots_timer.stop()
                self._stale = True
            elif event.type() == QtCore.QEvent.Type.Show and self._stale:
                self._update_tasks()
        return super().eventFilter(watched, event)

    @staticmethod
    def _state_label(code: int) -> str:
        try:
            return TaskState(code).name
        except ValueError:
            return str(code)

    def _on_members_changed(self) -> None:
        a = self._adapter
        self._view.set_members(a.paradigm, a.member_infos(), a.owner_table(), a.vnode_tokens())

    def _on_tasks_changed(self) -> None:
        if self._dots_timer.isActive():
            return  # an update is already due: it reads the latest tasks then
        wait = DOTS_COST_SHARE * self._dots_cost - (time.monotonic() - self._dots_at)
        if self._dots_count >= BIG_TASKS and wait > 0 and self._view.isVisible():
            self._dots_timer.start(max(1, round(wait * 1000.0)))
            return
        self._update_tasks()

    def _update_tasks(self) -> None:
        """Give the view the tasks as they are now (and measure what that costs)."""
        self._dots_timer.stop()
        self._stale = False
        start = time.perf_counter()
        tasks = self._adapter.task_arrays()
        self._view.set_tasks(tasks)
        self._dots_cost = time.perf_counter() - start + self._view.dots_paint_ms / 1000.0
        self._dots_at = time.monotonic()
        self._dots_count = int(tasks.ids.size)

    def _on_story(self, story: StepStory) -> None:
        if story.changes and self._dots_timer.isActive():
            self._update_tasks()  # a membership change animates from the dots as they are
        self._view.play_story(story, story_seconds(self._adapter, story))
