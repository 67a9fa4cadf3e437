"""Connects the :class:`ViewStack` to the adapter: one binding per view, the paradigm's view
shown after every reset, and each step's story told in words on the narration line."""

from __future__ import annotations

from PySide6 import QtCore

from phoenix_gui.qt.adapter import SimulationAdapter
from phoenix_gui.qt.snapshots import StepStory
from phoenix_gui.qt.views.agents.agents_binding import AgentsBinding
from phoenix_gui.qt.views.cluster.cluster_binding import ClusterBinding
from phoenix_gui.qt.views.narration import narrate
from phoenix_gui.qt.views.ring.ring_binding import RingBinding
from phoenix_gui.qt.views.stack import ViewStack


class ViewStackBinding(QtCore.QObject):
    """Keeps the view stack on the adapter's run."""

    def __init__(self, adapter: SimulationAdapter, stack: ViewStack) -> None:
        super().__init__(stack)
        self._adapter = adapter
        self._stack = stack
        self.ring = RingBinding(adapter, stack.ring)
        self.cluster = ClusterBinding(adapter, stack.cluster)
        self.agents = AgentsBinding(adapter, stack.agents)
        adapter.simulationReset.connect(self._on_reset)
        adapter.storyTold.connect(self._on_story)
        self._on_reset()

    def _on_reset(self) -> None:
        self._stack.show_paradigm(self._adapter.paradigm)

    def _on_story(self, story: StepStory) -> None:
        text = narrate(story, self._adapter.member_name)
        if text:
            self._stack.set_narration(text)
