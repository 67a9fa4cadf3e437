"""Work measurement looks up a member's trust only for draws at or above the lowest trust of
any member (Simulation._measure_work): the same units fail as with every running task's trust
looked up and compared, whatever the trusts (spread out, one of them 0 or NaN)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from phoenix_gui.engine import Simulation
from phoenix_gui.engine.simulation import Simulation as _Simulation
from phoenix_gui.engine.tasks import TaskState
from tests.engine.sim_helpers import config


def _plain_measure(self: _Simulation, t1: float) -> None:
    """The step's units, each running task's trust looked up and compared to its draw."""
    tab = self.tasks
    n = len(tab)
    ids = np.flatnonzero(
        (tab.raw("state")[:n] == int(TaskState.RUNNING)) & (tab.raw("since")[:n] < t1)
    )
    if ids.size == 0:
        return
    trust = np.clip(self.columns.trust, 0.0, 1.0)[tab.raw("owner")[ids]]
    ok = self.streams["work_units"].random(ids.size) < trust
    self.counters.attempts += int(ids.size)
    self.counters.successes += int(np.count_nonzero(ok))
    failed = ids[~ok]
    if failed.size:
        self._redo(failed, t1)


def _run(trusts: dict[int, float]) -> tuple[str, int, int, int]:
    sim = Simulation(config(seed=11))
    for step in range(30):
        if step == 5:  # members' trust set by hand after a few steps (a NaN cannot be configured)
            for index, value in trusts.items():
                sim.columns.trust[index] = value
        sim.step()
    c = sim.counters
    return sim.audit.head, c.attempts, c.successes, c.retries


@pytest.mark.parametrize(
    "trusts",
    [{}, {0: 0.2, 3: 0.55}, {1: 0.0}, {2: math.nan}, {0: 1.0, 1: 1.0, 2: 1.0, 3: 1.0}],
    ids=["drawn", "spread", "zero", "nan", "some-perfect"],
)
def test_units_fail_as_with_every_trust_looked_up(
    trusts: dict[int, float], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _run(trusts)
    monkeypatch.setattr(_Simulation, "_measure_work", _plain_measure)
    plain = _run(trusts)
    assert fast == plain
    assert fast[1] > fast[2] > 0  # units ran, and some failed
