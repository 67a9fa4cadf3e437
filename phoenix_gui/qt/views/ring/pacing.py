"""Pacing of a costly redraw: at once for small drawings, by its measured cost for big ones.

A ring of 10^5 task dots costs ~10-20 ms to re-render, and a busy run changes them several
times a step (the step's tasks, the flights leaving their arcs, the landings): drawn every
time, the dots alone cap the window at a few steps a second. :class:`PacedRedraw` runs the
redraw at once while the drawing is small; from ``big_from`` items on, at most once per
``share`` times its last measured cost (one single-shot timer, always catching up with the
latest state, never dropping the last request). Hidden, the widget needs no timer: the redraw
runs at once (the drawing is re-rendered when next painted, not now).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import Protocol

from PySide6 import QtCore, QtWidgets

# From this many items on, a redraw waits for its turn (see the module docstring).
PACE_FROM = 20_000
COST_SHARE = 8


class Measured(Protocol):
    """What the redraw's cost is read from: the last paint of what it draws, in ms."""

    @property
    def last_paint_ms(self) -> float: ...


class PacedRedraw(QtCore.QObject):
    """Runs ``redraw`` (a method of ``widget``) at once or paced (see the module docstring).

    A child of ``widget`` that holds it weakly, so the widget still goes when its last
    reference does (a strong one here would keep it, and its timers, alive).
    """

    def __init__(
        self,
        widget: QtWidgets.QWidget,
        redraw: Callable[[], None],
        cost: Measured,
        share: float = COST_SHARE,
    ) -> None:
        super().__init__(widget)
        self._widget = weakref.ref(widget)
        self._redraw = weakref.WeakMethod(redraw)
        self._cost = cost
        self.share = share
        self._at = -1e9  # time.monotonic() of the last redraw
        self.timer = QtCore.QTimer(self)
        self.timer.setObjectName("paced-redraw")
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.flush)
        widget.installEventFilter(self)

    def request(self, items: int) -> None:
        """The drawing of ``items`` items changed: redraw now, or when its turn comes."""
        if self.timer.isActive():
            return  # a redraw is already due: it reads the latest state then
        wait = self.share * self._cost.last_paint_ms / 1000.0 - (time.monotonic() - self._at)
        widget = self._widget()
        if items >= PACE_FROM and wait > 0 and widget is not None and widget.isVisible():
            self.timer.start(max(1, round(wait * 1000.0)))
            return
        self.flush()

    def flush(self) -> None:
        """Redraw now (a pending turn is taken now)."""
        self.timer.stop()
        self._at = time.monotonic()
        redraw = self._redraw()
        if redraw is not None:
            redraw()

    @property
    def pending(self) -> bool:
        return self.timer.isActive()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        # No timer outlives a hidden widget: what was due is handed over at once. (Taken apart
        # by the garbage collector with its window, this object may have lost its attributes.)
        widget = getattr(self, "_widget", None)
        shown_by = widget() if widget is not None else None
        hidden = watched is shown_by and event.type() == QtCore.QEvent.Type.Hide
        if hidden and self.timer.isActive():
            self.flush()
        return super().eventFilter(watched, event)
