"""The lesson caption strip: a band below the ring that the ring makes room for.

The strip lives in the window's stage (:class:`CaptionStage`), under the ring view in a layout:
when a caption shows, the ring gets shorter instead of being covered, and clicks on the ring
always reach the ring. The strip is as tall as its wrapped text needs, up to
:data:`MAX_SHARE` of the stage; a longer caption first shrinks its text (2 pt steps, not below
:data:`PRESENTATION_MIN_POINT_SIZE` = 24 pt in presentation mode, :data:`NORMAL_MIN_POINT_SIZE`
otherwise), and only a caption too long even then goes smaller, down to
:data:`FLOOR_POINT_SIZE` (cutting text off would be worse than smaller text).

Navigation sits at the strip's right end: previous, "3 / 7", next, restart lesson. PageUp and
PageDown (what presenter clickers send) are window shortcuts owned by the lesson controller.

Caption text comes from scenario files: it is escaped and shown as rich text only so that
references to the window (``{panel:balance}``) can be set in bold; see
:mod:`phoenix_gui.qt.document.references`.
"""

from __future__ import annotations

import html

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.fonts import OWN_PRESENTATION_FONT

NORMAL_POINT_SIZE = 16.0
NORMAL_MIN_POINT_SIZE = 12.0
PRESENTATION_POINT_SIZE = 44.0
PRESENTATION_MIN_POINT_SIZE = 24.0
MAX_SHARE = 0.34  # of the stage's height, normal mode
PRESENTATION_MAX_SHARE = 0.55  # at presentation sizes a caption needs more of the height
COMFORTABLE_SHARE = 0.7  # of the limit: the text size is chosen to stay within this
FLOOR_POINT_SIZE = 10.0  # only for captions that do not fit at the minimum
BACKGROUND = QtGui.QColor(8, 10, 14)
BORDER = QtGui.QColor(255, 212, 0)
TEXT = "#FFFFFF"
ACCENT = "#FFD400"  # the high-contrast accent: dark text on it stays readable when projected


class CaptionStrip(QtWidgets.QFrame):
    """The caption band: :meth:`show_caption` shows a caption, :meth:`dismiss` hides it."""

    nextClicked = QtCore.Signal()  # noqa: N815  (Qt signal naming)
    previousClicked = QtCore.Signal()  # noqa: N815
    restartClicked = QtCore.Signal()  # noqa: N815
    dismissed = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captionStrip")
        # Presentation mode leaves our fonts alone: set_presentation_mode sizes them.
        self.setProperty(OWN_PRESENTATION_FONT, True)
        self.setAutoFillBackground(False)
        self._presentation = False
        self._point_size = NORMAL_POINT_SIZE
        self._plain = ""
        # The tallest strip this caption run needed at this width, stage height and mode: the
        # next caption keeps that height (its text centred) rather than resize the ring above,
        # which re-lays-out its labels and redraws its ticks (tens of ms at 10^4 vnodes).
        self._reserved = 0
        self._reserved_for: tuple[int, int, bool] | None = None

        self.label = QtWidgets.QLabel(self)
        self.label.setObjectName("captionText")
        self.label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(
            QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignTop
        )
        self.label.setStyleSheet(f"color: {TEXT}; background: transparent;")
        self.label.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Preferred
        )

        button_style = (
            f"QToolButton {{ color: {TEXT}; border: 1px solid #888; border-radius: 6px;"
            " padding: 2px 6px; }"
            "QToolButton:disabled { color: #666; border-color: #444; }"
        )
        self.previous_button = self._tool("captionPrevious", "◀", "Previous caption (Page Up)")
        self.restart_button = self._tool("captionRestart", "⟲", "Restart the lesson")
        self.close_button = self._tool("captionClose", "✕", "Hide the caption")
        for button in (self.previous_button, self.restart_button, self.close_button):
            button.setStyleSheet(button_style)
        self.counter = QtWidgets.QLabel("", self)
        self.counter.setObjectName("captionCounter")
        self.counter.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.counter.setStyleSheet(f"color: {TEXT}; background: transparent;")
        self.next_button = QtWidgets.QPushButton("Next ▶", self)
        self.next_button.setObjectName("captionNext")
        self.next_button.setToolTip("Next caption; continues the lesson (Page Down)")
        self.next_button.setCursor(QtCore.Qt.CursorShape.PointingHandCursor)
        self.next_button.setStyleSheet(
            f"QPushButton {{ background: {ACCENT}; color: #000000; border: none;"
            " border-radius: 8px; padding: 0.2em 0.8em; font-weight: bold; }"
            "QPushButton:disabled { background: #666; }"
            "QPushButton:focus { outline: none; border: 3px solid #FFFFFF; }"
        )
        self.previous_button.clicked.connect(self.previousClicked)
        self.next_button.clicked.connect(self.nextClicked)
        self.restart_button.clicked.connect(self.restartClicked)
        self.close_button.clicked.connect(self.dismiss)

        nav = QtWidgets.QGridLayout()
        nav.setSpacing(4)
        nav.addWidget(self.counter, 0, 0, 1, 3)
        nav.addWidget(self.previous_button, 1, 0)
        nav.addWidget(self.restart_button, 1, 1)
        nav.addWidget(self.close_button, 1, 2)
        nav.addWidget(self.next_button, 2, 0, 1, 3)
        nav.setRowStretch(3, 1)
        self._layout = QtWidgets.QHBoxLayout(self)
        self._layout.addWidget(self.label, 1)
        self._layout.addLayout(nav)
        self._nav = nav
        self._apply_font(NORMAL_POINT_SIZE)
        self.set_position(0, 0)
        self.hide()

    def _tool(self, name: str, text: str, tip: str) -> QtWidgets.QToolButton:
        button = QtWidgets.QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setCursor(QtCore.Qt.CursorShape.PointingHandCursor)
        return button

    # -- API -------------------------------------------------------------------------------
    def show_caption(self, text: str, paused: bool = False, rich: str | None = None) -> None:
        """Show ``text`` (plain; ``rich`` is its already escaped rich-text rendering)."""
        self._plain = text
        self.label.setText(rich if rich is not None else html.escape(text).replace("\n", "<br>"))
        self.next_button.setText("Continue ▶" if paused else "Next ▶")
        self.setProperty("paused", paused)
        self.show()
        self.refit()

    def hide_next(self) -> None:
        """No longer held at the caption: Next is plain navigation again."""
        self.next_button.setText("Next ▶")
        self.setProperty("paused", False)

    def set_position(self, index: int, total: int) -> None:
        """Show "index / total" (1-based) and enable the arrows that lead somewhere."""
        self.counter.setText(f"{index} / {total}" if total else "")
        self.previous_button.setEnabled(index > 1)
        self.restart_button.setEnabled(total > 0)

    def set_next_enabled(self, enabled: bool) -> None:
        self.next_button.setEnabled(enabled)

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    def text(self) -> str:
        """The caption's text as shown (references rendered as labels)."""
        return _plain_of(self.label.text())

    def is_waiting(self) -> bool:
        """True while the run is held at the caption (Next continues it)."""
        return self.isVisible() and bool(self.property("paused"))

    def set_presentation_mode(self, on: bool) -> None:
        """Bigger text (≥ 36 pt) for a projector; connect to ``Presentation.activeChanged``."""
        self._presentation = on
        self.refit()

    def is_presentation_mode(self) -> bool:
        return self._presentation

    def point_size(self) -> float:
        """The caption's current text size in points."""
        return self._point_size

    # -- layout ----------------------------------------------------------------------------
    def max_height(self) -> int:
        parent = self.parentWidget()
        height = parent.height() if parent is not None else 800
        share = PRESENTATION_MAX_SHARE if self._presentation else MAX_SHARE
        return max(60, round(height * share))

    def refit(self) -> None:
        """Choose the text size for the current width and fix the strip's height to it."""
        if self.isHidden():
            return
        width = self.width() if self.width() > 100 else self._parent_width()
        limit = self.max_height()
        top, low = (
            (PRESENTATION_POINT_SIZE, PRESENTATION_MIN_POINT_SIZE)
            if self._presentation
            else (NORMAL_POINT_SIZE, NORMAL_MIN_POINT_SIZE)
        )
        # The largest size that keeps the strip within a comfortable share of the stage; a
        # longer caption may take up to the limit at the minimum size, and only then shrinks
        # further (never cut off).
        comfortable = round(limit * COMFORTABLE_SHARE)
        height = self._fit(width, comfortable, top, low)
        if height > limit:
            height = self._fit(width, limit, low, FLOOR_POINT_SIZE)
        if height > limit:  # too long even at the floor size: grow rather than cut text off
            parent = self.parentWidget()
            height = min(height, max(limit, (parent.height() if parent else height) - 160))
        if self._reserved_for != (width, limit, self._presentation):
            self._reserved_for, self._reserved = (width, limit, self._presentation), 0
        self._reserved = max(self._reserved, height)
        self.setFixedHeight(self._reserved)

    def _parent_width(self) -> int:
        parent = self.parentWidget()
        return parent.width() if parent is not None else 800

    def _fit(self, width: int, limit: int, top: float, low: float) -> int:
        """Apply the largest size from ``top`` down to ``low`` (2 pt steps) whose text fits
        ``limit`` pixels (``low`` if none does); return the strip height it needs."""
        size = top
        while True:
            self._apply_font(size)
            height = self._height_for(width)
            if height <= limit or size <= low:
                return height
            size = max(low, size - 2.0)

    def _height_for(self, width: int) -> int:
        m = self._layout.contentsMargins()
        nav = self._nav.sizeHint()
        inner = width - m.left() - m.right() - nav.width() - self._layout.spacing()
        text = self.label.heightForWidth(max(80, inner))
        return m.top() + m.bottom() + max(text, nav.height())

    def _apply_font(self, size: float) -> None:
        self._point_size = size
        font = QtGui.QFont(self.font())
        font.setPointSizeF(size)
        self.label.setFont(font)
        small = QtGui.QFont(font)
        small.setPointSizeF(max(10.0, size * 0.6))
        for widget in (
            self.next_button,
            self.previous_button,
            self.restart_button,
            self.close_button,
            self.counter,
        ):
            widget.setFont(small)
        pad = round(size * 0.5)
        self._layout.setContentsMargins(pad + 6, pad // 2 + 4, pad // 2 + 6, pad // 2 + 4)
        self._layout.setSpacing(max(8, pad))
        self._nav.invalidate()

    # -- Qt overrides ----------------------------------------------------------------------
    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.refit()

    def hideEvent(self, event: QtGui.QHideEvent) -> None:
        super().hideEvent(event)
        self._reserved_for = None  # the next caption shown is fitted afresh

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        rect = QtCore.QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        painter.setPen(QtGui.QPen(BORDER, 3))
        painter.setBrush(BACKGROUND)
        painter.drawRoundedRect(rect, 10.0, 10.0)
        painter.end()


class CaptionStage(QtWidgets.QWidget):
    """The window's centre: the ring view on top, the caption strip under it."""

    def __init__(self, view: QtWidgets.QWidget, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stage")
        self.view = view
        self.strip = CaptionStrip(self)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(view, 1)
        layout.addWidget(self.strip, 0)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().height() != event.size().height():
            self.strip.refit()  # its height cap follows the stage's height


def _plain_of(rich: str) -> str:
    document = QtGui.QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()
