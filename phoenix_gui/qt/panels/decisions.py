"""Assignment decisions: why the selected task went where it went (``sim.explain(task)``).

Each paradigm's rule is explained in words (:data:`PARADIGM_RULES`). Scoring paradigms
(kubernetes, agentic, trust-weighted) list the candidates that passed the filter with their
scores, best first, and mark the winner. The ring (phoenix) has no scores: it shows the
clockwise walk from the task token to the first vnode at or after it, the tie-break among
vnodes sharing that token, and the wrap past 9999. Connect ``WorkloadPanel.taskSelected`` to
:meth:`DecisionsPanel.set_task`.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine import TIE_RULE, Event
from phoenix_gui.qt.panels.models import (
    OK_COLOR,
    RefreshCoalescer,
    RowsModel,
    configure_table,
    engine_of,
    monospace_font,
)

# What each paradigm's rule means, shown under the rule itself.
PARADIGM_RULES = {
    "phoenix": "The ring routes by token: the first vnode at or after the task's token wins. "
    + TIE_RULE,
    "kubernetes": "Nodes with room for the pod's CPU and memory are scored by their free CPU "
    "fraction + free memory fraction; the emptiest node wins, ties by the smaller id.",
    "agentic": "Agents whose skills cover the task and whose trust meets its policy are "
    "scored by reliability / (1 + active tasks): trust only filters.",
    "trust-weighted": "The source runtime's general scheduler: healthy members that match "
    "are scored by (reliability × trust) / (1 + load), so trust both filters and weighs — "
    "a less trusted member wins only with more reliability or less load. Ties go to the "
    "smaller id.",
}

# Events after which any task's decision may differ (the candidate set changed).
MEMBERSHIP_EVENTS = frozenset(
    {"member_joined", "member_draining", "member_retired", "member_crashed", "member_removed"}
)
WINNER_MARK = "✓ winner"


def walk_lines(task: int, walk: dict[str, Any]) -> list[str]:
    """The ring walk as numbered lines of text (DESIGN.md §4)."""
    t, v = walk["task_token"], walk["vnode_token"]
    lines = [
        f'1. task token  t = MD5("task-{task}") mod 10000 = {t}',
        f"2. walk clockwise from {t}: {walk['distance']} positions to the next vnode",
    ]
    if walk.get("wrapped"):
        lines.append(f"   no vnode at or after {t}: wrap past 9999 to the first vnode")
    lines.append(f"3. first vnode at token {v}: {walk['vnode_key']}")
    tied = int(walk.get("vnodes_at_token", 1))
    if tied > 1:
        lines.append(
            f"   {tied} vnodes share token {v}; the MD5 tie order puts "
            f"{walk['vnode_key']} first ({walk.get('passed', tied - 1)} passed)"
        )
    lines.append(f"4. owner = {walk['member']}")
    return lines


class DecisionsPanel(QtWidgets.QWidget):
    """The Assignment & Scheduling Decisions dock."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._source: Any = None
        self._task = -1
        self.explanation: dict[str, Any] | None = None
        self.model = RowsModel(("#", "Member", "Score", ""), self)
        self._coalescer = RefreshCoalescer(self.refresh, self)

        self.title_label = QtWidgets.QLabel("Select a task in the workload queue.", self)
        self.title_label.setObjectName("decision_title")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.rule_label = QtWidgets.QLabel(self)
        self.rule_label.setWordWrap(True)
        self.view = QtWidgets.QTableView(self)
        self.view.setObjectName("decision_candidates")
        self.view.setModel(self.model)
        configure_table(self.view)
        for col, width in enumerate((32, 140, 90)):
            self.view.horizontalHeader().resizeSection(col, width)
        self.walk_text = QtWidgets.QPlainTextEdit(self)
        self.walk_text.setObjectName("decision_walk")
        self.walk_text.setReadOnly(True)
        self.walk_text.setFont(monospace_font())
        self.walk_text.setLineWrapMode(QtWidgets.QPlainTextEdit.LineWrapMode.WidgetWidth)
        # Sized to the walk's few lines (see _show_walk), so it does not float in empty space.
        self.walk_text.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed
        )
        self.note_label = QtWidgets.QLabel(self)
        self.note_label.setWordWrap(True)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.rule_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.walk_text)
        layout.addWidget(self.note_label)
        layout.addStretch(0)
        self._show(None)

    @property
    def sim(self) -> Any:
        return engine_of(self._source)

    @property
    def task(self) -> int:
        return self._task

    def set_simulation(self, sim: Any) -> None:
        """Explain tasks of ``sim`` (a Simulation, or an adapter with ``.sim``; None clears)."""
        self._source = sim
        self._task = -1
        self.refresh()

    @QtCore.Slot(int)
    def set_task(self, task: int) -> None:
        """Explain ``task`` (-1 clears)."""
        self._task = task
        self.refresh()

    @QtCore.Slot()
    def refresh(self) -> None:
        """Ask the engine again: the decision changes when members come and go."""
        self._coalescer.cancel()
        sim = self.sim
        if sim is None or self._task < 0 or self._task >= len(sim.tasks):
            self._show(None)
            return
        self._show(sim.explain(self._task))

    def on_events(self, events: list[Event]) -> None:
        """A step's events at once (the adapter's ``eventsEmitted``), in order."""
        for event in events:
            self.on_event(event)

    def on_event(self, event: Event) -> None:
        if self._task < 0:
            return
        if event.kind in MEMBERSHIP_EVENTS or event.details.get("task") == self._task:
            self._coalescer.request()

    # -- drawing -------------------------------------------------------------------------------

    def _show(self, exp: dict[str, Any] | None) -> None:
        self.explanation = exp
        if exp is None:
            self.title_label.setText("Select a task in the workload queue.")
            self.rule_label.setText("")
            self.note_label.setText("")
            self.model.set_rows([])
            self.walk_text.clear()
            self.walk_text.hide()
            return
        task = int(exp.get("task", self._task))
        winner = exp.get("winner")
        paradigm = exp.get("paradigm", "")
        state = exp.get("state", "")
        outcome = f"→ {winner}" if winner else "→ no member fits: the task waits (PENDING)"
        self.title_label.setText(f"task-{task} ({state}, {paradigm}) {outcome}")
        meaning = PARADIGM_RULES.get(str(paradigm), "")
        self.rule_label.setText(
            f"Rule: {exp.get('rule', '')}" + (f"\n{meaning}" if meaning else "")
        )
        walk = exp.get("walk")
        if walk is not None:
            self._show_walk(task, walk)
        else:
            self._show_candidates(exp)

    def _show_walk(self, task: int, walk: dict[str, Any]) -> None:
        self.view.hide()
        self.walk_text.show()
        lines = walk_lines(task, walk)
        self.walk_text.setPlainText("\n".join(lines))
        line_height = self.walk_text.fontMetrics().lineSpacing()
        self.walk_text.setFixedHeight(line_height * (len(lines) + 1) + 8)
        self.model.set_rows([(1, walk["member"], walk["vnode_key"], WINNER_MARK)], [OK_COLOR])
        self.note_label.setText("The ring has no scores: the token alone decides.")

    def _show_candidates(self, exp: dict[str, Any]) -> None:
        self.walk_text.hide()
        self.view.show()
        winner = exp.get("winner")
        rows: list[tuple[Any, ...]] = []
        colors: list[str | None] = []
        for rank, cand in enumerate(exp.get("candidates", []), start=1):
            won = cand.get("member") == winner
            score = cand.get("score")
            shown = f"{score:.4f}" if isinstance(score, int | float) else str(score or "")
            rows.append((rank, cand.get("member"), shown, WINNER_MARK if won else ""))
            colors.append(OK_COLOR if won else None)
        self.model.set_rows(rows, colors)
        considered = int(exp.get("considered", len(rows)))
        notes = [f"{considered} members passed the filter"]
        scores = [c.get("score") for c in exp.get("candidates", [])]
        ties = sum(1 for sc in scores if scores and sc == scores[0])
        if winner and ties > 1:
            notes.append(f"{ties} tie at the best score, so the smallest id wins")
        if considered > len(rows):
            notes.append(f"top {len(rows)} shown")
        if exp.get("recomputed"):
            notes.append("the original decision was not kept: this is the choice as of now")
        self.note_label.setText("; ".join(notes) + ".")
