"""MainWindow driven as a user would: Play, Step, a crash from the member menu, a screenshot."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from phoenix_gui.engine.config import ChurnConfig, SimulationConfig, WorkloadConfig
from phoenix_gui.qt.shell.main_window import MainWindow
from tests.qt.shell.stepping import press_step

# Qt's offscreen platform warns that it cannot pass on top-level size hints; harmless here.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def window(open_main_window) -> MainWindow:
    config = SimulationConfig(
        seed=11,
        churn=ChurnConfig(enabled=False),
        workload=WorkloadConfig(initial_tasks=300),
    )
    return open_main_window(config)


def test_play_advances_time_and_pause_stops_the_timer(window, qtbot) -> None:
    window.adapter.set_speed(120)
    window.play_action.trigger()
    assert window.adapter.is_playing and window.play_action.text() == "Pause"
    qtbot.waitUntil(lambda: window.adapter.sim.step_index >= 3, timeout=5000)
    assert window.adapter.sim.time > 0
    window.play_action.trigger()
    assert not window.adapter.is_playing
    # A short step under way when Pause came finishes (only a long one is cut short).
    qtbot.waitUntil(lambda: not window.adapter.step_in_progress, timeout=5000)
    assert window.status_labels["step"].text() == f"step {window.adapter.sim.step_index}"


def test_step_advances_exactly_one_step(window, qtbot) -> None:
    before = window.adapter.sim.step_index
    with qtbot.waitSignal(window.adapter.stepped, timeout=2000):
        press_step(window, qtbot)
    assert window.adapter.sim.step_index == before + 1
    assert not window.adapter.is_playing
    assert window.status_labels["time"].text() == f"t = {window.adapter.sim.time:.2f} h"


def test_crash_from_the_member_menu_moves_its_tasks_on_screen(window, qtbot, tmp_path) -> None:
    view = window.ring_view
    victim = "host-3"
    victim_index = window.adapter.sim.registry.get(victim).index
    owners_before = dict(zip(view.task_ids.tolist(), view.task_owner_array().tolist(), strict=True))
    held = sorted(t for t, o in owners_before.items() if o == victim_index)
    assert held, "the victim must hold tasks for the test to mean anything"
    kinds: list[str] = []
    window.adapter.eventEmitted.connect(lambda e: kinds.append(e.kind))

    menu = window.build_member_menu(victim)
    crash = next(a for a in menu.actions() if a.objectName() == "crash-action")
    crash.trigger()
    press_step(window, qtbot)
    assert "member_crashed" in kinds
    assert view.stranded_on_screen == len(held)  # its tasks blink, stranded
    screenshot_taken = False
    for _ in range(40):  # heartbeat timeout (1 h) at 0.25 h per step, with margin
        press_step(window, qtbot)
        if "migration_started" in kinds and not screenshot_taken and view.packets_in_flight:
            path = tmp_path / "main-window-migration.png"
            assert window.grab().save(str(path))
            assert path.stat().st_size > 10_000
            screenshot_taken = True
        if "member_removed" in kinds and screenshot_taken:
            break
    assert {"member_crashed", "member_suspect", "member_removed", "migration_started"} <= set(kinds)
    assert screenshot_taken
    owners_after = dict(zip(view.task_ids.tolist(), view.task_owner_array().tolist(), strict=True))
    still_there = [t for t in held if t in owners_after]
    assert still_there, "some moved tasks should still be active"
    assert all(owners_after[t] != victim_index for t in still_there)
    colours = dict(zip(view.task_ids.tolist(), view.task_colour_array().tolist(), strict=True))
    victim_colour = int(np.uint32(view.task_colour_array()[0]))  # any; compare per task below
    del victim_colour
    from phoenix_gui.qt.views.palette import member_color

    assert all(colours[t] == member_color(owners_after[t]).rgba() for t in still_there)
    assert view.stranded_on_screen == 0
    assert victim not in {m.id for m in window.adapter.member_infos()}


def test_retire_and_add_member_go_through_the_engine(window, qtbot) -> None:
    kinds: list[str] = []
    window.adapter.eventEmitted.connect(lambda e: kinds.append(e.kind))
    members = len(window.adapter.member_infos())
    window.add_member_action.trigger()
    menu = window.build_member_menu("host-1")
    next(a for a in menu.actions() if a.objectName() == "retire-action").trigger()
    for _ in range(12):
        press_step(window, qtbot)
    assert "member_joined" in kinds and "member_draining" in kinds
    assert "member_retired" in kinds
    assert len(window.adapter.member_infos()) == members  # one in, one out


def test_clicking_a_member_shows_it_in_the_inspector(window, qtbot) -> None:
    window.ring_view.memberClicked.emit("host-2")
    text = window.inspector.toPlainText()
    assert "host-2" in text and "ACTIVE" in text


def test_reset_with_new_seed_restarts_the_run(window, qtbot) -> None:
    press_step(window, qtbot)
    window.state.edit("seed", 99)  # a new seed restarts the run once the edit settles
    window.reset_action.trigger()
    assert window.adapter.sim.step_index == 0
    assert window.adapter.config.seed == 99
    assert window.status_labels["seed"].text() == "seed 99"


def test_about_box_opens(window, qtbot) -> None:
    box = window.show_about()
    assert "PhoenixFlight" in box.text()
    box.close()


def test_paradigm_change_rebuilds_for_kubernetes(window, qtbot) -> None:
    window.state.edit("paradigm", "kubernetes")
    window.reset_action.trigger()
    assert window.ring_view.paradigm == "kubernetes"
    assert window.adapter.config == replace(window.adapter.config, paradigm="kubernetes")


def test_a_full_disk_under_the_audit_file_is_said_and_loses_nothing(window, monkeypatch) -> None:
    from phoenix_gui.engine import audit_spool
    from tests.engine.test_audit_spool import FullDisk

    disk = FullDisk(room=0)
    monkeypatch.setattr(audit_spool.os, "pwrite", disk)
    audit = window.adapter.sim.audit
    assert audit.on_disk
    while audit.write_error is None:
        press_step(window)
    message = window.statusBar().currentMessage()
    assert "Audit log: cannot write the audit spool: No space left" in message
    assert "kept in memory" in message
    assert audit.verify().ok  # every record still there, chained
    disk.room = 10**9
    while audit.write_error is not None:
        press_step(window)
    assert window.statusBar().currentMessage() == "Audit log: writing to its file again"
    assert audit.verify().ok and audit.verify().count == len(audit)
