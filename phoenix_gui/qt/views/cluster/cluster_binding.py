"""Connects a :class:`ClusterView` to the :class:`SimulationAdapter`: a fresh cluster snapshot
after every step that may have moved pods, and each step's story as flights and scores."""

from __future__ import annotations

from PySide6 import QtCore

from phoenix_gui.params import PARAMS
from phoenix_gui.qt.adapter import SimulationAdapter
from phoenix_gui.qt.snapshots import StepStory
from phoenix_gui.qt.views.cluster.cluster_view import ClusterView
from phoenix_gui.qt.views.flights import flight_seconds


class ClusterBinding(QtCore.QObject):
    """Feeds one Kubernetes view from one adapter while the run is a Kubernetes one."""

    def __init__(self, adapter: SimulationAdapter, view: ClusterView) -> None:
        super().__init__(view)
        self._adapter = adapter
        self._view = view
        adapter.tasksChanged.connect(self._on_tasks_changed)
        adapter.storyTold.connect(self._on_story)
        adapter.simulationReset.connect(view.reset_animation)
        self._on_tasks_changed()

    @property
    def active(self) -> bool:
        return self._adapter.paradigm == "kubernetes"

    def _on_tasks_changed(self) -> None:
        if self.active:
            self._view.set_snapshot(self._adapter.cluster_snapshot())

    def _on_story(self, story: StepStory) -> None:
        if self.active:
            speed, default = self._adapter.speed, float(PARAMS["speed"].default)
            self._view.play_story(story, flight_seconds(speed, default, story.time_scale))
