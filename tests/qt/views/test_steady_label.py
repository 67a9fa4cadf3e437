"""SteadyLabel and the timeline's end time: a time that changes every step lays nothing out."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.panels.timeline import TimelineBar
from phoenix_gui.qt.views.steady_label import SteadyLabel


class _LayoutRequests(QtCore.QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.LayoutRequest:
            self.count += 1
        return False


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_end_time_changing_every_step_relays_out_only_when_it_gains_a_digit(qtbot) -> None:
    holder = QtWidgets.QWidget()
    qtbot.addWidget(holder)
    bar = TimelineBar(holder)
    QtWidgets.QVBoxLayout(holder).addWidget(bar)
    holder.show()
    bar.set_range(0, 1, 0.25)
    QtWidgets.QApplication.processEvents()
    requests = _LayoutRequests()
    bar.installEventFilter(requests)
    for latest in range(2, 600):  # 0.50 h … 149.75 h: two more digits
        bar.set_range(0, latest, 0.25)
        QtWidgets.QApplication.processEvents()
    assert bar.end_label.text() == "149.75 h · now"
    assert requests.count <= 2  # at "10.00 h" and "100.00 h" at most; a QLabel: every step
    assert bar.end_label.width() >= bar.end_label.fontMetrics().horizontalAdvance("149.75 h · now")


def test_it_only_grows_and_starts_afresh_with_a_new_font(qtbot) -> None:
    label = SteadyLabel()
    qtbot.addWidget(label)
    label.setText("100.00 h")
    wide = label.width()
    label.setText("1 h")
    assert label.width() == wide and label.minimumWidth() == label.maximumWidth()
    font = QtGui.QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    assert label.minimumWidth() == label.maximumWidth()
    assert label.width() >= label.fontMetrics().horizontalAdvance("1 h")
    assert label.height() >= label.fontMetrics().height()
    assert label.width() < label.fontMetrics().horizontalAdvance("100.00 h")  # afresh: "1 h"


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_stepping_does_not_lay_the_main_window_out_each_step(open_workbench_window) -> None:
    # The status bar's time, step and fps change every step; the main window's layout (every
    # dock) must not be redone for that.
    window = open_workbench_window(size=(1280, 800))
    for _ in range(5):
        window.adapter.step_once()
        QtWidgets.QApplication.processEvents()
    requests = _LayoutRequests()
    window.installEventFilter(requests)
    for _ in range(20):
        window.adapter.step_once()
        QtWidgets.QApplication.processEvents()
    assert window.status_labels["step"].text() == f"step {window.adapter.sim.step_index}"
    assert requests.count <= 6  # a QLabel status bar: 20, one a step
