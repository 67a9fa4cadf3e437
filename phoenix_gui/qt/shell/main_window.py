"""MainWindow: the ring in the middle, docks around it, toolbar, menus and status bar.

Everything the window shows comes from the :class:`SimulationAdapter`'s signals and the
:class:`ParamState` (the one home of the parameters); everything a user does (sliders, Play,
Step, clicks on members, Add member) goes back through them to the engine. The window owns no
simulation state of its own.
"""

from __future__ import annotations

import html
import time
from collections import deque
from typing import Any, Protocol

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui import __version__
from phoenix_gui.engine import (
    MAX_LIVE_MEMBERS,
    MetricInputs,
    SimulationConfig,
    rate_notes,
)
from phoenix_gui.params import ParamError
from phoenix_gui.qt.adapter import LIVE_PARAMS, SimulationAdapter
from phoenix_gui.qt.document.caption_overlay import CaptionStage
from phoenix_gui.qt.document.param_state import RESTART_PARAMS, ParamState
from phoenix_gui.qt.panels.controls import ControlsPanel
from phoenix_gui.qt.panels.metrics_panel import MetricsPanel
from phoenix_gui.qt.panels.timeseries import TimeSeriesPanel
from phoenix_gui.qt.shell.heap import FreeMemoryReturner
from phoenix_gui.qt.shell.resources import app_icon
from phoenix_gui.qt.shell.time_machine import TimeMachine
from phoenix_gui.qt.views.stack import ViewStack
from phoenix_gui.qt.views.stack_binding import ViewStackBinding
from phoenix_gui.qt.views.steady_label import SteadyLabel

# Edits of hosts, vnodes, tasks, seed or paradigm start the run again once they settle.
RESTART_AFTER_MS = 250
NOTICE_MS = 5_000  # how long a passing status-bar notice stays
RESET_TIP = (
    "Start this scenario again from t = 0 as it is now — with the sliders' values, including "
    "edits not saved yet; a lesson's scripted changes replay from the start"
)

ABOUT_TEXT = (
    "<h3>PhoenixFlight {version}</h3>"
    "<p>A visual simulator of Dynamic Membership Architecture: members join, retire and "
    "crash; tasks are routed by a token ring (or bin packing, or LLM agents) and migrate "
    "when membership changes.</p>"
    "<p>Every event is written to a hash-chained audit log (tamper-evident, not "
    "tamper-proof). Same scenario and seed give the same run.</p>"
    "<p>Built with PySide6 {qt} and pyqtgraph. MIT licence.</p>"
)


class CloseGuard(Protocol):
    """What the window asks before it closes: the workbench answers (unsaved changes, Cancel).

    A protocol rather than the Workbench class, so the window does not depend on the workbench
    that is built around it (the workbench imports the window, never the reverse).
    """

    def close_requested(self) -> bool: ...


class MainWindow(QtWidgets.QMainWindow):
    """The simulator's window, driving one adapter (``self.adapter``)."""

    def __init__(
        self,
        config: SimulationConfig | None = None,
        source: str | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.source = source
        self.setWindowIcon(app_icon())
        self.resize(1440, 900)  # the workbench maximises it on screens up to 1920×1080
        self.state = ParamState(config or SimulationConfig(), parent=self)
        self.adapter = SimulationAdapter(self.state.start_config(), parent=self)
        self._spool_error: str | None = None  # see _show_spool_trouble
        self.memory_returner = FreeMemoryReturner(self.adapter.stepped, self)
        self._restart_timer = QtCore.QTimer(self)
        self._restart_timer.setObjectName("restart-timer")
        self._restart_timer.setSingleShot(True)
        self._restart_timer.setInterval(RESTART_AFTER_MS)
        self._restart_timer.timeout.connect(self._on_reset)
        # The paradigm's view (ring, nodes or agents) with the narration line under it, and
        # under both the lesson caption strip they make room for.
        self.views = ViewStack(self)
        self.stage = CaptionStage(self.views, self)
        self.setCentralWidget(self.stage)
        self.ring_view = self.views.ring
        self.views_binding = ViewStackBinding(self.adapter, self.views)
        self.ring_binding = self.views_binding.ring
        self._frame_times: deque[float] = deque(maxlen=120)
        self._inspected: str | None = None
        self.member_menu: QtWidgets.QMenu | None = None
        # The workbench (files, panels, lessons, presentation, export) registers itself here;
        # the window only asks it whether it may close.
        self.workbench: CloseGuard | None = None
        self.setWindowTitle("PhoenixFlight")
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self._connect()
        self.time_machine = TimeMachine(self)  # the timeline under the view (any past step)
        self._load_controls()
        self.adapter.announce()  # every view starts from the run as it is

    # ---- construction ------------------------------------------------------------------
    def add_dock(
        self, title: str, widget: QtWidgets.QWidget, area: Any, scroll: bool = False
    ) -> QtWidgets.QDockWidget:
        """A dock named after ``title`` (the name keys the saved dock layout).

        ``scroll`` puts a dense panel in a scroll area, so the dock can be shorter than the
        panel's minimum (1280×800, presentation fonts) and the window still fits the screen.
        """
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(title.lower().replace(" ", "-") + "-dock")
        if scroll:
            area_widget = QtWidgets.QScrollArea(dock)
            area_widget.setObjectName(dock.objectName() + "-scroll")
            area_widget.setWidgetResizable(True)
            area_widget.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
            area_widget.setWidget(widget)
            dock.setWidget(area_widget)
        else:
            dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        left = QtCore.Qt.DockWidgetArea.LeftDockWidgetArea
        right = QtCore.Qt.DockWidgetArea.RightDockWidgetArea
        bottom = QtCore.Qt.DockWidgetArea.BottomDockWidgetArea
        bands = self.adapter.config.bands
        self.controls = ControlsPanel(self)
        self.metrics = MetricsPanel(bands, self)
        self.timeseries = TimeSeriesPanel(bands, self)
        self.inspector = QtWidgets.QTextBrowser(self)
        self.inspector.setObjectName("inspector")
        self.inspector.setPlaceholderText("Click a member or a task on the ring to inspect it.")
        self.controls_dock = self.add_dock("Controls", self.controls, left, scroll=True)
        self.metrics_dock = self.add_dock("Metrics", self.metrics, right)
        self.inspector_dock = self.add_dock("Inspector", self.inspector, right)
        self.timeseries_dock = self.add_dock("Time series", self.timeseries, bottom)
        self.resizeDocks([self.controls_dock], [330], QtCore.Qt.Orientation.Horizontal)
        self.resizeDocks([self.metrics_dock], [420], QtCore.Qt.Orientation.Horizontal)
        self.resizeDocks([self.timeseries_dock], [230], QtCore.Qt.Orientation.Vertical)

    def metrics_dock_height(self) -> int:
        """The Metrics dock's height with every part of the panel shown (title bar included)."""
        title = self.metrics_dock.style().pixelMetric(
            QtWidgets.QStyle.PixelMetric.PM_TitleBarHeight, None, self.metrics_dock
        )
        return self.metrics.needed_height() + title + 8

    def metrics_dock_width(self) -> int:
        """The Metrics dock's width with both columns, the chips and the balance lines whole."""
        return self.metrics.needed_width() + 8

    def _action(self, text: str, slot: Any, shortcut: str | None = None, tip: str = "") -> Any:
        action = QtGui.QAction(text, self)
        if shortcut:
            action.setShortcut(QtGui.QKeySequence(shortcut))
            action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{tip} ({shortcut})" if shortcut and tip else tip or text)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even with the toolbar hidden
        return action

    def _build_actions(self) -> None:
        self.play_action = self._action("Play", self._on_play_triggered, "Space", "Play / pause")
        self.play_action.setCheckable(True)
        self.step_action = self._action("Step", self._on_step_triggered, "Right", "One step")
        self.reset_action = self._action("Reset", self._on_reset, "Ctrl+R", RESET_TIP)
        self.stop_step_action = self._action(
            "Stop step", self._on_stop_step, "Esc", "Cut a long step short at the next event"
        )
        self.undo_action = self.state.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QtGui.QKeySequence("Ctrl+Z"))
        self.redo_action = self.state.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(
            [QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")]
        )
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        self.add_member_action = self._action(
            "Add member", self.adapter.request_join, "Ctrl+J", "A new member joins"
        )
        self.replay_action = self._action(
            "Replay last change",
            self.replay_last_change,
            "R",
            "Re-animate the last membership change in slow motion (0.25×)",
        )
        self.replay_action.setEnabled(False)
        self.legend_action = self._action(
            "Legend", self.views.ring.legend.setVisible, "L", "Name the member colours"
        )
        self.legend_action.setCheckable(True)
        self._refresh_icons()
        self.quit_action = self._action("Quit", self.close, "Ctrl+Q")
        self.about_action = self._action("About PhoenixFlight", self.show_about)
        toolbar = self.addToolBar("Simulation")
        toolbar.setObjectName("simulation-toolbar")
        toolbar.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.play_action, self.step_action, self.reset_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.add_member_action)
        toolbar.addAction(self.replay_action)
        self.toolbar = toolbar

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        self.edit_menu = edit_menu
        view_menu = bar.addMenu("&View")
        docks = (self.controls_dock, self.metrics_dock, self.inspector_dock, self.timeseries_dock)
        for dock in docks:
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addAction(self.toolbar.toggleViewAction())
        view_menu.addAction(self.legend_action)
        sim_menu = bar.addMenu("&Simulation")
        sim_actions = (self.play_action, self.step_action, self.stop_step_action)
        for action in (*sim_actions, self.reset_action):
            sim_menu.addAction(action)
        sim_menu.addSeparator()
        sim_menu.addAction(self.add_member_action)
        sim_menu.addAction(self.replay_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)
        self.file_menu, self.view_menu, self.sim_menu = file_menu, view_menu, sim_menu
        self.help_menu = help_menu

    def _build_status_bar(self) -> None:
        self.status_labels: dict[str, QtWidgets.QLabel] = {}
        for key in ("time", "step", "seed", "paradigm", "fps"):
            # Steady: a label whose text changes every step would lay the window out again.
            label = SteadyLabel(self, least=90)
            label.setObjectName(f"status-{key}")
            self.statusBar().addPermanentWidget(label)
            self.status_labels[key] = label
        # The busy indicator: a long step's progress, or a big run being built.
        self.busy_label = QtWidgets.QLabel(self)
        self.busy_label.setObjectName("busy-label")
        self.busy_bar = QtWidgets.QProgressBar(self)
        self.busy_bar.setObjectName("busy-bar")
        self.busy_bar.setMaximumWidth(240)
        self.busy_bar.setMinimumWidth(160)
        self.busy_bar.setFormat("%v of %m events")
        self.statusBar().insertPermanentWidget(0, self.busy_label)
        self.statusBar().insertPermanentWidget(1, self.busy_bar)
        self.busy_label.hide()
        self.busy_bar.hide()

    def _connect(self) -> None:
        a = self.adapter
        a.stepped.connect(self._on_stepped)
        a.playingChanged.connect(self._on_playing_changed)
        a.membersChanged.connect(self._refresh_inspector)
        a.simulationReset.connect(self._after_reset)
        a.eventsEmitted.connect(self._on_engine_events)
        a.busyChanged.connect(self._on_busy)
        a.stepProgress.connect(self._on_step_progress)
        a.buildFailed.connect(lambda why: self.statusBar().showMessage(f"Not started: {why}"))
        c = self.controls
        # One Play / Step / Reset everywhere: toolbar, keys and the Controls dock's buttons.
        c.set_actions(self.play_action, self.step_action, self.reset_action)
        self.reset_button_tip = RESET_TIP
        c.reset_button.setToolTip(RESET_TIP)
        c.paramChanged.connect(self._on_param_edited)
        c.valuesPreview.connect(self._on_values_preview)
        c.paradigmChanged.connect(lambda value: self._edit("paradigm", value))
        c.seedChanged.connect(lambda value: self._edit("seed", int(value)))
        self.state.changed.connect(self._on_state_changed)
        self.ring_view.memberClicked.connect(self.inspect_member)
        self.ring_view.taskClicked.connect(self.inspect_task)
        self.ring_view.memberContextRequested.connect(self._on_member_context)
        self.ring_view.frameRendered.connect(self._on_frame)
        self.views.cluster.frameRendered.connect(self._on_frame)
        self.views.agents.frameRendered.connect(self._on_frame)

    def _load_controls(self) -> None:
        """Show the parameter state's values on the controls (the state is the truth)."""
        values = self.state.values()
        shown = {n: v for n, v in values.items() if n not in ("seed", "paradigm")}
        shown["speed"] = self.adapter.speed
        with QtCore.QSignalBlocker(self.controls):
            self.controls.set_values(shown)
        self.controls.set_paradigm(values["paradigm"])
        self.controls.set_seed(values["seed"])

    # ---- slots -------------------------------------------------------------------------
    def _on_param_edited(self, name: str, value: float) -> None:
        if name == "speed":  # a view setting, not part of the scenario
            self.adapter.set_speed(value)
            return
        self._edit(name, value)

    def _edit(self, name: str, value: object) -> None:
        """A user edit: the parameter state takes it (or refuses it, and the control goes
        back to the state's value)."""
        try:
            self.state.edit(name, value)
        except ParamError as error:
            self.statusBar().showMessage(f"Not accepted: {error}", 8000)
            self._on_state_changed(name, self.state.value(name), "refused")

    def _on_state_changed(self, name: str, value: object, cause: str) -> None:
        """One parameter changed in the state: every place that shows or runs it follows."""
        c = self.controls
        if name == "seed":
            c.set_seed(int(value))  # type: ignore[call-overload]
        elif name == "paradigm":
            c.set_paradigm(str(value))
        else:
            at = self.state.set_by_lesson(name)
            start = self.state.start_values()[name]
            note = (
                f"Set to {value:g} by the lesson at t = {at:g} h; the scenario starts at "
                f"{start:g} (Reset goes back there)."
                if at is not None
                else ""
            )
            c.show_value(name, float(value), highlight=cause == "lesson", note=note)  # type: ignore[arg-type]
        if cause not in ("edit", "undo"):
            return  # the engine is the source (lesson), or a new run is being started
        if name in LIVE_PARAMS:
            self.adapter.set_param(name, float(value))  # type: ignore[arg-type]
            if not self.adapter.step_in_progress and not self.adapter.building:
                self.timeseries.restate(self.adapter.sim.snapshot())
        elif name in ("seed", "paradigm"):
            self._on_reset()  # one deliberate change (Enter, a choice): start again now
        elif name in RESTART_PARAMS:
            self._restart_timer.start()  # once a drag settles: it restarts the run once
        self._refresh_status()

    def _on_engine_events(self, events: list[Any]) -> None:
        for event in events:
            if event.kind == "param_changed":
                name, new = str(event.details["name"]), event.details["new"]
                self.state.engine_set(name, new, event.time)

    def _on_reset(self) -> None:
        """Reset: back to t = 0 of the scenario as it is now (unsaved edits included)."""
        self.controls.flush()  # hosts, vnodes and tasks typed just now shape the new run
        self._restart_timer.stop()
        self.adapter.reset(self.state.reset())

    def load_config(self, config: SimulationConfig) -> None:
        """Start a new run from ``config`` (a scenario was opened) and show its values.

        Slider changes not yet sent are dropped, not flushed: they belong to the scenario
        being replaced.
        """
        self._restart_timer.stop()
        self.state.load(config)
        self.adapter.reset(self.state.start_config())

    def _after_reset(self) -> None:
        # A new run: nothing of the old one stays selected or inspected.
        self._inspected = None
        self.inspector.clear()
        self.ring_view.set_selected(None)
        self.metrics.set_paradigm(self.adapter.sim.config.paradigm)
        self.metrics.show_values(self.state.values())
        self._show_rate_notes()
        self.timeseries.clear()
        self.replay_action.setEnabled(False)
        self._refresh_status()

    def _on_stop_step(self) -> None:
        if self.adapter.step_in_progress:
            self.adapter.cancel_step()
        self.adapter.pause()

    def _on_busy(self, busy: bool, text: str) -> None:
        self.busy_label.setText(text)
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)
        if busy and not self.adapter.step_in_progress:
            self.busy_bar.setRange(0, 0)  # a run being built: no measure of progress
        self.busy_label.setToolTip(
            "The engine is working through a big step (or starting a big run); the window "
            "keeps answering meanwhile. Esc or Space cuts a long step short: the joins and "
            "leaves it drops are recorded in the audit log."
            if busy
            else ""
        )

    def _on_step_progress(self, done: int, total: int) -> None:
        self.busy_bar.setRange(0, max(1, total))
        self.busy_bar.setValue(done)

    def _on_play_triggered(self, checked: bool) -> None:
        self.controls.flush()  # a value typed a moment ago must not miss the next step
        if checked and self.adapter.is_busy:
            # Space while a long step runs means "stop": cut it instead of playing on.
            self.adapter.cancel_step()
            self.play_action.setChecked(False)
            return
        self.adapter.set_playing(checked)
        self.play_action.setChecked(self.adapter.is_playing)

    def _on_step_triggered(self) -> None:
        # Keyboard shortcuts bypass the panel's buttons (which flush themselves), so send any
        # coalesced slider change now: it takes effect at this very step boundary.
        self.controls.flush()
        self.adapter.request_step()

    def _on_playing_changed(self, playing: bool) -> None:
        if not playing:  # paused: a class reads the plots now, so they show this moment
            self.timeseries.catch_up()
        self.play_action.setChecked(playing)
        self.play_action.setText("Pause" if playing else "Play")
        self._refresh_icons()

    def _refresh_icons(self) -> None:
        sp = QtWidgets.QStyle.StandardPixmap
        playing = self.play_action.isChecked()
        for action, pixmap in (
            (self.play_action, sp.SP_MediaPause if playing else sp.SP_MediaPlay),
            (self.step_action, sp.SP_MediaSeekForward),
            (self.reset_action, sp.SP_BrowserReload),
            (self.add_member_action, sp.SP_FileDialogNewFolder),
            (self.replay_action, sp.SP_MediaSeekBackward),
        ):
            action.setIcon(_themed_icon(self.style().standardIcon(pixmap), self.palette()))

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.PaletteChange:
            self._refresh_icons()  # a dark theme needs light glyphs
        super().changeEvent(event)

    def _on_values_preview(self, values: dict[str, float]) -> None:
        self.metrics.show_values(values)
        self._show_rate_notes()

    def _show_rate_notes(self) -> None:
        live = self.state.values()
        inputs = MetricInputs(**{n: live[n] for n in MetricInputs.__dataclass_fields__})
        members = self.adapter.sim.registry.live_count()
        step = self.adapter.config.timing.step_hours
        self.metrics.set_rate_notes(rate_notes(inputs, step, MAX_LIVE_MEMBERS, members))

    def replay_last_change(self) -> bool:
        """R / the toolbar: show the last membership change again at 0.25×, from what was
        recorded when it happened; the run is not stepped."""
        return self.adapter.replay_last_change()

    def _on_stepped(self, snapshot: Any) -> None:
        self.replay_action.setEnabled(self.adapter.last_change is not None)
        self.metrics.update_snapshot(snapshot)
        self.timeseries.append(snapshot)
        self._show_rate_notes()
        self._refresh_status()
        if self._inspected is not None:
            self._refresh_inspector()
        self._show_spool_trouble()

    def _show_spool_trouble(self) -> None:
        """The audit log's file could not be written (a full disk): its records wait in
        memory. Say so once when it starts and once when it is over."""
        error = self.adapter.sim.audit.write_error
        if error == self._spool_error:
            return
        self._spool_error = error
        if error is not None:
            self.statusBar().showMessage(
                f"Audit log: {error} — new records are kept in memory until it works again"
            )
        else:
            self.statusBar().showMessage("Audit log: writing to its file again", NOTICE_MS)

    def refresh_moment(self) -> None:
        """The moment on screen changed (the timeline): status, rate notes and inspector."""
        self._show_rate_notes()
        self._refresh_status()
        self._refresh_inspector()

    def _on_frame(self, _ms: float) -> None:
        self._frame_times.append(time.monotonic())

    def fps(self) -> float:
        """Frames per second over the last second of animation (0 when idle)."""
        now = time.monotonic()
        recent = [t for t in self._frame_times if now - t <= 1.0]
        return float(len(recent))

    def _refresh_status(self) -> None:
        sim = self.adapter.sim
        lab = self.status_labels
        lab["time"].setText(f"t = {sim.time:.2f} h")
        lab["step"].setText(f"step {sim.step_index}")
        lab["seed"].setText(f"seed {self.adapter.config.seed}")
        lab["paradigm"].setText(self.adapter.config.paradigm)
        lab["fps"].setText(f"{self.fps():.0f} fps")

    # ---- members: inspect, retire, crash -----------------------------------------------
    def build_member_menu(self, member_id: str) -> QtWidgets.QMenu:
        """The right-click menu of a member: Retire (graceful) and Crash."""
        menu = QtWidgets.QMenu(self)
        menu.setObjectName("member-menu")
        menu.addSection(member_id)
        inspect = menu.addAction("Inspect")
        inspect.triggered.connect(lambda: self.inspect_member(member_id))
        retire = menu.addAction("Retire (graceful)")
        retire.setObjectName("retire-action")
        retire.triggered.connect(lambda: self.adapter.request_retire(member_id))
        crash = menu.addAction("Crash")
        crash.setObjectName("crash-action")
        crash.triggered.connect(lambda: self.adapter.request_crash(member_id))
        self.member_menu = menu
        return menu

    def _on_member_context(self, member_id: str, global_pos: QtCore.QPoint) -> None:
        menu = self.build_member_menu(member_id)
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(global_pos)

    def inspect_member(self, member_id: str, raise_dock: bool = True) -> None:
        self._inspected = member_id
        self.ring_view.set_selected(member_id)
        if raise_dock:
            self.inspector_dock.raise_()
        self._refresh_inspector()

    def _refresh_inspector(self) -> None:
        if self._inspected is None:
            return
        try:
            member = self.adapter.sim.registry.get(self._inspected)
        except KeyError:
            self.inspector.setHtml(f"<b>{html.escape(self._inspected)}</b>: no longer registered")
            return
        rows = member.as_dict()
        self.inspector.setHtml(_table(f"Member {member.id}", rows))

    def inspect_task(self, task: int, raise_dock: bool = True) -> None:
        self._inspected = None
        rows = dict(self.adapter.task_details(task))
        explain = self.adapter.sim.explain(task)
        rows.update({f"why: {k}": v for k, v in explain.items() if not isinstance(v, list | dict)})
        if raise_dock:
            self.inspector_dock.raise_()
        self.inspector.setHtml(_table(f"Task {task}", rows))

    # ---- help, close -------------------------------------------------------------------
    def show_about(self) -> QtWidgets.QMessageBox:
        qt_version = QtCore.qVersion()
        box = QtWidgets.QMessageBox(self)
        box.setObjectName("about-box")
        box.setWindowTitle("About PhoenixFlight")
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setText(ABOUT_TEXT.format(version=__version__, qt=qt_version))
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        # The workbench may keep the window open (unsaved changes, Cancel).
        if self.workbench is not None and not self.workbench.close_requested():
            event.ignore()
            return
        self.adapter.shutdown()
        self.controls.shutdown()
        self._restart_timer.stop()
        self.views.stop_animation()
        self.statusBar().clearMessage()  # a timed message keeps a QTimer running
        super().closeEvent(event)


def _themed_icon(icon: QtGui.QIcon, palette: QtGui.QPalette) -> QtGui.QIcon:
    """The style's icon, redrawn in the text colour on a dark theme.

    Fusion's media glyphs are black: on the dark and high-contrast themes they would vanish.
    """
    window = palette.color(QtGui.QPalette.ColorRole.Window)
    if window.lightness() >= 128:
        return icon
    colour = palette.color(QtGui.QPalette.ColorRole.WindowText)
    out = QtGui.QIcon()
    for size in (16, 24, 32):
        pixmap = icon.pixmap(size, size)
        painter = QtGui.QPainter(pixmap)
        painter.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(pixmap.rect(), colour)
        painter.end()
        out.addPixmap(pixmap)
    return out


def _table(title: str, rows: dict[str, Any]) -> str:
    body = "".join(
        f"<tr><td><b>{html.escape(str(k))}</b></td><td>{html.escape(_fmt(v))}</td></tr>"
        for k, v in rows.items()
    )
    return f"<h3>{html.escape(title)}</h3><table cellspacing='4'>{body}</table>"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(_fmt(v) for v in value) or "—"
    return str(getattr(value, "value", value))
