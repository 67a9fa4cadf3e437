"""The right-hand docks fit at classroom screen sizes: Flight Recorder (filters, table and
buttons) and Algorithms (tabs, code, the follow box) without scroll bars around them (at
1280×800 the recorder's buttons were cut in half under two scroll bars)."""

from __future__ import annotations

import pytest
from PySide6 import QtWidgets

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

SIZES = [(1280, 800), (1366, 768), (1920, 1080)]


def show_dock(open_workbench_window, size, name):
    window = open_workbench_window(None, size=size)
    workbench = window.workbench
    window.setGeometry(0, 0, *size)
    workbench.apply_default_layout()
    for _ in range(3):
        window.adapter.step_once()
    panel = workbench.panel(name)
    dock = workbench.docks[name]
    dock.show()
    dock.raise_()
    for _ in range(5):
        QtWidgets.QApplication.processEvents()
    scroll = dock.widget()
    assert isinstance(scroll, QtWidgets.QScrollArea)
    assert scroll.widget() is panel
    return panel, scroll


# Presentation mode hides every dock but Metrics, so the normal layout is the one to check.
@pytest.mark.parametrize("name", ["recorder", "algorithms"])
@pytest.mark.parametrize("size", SIZES)
def test_the_right_hand_docks_need_no_scroll_bars(open_workbench_window, size, name) -> None:
    panel, scroll = show_dock(open_workbench_window, size, name)
    assert not scroll.verticalScrollBar().isVisible(), (panel.height(), scroll.viewport().height())
    assert not scroll.horizontalScrollBar().isVisible(), (panel.width(), scroll.viewport().width())


@pytest.mark.parametrize("size", SIZES)
def test_the_flight_recorder_shows_its_buttons_whole(open_workbench_window, size) -> None:
    panel, scroll = show_dock(open_workbench_window, size, "recorder")
    for button in (panel.verify_button, panel.export_button, panel.verify_file_button):
        assert button.isVisible()
        # The whole button inside the part of the panel on screen.
        corner = button.mapTo(panel, button.rect().bottomRight())
        assert corner.y() < scroll.viewport().height() and corner.x() < scroll.viewport().width()
    assert panel.count_label.text().endswith("records")
    assert panel.view.height() > panel.view.horizontalHeader().height()  # a row shows
