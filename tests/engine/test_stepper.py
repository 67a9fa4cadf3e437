"""Issue 11: a step done in pieces is the same step; a cut step is recorded and consistent;
the registry holds at most 5000 live members and says so when it refuses a join."""

from __future__ import annotations

import dataclasses

from phoenix_gui.engine.churn import SHOWABLE_PER_STEP, rate_notes
from phoenix_gui.engine.config import ChurnConfig, MembersConfig, RingConfig, SimulationConfig
from phoenix_gui.engine.governance import MAX_LIVE_MEMBERS, REGISTRY_FULL
from phoenix_gui.engine.metrics import MetricInputs
from phoenix_gui.engine.simulation import Simulation
from phoenix_gui.params import PARAMS

BUSY = SimulationConfig(
    seed=11,
    metrics=MetricInputs(joins=400, leaves=300, hours=4, trust=0.9, compliance=0.9),
    ring=RingConfig(vnodes=8),
)


def test_a_step_in_pieces_writes_the_same_audit_as_a_whole_step() -> None:
    whole, pieces = Simulation(BUSY), Simulation(BUSY)
    for _ in range(6):
        whole.step()
        stepper = pieces.begin_step()
        calls = 1
        while not stepper.advance(1):
            calls += 1
        assert stepper.result is not None and stepper.result.step == pieces.step_index
        assert calls > 1  # it really was done in pieces
    assert pieces.audit.head == whole.audit.head
    assert len(pieces.audit) == len(whole.audit)


def test_a_cut_step_records_what_it_dropped_and_the_run_goes_on() -> None:
    sim = Simulation(BUSY)
    stepper = sim.begin_step()
    for _ in range(5):
        stepper.advance(1)
    total = stepper.total
    stepper.cut()
    while not stepper.advance(1):
        pass
    assert stepper.dropped == total - 5 > 0
    cut = [r.payload for r in sim.audit.records if r.payload["event"] == "step_cut"]
    assert len(cut) == 1
    details = cut[0]["details"]
    assert details["handled"] == 5
    dropped = details["dropped_joins"] + details["dropped_leaves"] + details["dropped_arrivals"]
    assert dropped == stepper.dropped
    assert sim.step_index == 1 and sim.time == BUSY.timing.step_hours
    for _ in range(3):
        sim.step()
    assert sim.audit.verify().ok
    assert sim.check_invariants() == []


def test_joins_beyond_the_cap_are_refused_as_registry_full_and_counted() -> None:
    assert MAX_LIVE_MEMBERS == PARAMS["hosts"].maximum == 5000
    config = SimulationConfig(
        members=MembersConfig(generate=MAX_LIVE_MEMBERS - 2),
        ring=RingConfig(vnodes=1),
        churn=ChurnConfig(enabled=False),
        workload=dataclasses.replace(SimulationConfig().workload, initial_tasks=10),
    )
    sim = Simulation(config)
    for _ in range(5):
        sim.request_join()
    sim.step()
    assert sim.registry.live_count() == MAX_LIVE_MEMBERS
    assert sim.counters.registry_full == 3 and sim.counters.joins == 2
    refused = [
        r.payload["details"]
        for r in sim.audit.records
        if r.payload["event"] == "member_rejected" and r.payload["details"].get("registry_full")
    ]
    assert len(refused) == 3 and refused[0]["reason"] == REGISTRY_FULL
    assert sim.snapshot().registry_full == 3
    assert sim.summary()["registry_full"] == 3
    primitives = {
        r.payload["primitive"]
        for r in sim.audit.records
        if r.payload["event"] == "member_rejected" and r.payload["details"].get("registry_full")
    }
    assert primitives == {"governance"}


def test_rate_notes_say_when_one_step_cannot_show_the_rates() -> None:
    calm = MetricInputs(joins=12, leaves=8, hours=24, trust=0.95, compliance=0.98)
    assert rate_notes(calm, 0.25, MAX_LIVE_MEMBERS, 10) == []
    storm = dataclasses.replace(calm, joins=100_000, leaves=100_000, hours=0.5)
    notes = rate_notes(storm, 0.25, MAX_LIVE_MEMBERS, 10)
    assert any("100,000 joins and leaves in every step" in n for n in notes)
    assert any("registry full" in n for n in notes)
    short = dataclasses.replace(calm, hours=0.1)
    assert any("shorter than one step" in n for n in rate_notes(short, 0.25, 5000))
    edge = dataclasses.replace(calm, joins=(SHOWABLE_PER_STEP + 1) * 2, leaves=0, hours=0.5)
    assert any("joins and leaves in every step" in n for n in rate_notes(edge, 0.25, 5000))
