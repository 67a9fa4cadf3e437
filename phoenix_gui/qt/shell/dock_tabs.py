"""Hide the dock tab bars Qt forgets: a work-around for QMainWindow with two tab groups.

With PySide6 6.11.3, tabifying a second group of docks (and every ``restoreState``) leaves an
old ``QTabBar`` of the main window visible: it shows the tabs of a group as it was midway and
sits where that group used to be. Docks normally cover it; once they are hidden (presentation
mode, a closed dock) or moved, it appears as a ghost row of tabs over other docks. Reproduced
with plain ``QMainWindow`` and ``QLabel`` docks: tabify three bottom docks, then two right
docks, and two tab bars show the right group's tabs.

The tab bar Qt really uses sits right against the dock of its current tab (below it, or above
it when tabs are on top) and is exactly as wide; any other visible tab bar of the window is
one of the forgotten ones and is hidden. The check runs once per event-loop pass after docks
change visibility or place, or the window is resized.
"""

from __future__ import annotations

import shiboken6
from PySide6 import QtCore, QtWidgets


def stale_tab_bars(window: QtWidgets.QMainWindow) -> list[QtWidgets.QTabBar]:
    """Visible dock tab bars of ``window`` that are not placed against their current dock."""
    # Docks and their tab bars are the window's own children: no search of its whole widget
    # tree, since this runs after most steps (a label's new text asks the window for a layout).
    own = QtCore.Qt.FindChildOption.FindDirectChildrenOnly
    docks = {d.windowTitle(): d for d in window.findChildren(QtWidgets.QDockWidget, options=own)}
    stale = []
    for bar in window.findChildren(QtWidgets.QTabBar, options=own):
        if bar.isHidden():
            continue
        dock = docks.get(bar.tabText(bar.currentIndex()))
        if dock is None or dock.isHidden() or dock.isFloating():
            stale.append(bar)
            continue
        d, b = dock.geometry(), bar.geometry()
        touching = b.top() == d.bottom() + 1 or b.bottom() + 1 == d.top()
        if not (touching and b.left() == d.left() and b.width() == d.width()):
            stale.append(bar)
    return stale


class TabBarSweeper(QtCore.QObject):
    """Watches a main window and hides its forgotten tab bars (see the module docstring)."""

    def __init__(self, window: QtWidgets.QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._timer = QtCore.QTimer(self)
        self._timer.setObjectName("tabBarSweep")
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.sweep)
        for dock in window.findChildren(QtWidgets.QDockWidget):
            dock.visibilityChanged.connect(self.request)
            dock.dockLocationChanged.connect(self.request)
            dock.topLevelChanged.connect(self.request)
        window.installEventFilter(self)

    def request(self, *_: object) -> None:
        # Nothing to sweep in a hidden window; and a closing window hides its docks after
        # stop(), which must not start the timer again. A window being destroyed hides its
        # docks too, after its own C++ part is gone: nothing to ask it then.
        if not shiboken6.isValid(self.window):
            return
        if self.window.isVisible() and not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def sweep(self) -> int:
        """Hide the forgotten tab bars now; returns how many were hidden."""
        self._timer.stop()
        stale = stale_tab_bars(self.window)
        for bar in stale:
            bar.hide()
        return len(stale)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched is self.window and event.type() in (
            QtCore.QEvent.Type.Resize,
            QtCore.QEvent.Type.Show,
            QtCore.QEvent.Type.LayoutRequest,
        ):
            self.request()
        return False
