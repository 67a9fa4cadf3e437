"""SteadyLabel: a one-line label whose box stays put while its text changes every step.

A label's new text normally invalidates its parent's layout and, up the chain, the main
window's: every dock is laid out again (and its animations restarted) for a time readout that
changed by a digit. Qt stops that propagation at a widget whose minimum and maximum sizes are
equal, so this label fixes its size to its text plus one digit of room and only grows it (a
number gaining a digit); a new font or style (presentation mode) starts it afresh.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

QWIDGETSIZE_MAX = 16_777_215


class SteadyLabel(QtWidgets.QLabel):
    """A one-line label of fixed size (at least ``least`` pixels wide) that grows only when
    its text no longer fits."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, least: int = 0) -> None:
        super().__init__(parent)
        self._least = least  # the narrowest it is, in pixels
        self.setTextFormat(QtCore.Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def _fit(self) -> None:
        hint = super().sizeHint()
        if hint.width() > self.minimumWidth() or hint.height() != self.minimumHeight():
            room = self.fontMetrics().horizontalAdvance("0")
            width = max(hint.width() + room, self.minimumWidth(), self._least)
            self.setFixedSize(width, hint.height())

    def changeEvent(self, event: QtCore.QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QtCore.QEvent.Type.FontChange, QtCore.QEvent.Type.StyleChange):
            self.setMinimumSize(0, 0)
            self.setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX)
            self._fit()
