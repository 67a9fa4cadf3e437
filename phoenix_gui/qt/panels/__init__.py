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

from __future__ import annotations

import importlib
from typing import Any

# Panel class → its module. Imported on first use (PEP 562), so importing one panel (the
# window's controls, say) does not import all of them on the way to the first frame.
_MODULES = {
    "AlgorithmsPanel": "algorithms",
    "CapabilitiesPanel": "capabilities",
    "DecisionsPanel": "decisions",
    "FlightRecorderPanel": "recorder",
    "MembersPanel": "members",
    "WorkloadPanel": "workload",
}

__all__ = sorted(_MODULES)


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
