"""Controls dock: paradigm, parameter sliders with value boxes, seed and the play buttons.

Every slider row is generated from :data:`phoenix_gui.params.PARAMS` (STYLE.md rule 5), so the
ranges, steps and labels here are the CLI's and the scenario schema's. Two outputs, two paces:
``valuesPreview`` fires on every move so the metrics panel follows the thumb at once, while
``paramChanged`` is coalesced (at most one emit per parameter every ``COALESCE_MS``) because
each one becomes an engine request and an audit event.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine import PARADIGMS, SimulationConfig
from phoenix_gui.params import PARAMS, SEED_MAX, ParamSpec

# The parameters the dock shows, in display order. The WMCR weights stay scenario-only.
CONTROL_PARAMS = (
    "joins",
    "leaves",
    "hours",
    "trust",
    "compliance",
    "hosts",
    "vnodes",
    "tasks",
    "crash_share",
    "speed",
)
COALESCE_MS = 50
# How long a row stays highlighted after the engine (a lesson's `set`) moved it.
HIGHLIGHT_MS = 1500
# A slider with more positions than this cannot be dragged to a chosen value; such ranges
# (J up to 10^5, tasks up to 2·10^6) get a logarithmic slider and the box keeps full precision.
_MAX_LINEAR_POSITIONS = 1000


class SliderScale:
    """Maps one spec's range onto integer slider positions (linear, or logarithmic if wide)."""

    def __init__(self, spec: ParamSpec) -> None:
        self.spec = spec
        # Δt must stay > 0: its lowest selectable value is one step above the bound.
        self.low = spec.minimum + spec.step if spec.min_exclusive else spec.minimum
        self.high = spec.maximum
        steps = round((self.high - self.low) / spec.step)
        self.log = steps > _MAX_LINEAR_POSITIONS
        self.positions = _MAX_LINEAR_POSITIONS if self.log else steps
        self._log_span = math.log1p(steps)

    def clamp(self, value: float) -> float:
        """Clamp into range (whole numbers for int specs); NaN is not a value here.

        Typed or scenario values keep their precision (tasks = 1234 is valid although the
        slider moves in hundreds): only slider positions are snapped to the step grid.
        """
        value = min(max(value, self.low), self.high)
        if self.spec.kind == "int":
            return float(min(max(round(value), math.ceil(self.low)), math.floor(self.high)))
        return round(value, 10)

    def to_value(self, position: int) -> float:
        # Log scale measured in steps, so the first positions are single steps, the last wide.
        steps = math.expm1(position / self.positions * self._log_span) if self.log else position
        spec = self.spec
        value = self.low + steps * spec.step
        snapped = spec.minimum + round((value - spec.minimum) / spec.step) * spec.step
        return self.clamp(snapped)

    def to_position(self, value: float) -> int:
        steps = (self.clamp(value) - self.low) / self.spec.step
        if not self.log:
            return round(steps)
        return round(math.log1p(steps) / self._log_span * self.positions)


class SeedBox(QtWidgets.QLineEdit):
    """A whole-number box for seeds 0 … SEED_MAX (2^63 − 1; a spin box holds only 32 bits).

    ``valueChanged`` fires on Enter or focus-out, when the value really changed: each new seed
    restarts the run, not each keystroke.
    """

    valueChanged = QtCore.Signal(object)  # noqa: N815  an int up to 2^63 − 1

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        digits = QtCore.QRegularExpression(r"\d{1,19}")
        self.setValidator(QtGui.QRegularExpressionValidator(digits, self))
        self.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
        self._value = 0
        self.setText("0")
        self.editingFinished.connect(self._on_edited)

    def value(self) -> int:
        return self._value

    def setValue(self, value: int) -> None:
        value = min(max(int(value), 0), SEED_MAX)
        self.setText(str(value))
        if value != self._value:
            self._value = value
            self.valueChanged.emit(value)

    def _on_edited(self) -> None:
        text = self.text().strip()
        if not text.isdigit():
            self.setText(str(self._value))
            return
        self.setValue(int(text))


class _ParamRow:
    """One parameter: label, slider and value box, kept in sync without feedback loops."""

    def __init__(self, spec: ParamSpec, parent: QtWidgets.QWidget) -> None:
        self.spec = spec
        self.scale = SliderScale(spec)
        text = spec.label + (f" ({spec.unit})" if "/" in spec.unit else "")
        self.label = QtWidgets.QLabel(text, parent)
        tip = spec.help + (f" [{spec.unit}]" if spec.unit else "")
        self.label.setToolTip(tip)
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal, parent)
        self.slider.setRange(0, self.scale.positions)
        self.slider.setToolTip(tip + (" (logarithmic slider)" if self.scale.log else ""))
        self.slider.setObjectName(f"slider_{spec.name}")
        self.box: QtWidgets.QSpinBox | QtWidgets.QDoubleSpinBox
        factor = self.display_factor
        if spec.kind == "int":
            self.box = QtWidgets.QSpinBox(parent)
            self.box.setRange(int(self.scale.low), int(self.scale.high))
            self.box.setSingleStep(int(spec.step))
        else:
            self.box = QtWidgets.QDoubleSpinBox(parent)
            display_step = spec.step * factor
            self.box.setDecimals(max(0, -math.floor(math.log10(display_step))))
            self.box.setRange(self.scale.low * factor, self.scale.high * factor)
            self.box.setSingleStep(display_step)
        if spec.percent:
            self.box.setSuffix(" %")
        elif spec.unit == "h":
            self.box.setSuffix(" h")
        self.box.setObjectName(f"box_{spec.name}")
        self.box.setToolTip(tip)
        self.box.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
        self.box.setAccelerated(True)
        self.label.setBuddy(self.box)

    def set_highlight(self, on: bool) -> None:
        """A brief mark that the engine moved this row (bold label, highlighted box)."""
        font = self.label.font()
        font.setBold(on)
        self.label.setFont(font)
        self.box.setStyleSheet(
            "background-color: palette(highlight); color: palette(highlighted-text);" if on else ""
        )

    def set_note(self, note: str) -> None:
        tip = self.spec.help + (f" [{self.spec.unit}]" if self.spec.unit else "")
        full = tip + (f"\n{note}" if note else "")
        self.box.setToolTip(full)
        self.label.setToolTip(full)

    @property
    def display_factor(self) -> float:
        return 100.0 if self.spec.percent else 1.0

    def from_box(self, shown: float) -> float:
        return self.scale.clamp(round(shown / self.display_factor, 10))

    def show(self, value: float) -> None:
        """Put ``value`` (stored units) into both widgets without emitting their signals."""
        self.show_in_slider(value)
        self.show_in_box(value)

    def show_in_slider(self, value: float) -> None:
        with QtCore.QSignalBlocker(self.slider):
            self.slider.setValue(self.scale.to_position(value))

    def show_in_box(self, value: float) -> None:
        shown = value * self.display_factor
        with QtCore.QSignalBlocker(self.box):
            if isinstance(self.box, QtWidgets.QSpinBox):
                self.box.setValue(round(shown))
            else:
                self.box.setValue(shown)


class ControlsPanel(QtWidgets.QWidget):
    """The controls dock. Values are in stored units: percentages as 0–1, Δt in hours."""

    # Signal names follow Qt's camelCase (they sit beside Qt's own signals on the object).

    # Coalesced: at most one emit per parameter every COALESCE_MS, with the latest value.
    paramChanged = QtCore.Signal(str, float)  # noqa: N815
    # Immediately, on every change: the whole values() dict.
    valuesPreview = QtCore.Signal(dict)  # noqa: N815
    playToggled = QtCore.Signal(bool)  # noqa: N815
    stepRequested = QtCore.Signal()  # noqa: N815
    resetRequested = QtCore.Signal()  # noqa: N815
    paradigmChanged = QtCore.Signal(str)  # noqa: N815
    seedChanged = QtCore.Signal(object)  # noqa: N815  an int up to 2^63 − 1

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, _ParamRow] = {}
        self._values: dict[str, float] = {}
        self._pending: dict[str, float] = {}
        self._external_actions = False
        self._coalesce = QtCore.QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(COALESCE_MS)
        self._coalesce.timeout.connect(self.flush)
        self._highlighted: set[str] = set()
        self._unhighlight = QtCore.QTimer(self)
        self._unhighlight.setObjectName("controls-highlight-timer")
        self._unhighlight.setSingleShot(True)
        self._unhighlight.setInterval(HIGHLIGHT_MS)
        self._unhighlight.timeout.connect(self.clear_highlights)

        self.paradigm_combo = QtWidgets.QComboBox(self)
        for paradigm in PARADIGMS:
            self.paradigm_combo.addItem(paradigm.capitalize(), paradigm)
        self.paradigm_combo.setToolTip(
            "Placement paradigm: token ring, bin packing, LLM agents or trust-weighted scoring"
        )
        self.paradigm_combo.currentIndexChanged.connect(self._on_paradigm)
        self.seed_box = SeedBox(self)
        self.seed_box.setValue(SimulationConfig().seed)
        self.seed_box.setToolTip("Seed of the simulation's only random generator")
        self.seed_box.valueChanged.connect(self.seedChanged)

        top = QtWidgets.QFormLayout()
        top.addRow("&Paradigm", self.paradigm_combo)
        top.addRow("S&eed", self.seed_box)

        grid = QtWidgets.QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(4)
        for row_index, name in enumerate(CONTROL_PARAMS):
            row = _ParamRow(PARAMS[name], self)
            self.rows[name] = row
            grid.addWidget(row.label, row_index, 0)
            grid.addWidget(row.slider, row_index, 1)
            grid.addWidget(row.box, row_index, 2)
            row.slider.valueChanged.connect(lambda pos, n=name: self._on_slider(n, pos))
            row.box.valueChanged.connect(lambda shown, n=name: self._on_box(n, shown))
            self._values[name] = row.scale.clamp(PARAMS[name].default)
            row.show(self._values[name])
        params_box = QtWidgets.QGroupBox("Parameters", self)
        params_box.setLayout(grid)

        style = self.style()
        pixmap = QtWidgets.QStyle.StandardPixmap
        self._play_action = QtGui.QAction(style.standardIcon(pixmap.SP_MediaPlay), "Play", self)
        self._play_action.setCheckable(True)
        self._play_action.toggled.connect(self._on_play_toggled)
        self._step_action = QtGui.QAction(
            style.standardIcon(pixmap.SP_MediaSkipForward), "Step", self
        )
        self._step_action.triggered.connect(self._on_step)
        self._reset_action = QtGui.QAction(
            style.standardIcon(pixmap.SP_BrowserReload), "Reset", self
        )
        self._reset_action.triggered.connect(self._on_reset)
        self.play_button = self._tool_button(self._play_action)
        self.step_button = self._tool_button(self._step_action)
        self.reset_button = self._tool_button(self._reset_action)
        buttons = QtWidgets.QHBoxLayout()
        for button in (self.play_button, self.step_button, self.reset_button):
            buttons.addWidget(button)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(params_box)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def _tool_button(self, action: QtGui.QAction) -> QtWidgets.QToolButton:
        button = QtWidgets.QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed
        )
        return button

    # ----------------------------------------------------------------- public API
    def values(self) -> dict[str, float]:
        """Current parameter values in stored units (ints for integer parameters)."""
        return {
            name: int(value) if PARAMS[name].kind == "int" else value
            for name, value in self._values.items()
        }

    def set_values(self, values: Mapping[str, float]) -> None:
        """Show ``values`` (clamped into range, NaN ignored) and emit one ``valuesPreview``.

        Parameters this dock does not show (w_join, w_leave) are skipped, so a whole config's
        dict can be passed; a name that is no parameter at all raises :class:`KeyError`.
        No ``paramChanged``: the caller is setting the state, not the user asking for a change.
        """
        for name, value in values.items():
            if name not in PARAMS:
                raise KeyError(f"unknown parameter {name!r}; known: {', '.join(PARAMS)}")
            if name not in self.rows or math.isnan(float(value)):
                continue
            row = self.rows[name]
            self._values[name] = row.scale.clamp(float(value))
            self._pending.pop(name, None)
            row.show(self._values[name])
        self.valuesPreview.emit(self.values())

    def show_value(self, name: str, value: float, highlight: bool = False, note: str = "") -> None:
        """Show one parameter's value (from the parameter state) without emitting anything.

        ``highlight`` marks the row for a moment (a lesson's ``set`` moved it, not the user);
        ``note`` is added to the row's tooltip (e.g. that the scenario starts elsewhere).
        """
        row = self.rows.get(name)
        if row is None or math.isnan(float(value)):
            return
        self._values[name] = row.scale.clamp(float(value))
        self._pending.pop(name, None)
        row.show(self._values[name])
        row.set_note(note)
        if highlight:
            row.set_highlight(True)
            self._highlighted.add(name)
            self._unhighlight.start()
        self.valuesPreview.emit(self.values())

    def highlighted(self) -> set[str]:
        """The rows highlighted right now (moved by the engine a moment ago)."""
        return set(self._highlighted)

    def clear_highlights(self) -> None:
        self._unhighlight.stop()
        for name in self._highlighted:
            self.rows[name].set_highlight(False)
        self._highlighted.clear()

    def paradigm(self) -> str:
        return str(self.paradigm_combo.currentData())

    def set_paradigm(self, paradigm: str) -> None:
        """Select ``paradigm`` without emitting ``paradigmChanged``."""
        index = self.paradigm_combo.findData(paradigm)
        if index < 0:
            raise ValueError(f"paradigm must be one of {', '.join(PARADIGMS)}, got {paradigm!r}")
        with QtCore.QSignalBlocker(self.paradigm_combo):
            self.paradigm_combo.setCurrentIndex(index)

    def seed(self) -> int:
        return self.seed_box.value()

    def set_seed(self, seed: int) -> None:
        """Show ``seed`` (clamped to 0 … 2³¹−1) without emitting ``seedChanged``."""
        with QtCore.QSignalBlocker(self.seed_box):
            self.seed_box.setValue(min(max(int(seed), 0), SEED_MAX))

    def set_playing(self, playing: bool) -> None:
        """Reflect the run state on the Play/Pause button without emitting ``playToggled``.

        After :meth:`set_actions` the main window's play action owns the state and this only
        updates nothing: the shared action already shows it everywhere.
        """
        if self._external_actions:
            return
        with QtCore.QSignalBlocker(self._play_action):
            self._play_action.setChecked(playing)
        self._label_play(playing)

    def set_actions(self, play: QtGui.QAction, step: QtGui.QAction, reset: QtGui.QAction) -> None:
        """Let the buttons trigger the main window's actions (one action: toolbar, key, panel).

        From then on the buttons no longer emit ``playToggled``/``stepRequested``/
        ``resetRequested`` (the actions do the work). Pressing a button still flushes pending
        parameter changes first; a keyboard shortcut bypasses the buttons, so the action's
        handler should call :meth:`flush` before stepping.
        """
        self._external_actions = True
        for button in (self.play_button, self.step_button, self.reset_button):
            # pressed comes before the release that triggers the action.
            button.pressed.connect(self.flush)
        for button, action in (
            (self.play_button, play),
            (self.step_button, step),
            (self.reset_button, reset),
        ):
            own = button.defaultAction()
            button.setDefaultAction(action)
            if own is not None and own is not action:
                # A tool button with more than one action offers them as a menu (an arrow).
                button.removeAction(own)

    def flush(self) -> None:
        """Emit the coalesced ``paramChanged`` now (called by the timer, Play, Step, Reset)."""
        self._coalesce.stop()
        pending, self._pending = self._pending, {}
        for name, value in pending.items():
            self.paramChanged.emit(name, float(value))

    def shutdown(self) -> None:
        """The window is closing: send a change still waiting, and stop every timer."""
        self.flush()
        self.clear_highlights()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        # A change still waiting for the timer is sent, not lost, and no timer outlives us.
        self.shutdown()
        super().closeEvent(event)

    # ----------------------------------------------------------------- handlers
    def _on_slider(self, name: str, position: int) -> None:
        row = self.rows[name]
        value = row.scale.to_value(position)
        row.show_in_box(value)
        self._changed(name, value)

    def _on_box(self, name: str, shown: float) -> None:
        row = self.rows[name]
        value = row.from_box(shown)
        row.show_in_slider(value)
        self._changed(name, value)

    def _changed(self, name: str, value: float) -> None:
        if self._values.get(name) == value:
            return
        self._values[name] = value
        self._pending[name] = value
        # Throttle, not debounce: during a long drag the engine still hears every COALESCE_MS.
        if not self._coalesce.isActive():
            self._coalesce.start()
        self.valuesPreview.emit(self.values())

    def _on_paradigm(self, index: int) -> None:
        self.paradigmChanged.emit(str(self.paradigm_combo.itemData(index)))

    def _label_play(self, playing: bool) -> None:
        pixmap = QtWidgets.QStyle.StandardPixmap
        icon = pixmap.SP_MediaPause if playing else pixmap.SP_MediaPlay
        self._play_action.setIcon(self.style().standardIcon(icon))
        self._play_action.setText("Pause" if playing else "Play")

    def _on_play_toggled(self, playing: bool) -> None:
        self._label_play(playing)
        self.flush()
        self.playToggled.emit(playing)

    def _on_step(self) -> None:
        self.flush()
        self.stepRequested.emit()

    def _on_reset(self) -> None:
        self.flush()
        self.resetRequested.emit()
