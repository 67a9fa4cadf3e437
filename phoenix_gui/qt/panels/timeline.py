"""TimelineBar: the run's timeline under the central view, and the "viewing the past" banner.

A slider over the recorded steps (ticks at round numbers of hours, the start and the latest
time written at its ends) and, while a past moment is shown, a banner across the window:
"viewing t = 5.25 h (step 21) — read-only" with Resume and Back to now. The bar only reports
what the user asks (``stepRequested``, ``resumeRequested``, ``nowRequested``); the shell turns
that into the run's history (qt/document/history.py) and tells the bar what is on screen.

Dragging asks for each step the handle passes, coalesced: the window rebuilds at most one
moment per pass of the event loop, the one under the handle when it gets there.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.views.limited_label import LimitedLabel
from phoenix_gui.qt.views.steady_label import SteadyLabel

BANNER_STYLE = (
    "QFrame#timeline-banner { background: #FFF3CD; border: 1px solid #D55E00;"
    " border-radius: 4px; } QFrame#timeline-banner QLabel { color: #3B2A00; }"
)
# Tick spacings tried, in hours: the first that leaves at most MAX_TICKS ticks on the slider.
TICK_HOURS = (0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000)
MAX_TICKS = 24


def viewing_text(hours: float, step: int) -> str:
    """The banner's words for a past moment."""
    return f"viewing t = {hours:.2f} h (step {step}) — read-only"


class TickedSlider(QtWidgets.QSlider):
    """A horizontal slider that draws its tick marks itself, under the groove: a styled slider
    (the themes' stylesheets) gets none from Qt."""

    TICK_PX = 5

    def sizeHint(self) -> QtCore.QSize:
        hint = super().sizeHint()
        return QtCore.QSize(hint.width(), hint.height() + self.TICK_PX)

    def minimumSizeHint(self) -> QtCore.QSize:
        hint = super().minimumSizeHint()
        return QtCore.QSize(hint.width(), hint.height() + self.TICK_PX)

    def tick_values(self) -> list[int]:
        """The values marked: every ``tickInterval`` from the minimum (the maximum too)."""
        low, high, every = self.minimum(), self.maximum(), max(1, self.tickInterval())
        if high <= low:
            return []
        values = list(range(low, high + 1, every))
        return values if values[-1] == high else [*values, high]

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        super().paintEvent(event)
        option = QtWidgets.QStyleOptionSlider()
        self.initStyleOption(option)
        style = self.style()
        handle = style.subControlRect(
            QtWidgets.QStyle.ComplexControl.CC_Slider,
            option,
            QtWidgets.QStyle.SubControl.SC_SliderHandle,
            self,
        )
        span = self.width() - handle.width()
        painter = QtGui.QPainter(self)
        painter.setPen(self.palette().color(QtGui.QPalette.ColorRole.WindowText))
        bottom = self.height() - 1
        for value in self.tick_values():
            x = handle.width() // 2 + QtWidgets.QStyle.sliderPositionFromValue(
                self.minimum(), self.maximum(), value, span
            )
            painter.drawLine(x, bottom - self.TICK_PX + 1, x, bottom)
        painter.end()


class TimelineBar(QtWidgets.QWidget):
    """The slider and the banner; ``show_moment`` and ``set_range`` keep it true."""

    stepRequested = QtCore.Signal(int)  # noqa: N815  the user chose a step (drag, click, key)
    resumeRequested = QtCore.Signal()  # noqa: N815
    nowRequested = QtCore.Signal()  # noqa: N815

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self._step_hours = 0.25
        self._viewed: int | None = None
        self._pending: int | None = None
        self._coalesce = QtCore.QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(0)
        self._coalesce.timeout.connect(self._ask)

        self.banner = QtWidgets.QFrame(self)
        self.banner.setObjectName("timeline-banner")
        self.banner.setStyleSheet(BANNER_STYLE)
        # One line that shortens with "…" (whole in its tooltip): the banner's words never
        # make the central area wider than the window gives it (a long "step 12345" squeezed
        # the Metrics dock at 800 px).
        self.banner_label = LimitedLabel(parent=self.banner, lines=1, pad=(0, 0))
        self.banner_label.setObjectName("timeline-banner-text")
        self.resume_button = QtWidgets.QPushButton("Resume", self.banner)
        self.resume_button.setObjectName("timeline-resume")
        self.resume_button.setToolTip("Back to now and play on (Shift+End)")
        self.now_button = QtWidgets.QPushButton("Back to now", self.banner)
        self.now_button.setObjectName("timeline-now")
        self.now_button.setToolTip("Show the run as it is now, paused (End)")
        banner_layout = QtWidgets.QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(8, 2, 4, 2)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.resume_button)
        banner_layout.addWidget(self.now_button)
        self.banner.hide()

        self.slider = TickedSlider(QtCore.Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("timeline-slider")
        self.slider.setToolTip(
            "The run's timeline: drag back to see any moment of it (read-only); "
            "Alt+Left / Alt+Right one step, Home the start, End back to now"
        )
        self.slider.setFocusPolicy(QtCore.Qt.FocusPolicy.ClickFocus)
        self.start_label = QtWidgets.QLabel(self)
        self.start_label.setObjectName("timeline-start")
        self.end_label = SteadyLabel(self)  # its time changes every step: no relayout for it
        self.end_label.setObjectName("timeline-end")
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start_label)
        row.addWidget(self.slider, 1)
        row.addWidget(self.end_label)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(2)
        layout.addWidget(self.banner)
        layout.addLayout(row)

        self.slider.valueChanged.connect(self._on_slider)
        self.resume_button.clicked.connect(self.resumeRequested)
        self.now_button.clicked.connect(self.nowRequested)
        self.set_range(0, 0, self._step_hours)

    # ---- what the shell tells it -------------------------------------------------------
    def set_range(self, first: int, latest: int, step_hours: float) -> None:
        """The recorded steps (the handle stays on the moment shown, at the end when now)."""
        self._step_hours = float(step_hours)
        with QtCore.QSignalBlocker(self.slider):
            self.slider.setRange(first, max(first, latest))
            self.slider.setTickInterval(self._tick_steps(latest - first))
            self.slider.setPageStep(max(1, self.slider.tickInterval()))
            self.slider.setValue(latest if self._viewed is None else self._viewed)
        self.slider.setEnabled(latest > first)
        self.start_label.setText(f"{first * self._step_hours:g} h")
        self.end_label.setText(f"{latest * self._step_hours:.2f} h · now")

    def show_moment(self, step: int | None) -> None:
        """``step`` is on screen (None: the run as it is)."""
        self._viewed = step
        if step is None:
            self.banner.hide()
            with QtCore.QSignalBlocker(self.slider):
                self.slider.setValue(self.slider.maximum())
            return
        self.banner_label.set_full_text(viewing_text(step * self._step_hours, step))
        self.banner.show()
        with QtCore.QSignalBlocker(self.slider):
            self.slider.setValue(step)

    @property
    def banner_text(self) -> str:
        """What the banner says ("" when it is hidden)."""
        return self.banner_label.full_text() if not self.banner.isHidden() else ""

    # ---- what the user does ------------------------------------------------------------
    def _on_slider(self, value: int) -> None:
        self._pending = value
        if not self._coalesce.isActive():
            self._coalesce.start()

    def _ask(self) -> None:
        value, self._pending = self._pending, None
        if value is not None:
            self.stepRequested.emit(value)

    def _tick_steps(self, steps: int) -> int:
        """Steps between ticks: a round number of hours, at most MAX_TICKS ticks."""
        hours = max(steps, 1) * self._step_hours
        for tick in TICK_HOURS:
            if hours / tick <= MAX_TICKS:
                return max(1, round(tick / self._step_hours))
        return max(1, steps // MAX_TICKS)
