"""RunTimeline: which moment of the run the window shows — now, or a step of its past.

The adapter records the live run in a :class:`~phoenix_gui.engine.RunHistory` (keyframes plus
every request the window made). This model turns a step chosen on the timeline into a
simulation standing exactly at that step (rebuilt from the nearest keyframe by deterministic
replay) and hands it to the adapter to show, read-only: the ring, panels, plots and the Flight
Recorder follow the adapter. "Back to now" shows the live run again; "Resume" also plays on.
Looking at the past never changes the live run, so a scrubbed run's audit log is the same as
one never scrubbed.

The hook for other features (docs/time-machine.md): :meth:`RunTimeline.simulation_at` returns a
fresh Simulation at any recorded step (the caller owns it and may step it on, e.g. to branch),
and :attr:`RunTimeline.viewedStepChanged` says when the moment on screen changes.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore

from phoenix_gui.engine import Simulation
from phoenix_gui.qt.adapter import SimulationAdapter


class RunTimeline(QtCore.QObject):
    """The moment of the adapter's run on screen (``viewed_step``: None is now)."""

    # The step on screen changed: an int (a past step), or None (the run as it is).
    viewedStepChanged = QtCore.Signal(object)  # noqa: N815
    # The run grew or started over: (first step, latest step) the timeline can show.
    rangeChanged = QtCore.Signal(int, int)  # noqa: N815

    def __init__(self, adapter: SimulationAdapter, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.adapter = adapter
        self._viewed: int | None = None
        adapter.momentShown.connect(self._on_moment_shown)
        adapter.stepped.connect(self._on_stepped)
        adapter.simulationReset.connect(self._on_reset)

    # ---- what is shown -----------------------------------------------------------------
    @property
    def viewed_step(self) -> int | None:
        """The past step on screen, or None when the window shows the run as it is."""
        return self._viewed

    @property
    def first_step(self) -> int:
        return self.adapter.history.start

    @property
    def latest_step(self) -> int:
        return self.adapter.history.latest

    @property
    def step_hours(self) -> float:
        return float(self.adapter.config.timing.step_hours)

    def hours_at(self, step: int) -> float:
        """Simulated time at ``step`` (steps are of equal length)."""
        return step * self.step_hours

    def simulation_at(self, step: int) -> Simulation:
        """A fresh Simulation standing exactly at ``step`` of the live run (first_step ≤ step ≤
        latest_step): its state and audit head are the ones the run had then. The live run is
        not touched; the caller owns the result (show it, step it on, branch from it)."""
        return self.adapter.history.at(step)

    # ---- moving in time ----------------------------------------------------------------
    def view(self, step: int) -> None:
        """Show ``step`` of the run (clamped to what was recorded); the latest step is now."""
        if self.adapter.building:
            return
        self.adapter.pause()  # the past is looked at with the run stopped (a long step is cut)
        if self.adapter.step_in_progress:
            self.adapter.step_once()  # the step under way ends first: it is part of the run
        step = max(self.first_step, min(int(step), self.latest_step))
        if step >= self.latest_step:
            self.back_to_now()
            return
        if step == self._viewed:
            return
        # A step forward from the moment on screen (a drag to the right) steps that moment on
        # when it is past the nearest keyframe: it is replaced anyway.
        shown = self.adapter.sim if self._viewed is not None and self.adapter.viewing_past else None
        if shown is not None and shown.step_index != self._viewed:
            shown = None
        self.adapter.show_past(self.adapter.history.at(step, near=shown))
        self._set_viewed(step)

    def step_by(self, delta: int) -> None:
        """Move ``delta`` steps from the moment on screen (from now when none)."""
        here = self.latest_step if self._viewed is None else self._viewed
        self.view(here + delta)

    def back_to_now(self) -> None:
        """Show the run as it is again (paused)."""
        self.adapter.show_past(None)
        self._set_viewed(None)

    def resume(self) -> None:
        """Back to now and carry on playing."""
        self.back_to_now()
        self.adapter.play()

    # ---- following the adapter ---------------------------------------------------------
    def _set_viewed(self, step: int | None) -> None:
        if step != self._viewed:
            self._viewed = step
            self.viewedStepChanged.emit(step)

    def _on_moment_shown(self, snapshot: Any) -> None:
        if snapshot is None:  # the adapter came back to now (a step or a request was made)
            self._set_viewed(None)

    def _on_stepped(self, _snapshot: Any) -> None:
        self.rangeChanged.emit(self.first_step, self.latest_step)

    def _on_reset(self) -> None:
        self._set_viewed(None)
        self.rangeChanged.emit(self.first_step, self.latest_step)
