"""Algorithms panel: registration (Algorithm 1), ring routing and retirement as monospace text.

Engine events move a highlight to the line being executed: ``registration_step`` walks the
seven lines of Algorithm 1 (quoted from the source document), membership changes and migrations
walk the routing flow, draining / retirement / crash events walk the retirement flow. Each flow
keeps its own current line, so the three can be read side by side while a run goes slowly.

The line to highlight is decided at once (``highlighted_line``); painting it is coalesced to one
update per event-loop pass, since a busy step can emit thousands of migration events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine import Event
from phoenix_gui.qt.panels.models import (
    FAILED_COLOR,
    HIGHLIGHT_COLOR,
    RefreshCoalescer,
    monospace_font,
)

REGISTRATION = "registration"
ROUTING = "routing"
RETIREMENT = "retirement"


@dataclass(frozen=True)
class Flow:
    """A named listing; ``steps`` maps a step number to the (0-based) text line it is on."""

    key: str
    title: str
    lines: tuple[str, ...]
    steps: dict[int, int]


# Algorithm 1 exactly as the source document writes it (phoenixflight-docs.txt).
REGISTER_ENTITY = Flow(
    REGISTRATION,
    "Algorithm 1 — RegisterEntity",
    (
        "def RegisterEntity(Entity E):",
        "    1. ValidateIdentity(E)",
        "    2. VerifyGovernancePolicies(E)",
        "    3. RegisterCapabilities(E.capabilities)",
        "    4. AddEntityToRegistry(E)",
        "    5. E.status = ACTIVE",
        "    6. BroadcastMembershipUpdate(E)",
        "    7. return SUCCESS",
        "Time complexity: O(log n), n = active registry size",
    ),
    {k: k for k in range(1, 8)},
)

RING_ROUTING = Flow(
    ROUTING,
    "Ring routing",
    (
        "RouteTask(packet P):",
        "    1. t = MD5(P.id) mod 10000",
        "    2. v = first vnode with token >= t (else wrap to the first)",
        "    3. P.owner = member(v)",
        "OnMembershipChange(member M joins or leaves):",
        "    4. changed = the arcs M takes over or gives up",
        "    5. for P with token in changed: checkpoint, transfer to new owner",
        "    6. validate SHA-256 of the checkpoint; retry on mismatch",
        "    7. P resumes on its new owner",
    ),
    {1: 1, 2: 2, 3: 3, 4: 5, 5: 6, 6: 7, 7: 8},
)

RETIREMENT_FLOW = Flow(
    RETIREMENT,
    "Retirement",
    (
        "Retire(member M):",
        "    1. M.status = DRAINING; no new work goes to M",
        "    2. for P on M: fresh checkpoint, migrate to its next owner",
        "    3. validate SHA-256; P resumes there (no work lost)",
        "    4. M.status = RETIRED; leave ring + registry; audit it",
        "Crash(member M):",
        "    5. M.status = FAILED; its packets are stranded",
        "    6. heartbeat timeout: M.status = SUSPECT",
        "    7. M.status = REMOVED; packets resume from last checkpoint",
    ),
    {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 7, 7: 8},
)

FLOWS = (REGISTER_ENTITY, RING_ROUTING, RETIREMENT_FLOW)

# Migration reasons that belong to a graceful retirement (everything else is ring rebalancing
# or crash recovery, shown in the routing flow).
_DRAIN_REASONS = frozenset({"drain", "retire", "retirement", "draining"})
_MAX_TRACKED = 100_000  # migrations remembered for their flow, a bound on memory


class AlgorithmsPanel(QtWidgets.QWidget):
    """Three listings in tabs, each with its executing line highlighted and a caption."""

    lineHighlighted = QtCore.Signal(str, int)  # noqa: N815  flow key, step number

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._current: dict[str, int | None] = {flow.key: None for flow in FLOWS}
        self._captions: dict[str, str] = {flow.key: "" for flow in FLOWS}
        self._failed: dict[str, bool] = {flow.key: False for flow in FLOWS}  # step said ok=False
        self._dirty: set[str] = set()
        self._migration_flow: dict[Any, str] = {}  # task → flow of its running migration
        self._coalescer = RefreshCoalescer(self._paint, self)

        self.tabs = QtWidgets.QTabWidget(self)
        self.editors: dict[str, QtWidgets.QPlainTextEdit] = {}
        self.caption_labels: dict[str, QtWidgets.QLabel] = {}
        font = monospace_font()
        for flow in FLOWS:
            page = QtWidgets.QWidget(self.tabs)
            editor = QtWidgets.QPlainTextEdit(page)
            editor.setObjectName(f"algorithm_{flow.key}")
            editor.setReadOnly(True)
            editor.setFont(font)
            editor.setLineWrapMode(QtWidgets.QPlainTextEdit.LineWrapMode.NoWrap)
            editor.setPlainText("\n".join(flow.lines))
            editor.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
            # Two lines at least (Qt's default minimum is ~70 px): the dock is ~130 px tall at
            # 1280×800, and the editor scrolls its own text, with no outer scroll bar.
            editor.setMinimumHeight(2 * editor.fontMetrics().lineSpacing() + 8)
            caption = QtWidgets.QLabel(page)
            caption.setWordWrap(True)
            caption.setObjectName(f"algorithm_{flow.key}_caption")
            caption.setVisible(False)  # shown with its first text
            box = QtWidgets.QVBoxLayout(page)
            box.setContentsMargins(2, 2, 2, 2)
            box.addWidget(editor, 1)
            box.addWidget(caption)
            self.tabs.addTab(page, flow.title)
            self.editors[flow.key] = editor
            self.caption_labels[flow.key] = caption

        self.follow_box = QtWidgets.QCheckBox("Show the flow that moves", self)
        self.follow_box.setToolTip("Switch to the tab whose line was executed last")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.follow_box)
        self._last_flow: str | None = None

    # -- wiring --------------------------------------------------------------------------------

    def set_simulation(self, sim: Any) -> None:
        """A new run starts with nothing highlighted (the listings do not depend on ``sim``)."""
        del sim
        for key in self._current:
            self._current[key] = None
            self._captions[key] = ""
            self._dirty.add(key)
        self._migration_flow.clear()
        self._last_flow = None
        self._paint()

    @QtCore.Slot()
    def refresh(self) -> None:
        """Paint whatever the events since the last paint changed."""
        self._coalescer.cancel()  # this call does the pending work
        self._paint()

    def on_events(self, events: list[Event]) -> None:
        """A step's events at once (the adapter's ``eventsEmitted``), in order."""
        for event in events:
            self.on_event(event)

    def on_event(self, event: Event) -> None:
        """Move the highlight of the flow this event belongs to."""
        d = event.details
        kind = event.kind
        member = d.get("member", "")
        if kind == "registration_step":
            step = int(d.get("step", 0))
            ok = bool(d.get("ok", True))
            verdict = "" if ok else " — refused"
            self._move(
                REGISTRATION, step, f"{member}: step {step}/7 {d.get('name', '')}{verdict}", ok
            )
        elif kind == "member_rejected":
            self._caption(REGISTRATION, f"{member} REJECTED: {d.get('reason', '')}")
        elif kind == "task_assigned" and "task" in d:
            self._move(ROUTING, 3, f"task {d['task']} → {d.get('member')}")
        elif kind == "tasks_assigned":
            self._move(ROUTING, 3, f"{d.get('count')} tasks placed by their tokens")
        elif kind == "member_joined":
            self._move(ROUTING, 4, f"{member} joined: its vnodes take over arcs")
        elif kind in ("migration_started", "migrations_started"):
            flow = RETIREMENT if str(d.get("reason", "")) in _DRAIN_REASONS else ROUTING
            if len(self._migration_flow) > _MAX_TRACKED:  # crashed targets never complete
                self._migration_flow.clear()
            # A batch (``migrations_started``) travels and completes together: its first task
            # stands for all of them.
            self._migration_flow[_first_task(d)] = flow
            if kind == "migration_started":
                text = f"task {d.get('task')}: {d.get('from')} → {d.get('to')}"
            else:
                text = f"{d.get('count')} tasks in one batch"
            self._move(flow, 2 if flow == RETIREMENT else 5, f"{text} ({d.get('reason', '')})")
        elif kind == "checkpoint_invalid":
            flow = self._migration_flow.get(d.get("task"), ROUTING)
            text = f"task {d.get('task')}: checkpoint failed SHA-256, retry {d.get('attempt')}"
            self._move(flow, 3 if flow == RETIREMENT else 6, text)
        elif kind in ("migration_completed", "migrations_completed"):
            flow = self._migration_flow.pop(_first_task(d), ROUTING)
            if kind == "migration_completed":
                text = f"task {d.get('task')} resumed on {d.get('to')}"
            else:
                text = f"{d.get('count')} tasks resumed on their new owners"
            self._move(flow, 3 if flow == RETIREMENT else 7, text)
        elif kind == "member_draining":
            self._move(RETIREMENT, 1, f"{member} is draining")
        elif kind == "member_retired":
            self._move(RETIREMENT, 4, f"{member} retired")
        elif kind == "member_crashed":
            stranded = d.get("stranded", 0)
            self._move(RETIREMENT, 5, f"{member} crashed: {stranded} packets stranded")
        elif kind == "member_suspect":
            self._move(RETIREMENT, 6, f"{member} missed its heartbeats: SUSPECT")
        elif kind == "member_removed":
            self._move(RETIREMENT, 7, f"{member} removed")

    def line_failed(self, flow: str) -> bool:
        """True when the highlighted step reported failure (a refused registration)."""
        return self._failed[flow]

    def highlighted_line(self, flow: str) -> int | None:
        """The step number highlighted in ``flow`` (``None`` if nothing ran yet)."""
        return self._current[flow]

    def highlighted_text(self, flow: str) -> str | None:
        """The text of the highlighted line as painted on screen (``None`` if none)."""
        selections = self.editors[flow].extraSelections()
        if not selections:
            return None
        return selections[0].cursor.block().text()

    # -- internals -----------------------------------------------------------------------------

    def _move(self, flow: str, step: int, caption: str, ok: bool = True) -> None:
        if step not in _flow(flow).steps:
            return
        self._current[flow] = step
        self._failed[flow] = not ok
        self._captions[flow] = caption
        self._dirty.add(flow)
        self._last_flow = flow
        self._coalescer.request()
        self.lineHighlighted.emit(flow, step)

    def _caption(self, flow: str, caption: str) -> None:
        self._captions[flow] = caption
        self._dirty.add(flow)
        self._coalescer.request()

    def _paint(self) -> None:
        for key in sorted(self._dirty):
            self._paint_flow(key)
        self._dirty.clear()
        if self.follow_box.isChecked() and self._last_flow is not None:
            self.tabs.setCurrentIndex([f.key for f in FLOWS].index(self._last_flow))

    def _paint_flow(self, key: str) -> None:
        editor = self.editors[key]
        caption = self.caption_labels[key]
        caption.setText(self._captions[key])
        caption.setVisible(bool(self._captions[key]))  # an empty caption takes no room
        step = self._current[key]
        if step is None:
            editor.setExtraSelections([])
            return
        block = editor.document().findBlockByNumber(_flow(key).steps[step])
        selection = QtWidgets.QTextEdit.ExtraSelection()
        color = FAILED_COLOR if self._failed[key] else HIGHLIGHT_COLOR
        selection.format.setBackground(QtGui.QColor(color))
        selection.format.setForeground(QtGui.QColor("#111111"))
        selection.format.setProperty(QtGui.QTextFormat.Property.FullWidthSelection, True)
        cursor = QtGui.QTextCursor(block)
        cursor.clearSelection()
        selection.cursor = cursor
        editor.setExtraSelections([selection])
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()


def _first_task(details: dict[str, Any]) -> Any:
    """The task of a single migration event, or the first task of a batch event."""
    tasks = details.get("tasks")
    if isinstance(tasks, list) and tasks:
        return tasks[0]
    return details.get("task")


def _flow(key: str) -> Flow:
    return next(f for f in FLOWS if f.key == key)
