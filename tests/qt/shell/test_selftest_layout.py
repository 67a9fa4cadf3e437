"""The self-test's layout check measures the window once it has caught up with its content:
a Metrics panel about to be widened is not reported cut off, one held narrow is."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.qt.shell.selftest import _settled_layout

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

NARROW = 260  # narrower than the Metrics panel needs at any classroom size


def _narrow_metrics_then_step(window) -> None:
    """The Metrics dock squeezed, then a step: the panel's new content asks for room."""
    window.resizeDocks([window.metrics_dock], [NARROW], QtCore.Qt.Orientation.Horizontal)
    window.adapter.step_once()


def test_a_panel_that_asks_for_room_and_gets_it_is_not_cut_off(open_workbench_window, qtbot):
    window = open_workbench_window(None)
    app = QtWidgets.QApplication.instance()
    assert _settled_layout(window, app)["metrics_hidden"] == []
    _narrow_metrics_then_step(window)
    layout = _settled_layout(window, app)
    assert window.metrics_dock.width() > NARROW  # widened on the panel's request
    assert layout["metrics_hidden"] == []


def test_a_panel_held_narrow_is_reported_cut_off(open_workbench_window, qtbot):
    window = open_workbench_window(None)
    app = QtWidgets.QApplication.instance()
    window.metrics_dock.setMaximumWidth(NARROW)
    _narrow_metrics_then_step(window)
    hidden = _settled_layout(window, app)["metrics_hidden"]
    assert "column Observed" in hidden
