"""Workload queue: submit a task, browse every task lazily, see the selected task's lineage.

The table never builds Python rows for the task population: ``rowCount`` is the number of
tasks and ``data()`` reads the engine's numpy columns. Owner and state come straight from the
columns; progress and the last checkpoint are computed by the engine's vectorised helpers for
a block of ``_BLOCK`` rows at a time, only for blocks the view actually asks about, and that
cache is dropped on each refresh. Rows are only ever appended (task ``n`` is row ``n``), so the
selection and the scroll position survive refreshes. A long run forgets the finished tasks below
its oldest unfinished one (engine/tasks.py, ``live_from``): those rows keep their state; their
owner, checkpoint and lineage read "—" (scrubbing back to when they ran shows them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine import Event, TaskState
from phoenix_gui.qt.panels.models import (
    DISPLAY,
    FollowingTablePanel,
    HeaderedTableModel,
    Index,
    configure_table,
    set_status,
    split_list,
)

_HEADERS = ("ID", "Owner", "State", "Progress", "Last checkpoint")
_BLOCK = 64  # rows computed together when the view asks for one of them
_STATE_NAMES = {int(s): s.name for s in TaskState}
_STATE_COLORS = {"PENDING": "#B7791F", "MIGRATING": "#2563EB", "STRANDED": "#DC2626",
                 "DENIED": "#9333EA", "COMPLETED": "#6B7280"}  # fmt: skip


class TaskTableModel(HeaderedTableModel):
    """Row ``n`` is task ``n``; values are read from the engine's columns on demand."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(_HEADERS, parent)
        self._sim: Any = None
        self._rows = 0
        self._blocks: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._names: dict[int, str] = {}

    def set_simulation(self, sim: Any) -> None:
        self.beginResetModel()
        self._sim = sim
        self._rows = 0 if sim is None else len(sim.tasks)
        self._blocks, self._names = {}, {}
        self.endResetModel()

    def sync(self) -> None:
        """Append rows for new tasks and mark the shown values as changed."""
        if self._sim is None:
            return
        self._blocks = {}
        total = len(self._sim.tasks)
        if total > self._rows:
            self.beginInsertRows(QtCore.QModelIndex(), self._rows, total - 1)
            self._rows = total
            self.endInsertRows()
        if self._rows:
            self.dataChanged.emit(self.index(0, 1), self.index(self._rows - 1, len(_HEADERS) - 1))

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else self._rows

    def _block(self, row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(progress fraction, checkpoint progress fraction, checkpoint time) for row's block."""
        start = row - row % _BLOCK
        cached = self._blocks.get(start)
        if cached is None:
            sim = self._sim
            tasks = sim.tasks
            ids = np.arange(start, min(start + _BLOCK, self._rows), dtype=np.int64)
            work = np.maximum(tasks.raw("work")[ids], 1e-12)
            progress = tasks.progress_at(ids, sim.time)
            cprog, ctime = tasks.checkpoint_at(ids, sim.time, sim.config.timing.checkpoint_interval)
            cached = (progress / work, cprog / work, ctime)
            self._blocks[start] = cached
        return cached

    def owner_name(self, index: int) -> str:
        if index < 0:
            return "—"
        name = self._names.get(index)
        if name is None:
            name = self._names[index] = self._sim.ring.name_of(index)
        return name

    def state_name(self, row: int) -> str:
        return _STATE_NAMES.get(int(self._sim.tasks.raw("state")[row]), "?")

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or self._sim is None:
            return None
        row, col = index.row(), index.column()
        if role == DISPLAY:
            if col == 0:
                return f"task-{row}"
            if row < self._sim.tasks.live_from and col != 2:  # forgotten (finished)
                if col == 3:
                    return "100 %" if self.state_name(row) == "COMPLETED" else "0 %"
                return "—"
            if col == 1:
                return self.owner_name(int(self._sim.tasks.raw("owner")[row]))
            if col == 2:
                return self.state_name(row)
            progress, cprog, ctime = self._block(row)
            i = row % _BLOCK
            if col == 3:
                return f"{100 * progress[i]:.0f} %"
            return f"{100 * cprog[i]:.0f} % at {ctime[i]:.2f} h"
        if role == QtCore.Qt.ItemDataRole.ForegroundRole and col == 2:
            color = _STATE_COLORS.get(self.state_name(row))
            return QtGui.QBrush(QtGui.QColor(color)) if color else None
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        return None


class WorkloadPanel(FollowingTablePanel):
    """The Workload Queue dock."""

    taskSelected = QtCore.Signal(int)  # noqa: N815  task index (row), -1 when cleared

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending_submits = 0
        self.model: TaskTableModel = TaskTableModel(self)

        form = QtWidgets.QGroupBox("Submit a task", self)
        self.capability_edit = QtWidgets.QLineEdit(form)
        self.capability_edit.setObjectName("task_capability")
        self.capability_edit.setPlaceholderText("optional")
        self.capability_edit.setToolTip("The capability a member must offer to run the task")
        self.cpu_box = _number_box(form, 0.0, 256.0, 0.5, " cores")
        self.memory_box = _number_box(form, 0.0, 4096.0, 1.0, " GiB")
        self.trust_box = _number_box(form, 0.0, 1.0, 0.05, "")
        self.trust_box.setToolTip("Policy: only members with at least this trust may run it")
        self.submit_button = QtWidgets.QPushButton("Submit", form)
        self.submit_button.setObjectName("task_submit")
        self.status_label = QtWidgets.QLabel(self)
        self.status_label.setObjectName("task_status")
        self.status_label.setWordWrap(True)
        grid = QtWidgets.QGridLayout(form)
        grid.setContentsMargins(6, 6, 6, 6)
        for col, (text, widget) in enumerate(
            (("Capability", self.capability_edit), ("CPU", self.cpu_box))
        ):
            grid.addWidget(QtWidgets.QLabel(text, form), 0, 2 * col)
            grid.addWidget(widget, 0, 2 * col + 1)
        for col, (text, widget) in enumerate(
            (("Memory", self.memory_box), ("Min trust", self.trust_box))
        ):
            grid.addWidget(QtWidgets.QLabel(text, form), 1, 2 * col)
            grid.addWidget(widget, 1, 2 * col + 1)
        grid.addWidget(self.submit_button, 0, 4, 2, 1)
        grid.setColumnStretch(1, 1)

        self.view = QtWidgets.QTableView(self)
        self.view.setObjectName("task_table")
        self.view.setModel(self.model)
        configure_table(self.view)
        for col, width in enumerate((84, 104, 90, 70)):
            self.view.horizontalHeader().resizeSection(col, width)
        self.count_label = QtWidgets.QLabel(self)
        self.packet_label = QtWidgets.QLabel(self)
        self.packet_label.setWordWrap(True)
        self.packet_label.setTextInteractionFlags(
            QtCore.Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.lineage_list = QtWidgets.QListWidget(self)
        self.lineage_list.setObjectName("task_lineage")

        details = QtWidgets.QWidget(self)
        details_layout = QtWidgets.QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.packet_label)
        details_layout.addWidget(self.lineage_list, 1)
        # Table above, the selected packet below; the user can drag the split.
        self.splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.count_label)
        layout.addWidget(self.splitter, 1)

        self.submit_button.clicked.connect(self._on_submit)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.setEnabled(False)

    # -- wiring --------------------------------------------------------------------------------

    def set_simulation(self, sim: Any) -> None:
        """Show ``sim``'s tasks (a Simulation, or an adapter with ``.sim``; None clears)."""
        self._source = sim
        self._pending_submits = 0
        set_status(self.status_label, "")
        self._reset_model()

    def _on_model_reset(self, sim: Any) -> None:
        self.setEnabled(sim is not None)
        if sim is not None:
            w = sim.config.workload
            self.cpu_box.setValue(w.cpu_demand)
            self.memory_box.setValue(w.memory_demand)
            self.trust_box.setValue(w.min_trust)
        self._show_packet()
        self._update_count()

    def _on_model_synced(self) -> None:
        """New tasks and changed states are in the table; re-read the selected task's lineage."""
        self._update_count()
        self._show_packet()

    def on_events(self, events: list[Event]) -> None:
        """A step's events at once (the adapter's ``eventsEmitted``), in order."""
        for event in events:
            self.on_event(event)

    def on_event(self, event: Event) -> None:
        if event.kind == "task_submitted" and self._pending_submits:
            # Requests are applied first at a step boundary, so the first submissions of the
            # next step are the ones this panel asked for, in order.
            self._pending_submits -= 1
            task = event.details.get("task")
            verdict = "authorised" if event.details.get("authorised") else "DENIED by governance"
            set_status(self.status_label, f"Submitted task-{task}: {verdict}.", ok=True)
        self._coalescer.request()

    # -- selection -----------------------------------------------------------------------------

    def selected_task(self) -> int:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def select_task(self, task: int) -> None:
        """Select ``task`` (e.g. clicked on the ring) and scroll to it."""
        if 0 <= task < self.model.rowCount():
            self.view.selectRow(task)
            self.view.scrollTo(self.model.index(task, 0))

    def _on_selection(self) -> None:
        self._show_packet()
        task = self.selected_task()
        # A forgotten task has nothing left to inspect or explain: as if none were selected.
        forgotten = self.sim is not None and 0 <= task < self.sim.tasks.live_from
        self.taskSelected.emit(-1 if forgotten else task)

    def _show_packet(self) -> None:
        task = self.selected_task()
        self.lineage_list.clear()
        if task < 0 or self.sim is None:
            self.packet_label.setText("Select a task to see its lineage.")
            return
        if task < self.sim.tasks.live_from:
            self.packet_label.setText(
                f"task-{task} · {self.model.state_name(task)} · finished long ago: its details "
                "are forgotten (scrub back to when it ran to see them)."
            )
            return
        p = self.sim.packet(task)
        skill = ", ".join(p.capabilities) or "none"
        self.packet_label.setText(
            f"{p.id} · token {p.token} · needs {skill} · min trust {p.policy['min_trust']:g}\n"
            f"demand cpu {p.demand['cpu']:g}, memory {p.demand['memory']:g} · "
            f"checkpoint sha256 {p.checkpoint['sha256'][:12]}…"
        )
        for hop in p.lineage:
            owner = hop.get("owner") or "—"
            self.lineage_list.addItem(
                f"{hop.get('time', 0.0):8.2f} h  {owner}  ({hop.get('reason')})"
            )
        if not p.lineage:
            # A long run keeps the moves of live tasks only (engine LineageLog.keep_live).
            finished = p.state == "COMPLETED"
            self.lineage_list.addItem(
                "moves forgotten once it finished (scrub back to see them)"
                if finished
                else "never assigned"
            )

    def _update_count(self) -> None:
        sim = self.sim
        if sim is None:
            self.count_label.setText("")
            return
        tasks = sim.tasks
        active = int(np.count_nonzero(tasks.active_mask()))
        self.count_label.setText(f"{len(tasks)} tasks, {active} active")

    # -- submit --------------------------------------------------------------------------------

    def _on_submit(self) -> None:
        sim = self.sim
        if sim is None:
            return
        capabilities = split_list(self.capability_edit.text())
        try:
            self.make_request(
                "submit_task",
                capabilities=capabilities,
                cpu=self.cpu_box.value(),
                memory=self.memory_box.value(),
                min_trust=self.trust_box.value(),
            )
        except ValueError as exc:  # e.g. more than one capability: the engine names the field
            set_status(self.status_label, str(exc), error=True)
            return
        self._pending_submits += 1
        set_status(self.status_label, "Task queued: it is submitted at the next step.")


def _number_box(
    parent: QtWidgets.QWidget, low: float, high: float, step: float, suffix: str
) -> QtWidgets.QDoubleSpinBox:
    box = QtWidgets.QDoubleSpinBox(parent)
    box.setRange(low, high)
    box.setDecimals(2)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    return box
