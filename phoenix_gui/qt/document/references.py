"""Caption references to the window: ``{panel:balance}`` and ``{control:leaves}``.

A lesson caption may point at a part of the window by a stable key instead of a name that
could drift from the window's real labels. :class:`WindowReferences` knows the keys of one
window: it renders a caption with each reference replaced by the element's real label (bold
in the caption strip) and briefly outlines the elements a caption points at
(:class:`Highlight`, a mouse-transparent frame over the window).

Keys: ``panel:`` metrics, health, configured, observed, balance, controls, timeseries,
inspector, members, capabilities, workload, decisions, recorder, algorithms, ring;
``control:`` every slider parameter of the Controls dock (joins, leaves, hours, trust,
compliance, w_join, w_leave, hosts, vnodes, tasks, crash_share, speed), paradigm, seed, play,
step, reset. :func:`plain_mentions` finds panels named in plain words ("the overhead panel"),
so a test can refuse captions that name what the window does not have.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

REFERENCE = re.compile(r"\{(panel|control):([A-Za-z0-9_-]+)\}")
# "the overhead panel", "Balance box", "event log": a window part named in plain words.
_MENTION = re.compile(
    r"\b([A-Za-z][\w-]*(?: [A-Za-z][\w-]*)?) (panel|dock|tab|box|chart|column)s?\b"
    r"|\b(event log)\b",
    re.IGNORECASE,
)
_STOP_WORDS = frozenset(
    {"the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "its", "this"}
)
HIGHLIGHT_MS = 1800
HIGHLIGHT_COLOUR = QtGui.QColor("#FFD400")


@dataclass(frozen=True)
class Target:
    """What a reference names: the label shown, and the widgets outlined on screen."""

    label: str
    widgets: Callable[[], list[QtWidgets.QWidget]]
    dock: QtWidgets.QDockWidget | None = None


def plain_mentions(text: str) -> list[str]:
    """Window parts named in plain words in ``text`` (references removed first).

    "the overhead panel" counts; "the chart" alone names nothing in particular and does not.
    """
    bare = REFERENCE.sub("", text)
    found = []
    for match in _MENTION.finditer(bare):
        words = (match.group(3) or f"{match.group(1)} {match.group(2)}").lower().split()
        while len(words) > 1 and words[0] in _STOP_WORDS:
            words = words[1:]
        if len(words) > 1:
            found.append(" ".join(words))
    return found


class WindowReferences:
    """The reference keys of one main window (and its workbench, when given)."""

    def __init__(self, window: Any, workbench: Any = None) -> None:
        self.window = window
        self.targets: dict[tuple[str, str], Target] = {}
        self._build(window, workbench)
        self.highlight = Highlight(window)

    def _dock(self, key: str, dock: QtWidgets.QDockWidget) -> None:
        def widgets() -> list[QtWidgets.QWidget]:
            return [dock]

        self.targets[("panel", key)] = Target(dock.windowTitle(), widgets, dock)

    def _build(self, w: Any, bench: Any) -> None:
        metrics = w.metrics
        self._dock("metrics", w.metrics_dock)
        self._dock("controls", w.controls_dock)
        self._dock("timeseries", w.timeseries_dock)
        self._dock("inspector", w.inspector_dock)
        for key, (title, widgets) in metrics.reference_parts().items():
            self.targets[("panel", key)] = Target(title, widgets, w.metrics_dock)
        self.targets[("panel", "ring")] = Target("ring", lambda: [w.ring_view])
        if bench is not None:
            for key, dock in (
                ("members", bench.members_dock),
                ("capabilities", bench.capabilities_dock),
                ("workload", bench.workload_dock),
                ("decisions", bench.decisions_dock),
                ("recorder", bench.recorder_dock),
                ("algorithms", bench.algorithms_dock),
            ):
                self._dock(key, dock)
        controls = w.controls
        for name, row in controls.rows.items():
            label = row.label.text().replace("&", "")
            self.targets[("control", name)] = Target(label, _row_widgets(row), w.controls_dock)
        self.targets[("control", "paradigm")] = Target(
            "Paradigm", lambda: [controls.paradigm_combo], w.controls_dock
        )
        self.targets[("control", "seed")] = Target(
            "Seed", lambda: [controls.seed_box], w.controls_dock
        )
        for key, action in (("play", w.play_action), ("step", w.step_action)):
            self._action(key, action, w)
        self._action("reset", w.reset_action, w)

    def _action(self, key: str, action: QtGui.QAction, w: Any) -> None:
        def widgets() -> list[QtWidgets.QWidget]:
            button = w.toolbar.widgetForAction(action)
            return [button] if button is not None else []

        self.targets[("control", key)] = Target(action.text().replace("&", ""), widgets)

    # ---- rendering -------------------------------------------------------------------------
    def label(self, kind: str, key: str) -> str | None:
        target = self.targets.get((kind, key))
        return None if target is None else target.label

    def unresolved(self, text: str) -> list[str]:
        """The references in ``text`` this window does not know."""
        return [m.group(0) for m in REFERENCE.finditer(text) if (m[1], m[2]) not in self.targets]

    def references(self, text: str) -> list[tuple[str, str]]:
        return [(m[1], m[2]) for m in REFERENCE.finditer(text) if (m[1], m[2]) in self.targets]

    def render_plain(self, text: str) -> str:
        """``text`` with each known reference replaced by the element's label."""
        return REFERENCE.sub(lambda m: self.label(m[1], m[2]) or m.group(0), text)

    def render_rich(self, text: str, accent: str = "#FFD400") -> str:
        """Escaped rich text: the caption's words as given, each label in bold accent."""
        out, last = [], 0
        for match in REFERENCE.finditer(text):
            out.append(html.escape(text[last : match.start()]))
            label = self.label(match[1], match[2])
            shown = html.escape(label if label is not None else match.group(0))
            out.append(f'<b style="color:{accent}">{shown}</b>' if label is not None else shown)
            last = match.end()
        out.append(html.escape(text[last:]))
        return "".join(out).replace("\n", "<br>")

    def point_at(self, text: str) -> list[QtWidgets.QWidget]:
        """Raise the docks a caption refers to and outline the elements; returns them."""
        shown: list[QtWidgets.QWidget] = []
        for kind, key in self.references(text):
            target = self.targets[(kind, key)]
            if target.dock is not None and target.dock.isVisible():
                target.dock.raise_()
            shown += [w for w in target.widgets() if w.isVisible()]
        self.highlight.flash(shown)
        return shown


def _row_widgets(row: Any) -> Callable[[], list[QtWidgets.QWidget]]:
    def widgets() -> list[QtWidgets.QWidget]:
        return [row.label, row.slider, row.box]

    return widgets


class Highlight(QtWidgets.QWidget):
    """Yellow frames around widgets for :data:`HIGHLIGHT_MS`; never takes a click."""

    def __init__(self, window: QtWidgets.QWidget) -> None:
        super().__init__(window)
        self.setObjectName("referenceHighlight")
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self._rects: list[QtCore.QRect] = []
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(HIGHLIGHT_MS)
        self._timer.timeout.connect(self.clear)
        self.hide()

    @property
    def rects(self) -> list[QtCore.QRect]:
        """The outlined rectangles, in window coordinates."""
        return list(self._rects)

    def flash(self, widgets: list[QtWidgets.QWidget]) -> None:
        window = self.parentWidget()
        if window is None or not widgets:
            self.clear()
            return
        self._rects = [
            QtCore.QRect(w.mapTo(window, QtCore.QPoint(0, 0)), w.size()).adjusted(-3, -3, 3, 3)
            for w in widgets
        ]
        self.setGeometry(window.rect())
        self.show()
        self.raise_()
        self.update()
        self._timer.start()

    def clear(self) -> None:
        self._timer.stop()
        self._rects = []
        self.hide()

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.setPen(QtGui.QPen(HIGHLIGHT_COLOUR, 4))
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        for rect in self._rects:
            painter.drawRoundedRect(QtCore.QRectF(rect).adjusted(2, 2, -2, -2), 6, 6)
        painter.end()
