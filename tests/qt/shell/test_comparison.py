"""Branch here and the A/B split (issue 15, lines 5-8), driven in the real workbench window.

Every window is built by :func:`open_workbench` like ``phoenix-flight gui``; Step is pressed as
a user does (the step runs in slices) and the test waits for run B to take the same step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6 import QtWidgets

from phoenix_gui.qt.shell.main_window import MainWindow
from phoenix_gui.qt.shell.workbench import Workbench
from phoenix_gui.resources import resource_path
from phoenix_gui.scenario import load_scenario
from tests.qt.panels.test_controls import type_into
from tests.qt.shell.stepping import press_step

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

# Members crash at random (crash share 1, a leave an hour) with a checkpoint every 4 hours:
# run A surely loses work. Seed 1: no crash before hour 1, where the tests branch.
CHURNY = """\
schema_version: 1
name: Churny
seed: 1
metrics: {joins: 24, leaves: 24, hours: 24, trust: 1, compliance: 1}
ring: {vnodes: 16}
members:
  generate: 8
  template: {trust: 1, reliability: 1}
workload: {arrival_rate: 0, initial_tasks: 300, work_mean: 10000}
churn: {enabled: true, crash_share: 1}
simulation:
  step_hours: 0.25
  heartbeat_interval: 0.25
  heartbeat_timeout: 0.5
  checkpoint_interval: 4
"""


@pytest.fixture
def open_window(open_workbench_window) -> Any:
    """``open_window(source)``: the whole app's window at 1280×800."""
    return lambda source=None: open_workbench_window(source, size=(1280, 800))


@pytest.fixture
def churny(tmp_path: Path) -> Path:
    path = tmp_path / "churny.yaml"
    path.write_text(CHURNY, encoding="utf-8")
    return path


def bench(window: MainWindow) -> Workbench:
    assert isinstance(window.workbench, Workbench)
    return window.workbench


def step_both(window: MainWindow, qtbot: Any) -> None:
    """Step as a user does; wait until B (following A) has taken the same step."""
    press_step(window, qtbot)
    comparison = bench(window).comparison
    qtbot.waitUntil(lambda: _b_caught_up(window), timeout=20_000)
    assert comparison.run is not None


def _b_caught_up(window: MainWindow) -> bool:
    run = bench(window).comparison.run
    assert run is not None
    return not run.adapter.step_in_progress and run.sim.step_index == window.adapter.sim.step_index


def test_a_branch_with_no_change_stays_identical_to_a_step_for_step(
    open_window, churny, qtbot
) -> None:
    window = open_window(churny)
    comparison = bench(window).comparison
    for _ in range(3):
        press_step(window, qtbot)
    comparison.branch_action.trigger()
    run = comparison.run
    assert run is not None and comparison.split is not None and comparison.split.isVisible()
    assert run.sim.step_index == 3 and run.sim.audit.head == window.adapter.sim.audit.head
    for _ in range(10):
        step_both(window, qtbot)
        a, b = window.adapter.sim, run.sim
        assert (b.step_index, len(b.audit), b.audit.head) == (
            a.step_index,
            len(a.audit),
            a.audit.head,
        )
    shown = comparison.metrics_panel
    assert shown.value("work_lost", "B − A") in ("0.0", "0")


def test_a_branch_with_crash_share_zero_loses_no_work_while_a_does(
    open_window, churny, qtbot
) -> None:
    window = open_window(churny)
    comparison = bench(window).comparison
    for _ in range(4):
        press_step(window, qtbot)
    comparison.branch_action.trigger()
    comparison.side_actions["B"].trigger()
    assert comparison.split is not None
    assert "controls act here" in comparison.split.panes["B"].title.text()
    assert "controls act here" not in comparison.split.panes["A"].title.text()
    type_into(qtbot, window.controls.rows["crash_share"].box, "0")
    window.controls.flush()
    run = comparison.run
    assert run is not None
    assert run.state.value("crash_share") == 0.0
    assert window.state.value("crash_share") == 1.0  # A keeps its own
    for _ in range(16):
        step_both(window, qtbot)
    a, b = window.adapter.sim.snapshot(), run.sim.snapshot()
    assert a.work_lost > 0
    assert b.work_lost == 0
    assert window.adapter.sim.summary()["crashes"] > 0 and run.sim.summary()["crashes"] == 0
    panel = comparison.metrics_panel
    assert panel.value("work_lost", "B") == "0.0"
    assert float(panel.value("work_lost", "A")) > 0
    assert float(panel.value("work_lost", "B − A")) < 0
    # The plots: B's series is its own, dashed over A's.
    assert comparison.series.series("work_lost")[-1] == 0
    assert window.timeseries.series("work_lost")[-1] > 0


def test_play_drives_both_runs_in_lockstep(open_window, churny, qtbot) -> None:
    window = open_window(churny)
    comparison = bench(window).comparison
    press_step(window, qtbot)
    comparison.branch_action.trigger()
    run = comparison.run
    assert run is not None
    gaps: list[int] = []
    window.adapter.stepped.connect(
        lambda _s: gaps.append(window.adapter.sim.step_index - run.sim.step_index)
    )
    window.adapter.set_speed(50)
    window.play_action.trigger()
    assert window.adapter.is_playing
    qtbot.waitUntil(lambda: window.adapter.sim.step_index >= 9, timeout=30_000)
    window.play_action.trigger()
    qtbot.waitUntil(lambda: _b_caught_up(window), timeout=20_000)
    assert gaps and max(gaps) <= 1  # A never started a step before B had taken the last one
    assert run.sim.audit.head == window.adapter.sim.audit.head  # no change: the same run


def test_close_b_returns_to_one_view(open_window, churny, qtbot) -> None:
    window = open_window(churny)
    comparison = bench(window).comparison
    legend_before = window.timeseries.findChildren(QtWidgets.QLabel)[0].text()
    comparison.branch_action.trigger()
    assert comparison.close_action.isEnabled()
    assert window.metrics_dock.widget().currentWidget() is comparison.metrics_panel
    assert all(not c.isVisible() for n, c in window.timeseries.curves.items() if "config" in n)
    step_both(window, qtbot)
    comparison.close_action.trigger()
    assert comparison.run is None and comparison.split is not None and comparison.split.isHidden()
    assert window.stage.layout().indexOf(window.views) == 0
    assert window.metrics_dock.widget().currentWidget() is window.metrics
    assert window.timeseries.findChildren(QtWidgets.QLabel)[0].text() == legend_before
    assert all(c.isVisible() for c in window.timeseries.curves.values())
    assert not comparison.close_action.isEnabled()
    assert not comparison.side_actions["B"].isEnabled()
    assert window.edit_menu.actions()[0] is window.undo_action
    press_step(window, qtbot)  # A goes on alone
    assert window.adapter.sim.step_index == 2
    # Branch here again: B (in the views kept from the first B) starts from this moment.
    comparison.branch_action.trigger()
    assert comparison.split.isVisible() and comparison.run is not None
    assert comparison.run.sim.audit.head == window.adapter.sim.audit.head
    step_both(window, qtbot)
    assert comparison.run.sim.audit.head == window.adapter.sim.audit.head


def test_undo_stays_with_the_run_it_was_made_in(open_window, churny, qtbot) -> None:
    window = open_window(churny)
    comparison = bench(window).comparison
    comparison.branch_action.trigger()
    run = comparison.run
    assert run is not None
    comparison.set_side("B")
    type_into(qtbot, window.controls.rows["trust"].box, "50")
    window.controls.flush()
    assert run.state.value("trust") == 0.5 and window.state.value("trust") == 1.0
    comparison.set_side("A")
    type_into(qtbot, window.controls.rows["trust"].box, "80")
    window.controls.flush()
    assert window.state.value("trust") == 0.8 and run.state.value("trust") == 0.5
    undo = window.edit_menu.actions()[0]
    undo.trigger()  # A's edit, A being chosen
    assert window.state.value("trust") == 1.0 and run.state.value("trust") == 0.5
    comparison.set_side("B")
    assert float(window.controls.values()["trust"]) == 0.5  # the controls show B's values
    undo.trigger()
    assert run.state.value("trust") == 1.0 and window.state.value("trust") == 1.0
    assert not undo.isEnabled()
    # Restart parameters are fixed in B (they shaped the run from its start).
    assert not window.controls.rows["hosts"].slider.isEnabled()
    comparison.set_side("A")
    assert window.controls.rows["hosts"].slider.isEnabled()


def test_saved_comparison_reopens_and_b_runs_identically(
    open_window, churny, qtbot, tmp_path
) -> None:
    window = open_window(churny)
    workbench = bench(window)
    comparison = workbench.comparison
    for _ in range(4):
        press_step(window, qtbot)
    comparison.branch_action.trigger()
    comparison.set_side("B")
    type_into(qtbot, window.controls.rows["crash_share"].box, "0")
    window.controls.flush()
    run = comparison.run
    assert run is not None
    heads = {}
    for _ in range(8):
        step_both(window, qtbot)
        heads[run.sim.step_index] = (len(run.sim.audit), run.sim.audit.head)
    saved = tmp_path / "saved.yaml"
    workbench.document.ask_save_path = lambda _doc: str(saved)
    workbench.file_actions.save_as_action.trigger()  # File ▸ Save As…, as a user saves
    assert workbench.document.path == saved and not workbench.document.is_dirty()
    scenario = load_scenario(saved)
    assert scenario.compare is not None and scenario.compare.variant == "branch"
    variant = scenario.variants["branch"]
    assert variant.branch_at == 1.0 and variant.churn == {"crash_share": 0.0}

    again = open_window(saved)
    comparison = bench(again).comparison
    assert comparison.run is not None and comparison.split is not None
    for _ in range(12):
        step_both(again, qtbot)
        b = comparison.run.sim
        if b.step_index in heads:
            assert (len(b.audit), b.audit.head) == heads[b.step_index], b.step_index
    assert comparison.run.sim.step_index == max(heads)


def test_actions_in_b_after_the_branch_point_are_saved_as_its_timeline(
    open_window, churny, qtbot, tmp_path
) -> None:
    window = open_window(churny)
    workbench = bench(window)
    comparison = workbench.comparison
    for _ in range(2):
        press_step(window, qtbot)
    comparison.branch_action.trigger()
    run = comparison.run
    assert run is not None
    step_both(window, qtbot)
    member = next(m.id for m in run.adapter.member_infos() if m.status == "ACTIVE")
    menu = comparison.build_b_member_menu(member)
    next(a for a in menu.actions() if a.objectName() == "crash-action-B").trigger()
    menu.deleteLater()
    states = {}
    for _ in range(6):
        step_both(window, qtbot)
        snap = run.sim.snapshot()
        states[run.sim.step_index] = (snap.members, snap.stranded, snap.work_lost, snap.pending)
    assert run.sim.registry.get(member).status.value != "ACTIVE"
    assert window.adapter.sim.audit.head != run.sim.audit.head  # A did not get B's crash
    saved = tmp_path / "saved.yaml"
    workbench.document.ask_save_path = lambda _doc: str(saved)
    workbench.file_actions.save_as_action.trigger()
    variant = load_scenario(saved).variants["branch"]
    assert variant.timeline is not None
    assert {"at": 0.75, "kind": "crash", "target": member} in variant.timeline

    again = open_window(saved)
    reopened = bench(again).comparison
    for _ in range(max(states)):
        step_both(again, qtbot)
        assert reopened.run is not None
        b = reopened.run.sim
        if b.step_index in states:
            snap = b.snapshot()
            assert (snap.members, snap.stranded, snap.work_lost, snap.pending) == states[
                b.step_index
            ]


def test_crash_vs_drain_opens_as_crash_left_and_drain_right(open_window, qtbot) -> None:
    window = open_window(resource_path("scenarios/crash-vs-drain.yaml"))
    comparison = bench(window).comparison
    run = comparison.run
    assert run is not None and run.origin == "drain"
    assert comparison.split is not None
    assert "Crash versus drain" in comparison.split.panes["A"].title.text()
    assert "drain" in comparison.split.panes["B"].title.text()
    assert run.sim.config.seed == window.adapter.sim.config.seed
    while window.adapter.sim.time < 13.0:
        window.adapter.step_once()
        comparison.catch_up()
    document = bench(window).document
    comparison.write_into_document()  # what Save does first: B unchanged, the file unchanged
    assert not document.is_dirty() and document.scenario.compare is not None
    a, b = window.adapter.sim, run.sim
    assert a.registry.get("delta").status.value == "REMOVED"
    assert b.registry.get("delta").status.value == "RETIRED"
    assert a.snapshot().work_lost > 0 and b.snapshot().work_lost == 0
    comparison.close_action.trigger()
    window.reset_action.trigger()  # Reset starts the lesson's comparison again
    assert comparison.run is not None and comparison.run.sim.step_index == 0


def test_vnodes_balance_opens_one_vnode_beside_a_hundred(open_window, qtbot) -> None:
    window = open_window(resource_path("scenarios/vnodes-balance.yaml"))
    comparison = bench(window).comparison
    # Both runs (40,000 tasks) are built on worker threads.
    qtbot.waitUntil(
        lambda: not window.adapter.building and comparison.run is not None, timeout=60_000
    )
    assert comparison.run is not None
    assert window.adapter.sim.config.ring.vnodes == 1
    assert comparison.run.sim.config.ring.vnodes == 100
    step_both(window, qtbot)
    a = window.adapter.sim.snapshot().balance
    b = comparison.run.sim.snapshot().balance
    assert b.std / b.mean < 0.5 * (a.std / a.mean)


@pytest.mark.parametrize("presentation", [False, True])
def test_metrics_a_b_and_difference_fit_at_1280x800(open_window, qtbot, presentation) -> None:
    window = open_window(resource_path("scenarios/crash-vs-drain.yaml"))
    workbench = bench(window)
    window.setGeometry(0, 0, 1280, 800)
    workbench.apply_default_layout()
    if presentation:
        workbench.presentation.set_active(window, True)
    comparison = workbench.comparison
    comparison.fit_docks()
    for _ in range(4):
        window.adapter.step_once()
    comparison.catch_up()
    QtWidgets.QApplication.processEvents()
    try:
        panel = comparison.metrics_panel
        assert panel.isVisible()
        assert panel.hidden_parts() == []
        assert comparison.split is not None
        for pane in comparison.split.panes.values():
            assert pane.isVisible() and pane.width() > 150
        a, b = (comparison.split.panes[s].view for s in "AB")
        assert a is not None and b is not None
        assert abs(a.width() - b.width()) <= 2  # the same size: the same scale
    finally:
        if presentation:
            workbench.presentation.set_active(window, False)
