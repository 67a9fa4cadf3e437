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

import time
from typing import Any

from PySide6 import QtCore

from phoenix_gui.engine import Simulation
from phoenix_gui.qt.adapter import SimulationAdapter

# A jump is rebuilt in slices (the keyframe's arrays, its thaw, each replayed step: a few ms
# each), made for at most this long per pass of the event loop; the moment is shown in the pass
# after the last slice (showing it redraws the views: tens of ms). No pass of a jump then holds
# the window up near the 100 ms a call on the GUI thread may take, and a drag's next step can
# take over a jump under way.
JUMP_SLICE_MS = 25.0


class RunTimeline(QtCore.QObject):
    """The moment of the adapter's run on screen (``viewed_step``: None is now)."""

    # The step on screen changed: an int (a past step), or None (the run as it is).
    viewedStepChanged = QtCore.Signal(object)  # noqa: N815
    # The run grew or started over: (first step, latest step) the timeline can show.
    rangeChanged = QtCore.Signal(int, int)  # noqa: N815
    # Another moment is about to be handed to the adapter (the views get it next): what
    # belongs to the moment on screen (flights, fades) can be dropped before, not redrawn
    # after.
    momentChanging = QtCore.Signal()  # noqa: N815

    def __init__(self, adapter: SimulationAdapter, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.adapter = adapter
        self._viewed: int | None = None
        self._jump: Any = None  # the jump under way (a RunHistory.rebuild), or None
        self._queued: int | None = None  # the step asked for during it: gone to next
        self._asked_in: tuple[Any, ...] = ()  # the run as it was when the jump was asked for
        self._slicer = QtCore.QTimer(self)
        self._slicer.setObjectName("timeline-jump-timer")
        self._slicer.setSingleShot(True)
        self._slicer.setInterval(0)
        self._slicer.timeout.connect(self._continue_jump)
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
    @property
    def jumping(self) -> bool:
        """A jump is under way: its moment is being rebuilt, a slice per pass of the loop."""
        return self._jump is not None or self._queued is not None

    @property
    def target_step(self) -> int | None:
        """Where the timeline is going (the last step asked for), else the step on screen."""
        if self._queued is not None:
            return self._queued
        return self._jump.step if self._jump is not None else self._viewed

    def view(self, step: int) -> None:
        """Show ``step`` of the run (clamped to what was recorded); the latest step is now.
        The moment is rebuilt in slices (``JUMP_SLICE_MS`` a pass): a near one is shown before
        this returns, a far one a few passes of the event loop later (:attr:`jumping`). Asked
        during a jump, the step is gone to when that jump's moment is shown (a drag's screen
        follows the handle, a moment at a time)."""
        if self.adapter.building:
            return
        self.adapter.pause()  # the past is looked at with the run stopped (a long step is cut)
        if self.adapter.step_in_progress:
            self.adapter.step_once()  # the step under way ends first: it is part of the run
        step = max(self.first_step, min(int(step), self.latest_step))
        if step >= self.latest_step:
            self.back_to_now()
            return
        if step == self.target_step:
            return
        if self._jump is not None:
            self._queued = step
            return
        self._queued = None
        self._start_jump(step)
        self._continue_jump()

    def _start_jump(self, step: int) -> None:
        # A step forward from the moment on screen (a drag to the right) steps that moment on
        # when it is past the nearest keyframe: it is replaced anyway.
        shown = self.adapter.sim if self._viewed is not None and self.adapter.viewing_past else None
        if shown is not None and shown.step_index != self._viewed:
            shown = None
        history = self.adapter.history
        self._jump = history.rebuild(step, near=shown)
        self._asked_in = self._run_now()

    def _run_now(self) -> tuple[Any, ...]:
        history = self.adapter.history
        return (history, history.latest, len(history.requests))

    def _continue_jump(self) -> None:
        """The jump's slices for at most JUMP_SLICE_MS, then its moment shown: in this pass
        when the slices took under half of that, else in the next. A step asked meanwhile is
        gone to from the next pass."""
        if self._jump is None and self._queued is not None:
            step, self._queued = self._queued, None
            if step != self._viewed:
                self._start_jump(step)
        jump = self._jump
        if jump is None:
            return
        if self.adapter.is_playing or self._run_now() != self._asked_in:
            self._give_up_jump()  # the run went on meanwhile (Play, Step, a request): now
            return
        started = time.perf_counter()
        if not jump.done:
            while not jump.advance():
                if (time.perf_counter() - started) * 1000.0 >= JUMP_SLICE_MS:
                    self._slicer.start()
                    return
            if (time.perf_counter() - started) * 1000.0 >= JUMP_SLICE_MS / 2:
                self._slicer.start()
                return
        self._jump = None
        self.momentChanging.emit()
        self.adapter.show_past(jump.result)
        self._set_viewed(jump.step)
        if self._queued is not None:
            self._slicer.start()

    def _give_up_jump(self) -> None:
        self._jump = self._queued = None

    def step_by(self, delta: int) -> None:
        """Move ``delta`` steps from the moment on screen, or from where the timeline is going
        (from now when neither)."""
        here = self.target_step
        self.view((self.latest_step if here is None else here) + delta)

    def back_to_now(self) -> None:
        """Show the run as it is again (paused)."""
        self._give_up_jump()
        if self.adapter.viewing_past:
            self.momentChanging.emit()
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
            self._give_up_jump()
            self._set_viewed(None)

    def _on_stepped(self, _snapshot: Any) -> None:
        self.rangeChanged.emit(self.first_step, self.latest_step)

    def _on_reset(self) -> None:
        self._give_up_jump()
        self._set_viewed(None)
        self.rangeChanged.emit(self.first_step, self.latest_step)
