"""Issue 11, acceptance 4 and 5: the window keeps answering whatever the inputs.

The case that froze the window for ten minutes — J and L at their maximum, Δt low, one Step —
now runs in slices with the event loop turning in between, shows a busy indicator with its
progress, and Esc cuts it with the audit log still verifying. A big run is built on a worker
thread. No timing is asserted here (tests are never timed): the proof that the window answers
is that its own timers fire while the step is still in progress.
"""

from __future__ import annotations

import pytest
from PySide6 import QtCore

from phoenix_gui.engine import MAX_LIVE_MEMBERS, SimulationConfig
from phoenix_gui.qt.shell.main_window import MainWindow
from phoenix_gui.qt.shell.stall_probe import StallProbe

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def window(open_main_window) -> MainWindow:
    return open_main_window(SimulationConfig(seed=3))


def test_the_step_that_froze_the_window_runs_in_slices_and_esc_cuts_it(window, qtbot) -> None:
    for name, value in (("hours", 0.5), ("joins", 100_000), ("leaves", 100_000)):
        assert window.state.edit(name, value)  # where dragging the sliders puts them
    notes = window.metrics.rate_note
    assert notes.isVisible() and "joins and leaves in every step" in notes.text()
    assert f"cap of {MAX_LIVE_MEMBERS:,} live members" in notes.text()

    probe = StallProbe()
    probe.start()
    window.step_action.trigger()
    assert window.adapter.step_in_progress  # Step returned to the event loop at once
    qtbot.waitUntil(lambda: window.busy_bar.isVisible(), timeout=20_000)
    ticks_while_busy = probe.ticks
    qtbot.waitUntil(lambda: probe.ticks >= ticks_while_busy + 5, timeout=20_000)
    assert window.adapter.step_in_progress  # the timer fired while the step went on
    assert window.busy_bar.maximum() > window.busy_bar.value() > 0
    assert "Esc" in window.busy_label.text()

    qtbot.keyClick(window, QtCore.Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.adapter.step_in_progress, timeout=30_000)
    probe.stop()
    sim = window.adapter.sim
    assert sim.step_index == 1 and not window.busy_bar.isVisible()
    cut = [r.payload["details"] for r in sim.audit.records if r.payload["event"] == "step_cut"]
    assert len(cut) == 1 and cut[0]["dropped_joins"] > 0
    assert sim.audit.verify().ok
    assert window.status_labels["step"].text() == "step 1"


def test_space_during_a_long_step_stops_it_instead_of_playing(window, qtbot) -> None:
    for name, value in (("hours", 0.5), ("joins", 100_000), ("leaves", 100_000)):
        window.state.edit(name, value)
    window.step_action.trigger()
    qtbot.waitUntil(lambda: window.adapter.is_busy, timeout=20_000)
    window.play_action.trigger()  # Space
    assert not window.adapter.is_playing and not window.play_action.isChecked()
    qtbot.waitUntil(lambda: not window.adapter.step_in_progress, timeout=30_000)
    assert window.adapter.sim.audit.verify().ok


def test_a_big_run_is_built_on_a_worker_thread(window, qtbot) -> None:
    window.state.edit("hosts", 300)  # 300 × 100 vnodes: too big to build on the GUI thread
    qtbot.waitUntil(lambda: window.adapter.building, timeout=5_000)
    assert window.busy_bar.isVisible() and "Starting a new run" in window.busy_label.text()
    window.play_action.trigger()  # nothing to play until the run is there
    assert not window.adapter.is_playing
    qtbot.waitUntil(lambda: not window.adapter.building, timeout=60_000)
    assert window.adapter.sim.registry.live_count() == 300
    assert window.adapter.config.members.generate == 300
    assert not window.busy_bar.isVisible()
    window.adapter.step_once()
    assert window.adapter.sim.step_index == 1
