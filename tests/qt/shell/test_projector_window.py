"""The projector view of the whole window: Metrics whole at classroom sizes, a clean Reset,
paradigm-specific statistics, the first start maximised (then remembered)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6 import QtCore

from phoenix_gui.qt.panels.metrics_panel import MetricsPanel
from phoenix_gui.qt.shell.workbench import open_workbench
from tests.qt.child_process import run_python
from tests.qt.snapshot_double import make_snapshot

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def open_window(qtbot, settings, tmp_path: Path, restore_app):
    QtCore.QStandardPaths.setTestModeEnabled(True)
    opened = []

    def build():
        window = open_workbench(None, settings=settings, autosave_folder=tmp_path / "autosave")
        window.workbench.document.confirm_discard = lambda _doc: "discard"
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        opened.append(window)
        return window

    yield build
    for window in opened:
        window.close()
    QtCore.QStandardPaths.setTestModeEnabled(False)


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
    window.step_action.trigger()
    window.reset_action.trigger()
    assert window.inspector.toPlainText() == ""
    window.step_action.trigger()
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
    args = ["-m", "phoenix_gui", "gui", "--self-test", "--steps", "8", "--size", size, "--lessons"]
    proc = run_python(*args, *(["--presentation"] if presentation else []), timeout=300)
    assert proc.returncode == 0, proc.stderr
    layout = json.loads(proc.stdout.strip().splitlines()[-1])["layout"]
    assert layout["metrics_hidden_rows"] == 0, layout["metrics_hidden"]
    assert layout["caption_covers_ring"] is False
    assert layout["label_overlaps"] == 0
    assert layout["dot_share_max_error_pct"] <= 2.0
