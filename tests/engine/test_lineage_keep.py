"""A long run's lineage is kept to what is live (issue 11: the window's memory flat): once the
log is long, finished tasks' entries go and a much-moved task keeps its first hop, one hop
standing for those dropped and its latest ones. Nothing a run records or decides changes."""

from __future__ import annotations

import numpy as np
import pytest

from phoenix_gui.engine import Simulation, simulation, tasks
from phoenix_gui.engine.tasks import ELIDED, LineageLog, TaskState
from phoenix_gui.scenario import load_config

from .test_forget import LESSONS


def _moves(log: LineageLog, rounds: int, ids: np.ndarray) -> None:
    for r in range(rounds):
        log.record(float(r), "assigned" if r == 0 else "moved", ids, np.int32(r % 7))


def test_keep_live_drops_finished_tasks_and_caps_the_long_lineages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tasks, "LINEAGE_COMPACT_FROM", 64)
    monkeypatch.setattr(tasks, "LINEAGE_HOPS_KEPT", 5)
    log, full = LineageLog(), LineageLog()
    state = np.full(6, int(TaskState.RUNNING), dtype=np.int8)
    state[[1, 4]] = int(TaskState.COMPLETED)
    for one in (log, full):
        _moves(one, 12, np.arange(4))  # tasks 0-3 moved 12 times
        _moves(one, 3, np.array([4, 5]))  # tasks 4, 5 three times
    assert log._n == 54 and not log.keep_live(state)  # under the threshold: nothing done
    _moves(log, 10, np.array([0]))
    _moves(full, 10, np.array([0]))
    assert log.keep_live(state)
    for task in (1, 4):
        assert log.of(task) == []  # finished
    assert log.of(5) == full.of(5)  # short: whole
    for task in (0, 2, 3):
        whole, kept = full.of(task), log.of(task)
        assert len(kept) == 5 and kept[0] == whole[0] and kept[2:] == whole[-3:]
        assert kept[1] == (whole[-4][0], -1, ELIDED)  # the last hop dropped, no owner
    assert log._n == 3 * 5 + 3
    # Compacted again only once it doubled; a capped task stays capped, its marker moved on.
    assert not log.keep_live(state)
    _moves(log, 30, np.array([0, 2]))
    _moves(full, 30, np.array([0, 2]))
    assert log.keep_live(state)
    kept, whole = log.of(2), full.of(2)
    assert len(kept) == 5 and kept[0] == whole[0] and kept[2:] == whole[-3:]
    assert kept[1] == (whole[-4][0], -1, ELIDED)
    assert log.of(3) == [*full.of(3)[:1], (full.of(3)[-4][0], -1, ELIDED), *full.of(3)[-3:]]


def test_a_run_keeping_its_lineage_live_records_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(simulation, "FORGET_EVERY", 3)
    monkeypatch.setattr(tasks, "LINEAGE_COMPACT_FROM", 4000)
    monkeypatch.setattr(tasks, "LINEAGE_HOPS_KEPT", 4)
    config = load_config(LESSONS / "churn-storm.yaml")  # tasks moved many times
    kept = Simulation(config)
    kept.tasks.forgetful = False  # keeps every row and hop
    live = Simulation(config)
    most = 0
    for _ in range(4):
        kept.run(steps=30)
        live.run(steps=30)
        most = max(most, live.tasks.lineage._n)
        assert live.check_invariants() == []
    assert live.audit.head == kept.audit.head
    assert live.summary() == kept.summary()
    assert kept.tasks.lineage._n > 2 * most  # what it held stayed well under what it had
    state = live.tasks.state
    capped = forgotten = 0
    for task in range(len(live.tasks)):
        whole, held = kept.tasks.lineage_of(task), live.tasks.lineage_of(task)
        if held == whole:
            continue
        if not held:  # finished before the last compaction
            forgotten += 1
            assert state[task] in (int(TaskState.COMPLETED), int(TaskState.DENIED))
            continue
        capped += 1  # its first hop, one for those dropped, its latest (maybe moved since)
        assert held[0] == whole[0] and held[2:] == whole[2 - len(held) :]
        assert held[1][1:] == (-1, ELIDED) and len(whole) > len(held) >= 4
    assert capped and forgotten


def test_the_past_rebuilds_alike_across_compactions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A jump replays the compactions where the run made them: the rebuilt lineage and the
    audit equal the live run's at every step looked at."""
    from phoenix_gui.engine import RunHistory

    monkeypatch.setattr(simulation, "FORGET_EVERY", 3)
    monkeypatch.setattr(tasks, "LINEAGE_COMPACT_FROM", 1500)
    monkeypatch.setattr(tasks, "LINEAGE_HOPS_KEPT", 4)
    sim = Simulation(load_config(LESSONS / "classroom-basics.yaml"))
    history = RunHistory(sim, every=7)
    seen = {}
    compactions = 0
    for _ in range(120):
        kept = sim.tasks.lineage._kept
        sim.step()
        history.stepped(sim)
        compactions += sim.tasks.lineage._kept != kept
        if sim.step_index % 11 == 0:
            lin = sim.tasks.lineage
            seen[sim.step_index] = (sim.audit.head, [lin.of(t) for t in range(len(sim.tasks))])
    assert compactions >= 2
    for step, (head, lineage) in seen.items():
        past = history.at(step)
        assert past.audit.head == head
        assert [past.tasks.lineage.of(t) for t in range(len(past.tasks))] == lineage
