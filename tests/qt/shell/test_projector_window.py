"""The projector view of the whole window: Metrics whole at classroom sizes, a clean Reset,
paradigm-specific statistics, the first start maximised (then remembered)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.qt.panels.metrics_panel import MetricsPanel
from tests.qt.child_process import run_python
from tests.qt.shell.stepping import press_step
from tests.qt.snapshot_double import make_snapshot

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def open_window(open_workbench_window):
    return lambda: open_workbench_window(None)


def test_first_start_is_maximised_then_the_users_choice_is_remembered(open_window) -> None:
    window = open_window()  # the offscreen screen is smaller than 1920×1080
    assert window.windowState() & QtCore.Qt.WindowState.WindowMaximized
    window.setWindowState(QtCore.Qt.WindowState.WindowNoState)
    window.setGeometry(10, 10, 700, 500)
    window.close()
    again = open_window()
    assert not again.windowState() & QtCore.Qt.WindowState.WindowMaximized
    assert again.width() == 700  # (its height may grow to the docks' minimum)


def test_reset_clears_the_inspector_and_the_selection(open_window, qtbot) -> None:
    window = open_window()
    member = window.adapter.member_infos()[0].id
    window.inspect_member(member)
    assert member in window.inspector.toPlainText()
    press_step(window)
    window.reset_action.trigger()
    assert window.inspector.toPlainText() == ""
    press_step(window)
    assert window.inspector.toPlainText() == ""  # nothing inspected comes back


def test_the_ideal_share_is_a_ring_statistic_only(qtbot) -> None:
    panel = MetricsPanel()
    qtbot.addWidget(panel)
    snapshot = make_snapshot(8)
    panel.update_snapshot(snapshot)
    assert "ideal" in panel.stat_labels["last_change"].text()
    panel.set_paradigm("kubernetes")
    panel.update_snapshot(snapshot)
    text = panel.stat_labels["last_change"].text()
    assert "moved" in text and "ideal" not in text


def test_switching_paradigm_tells_the_metrics_panel(open_window) -> None:
    window = open_window()
    window.controls.set_paradigm("kubernetes")
    window.controls.paradigmChanged.emit("kubernetes")
    assert window.adapter.sim.config.paradigm == "kubernetes"
    assert window.metrics.paradigm == "kubernetes"


@pytest.mark.slow
@pytest.mark.parametrize("size", ["1280x800", "1366x768", "1920x1080"])
@pytest.mark.parametrize("presentation", [False, True])
def test_metrics_whole_caption_beside_the_ring_at_classroom_sizes(size, presentation) -> None:
    """Start, Reset, mid-run and every bundled lesson, measured by the self-test."""
    # The stall bound is loosened: this test is about the layout (a shared machine may be busy;
    # tests/qt/shell/test_selftest.py checks the bound itself).
    args = ["-m", "phoenix_gui", "gui", "--self-test", "--steps", "8", "--size", size,
            "--lessons", "--max-stall-ms", "60000"]  # fmt: skip
    proc = run_python(*args, *(["--presentation"] if presentation else []), timeout=300)
    assert proc.returncode == 0, proc.stderr
    layout = json.loads(proc.stdout.strip().splitlines()[-1])["layout"]
    assert layout["metrics_hidden_rows"] == 0, layout["metrics_hidden"]
    assert layout["caption_covers_ring"] is False
    assert layout["narration_cut"] is False
    assert layout["label_overlaps"] == 0
    assert layout["labels_detached"] == []
    assert layout["dot_share_max_error_pct"] <= 2.0


JOIN_LESSON = """\
schema_version: 1
name: Join lesson
description: Six hosts; a seventh joins at hour 1.
seed: 7
ring:
  vnodes: 16
members:
  generate: 6
workload:
  initial_tasks: 300
  work_mean: 10000
churn:
  enabled: false
timeline:
  - at: 0
    kind: caption
    text: A new host is about to join. Watch {panel:balance}.
    pause: true
  - at: 1
    kind: join
    member: {id: kilo}
  - at: 1.5
    kind: caption
    text: It joined. Raise {control:vnodes} and press {control:reset}.
    pause: true
  - at: 3
    kind: caption
    text: End of lesson.
"""


@pytest.fixture
def join_lesson(tmp_path: Path) -> Path:
    path = tmp_path / "join.yaml"
    path.write_text(JOIN_LESSON, encoding="utf-8")
    return path


def test_a_lesson_walks_from_its_first_caption_and_reset_returns_to_it(
    open_window, join_lesson, qtbot
) -> None:
    window = open_window()
    bench = window.workbench
    assert bench.file_actions.open_path(str(join_lesson))
    strip, lessons = bench.overlay, bench.lessons
    # Shown as soon as it opens, the reference as the real label, nothing held yet.
    assert strip.isVisible() and strip.counter.text() == "1 / 3"
    assert strip.text() == "A new host is about to join. Watch Balance."
    assert not lessons.waiting
    # Play after reading it: its own moment does not hold the run a second time.
    press_step(window)
    assert not lessons.waiting and lessons.index == 0
    while window.adapter.sim.time < 1.0:
        press_step(window)
    assert not strip.isVisible()  # kilo joined: "about to join" would be stale now
    while not lessons.waiting:
        press_step(window)
    assert strip.counter.text() == "2 / 3" and "Virtual nodes" in strip.text()
    assert not strip.geometry().intersects(window.ring_view.geometry())
    window.activateWindow()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is window)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_PageUp)  # a presenter's clicker
    assert lessons.index == 0 and "(earlier)" in strip.counter.text()
    window.reset_action.trigger()
    assert strip.isVisible() and lessons.index == 0 and strip.counter.text() == "1 / 3"
    assert window.timeseries.plots[0].getViewBox().viewRange()[0][0] >= 0.0


def test_a_reset_with_another_setup_shows_no_stale_caption(open_window, join_lesson) -> None:
    window = open_window()
    bench = window.workbench
    assert bench.file_actions.open_path(str(join_lesson))
    assert bench.overlay.isVisible()
    window.controls.set_values({"vnodes": 100.0})
    window.controls.paramChanged.emit("vnodes", 100.0)
    window.reset_action.trigger()
    assert window.adapter.sim.config.ring.vnodes == 100
    assert not bench.overlay.isVisible()  # "16 vnodes" captions do not describe this run
    bench.lessons.restartRequested.emit()  # ⟲ restarts with the setup as it is now
    assert not bench.overlay.isVisible()


def test_every_member_is_clickable_while_a_caption_shows(open_window, join_lesson) -> None:
    window = open_window()
    window.resize(1280, 800)
    window.workbench.apply_default_layout()
    assert window.workbench.file_actions.open_path(str(join_lesson))
    assert window.workbench.overlay.isVisible()
    view = window.ring_view
    for info in window.adapter.member_infos():
        point = view.mapTo(window, view.mapFromScene(view.member_position(info.id)))
        child = window.childAt(point)
        assert child is view or view.isAncestorOf(child), info.id


@pytest.mark.parametrize(
    "values",
    [
        {"joins": 100_000.0, "leaves": 100_000.0, "hours": 0.5},
        {"joins": 0.0, "leaves": 0.0, "hours": 10_000.0, "trust": 0.0, "compliance": 0.0},
    ],
)
def test_extreme_sliders_leave_every_metrics_value_readable(open_window, values) -> None:
    window = open_window()
    window.resize(1280, 800)
    window.workbench.apply_default_layout()
    window.controls.set_values(values)
    window.metrics.show_values(window.controls.values())
    QtCore.QCoreApplication.processEvents()
    assert window.metrics.hidden_parts() == []
