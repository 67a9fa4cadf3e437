"""Issue 18: trust that matters, honest counters, ratios that mean what they say."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from phoenix_gui.engine.config import (
    GovernanceConfig,
    MembersConfig,
    MemberSpec,
    SimulationConfig,
    TimingConfig,
    WorkloadConfig,
)
from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.engine.simulation import Simulation
from phoenix_gui.engine.tasks import TaskState, checkpoint_hash

QUIET = MetricInputs(joins=0, leaves=0, hours=24, trust=0.95, compliance=1.0)


def _cfg(paradigm: str = "phoenix", **over: object) -> SimulationConfig:
    cfg = SimulationConfig(
        seed=11,
        paradigm=paradigm,  # type: ignore[arg-type]
        metrics=QUIET,
        members=MembersConfig(generate=5),
        workload=WorkloadConfig(initial_tasks=300, work_mean=6.0, arrival_rate=0.0),
    )
    return dataclasses.replace(cfg, **over)  # type: ignore[arg-type]


# -- 2. trust is one thing ----------------------------------------------------------------


def _with_trust(trust: float) -> Simulation:
    metrics = dataclasses.replace(QUIET, trust=trust)
    # Admission at 0.4 so both runs keep all five members: the difference is the work itself.
    cfg = _cfg(metrics=metrics, governance=GovernanceConfig(min_member_trust=0.4))
    sim = Simulation(cfg)
    sim.run(hours=24)
    return sim


def test_low_trust_measurably_slows_work_same_seed() -> None:
    low, high = _with_trust(0.5), _with_trust(0.99)
    assert low.audit.head != high.audit.head  # different runs, not only a different T_obs
    # How: half the units of work fail at T = 0.5 and are redone, so tasks finish later.
    assert low.counters.retries > 20 * high.counters.retries > 0
    assert low.counters.work_redone > 20 * high.counters.work_redone
    assert low.counters.completed < 0.9 * high.counters.completed
    assert low.counters.work_done < 0.7 * high.counters.work_done  # throughput, in hours

    # Completion time: the tasks both runs finished took longer at T = 0.5.
    def finished(sim: Simulation) -> dict[int, float]:
        return {e.details["task"]: e.time for e in sim.audit.filter(kind="task_completed")}

    a, b = finished(low), finished(high)
    both = sorted(set(a) & set(b))
    assert len(both) > 100
    assert np.mean([a[t] for t in both]) > 1.3 * np.mean([b[t] for t in both])
    failed = low.audit.filter(kind="work_units_failed")
    assert sum(e.details["count"] for e in failed) == low.counters.retries
    # Observed T is the measured success rate of those units, near the members' trust.
    for sim, trust in ((low, 0.5), (high, 0.99)):
        c = sim.counters
        t_obs = sim.summary()["observed_inputs"]["trust"]
        assert t_obs == pytest.approx(c.successes / c.attempts, abs=1e-6)
        assert t_obs == pytest.approx(trust, abs=0.03)
        assert c.attempts - c.successes == c.retries


def test_generated_members_draw_trust_around_t_listed_keep_theirs() -> None:
    listed = MemberSpec(id="listed", trust=0.7, reliability=0.8)
    cfg = _cfg(members=MembersConfig(generate=6, listed=(listed,)))
    a, b = Simulation(cfg), Simulation(cfg)
    trusts = [a.registry.get(f"host-{i}").trust for i in range(6)]
    assert trusts == [b.registry.get(f"host-{i}").trust for i in range(6)]  # same seed
    assert all(0.93 <= t <= 0.97 for t in trusts) and len(set(trusts)) == 6
    assert a.registry.get("listed").trust == 0.7
    assert a.registry.get("listed").reliability == 0.8
    assert a.registry.get("host-0").reliability == 0.99  # reliability: its own property
    other = Simulation(dataclasses.replace(cfg, seed=12))
    assert [other.registry.get(f"host-{i}").trust for i in range(6)] != trusts


def test_work_failures_keep_the_model_sound() -> None:
    sim = _with_trust(0.5)
    assert sim.check_invariants() == []
    same = _with_trust(0.5)
    assert same.audit.head == sim.audit.head  # deterministic


# -- 3. trust-weighted --------------------------------------------------------------------


def _tw(members: tuple[MemberSpec, ...], tasks: int = 0, min_trust: float = 0.0) -> Simulation:
    cfg = _cfg(
        "trust-weighted",
        members=MembersConfig(generate=0, listed=members),
        workload=WorkloadConfig(
            initial_tasks=tasks, work_mean=1000.0, arrival_rate=0.0, min_trust=min_trust
        ),
    )
    return Simulation(cfg)


def test_trust_weighted_scores_reliability_times_trust_over_one_plus_load() -> None:
    members = (
        MemberSpec(id="a", trust=0.9, reliability=0.9),  # 0.81
        MemberSpec(id="b", trust=1.0, reliability=0.8),  # 0.80
        MemberSpec(id="c", trust=0.6, reliability=1.0),  # 0.60
    )
    sim = _tw(members, tasks=1)
    explained = sim.explain(0)
    assert explained["winner"] == "a"
    assert explained["rule"].endswith("score = (reliability × trust) / (1 + load)")
    scores = {c["member"]: c["score"] for c in explained["candidates"]}
    assert scores == {"a": 0.81, "b": 0.8, "c": 0.6}
    sim.submit_task()
    sim.step()
    second = sim.explain(1)
    # a now has one task: 0.81 / 2 = 0.405 < b's 0.8.
    assert second["winner"] == "b"
    assert {c["member"]: c["score"] for c in second["candidates"]}["a"] == 0.405


def test_trust_weighted_filters_on_policy_and_breaks_ties_by_id() -> None:
    members = (
        MemberSpec(id="z", trust=0.8, reliability=1.0),
        MemberSpec(id="y", trust=0.8, reliability=1.0),
        MemberSpec(id="low", trust=0.6, reliability=1.0),
    )
    sim = _tw(members, tasks=1, min_trust=0.7)
    explained = sim.explain(0)
    assert explained["winner"] == "y"  # tie at 0.8: the smaller id
    assert {c["member"] for c in explained["candidates"]} == {"y", "z"}  # "low" is filtered


def test_trust_weighted_runs_with_churn_and_stays_sound() -> None:
    cfg = _cfg("trust-weighted", metrics=dataclasses.replace(QUIET, joins=20, leaves=20))
    sim = Simulation(cfg)
    sim.run(hours=24)
    assert sim.counters.completed > 0 and sim.counters.leaves > 0
    assert sim.check_invariants() == []


# -- 4. graceful moves measured end to end ------------------------------------------------


def test_real_drains_lose_nothing_measured() -> None:
    sim = Simulation(_cfg())
    sim.run(hours=2)
    sim.request_retire("host-1")
    sim.run(hours=2)
    assert sim.counters.migrations_completed > 0
    assert sim.counters.work_lost_graceful == 0.0
    assert sim.check_invariants() == []


def test_a_faulty_transfer_with_a_stale_checkpoint_is_counted() -> None:
    slow = TimingConfig(validation_failure=0.0, bandwidth_mb_per_hour=64.0)  # 1 h transfers
    sim = Simulation(_cfg(timing=slow))
    sim.run(hours=2)
    sim.request_retire("host-1")
    sim.step()
    assert sim.transfers
    tid, tr = next(iter(sorted(sim.transfers.items())))
    stopped = float(sim.tasks.raw("stop_progress")[tid])
    assert stopped == tr.progress > 0.5
    # Inject the fault: the transfer carries a checkpoint 0.5 h older than the stop (with a
    # matching digest, so validation passes and only the end-to-end measure can tell).
    tr.progress -= 0.5
    tr.ckpt_time -= 0.5
    tr.digest = checkpoint_hash(tid, tr.progress, tr.ckpt_time)
    sim.run(hours=2)
    assert sim.counters.work_lost_graceful == pytest.approx(0.5)
    assert sim.summary()["work_lost_graceful"] == pytest.approx(0.5)
    assert any("graceful moves lost" in p for p in sim.check_invariants())


# -- 5. crash cost: rollback and time stranded ---------------------------------------------


def test_work_delayed_counts_task_hours_stranded_until_detection() -> None:
    cfg = _cfg(timing=TimingConfig(heartbeat_timeout=1.0, heartbeat_interval=0.25))
    sim = Simulation(cfg)
    sim.run(hours=1.5)
    victim = sim.registry.get("host-2")
    owned = sim.tasks_of(victim.index)
    running = owned[sim.tasks.raw("state")[owned] == TaskState.RUNNING]
    sim.request_crash("host-2")
    sim.run(hours=3)
    crashed = sim.audit.filter(kind="member_crashed")[0]
    removed = sim.audit.filter(kind="member_removed")[0]
    waited = removed.time - crashed.time
    assert waited > 0
    expected = running.size * waited
    assert removed.details["work_delayed"] == pytest.approx(expected)
    assert sim.counters.work_delayed == pytest.approx(expected)
    s = sim.summary()
    assert s["work_delayed"] == pytest.approx(expected, abs=1e-5) and s["work_lost"] > 0
    row = sim.snapshot().row()
    assert row["work_delayed"] == pytest.approx(expected, abs=1e-5)
    assert sim.check_invariants() == []


def test_summary_gives_tasks_pending_and_events_ignored() -> None:
    sim = Simulation(_cfg())
    sim.request_retire("nobody")
    sim.request_crash("nobody-else")
    sim.step()
    s = sim.summary()
    assert s["events_ignored"] == 2
    assert s["tasks_pending"] == sim.assigner.pending_count()


# -- 7. overhead ratio -----------------------------------------------------------------------


def test_overhead_counts_evictions_and_shows_an_ideal_only_on_the_ring() -> None:
    kube = _cfg(
        "kubernetes",
        members=MembersConfig(generate=2, prefix="node-", template=MemberSpec(id="t", cpu=4)),
        workload=WorkloadConfig(initial_tasks=8, work_mean=1000.0, cpu_demand=1.0, arrival_rate=0),
    )
    sim = Simulation(kube)
    sim.request_join(MemberSpec(id="node-x", kind="node", cpu=1, memory=16))
    sim.step()
    join = sim.changes[-1]
    assert (join.kind, join.moved, join.ideal) == ("join", 0, None)
    sim.request_retire("node-0")  # 4 tasks; node-x has room for 1, node-1 is full
    sim.step()
    leave = sim.changes[-1]
    assert leave.moved == 4  # 1 moved + 3 back to PENDING
    assert leave.ideal is None and sim.snapshot().row()["last_change_ideal"] == ""
    ring = Simulation(_cfg())
    ring.request_join(None)
    ring.step()
    assert ring.changes[-1].ideal == pytest.approx(1 / 6)


# -- 8. kubernetes defaults and the PENDING warning ---------------------------------------


def test_default_kubernetes_hosts_fit_the_default_tasks_with_headroom() -> None:
    sim = Simulation(SimulationConfig(paradigm="kubernetes"))
    assert sim.assigner.pending_count() == 0
    cols = sim.columns
    n = cols.size
    used = cols.cpu_used[:n].sum() / cols.cpu[:n].sum()
    assert 0.5 < used < 0.9  # room to spare, still a real cluster
    assert sim.summary()["warnings"] == []


def test_warning_when_more_than_a_tenth_of_the_pods_are_pending() -> None:
    cfg = dataclasses.replace(
        SimulationConfig(paradigm="kubernetes"),
        workload=WorkloadConfig(initial_tasks=3000, arrival_rate=0.0),
    )
    sim = Simulation(cfg)
    (warning,) = sim.summary()["warnings"]
    assert "are PENDING" in warning and "(56 %)" in warning
    assert sim.snapshot().warnings == (warning,)


# -- 10. retirement by eviction ------------------------------------------------------------


@pytest.mark.parametrize("paradigm", ["phoenix", "kubernetes", "trust-weighted"])
def test_evict_retirement_sends_tasks_to_pending_at_their_checkpoint(paradigm: str) -> None:
    prefix = {"kubernetes": "node-"}.get(paradigm, "host-")
    members = MembersConfig(generate=5, prefix=prefix)
    cfg = _cfg(paradigm, retirement="evict", members=members)
    sim = Simulation(cfg)
    sim.run(hours=1.5)  # 0.5 h past the checkpoint at 1.0
    victim = sim.registry.get(f"{prefix}1")
    owned = sim.tasks_of(victim.index)
    running = owned[sim.tasks.raw("state")[owned] == TaskState.RUNNING]
    progress = sim.tasks.progress_at(running, sim.time)
    cprog, _ = sim.tasks.checkpoint_at(running, sim.time, 1.0)
    sim.request_retire(f"{prefix}1")
    sim.step()
    assert victim.status.value == "RETIRED"
    assert victim.load == 0  # load reset
    retired = sim.audit.filter(kind="member_retired")[-1].details
    assert retired["mode"] == "evict" and retired["evicted"] == owned.size
    assert retired["work_lost"] == pytest.approx(float(np.sum(progress - cprog)))
    assert sim.counters.work_lost_evicted == pytest.approx(retired["work_lost"])
    assert sim.counters.work_lost_graceful == 0.0
    evicted = sim.audit.filter(kind="tasks_evicted")[-1].details
    assert evicted["count"] == owned.size
    owners = sim.tasks.raw("owner")[owned]
    assert (owners != victim.index).all()  # rescheduled elsewhere
    assert sim.changes[-1].moved == owned.size and sim.changes[-1].ideal is None
    assert sim.summary()["retirement"] == "evict"
    assert sim.check_invariants() == []
    assert not sim.audit.filter(kind="member_draining")
    assert math.isfinite(sim.summary()["work_lost_evicted"])
