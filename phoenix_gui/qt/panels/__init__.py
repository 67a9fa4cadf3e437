"""The docks around the view: controls (sliders), metrics, time series, and the workbench panels
(members, capabilities, workload, decisions, recorder, algorithms).

Panels may import the adapter, the public engine surface, :mod:`phoenix_gui.params` and the
views' palette; never the shell, the document or another view.

Every panel is a standalone QWidget with the same three entry points, so the main window wires
each with two lines::

    panel.set_simulation(adapter)                   # or a Simulation; None clears
    adapter.eventsEmitted.connect(panel.on_events)  # a step's events at once; coalesced

``refresh()`` is a slot that catches up with the engine at once (connect it to the adapter's
per-step signal if events are not forwarded). Given the adapter, a panel reads ``adapter.sim``
on every refresh and starts over by itself when a Reset swapped the Simulation.
"""

from phoenix_gui.qt.panels.algorithms import AlgorithmsPanel
from phoenix_gui.qt.panels.capabilities import CapabilitiesPanel
from phoenix_gui.qt.panels.decisions import DecisionsPanel
from phoenix_gui.qt.panels.members import MembersPanel
from phoenix_gui.qt.panels.recorder import FlightRecorderPanel
from phoenix_gui.qt.panels.workload import WorkloadPanel

__all__ = [
    "AlgorithmsPanel",
    "CapabilitiesPanel",
    "DecisionsPanel",
    "FlightRecorderPanel",
    "MembersPanel",
    "WorkloadPanel",
]
