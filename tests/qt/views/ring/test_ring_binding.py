"""The ring's task dots: every step on small runs; on big ones paced by their cost, catching up."""

from __future__ import annotations

import numpy as np
import pytest

from phoenix_gui.engine import ChurnConfig, MembersConfig, SimulationConfig, WorkloadConfig
from phoenix_gui.qt.views.ring import ring_binding
from phoenix_gui.qt.views.ring.ring_binding import RingBinding

# Showing a top-level window on the offscreen platform logs this harmless Qt warning.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

CONFIG = SimulationConfig(
    seed=5,
    members=MembersConfig(generate=8),
    churn=ChurnConfig(enabled=False),
    workload=WorkloadConfig(initial_tasks=400, arrival_rate=200.0, work_mean=1.0),
)


def drawn_equals_engine(window) -> bool:
    view, now = window.ring_view, window.adapter.task_arrays()
    return np.array_equal(view.task_ids, now.ids) and np.array_equal(
        view.task_owner_array(), now.owner
    )


def binding_of(window) -> RingBinding:
    (binding,) = window.ring_view.findChildren(RingBinding)
    return binding


def test_small_runs_draw_every_step_at_once(open_main_window) -> None:
    window = open_main_window(CONFIG)
    for _ in range(5):
        window.adapter.step_once()
        assert drawn_equals_engine(window)


def test_big_runs_pace_the_dots_by_cost_and_catch_up(open_main_window, qtbot, monkeypatch):
    monkeypatch.setattr(ring_binding, "BIG_TASKS", 100)  # this run counts as big
    window = open_main_window(CONFIG)
    binding = binding_of(window)
    window.adapter.step_once()  # the first update measures the cost
    assert binding._dots_cost > 0 and binding._dots_count >= 100
    binding._dots_cost = 0.05  # as if a rebuild and paint took 50 ms: pace to ~2.5 per second
    deferred = 0
    for _ in range(6):
        window.adapter.step_once()
        deferred += binding._dots_timer.isActive()
    assert deferred >= 5  # later steps wait for the pending update instead of each drawing
    assert not drawn_equals_engine(window)  # the dots lag the engine for a moment …
    qtbot.waitUntil(lambda: not binding._dots_timer.isActive(), timeout=3000)
    assert drawn_equals_engine(window)  # … then show exactly the last step


def test_a_crash_updates_the_dots_at_once_even_when_paced(open_main_window, monkeypatch):
    monkeypatch.setattr(ring_binding, "BIG_TASKS", 100)
    window = open_main_window(CONFIG)
    binding = binding_of(window)
    window.adapter.step_once()
    binding._dots_cost = 10.0  # would wait a long time
    window.adapter.step_once()
    assert binding._dots_timer.isActive()
    victim = window.adapter.sim.registry.by_index(0).id
    window.adapter.request_crash(victim)
    window.adapter.step_once()
    assert window.ring_view.stranded_on_screen > 0
    binding._dots_timer.stop()


def test_a_hidden_view_keeps_no_update_pending_and_catches_up_when_shown(
    open_main_window, monkeypatch
) -> None:
    monkeypatch.setattr(ring_binding, "BIG_TASKS", 100)
    window = open_main_window(CONFIG)
    binding = binding_of(window)
    window.adapter.step_once()
    binding._dots_cost = 10.0  # the next update would wait a long time
    window.adapter.step_once()
    assert binding._dots_timer.isActive()
    window.hide()  # a closed window: no timer may outlive it
    assert not binding._dots_timer.isActive()
    assert not drawn_equals_engine(window)
    window.show()
    assert drawn_equals_engine(window)  # shown again, the dots are the engine's at once
