"""Runs forget finished tasks (issues 11/12: memory flat over long runs).

A run gives back the rows, lineage and token-index room of the finished tasks below the oldest
unfinished one; one that streams its audit (``keep_audit=False``, headless) forgets departed
members and old membership changes too (the window's docks list those). Nothing it records or
decides may change: the audit bytes, the summary and every invariant equal those of a run that
keeps everything, and the forgotten structures really shrink.
"""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from phoenix_gui.engine import Simulation, core, simulation, tasks
from phoenix_gui.scenario import load_config

LESSONS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize(
    "lesson",
    ["classroom-basics", "governance-audit", "agentic-handoff", "trust-weighted"],
)
def test_forgetting_finished_tasks_changes_nothing_a_run_records(
    lesson: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(simulation, "FORGET_EVERY", 3)
    monkeypatch.setattr(tasks, "_FORGET_ROWS", 8)
    monkeypatch.setattr(core, "CHANGES_KEPT", 4)
    config = load_config(LESSONS / f"{lesson}.yaml")
    kept = Simulation(config)
    kept.tasks.forgetful = False  # keeps every row
    sink = io.StringIO()
    forgetful = Simulation(config, audit_sink=sink, keep_audit=False)
    assert forgetful.tasks.forgetful
    for _ in range(6):
        kept.run(steps=150)
        forgetful.run(steps=150)
        assert forgetful.check_invariants() == []
    # A departed member is forgotten, but a request naming it is answered as before.
    departed = [m.id for m in kept.registry.members() if m.status.value in ("RETIRED", "REMOVED")]
    forgotten = [i for i in departed if i not in {m.id for m in forgetful.registry.members()}]
    if departed:
        assert forgotten
        for sim in (kept, forgetful):
            sim.request_retire(forgotten[0])
            sim.request_crash("nobody")
            sim.run(steps=1)
    lines = [r.line + "\n" for r in kept.audit.records]
    assert sink.getvalue() == "".join(lines)
    assert forgetful.summary() == kept.summary()
    assert forgetful.snapshot() == kept.snapshot()
    low = forgetful.tasks.live_from
    assert low > 0, "nothing was forgotten"
    assert kept.tasks.live_from == 0
    # What was forgotten reads as nothing; what is live is untouched.
    assert not forgetful.tasks.raw("work")[: low - 8].any()
    n = len(kept.tasks)
    for name in ("work", "base", "owner", "due", "token", "created"):
        assert np.array_equal(
            forgetful.tasks.raw(name)[low:n], kept.tasks.raw(name)[low:n], equal_nan=True
        ), name
    assert np.array_equal(forgetful.tasks.raw("state")[:n], kept.tasks.raw("state")[:n])
    assert forgetful.tasks.lineage._n < kept.tasks.lineage._n
    for tid in range(low, n, max(1, (n - low) // 7)):
        assert forgetful.tasks.lineage_of(tid) == kept.tasks.lineage_of(tid)
    if config.paradigm == "phoenix":
        assert forgetful.token_index._base > 0
        assert forgetful.token_index.task_ids().tolist() == kept.token_index.task_ids().tolist()


def test_a_window_run_forgets_finished_tasks_and_keeps_its_members_and_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(simulation, "FORGET_EVERY", 3)
    monkeypatch.setattr(tasks, "_FORGET_ROWS", 8)
    monkeypatch.setattr(core, "CHANGES_KEPT", 4)
    config = load_config(LESSONS / "classroom-basics.yaml")
    kept = Simulation(config)
    kept.tasks.forgetful = False
    window = Simulation(config)  # keeps its audit, as the window's run does
    assert window.tasks.forgetful and not window.forget_departed
    kept.run(steps=600)
    window.run(steps=600)
    assert window.check_invariants() == []
    assert window.audit.head == kept.audit.head
    assert window.summary() == kept.summary()
    assert window.tasks.live_from > 0 and kept.tasks.live_from == 0
    assert not window.tasks.raw("work")[: window.tasks.live_from - 8].any()
    assert len(window.changes) == len(kept.changes) > 4
    assert [m.id for m in window.registry.members()] == [m.id for m in kept.registry.members()]


def test_a_forgetful_run_restores_and_goes_on_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(simulation, "FORGET_EVERY", 2)
    monkeypatch.setattr(tasks, "_FORGET_ROWS", 8)
    config = load_config(LESSONS / "classroom-basics.yaml")
    sim = Simulation(config, audit_sink=io.StringIO(), keep_audit=False)
    sim.run(steps=150)
    assert sim.tasks.live_from > 0
    twin = Simulation.restore(sim.checkpoint(), audit_sink=io.StringIO())
    sim.run(steps=100)
    twin.run(steps=100)
    assert twin.audit.head == sim.audit.head
    assert twin.tasks.live_from == sim.tasks.live_from


def test_a_headless_run_holds_its_latest_changes_and_forgets_departed_ids_compactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The membership changes (a join or leave each) and the ids of forgotten members grew
    with every step of a headless run: the changes held stay within 2 · CHANGES_KEPT, the
    summary's mean moved share still covers every join, and a forgotten generated member's
    id costs a byte, not a dict entry (its status is still answered)."""
    monkeypatch.setattr(simulation, "FORGET_EVERY", 4)
    monkeypatch.setattr(core, "CHANGES_KEPT", 16)
    config = load_config(LESSONS / "classroom-basics.yaml")
    kept = Simulation(config)
    sim = Simulation(config, audit_sink=io.StringIO(), keep_audit=False)
    most = 0
    for _ in range(12):
        kept.run(steps=100)
        sim.run(steps=100)
        most = max(most, len(sim.changes))
    assert len(kept.changes) > 100
    assert most < 2 * 16 and sim.changes.forgotten == len(kept.changes) - len(sim.changes)
    assert [c.as_dict() for c in sim.changes] == [c.as_dict() for c in kept.changes][
        -len(sim.changes) :
    ]
    joins = [c.ratio for c in kept.changes if c.kind == "join" and c.active]
    assert sim.summary()["mean_join_moved_fraction"] == round(math.fsum(joins) / len(joins), 6)
    assert sim.summary() == kept.summary()
    departed = [m for m in kept.registry.members() if m.status.value in ("RETIRED", "REMOVED")]
    assert departed and sim.registry._gone == {}  # generated ids: the numbered store
    for member in departed:
        assert sim.registry.status_of(member.id) is member.status
        assert member.id in sim.registry
    assert sim.registry.status_of(f"{config.members.prefix}0{departed[0].id[-1]}") is None


def _held(sim: Simulation) -> dict[str, int]:
    """What a headless run holds per task or member, beside what it has handed out."""
    return {
        "rows": len(sim.tasks) - sim.tasks.live_from,
        "lineage": sim.tasks.lineage._n,
        "token_room": int(sim.token_index._serial_of.size),
        "members": len(sim.registry.members()),
        "history": len(sim.history),
    }


@pytest.mark.slow
def test_a_long_headless_run_holds_what_is_live_not_what_it_handed_out() -> None:
    """The structures that grew with a headless run (issues 11/12) stop growing: between 2500
    and 5000 steps of the default lesson the ids handed out double, what is held does not.
    (Resident memory itself is measured by benchmarks/bench_soak.py and bench_memory.py.)"""
    config = load_config(LESSONS / "classroom-basics.yaml")
    sim = Simulation(config, audit_sink=io.StringIO(), keep_audit=False)
    sim.run(steps=2500)
    ids_before, before = len(sim.tasks), _held(sim)
    sim.audit.resume(io.StringIO())  # drop the first half's text
    sim.run(steps=2500)
    ids_after, after = len(sim.tasks), _held(sim)
    assert ids_after > 1.8 * ids_before
    assert sim.check_invariants() == []
    live = sim.registry.live_count()
    assert after["members"] <= live + 64, after  # departed members forgotten (a few kept)
    for name in ("rows", "lineage", "token_room"):
        assert after[name] < max(2 * before[name], 8192), (name, before, after)
    assert after["history"] <= 2 * 10_000 / 0.25 + 1  # the longest Δt's reach, in steps


def test_headless_runs_have_large_blocks_mapped_on_their_own() -> None:
    # glibc only (elsewhere nothing is set, and nothing else changes).
    assert tasks.hand_back_large_blocks() is sys.platform.startswith("linux")
