"""StallProbe: how long the GUI thread went without running its event loop.

A 10 ms timer on the GUI thread notes the time of every tick; the longest gap between two
ticks is the longest the window could not answer a click, a key or a repaint. The self-test
reports it as ``max_stall_ms`` and fails above :data:`MAX_STALL_MS`.

Where that gap happened is told by labels: whoever drives the window calls :meth:`mark`
("step", "grab", …) as it enters a phase. Of the phases the longest gap ran through, the one
it spent the most time in is :attr:`max_gap_cause`; :attr:`max_gap_phases` lists them all in
order with their milliseconds (``"step 3>moment 95"``: the gap began late in the step).
:attr:`max_gap_cpu_ms` is the most CPU time the GUI thread spent in any one gap: what the
longest stall would have been on a machine doing nothing else (a shared machine stretches the
wall-clock gap, not this); :attr:`max_gap_cpu_cause` names that gap's phase.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6 import QtCore

PROBE_MS = 10
MAX_STALL_MS = 100.0


class StallProbe(QtCore.QObject):
    """Measure the longest gap between ticks of a ``PROBE_MS`` timer (start / stop) and the
    phase it happened in (:meth:`mark`). ``clock`` (seconds) is for tests."""

    def __init__(
        self,
        parent: QtCore.QObject | None = None,
        clock: Callable[[], float] = time.perf_counter,
        cpu_clock: Callable[[], float] = time.thread_time,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._cpu_clock = cpu_clock
        self._last_cpu = 0.0
        self.max_gap_cpu_ms = 0.0
        self.max_gap_cpu_cause = ""
        self._timer = QtCore.QTimer(self)
        self._timer.setObjectName("stall-probe")
        self._timer.setInterval(PROBE_MS)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self._label = "unmarked"
        # The phases of the gap going on now: (label, when it was entered), in order.
        self._phases: list[tuple[str, float]] = []
        self.max_gap_ms = 0.0
        self.max_gap_cause = ""
        self.max_gap_phases = ""
        self.ticks = 0

    def start(self) -> None:
        self._last = self._clock()
        self._last_cpu = self._cpu_clock()
        self._phases = [(self._label, self._last)]
        self._timer.start()

    def stop(self) -> None:
        """Stop measuring; the gap open now (the work just done) is measured too."""
        if self._timer.isActive():
            self._tick(counted=False)
        self._timer.stop()

    @contextmanager
    def excluded(self) -> Iterator[None]:
        """Not measured meanwhile, nor the gap open when it begins: for work of whoever
        measures the window (a self-test's own layout measurement or screenshot), which no
        user of the window ever waits for."""
        running = self._timer.isActive()
        self._timer.stop()  # the gap open now is left out too (the measurer's own settling)
        try:
            yield
        finally:
            if running:
                self.start()

    def mark(self, label: str) -> None:
        """From now on the GUI thread is busy with ``label`` (until the next mark)."""
        if label != self._label:
            self._label = label
            self._phases.append((label, self._clock()))

    def _tick(self, counted: bool = True) -> None:
        now = self._clock()
        # The gap beyond the timer's own interval is time the event loop could not run.
        gap = (now - self._last) * 1000.0 - PROBE_MS
        cpu = self._cpu_clock()
        cpu_ms = (cpu - self._last_cpu) * 1000.0
        self._last_cpu = cpu
        if gap > self.max_gap_ms or cpu_ms > self.max_gap_cpu_ms:
            ends = [since for _, since in self._phases[1:]] + [now]
            spent = [
                (label, (end - max(since, self._last)) * 1000.0)
                for (label, since), end in zip(self._phases, ends, strict=True)
            ]
            cause = max(spent, key=lambda phase: phase[1])[0]
            if gap > self.max_gap_ms:
                self.max_gap_ms = gap
                self.max_gap_cause = cause
                self.max_gap_phases = ">".join(f"{label} {ms:.0f}" for label, ms in spent)
            if cpu_ms > self.max_gap_cpu_ms:
                self.max_gap_cpu_ms, self.max_gap_cpu_cause = cpu_ms, cause
        self._last = now
        self._phases = [(self._label, now)]
        self.ticks += counted
