"""Qt test hygiene: offscreen rendering, and no test may leave a window open or a timer running.

The check runs after pytest-qt has closed the widgets registered with ``qtbot.addWidget``; a
visible top-level window (a forgotten dialog, say) or an active QTimer anywhere under the
application or a top-level widget fails the test that left it (STYLE.md rule 8).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6 import QtCore, QtWidgets

# Qt's own transient windows: the tooltip label hides itself on a timer of its own.
_QT_INTERNAL = {"QTipLabel"}


def _leaks(app: QtWidgets.QApplication) -> list[str]:
    found: list[str] = []
    roots: list[QtCore.QObject] = [app, *app.topLevelWidgets()]
    for widget in app.topLevelWidgets():
        name = type(widget).__name__
        if widget.isVisible() and name not in _QT_INTERNAL:
            found.append(f"window left open: {name} {widget.windowTitle()!r}")
    for root in roots:
        if type(root).__name__ in _QT_INTERNAL:
            continue
        for timer in root.findChildren(QtCore.QTimer):
            if timer.isActive():
                owner = timer.parent()
                found.append(
                    f"timer left running: {timer.objectName() or 'QTimer'} "
                    f"(interval {timer.interval()} ms) under {type(owner).__name__}"
                )
    return found


@pytest.fixture(autouse=True)
def _no_leaked_windows_or_timers(qapp: QtWidgets.QApplication) -> Iterator[None]:
    yield
    leaks = _leaks(qapp)
    if leaks:
        # Clean up so one leak does not fail every later test too.
        for widget in qapp.topLevelWidgets():
            if widget.isVisible():
                widget.close()
        for root in [qapp, *qapp.topLevelWidgets()]:
            for timer in root.findChildren(QtCore.QTimer):
                timer.stop()
        pytest.fail("; ".join(leaks))
