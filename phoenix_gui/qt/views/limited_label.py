"""LimitedLabel: a label of a fixed number of lines that shortens its text rather than cut it.

Used for the narration line under the paradigm's view (two lines: what a step did) and for the
Metrics panel's warning line (one line). The label's height is fixed to its lines, so new text
never changes the window's size hints. A sentence longer than that at the current width and
font (long member lists, presentation mode's larger font at 1280×800) ends with "…" on its last
line instead of being cut off by the widget's edge; the tooltip keeps the whole sentence.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets


class LimitedLabel(QtWidgets.QLabel):
    """A word-wrapped label that shows at most ``lines`` lines of its text, eliding the rest.

    ``style`` is stylesheet declarations for the label (colours); ``pad`` its padding (x, y)
    in pixels.
    """

    def __init__(
        self,
        style: str = "",
        parent: QtWidgets.QWidget | None = None,
        lines: int = 2,
        pad: tuple[int, int] = (10, 4),
    ) -> None:
        super().__init__(parent)
        self._full = ""  # set first: the calls below already send change events
        self.lines = lines
        self._pad_y = pad[1]
        self.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        # Wrapping is done here, line by line, so what is drawn is exactly what was measured.
        self.setWordWrap(False)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        if style or pad != (0, 0):  # a label with a sheet of its own (else it just inherits)
            self.setStyleSheet(f"QLabel {{ {style} padding: {pad[1]}px {pad[0]}px; }}")
        self._fit_height()

    def set_full_text(self, text: str) -> None:
        """Show ``text`` (elided to the label's lines if need be); the tooltip holds all of it."""
        if text == self._full:  # a new width, font or line count lays it out again itself
            return
        self._full = text
        self.setToolTip(text)
        self._show()

    def set_lines(self, lines: int) -> None:
        """Show up to ``lines`` lines (the height follows) before eliding."""
        self.lines = lines
        self._fit_height()
        self._show()

    def full_text(self) -> str:
        return self._full

    def lines_needed(self) -> int:
        """How many lines the whole text would take at the current width and font."""
        return len(self._layout_lines(self._full))

    def fits(self) -> bool:
        """Whether every line shown is within the label: its width and its height."""
        metrics = QtGui.QFontMetrics(self.font())
        shown = self.text().split("\n")
        room = self.contentsRect()
        return len(shown) * metrics.lineSpacing() <= room.height() and all(
            metrics.horizontalAdvance(line) <= room.width() for line in shown
        )

    def _text_width(self) -> int:
        return max(1, self.contentsRect().width())  # the stylesheet's padding is outside it

    def _layout_lines(self, text: str) -> list[tuple[int, int]]:
        """(start, length) of each wrapped line of ``text`` at the current width and font."""
        layout = QtGui.QTextLayout(text, self.font())
        option = QtGui.QTextOption()
        option.setWrapMode(QtGui.QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        lines: list[tuple[int, int]] = []
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(self._text_width())
            lines.append((line.textStart(), line.textLength()))
        layout.endLayout()
        return lines

    def _show(self) -> None:
        text = self._full
        lines = self._layout_lines(text)
        shown = [text[start : start + length].strip() for start, length in lines[: self.lines - 1]]
        if len(lines) >= self.lines:
            rest = text[lines[self.lines - 1][0] :].strip()
            metrics = QtGui.QFontMetrics(self.font())
            shown.append(
                metrics.elidedText(rest, QtCore.Qt.TextElideMode.ElideRight, self._text_width())
            )
        super().setText("\n".join(shown))

    def _fit_height(self) -> None:
        spacing = QtGui.QFontMetrics(self.font()).lineSpacing()
        self.setFixedHeight(spacing * self.lines + 2 * self._pad_y + 4)

    def changeEvent(self, ev: QtCore.QEvent) -> None:
        super().changeEvent(ev)
        if ev.type() in (QtCore.QEvent.Type.FontChange, QtCore.QEvent.Type.StyleChange):
            self._fit_height()  # presentation mode scales the font
            self._show()

    def resizeEvent(self, ev: QtGui.QResizeEvent) -> None:
        super().resizeEvent(ev)
        self._show()
