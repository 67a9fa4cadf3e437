"""Destroying a window raises nothing: its helpers stop listening once its C++ part is gone
(the tab-bar sweeper asked a deleted window whether it was visible, once per dock)."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6 import QtCore, QtWidgets

from phoenix_gui.qt.shell.dock_tabs import TabBarSweeper

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_destroying_a_shown_window_with_docks_raises_nothing(qtbot) -> None:
    # pytest-qt fails this test if a slot raises while the window is destroyed.
    window = QtWidgets.QMainWindow()
    for name in ("a", "b", "c"):
        dock = QtWidgets.QDockWidget(name, window)
        dock.setObjectName(name)
        dock.setWidget(QtWidgets.QLabel(name))
        window.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    sweeper = TabBarSweeper(window)
    window.show()
    qtbot.waitExposed(window)
    sweeper.sweep()
    shiboken6.delete(window)
    QtWidgets.QApplication.processEvents()
    assert not shiboken6.isValid(sweeper)  # it went with its window


def test_destroying_the_whole_workbench_window_raises_nothing(
    qtbot, settings, tmp_path, restore_app
) -> None:
    from phoenix_gui.qt.shell.workbench import open_workbench

    QtCore.QStandardPaths.setTestModeEnabled(True)
    try:
        # Not given to qtbot: it would close the window again after the test destroyed it.
        window = open_workbench(settings=settings, autosave_folder=tmp_path / "autosave")
        window.workbench.document.confirm_discard = lambda _doc: "discard"
        window.show()
        qtbot.waitExposed(window)
        window.adapter.step_once()
        QtWidgets.QApplication.processEvents()
        window.close()
        shiboken6.delete(window)
        QtWidgets.QApplication.processEvents()
    finally:
        QtCore.QStandardPaths.setTestModeEnabled(False)
