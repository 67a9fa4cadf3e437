"""ViewStack: the middle of the window — the view of the run's paradigm, and under it a line
that says in words what the last change did.

Phoenix runs show the token ring, Kubernetes runs the nodes and pods, agentic runs the agent
cards; switching paradigm (which starts a new run) switches the view and clears the line, so
nothing of the previous run is left on screen.
"""

from __future__ import annotations

from PySide6 import QtWidgets

from phoenix_gui.qt.views.agents.agents_view import AgentsView
from phoenix_gui.qt.views.board import BoardView
from phoenix_gui.qt.views.cluster.cluster_view import ClusterView
from phoenix_gui.qt.views.limited_label import LimitedLabel
from phoenix_gui.qt.views.palette import BACKGROUND, TEXT
from phoenix_gui.qt.views.ring.ring_view import RingView

PARADIGM_VIEWS = ("phoenix", "kubernetes", "agentic")


class ViewStack(QtWidgets.QWidget):
    """The paradigm's view over the narration line."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("viewStack")
        self.ring = RingView(self)
        self.ring.setObjectName("ringView")
        self.cluster = ClusterView(self)
        self.agents = AgentsView(self)
        self.stack = QtWidgets.QStackedWidget(self)
        for view in (self.ring, self.cluster, self.agents):
            self.stack.addWidget(view)
        self.narration = LimitedLabel(f"background: {BACKGROUND}; color: {TEXT};", self, lines=2)
        self.narration.setObjectName("narrationLine")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.narration)
        self.paradigm = "phoenix"
        self.set_narration("")

    def set_narration_lines(self, lines: int) -> None:
        """Let the narration wrap to ``lines`` lines (three in a half-width pane, the split
        view) before it elides the rest."""
        self.narration.set_lines(lines)

    def view_for(self, paradigm: str) -> QtWidgets.QWidget:
        return {"kubernetes": self.cluster, "agentic": self.agents}.get(paradigm, self.ring)

    @property
    def current(self) -> QtWidgets.QWidget:
        return self.stack.currentWidget() or self.ring

    def show_paradigm(self, paradigm: str) -> None:
        """Show ``paradigm``'s view; the others stop animating and forget their run."""
        self.paradigm = paradigm
        wanted = self.view_for(paradigm)
        for view in (self.ring, self.cluster, self.agents):
            if view is not wanted:
                view.stop_animation()
        self.stack.setCurrentWidget(wanted)
        self.set_narration("")

    def set_narration(self, text: str) -> None:
        self.narration.set_full_text(
            text or "Membership changes are described here as they happen."
        )
        self.narration.setProperty("idle", not text)

    def narration_text(self) -> str:
        return "" if self.narration.property("idle") else self.narration.full_text()

    def stop_animation(self) -> None:
        for view in (self.ring, self.cluster, self.agents):
            view.stop_animation()

    def board(self) -> BoardView | None:
        current = self.current
        return current if isinstance(current, BoardView) else None
