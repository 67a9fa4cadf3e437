"""Build a :class:`Simulation` off the GUI thread when it is big.

Starting 5000 members or 2·10^6 tasks takes tens of seconds; the window must not freeze while
it happens. A new Simulation shares nothing with the running one, so it can be built on a
worker thread and handed over whole when done: the window keeps drawing the old run (paused,
with a busy indicator) until then. Small runs (every bundled lesson) are built at once.
"""

from __future__ import annotations

from PySide6 import QtCore

from phoenix_gui.engine.config import SimulationConfig
from phoenix_gui.engine.simulation import Simulation

# Above this many vnodes (members × vnodes) or initial tasks a start takes more than a few tens
# of milliseconds on a 2-core machine (10 × 100 vnodes and 10^3 tasks: ~10 ms; 5000 × 100:
# ~35 s; 2·10^6 tasks: ~11 s), so it is built on the worker thread.
SYNC_VNODES = 20_000
SYNC_TASKS = 20_000


def builds_quickly(config: SimulationConfig) -> bool:
    """Whether ``config`` starts fast enough to build on the GUI thread."""
    members = config.members.generate + len(config.members.listed)
    return members * config.ring.vnodes <= SYNC_VNODES and (
        config.workload.initial_tasks <= SYNC_TASKS
    )


class SimulationBuilder(QtCore.QThread):
    """Builds one Simulation on its own thread; ``built`` carries it (or the error) back.

    ``built(config, result)`` is delivered on the GUI thread; ``result`` is the Simulation or
    the exception that refused the configuration.
    """

    built = QtCore.Signal(object, object)

    def __init__(self, config: SimulationConfig, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.setObjectName("simulation-builder")

    def run(self) -> None:
        try:
            result: object = Simulation(self.config)
        except Exception as error:  # handed to the GUI thread, which reports it
            result = error
        self.built.emit(self.config, result)
