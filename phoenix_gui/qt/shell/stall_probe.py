"""StallProbe: how long the GUI thread went without running its event loop.

A 10 ms timer on the GUI thread notes the time of every tick; the longest gap between two
ticks is the longest the window could not answer a click, a key or a repaint. The self-test
reports it as ``max_stall_ms`` and fails above :data:`MAX_STALL_MS`.
"""

from __future__ import annotations

import time

from PySide6 import QtCore

PROBE_MS = 10
MAX_STALL_MS = 100.0


class StallProbe(QtCore.QObject):
    """Measure the longest gap between ticks of a ``PROBE_MS`` timer (start / stop)."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QtCore.QTimer(self)
        self._timer.setObjectName("stall-probe")
        self._timer.setInterval(PROBE_MS)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.max_gap_ms = 0.0
        self.ticks = 0

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        # The gap beyond the timer's own interval is time the event loop could not run.
        self.max_gap_ms = max(self.max_gap_ms, (now - self._last) * 1000.0 - PROBE_MS)
        self._last = now
        self.ticks += 1
