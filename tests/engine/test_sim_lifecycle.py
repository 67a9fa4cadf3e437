"""Crashes and discovery, requests at step boundaries, timeline, snapshots and packets."""

from __future__ import annotations

import pytest

from phoenix_gui.engine.config import (
    MembersConfig,
    MemberSpec,
    SimulationConfig,
    TimelineEvent,
    TimingConfig,
    WorkloadConfig,
)
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.engine.members import MemberStatus
from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.engine.simulation import Simulation
from phoenix_gui.engine.tasks import TaskState, checkpoint_hash
from phoenix_gui.params import ParamError

QUIET = MetricInputs(joins=0, leaves=0, hours=24, trust=1.0, compliance=1.0)


def _sim(**over: object) -> Simulation:
    base: dict[str, object] = {
        "metrics": QUIET,
        "members": MembersConfig(generate=4),
        "workload": WorkloadConfig(initial_tasks=200, work_mean=500.0, arrival_rate=0.0),
        "timing": TimingConfig(heartbeat_timeout=1.0, checkpoint_interval=1.0),
    }
    base.update(over)
    return Simulation(SimulationConfig(**base))  # type: ignore[arg-type]


def test_crash_strands_tasks_until_the_heartbeat_timeout() -> None:
    sim = _sim()
    sim.run(hours=1.5)  # 0.5 h since the last checkpoint at 1.0
    victim = sim.registry.get("host-1")
    owned = sim.tasks_of(victim.index)
    progress = sim.tasks.progress_at(owned, sim.time)
    sim.request_crash("host-1")
    sim.step()  # crash at t = 1.5
    assert victim.status is MemberStatus.FAILED
    assert sim.snapshot().stranded == owned.size
    assert (sim.tasks.state[owned] == TaskState.STRANDED).all()
    crashed = sim.audit.filter(kind="member_crashed")[0].details
    assert crashed["work_lost"] == pytest.approx(0.5 * owned.size)
    frozen = sim.tasks.progress_at(owned, sim.time)
    assert frozen == pytest.approx(progress - 0.5)  # back at the 1.0 h checkpoint, no progress
    sim.run(hours=0.5)  # t = 2.25: last heartbeat 1.5, timeout 1.0 → suspect at 2.5
    assert victim.status is MemberStatus.FAILED
    sim.run(hours=0.25)  # t = 2.5: silent for the whole timeout
    assert sim.registry.get("host-1").status is MemberStatus.SUSPECT
    assert sim.snapshot().stranded == owned.size
    sim.run(hours=0.25)  # one more missed heartbeat: removed, tasks resume elsewhere
    assert sim.registry.get("host-1").status is MemberStatus.REMOVED
    assert sim.snapshot().stranded == 0
    assert not (sim.tasks.state[owned] == TaskState.STRANDED).any()
    kinds = [r.kind for r in sim.audit.records]
    assert (
        kinds.index("member_crashed")
        < kinds.index("member_suspect")
        < kinds.index("member_removed")
    )
    assert sim.check_invariants() == []


def test_requests_apply_at_the_next_boundary_and_are_recorded() -> None:
    sim = _sim()
    seen: list[Event] = []
    stop = sim.subscribe(seen.append)
    sim.set_param("compliance", 0.5)
    assert sim.config.metrics.compliance == 1.0  # not yet
    with pytest.raises(ParamError):
        sim.set_param("trust", 1.5)
    with pytest.raises(ValueError):
        sim.set_param("vnodes", 3)
    sim.step()
    assert sim.config.metrics.compliance == 0.5
    changed = [e for e in seen if e.kind == "param_changed"]
    assert changed[0].details == {"name": "compliance", "old": 1.0, "new": 0.5}
    assert changed[0].primitive is Primitive.SYSTEM
    stop()
    count = len(seen)
    sim.step()
    assert len(seen) == count


def test_trust_slider_moves_generated_members_trust_not_reliability() -> None:
    own = MemberSpec(id="own", trust=0.8, reliability=0.7)
    sim = _sim(members=MembersConfig(generate=2, listed=(own,)))
    before = sim.registry.get("host-0")
    assert before.trust == 1.0  # T = 1: drawn around it, but never above 1
    sim.set_param("trust", 0.6)
    sim.step()
    host = sim.registry.get("host-0")
    assert 0.58 <= host.trust <= 0.62 and host.trust != 0.6  # drawn around T, each its own
    assert sim.columns.trust[host.index] == host.trust
    assert host.reliability == 0.99  # reliability is its own property
    assert (sim.registry.get("own").trust, sim.registry.get("own").reliability) == (0.8, 0.7)


def test_timeline_events_fire_at_their_hour() -> None:
    timeline = (
        TimelineEvent(at=0.5, kind="caption", text="watch host-0", pause=True),
        TimelineEvent(at=1.0, kind="retire", target="host-0"),
        TimelineEvent(at=1.0, kind="join"),
        TimelineEvent(at=1.25, kind="burst", count=2),
        TimelineEvent(at=1.5, kind="set", values=(("joins", 30.0),)),
        TimelineEvent(at=2.0, kind="submit", count=5),
        TimelineEvent(at=2.0, kind="crash", target="nobody"),
    )
    sim = _sim(timeline=timeline)
    sim.run(hours=3)
    times = {r.kind: r.time for r in reversed(sim.audit.records)}
    assert times["caption"] == 0.5
    assert times["member_draining"] == 1.0
    assert sim.registry.get("host-0").status is MemberStatus.RETIRED
    assert sim.counters.joins >= 3
    assert sim.config.metrics.joins == 30
    assert sim.counters.submitted == 205
    ignored = sim.audit.filter(kind="request_ignored")[0].details
    assert ignored["member"] == "nobody"


def test_snapshot_and_packet() -> None:
    sim = _sim(metrics=MetricInputs(joins=12, leaves=8, hours=24, trust=0.95, compliance=0.98))
    sim.run(hours=12)
    snap = sim.snapshot()
    assert snap.configured.as_dict() == {
        "mcr": 0.8333, "wmcr": 0.5833, "si": 0.5455, "dhs": 82.5, "status": "Healthy",
    }  # fmt: skip
    assert snap.balance.members == snap.members
    assert snap.observed.inputs.hours == pytest.approx(12)
    pkt = sim.packet(3)
    assert pkt.id == "task-3" and pkt.state in {s.name for s in TaskState}
    ck = pkt.checkpoint
    assert ck["sha256"] == checkpoint_hash(3, float(ck["progress"]), float(ck["time"]))
    assert 0 <= pkt.progress <= pkt.work
    assert pkt.lineage[0]["reason"] == "assigned"


def test_leave_below_min_members_is_suppressed_and_counted() -> None:
    sim = _sim(
        members=MembersConfig(generate=2),
        metrics=MetricInputs(joins=0, leaves=400, hours=24, trust=1.0, compliance=1.0),
    )
    sim.run(hours=4)
    assert sim.registry.count(MemberStatus.ACTIVE) == 1
    assert sim.counters.suppressed_leaves > 0
    assert len(sim.audit.filter(kind="leave_suppressed")) == sim.counters.suppressed_leaves
