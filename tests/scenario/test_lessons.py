"""The bundled lessons: each validates, runs headless to its end, and its idea holds.

A lesson ends at its last timeline event; the tests run one step past it. Every number
asserted here is a property of the model (ratios, signs, orders), not a copy of one run's
output, so a correct engine passes with any seed.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from phoenix_gui.engine.audit import verify_lines
from phoenix_gui.engine.config import RingConfig, SimulationConfig
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.engine.members import MemberStatus
from phoenix_gui.engine.simulation import Simulation
from phoenix_gui.engine.tasks import TaskState
from phoenix_gui.scenario import load_config, load_scenario, scenario_to_config, variant_scenario

LESSONS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
LESSONS = sorted(LESSONS_DIR.glob("*.yaml"))
EXPECTED = {
    *("classroom-basics", "ring-join", "vnodes-balance", "crash-vs-drain", "kubernetes-drain"),
    *("agentic-handoff", "churn-storm", "governance-audit", "vnodes-sweep"),
    "trust-weighted",
}


class Run:
    """A simulation of one lesson that records every event it emits."""

    def __init__(self, config: SimulationConfig) -> None:
        self.config = config
        self.sim = Simulation(config)
        self.events: list[Event] = []
        self.sim.subscribe(self.events.append)

    def until(self, hour: float) -> Run:
        """Run whole steps until the clock reaches ``hour``."""
        while self.sim.time < hour - 1e-9:
            self.sim.step()
        return self

    def to_end(self) -> Run:
        end = max((e.at for e in self.config.timeline), default=0.0)
        return self.until(end + self.config.timing.step_hours)

    def of_kind(self, kind: str, since: float = -1.0) -> list[Event]:
        return [e for e in self.events if e.kind == kind and e.time >= since]

    def moves(self, since: float = -1.0) -> list[tuple[int, str, str, str]]:
        """(task, from, to, reason) of every migration started, single or batched events."""
        out = [
            (e.details["task"], e.details["from"], e.details["to"], e.details["reason"])
            for e in self.of_kind("migration_started", since)
        ]
        for e in self.of_kind("migrations_started", since):
            d = e.details
            out += [
                (t, f, to, d["reason"])
                for t, f, to in zip(d["tasks"], d["from"], d["to"], strict=True)
            ]
        return out

    def status(self, member_id: str) -> MemberStatus:
        return MemberStatus(self.sim.registry.get(member_id).status)


def lesson(name: str) -> SimulationConfig:
    return load_config(LESSONS_DIR / f"{name}.yaml")


def test_all_ten_lessons_are_bundled() -> None:
    assert {p.stem for p in LESSONS} == EXPECTED


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_lesson_validates_and_runs_to_its_end(path: Path) -> None:
    scenario = load_scenario(path)
    assert len(scenario.description) > 100, "a lesson explains its idea"
    captions = [e for e in scenario.timeline if e.kind == "caption"]
    assert len(captions) >= 3 and any(c.pause for c in captions)
    run = Run(load_config(path)).to_end()
    # Small enough to run in class, counted in work (audited events), not in wall-clock time
    # (timings belong in benchmarks/): the busiest lesson, churn-storm, records about 37,000.
    assert len(run.sim.audit) < 60_000, "lessons stay small enough to run in class"
    assert [e.details["text"] for e in run.of_kind("caption")] == [c.text for c in captions]
    assert [e.details["pause"] for e in run.of_kind("caption")] == [c.pause for c in captions]
    assert run.sim.check_invariants() == []
    summary = run.sim.summary()
    assert summary["tasks_lost"] == 0 and summary["work_lost_graceful"] == 0


def test_classroom_basics_is_the_source_documents_example() -> None:
    run = Run(lesson("classroom-basics"))
    configured = run.sim.snapshot().configured
    assert configured.as_dict() == {
        "mcr": 0.8333,
        "wmcr": 0.5833,
        "si": 0.5455,
        "dhs": 82.5,
        "status": "Healthy",
    }
    run.to_end()  # two periods of real churn at those rates: theory and simulation agree
    observed = run.sim.snapshot().observed
    assert abs(observed.dhs - 82.5) < 5.0
    summary = run.sim.summary()
    assert summary["joins"] > 0 and summary["leaves"] > 0


def test_ring_join_moves_about_one_eleventh_all_to_the_newcomer() -> None:
    run = Run(lesson("ring-join")).until(0.75)
    active_before = run.sim.snapshot().active_tasks
    owners_before = run.sim.tasks.owner.copy()
    run.until(1.5)
    change = run.sim.snapshot().last_change
    assert change is not None and (change["kind"], change["member"]) == ("join", "kilo")
    ideal = 1 / 11
    assert change["ideal"] == pytest.approx(ideal)
    assert abs(change["ratio"] - ideal) <= 0.2 * ideal
    moves = run.moves(since=1.0)
    assert len(moves) == change["moved"] > 0
    assert {to for _, _, to, _ in moves} == {"kilo"}
    # Nothing moved between old hosts: every task that changed owner now belongs to kilo.
    owners_after = run.sim.tasks.owner
    changed = np.nonzero(owners_before[: len(owners_after)] != owners_after[: len(owners_before)])
    kilo = run.sim.registry.get("kilo").index
    assert set(owners_after[changed].tolist()) == {kilo}
    # Modulo hashing from 10 to 11 hosts would move ~10/11 of the same tasks.
    tokens = run.sim.tasks.token[: len(owners_before)].astype(np.int64)
    modulo_moved = float(np.mean(tokens % 10 != tokens % 11))
    assert modulo_moved > 0.85 and modulo_moved > 8 * change["ratio"]
    assert change["active"] == pytest.approx(active_before, rel=0.05)


def _spread(config: SimulationConfig, vnodes: int) -> float:
    sim = Simulation(dataclasses.replace(config, ring=RingConfig(vnodes=vnodes)))
    sim.step()
    balance = sim.snapshot().balance
    return balance.std / balance.mean


def test_vnodes_balance_spread_falls_about_as_one_over_root_v() -> None:
    config = lesson("vnodes-balance")
    assert config.ring.vnodes == 1
    spreads = {v: _spread(config, v) for v in (1, 4, 16, 100)}
    assert spreads[1] > 0.5, "one arc per host is very uneven"
    values = [spreads[v] for v in (1, 4, 16, 100)]
    assert values == sorted(values, reverse=True)
    for v, cv in spreads.items():  # cv·√V stays near 1: within a factor of two of 1/√V
        assert 0.5 <= cv * math.sqrt(v) <= 1.5, (v, cv)
    assert 5 <= spreads[1] / spreads[100] <= 20  # ideal 10


def test_crash_loses_work_and_strands_tasks_while_drain_loses_none() -> None:
    """A (the base) crashes delta at hour 10; B (variant ``drain``, same seed) retires it."""
    scenario = load_scenario(LESSONS_DIR / "crash-vs-drain.yaml")
    assert scenario.compare is not None and scenario.compare.variant == "drain"
    b_config = scenario_to_config(variant_scenario(scenario, "drain"))
    assert b_config.seed == lesson("crash-vs-drain").seed
    drain = Run(b_config).until(10.5)
    assert drain.status("delta") in (MemberStatus.DRAINING, MemberStatus.RETIRED)
    drained = [e for e in drain.of_kind("migration_started") if e.details["from"] == "delta"]
    drained += [e for e in drain.of_kind("migrations_started") if "delta" in e.details["from"]]
    assert drained and all(e.details["reason"] == "retire" for e in drained)
    drain.to_end()
    snap = drain.sim.snapshot()
    assert drain.status("delta") is MemberStatus.RETIRED
    assert snap.work_lost == 0 and snap.stranded == 0

    run = Run(lesson("crash-vs-drain"))
    run.until(10.5)  # delta crashed at hour 10; the timeout is 2 hours
    snap = run.sim.snapshot()
    stranded = snap.stranded
    assert stranded > 0, "a crash is not noticed before the heartbeat timeout"
    assert run.status("delta") is MemberStatus.FAILED
    run.until(11.75)
    assert run.sim.snapshot().stranded == stranded  # still nobody knows

    run.until(12.5)
    snap = run.sim.snapshot()
    assert run.status("delta") is MemberStatus.REMOVED
    assert snap.stranded == 0
    # Work since the last checkpoint (hour 8, interval 4 h) is lost: > 0, ≤ 2 h per task.
    assert 0 < snap.work_lost <= stranded * (10.0 - 8.0) + 1e-6
    summary = run.to_end().sim.summary()
    assert summary["crashes"] == 1 and summary["retirements"] == 0


def test_vnodes_balance_opens_as_one_vnode_beside_a_hundred() -> None:
    scenario = load_scenario(LESSONS_DIR / "vnodes-balance.yaml")
    assert scenario.compare is not None
    b_config = scenario_to_config(variant_scenario(scenario, scenario.compare.variant))
    a_config = lesson("vnodes-balance")
    assert (a_config.ring.vnodes, b_config.ring.vnodes) == (1, 100)
    assert a_config.seed == b_config.seed


def test_kubernetes_drain_bin_packing_and_pending_pods() -> None:
    run = Run(lesson("kubernetes-drain")).until(1.0)
    explained = run.sim.explain(0)
    scores = {c["member"]: c["score"] for c in explained["candidates"]}
    best = max(scores.values())
    assert explained["winner"] == min(m for m, s in scores.items() if s == best)  # ties by id
    loads = [run.sim.registry.get(n).load for n in ("node-a", "node-b", "node-c", "node-d")]
    assert loads == [3, 3, 3, 3], "the highest free-capacity score spreads the pods"

    run.until(2.5)  # node-a drained
    assert run.status("node-a") is MemberStatus.RETIRED
    assert run.sim.snapshot().work_lost == 0
    assert [run.sim.registry.get(n).load for n in ("node-b", "node-c", "node-d")] == [4, 4, 4]

    run.until(4.5)  # six more pods, no CPU left anywhere
    assert run.sim.snapshot().pending == 6
    states = run.sim.tasks.state
    assert int(np.sum(states == TaskState.PENDING)) == 6

    run.to_end()  # node-e joined at hour 6 with 8 CPUs
    assert run.sim.snapshot().pending == 0
    assert run.sim.registry.get("node-e").load == 6


def test_agentic_handoff_skills_trust_and_admission() -> None:
    run = Run(lesson("agentic-handoff")).to_end()
    rejected = run.of_kind("member_rejected")
    assert [e.details["member"] for e in rejected] == ["rogue"]
    assert "trust" in str(rejected[0].details["reason"])
    handoffs = run.of_kind("handoff")
    assert handoffs, "sessions reach their context limit"
    assert any(e.details["reason"] == "context_limit" for e in handoffs)
    registry = run.sim.registry
    for i in range(len(run.sim.tasks)):
        packet = run.sim.packet(i)
        if packet.state == "DENIED":
            continue
        for hop in packet.lineage:  # everyone who ever held it had the skill and the trust
            member = registry.get(str(hop["owner"]))
            assert set(packet.capabilities) <= set(member.capabilities), (packet.id, member.id)
            assert member.trust >= 0.75
        assert packet.owner != "rogue"
    handed = [e for e in handoffs if e.details["to"] is not None]
    assert all(e.details["checkpoint"] >= 0 for e in handed)


def _statuses(run: Run, hours: list[float]) -> Iterator[tuple[str, str]]:
    for hour in hours:
        snap = run.until(hour).sim.snapshot()
        yield snap.configured.status, snap.observed.status


def test_churn_storm_drives_health_to_critical() -> None:
    run = Run(lesson("churn-storm"))
    start = run.until(5.75).sim.snapshot()
    assert start.configured.status == "Healthy"
    seen = list(_statuses(run, [11.75, 17.75, 29.75]))
    assert [configured for configured, _ in seen] == ["Degraded", "Degraded", "Critical"]
    end = run.to_end().sim.snapshot()
    assert end.configured.status == "Critical" and end.configured.dhs < 60
    # The observed score follows the real joins and leaves of the trailing window.
    assert end.observed.mcr > 5 * start.observed.mcr
    assert end.observed.dhs < start.observed.dhs - 15
    assert end.observed.status in ("Degraded", "Critical")


def test_governance_denies_the_unauthorised_share_and_the_audit_chain_verifies() -> None:
    run = Run(lesson("governance-audit")).to_end()
    summary = run.sim.summary()
    denied_share = summary["tasks_denied"] / summary["tasks_submitted"]
    assert abs(denied_share - (1 - 0.6)) < 0.03
    denials = run.sim.audit.filter(primitive=Primitive.GOVERNANCE, kind="task_denied")
    assert len(denials) == summary["tasks_denied"]

    lines = [record.to_json_line() for record in run.sim.audit.records]
    head, count = run.sim.audit.head, len(lines)
    assert verify_lines(lines, expected_head=head, expected_count=count).ok
    k = lines.index(denials[len(denials) // 2].to_json_line())
    tampered = [*lines[:k], lines[k].replace('"task_denied"', '"task_completed"'), *lines[k + 1 :]]
    result = verify_lines(tampered, expected_head=head, expected_count=count)
    assert not result.ok and result.bad_index == k
    truncated = verify_lines(lines[:-1], expected_head=head, expected_count=count)
    assert not truncated.ok


def test_trust_weighted_lesson_beats_plain_agent_routing_on_the_same_seed() -> None:
    config = lesson("trust-weighted")
    assert config.paradigm == "trust-weighted"
    runs = {}
    for paradigm in ("trust-weighted", "agentic"):
        sim = Simulation(dataclasses.replace(config, paradigm=paradigm))
        sim.run(hours=24.25)
        assigned = [e.details["member"] for e in sim.audit.filter(kind="task_assigned")]
        runs[paradigm] = (sim, assigned.count("flaky-fast") / len(assigned))
        assert sim.check_invariants() == []
    weighted, plain = runs["trust-weighted"], runs["agentic"]
    # Trust weighs the score: the 50 %-trusted agent gets a smaller share of the work ...
    assert weighted[1] < 0.7 * plain[1]
    # ... so fewer units of work fail and are redone.
    assert weighted[0].counters.retries < plain[0].counters.retries
    first = weighted[0].explain(0)
    assert first["paradigm"] == "trust-weighted" and first["winner"] == "steady-1"
