"""Connects an :class:`AgentsView` to the :class:`SimulationAdapter`: fresh agent cards after
every step, and each step's story as hand-off flights and routing scores."""

from __future__ import annotations

from PySide6 import QtCore

from phoenix_gui.params import PARAMS
from phoenix_gui.qt.adapter import SimulationAdapter
from phoenix_gui.qt.snapshots import StepStory
from phoenix_gui.qt.views.agents.agents_view import AgentsView
from phoenix_gui.qt.views.flights import flight_seconds


class AgentsBinding(QtCore.QObject):
    """Feeds one agent view from one adapter while the run is an agentic one."""

    def __init__(self, adapter: SimulationAdapter, view: AgentsView) -> None:
        super().__init__(view)
        self._adapter = adapter
        self._view = view
        adapter.tasksChanged.connect(self._on_tasks_changed)
        adapter.membersChanged.connect(self._on_tasks_changed)
        adapter.storyTold.connect(self._on_story)
        adapter.simulationReset.connect(view.reset_animation)
        self._on_tasks_changed()

    @property
    def active(self) -> bool:
        return self._adapter.paradigm == "agentic"

    def _on_tasks_changed(self) -> None:
        if self.active:
            self._view.set_snapshot(self._adapter.agents_snapshot())

    def _on_story(self, story: StepStory) -> None:
        if self.active:
            speed, default = self._adapter.speed, float(PARAMS["speed"].default)
            self._view.play_story(story, flight_seconds(speed, default, story.time_scale))
