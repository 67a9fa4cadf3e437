"""The window's time machine: the timeline under the central view, wired to the run's history.

:class:`TimeMachine` puts a :class:`TimelineBar` under the paradigm's view (above the lesson
caption strip) and connects it to a :class:`RunTimeline` over the window's adapter. Dragging the
timeline back shows that step everywhere: the adapter swaps in the rebuilt past simulation, so
the ring (or nodes, or agents), the Members/Workload/… panels, Metrics, the status bar and the
inspector read it; the plots get a cursor at its time; the Flight Recorder shows the records up
to it. While the past is shown the window is read-only: the sliders, Add member and Replay are
disabled, and Play, Step or a request from a panel first come back to now (the adapter does).

Keys (no clash with the window's others: Space, Right, R, L, Esc, PageUp/PageDown, F11, Ctrl+…):
Alt+Left / Alt+Right one step back / forward, Home the run's first step, End back to now,
Shift+End Resume (back to now and play).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.document.history import RunTimeline
from phoenix_gui.qt.panels.recorder import FlightRecorderPanel
from phoenix_gui.qt.panels.timeline import TimelineBar

if TYPE_CHECKING:
    from phoenix_gui.qt.shell.main_window import MainWindow


class TimeMachine(QtCore.QObject):
    """The timeline of one :class:`MainWindow` (``window.time_machine``)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.model = RunTimeline(window.adapter, self)
        self.bar = TimelineBar(window.stage)
        layout = window.stage.layout()
        assert isinstance(layout, QtWidgets.QVBoxLayout)
        layout.insertWidget(1, self.bar, 0)  # under the view, above the caption strip
        self.bar.stepRequested.connect(self.model.view)
        self.bar.resumeRequested.connect(self.model.resume)
        self.bar.nowRequested.connect(self.model.back_to_now)
        self.model.rangeChanged.connect(self._on_range)
        self.model.viewedStepChanged.connect(self._on_viewed)
        self.model.momentChanging.connect(self._on_moment_changing)
        self._reset_before = False  # the views were reset before this moment was handed over
        window.adapter.momentShown.connect(self._on_moment_shown)
        self.actions = self._build_actions()
        self._on_range(self.model.first_step, self.model.latest_step)

    def _build_actions(self) -> list[QtGui.QAction]:
        w = self.window
        menu = w.sim_menu.addMenu("&Timeline")
        menu.setObjectName("timelineMenu")
        out = []
        for text, key, slot in (
            ("One step back", "Alt+Left", lambda: self.model.step_by(-1)),
            ("One step forward", "Alt+Right", lambda: self.model.step_by(1)),
            ("Start of the run", "Home", lambda: self.model.view(self.model.first_step)),
            ("Back to now", "End", self.model.back_to_now),
            ("Resume", "Shift+End", self.model.resume),
        ):
            action = QtGui.QAction(text, w)
            action.setShortcut(QtGui.QKeySequence(key))
            action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            w.addAction(action)  # the keys work with the menu bar hidden (presentation)
            menu.addAction(action)
            out.append(action)
        return out

    # ---- following the model -----------------------------------------------------------
    def _on_range(self, first: int, latest: int) -> None:
        self.bar.set_range(first, latest, self.model.step_hours)

    def _on_viewed(self, step: int | None) -> None:
        self.bar.show_moment(step)
        past = step is not None
        w = self.window
        w.controls.setEnabled(not past)
        w.add_member_action.setEnabled(not past)
        w.replay_action.setEnabled(not past and w.adapter.last_change is not None)

    def _on_moment_changing(self) -> None:
        """The timeline hands the adapter another moment: a flight of the moment left must not
        land on it. The ring's are dropped now, before it gets the new members (it then builds
        its markers and names once, not again after a reset)."""
        self.window.views.ring.reset_animation(settle=False)
        self._reset_before = True

    def _on_moment_shown(self, snapshot: Any) -> None:
        """The adapter now shows a past moment (its snapshot) or the live run (None)."""
        w = self.window
        sim = w.adapter.sim
        if not self._reset_before:  # (back to now by the adapter: a step, a request)
            w.views.ring.reset_animation()
        self._reset_before = False
        for view in (w.views.cluster, w.views.agents):
            view.reset_animation()  # a flight of another moment must not land on this one
        w.views.set_narration("")  # the last story told belongs to another moment
        w.metrics.update_snapshot(snapshot if snapshot is not None else sim.snapshot())
        w.timeseries.set_cursor(None if snapshot is None else float(sim.time))
        w.refresh_moment()
        for panel in getattr(w.workbench, "panels", []):
            if isinstance(panel, FlightRecorderPanel):
                panel.show_until(None if snapshot is None else len(sim.audit))
            else:
                panel.refresh()
