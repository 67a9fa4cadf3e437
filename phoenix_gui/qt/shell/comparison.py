"""Comparison: "Branch here", the A/B split, lockstep stepping and Close B (issue 15).

:meth:`Comparison.branch_from` takes a Simulation at the moment on screen (the live run, or —
once a timeline scrubber exists — the run at the step being viewed) and starts run B from a
copy of it (:class:`BranchRun`). The window then shows:

* the split view — A's view left, B's right, the same size (:class:`SplitView`);
* one clock: Play and Step drive A as always, and B follows step for step. A does not begin a
  played step while B is still on the previous one (``adapter.hold_play``), and B steps in
  the same bounded slices as A, so the window keeps answering;
* a side choice (Simulation ▸ Controls act on A / B, the toolbar, the Controls dock, a click on
  a pane's title): sliders, Undo / Redo and Add member act on that run only; a right-click on
  a member acts on the run it was clicked in;
* Metrics as A, B and B − A (:class:`CompareMetricsPanel`), and the plots with B dashed over A
  solid (:class:`CompareSeries`).

Close B returns to one view. A scenario with ``compare: {variant: NAME}`` opens as A/B (after
every reset too: Reset starts the comparison again); Save writes B as a variant and the
``compare`` field (see :meth:`BranchRun.variant_data`).
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine import Simulation, SimulationConfig, copy_run
from phoenix_gui.params import ParamError
from phoenix_gui.qt.adapter import SimulationAdapter, SimulationBuilder, builds_quickly
from phoenix_gui.qt.document.branching import BranchRun, save_into
from phoenix_gui.qt.panels.compare_metrics import CompareMetricsPanel
from phoenix_gui.qt.panels.compare_series import CompareSeries
from phoenix_gui.qt.shell.split_view import (
    SideSelector,
    SplitView,
    fit_half,
    member_menu_b,
    stack_in_dock,
)
from phoenix_gui.qt.views.stack import ViewStack
from phoenix_gui.qt.views.stack_binding import ViewStackBinding
from phoenix_gui.scenario import ScenarioError, scenario_to_config, variant_scenario

BRANCH_TIP = "Start run B from the moment on screen, beside run A"
CLOSE_TIP = "Close run B and go back to one view"


class Comparison(QtCore.QObject):
    """Run B beside the window's run A (``workbench.comparison``)."""

    opened = QtCore.Signal()
    closed = QtCore.Signal()
    sideChanged = QtCore.Signal(str)  # noqa: N815

    def __init__(self, workbench: Any) -> None:
        super().__init__(workbench)
        self.workbench = workbench
        self.window = w = workbench.window
        self.run: BranchRun | None = None
        self.split: SplitView | None = None
        self.views_b: ViewStack | None = None
        self._adapter_b: SimulationAdapter | None = None  # B's, kept from one B to the next
        self.side = "A"
        self._builder: SimulationBuilder | None = None
        self._b_text = ""
        self._snapshots: dict[str, Any] = {"A": None, "B": None}
        self.metrics_panel = CompareMetricsPanel(w)
        self.metrics_panel.hide()
        self._metrics_stack: QtWidgets.QStackedWidget | None = None
        self.series = CompareSeries(w.timeseries)
        self.undo_group = QtGui.QUndoGroup(self)
        self.undo_group.addStack(w.state.undo_stack)
        self.undo_group.setActiveStack(w.state.undo_stack)
        # Undo / Redo of the chosen side, in place of the window's own while B is open.
        self._undo = self.undo_group.createUndoAction(w, "&Undo")
        self._redo = self.undo_group.createRedoAction(w, "&Redo")
        self._undo.setShortcut(QtGui.QKeySequence("Ctrl+Z"))
        self._redo.setShortcuts([QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")])
        for action in (self._undo, self._redo):
            action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        self._build_actions()
        self.selector = SideSelector(self.side_actions, w.controls)
        self.selector.hide()
        w.adapter.hold_play = self._b_is_behind
        w.adapter.stepped.connect(self._on_a_stepped)
        w.adapter.simulationReset.connect(self._on_a_reset)
        w.adapter.playingChanged.connect(self._on_playing_changed)
        w.state.changed.connect(self._on_a_state_changed)
        workbench.file_actions.before_save = self.write_into_document
        self._open_from_scenario()

    # ---- actions ---------------------------------------------------------------------------
    def _build_actions(self) -> None:
        w = self.window
        self.branch_action = QtGui.QAction("Branch here", w)
        self.branch_action.setObjectName("branchAction")
        self.branch_action.setShortcut(QtGui.QKeySequence("Ctrl+B"))
        self.branch_action.setToolTip(f"{BRANCH_TIP} (Ctrl+B)")
        self.branch_action.triggered.connect(self.branch_here)
        self.close_action = QtGui.QAction("Close B", w)
        self.close_action.setObjectName("closeBranchAction")
        self.close_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+B"))
        self.close_action.setToolTip(f"{CLOSE_TIP} (Ctrl+Shift+B)")
        self.close_action.triggered.connect(self.close_b)
        self.close_action.setEnabled(False)
        self.side_group = QtGui.QActionGroup(self)
        self.side_actions: dict[str, QtGui.QAction] = {}
        for side, text, key in (("A", "A (left)", "Ctrl+1"), ("B", "B (right)", "Ctrl+2")):
            action = QtGui.QAction(text, w)
            action.setObjectName(f"side{side}Action")
            action.setCheckable(True)
            action.setShortcut(QtGui.QKeySequence(key))
            action.setToolTip(f"Sliders, Undo and Add member act on run {side} ({key})")
            action.triggered.connect(lambda _=False, s=side: self.set_side(s))
            action.setEnabled(False)
            self.side_group.addAction(action)
            self.side_actions[side] = action
        self.side_actions["A"].setChecked(True)
        for action in (self.branch_action, self.close_action, *self.side_actions.values()):
            action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
            w.addAction(action)
        menu = w.sim_menu
        first = menu.actions()[0] if menu.actions() else None
        anchor = w.add_member_action if w.add_member_action in menu.actions() else first
        for action in (self.branch_action, self.close_action):
            menu.insertAction(anchor, action)
        self.side_menu = QtWidgets.QMenu("Controls act on", menu)
        self.side_menu.setObjectName("sideMenu")
        for action in self.side_actions.values():
            self.side_menu.addAction(action)
        menu.insertMenu(anchor, self.side_menu)
        menu.insertSeparator(anchor)
        toolbar = w.toolbar
        toolbar.addSeparator()
        toolbar.addAction(self.branch_action)
        toolbar.addAction(self.close_action)
        for action in self.side_actions.values():
            toolbar.addAction(action)

    # ---- opening and closing -----------------------------------------------------------------
    def branch_here(self) -> bool:
        """Simulation ▸ Branch here: run B from the moment on screen."""
        adapter = self.window.adapter
        if adapter.building:
            self._status("Branch here: the run is still being built")
            return False
        if adapter.step_in_progress:
            adapter.pause()
            adapter.step_once()  # finish the step on screen: a branch starts between steps
        return self.branch_from(adapter.sim)

    def branch_from(self, sim: Simulation) -> bool:
        """Run B from ``sim`` — a Simulation at the moment on screen, between two steps (the
        live run, or a past step of it); ``sim`` itself is not changed."""
        self.close_b()
        twin = copy_run(sim)  # as restore(checkpoint()) would, in a fraction of its time
        hour = twin.time
        self._start(self._new_run(twin), f"branched from A at t = {hour:.2f} h")
        self._status(f"Run B branched from A at t = {hour:.2f} h: change B, then Play")
        return True

    def _open_from_scenario(self) -> None:
        """The scenario says ``compare: {variant: NAME}``: open B as that variant."""
        scenario = self.workbench.document.scenario
        if scenario.compare is None:
            return
        name = scenario.compare.variant
        try:
            config = scenario_to_config(variant_scenario(scenario, name))
        except ScenarioError as error:
            self._status(f"Cannot open B: {error}")
            return
        a_config = self.window.state.start_config()
        step = round(scenario.variants[name].branch_at / a_config.timing.step_hours)
        start = config if step == 0 else a_config
        pending = (step, config) if step > 0 else None
        hour = step * a_config.timing.step_hours
        text = f"variant {name}" + (f", branches from A at t = {hour:g} h" if step > 0 else "")
        if builds_quickly(start):
            self._start(self._new_run(Simulation(start), name, pending), text)
            return
        builder = SimulationBuilder(start, self)  # a big run: built on a worker thread
        builder.built.connect(
            lambda _config, result: self._on_built(builder, result, name, pending, text)
        )
        self._builder = builder
        builder.start()

    def _on_built(
        self,
        builder: SimulationBuilder,
        result: object,
        name: str,
        pending: tuple[int, SimulationConfig] | None,
        text: str,
    ) -> None:
        builder.wait()
        builder.deleteLater()
        if self._builder is not builder:
            return  # a newer comparison (or none) was asked for meanwhile
        self._builder = None
        if not isinstance(result, Simulation):
            self._status(f"Cannot open B: {result}")
            return
        self._start(self._new_run(result, name, pending), text)

    def _new_run(
        self,
        sim: Simulation,
        origin: str | None = None,
        pending: tuple[int, SimulationConfig] | None = None,
    ) -> BranchRun:
        """Run B on ``sim``, driven by the adapter (and shown in the views) of the B before."""
        return BranchRun(sim, origin=origin, pending=pending, adapter=self._adapter_b, parent=self)

    def _build_split(self, run: BranchRun) -> SplitView:
        """B's view stack and the split, built once and kept for every later B (a ring view
        costs a good part of 100 ms to build)."""
        w = self.window
        self._adapter_b = run.adapter
        run.adapter.setParent(self)  # it outlives this run
        views = ViewStack(w)
        self.views_b = views
        self._binding_b = ViewStackBinding(run.adapter, views)
        views.ring.memberContextRequested.connect(self._on_b_member_context)
        for view in (views.ring, views.cluster, views.agents):
            view.frameRendered.connect(w._on_frame)
        views.ring.memberClicked.connect(lambda _m: self.set_side("B"))
        run.adapter.stepped.connect(self._on_b_stepped)
        split = SplitView(views, w.stage)
        split.sideChosen.connect(self.set_side)
        split.hide()
        return split

    def _start(self, run: BranchRun, text: str) -> None:
        w = self.window
        self.run = run
        self._b_text = text
        self.undo_group.addStack(run.state.undo_stack)
        run.applied.connect(self._on_pending_applied)
        if self.split is None:
            self.split = self._build_split(run)
        assert self.views_b is not None
        w.stage.layout().replaceWidget(w.views, self.split)
        self.split.panes["A"].set_view(w.views)
        self.split.show()
        for stack in (w.views, self.views_b):
            fit_half(stack, True)
        self.split.set_titles(self._a_text(), text)
        self.metrics_panel.set_heading(self._a_text(), text)
        self._show_compare_metrics(True)
        self.series.start()
        run.adapter.announce()
        self._insert_selector()
        self.close_action.setEnabled(True)
        for action in self.side_actions.values():
            action.setEnabled(True)
        self._route_controls(True)
        self.set_side("A")
        self.fit_docks()
        QtCore.QTimer.singleShot(0, self.fit_docks)  # again once the window's layout settled
        self._on_a_stepped(w.adapter.sim.snapshot())
        self.opened.emit()

    def close_b(self) -> None:
        """Close B: one run, one view again (Close B in the menu and the toolbar)."""
        self._builder = None
        run, self.run = self.run, None
        if run is None:
            return
        w = self.window
        self.set_side("A")
        self._route_controls(False)
        self.undo_group.removeStack(run.state.undo_stack)
        run.detach()
        assert self.split is not None and self.views_b is not None
        self.views_b.stop_animation()
        fit_half(w.views, False)
        w.stage.layout().replaceWidget(self.split, w.views)
        w.views.show()
        self.split.hide()
        run.deleteLater()
        self._show_compare_metrics(False)
        self.series.stop()
        self.selector.hide()
        self.close_action.setEnabled(False)
        for action in self.side_actions.values():
            action.setEnabled(False)
        self._snapshots["B"] = None
        self.closed.emit()

    def shutdown(self) -> None:
        """The window is closing: B's timers stop with it."""
        self.close_b()
        if self._adapter_b is not None:
            self._adapter_b.shutdown()

    # ---- the side the controls act on ---------------------------------------------------------
    def set_side(self, side: str) -> None:
        """Make the sliders, Undo / Redo and Add member act on run ``side`` ("A" or "B")."""
        if side == "B" and self.run is None:
            side = "A"
        w = self.window
        w.controls.flush()  # a slider moved a moment ago belongs to the side it was moved for
        self.side = side
        self.side_actions[side].setChecked(True)
        run = self.run
        stack = run.state.undo_stack if side == "B" and run is not None else w.state.undo_stack
        self.undo_group.setActiveStack(stack)
        if self.split is not None:
            self.split.set_side(side)
        fixed = side == "B"
        for name in ("hosts", "vnodes", "tasks"):
            row = w.controls.rows.get(name)
            if row is not None:
                for widget in (row.slider, row.box):
                    widget.setEnabled(not fixed)
        w.controls.paradigm_combo.setEnabled(not fixed)
        w.controls.seed_box.setEnabled(not fixed)
        dock_title = "Controls — run B (right)" if fixed else "Controls"
        if self.run is not None and not fixed:
            dock_title = "Controls — run A (left)"
        w.controls_dock.setWindowTitle(dock_title)
        self._load_controls()
        self.sideChanged.emit(side)

    def _load_controls(self) -> None:
        w = self.window
        if self.side == "B" and self.run is not None:
            values = self.run.state.values()
            shown = {n: v for n, v in values.items() if n not in ("seed", "paradigm")}
            shown["speed"] = w.adapter.speed
            with QtCore.QSignalBlocker(w.controls):
                w.controls.set_values(shown)
        else:
            w._load_controls()

    def _insert_selector(self) -> None:
        layout = self.window.controls.layout()
        if layout.indexOf(self.selector) < 0:
            layout.insertWidget(0, self.selector)
        self.selector.show()

    def _route_controls(self, on: bool) -> None:
        """Sliders and Add member go through the side choice while B is open."""
        w = self.window
        pairs = (
            (w.controls.paramChanged, w._on_param_edited, self._on_param_edited),
            (w.add_member_action.triggered, w.adapter.request_join, self._on_add_member),
        )
        for signal, window_slot, own_slot in pairs:
            if on:
                signal.disconnect(window_slot)
                signal.connect(own_slot)
            else:
                signal.disconnect(own_slot)
                signal.connect(window_slot)
        edit = w.edit_menu
        actions = ((w.undo_action, self._undo), (w.redo_action, self._redo))
        for one_run, grouped in actions:
            old, new = (one_run, grouped) if on else (grouped, one_run)
            edit.insertAction(old, new)
            edit.removeAction(old)
            w.removeAction(old)
            w.addAction(new)

    def _on_param_edited(self, name: str, value: float) -> None:
        if self.side == "A" or self.run is None or name == "speed":
            self.window._on_param_edited(name, value)
            return
        try:
            self.run.edit(name, value)
        except ParamError as error:
            self._status(f"Not accepted in B: {error}")
        self._load_controls()

    def _on_add_member(self) -> None:
        if self.side == "B" and self.run is not None:
            self.run.request_join()
        else:
            self.window.adapter.request_join()

    def _on_a_state_changed(self, _name: str, _value: object, _cause: str) -> None:
        if self.side == "B" and self.run is not None:
            self._load_controls()  # A changed (a lesson's set): the controls still show B

    def _on_b_member_context(self, member_id: str, global_pos: QtCore.QPoint) -> None:
        menu = self.build_b_member_menu(member_id)
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(global_pos)

    def build_b_member_menu(self, member_id: str) -> QtWidgets.QMenu:
        """A member's right-click menu in B's view: Retire and Crash act on run B."""
        assert self.run is not None
        return member_menu_b(self.window, self.run, member_id)

    # ---- lockstep ------------------------------------------------------------------------------
    def _b_is_behind(self) -> bool:
        run = self.run
        if run is None:
            return False
        b = run.adapter
        return (
            b.step_in_progress
            or b.building
            or b.sim.step_index < self.window.adapter.sim.step_index
        )

    def _follow(self) -> None:
        """B takes the steps A has taken (in slices, like A's)."""
        run = self.run
        if run is None or run.adapter.step_in_progress:
            return
        if run.sim.step_index < self.window.adapter.sim.step_index:
            run.adapter.request_step()

    def catch_up(self) -> None:
        """Bring B to A's step now (tests and the self-test, which step A whole)."""
        run = self.run
        while run is not None and run.sim.step_index < self.window.adapter.sim.step_index:
            run.adapter.step_once()
        self.series.catch_up()

    def _on_a_stepped(self, snapshot: Any) -> None:
        self._snapshots["A"] = snapshot
        self._follow()
        self._show_metrics()

    def _on_b_stepped(self, snapshot: Any) -> None:
        self._snapshots["B"] = snapshot
        self.series.append(snapshot)
        self._show_metrics()
        self._follow()

    def _show_metrics(self) -> None:
        a, b = self._snapshots["A"], self._snapshots["B"]
        if self.run is not None and a is not None:
            self.metrics_panel.show_snapshots(a, b)

    def _on_a_reset(self) -> None:
        """A new run A (Reset, a file opened): B is closed, or — when the scenario opens as a
        comparison — started again with A."""
        self.close_b()
        self._open_from_scenario()

    def _on_playing_changed(self, playing: bool) -> None:
        if not playing:  # paused: a class reads the plots now, B's curves included
            self.series.catch_up()

    def _on_pending_applied(self, problem: str) -> None:
        if problem:
            self._status(f"B could not branch: {problem}")

    # ---- Metrics dock ---------------------------------------------------------------------------
    def _show_compare_metrics(self, on: bool) -> None:
        w = self.window
        if self._metrics_stack is None and on:
            self._metrics_stack = stack_in_dock(w.metrics_dock, self.metrics_panel)
        if self._metrics_stack is not None:
            self._metrics_stack.setCurrentWidget(self.metrics_panel if on else w.metrics)

    def fit_docks(self) -> None:
        """Two views share the middle: the Controls and Metrics docks keep the width their
        content needs (the views give it up), so no slider or column is cut."""
        w = self.window
        if self.run is None:
            return
        horizontal = QtCore.Qt.Orientation.Horizontal
        left = QtCore.Qt.DockWidgetArea.LeftDockWidgetArea
        docks, widths = [], []
        controls = w.controls_dock
        if (
            controls.isVisible()
            and not controls.isFloating()
            and w.dockWidgetArea(controls) == left
        ):
            docks.append(controls)
            widths.append(max(controls.width(), w.controls.sizeHint().width() + 24))
        metrics = w.metrics_dock
        if metrics.isVisible() and not metrics.isFloating():
            docks.append(metrics)
            widths.append(max(metrics.width(), self.metrics_panel.sizeHint().width() + 12))
        if docks:
            w.resizeDocks(docks, widths, horizontal)

    def shown_metrics(self) -> Any:
        """The panel the Metrics dock shows now (A's own, or A / B / B − A)."""
        return self.metrics_panel if self.run is not None else self.window.metrics

    # ---- saving --------------------------------------------------------------------------------
    def write_into_document(self) -> None:
        """Before Save: B (if open) becomes a variant and ``compare`` names it; with B closed,
        the scenario no longer opens as a comparison."""
        document = self.workbench.document
        scenario = document.scenario
        run = self.run
        if run is None:
            if scenario.compare is not None:
                document.update({"compare": None})
            return
        try:
            save_into(document, run, self.window.state.start_values())
        except ScenarioError as error:
            self._status(f"B not saved: {error}")

    # ---- words ------------------------------------------------------------------------------
    def _a_text(self) -> str:
        return str(self.workbench.document.scenario.name)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)
