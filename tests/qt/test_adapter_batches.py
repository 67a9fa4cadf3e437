"""The adapter hands views a step's events as one batch, the same events in the same order."""

from __future__ import annotations

from phoenix_gui.engine import MembersConfig, Simulation, SimulationConfig, WorkloadConfig
from phoenix_gui.qt.adapter import SimulationAdapter


def test_one_batch_per_step_equals_the_events_one_by_one(qtbot) -> None:
    adapter = SimulationAdapter(
        SimulationConfig(
            members=MembersConfig(generate=6),
            workload=WorkloadConfig(initial_tasks=300, arrival_rate=40.0, work_mean=2.0),
        )
    )
    batches: list[list] = []
    singles: list = []
    adapter.eventsEmitted.connect(batches.append)
    adapter.eventEmitted.connect(singles.append)
    for _ in range(12):
        before = len(batches)
        result = adapter.step_once()
        assert len(batches) == before + (1 if result.events else 0)  # one signal per step
        if result.events:
            assert batches[-1] == result.events
    assert sum(len(b) for b in batches) == len(singles) > 50
    assert [e for b in batches for e in b] == singles
    adapter.request_join()  # a request reported between steps goes out at once, alone
    adapter.step_once()
    assert any(e.kind == "member_joined" for e in batches[-1])
    adapter.pause()


def test_the_window_keeps_its_runs_log_on_disk_after_every_reset(qtbot) -> None:
    config = SimulationConfig(
        members=MembersConfig(generate=5),
        workload=WorkloadConfig(initial_tasks=200, arrival_rate=40.0, work_mean=2.0),
    )
    adapter = SimulationAdapter(config)
    assert adapter.sim.audit.on_disk
    for _ in range(5):
        adapter.step_once()
    log = adapter.sim.audit
    assert len(log.records) == len(log) > 20
    assert log.records[-1].hash == log.head  # every record so far, read back from the file
    assert log.verify().ok
    adapter.reset()
    assert adapter.sim.audit is not log and adapter.sim.audit.on_disk
    adapter.pause()


def test_a_large_runs_history_keeps_a_smaller_budget(qtbot, monkeypatch) -> None:
    """Issue 11: the window's history of a run of many tasks is kept to LARGE_RUN_HISTORY (its
    budget filled early, so the window's memory is flat after its first minutes); a smaller
    run's keeps the engine's budget (issue 15's 300 MB at 10^4 tasks) — after a reset too."""
    from phoenix_gui.engine import RunHistory
    from phoenix_gui.qt import adapter as adapter_module

    def config(tasks: int) -> SimulationConfig:
        return SimulationConfig(
            members=MembersConfig(generate=5),
            workload=WorkloadConfig(initial_tasks=tasks, arrival_rate=40.0, work_mean=2.0),
        )

    monkeypatch.setattr(adapter_module, "LARGE_RUN_TASKS", 250)
    engine_budget = RunHistory(Simulation(config(10))).budget_bytes
    assert engine_budget > adapter_module.LARGE_RUN_HISTORY
    adapter = SimulationAdapter(config(200))
    assert adapter.history.budget_bytes == engine_budget
    adapter.reset(config(300))
    assert adapter.history.budget_bytes == adapter_module.LARGE_RUN_HISTORY
    adapter.reset(config(100))
    assert adapter.history.budget_bytes == engine_budget
    adapter.pause()
