"""Invariants over long seeded runs in all three paradigms, plus a hypothesis state machine."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from phoenix_gui.engine.events import Event
from phoenix_gui.engine.members import MemberStatus
from phoenix_gui.engine.simulation import Simulation
from tests.engine.sim_helpers import config

PARADIGMS = ("phoenix", "kubernetes", "agentic")


class MigrationAudit:
    """Checks every migration event against the engine's state at the moment it is emitted."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.problems: list[str] = []
        self.crash_checks = 0
        sim.subscribe(self.on_event)

    def on_event(self, event: Event) -> None:
        d = event.details
        if event.kind == "migration_started":
            self._moved(d["task"], d["from"], d["to"])
        elif event.kind == "migrations_started":
            for task, src, dst in zip(d["tasks"], d["from"], d["to"], strict=True):
                self._moved(task, src, dst)
        elif event.kind == "member_crashed":
            self.crash_checks += 1
            bound = d["stranded"] * self.sim.config.timing.checkpoint_interval + 1e-9
            if d["work_lost"] > bound:
                self.problems.append(f"crash lost {d['work_lost']} > {bound}")

    def _moved(self, task: int, src: str, dst: str) -> None:
        sim = self.sim
        owner = int(sim.tasks.owner[task])
        if src == dst or sim.ring.name_of(owner) != dst:
            self.problems.append(f"task {task}: event {src}->{dst}, owner {owner}")
        lineage = sim.tasks.lineage_of(task)
        if len(lineage) < 2 or sim.ring.name_of(lineage[-2][1]) != src:
            self.problems.append(f"task {task}: lineage does not show the move from {src}")


@pytest.mark.parametrize("paradigm", PARADIGMS)
def test_seeded_soak_keeps_every_invariant(paradigm: str) -> None:
    sim = Simulation(config(paradigm, seed=11))
    watch = MigrationAudit(sim)
    for i in range(240):
        sim.step()
        if i % 20 == 0:
            assert sim.check_invariants() == [], f"step {i}"
    assert sim.check_invariants() == []
    assert watch.problems == []
    s = sim.summary()
    assert s["tasks_lost"] == 0
    assert s["work_lost_graceful"] == 0
    assert s["joins"] > 20 and s["leaves"] > 20 and s["crashes"] > 3
    assert watch.crash_checks == s["crashes"]
    assert s["tasks_completed"] > 50
    if paradigm != "kubernetes":  # nodes there are often full: drains evict to the queue
        assert s["migrations"] > 50
    if paradigm == "agentic":
        assert s["handoffs"] > 10


def test_graceful_retirement_moves_each_task_at_its_exact_progress() -> None:
    quiet = config().metrics.__class__(0, 0, 24, 1, 1)
    sim = Simulation(config("phoenix", seed=3, metrics=quiet))
    sim.run(steps=8)
    victim = sim.registry.with_status(MemberStatus.ACTIVE)[0]
    mine = sim.tasks_of(victim.index)
    running = mine[sim.tasks.state[mine] == 1]
    assert running.size > 0
    progress = sim.tasks.progress_at(running, sim.time).tolist()
    expected = dict(zip(running.tolist(), progress, strict=True))
    carried: dict[int, float] = {}

    def on_event(event: Event) -> None:
        if event.kind == "migration_started" and event.details["from"] == victim.id:
            carried[event.details["task"]] = event.details["progress"]

    sim.subscribe(on_event)
    sim.request_retire(victim.id)
    sim.step()
    assert set(expected) <= set(carried)
    for tid, progress in expected.items():
        assert carried[tid] == pytest.approx(progress, abs=1e-12)
    assert victim.status is MemberStatus.RETIRED
    assert sim.counters.work_lost_graceful == 0.0
    assert sim.check_invariants() == []


class EngineMachine(RuleBasedStateMachine):
    """Random interleavings of steps, joins, retirements, crashes and slider moves."""

    def __init__(self) -> None:
        super().__init__()
        self.sim: Simulation | None = None

    @rule(paradigm=st.sampled_from(PARADIGMS), seed=st.integers(0, 50))
    @precondition(lambda self: self.sim is None)
    def build(self, paradigm: str, seed: int) -> None:
        self.sim = Simulation(config(paradigm, seed=seed))
        self.watch = MigrationAudit(self.sim)

    @rule(n=st.integers(1, 6))
    @precondition(lambda self: self.sim is not None)
    def step(self, n: int) -> None:
        assert self.sim is not None
        self.sim.run(steps=n)

    @rule()
    @precondition(lambda self: self.sim is not None)
    def join(self) -> None:
        assert self.sim is not None
        self.sim.request_join()

    @rule(pick=st.integers(0, 1000), crash=st.booleans())
    @precondition(lambda self: self.sim is not None)
    def leave(self, pick: int, crash: bool) -> None:
        assert self.sim is not None
        active = self.sim.registry.with_status(MemberStatus.ACTIVE)
        if len(active) > 1:
            target = active[pick % len(active)].id
            (self.sim.request_crash if crash else self.sim.request_retire)(target)

    @rule(
        name=st.sampled_from(["joins", "leaves", "compliance", "crash_share", "trust"]),
        frac=st.floats(0, 1, allow_subnormal=False),  # a denormal is refused (tested elsewhere)
    )
    @precondition(lambda self: self.sim is not None)
    def set_param(self, name: str, frac: float) -> None:
        assert self.sim is not None
        value: Any = round(frac * 60) if name in ("joins", "leaves") else frac
        self.sim.set_param(name, value)

    @invariant()
    def consistent(self) -> None:
        if self.sim is not None:
            assert self.sim.check_invariants() == []
            assert self.watch.problems == []


TestEngineMachine = EngineMachine.TestCase
TestEngineMachine.settings = __import__("hypothesis").settings(
    max_examples=15, stateful_step_count=20, deadline=None
)
