"""The timeline in the real window (issue 15, lines 4 and 8): scrub back, look, come back.

Built like ``phoenix-flight gui`` (:func:`open_workbench`); the run is stepped with the Step
action as a user does, with GUI requests (a slider, Add member, a crash) made along the way so
that replaying them is part of what is checked.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from phoenix_gui.engine import Simulation
from phoenix_gui.qt.panels.timeline import viewing_text
from phoenix_gui.qt.shell.main_window import MainWindow
from phoenix_gui.qt.shell.workbench import Workbench
from phoenix_gui.scenario import load_config
from tests.qt.shell.stepping import press_step

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

# The crash-vs-drain lesson's run (six named hosts, 600 tasks, no random churn, two scripted
# leaves) without its A/B comparison: one run, one timeline.
ONE_RUN = """\
schema_version: 1
name: Timeline lesson
seed: 3
metrics: {joins: 0, leaves: 1, hours: 24}
ring: {vnodes: 100}
members:
  generate: 0
  listed: [{id: alpha}, {id: bravo}, {id: charlie}, {id: delta}, {id: echo}, {id: foxtrot}]
workload: {arrival_rate: 0, initial_tasks: 600, work_mean: 10000}
churn: {enabled: false}
simulation: {step_hours: 0.25, heartbeat_interval: 0.5, heartbeat_timeout: 2}
timeline:
  - {at: 1.0, kind: retire, target: bravo}
  - {at: 2.0, kind: crash, target: delta}
"""


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    path = tmp_path / "timeline.yaml"
    path.write_text(ONE_RUN, encoding="utf-8")
    return path


@pytest.fixture
def open_window(open_workbench_window, lesson):
    return lambda: open_workbench_window(lesson)


def bench(window: MainWindow) -> Workbench:
    assert window.workbench is not None
    return window.workbench


def run_with_requests(window: MainWindow, qtbot, steps: int) -> None:
    """Step ``steps`` times, with a slider change, a join and a crash made through the window."""
    for n in range(steps):
        if n == 3:
            window.state.edit("joins", 9.0)
        if n == 5:
            window.add_member_action.trigger()
        if n == 8:
            member = window.adapter.member_infos()[0].id
            window.adapter.request_crash(member)
        press_step(window, qtbot)


def scrub_to(window: MainWindow, qtbot, step: int) -> None:
    """Move the timeline's slider to ``step`` as a drag does, and let the window follow."""
    window.time_machine.bar.slider.setValue(step)
    qtbot.waitUntil(lambda: window.time_machine.model.viewed_step == step, timeout=10_000)


def test_scrub_back_then_resume_gives_the_same_audit_head(open_window, qtbot) -> None:
    scrubbed, straight = open_window(), open_window()
    for window in (scrubbed, straight):
        run_with_requests(window, qtbot, 12)
    for step in (3, 9, 0, 11, 4):
        scrub_to(scrubbed, qtbot, step)
    scrubbed.time_machine.bar.resume_button.click()
    assert scrubbed.time_machine.model.viewed_step is None
    assert scrubbed.adapter.is_playing
    scrubbed.adapter.pause()
    for window in (scrubbed, straight):
        while window.adapter.sim.step_index < 16:
            press_step(window, qtbot)
    assert scrubbed.adapter.sim.audit.head == straight.adapter.sim.audit.head
    assert len(scrubbed.adapter.sim.audit) == len(straight.adapter.sim.audit)


def test_scrubbing_shows_the_past_state_everywhere(open_window, qtbot, lesson) -> None:
    window = open_window()
    now_members_at: dict[int, int] = {}
    window.adapter.stepped.connect(
        lambda snap: now_members_at.setdefault(
            window.adapter.sim.step_index, len(window.adapter.member_infos())
        )
    )
    run_with_requests(window, qtbot, 14)
    assert bench(window).recorder is not None  # built: it must follow the timeline too
    assert now_members_at[7] == now_members_at[5] + 1  # the join made at step 5
    live = window.adapter.live_sim
    scrub_to(window, qtbot, 2)
    # The moment shown is a fresh run of 2 steps (no request was made before step 2).
    fresh = Simulation(load_config(lesson))
    fresh.run(steps=2)
    shown = window.adapter.sim
    assert shown is not live and shown.step_index == 2
    assert shown.audit.head == fresh.audit.head
    assert len(window.adapter.member_infos()) == fresh.registry.live_count()
    np.testing.assert_array_equal(window.adapter.owner_table(), fresh.ring.owner_table())
    active = np.flatnonzero(fresh.tasks.active_mask())
    qtbot.waitUntil(lambda: len(window.ring_view.task_ids) == len(active), timeout=5_000)
    np.testing.assert_array_equal(window.ring_view.task_ids, active)
    np.testing.assert_array_equal(
        window.ring_view.task_owner_array(), np.asarray(fresh.tasks.owner)[active]
    )
    # Panels, plots, the recorder and the status bar show that moment.
    assert window.status_labels["step"].text() == "step 2"
    assert bench(window).recorder.model.rowCount() == len(fresh.audit)
    assert window.timeseries.cursor_hours == pytest.approx(fresh.time)
    # After the GUI's join and crash (replayed from the history): one member more, then the
    # crashed one is gone from the live count as it was in the live run.
    scrub_to(window, qtbot, 7)
    assert len(window.adapter.member_infos()) == now_members_at[7]
    # Back to now: the live run again, untouched.
    window.time_machine.bar.now_button.click()
    assert window.adapter.sim is live and window.timeseries.cursor_hours is None
    assert bench(window).recorder.model.rowCount() == len(live.audit)


def test_the_past_is_read_only_with_a_banner(open_window, qtbot) -> None:
    window = open_window()
    run_with_requests(window, qtbot, 10)
    live = window.adapter.live_sim
    head = live.audit.head
    scrub_to(window, qtbot, 5)
    bar = window.time_machine.bar
    hours = 5 * window.adapter.config.timing.step_hours
    assert bar.banner.isVisible()
    assert bar.banner_text == viewing_text(hours, 5)
    assert bar.banner_text.startswith(f"viewing t = {hours:.2f} h")
    assert bar.resume_button.text() == "Resume" and bar.now_button.text() == "Back to now"
    assert not window.controls.isEnabled()
    assert not window.add_member_action.isEnabled()
    assert live.audit.head == head  # looking changed nothing
    # Step first comes back to now, then steps the live run.
    press_step(window, qtbot)
    assert window.time_machine.model.viewed_step is None and not bar.banner.isVisible()
    assert window.controls.isEnabled() and window.adapter.sim is live
    assert live.step_index == 11


def test_keys_move_along_the_timeline(open_window, qtbot) -> None:
    window = open_window()
    run_with_requests(window, qtbot, 6)
    keys = {a.shortcut().toString(): a for a in window.time_machine.actions}
    model = window.time_machine.model

    def press(key: str) -> None:  # a jump is shown once its slices are made
        keys[key].trigger()
        qtbot.waitUntil(lambda: not model.jumping, timeout=10_000)

    press("Alt+Left")
    assert model.viewed_step == 5
    press("Home")
    assert model.viewed_step == 0
    press("Alt+Right")
    assert window.adapter.sim.step_index == 1
    keys["End"].trigger()
    assert window.time_machine.model.viewed_step is None
    assert window.adapter.sim.step_index == 6


def test_simulation_at_is_a_run_that_continues(open_window, qtbot) -> None:
    # The hook for "Branch here": a Simulation at the viewed step that steps on exactly.
    window = open_window()
    run_with_requests(window, qtbot, 12)
    seen: list[object] = []
    window.time_machine.model.viewedStepChanged.connect(seen.append)
    scrub_to(window, qtbot, 9)
    assert seen == [9]
    branch = window.time_machine.model.simulation_at(9)
    branch.step()
    branch.step()
    scrub_to(window, qtbot, 11)
    assert branch.audit.head == window.adapter.sim.audit.head


def test_the_banner_never_makes_the_central_area_wider(qtbot) -> None:
    # Its words shorten with "…" (whole in the tooltip): a long "step 123456" must not push
    # the Metrics dock off the window's edge.
    from phoenix_gui.qt.panels.timeline import TimelineBar

    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.set_range(0, 200_000, 0.25)
    bar.show_moment(5)
    short = bar.minimumSizeHint().width()
    bar.show_moment(123_456)
    assert bar.minimumSizeHint().width() <= short
    assert bar.banner_text == viewing_text(123_456 * bar._step_hours, 123_456)
    assert bar.banner_label.toolTip() == bar.banner_text


def test_a_drag_forward_steps_the_moment_on_screen_on(open_window, qtbot) -> None:
    window = open_window()
    run_with_requests(window, qtbot, 9)
    scrub_to(window, qtbot, 2)
    shown = window.adapter.sim
    scrub_to(window, qtbot, 7)  # past the slider change and the join: replayed on the way
    assert window.adapter.sim is shown and shown.step_index == 7  # stepped on, not rebuilt
    fresh = window.time_machine.model.simulation_at(7)
    assert (shown.audit.head, len(shown.audit)) == (fresh.audit.head, len(fresh.audit))
    assert window.status_labels["step"].text() == "step 7"
    assert len(window.adapter.member_infos()) == fresh.registry.live_count()
    active = np.flatnonzero(fresh.tasks.active_mask())
    qtbot.waitUntil(lambda: len(window.ring_view.task_ids) == len(active), timeout=5_000)
    np.testing.assert_array_equal(window.ring_view.task_ids, active)
    scrub_to(window, qtbot, 4)  # backwards: rebuilt from the keyframe
    assert window.adapter.sim is not shown and window.adapter.sim.step_index == 4
    assert shown.step_index == 7  # the moment given up before is not touched again


def test_a_far_jump_is_made_in_slices_between_passes_of_the_event_loop(
    open_window, qtbot, monkeypatch
) -> None:
    # One slice a pass (no time for more): the window keeps showing the moment it had while
    # the jump's keyframe is thawed and its steps replayed, then shows the step asked for.
    import phoenix_gui.qt.document.history as timeline_model

    monkeypatch.setattr(timeline_model, "JUMP_SLICE_MS", 0.0)
    window = open_window()
    run_with_requests(window, qtbot, 12)
    model, live = window.time_machine.model, window.adapter.live_sim
    passes = 0
    model.view(9)  # the keyframe at 0, then nine steps replayed (a crash and a join among them)
    while model.jumping:
        assert window.adapter.sim is live and model.viewed_step is None  # still now on screen
        qtbot.wait(1)
        passes += 1
    assert passes >= 9 and model.viewed_step == 9
    expected = model.simulation_at(9)
    assert (window.adapter.sim.audit.head, len(window.adapter.sim.audit)) == (
        expected.audit.head,
        len(expected.audit),
    )
    assert window.status_labels["step"].text() == "step 9"
    # A step asked for during a jump is gone to once that jump's moment is shown.
    model.view(3)
    assert model.jumping and model.target_step == 3
    model.view(5)
    assert model.target_step == 5
    seen: list[object] = []
    model.viewedStepChanged.connect(seen.append)
    qtbot.waitUntil(lambda: not model.jumping, timeout=10_000)
    assert seen == [3, 5] and window.adapter.sim.step_index == 5
    # Back to now gives a jump under way up: the live run is shown and stays.
    model.view(1)
    assert model.jumping
    window.time_machine.bar.now_button.click()
    assert not model.jumping and window.adapter.sim is live
    qtbot.wait(20)
    assert window.adapter.sim is live and model.viewed_step is None
    # So does the run going on meanwhile (a step from now): the jump asked before is stale.
    model.view(2)
    assert model.jumping
    window.adapter.step_once()
    qtbot.waitUntil(lambda: not model.jumping, timeout=10_000)
    qtbot.wait(20)
    assert window.adapter.sim is live and model.viewed_step is None and live.step_index == 13


def test_a_jump_drops_the_flights_of_the_moment_left(open_window, qtbot) -> None:
    # The ring's flights and fades are dropped before it gets the past moment's members (its
    # markers and names are built once): none of the moment left is drawn on the past ring.
    window = open_window()
    view = window.ring_view
    for _ in range(6):  # bravo retires at 1.0 h (step 4): its tasks fly, its marker fades
        press_step(window)
    assert view.packets_in_flight or view._ghosts
    scrub_to(window, qtbot, 2)
    assert view.packets_in_flight == 0 and not view._ghosts
    members = window.adapter.member_infos()
    assert "bravo" in {m.id for m in members}  # not gone yet at step 2
    assert len(view._markers.data) == len(members)
    labels, looks = set(view.visible_labels()), [tuple(p) for p in view._markers.getData()]
    view.reset_animation()  # settling again changes nothing: the jump left it settled
    assert set(view.visible_labels()) == labels
    assert [tuple(p) for p in view._markers.getData()] == looks
