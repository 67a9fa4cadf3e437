"""The lesson caption: a large, semi-transparent rounded panel drawn over the ring view.

It sits along the bottom of its parent (so the centre of the ring stays visible), as wide as
the parent allows, and as tall as its wrapped text needs; it follows the parent's size through
an event filter. When the run is paused at the caption a "Next ▶" button shows (PageDown, the
key presentation clickers send, presses it too). In presentation mode the text is up to
:data:`PRESENTATION_POINT_SIZE` points, readable from the back of a room. A longer caption
first shrinks (in 2 pt steps, not below :data:`PRESENTATION_MIN_POINT_SIZE` = 36 pt) to cover
at most :data:`COVER_SHARE` of the ring, then may grow taller, up to the whole view. Every
bundled lesson caption fits at 36 pt or more at 1280×800 (tested); only a caption too long
for the screen at 36 pt goes smaller (down to :data:`FLOOR_POINT_SIZE`), because cutting
text off would be worse than smaller text.

Caption text comes from scenario files, so it is shown as plain text (never rich text).
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.fonts import OWN_PRESENTATION_FONT

NORMAL_POINT_SIZE = 20.0
PRESENTATION_POINT_SIZE = 44.0
PRESENTATION_MIN_POINT_SIZE = 36.0
NORMAL_MIN_POINT_SIZE = 14.0
COVER_SHARE = 0.55  # the caption tries to cover at most this share of the ring's height
FLOOR_POINT_SIZE = 12.0  # only for captions that do not fit the screen at the minimum
BACKGROUND = QtGui.QColor(8, 10, 14, 215)
BORDER = QtGui.QColor(255, 212, 0, 200)
TEXT = "#FFFFFF"
ACCENT = "#FFD400"  # the high-contrast accent: dark text on it stays readable when projected


class CaptionOverlay(QtWidgets.QWidget):
    """Caption panel over ``parent``; :meth:`show_caption` shows it, :meth:`dismiss` hides."""

    nextClicked = QtCore.Signal()  # noqa: N815  (Qt signal naming)
    dismissed = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("captionOverlay")
        # Presentation mode leaves our fonts alone: set_presentation_mode sizes them.
        self.setProperty(OWN_PRESENTATION_FONT, True)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_StyledBackground, False)
        self._presentation = False
        self._point_size = NORMAL_POINT_SIZE

        self.label = QtWidgets.QLabel(self)
        self.label.setObjectName("captionText")
        self.label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setStyleSheet(f"color: {TEXT}; background: transparent;")

        self.next_button = QtWidgets.QPushButton("Next ▶", self)
        self.next_button.setObjectName("captionNext")
        self.next_button.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key.Key_PageDown))
        self.next_button.setToolTip("Continue the lesson (Page Down)")
        self.next_button.setCursor(QtCore.Qt.CursorShape.PointingHandCursor)
        self.next_button.setStyleSheet(
            f"QPushButton {{ background: {ACCENT}; color: #000000; border: none;"
            " border-radius: 8px; padding: 0.25em 1em; font-weight: bold; }"
            "QPushButton:focus { outline: none; border: 3px solid #FFFFFF; }"
        )
        self.next_button.clicked.connect(self.nextClicked)
        self.next_button.hide()

        self.close_button = QtWidgets.QToolButton(self)
        self.close_button.setObjectName("captionClose")
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide the caption")
        self.close_button.setAutoRaise(True)
        self.close_button.setStyleSheet(f"QToolButton {{ color: {TEXT}; border: none; }}")
        self.close_button.clicked.connect(self.dismiss)

        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        self._layout = QtWidgets.QVBoxLayout(self)
        self._layout.addWidget(self.label)
        self._layout.addLayout(buttons)
        self._apply_font(NORMAL_POINT_SIZE)

        parent.installEventFilter(self)
        self.hide()

    # -- API -------------------------------------------------------------------------------
    def show_caption(self, text: str, paused: bool = False) -> None:
        self.label.setText(text)
        self.next_button.setVisible(paused)
        self.close_button.setVisible(not paused)  # while paused, Next is the way on
        self.show()
        self.raise_()
        self.reposition()

    def hide_next(self) -> None:
        self.next_button.hide()
        self.close_button.show()
        self.reposition()

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    def text(self) -> str:
        return self.label.text()

    def is_waiting(self) -> bool:
        """True while the Next button is offered."""
        return self.isVisible() and not self.next_button.isHidden()

    def set_presentation_mode(self, on: bool) -> None:
        """Bigger text (≥ 36 pt) for a projector; connect to ``Presentation.activeChanged``."""
        self._presentation = on
        self.reposition()

    def is_presentation_mode(self) -> bool:
        return self._presentation

    def point_size(self) -> float:
        """The caption's current text size in points."""
        return self._point_size

    # -- layout ----------------------------------------------------------------------------
    def reposition(self) -> None:
        """Fit the panel to the parent: full width minus margins, height of the text."""
        parent = self.parentWidget()
        if parent is None:
            return
        pw, ph = parent.width(), parent.height()
        margin = max(12, round(min(pw, ph) * 0.03))
        width = max(120, pw - 2 * margin)
        max_height = max(80, ph - 2 * margin)
        top, low = (
            (PRESENTATION_POINT_SIZE, PRESENTATION_MIN_POINT_SIZE)
            if self._presentation
            else (NORMAL_POINT_SIZE, NORMAL_MIN_POINT_SIZE)
        )
        # First try to leave most of the ring visible (text no smaller than the minimum);
        # then use the whole height; only then go below the minimum. Never cut text off.
        height = self._fit(width, round(ph * COVER_SHARE), top, low)
        if height > round(ph * COVER_SHARE):
            height = self._fit(width, max_height, low, FLOOR_POINT_SIZE)
        height = min(height, max_height)
        self.setGeometry(round((pw - width) / 2), ph - margin - height, width, height)
        self._place_close_button()

    def _fit(self, width: int, limit: int, top: float, low: float) -> int:
        """Apply the largest size from ``top`` down to ``low`` (2 pt steps) whose text fits
        ``limit`` pixels (``low`` if none does); return the panel height it needs."""
        size = top
        while True:
            self._apply_font(size)
            height = self._height_for(width)
            if height <= limit or size <= low:
                return height
            size = max(low, size - 2.0)

    def _height_for(self, width: int) -> int:
        layout = self._layout
        m = layout.contentsMargins()
        inner = width - m.left() - m.right()
        height = m.top() + m.bottom() + self.label.heightForWidth(inner)
        if not self.next_button.isHidden():
            height += layout.spacing() + self.next_button.sizeHint().height()
        return height

    def _apply_font(self, size: float) -> None:
        self._point_size = size
        font = QtGui.QFont(self.font())
        font.setPointSizeF(size)
        self.label.setFont(font)
        button_font = QtGui.QFont(font)
        button_font.setPointSizeF(max(11.0, size * 0.75))
        self.next_button.setFont(button_font)
        self.close_button.setFont(button_font)
        # Padding grows with the text so the rounded corners never touch it.
        pad = round(size * 0.9)
        self._layout.setContentsMargins(pad + 4, pad // 2 + 4, pad + 4 + round(size), pad // 2)
        self._layout.setSpacing(max(6, pad // 3))

    def _place_close_button(self) -> None:
        hint = self.close_button.sizeHint()
        self.close_button.setGeometry(
            self.width() - hint.width() - 10, 8, hint.width(), hint.height()
        )
        self.close_button.raise_()

    # -- Qt overrides ----------------------------------------------------------------------
    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if (
            watched is self.parentWidget()
            and event.type()
            in (
                QtCore.QEvent.Type.Resize,
                QtCore.QEvent.Type.Show,
            )
            and self.isVisible()
        ):
            self.reposition()
        return False

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        radius = min(24.0, self.height() / 4)
        rect = QtCore.QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        painter.setPen(QtGui.QPen(BORDER, 3))
        painter.setBrush(BACKGROUND)
        painter.drawRoundedRect(rect, radius, radius)
        painter.end()
