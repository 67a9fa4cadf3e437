"""Simulation ▸ Experiment…: a sweep run from the window in background processes, drawn as
rows arrive, a clicked run opened in the main window, exports, Cancel, and the heatmap."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.cli import main
from phoenix_gui.qt.experiments.dialog import ExperimentDialog
from phoenix_gui.qt.shell.workbench import open_workbench
from phoenix_gui.resources import resource_path

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
LEFT = QtCore.Qt.MouseButton.LeftButton
LESSON = resource_path("scenarios/vnodes-sweep.yaml")


@pytest.fixture
def window(qtbot, settings, tmp_path: Path, restore_app) -> Iterator[QtWidgets.QMainWindow]:
    QtCore.QStandardPaths.setTestModeEnabled(True)
    win = open_workbench(LESSON, settings=settings, autosave_folder=tmp_path / "autosave")
    assert win.workbench is not None
    win.workbench.document.confirm_discard = lambda _doc: "discard"
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    dialog = win.workbench.experiment_dialog
    if dialog is not None:
        dialog.close()
    win.adapter.pause()
    win.ring_view.stop_animation()
    win.close()
    QtCore.QStandardPaths.setTestModeEnabled(False)


def _open_dialog(window: QtWidgets.QMainWindow) -> ExperimentDialog:
    action = next(a for a in window.sim_menu.actions() if a.text() == "&Experiment…")
    action.trigger()
    dialog = window.workbench.experiment_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, ExperimentDialog) and dialog.isVisible()
    return dialog


def _run_and_watch(qtbot, dialog: ExperimentDialog, timeout_s: float = 90) -> float:
    """Press Run; return the longest gap of a 10 ms timer on the GUI thread meanwhile."""
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000.0)
        last[0] = now

    timer = QtCore.QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    try:
        qtbot.mouseClick(dialog.run_button, LEFT)
        assert dialog.job is not None and dialog.job.running
        qtbot.waitUntil(lambda: not dialog.job.running, timeout=int(timeout_s * 1000))
    finally:
        timer.stop()
    return max(gaps)


def test_the_lesson_fills_the_form_and_a_sweep_runs_in_the_background(
    qtbot, window, tmp_path: Path
) -> None:
    dialog = _open_dialog(window)
    # The lesson's experiment: section.
    assert dialog.param1.currentText() == "vnodes"
    assert dialog.values1.text() == "1,2,4,8,16,32,64,128,300"
    assert dialog.replicates.value() == 10 and dialog.steps.value() == 1
    assert dialog.metric_box.currentText() == "load_std_over_mean"
    dialog.values1.setText("1,16")
    dialog.replicates.setValue(3)
    dialog.workers.setValue(2)
    stall_ms = _run_and_watch(qtbot, dialog)
    assert stall_ms < 500, f"the window stalled {stall_ms:.0f} ms during the sweep"
    assert dialog.progress.value() == dialog.progress.maximum() == 6
    assert dialog.status.text().startswith("Done: 6 of 6 runs, 0 failed")
    mean = dialog.figure._curves[0][2]
    xs, ys = mean.getData()
    assert list(xs) == [1.0, 16.0] and ys[1] < ys[0] / 2  # 16 vnodes: far less spread
    assert len(dialog.figure.scatters[0].points()) == 6

    # Export CSV: the same bytes `phoenix-flight sweep` writes for the same sweep.
    csv_path = tmp_path / "exp.csv"
    dialog.ask_save_path = lambda *_: str(csv_path)
    qtbot.mouseClick(dialog.csv_button, LEFT)
    cli = tmp_path / "cli.csv"
    code = main(["sweep", str(LESSON), "--vary", "vnodes=1,16", "--replicates", "3",
                 "--steps", "1", "--out", str(cli), "--workers", "1"])  # fmt: skip
    assert code == 0 and csv_path.read_bytes() == cli.read_bytes()
    png = tmp_path / "exp.png"
    dialog.ask_save_path = lambda *_: str(png)
    qtbot.mouseClick(dialog.png_button, LEFT)
    assert png.stat().st_size > 1000 and dialog.status.text() == f"Exported {png}"


def _settled_position(qtbot, figure, at: QtCore.QPointF) -> QtCore.QPoint:
    """Where ``at`` (first plot's view coordinates) is on the figure's viewport once the view
    has settled: a plot fits its range to new dots when it next paints and the layout may still
    be resizing, so map only when two paints in a row agree (under load the last rows can arrive
    just before the click, and a stale mapping clicks empty space)."""
    plot = figure.plots[0]
    seen: list[QtCore.QPoint] = []

    def settled() -> bool:
        figure.viewport().repaint()  # paints now, fitting the auto range to the dots
        seen.append(figure.mapFromScene(plot.vb.mapViewToScene(at)))
        return (
            len(seen) > 1 and seen[-1] == seen[-2] and figure.viewport().rect().contains(seen[-1])
        )

    qtbot.waitUntil(settled, timeout=10_000)
    return seen[-1]


def test_clicking_a_point_opens_that_exact_run(qtbot, window) -> None:
    dialog = _open_dialog(window)
    dialog.values1.setText("2,32")
    dialog.replicates.setValue(2)
    dialog.steps.setValue(3)
    _run_and_watch(qtbot, dialog)
    rows = dialog.session.rows  # type: ignore[union-attr]
    target = rows[(1, 1)]  # vnodes 32, second replicate
    # Click its dot where it is drawn (the x axis is logarithmic here: 2 → 32 is 16×... not 50×).
    figure = dialog.figure
    point = _settled_position(
        qtbot, figure, QtCore.QPointF(32.0, float(target["load_std_over_mean"]))
    )
    qtbot.mouseClick(figure.viewport(), LEFT, pos=point)
    assert dialog.last_opened is not None
    assert (dialog.last_opened.cell, dialog.last_opened.replicate) == (1, 1)
    sim = window.adapter.sim
    assert sim.config.seed == int(target["seed"]) and sim.config.ring.vnodes == 32
    assert sim.step_index == 0
    for _ in range(3):
        window.adapter.step_once()
    # A row's head is that of a finished run, whose log ends with its closing record (issue
    # 12); the window's run goes on, so compare the closing record it would write now.
    live = window.adapter.sim
    assert live.audit.closing_record(live.time).hash == target["audit_head"]


def test_cancel_keeps_the_finished_runs(qtbot, window) -> None:
    dialog = _open_dialog(window)
    dialog.values1.setText("1:200:1")
    dialog.replicates.setValue(1)
    dialog.workers.setValue(2)
    qtbot.mouseClick(dialog.run_button, LEFT)
    qtbot.waitUntil(lambda: len(dialog.session.rows) >= 2, timeout=60_000)  # type: ignore[union-attr]
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    qtbot.waitUntil(lambda: not dialog.job.running, timeout=30_000)  # type: ignore[union-attr]
    kept = len(dialog.session.rows)  # type: ignore[union-attr]
    assert 2 <= kept < 200
    assert dialog.status.text().startswith(f"Cancelled: {kept} of 200 runs")
    assert dialog.run_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_bad_values_name_the_field(qtbot, window) -> None:
    dialog = _open_dialog(window)
    dialog.values1.setText("0,5")
    qtbot.mouseClick(dialog.run_button, LEFT)
    assert dialog.job is None
    assert dialog.status.text() == "Values vnodes: must be in [1, 1000], got 0"


def test_two_parameters_draw_mean_and_spread_heatmaps(qtbot, window) -> None:
    dialog = _open_dialog(window)
    dialog.values1.setText("1,8,64")
    dialog.param2.setCurrentText("tasks")
    dialog.values2.setText("2000,8000")
    dialog.replicates.setValue(2)
    _run_and_watch(qtbot, dialog)
    figure = dialog.figure
    mean = figure.images[0].image
    spread = figure.images[1].image
    assert mean.shape == spread.shape == (3, 2) and np.isfinite(mean).all()
    assert mean[2, 0] < mean[0, 0]  # 64 vnodes below 1 vnode
    # Hover and click the top-right cell (64 vnodes, 8000 tasks).
    plot = figure.plots[0]
    scene = plot.vb.mapViewToScene(QtCore.QPointF(1.5, 2.5))
    figure._on_mouse_moved(scene)
    assert figure.hover_text.startswith("vnodes = 64, tasks = 8000: load_std_over_mean mean")
    assert "95 % CI" in figure.hover_text and "nan" not in figure.hover_text.lower()
    with qtbot.waitSignal(figure.runClicked) as clicked:
        qtbot.mouseClick(figure.viewport(), LEFT, pos=figure.mapFromScene(scene))
    cell, replicate = clicked.args
    assert cell == 5 and replicate in (0, 1)
    assert window.adapter.sim.config.ring.vnodes == 64
    assert window.adapter.sim.config.workload.initial_tasks == 8000


def test_closing_the_window_stops_a_running_sweep(qtbot, window) -> None:
    dialog = _open_dialog(window)
    dialog.values1.setText("1:200:1")
    dialog.replicates.setValue(1)
    qtbot.mouseClick(dialog.run_button, LEFT)
    qtbot.waitUntil(lambda: len(dialog.session.rows) >= 1, timeout=60_000)  # type: ignore[union-attr]
    window.close()
    assert dialog.job is not None and not dialog.job.running and dialog.job.cancelled
    assert not dialog.isVisible()
