"""The split view of a comparison: run A's view on the left, run B's on the right.

Both panes are the same size, so two rings (or two sets of nodes, or of agent cards) are drawn
at the same scale. Each pane has a coloured title bar naming its run ("A — …", "B — …"); the
pane the controls act on is framed in its colour and its title says "controls act here", so
a teacher never has to wonder which run a slider changes. A click on a pane's title chooses
that side. :class:`SideSelector` is the same choice as two buttons for the Controls dock.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.document.branching import BranchRun
from phoenix_gui.qt.panels.compare_metrics import SIDE_COLORS
from phoenix_gui.qt.views.stack import ViewStack


class _PaneTitle(QtWidgets.QLabel):
    """A pane's title bar; a click on it chooses its side."""

    clicked = QtCore.Signal()

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


class Pane(QtWidgets.QFrame):
    """One side of the split: its title over its view."""

    def __init__(
        self, side: str, view: QtWidgets.QWidget | None, parent: QtWidgets.QWidget
    ) -> None:
        super().__init__(parent)
        self.side = side
        self.setObjectName(f"pane-{side}")
        self.title = _PaneTitle(self)
        self.title.setObjectName(f"pane-title-{side}")
        self.title.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.title.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed
        )
        self.title.setCursor(QtCore.Qt.CursorShape.PointingHandCursor)
        self.view = view
        self._layout = layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(3, 3, 3, 3)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        if view is not None:
            layout.addWidget(view, 1)
        self._text = ""
        self.set_active(False)

    def set_view(self, view: QtWidgets.QWidget) -> None:
        """Put ``view`` in the pane (A's view joins once the split has its place)."""
        self.view = view
        self._layout.addWidget(view, 1)
        view.show()

    def set_text(self, text: str) -> None:
        self._text = text
        self._restyle()

    def set_active(self, active: bool) -> None:
        self._active = active
        self._restyle()

    def _restyle(self) -> None:
        color = SIDE_COLORS[self.side]
        where = "left" if self.side == "A" else "right"
        # The choice first: a narrow pane cuts the end of the line, never the "act here".
        note = "<b><i>controls act here</i></b> · " if self._active else ""
        self.title.setText(
            f'<span style="color:white; background:{color};">&nbsp;<b>{self.side}</b>&nbsp;</span>'
            f"&nbsp;{note}{self._text or where}"
        )
        self.title.setToolTip(
            f"Run {self.side} ({where}): {self._text or where}. "
            "Click to make the controls act on it"
        )
        border = color if self._active else "transparent"
        self.setStyleSheet(f"#pane-{self.side} {{ border: 3px solid {border}; }}")


class SplitView(QtWidgets.QWidget):
    """Run A's view (left) beside run B's (right), the same size; ``set_side`` marks one."""

    sideChosen = QtCore.Signal(str)  # noqa: N815  "A" or "B": a pane's title was clicked

    def __init__(self, view_b: QtWidgets.QWidget, parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("splitView")
        # A's view is the window's own: it moves in with Pane.set_view once the split has
        # taken its place in the window (and moves back when B closes).
        self.panes = {"A": Pane("A", None, self), "B": Pane("B", view_b, self)}
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for pane in self.panes.values():
            layout.addWidget(pane, 1)  # equal stretch: equal sizes, the same scale
            pane.title.clicked.connect(lambda s=pane.side: self.sideChosen.emit(s))

    def set_side(self, side: str) -> None:
        for name, pane in self.panes.items():
            pane.set_active(name == side)

    def set_titles(self, a_text: str, b_text: str) -> None:
        self.panes["A"].set_text(a_text)
        self.panes["B"].set_text(b_text)


class SideSelector(QtWidgets.QWidget):
    """ "Controls act on: [A (left)] [B (right)]" — buttons for the side actions."""

    def __init__(
        self, actions: dict[str, QtGui.QAction], parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sideSelector")
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 4)
        outer.setSpacing(2)
        label = QtWidgets.QLabel("<b>Controls act on run</b>", self)
        outer.addWidget(label)
        layout = QtWidgets.QHBoxLayout()
        outer.addLayout(layout)
        self.buttons: dict[str, QtWidgets.QToolButton] = {}
        for side, action in actions.items():
            button = QtWidgets.QToolButton(self)
            button.setObjectName(f"side-button-{side}")
            button.setDefaultAction(action)
            button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(
                QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed
            )
            color = SIDE_COLORS[side]
            button.setStyleSheet(
                f"QToolButton {{ border: 2px solid {color}; padding: 3px 8px; }}"
                f"QToolButton:checked {{ background: {color}; color: white; font-weight: bold; }}"
            )
            layout.addWidget(button, 1)
            self.buttons[side] = button


def fit_half(stack: ViewStack, half: bool) -> None:
    """A view stack in a half-width pane: the board views may be narrower than alone (two
    must fit beside each other at 1280 px), and the narration wraps to three lines."""
    for board in (stack.cluster, stack.agents):
        board.setMinimumSize(*((160, 200) if half else (320, 240)))
    stack.set_narration_lines(3 if half else 2)


def member_menu_b(parent: QtWidgets.QWidget, run: BranchRun, member_id: str) -> QtWidgets.QMenu:
    """A member's right-click menu in B's view: Retire and Crash act on run B."""
    menu = QtWidgets.QMenu(parent)
    menu.setObjectName("member-menu-B")
    menu.addSection(f"{member_id} in run B")
    retire = menu.addAction("Retire in B (graceful)")
    retire.setObjectName("retire-action-B")
    retire.triggered.connect(lambda: run.request_retire(member_id))
    crash = menu.addAction("Crash in B")
    crash.setObjectName("crash-action-B")
    crash.triggered.connect(lambda: run.request_crash(member_id))
    return menu


def stack_in_dock(
    dock: QtWidgets.QDockWidget, second: QtWidgets.QWidget
) -> QtWidgets.QStackedWidget:
    """The dock's widget and ``second`` in a stack that becomes the dock's widget (the Metrics
    dock shows A's own panel, or A / B / B − A while two runs are shown)."""
    stack = QtWidgets.QStackedWidget()
    stack.setObjectName(dock.objectName() + "-stack")
    first = dock.widget()
    dock.setWidget(stack)
    stack.addWidget(first)
    stack.addWidget(second)
    return stack
