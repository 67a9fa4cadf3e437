"""The workbench around the main window: files, panels, lessons, presentation, export, settings.

:class:`MainWindow` is the simulator (ring, controls, metrics, time series, inspector);
:class:`Workbench` attaches everything a desktop user and a teacher need on top of it, so the
window stays small and each piece keeps its own module:

* a :class:`ScenarioDocument` holding the open scenario — opening one resets the run to it,
  slider / seed / paradigm edits become its unsaved changes, the title shows name, file and
  the unsaved mark, closing with unsaved changes asks first;
* the File menu (:class:`FileActions`, Export ▸ :class:`ExportActions`), files dropped on
  the window, autosave with the offer to restore after a crash;
* the panels as docks (Members, Capabilities, Workload, Decisions at the bottom with the time
  series; Flight Recorder and Algorithms on the right with the inspector), each fed by the
  adapter, with View-menu toggles;
* the lesson caption overlay on the ring and the Lessons menu; a pausing caption stops the
  run and Next (or Play) continues it;
* presentation mode (F11) and the View ▸ Theme choice, persisted with window geometry and dock
  layout in :class:`Settings`.

:func:`open_workbench` builds the whole thing; ``phoenix-flight gui`` and the self-test use it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.qt.document.autosave import Autosave
from phoenix_gui.qt.document.document import ScenarioDocument
from phoenix_gui.qt.document.export import ExportActions
from phoenix_gui.qt.document.file_actions import DropOpener, FileActions
from phoenix_gui.qt.document.lessons import LessonController, LessonsMenu
from phoenix_gui.qt.document.references import WindowReferences
from phoenix_gui.qt.document.settings import Settings
from phoenix_gui.qt.shell.dock_tabs import TabBarSweeper
from phoenix_gui.qt.shell.main_window import MainWindow
from phoenix_gui.qt.shell.presentation import Presentation
from phoenix_gui.scenario import ScenarioError, scenario_from_config

# saveState/restoreState version of the dock layout: bump it when docks are added or renamed,
# so a layout saved by an older version is ignored instead of half-applied.
DOCK_LAYOUT_VERSION = 1
MAXIMISE_UP_TO = QtCore.QSize(1920, 1080)
CHROME_HEIGHT = 100  # menu bar, toolbar and status bar, roughly
MIN_INSPECTOR_HEIGHT = 120
MIN_RING_WIDTH = 420  # below this the ring view is too small to read: fold a dock column
THEME_LABELS = (("light", "&Light"), ("dark", "&Dark"), ("high-contrast", "&High contrast"))
STATUS_MS = 5_000

# The workbench panels: attribute → (dock title, module under phoenix_gui.qt.panels, class,
# dock area). Each is built the first time its dock shows (or the first time code asks for
# it): hidden behind a tab at start-up, none of them costs the first frame anything.
PANELS = {
    "members": ("Members", "members", "MembersPanel", "bottom"),
    "capabilities": ("Capabilities", "capabilities", "CapabilitiesPanel", "bottom"),
    "workload": ("Workload", "workload", "WorkloadPanel", "bottom"),
    "decisions": ("Decisions", "decisions", "DecisionsPanel", "bottom"),
    "recorder": ("Flight Recorder", "recorder", "FlightRecorderPanel", "right"),
    "algorithms": ("Algorithms", "algorithms", "AlgorithmsPanel", "right"),
}


def _panel_property(name: str) -> Any:
    return property(
        lambda self: self.panel(name), doc=f"The {PANELS[name][0]} panel (built on use)."
    )


class Workbench(QtCore.QObject):
    """Everything of issue 6 attached to one :class:`MainWindow` (``window.workbench``)."""

    def __init__(
        self,
        window: MainWindow,
        document: ScenarioDocument,
        settings: Settings,
        autosave_folder: Path | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.document = document
        self.settings = settings
        document.setParent(self)
        document.dialog_parent = window
        self.file_actions = FileActions(document, settings, window)
        self.file_actions.before_action = window.controls.flush
        self.export = ExportActions(
            window,
            ring=lambda: window.views.current,  # the paradigm's view on screen
            timeseries=lambda: window.timeseries,
            audit=lambda: window.adapter.sim.audit,
            caption=lambda: self.lessons.text,
        )
        self.autosave = Autosave(document, parent=self, folder=autosave_folder)
        self.overlay = window.stage.strip
        self.lessons = LessonController(self.overlay, parent=self)
        self.lessons.install_shortcuts(window)
        self.lessons_menu = LessonsMenu(window)
        self.presentation = Presentation(settings, parent=self)
        self._normal_state: QtCore.QByteArray | None = None  # dock layout before F11
        self._build_docks()
        self.tab_sweeper = TabBarSweeper(window)
        self._build_menus()
        self._connect()
        self.drop_opener = DropOpener(self.file_actions, window)
        window.setAcceptDrops(True)
        window.installEventFilter(self.drop_opener)
        window.workbench = self
        self.presentation.apply_normal_theme()
        self._update_title()
        self._start_lesson(window.adapter.sim.config)
        self._on_simulation_reset()
        from phoenix_gui.qt.shell.comparison import Comparison

        self.comparison = Comparison(self)  # Branch here, the A/B split (issue 15)

    # ---- construction ------------------------------------------------------------------
    members = _panel_property("members")
    capabilities = _panel_property("capabilities")
    workload = _panel_property("workload")
    decisions = _panel_property("decisions")
    recorder = _panel_property("recorder")
    algorithms = _panel_property("algorithms")

    def _build_docks(self) -> None:
        w = self.window
        areas = {
            "right": QtCore.Qt.DockWidgetArea.RightDockWidgetArea,
            "bottom": QtCore.Qt.DockWidgetArea.BottomDockWidgetArea,
        }
        self._built: dict[str, Any] = {}
        self.docks: dict[str, QtWidgets.QDockWidget] = {}
        for name, (title, _module, _cls, area) in PANELS.items():
            placeholder = QtWidgets.QWidget(w)
            dock = w.add_dock(title, placeholder, areas[area], scroll=True)
            dock.visibilityChanged.connect(lambda visible, n=name: visible and self.panel(n))
            self.docks[name] = dock
        self.members_dock = self.docks["members"]
        self.capabilities_dock = self.docks["capabilities"]
        self.workload_dock = self.docks["workload"]
        self.decisions_dock = self.docks["decisions"]
        self.recorder_dock = self.docks["recorder"]
        self.algorithms_dock = self.docks["algorithms"]
        previous = w.timeseries_dock
        for dock in (
            self.members_dock,
            self.capabilities_dock,
            self.workload_dock,
            self.decisions_dock,
        ):
            w.tabifyDockWidget(previous, dock)
            previous = dock
        w.tabifyDockWidget(w.inspector_dock, self.recorder_dock)
        w.tabifyDockWidget(w.inspector_dock, self.algorithms_dock)
        w.timeseries_dock.raise_()
        w.inspector_dock.raise_()
        self.panel_docks = list(self.docks.values())

    @property
    def panels(self) -> list[Any]:
        """The panels built so far, in dock order."""
        return [self._built[n] for n in PANELS if n in self._built]

    def panel(self, name: str) -> Any:
        """The panel ``name`` (a key of :data:`PANELS`), built and wired on first use: given
        the current run, fed every engine event from then on."""
        built = self._built.get(name)
        if built is not None:
            return built
        import importlib

        _title, module, cls, _area = PANELS[name]
        panel_class = getattr(importlib.import_module(f"phoenix_gui.qt.panels.{module}"), cls)
        panel = panel_class(self.window)
        scroll = self.docks[name].widget()
        assert isinstance(scroll, QtWidgets.QScrollArea)
        scroll.takeWidget().deleteLater()  # the placeholder
        scroll.setWidget(panel)
        self._built[name] = panel
        adapter = self.window.adapter
        # The recorder reads ``.audit`` from what it is given: the Simulation itself.
        panel.set_simulation(adapter.sim if name == "recorder" else adapter)
        adapter.eventsEmitted.connect(panel.on_events)
        if name == "members":
            panel.memberSelected.connect(self._on_member_selected)
        elif name == "workload":
            panel.taskSelected.connect(lambda task: self.decisions.set_task(task))
            panel.taskSelected.connect(self._on_task_selected)
        return panel

    def _attach_panels(self) -> None:
        """Give every built panel the current run (after every reset)."""
        adapter = self.window.adapter
        for name, panel in self._built.items():
            panel.set_simulation(adapter.sim if name == "recorder" else adapter)

    def _build_menus(self) -> None:
        w = self.window
        file_menu = w.file_menu
        file_menu.clear()
        self.file_actions.populate_menu(file_menu)
        file_menu.addSeparator()
        self.export_menu = file_menu.addMenu("&Export")
        self.export_menu.setObjectName("exportMenu")
        self.export.populate_menu(self.export_menu)
        file_menu.addSeparator()
        file_menu.addAction(w.quit_action)

        view = w.view_menu
        view.addSeparator()
        for dock in self.panel_docks:
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        self.theme_menu = view.addMenu("&Theme")
        self.theme_menu.setObjectName("themeMenu")
        self.theme_group = QtGui.QActionGroup(self)
        self.theme_actions: dict[str, QtGui.QAction] = {}
        current = self.settings.theme()
        for name, label in THEME_LABELS:
            action = self.theme_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(name == current)
            action.setData(name)
            self.theme_group.addAction(action)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_actions[name] = action
        self.presentation_action = self.presentation.action(w)
        view.addAction(self.presentation_action)
        w.addAction(self.presentation_action)  # F11 also works with the menu bar hidden

        w.menuBar().insertMenu(w.help_menu.menuAction(), self.lessons_menu.menu)

        w.sim_menu.addSeparator()
        self.experiment_action = w.sim_menu.addAction("&Experiment…")
        self.experiment_action.setObjectName("experimentAction")
        self.experiment_action.setToolTip("Sweep parameters over many runs and chart the result")
        self.experiment_action.triggered.connect(self.show_experiment)
        self.experiment_dialog: Any = None

    def _connect(self) -> None:
        w, a, doc = self.window, self.window.adapter, self.document
        doc.loaded.connect(self._on_loaded)
        for signal in (doc.changed, doc.dirtyChanged, doc.pathChanged):
            signal.connect(self._update_title)
        doc.saved.connect(lambda path: self.show_status(f"Saved {path}"))
        self.export.exported.connect(lambda path: self.show_status(f"Exported {path}"))
        self.autosave.failed.connect(lambda why: self.show_status(f"Autosave failed: {why}"))
        # The document (what Save writes) follows the parameter state's t = 0 values.
        w.state.startChanged.connect(self._on_start_changed)

        a.eventsEmitted.connect(self.lessons.on_events)
        a.simulationReset.connect(self._on_simulation_reset)
        a.playingChanged.connect(self._on_playing_changed)
        self.lessons.pauseRequested.connect(a.pause)
        self.lessons.resumeRequested.connect(self._on_resume)
        self.lessons.restartRequested.connect(w.reset_action.trigger)
        w.metrics.widthWanted.connect(self._on_metrics_width_wanted)
        a.stepped.connect(lambda _snapshot: self.lessons.on_time(a.sim.time))
        self.references = WindowReferences(w, self)
        self.lessons.render_plain = self.references.render_plain
        self.lessons.render_rich = self.references.render_rich
        self.lessons.point_at = self.references.point_at
        self.lessons_menu.lessonChosen.connect(self.open_lesson)
        self.presentation.activeChanged.connect(self._on_presentation_changed)

        # A click on the ring selects in the panels (building them if never shown yet).
        w.ring_view.memberClicked.connect(lambda member: self.members.select_member(member))
        w.ring_view.taskClicked.connect(lambda task: self.workload.select_task(task))

    # ---- layout, start and close -------------------------------------------------------
    def restore_layout(self) -> bool:
        """Window geometry and dock layout of the last session (call before ``show()``).

        Without a saved layout the window fits the screen (maximised when its default size
        does not) and the docks get sizes in proportion to it. False: nothing was saved.
        """
        geometry = self.settings.geometry()
        state = self.settings.window_state()
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        if state is not None and self.window.restoreState(state, DOCK_LAYOUT_VERSION):
            return True
        target = self.window.size()
        screen = self.window.screen()
        if geometry is None and screen is not None:
            # First start: maximised on a classroom-sized screen (up to 1920×1080), where the
            # ring, Metrics and the caption need every pixel; on a larger screen the default
            # size. restoreGeometry brings back the user's own choice after that.
            whole = screen.geometry().size()
            available = screen.availableGeometry().size()
            if (
                (
                    whole.width() <= MAXIMISE_UP_TO.width()
                    and whole.height() <= MAXIMISE_UP_TO.height()
                )
                or target.width() > available.width()
                or target.height() > available.height()
            ):
                self.window.setWindowState(QtCore.Qt.WindowState.WindowMaximized)
                target = available
        self.apply_default_layout(target)
        return False

    def apply_default_layout(self, size: QtCore.QSize | None = None) -> None:
        """Dock sizes in proportion to ``size`` (default: the window's): the ring in the middle
        keeps most of the room, Controls left, Metrics above the Inspector tabs on the right,
        the time series and the registry panels along the bottom."""
        w = self.window
        size = size if size is not None else w.size()
        width, height = size.width(), size.height()
        # The right column runs the window's full height (the bottom docks stop beside it), so
        # Metrics has the height to show every row on a 1280×800 projector.
        w.setCorner(
            QtCore.Qt.Corner.BottomRightCorner, QtCore.Qt.DockWidgetArea.RightDockWidgetArea
        )
        left = _clamp(round(width * 0.22), 300, 360)
        right = max(_clamp(round(width * 0.28), 390, 540), min(w.metrics_dock_width(), width // 2))
        bottom = _clamp(round(height * 0.27), 200, 300)
        column = max(200, height - CHROME_HEIGHT)  # menus, toolbar and status bar aside
        metrics = min(max(column - MIN_INSPECTOR_HEIGHT, column // 2), w.metrics_dock_height())
        horizontal, vertical = QtCore.Qt.Orientation.Horizontal, QtCore.Qt.Orientation.Vertical
        if width - left - right < MIN_RING_WIDTH:
            # A small screen: three columns would squeeze the ring to a sliver, so Controls
            # shares the bottom row with the time series as a tab and the ring keeps the middle.
            w.tabifyDockWidget(w.timeseries_dock, w.controls_dock)
            w.timeseries_dock.raise_()
            w.resizeDocks([w.metrics_dock], [right], horizontal)
        else:
            w.resizeDocks([w.controls_dock, w.metrics_dock], [left, right], horizontal)
        w.resizeDocks([w.timeseries_dock], [bottom], vertical)
        w.resizeDocks([w.metrics_dock, w.inspector_dock], [metrics, column - metrics], vertical)

    def start(self) -> None:
        """After ``show()``: autosave every minute, and offer what a crashed run left."""
        self.autosave.start()
        self.autosave.offer_restore()

    def close_requested(self) -> bool:
        """The window is closing: False keeps it open (unsaved changes, Cancel)."""
        self.window.controls.flush()  # a slider moved a moment ago is an unsaved change too
        if not self.document.maybe_close():
            return False
        if self.presentation.is_active():
            # Leave first: it restores the application fonts and the normal geometry to save.
            self.presentation.set_active(self.window, False)
        self.settings.set_geometry(self.window.saveGeometry())
        self.settings.set_window_state(self.window.saveState(DOCK_LAYOUT_VERSION))
        self.settings.sync()
        self.autosave.clean_exit()
        self.comparison.shutdown()
        self.tab_sweeper.stop()
        self.references.highlight.clear()  # its timer must not outlive the window
        for panel in self.panels:
            panel.refresh()  # does any coalesced refresh now: no timer outlives the window
        if self.experiment_dialog is not None:
            self.experiment_dialog.close()  # a running sweep's workers stop with the window
        return True

    # ---- user actions ------------------------------------------------------------------
    def show_experiment(self) -> Any:
        """Simulation ▸ Experiment…: the sweep dialog on the open scenario (made once)."""
        from phoenix_gui.qt.experiments.dialog import ExperimentDialog

        if self.experiment_dialog is None:
            dialog = ExperimentDialog(
                self.document.config, self.document.scenario.experiment, self.window
            )
            dialog.openRun.connect(self.open_run)
            self.experiment_dialog = dialog
        if self.experiment_dialog.isVisible():
            self.experiment_dialog.activateWindow()  # already open: bring it to the front
        else:
            self.experiment_dialog.show()
        return self.experiment_dialog

    def open_run(self, config: SimulationConfig) -> None:
        """Open one run of a sweep (its parameters and seed) in the window, from its start."""
        self.window.controls.flush()
        try:
            self.document.update_from_config(config)
        except ScenarioError as error:
            self.show_status(f"Cannot open that run: {error}")
            return
        self.window.load_config(self.document.config())
        self.show_status(f"Opened the run with seed {config.seed}: press Play to watch it")

    def open_lesson(self, path: str) -> bool:
        """A lesson from the Lessons menu (opened as an untitled copy when it is bundled)."""
        return self.file_actions.open_path(path)

    def set_theme(self, name: str) -> None:
        """View ▸ Theme: remember the choice and apply it (after presentation mode ends)."""
        self.settings.set_theme(name)
        self.theme_actions[name].setChecked(True)
        self.presentation.apply_normal_theme()

    def show_status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, STATUS_MS)

    # ---- slots -------------------------------------------------------------------------
    def _on_loaded(self, _scenario: object) -> None:
        config = self.document.config()
        self._start_lesson(config)
        self.window.load_config(config)
        dialog = self.experiment_dialog
        if dialog is not None and not (dialog.job is not None and dialog.job.running):
            dialog.load_experiment(self.document.scenario.experiment)

    def _update_title(self, *_: object) -> None:
        self.window.setWindowTitle(self.document.window_title())
        self.window.setWindowModified(self.document.is_dirty())

    def _on_start_changed(self, values: dict[str, Any]) -> None:
        try:
            self.document.set_values(values)
        except ScenarioError as error:  # the state checks with the schema's table: a bug
            self.show_status(f"Not kept in the scenario: {error}")

    def _on_simulation_reset(self) -> None:
        # The captions belong to the lesson's setup: a run reset with other hosts, vnodes,
        # tasks, seed or paradigm would make them wrong, so they stay hidden then.
        self.lessons.reset(matches=_lesson_key(self.window.adapter.sim.config) == self._lesson)
        self._attach_panels()

    def _start_lesson(self, config: SimulationConfig) -> None:
        """A scenario was opened (or the window started): its captions are the lesson's."""
        self._lesson = _lesson_key(config)
        self.lessons.set_timeline(config.timeline)

    def _on_playing_changed(self, playing: bool) -> None:
        if playing and self.lessons.waiting:
            self.lessons.next()  # Play while held at a caption means Next

    def _on_resume(self) -> None:
        self.window.controls.flush()
        self.window.adapter.play()

    def _on_presentation_changed(self, active: bool) -> None:
        w = self.window
        if active:
            # At 1.5× text every dock would be cramped: the room shows the ring, its caption
            # and the metrics; the other docks stay a View-menu click away until F11 again.
            self._normal_state = w.saveState(DOCK_LAYOUT_VERSION)
            for dock in w.findChildren(QtWidgets.QDockWidget):
                if dock is not w.metrics_dock:
                    dock.hide()
            w.metrics_dock.show()
            self._fit_presentation_metrics()
            # Fonts and the full-screen geometry settle over the next events: fit again then.
            QtCore.QTimer.singleShot(0, self._fit_presentation_metrics)
        elif self._normal_state is not None:
            w.restoreState(self._normal_state, DOCK_LAYOUT_VERSION)
            self._normal_state = None
        self.overlay.set_presentation_mode(active)
        if not active:
            self.presentation.apply_normal_theme()  # a theme chosen meanwhile applies now

    def _on_metrics_width_wanted(self, needed: int) -> None:
        """Widen the Metrics dock to what its panel needs (never past half the window)."""
        w = self.window
        dock = w.metrics_dock
        if dock.isFloating() or not dock.isVisible():
            return
        wanted = min(needed + 8, w.width() // 2)
        if wanted > dock.width():
            w.resizeDocks([dock], [wanted], QtCore.Qt.Orientation.Horizontal)

    def _fit_presentation_metrics(self) -> None:
        """Metrics as wide as its larger text needs (at most half the screen): no cut column."""
        w = self.window
        if not self.presentation.is_active():
            return
        width = w.width()
        wanted = max(round(width * 0.36), w.metrics_dock_width())
        w.resizeDocks([w.metrics_dock], [min(wanted, width // 2)], QtCore.Qt.Orientation.Horizontal)

    def _on_member_selected(self, member_id: str) -> None:
        if member_id:
            self.window.inspect_member(member_id, raise_dock=False)

    def _on_task_selected(self, task: int) -> None:
        if task >= 0:
            self.window.inspect_task(task, raise_dock=False)


def _lesson_key(config: SimulationConfig) -> tuple[object, ...]:
    """What a lesson's captions describe: the setup, not the live metric sliders."""
    return (
        config.seed,
        config.paradigm,
        config.members,
        config.ring,
        config.workload,
        config.timeline,
    )


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def workbench_of(window: MainWindow) -> Workbench:
    """The :class:`Workbench` built around ``window`` by :func:`open_workbench`."""
    workbench = window.workbench
    if not isinstance(workbench, Workbench):
        raise TypeError("this window was not opened with open_workbench()")
    return workbench


def open_workbench(
    source: str | os.PathLike[str] | None = None,
    *,
    config: SimulationConfig | None = None,
    settings: Settings | None = None,
    autosave_folder: Path | None = None,
) -> MainWindow:
    """The main window with its workbench, on ``source`` (a scenario file) or ``config``.

    A bundled lesson becomes an untitled copy (Save asks where to keep it); any other file
    is the document's file. With neither, the default lesson opens. A file that does not load
    raises :class:`ScenarioError` (the command line validated it already). Call
    ``window.show()`` and then ``window.workbench.start()``.
    """
    if source is None and config is not None:
        document = ScenarioDocument(scenario_from_config(config, name="Untitled"))
    else:
        if source is None:
            from phoenix_gui.resources import DEFAULT_SCENARIO, resource_path

            source = resource_path(DEFAULT_SCENARIO)
        document = ScenarioDocument.from_file(source)
    window = MainWindow(document.config(), source=os.fspath(source) if source else None)
    workbench = Workbench(window, document, settings or Settings(), autosave_folder)
    workbench.restore_layout()
    return window
