"""Connects a :class:`RingView` to the :class:`SimulationAdapter` (the view stays engine-free).

Membership signals rebuild the cached ring layers, task signals the task dots (skipped when
nothing moved), and each step's story (the adapter's reading of its events) becomes the
animation: every moving task flies to its new owner, changed arcs flash, a joiner pulses in,
a leaver fades once its last task has left, a crashed member is red and its stranded tasks
blink until the crash is detected. A replayed story runs the same way, four times slower.
"""

from __future__ import annotations

from PySide6 import QtCore

from phoenix_gui.engine import TaskState
from phoenix_gui.params import PARAMS
from phoenix_gui.qt.adapter import SimulationAdapter
from phoenix_gui.qt.snapshots import StepStory
from phoenix_gui.qt.views.flights import flight_seconds
from phoenix_gui.qt.views.ring.ring_view import RingView


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
        adapter.tasksChanged.connect(self._on_tasks_changed)
        adapter.storyTold.connect(self._on_story)
        adapter.simulationReset.connect(view.reset_animation)
        self._on_members_changed()
        self._on_tasks_changed()

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
        self._view.set_tasks(self._adapter.task_arrays())

    def _on_story(self, story: StepStory) -> None:
        self._view.play_story(story, story_seconds(self._adapter, story))
