"""Kubernetes pending/placement, agentic admission and hand-offs, phoenix explanations."""

from __future__ import annotations

from phoenix_gui.engine.config import (
    MembersConfig,
    MemberSpec,
    SimulationConfig,
    WorkloadConfig,
)
from phoenix_gui.engine.events import Event
from phoenix_gui.engine.members import MemberStatus
from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.engine.simulation import Simulation
from phoenix_gui.engine.tasks import TaskState

QUIET = MetricInputs(joins=0, leaves=0, hours=24, trust=1.0, compliance=1.0)


def _kube(nodes: int, tasks: int, work: float = 1000.0) -> Simulation:
    cfg = SimulationConfig(
        paradigm="kubernetes",
        metrics=QUIET,
        members=MembersConfig(generate=nodes, prefix="node-", template=MemberSpec(id="t", cpu=4)),
        workload=WorkloadConfig(
            initial_tasks=tasks, work_mean=work, cpu_demand=1.0, arrival_rate=0.0
        ),
    )
    return Simulation(cfg)


def test_kubernetes_task_that_fits_nowhere_waits_until_a_big_node_joins() -> None:
    sim = _kube(nodes=2, tasks=0)
    sim.submit_task(cpu=8.0, memory=1.0)
    sim.step()
    assert sim.tasks.state[0] == TaskState.PENDING
    assert sim.snapshot().pending == 1
    sim.step()
    assert sim.tasks.state[0] == TaskState.PENDING  # still nothing with 8 free cores
    sim.request_join(MemberSpec(id="big-node", kind="node", cpu=16.0, memory=64.0))
    sim.step()
    assert sim.tasks.state[0] == TaskState.RUNNING
    assert sim.packet(0).owner == "big-node"
    explained = sim.explain(0)
    assert explained["winner"] == "big-node"
    assert [c["member"] for c in explained["candidates"]] == ["big-node"]
    assert sim.check_invariants() == []


def test_kubernetes_full_cluster_places_waiting_tasks_as_room_appears() -> None:
    sim = _kube(nodes=2, tasks=12, work=1.0)  # 8 slots of 1 cpu: 4 wait
    state = sim.tasks.state
    assert int((state == TaskState.RUNNING).sum()) == 8
    assert int((state == TaskState.PENDING).sum()) == 4
    sim.run(steps=40)
    assert sim.counters.completed == 12
    assert sim.snapshot().pending == 0
    assert sim.check_invariants() == []


def test_kubernetes_score_prefers_the_emptier_node_and_ties_go_to_the_smaller_id() -> None:
    sim = _kube(nodes=3, tasks=1)
    assert sim.packet(0).owner == "node-0"  # all equal: smallest id
    sim.submit_task()
    sim.step()
    assert sim.packet(1).owner == "node-1"  # node-0 now has less free capacity


def _agents(*specs: MemberSpec, work: float = 10.0) -> Simulation:
    cfg = SimulationConfig(
        paradigm="agentic",
        metrics=QUIET,
        members=MembersConfig(listed=specs, generate=0),
        workload=WorkloadConfig(initial_tasks=0, work_mean=work, capabilities=("code",)),
    )
    return Simulation(cfg)


def test_agent_below_the_trust_minimum_is_rejected_at_registration() -> None:
    sim = _agents(
        MemberSpec(id="good", kind="agent", trust=0.9, capabilities=("code",)),
        MemberSpec(id="shady", kind="agent", trust=0.2, capabilities=("code",)),
    )
    assert sim.registry.get("good").status is MemberStatus.ACTIVE
    rejected = sim.registry.rejected()
    assert [m.id for m in rejected] == ["shady"]
    assert rejected[0].status is MemberStatus.REJECTED
    reasons = [r.details for r in sim.audit.filter(kind="member_rejected")]
    assert reasons and "below the policy minimum" in reasons[0]["reason"]
    steps = [r.details for r in sim.audit.filter(kind="registration_step")]
    shady = [d for d in steps if d["member"] == "shady"]
    assert [(d["step"], d["ok"]) for d in shady] == [(1, True), (2, False)]
    good = [d["step"] for d in steps if d["member"] == "good"]
    assert good == [1, 2, 3, 4, 5, 6, 7]


def test_context_limit_hand_off_carries_the_checkpoint() -> None:
    a = MemberSpec(id="a", kind="agent", accuracy=1.0, context_limit=2.0, capabilities=("code",))
    b = MemberSpec(id="b", kind="agent", accuracy=1.0, context_limit=2.0, capabilities=("code",))
    sim = _agents(a, b, work=1000.0)
    handoffs: list[Event] = []
    sim.subscribe(lambda e: handoffs.append(e) if e.kind == "handoff" else None)
    sim.submit_task(capabilities=("code",))
    sim.run(hours=5)
    assert len(handoffs) >= 2
    first = handoffs[0].details
    assert first["reason"] == "context_limit"
    assert first["checkpoint"] == 2.0  # the whole session's work travels with it
    assert first["from"] != first["to"]
    packet = sim.packet(0)
    assert [entry["reason"] for entry in packet.lineage][1:3] == ["context_limit"] * 2
    assert packet.progress > 2.0  # resumed from the summary checkpoint, not from zero


def test_agent_errors_hand_off_and_drop_only_the_erring_step() -> None:
    spec = MemberSpec(id="x", kind="agent", accuracy=0.5, context_limit=100, capabilities=("code",))
    other = MemberSpec(
        id="y", kind="agent", accuracy=0.5, context_limit=100, capabilities=("code",)
    )
    sim = _agents(spec, other, work=1000.0)
    sim.submit_task(capabilities=("code",))
    sim.run(hours=10)
    errors = [r.details for r in sim.audit.filter(kind="handoff")]
    assert errors and all(d["reason"] == "agent_error" for d in errors)
    assert all(0 < d["lost"] <= sim.config.timing.step_hours + 1e-12 for d in errors)
    assert sim.counters.work_lost_errors > 0
    assert sim.check_invariants() == []


def test_phoenix_explain_walks_the_ring() -> None:
    sim = Simulation(SimulationConfig(metrics=QUIET))
    info = sim.explain(5)
    assert info["winner"] == sim.packet(5).owner
    assert info["walk"]["task_token"] == int(sim.tasks.token[5])
