"""The rewind history of a run that forgets its finished tasks holds what is live (issue 11).

A run forgets the rows of the finished tasks below its oldest unfinished one (engine/tasks.py):
its task columns become a run of zeros, then the live rows. The history keeps copies of every
array as it was at the last keyframes (what the next one is compared with); copied plainly, they
held ~2 · 270 bytes for every task the run ever made. They hold no memory for the leading zeros
(rewind_sparse.py), and the past still rebuilds byte for byte across the forgetting.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from phoenix_gui.engine import RunHistory, Simulation, rewind_sparse, simulation, tasks
from phoenix_gui.engine.config import WorkloadConfig
from tests.engine.sim_helpers import config
from tests.engine.test_forget_pages import _resident_pages


def _churning() -> Simulation:
    """Tasks arriving fast and finishing fast: ~100 new ids a step, a few hundred live."""
    cfg = config("phoenix", seed=5)
    work = WorkloadConfig(initial_tasks=200, arrival_rate=400.0, work_mean=0.5)
    return Simulation(dataclasses.replace(cfg, workload=work))


def _task_copies(history: RunHistory, sim: Simulation) -> int:
    """Bytes the history's copies of the task columns hold."""
    columns = [sim.tasks.raw(name) for name in tasks._COLUMNS]
    held = [
        lineage.held()
        for lineage in history._lineages.values()
        if any(lineage.array is column for column in columns)
    ]
    assert len(held) == len(columns)
    return sum(held)


@pytest.mark.parametrize("deferred", [False, True])
def test_the_history_of_a_forgetful_run_holds_copies_of_the_live_rows_only(
    monkeypatch: pytest.MonkeyPatch, deferred: bool
) -> None:
    monkeypatch.setattr(simulation, "FORGET_EVERY", 8)
    monkeypatch.setattr(tasks, "_FORGET_ROWS", 256)
    monkeypatch.setattr(rewind_sparse, "SPARSE_FROM", 0)
    sim = _churning()
    history = RunHistory(sim, every=4, budget_bytes=1 << 31, deferred=deferred)
    heads = {0: sim.audit.head}
    shares = []
    for _ in range(160):
        sim.step()
        history.stepped(sim)
        while history.storing:
            history.store_next()
        heads[sim.step_index] = sim.audit.head
        if sim.step_index % 40 == 0:
            # What plain copies (the last keyframe's and the anchor's) would hold: ~270 bytes
            # per row handed out (sim.tasks.raw covers the spare room too: 0 or more).
            plain = 2 * sum(sim.tasks.raw(name)[: len(sim.tasks)].nbytes for name in tasks._COLUMNS)
            shares.append(_task_copies(history, sim) / plain)
    assert len(sim.tasks) > 16_000 and sim.tasks.live_from > len(sim.tasks) // 2
    assert max(shares[1:]) < 0.3, shares  # the live rows' (and the state column's)
    assert history.nbytes() > _task_copies(history, sim)  # (counted in the history's size)
    for step in (3, 117, 159, 160):
        assert history.at(step).audit.head == heads[step]
    past = history.at(77)
    past.run(steps=83)  # and goes on as the live run did
    assert past.audit.head == sim.audit.head
    assert np.array_equal(past.tasks.state, sim.tasks.state)


def test_a_sparse_copy_holds_no_page_outside_its_span() -> None:
    array = np.zeros(1 << 20, dtype=np.float64)
    array[600_000:900_000] = 1.5
    copy, span = rewind_sparse.sparse_copy(array)
    if tasks._MADVISE is not None:  # (Linux; before a read maps the zero page there)
        assert _resident_pages(copy, 0, 600_000) == 0
        assert _resident_pages(copy, 900_000, array.size) == 0
    assert span == (600_000, 900_000) and np.array_equal(copy, array)
    array[:700_000] = 0.0
    array[-1] = 2.0
    copy[:600_000] = 0.0  # (written: those pages are in memory now)
    span = rewind_sparse.refill(copy, (0, 900_000), array)
    if tasks._MADVISE is not None:  # the rows that became zero are given back
        assert _resident_pages(copy, 0, 700_000) <= 1
    assert span == (700_000, array.size) and np.array_equal(copy, array)
    array[10] = 3.0  # a zero written again is copied too …
    array[800_000:] = 0.0  # … and rows zeroed at the end are zeroed in the copy
    span = rewind_sparse.refill(copy, span, array)
    assert span == (10, 800_000) and np.array_equal(copy, array)
    assert rewind_sparse.span(np.zeros(5, dtype=np.uint8)) == (5, 5)
    assert rewind_sparse.span(np.array([0, 1, 0, 2, 0], dtype=np.uint8)) == (1, 4)
