"""Issue 11: one parameter state, and every place that shows or runs a parameter agrees.

Each path that changes a parameter — a slider drag, typing in the value box, a lesson's
timeline ``set``, opening a file, Reset, a seed or paradigm change, undo and redo — is driven
through the real window (the whole workbench, real widgets, mouse and keys), and then the five
places are compared: the sliders, the Metrics panel, the time series' configured line, the
engine's configuration, and what Save writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine import compute
from phoenix_gui.qt.document.param_state import METRIC_FIELDS, values_of
from phoenix_gui.qt.panels.timeseries import COLUMN_INDEX
from phoenix_gui.qt.shell.main_window import RESET_TIP, MainWindow
from phoenix_gui.scenario import load_config
from tests.qt.panels.test_controls import type_into
from tests.qt.shell.test_workbench_window import (  # noqa: F401  (fixtures)
    autosave_dir,
    bench,
    open_window,
)

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

# J = 12 at t = 0; the timeline sets J = 40 and L = 20 at t = 0.5 h.
LESSON = """\
schema_version: 1
name: Set lesson
seed: 7
metrics: {joins: 12, leaves: 8, hours: 24, trust: 0.9, compliance: 0.95}
ring: {vnodes: 16}
members: {generate: 4}
workload: {initial_tasks: 60}
churn: {enabled: false}
timeline:
  - {at: 0.5, kind: set, values: {joins: 40, leaves: 20}}
"""
SLIDERS = (*METRIC_FIELDS[:5], "crash_share", "hosts", "vnodes", "tasks")


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    path = tmp_path / "set-lesson.yaml"
    path.write_text(LESSON, encoding="utf-8")
    return path


@pytest.fixture
def window(open_window, lesson) -> MainWindow:  # noqa: F811
    return open_window(lesson)


def settle(window: MainWindow, qtbot) -> None:
    """Let coalesced slider edits, a pending restart and a step in progress finish."""
    window.controls.flush()
    qtbot.waitUntil(
        lambda: (
            not window._restart_timer.isActive()
            and not window.adapter.step_in_progress
            and not window.adapter.building
        ),
        timeout=10_000,
    )


def saved_values(window: MainWindow, path: Path) -> dict:
    wb = bench(window)
    wb.document.ask_save_path = lambda _doc: str(path)
    assert wb.document.save_as(path)
    return values_of(load_config(path))


def assert_five_agree(window: MainWindow, qtbot, tmp_path: Path, lesson_set: tuple = ()) -> dict:
    """Sliders, Metrics panel, configured line, engine and Save hold the same values.

    ``lesson_set`` names parameters a timeline ``set`` changed in this run: for them the file
    keeps the scenario's t = 0 value (Reset goes back there), the rest of the window the live one.
    """
    settle(window, qtbot)
    live = window.state.values()
    shown = window.controls.values()
    for name in SLIDERS:
        assert shown[name] == pytest.approx(live[name]), name
    assert window.controls.seed() == live["seed"]
    assert window.controls.paradigm() == live["paradigm"]
    inputs = window.metrics.configured.inputs
    for name in METRIC_FIELDS:
        assert getattr(inputs, name) == pytest.approx(live[name]), name
    expected = compute(inputs, window.adapter.config.bands)
    row = window.timeseries.buffer.rows()[-1]
    assert row[COLUMN_INDEX["mcr_configured"]] == pytest.approx(expected.mcr)
    assert row[COLUMN_INDEX["dhs_configured"]] == pytest.approx(expected.dhs)
    engine = values_of(window.adapter.sim.config)
    assert engine == live
    saved = saved_values(window, tmp_path / f"saved-{len(list(tmp_path.iterdir()))}.yaml")
    assert saved == window.state.start_values()
    for name in live:
        if name not in lesson_set:
            assert saved[name] == live[name], name
    return live


def drag(qtbot, slider: QtWidgets.QSlider, fraction: float) -> None:
    """Press on the handle, move to ``fraction`` of the groove, release: a real mouse drag."""
    opt = QtWidgets.QStyleOptionSlider()
    slider.initStyleOption(opt)
    style = slider.style()
    handle = style.subControlRect(
        QtWidgets.QStyle.ComplexControl.CC_Slider,
        opt,
        QtWidgets.QStyle.SubControl.SC_SliderHandle,
        slider,
    )
    left = QtCore.Qt.MouseButton.LeftButton
    start = handle.center()
    target = QtCore.QPoint(round(slider.width() * fraction), start.y())
    qtbot.mousePress(slider, left, pos=start)
    for k in range(1, 6):
        point = start + (target - start) * (k / 5)
        qtbot.mouseMove(slider, point)
    qtbot.mouseRelease(slider, left, pos=target)


def steps_until(window: MainWindow, qtbot, hours: float) -> None:
    while window.adapter.sim.time < hours:
        window.step_action.trigger()
        settle(window, qtbot)


def test_every_path_leaves_the_five_places_agreeing(window, qtbot, tmp_path) -> None:
    c = window.controls
    assert_five_agree(window, qtbot, tmp_path)

    # A slider drag (real mouse) and typing in the value box.
    drag(qtbot, c.rows["trust"].slider, 0.3)
    live = assert_five_agree(window, qtbot, tmp_path)
    assert live["trust"] < 0.5
    type_into(qtbot, c.rows["joins"].box, "50")
    assert assert_five_agree(window, qtbot, tmp_path)["joins"] == 50

    # Reset keeps the unsaved edit (the bug: the engine went back to 12).
    window.reset_action.trigger()
    assert assert_five_agree(window, qtbot, tmp_path)["joins"] == 50
    assert window.adapter.sim.config.metrics.joins == 50

    # The lesson's set moves the sliders; the file keeps the t = 0 values.
    steps_until(window, qtbot, 0.75)
    live = assert_five_agree(window, qtbot, tmp_path, lesson_set=("joins", "leaves"))
    assert (live["joins"], live["leaves"]) == (40, 20)
    assert window.state.start_values()["joins"] == 50

    # Seed and paradigm changes start again, from the t = 0 values.
    type_into(qtbot, c.seed_box, "99")
    live = assert_five_agree(window, qtbot, tmp_path)
    assert (live["seed"], live["joins"], window.adapter.sim.time) == (99, 50, 0.0)
    c.paradigm_combo.setCurrentIndex(c.paradigm_combo.findData("kubernetes"))
    assert assert_five_agree(window, qtbot, tmp_path)["paradigm"] == "kubernetes"

    # Hosts (a restart parameter) typed in its box.
    type_into(qtbot, c.rows["hosts"].box, "6")
    assert assert_five_agree(window, qtbot, tmp_path)["hosts"] == 6
    # Six generated members registered (trust was dragged to ~30 %: governance may refuse them).
    assert len(window.adapter.sim.registry.members(include_rejected=True)) == 6

    # Undo and redo through the keys.
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Z, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert assert_five_agree(window, qtbot, tmp_path)["hosts"] == 4
    redo = QtCore.Qt.KeyboardModifier.ControlModifier | QtCore.Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Z, redo)
    assert assert_five_agree(window, qtbot, tmp_path)["hosts"] == 6

    # Opening a file: its values everywhere, and no undo history from the old one.
    other = tmp_path / "other.yaml"
    other.write_text(LESSON.replace("joins: 12", "joins: 3"), encoding="utf-8")
    assert bench(window).file_actions.open_path(str(other))
    live = assert_five_agree(window, qtbot, tmp_path)
    assert (live["joins"], live["seed"], live["paradigm"]) == (3, 7, "phoenix")
    assert not window.undo_action.isEnabled()


def test_a_lesson_set_moves_the_sliders_visibly_and_reset_restores_t0(
    window, qtbot, tmp_path
) -> None:
    c = window.controls
    assert c.values()["joins"] == 12 and not c.highlighted()
    steps_until(window, qtbot, 0.75)
    assert c.values()["joins"] == 40 and c.rows["joins"].box.value() == 40
    assert c.highlighted() == {"joins", "leaves"}
    assert "palette(highlight)" in c.rows["joins"].box.styleSheet()
    assert "by the lesson at t = 0.5 h" in c.rows["joins"].box.toolTip()
    qtbot.waitUntil(lambda: not c.highlighted(), timeout=5000)  # the mark is brief
    assert c.rows["joins"].box.styleSheet() == ""

    window.reset_action.trigger()
    settle(window, qtbot)
    assert (c.values()["joins"], c.values()["leaves"]) == (12, 8)
    assert window.adapter.sim.config.metrics.joins == 12
    assert "lesson" not in c.rows["joins"].box.toolTip()
    steps_until(window, qtbot, 0.75)  # and the lesson's set replays from the start
    assert window.adapter.sim.config.metrics.joins == 40 and c.values()["joins"] == 40
    assert not bench(window).document.is_dirty()  # a lesson's set is not an edit


def test_reset_says_what_it_does(window) -> None:
    assert "including edits not saved" in RESET_TIP
    assert window.reset_action.toolTip().startswith(RESET_TIP)
    assert window.controls.reset_button.toolTip() == RESET_TIP


def test_dirty_means_different_from_the_file_and_a_drag_is_one_undo(window, qtbot) -> None:
    c, doc = window.controls, bench(window).document
    type_into(qtbot, c.rows["leaves"].box, "9")
    settle(window, qtbot)
    assert doc.is_dirty() and window.isWindowModified()
    type_into(qtbot, c.rows["leaves"].box, "8")  # back to the file's value
    settle(window, qtbot)
    assert not doc.is_dirty() and not window.isWindowModified()

    window.state.undo_stack.clear()
    drag(qtbot, c.rows["compliance"].slider, 0.2)  # many values on the way: one command
    settle(window, qtbot)
    assert window.state.undo_stack.count() == 1 and doc.is_dirty()
    assert window.edit_menu.actions()[0] is window.undo_action
    window.undo_action.trigger()  # Edit ▸ Undo
    settle(window, qtbot)
    assert c.values()["compliance"] == pytest.approx(0.95)
    assert window.adapter.sim.config.metrics.compliance == pytest.approx(0.95)
    assert not doc.is_dirty()


def test_a_value_the_rate_bound_refuses_is_refused_by_the_sliders_too(window, qtbot) -> None:
    c = window.controls
    type_into(qtbot, c.rows["joins"].box, "100000")
    type_into(qtbot, c.rows["hours"].box, "0.01")  # J/Δt = 10^7 per hour: too many
    settle(window, qtbot)
    assert c.values()["hours"] == 24  # back to the state's value
    assert window.adapter.sim.config.metrics.hours == 24
    assert "hours" in window.statusBar().currentMessage()
    assert "events per hour" in window.statusBar().currentMessage()


def test_a_64_bit_seed_from_a_file_is_the_seed_everywhere(window, qtbot, tmp_path) -> None:
    big = 2**62 + 12345  # a sweep's per-run seeds are this size
    other = tmp_path / "big-seed.yaml"
    other.write_text(LESSON.replace("seed: 7", f"seed: {big}"), encoding="utf-8")
    assert bench(window).file_actions.open_path(str(other))
    live = assert_five_agree(window, qtbot, tmp_path)
    assert live["seed"] == big == window.controls.seed() == int(window.controls.seed_box.text())
    type_into(qtbot, window.controls.seed_box, str(big + 1))
    assert assert_five_agree(window, qtbot, tmp_path)["seed"] == big + 1
