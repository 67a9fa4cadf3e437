"""workload.live_dues keeps each live (task, due time) once, at its first popped position —
what it kept with ``np.unique(ids, return_index=True)`` before it sorted by hand; and
workload.pop_live_dues gives what popping, queueing the entries whose task's due time was
pushed back again at that time, popping again and then live_dues gave (the queue left with the
same entries)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from phoenix_gui.engine.schedule import DueQueue
from phoenix_gui.engine.tasks import TaskState
from phoenix_gui.engine.workload import live_dues, pop_live_dues


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


def _pop_then_live(core: SimpleNamespace, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """Pop, queue the pushed-back entries again at their due time, pop again, then live_dues."""
    ids, times = core.due.pop_until(limit)
    due, state = core.tasks.raw("due"), core.tasks.raw("state")
    while ids.size:
        later = (state[ids] == TaskState.RUNNING) & (due[ids] > times)
        if not later.any():
            break
        core.due.push(ids[later], due[ids[later]])
        ids, times = ids[~later], times[~later]
        more_ids, more_times = core.due.pop_until(limit)
        ids, times = np.concatenate((ids, more_ids)), np.concatenate((times, more_times))
        order = np.lexsort((ids, times))
        ids, times = ids[order], times[order]
    return live_dues(core, ids, times)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(10))
def test_pop_live_dues_matches_pop_requeue_pop(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = 400
    state = rng.choice([TaskState.RUNNING, TaskState.COMPLETED], n, p=[0.85, 0.15])
    due = rng.integers(0, 40, n) * 0.25
    cores = []
    for _ in range(2):
        queue = DueQueue()
        core = SimpleNamespace(
            due=queue, tasks=SimpleNamespace(raw={"state": state, "due": due}.__getitem__)
        )
        cores.append(core)
    for size in (300, 20, 90, 5, 70):  # runs and heap entries, some behind their task's due
        ids = rng.integers(0, n, size).astype(np.int64)
        times = due[ids] - np.where(rng.random(size) < 0.4, rng.integers(1, 12, size) * 0.25, 0)
        for core in cores:
            core.due.push(ids, times)
    for limit in (2.0, 2.0, 4.75, 6.0, 9.5):
        got = pop_live_dues(cores[0], limit)  # type: ignore[arg-type]
        want = _pop_then_live(cores[1], limit)
        assert got[0].tolist() == want[0].tolist()
        assert got[1].tolist() == want[1].tolist()
    rest = [core.due.pop_until(np.inf) for core in cores]
    assert rest[0][0].tolist() == rest[1][0].tolist()
    assert rest[0][1].tolist() == rest[1][1].tolist()
