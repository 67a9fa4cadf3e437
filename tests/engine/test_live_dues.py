"""workload.live_dues keeps each live (task, due time) once, at its first popped position —
what it kept with ``np.unique(ids, return_index=True)`` before it sorted by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from phoenix_gui.engine.tasks import TaskState
from phoenix_gui.engine.workload import live_dues


def _reference(ids: np.ndarray, times: np.ndarray, state: np.ndarray, due: np.ndarray):
    live = (state[ids] == TaskState.RUNNING) & (due[ids] == times)
    ids, times = ids[live], times[live]
    if ids.size == 0:
        return ids, times
    _, first = np.unique(ids, return_index=True)
    keep = np.sort(first)
    return ids[keep], times[keep]


@pytest.mark.parametrize("seed", range(8))
def test_live_dues_matches_unique_first_positions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 50
    state = rng.choice([TaskState.RUNNING, TaskState.COMPLETED], n, p=[0.8, 0.2]).astype(np.int8)
    due = rng.integers(0, 5, n).astype(np.float64)
    size = int(rng.integers(0, 80))
    ids = rng.integers(0, n, size).astype(np.int64)  # repeats, as a re-queued entry gives
    times = np.where(rng.random(size) < 0.7, due[ids], due[ids] + 1.0)
    core = SimpleNamespace(tasks=SimpleNamespace(raw={"state": state, "due": due}.__getitem__))
    got = live_dues(core, ids, times)  # type: ignore[arg-type]
    want = _reference(ids, times, state, due)
    assert got[0].tolist() == want[0].tolist()
    assert got[1].tolist() == want[1].tolist()
