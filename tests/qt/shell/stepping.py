"""Press Step as a user does and wait for the step to end (it runs in slices on the event loop)."""

from __future__ import annotations

import time
from typing import Any

from PySide6 import QtCore, QtWidgets


def press_step(window: Any, qtbot: Any = None, timeout: int = 10_000) -> None:
    """Trigger the Step action, then turn the event loop until the step has ended."""
    window.step_action.trigger()
    if qtbot is not None:
        qtbot.waitUntil(lambda: not window.adapter.step_in_progress, timeout=timeout)
        return
    deadline = time.monotonic() + timeout / 1000.0
    while window.adapter.step_in_progress:
        if time.monotonic() > deadline:
            raise AssertionError(f"the step did not end within {timeout} ms")
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
