"""The Flight Recorder fits its dock at classroom screen sizes: filters, table and buttons
without scroll bars (at 1280×800 its buttons were cut in half under two scroll bars)."""

from __future__ import annotations

import pytest
from PySide6 import QtWidgets

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


# Presentation mode hides every dock but Metrics, so the normal layout is the one to check.
@pytest.mark.parametrize("size", [(1280, 800), (1366, 768), (1920, 1080)])
def test_the_flight_recorder_needs_no_scroll_bars(open_workbench_window, size) -> None:
    window = open_workbench_window(None, size=size)
    workbench = window.workbench
    window.setGeometry(0, 0, *size)
    workbench.apply_default_layout()
    for _ in range(3):
        window.adapter.step_once()
    dock = workbench.recorder_dock
    dock.show()
    dock.raise_()
    for _ in range(5):
        QtWidgets.QApplication.processEvents()
    scroll = dock.widget()
    assert isinstance(scroll, QtWidgets.QScrollArea)
    panel = workbench.recorder
    assert scroll.widget() is panel
    assert not scroll.verticalScrollBar().isVisible(), (panel.height(), scroll.viewport().height())
    assert not scroll.horizontalScrollBar().isVisible(), (panel.width(), scroll.viewport().width())
    for button in (panel.verify_button, panel.export_button, panel.verify_file_button):
        assert button.isVisible()
        # The whole button inside the part of the panel on screen.
        corner = button.mapTo(panel, button.rect().bottomRight())
        assert corner.y() < scroll.viewport().height() and corner.x() < scroll.viewport().width()
    assert panel.count_label.text().endswith("records")
    assert panel.view.height() > panel.view.horizontalHeader().height()  # a row shows
