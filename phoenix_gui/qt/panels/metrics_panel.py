"""Metrics panel: the source document's formulas with numbers, configured beside observed.

Configured metrics come from the sliders (:meth:`MetricsPanel.show_values` /
:meth:`MetricsPanel.show_configured`), observed ones from the engine's snapshot over the trailing
Δt window (:meth:`MetricsPanel.update_snapshot`). The snapshot is duck-typed: attributes or
mapping keys both work, and anything missing, ``None`` or not finite is shown as "—", so the
panel can never print NaN. The engine's observed side is an
:class:`~phoenix_gui.engine.observed.ObservedMetrics`, whose values are None while nothing was
observed (no work done, no task submitted, t = 0); the panel says why.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine import (
    CRITICAL,
    DEGRADED,
    HEALTHY,
    HealthBands,
    MetricInputs,
    Metrics,
    MetricsError,
    ObservedMetrics,
    compute,
)
from phoenix_gui.params import METRIC_PARAMS, PARAMS
from phoenix_gui.qt.views.limited_label import LimitedLabel

DASH = "—"
# Okabe–Ito hues; the status word and a symbol are always shown too (never colour alone).
STATUS_COLORS = {HEALTHY: "#009E73", DEGRADED: "#E69F00", CRITICAL: "#D55E00"}
STATUS_SYMBOLS = {HEALTHY: "✓", DEGRADED: "▲", CRITICAL: "✕"}
# A preview shown from the sliders wins over snapshots still carrying the old configuration,
# until the engine catches up (or this many snapshots pass: a refused change must not stick).
PREVIEW_HOLD_SNAPSHOTS = 20
CELL_CHARS = 9  # longer numbers are written with 4 significant digits

# (row label, Metrics.inputs attribute or Metrics attribute, format)
_TABLE_ROWS = (
    ("J joins", "inputs.joins", "{:.4g}"),
    ("L leaves", "inputs.leaves", "{:.4g}"),
    ("Δt (h)", "inputs.hours", "{:.4g}"),
    ("T trust", "inputs.trust", "{:.4g}"),
    ("C compl.", "inputs.compliance", "{:.4g}"),
    ("MCR /h", "mcr", "{:.4f}"),
    ("WMCR /h", "wmcr", "{:.4f}"),
    ("SI", "si", "{:.4f}"),
    ("DHS %", "dhs", "dhs"),  # "dhs": as many decimals as keep the number inside its band
)
# Tooltips of the rows (the formulas live here and in the folded Formulas section).
_ROW_TIPS = (
    "J: join events in the period Δt",
    "L: leave events in the period Δt",
    "Δt: the period in hours",
    "T: trust, 0–1 (observed: share of work units that succeeded)",
    "C: compliance, 0–1 (observed: share of submitted tasks that were authorised)",
    "Membership churn rate MCR = (J + L) / Δt, events per hour",
    "Weighted churn rate WMCR = (w_j·J + w_l·L) / Δt, events per hour",
    "Stability index SI = 1 / (1 + MCR)",
    "DMA composite health score DHS = 100 · (SI + T + C) / 3, percent",
    "Status from DHS: Healthy, Degraded or Critical",
)
# (key, title, grid row, grid column, value column span) of the Balance box.
_STATS = (
    ("last_change", "Last change", 0, 0, 3),
    ("work_lost", "Work lost", 1, 0, 1),
    ("work_delayed", "Delayed", 1, 2, 1),
    ("throughput", "Throughput", 2, 0, 1),
    ("std_over_mean", "Std / mean", 2, 2, 1),
    ("migrations", "Migrations", 3, 0, 1),
    ("max_over_mean", "Max / mean", 3, 2, 1),
    ("members", "Members", 4, 0, 1),
    ("stranded", "Stranded", 4, 2, 1),
    ("retries", "Redone", 5, 0, 1),
    ("per_member", "Per member", 6, 0, 3),
    ("clock", "Time", 7, 0, 3),
    ("warnings", "Warnings", 8, 0, 3),
)


class _RoomyLabel(QtWidgets.QLabel):
    """A one-line label whose width only grows, and by a digit more than its text needs: a
    number gaining a digit does not widen the dock each time (which resizes the ring, whose
    labels and ticks are then laid out again: tens of ms at 10^5 tasks). A new font (e.g.
    presentation mode) starts it afresh."""

    def __init__(self, text: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._widest = 0

    def _widened(self, size: QtCore.QSize) -> QtCore.QSize:
        if self.wordWrap():
            return size
        if size.width() > self._widest:
            self._widest = size.width() + self.fontMetrics().horizontalAdvance("0")
        size.setWidth(self._widest)
        return size

    def minimumSizeHint(self) -> QtCore.QSize:
        return self._widened(super().minimumSizeHint())

    def sizeHint(self) -> QtCore.QSize:
        return self._widened(super().sizeHint())

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.FontChange:
            self._widest = 0
        super().changeEvent(event)


_STAT_TIPS = {
    "last_change": "Tasks moved by the last membership change / active tasks; on the ring, "
    "against the ideal 1/(N+1) for a join into N members (1/N for a leave)",
    "work_lost": "Crash rollback: hours of work redone because a crash sent tasks back to "
    "their last checkpoint",
    "std_over_mean": "Load spread: standard deviation / mean of tasks per active member",
    "members": "Active members and tasks",
    "stranded": "Tasks held by crashed members not yet detected",
    "per_member": "Tasks per active member: mean · standard deviation · max",
    "max_over_mean": "Busiest member's load / mean load (1 = perfectly even)",
    "throughput": "Tasks completed per hour over the trailing window",
    "migrations": "Task migrations per hour over the trailing window",
    "clock": "Simulated time and step",
    "work_delayed": "Task-hours stranded on crashed members until the crash was detected",
    "retries": "Failed units of work (probability 1 − the member's trust), redone",
    "warnings": "What the run does that the model does not describe well",
}


def field(obj: Any, path: str) -> Any:
    """``obj.a.b`` for ``path`` "a.b", reading attributes or mapping keys; None when absent."""
    for name in path.split("."):
        if obj is None:
            return None
        obj = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
    return obj


def finite(value: Any) -> float | None:
    """``value`` as a float if it is a finite number, else None (bools are not numbers)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def fmt(value: Any, pattern: str = "{:g}") -> str:
    """Format a number, or "—" for anything missing or undefined."""
    number = finite(value)
    return DASH if number is None else pattern.format(number)


def formula_lines(metrics: Metrics | ObservedMetrics) -> list[tuple[str, str]]:
    """(definition as HTML, plain text with the numbers filled in) for MCR, WMCR, SI, DHS.

    An undefined observed value (None) is written as "—", and so is every result using it.
    """
    i = metrics.inputs
    # 4 significant digits: observed counts are fractional and must not widen the dock.
    j, leaves, hours = fmt(i.joins, "{:.4g}"), fmt(i.leaves, "{:.4g}"), fmt(i.hours, "{:.4g}")
    mcr, si = fmt(metrics.mcr, "{:.4f}"), fmt(metrics.si, "{:.4f}")
    wmcr = _with_unit(metrics.wmcr, "{:.4f}", "events/h")
    return [
        (
            "MCR = (J + L) / Δt",
            f"MCR = ({j} + {leaves}) / {hours} = {_with_unit(metrics.mcr, '{:.4f}', 'events/h')}",
        ),
        (
            "WMCR = (w<sub>j</sub>·J + w<sub>l</sub>·L) / Δt",
            f"WMCR = ({fmt(i.w_join)}·{j} + {fmt(i.w_leave)}·{leaves}) / {hours} = {wmcr}",
        ),
        ("SI = 1 / (1 + MCR)", f"SI = 1 / (1 + {mcr}) = {si}"),
        (
            "DHS = 100 · (SI + T + C) / 3",
            f"DHS = 100 · ({si} + {fmt(i.trust, '{:.4g}')} + {fmt(i.compliance, '{:.4g}')}) / 3"
            f" = {_dhs_with_unit(metrics)}",
        ),
    ]


def shown_dhs(metrics: Any) -> str | None:
    """DHS as written beside its status (one decimal, more near a band edge), or None."""
    full = metrics.metrics if isinstance(metrics, ObservedMetrics) else metrics
    if isinstance(full, Metrics):
        return full.dhs_text()
    dhs = finite(field(metrics, "dhs"))
    return None if dhs is None else f"{dhs:.1f}"


def undefined_note(metrics: Metrics | ObservedMetrics | None) -> str | None:
    """Why observed values are shown as "—" ("undefined: …"), or None when all are defined."""
    if not isinstance(metrics, ObservedMetrics) or metrics.defined:
        return None
    return "undefined: " + "; ".join(metrics.undefined_reasons())


def _formulas_html(metrics: Metrics | ObservedMetrics | None) -> str:
    if metrics is None:
        return f"<p>{DASH} no data yet</p>"
    rows = []
    for definition, filled in formula_lines(metrics):
        rows.append(
            f'<div style="color:gray">{definition}</div>'
            f'<div style="margin-bottom:4px"><b>{html.escape(filled)}</b></div>'
        )
    note = undefined_note(metrics)
    if note is not None:
        rows.append(f'<div style="color:gray"><i>{html.escape(note)}</i></div>')
    return "".join(rows)


class DhsGauge(QtWidgets.QWidget):
    """A 0–100 % bar with the band thresholds marked, filled in the status colour."""

    def __init__(self, bands: HealthBands, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.bands = bands
        self.value: float | None = None
        self.status: str | None = None
        self.setMinimumSize(60, 30)
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed
        )

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(200, 30)

    def set_value(self, dhs: float | None, status: str | None, text: str | None = None) -> None:
        """``text``: DHS as written beside the status (see :func:`shown_dhs`)."""
        self.value, self.status = finite(dhs), status
        shown = text or (None if self.value is None else f"{self.value:.1f}")
        self.setToolTip(DASH if self.value is None else f"DHS {shown} % {status}")
        self.update()

    def color(self) -> QtGui.QColor:
        """The fill colour: the status hue, or the palette's mid tone when undefined."""
        if self.status in STATUS_COLORS and self.value is not None:
            return QtGui.QColor(STATUS_COLORS[self.status])
        return self.palette().color(QtGui.QPalette.ColorRole.Mid)

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        text_color = self.palette().color(QtGui.QPalette.ColorRole.WindowText)
        bar = QtCore.QRectF(1, 2, self.width() - 2, 14)
        # Tint each band faintly so the thresholds read even before there is a value.
        edges = (0.0, self.bands.degraded, self.bands.healthy, 100.0)
        for (low, high), status in zip(pairwise(edges), (CRITICAL, DEGRADED, HEALTHY), strict=True):
            tint = QtGui.QColor(STATUS_COLORS[status])
            tint.setAlpha(60)
            x0 = bar.left() + bar.width() * low / 100.0
            x1 = bar.left() + bar.width() * high / 100.0
            painter.fillRect(QtCore.QRectF(x0, bar.top(), x1 - x0, bar.height()), tint)
        if self.value is not None:
            fill = QtCore.QRectF(bar)
            fill.setWidth(bar.width() * min(max(self.value, 0.0), 100.0) / 100.0)
            painter.fillRect(fill.adjusted(0, 3, 0, -3), self.color())
        painter.setPen(QtGui.QPen(text_color, 1))
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        painter.drawRect(bar)
        font = painter.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
        painter.setFont(font)
        for mark in (self.bands.degraded, self.bands.healthy):
            x = bar.left() + bar.width() * mark / 100.0
            painter.drawLine(QtCore.QPointF(x, bar.top()), QtCore.QPointF(x, bar.bottom() + 3))
            label = QtCore.QRectF(x - 20, bar.bottom() + 2, 40, self.height() - bar.bottom() - 2)
            painter.drawText(label, QtCore.Qt.AlignmentFlag.AlignCenter, f"{mark:g}")
        painter.end()


class MetricsPanel(QtWidgets.QWidget):
    """DHS chips, the configured-vs-observed table, a compact balance box; formulas folded.

    Laid out to be seen whole in a right-hand dock at 1280×800 (and in presentation mode):
    short row labels (each row's formula is its tooltip), the filled-in formulas in a section
    that opens on request, the balance statistics two to a line. :meth:`hidden_parts` says
    which of the parts a teacher points at are cut off by the dock (the self-test reports it).
    """

    # The panel needs more width than its dock gives it (a longer value came in): the window
    # widens the dock (up to half the window) rather than cut a column off.
    widthWanted = QtCore.Signal(int)  # noqa: N815  (Qt signal naming)

    def __init__(
        self, bands: HealthBands | None = None, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.bands = bands or HealthBands()
        self.configured: Metrics | None = None
        self.observed: Metrics | ObservedMetrics | None = None
        self._preview: MetricInputs | None = None
        self._preview_age = 0
        self.paradigm = "phoenix"

        content = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(content)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)

        health = QtWidgets.QGroupBox("DHS", content)
        health.setObjectName("healthBox")
        health.setToolTip("DMA composite health score: DHS = 100 · (SI + T + C) / 3")
        grid = QtWidgets.QGridLayout(health)
        grid.setContentsMargins(6, 2, 6, 2)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self.configured_gauge = DhsGauge(self.bands, health)
        self.observed_gauge = DhsGauge(self.bands, health)
        self.dhs_label = self._status_label(health)
        self.observed_dhs_label = self._status_label(health)
        for row, (name, gauge, label) in enumerate(
            (
                ("Configured", self.configured_gauge, self.dhs_label),
                ("Observed", self.observed_gauge, self.observed_dhs_label),
            )
        ):
            grid.addWidget(QtWidgets.QLabel(name, health), row, 0)
            grid.addWidget(gauge, row, 1)
            grid.addWidget(label, row, 2)
        self.health_box = health
        layout.addWidget(health)

        # Said in words when the configured rates exceed what one step can show (issue 11).
        self.rate_note = QtWidgets.QLabel(content)
        self.rate_note.setObjectName("rate-note")
        self.rate_note.setWordWrap(True)
        self.rate_note.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.rate_note.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.rate_note.hide()
        self._rate_notes: list[str] = []
        self._refused_full = 0
        layout.addWidget(self.rate_note)

        self.table = QtWidgets.QTableWidget(len(_TABLE_ROWS) + 1, 2, content)
        self.table.setObjectName("metricsTable")
        self.table.setHorizontalHeaderLabels(["Configured", "Observed"])
        self.table.setVerticalHeaderLabels([row[0] for row in _TABLE_ROWS] + ["Status"])
        for row, tip in enumerate(_ROW_TIPS):
            header_item = self.table.verticalHeaderItem(row)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.table.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        for row in range(self.table.rowCount()):
            for column in range(2):
                item = QtWidgets.QTableWidgetItem(DASH)
                item.setTextAlignment(
                    QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter
                )
                self.table.setItem(row, column, item)
        layout.addWidget(self.table)

        stats = QtWidgets.QGroupBox("Balance", content)
        stats.setObjectName("balanceBox")
        form = QtWidgets.QGridLayout(stats)
        form.setContentsMargins(6, 2, 6, 2)
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(1)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        self.stat_labels: dict[str, QtWidgets.QLabel] = {}
        self.stat_titles: dict[str, QtWidgets.QLabel] = {}
        # One line that ends in "…" at the dock's edge, never cut mid-glyph.
        self.warning_line = LimitedLabel(parent=stats, lines=1, pad=(0, 0))
        for key, title, row, column, span in _STATS:
            caption = QtWidgets.QLabel(title, stats)
            caption.setToolTip(_STAT_TIPS.get(key, ""))
            label = self.warning_line if key == "warnings" else _RoomyLabel(DASH, stats)
            label.setObjectName(f"stat-{key}")
            label.setWordWrap(span > 1)
            label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setToolTip(_STAT_TIPS.get(key, ""))
            self.stat_labels[key] = label
            self.stat_titles[key] = caption
            form.addWidget(caption, row, column)
            form.addWidget(label, row, column + 1, 1, span)
        for widget in (self.stat_labels["warnings"], self.stat_titles["warnings"]):
            widget.setVisible(False)  # shown when there is a warning
        self.balance_box = stats
        layout.addWidget(stats)

        self.formulas_button = QtWidgets.QToolButton(content)
        self.formulas_button.setObjectName("formulasToggle")
        self.formulas_button.setText("Formulas")
        self.formulas_button.setCheckable(True)
        self.formulas_button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.formulas_button.setArrowType(QtCore.Qt.ArrowType.RightArrow)
        self.formulas_button.setAutoRaise(True)
        self.formulas_button.setToolTip("Show the formulas with the numbers filled in")
        layout.addWidget(self.formulas_button)
        self.formula_tabs = QtWidgets.QTabWidget(content)
        self.configured_formulas = self._formula_label()
        self.observed_formulas = self._formula_label()
        self.formula_tabs.addTab(self.configured_formulas, "Configured")
        self.formula_tabs.addTab(self.observed_formulas, "Observed")
        # Ignored horizontally: a long filled-in formula must never widen the dock.
        self.formula_tabs.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
        )
        self.formula_tabs.setVisible(False)
        self.formulas_button.toggled.connect(self._on_formulas_toggled)
        layout.addWidget(self.formula_tabs)
        layout.addStretch(1)

        # A dock smaller than the panel scrolls rather than squeezing parts into each other;
        # hidden_parts() reports what that cuts off.
        scroll = QtWidgets.QScrollArea(self)
        scroll.setObjectName("metricsScroll")
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area = scroll
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._fit_table()
        # Presentation mode makes the table's font larger (and its stylesheet pads the
        # headers): refit it then, or rows are cut off.
        # (The headers get their class fonts in events of their own, so watch them too.)
        for watched in (
            self.table,
            self.table.horizontalHeader(),
            self.table.verticalHeader(),
            self.dhs_label,
            self.observed_dhs_label,
        ):
            watched.installEventFilter(self)
        # Whatever changed the content (a snapshot, a reset, the stats of a step, a font), its
        # layout asks for room again: check the width there, once per layout pass, rather than
        # after each kind of update.
        content.installEventFilter(self)
        self._width_check = QtCore.QTimer(self)
        self._width_check.setSingleShot(True)
        self._width_check.setInterval(0)
        self._width_check.timeout.connect(self._ask_for_width)
        self._show_metrics(None, 0, self.configured_gauge, self.dhs_label)
        self._show_metrics(None, 1, self.observed_gauge, self.observed_dhs_label)

    def _on_formulas_toggled(self, shown: bool) -> None:
        self.formulas_button.setArrowType(
            QtCore.Qt.ArrowType.DownArrow if shown else QtCore.Qt.ArrowType.RightArrow
        )
        self.formula_tabs.setVisible(shown)

    def reference_parts(self) -> dict[str, tuple[str, Any]]:
        """Parts a caption can point at: key → (label, callable returning the widgets)."""
        table = self.table

        def column(index: int) -> Any:
            return lambda: [table]

        return {
            "health": (self.health_box.title(), lambda: [self.health_box]),
            "configured": ("Configured", column(0)),
            "observed": ("Observed", column(1)),
            "balance": (self.balance_box.title(), lambda: [self.balance_box]),
        }

    def hidden_parts(self) -> list[str]:
        """The chips, table rows and columns and balance lines not wholly visible in the dock."""
        viewport = self.scroll_area.viewport()
        shown = viewport.rect()
        hidden = []

        def visible(widget: QtWidgets.QWidget, rect: QtCore.QRect) -> bool:
            if not widget.isVisible():
                return False
            top_left = widget.mapTo(viewport, rect.topLeft())
            return shown.contains(QtCore.QRect(top_left, rect.size()))

        if not self.isVisible():
            return ["panel"]
        for name, chip in (
            ("chip configured", self.dhs_label),
            ("chip observed", self.observed_dhs_label),
        ):
            if not visible(chip, chip.rect()):
                hidden.append(name)
        table_view = self.table.viewport()
        for column, name in enumerate(("Configured", "Observed")):
            x = self.table.columnViewportPosition(column)
            width = self.table.columnWidth(column)
            if width < 30 or not visible(table_view, QtCore.QRect(x, 0, width, 1)):
                hidden.append(f"column {name}")
        text_width = QtGui.QFontMetrics(self.table.font()).horizontalAdvance
        for row in range(self.table.rowCount()):
            y = self.table.rowViewportPosition(row)
            rect = QtCore.QRect(0, y, table_view.width(), self.table.rowHeight(row))
            header = self.table.verticalHeaderItem(row)
            name = header.text() if header else str(row)
            if not visible(table_view, rect):
                hidden.append(f"row {name}")
                continue
            for column in range(2):  # a value wider than its column is cut off (elided)
                item = self.table.item(row, column)
                if item is not None and text_width(item.text()) + 6 > self.table.columnWidth(
                    column
                ):
                    hidden.append(f"cell {name} / {('Configured', 'Observed')[column]}")
        for key, label in self.stat_labels.items():
            if not self.stat_titles[key].isHidden() and not visible(label, label.rect()):
                hidden.append(f"balance {key}")
        return hidden

    def needed_height(self) -> int:
        """Height the panel needs to show every part without scrolling (formulas folded)."""
        content = self.scroll_area.widget()
        layout = content.layout() if content is not None else None
        if content is None or layout is None:
            return 0
        layout.activate()
        spare = 0
        if self.stat_labels["warnings"].isHidden():  # room for a warning line when one comes
            spare = QtGui.QFontMetrics(self.stat_labels["warnings"].font()).lineSpacing() + 2
        return int(content.minimumSizeHint().height()) + 2 + spare

    def needed_width(self) -> int:
        """Width the panel needs to show both columns, the chips and the balance lines whole."""
        content = self.scroll_area.widget()
        if content is None:
            return 0
        layout = content.layout()
        if layout is not None:
            layout.activate()
        metrics = QtGui.QFontMetrics(self.table.font())
        widest = max(
            [metrics.horizontalAdvance(t) for t in ("Configured", "Observed", "Degraded")]
            + [
                metrics.horizontalAdvance(item.text())
                for r in range(self.table.rowCount())
                for c in range(2)
                if (item := self.table.item(r, c)) is not None
            ]
        )
        header = self.table.verticalHeader().sizeHint().width()
        table = header + 2 * (widest + 24) + 2 * self.table.frameWidth() + 12
        return max(int(content.minimumSizeHint().width()), table) + 4

    def set_paradigm(self, paradigm: str) -> None:
        """Statistics that only mean something on the ring (the ideal share moved) only there."""
        self.paradigm = paradigm

    # ----------------------------------------------------------------- construction helpers
    def _status_label(self, parent: QtWidgets.QWidget) -> QtWidgets.QLabel:
        label = QtWidgets.QLabel(DASH, parent)
        label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        bold = QtGui.QFont(label.font())
        bold.setBold(True)
        # Wide enough for the longest text in bold plus the chip's padding: no jumping width.
        widest = QtGui.QFontMetrics(bold).horizontalAdvance("✓ 100.0 % Degraded")
        label.setMinimumWidth(widest + 16)
        return label

    def _size_chip(self, label: QtWidgets.QLabel) -> None:
        """Wide enough for the longest chip text in bold at the current font: no jumping."""
        bold = QtGui.QFont(label.font())
        bold.setBold(True)
        widest = QtGui.QFontMetrics(bold).horizontalAdvance("✓ 100.0 % Degraded")
        label.setMinimumWidth(widest + 16)

    def _formula_label(self) -> QtWidgets.QLabel:
        label = QtWidgets.QLabel(_formulas_html(None))
        label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        # No word wrap: a wrapped label inside a tab reports a too-tall size hint, and each
        # filled-in formula reads best on one line (the proportional font keeps it narrow).
        label.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.AlignmentFlag.AlignLeft)
        label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setContentsMargins(6, 4, 6, 2)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 0.92)
        label.setFont(font)
        return label

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.LayoutRequest and watched is (
            self.scroll_area.widget()
        ):
            self._width_check.start()
        refit = (QtCore.QEvent.Type.FontChange, QtCore.QEvent.Type.StyleChange)
        if event.type() in refit and watched in (self.dhs_label, self.observed_dhs_label):
            self._size_chip(watched)
        if event.type() in refit and watched in (
            self.table,
            self.table.horizontalHeader(),
            self.table.verticalHeader(),
        ):
            self._fit_table()
        return super().eventFilter(watched, event)

    def _fit_table(self) -> None:
        """Size the table to its rows so the panel scrolls as a whole, not the table alone.

        Rows are one line of text tall (plus a little air), not the style's roomy default:
        every row must fit a right-hand dock at 1280×800.
        """
        rows = self.table.verticalHeader()
        line = QtGui.QFontMetrics(self.table.font()).height() + 4
        rows.setMinimumSectionSize(line)
        rows.setDefaultSectionSize(line)
        rows.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Fixed)
        for r in range(self.table.rowCount()):
            self.table.setRowHeight(r, line)
        # The header's size hint, not its height: after a font change it is not laid out yet.
        header = self.table.horizontalHeader().sizeHint().height()
        height = header + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height)

    # ----------------------------------------------------------------- public API
    def set_bands(self, bands: HealthBands) -> None:
        """Use other DHS thresholds (from a scenario) for the gauges and the preview status."""
        self.bands = bands
        for gauge in (self.configured_gauge, self.observed_gauge):
            gauge.bands = bands
            gauge.update()

    def show_values(self, values: Mapping[str, float]) -> None:
        """Slot for ``ControlsPanel.valuesPreview``: compute and show the configured metrics.

        The preview is held against snapshots that still carry the old configuration, so the
        numbers do not jump back while the change travels to the engine.
        """
        given = {name: values.get(name, PARAMS[name].default) for name in METRIC_PARAMS}
        weights = {name: values.get(name, PARAMS[name].default) for name in ("w_join", "w_leave")}
        try:
            inputs = MetricInputs(**given, **weights)
        except MetricsError as error:
            self.configured_formulas.setText(f"<p>{html.escape(str(error))}</p>")
            self.configured = None  # the next snapshot shows the formulas again
            return
        self._preview, self._preview_age = inputs, 0
        self.show_configured(compute(inputs, self.bands))

    def set_rate_notes(self, notes: list[str]) -> None:
        """What the configured rates mean for one step, in words (empty: nothing to say)."""
        self._rate_notes = list(notes)
        self._show_rate_note()

    def _show_rate_note(self) -> None:
        lines = list(self._rate_notes)
        if self._refused_full:
            lines.append(
                f"{self._refused_full:,} joins refused so far: the registry is full "
                "(its cap of live members is reached)."
            )
        self.rate_note.setText("\n".join(lines))
        self.rate_note.setVisible(bool(lines))

    def show_configured(self, metrics: Metrics) -> None:
        self.configured = metrics
        self._show_metrics(metrics, 0, self.configured_gauge, self.dhs_label)
        self.configured_formulas.setText(_formulas_html(metrics))

    def update_snapshot(self, snapshot: Any) -> None:
        """Show an engine snapshot (duck-typed: see the module docstring)."""
        configured = field(snapshot, "configured")
        # Every snapshot carries the configured metrics; they change only with a parameter:
        # unchanged, the table, gauge, chip and formulas already show them.
        if (
            isinstance(configured, Metrics)
            and not self._holding_preview(configured)
            and configured != self.configured
        ):
            self.show_configured(configured)
        observed = field(snapshot, "observed")
        self.observed = observed if isinstance(observed, Metrics | ObservedMetrics) else None
        self._show_metrics(self.observed, 1, self.observed_gauge, self.observed_dhs_label)
        self.observed_formulas.setText(_formulas_html(self.observed))
        self._show_stats(snapshot)
        refused = field(snapshot, "registry_full")
        refused = int(refused) if isinstance(refused, int) else 0
        if refused != self._refused_full:
            self._refused_full = refused
            self._show_rate_note()
        # Checked once in the next pass of the event loop, with the width check that the
        # content's own layout request (new label texts) starts: one check a step, not two.
        self._width_check.start()

    def _ask_for_width(self) -> None:
        """Ask the window for more width when the content needs more than the dock gives."""
        if self.isVisible():
            needed = self.needed_width()
            if needed > self.scroll_area.viewport().width() + 1:
                self.widthWanted.emit(needed)

    def clear(self) -> None:
        """Forget the observed side (after a reset); the configured side stays."""
        self.observed = None
        self._show_metrics(None, 1, self.observed_gauge, self.observed_dhs_label)
        self.observed_formulas.setText(_formulas_html(None))
        for label in self.stat_labels.values():
            label.setText(DASH)

    # ----------------------------------------------------------------- display
    def _holding_preview(self, configured: Metrics) -> bool:
        if self._preview is None:
            return False
        same = all(
            getattr(configured.inputs, name) == getattr(self._preview, name)
            for name in METRIC_PARAMS
        )
        self._preview_age += 1
        if same or self._preview_age > PREVIEW_HOLD_SNAPSHOTS:
            self._preview = None
            return False
        return True

    def _show_metrics(
        self,
        metrics: Metrics | ObservedMetrics | None,
        column: int,
        gauge: DhsGauge,
        label: QtWidgets.QLabel,
    ) -> None:
        dhs_shown = shown_dhs(metrics)  # exact arithmetic (fractions): worked out once
        for row, (_title, path, pattern) in enumerate(_TABLE_ROWS):
            if pattern == "dhs":
                self._set_cell(row, column, dhs_shown or DASH)
                continue
            self._set_cell(row, column, _cell(field(metrics, path), pattern))
        dhs = finite(field(metrics, "dhs"))
        status = metrics.status if metrics is not None and dhs is not None else None
        self._set_cell(len(_TABLE_ROWS), column, status or DASH)
        gauge.set_value(dhs, status, dhs_shown)
        if status is None or dhs is None:
            label.setText(DASH)
            _set_style_sheet(label, "")
            label.setToolTip(undefined_note(metrics) or "undefined: no observations yet")
            return
        shown = dhs_shown or f"{dhs:.1f}"
        label.setText(f"{STATUS_SYMBOLS.get(status, '')} {shown} % {status}".strip())
        self._size_chip(label)
        # Dark text on the Okabe–Ito hues keeps ≥ 4.5:1 contrast on all three.
        _set_style_sheet(
            label,
            f"QLabel {{ background: {STATUS_COLORS.get(status, 'transparent')}; color: black;"
            " border-radius: 3px; padding: 2px 6px; font-weight: bold; }",
        )
        label.setToolTip(f"DHS {shown} % → {status}")

    def _set_cell(self, row: int, column: int, text: str) -> None:
        item = self.table.item(row, column)
        if item is not None and item.text() != text:
            item.setText(text)

    def _show_stats(self, snapshot: Any) -> None:
        labels = self.stat_labels
        members = field(snapshot, "balance.members")
        tasks = field(snapshot, "balance.tasks")
        labels["members"].setText(f"{fmt(members)} · {fmt(tasks)} tasks")
        labels["per_member"].setText(
            f"mean {fmt(field(snapshot, 'balance.mean'), '{:.1f}')} · "
            f"std {fmt(field(snapshot, 'balance.std'), '{:.1f}')} · "
            f"max {fmt(field(snapshot, 'balance.max'))}"
        )
        ratio = finite(field(snapshot, "balance.max_over_mean"))
        labels["max_over_mean"].setText(DASH if ratio is None or ratio == 0 else f"{ratio:.3f}")
        mean = finite(field(snapshot, "balance.mean"))
        std = finite(field(snapshot, "balance.std"))
        labels["std_over_mean"].setText(
            DASH if mean is None or std is None or mean <= 0 else f"{std / mean:.3f}"
        )
        labels["last_change"].setText(self._last_change_text(field(snapshot, "last_change")))
        labels["stranded"].setText(fmt(field(snapshot, "stranded")))
        # Short values (a projector's dock is narrow); what they mean is in each tooltip.
        labels["work_lost"].setText(_with_unit(field(snapshot, "work_lost"), "{:.2f}", "h"))
        labels["work_delayed"].setText(
            _with_unit(field(snapshot, "work_delayed"), "{:.1f}", "task-h")
        )
        labels["retries"].setText(_with_unit(field(snapshot, "retries"), "{:g}", "units"))
        warnings = field(snapshot, "warnings")
        # One line, ending in "…" at the dock's edge (a projector has no room for a
        # paragraph); the whole text is the tooltip.
        self.warning_line.set_full_text(
            "  ".join(f"⚠ {w}" for w in warnings) if warnings else "no warnings"
        )
        labels["warnings"].setToolTip("\n".join(f"⚠ {w}" for w in warnings or ()))
        # A warning gets a line of its own; without one the line is left out (room).
        for widget in (labels["warnings"], self.stat_titles["warnings"]):
            widget.setVisible(bool(warnings))
        labels["throughput"].setText(_with_unit(field(snapshot, "throughput"), "{:.2f}", "/h"))
        labels["migrations"].setText(
            _with_unit(field(snapshot, "migrations_per_hour"), "{:.2f}", "per h")
        )
        labels["clock"].setText(
            f"{_with_unit(field(snapshot, 'time'), '{:.2f}', 'h')} · "
            f"step {fmt(field(snapshot, 'step'))}"
        )

    def _last_change_text(self, change: Any) -> str:
        if change is None:
            return f"{DASH} no membership change yet"
        kind, member = field(change, "kind") or "", field(change, "member") or ""
        moved, active = fmt(field(change, "moved")), fmt(field(change, "active"))
        ratio, ideal = finite(field(change, "ratio")), finite(field(change, "ideal"))
        text = f"{kind} {member}: moved {moved} / {active} = {fmt(ratio, '{:.4f}')}"
        if self.paradigm != "phoenix" or ideal is None:
            return text  # theory gives an ideal only for ring joins and leaves
        text += f", ideal {fmt(ideal, '{:.4f}')}"
        if ratio is not None and ideal:
            text += f" ({ratio / ideal:.2f}× ideal)"
        return text


def _cell(value: Any, pattern: str) -> str:
    """A table cell: the row's format, or 4 significant digits when that would be long (extreme
    sliders: 400000.0000 events/h must not be cut off in a narrow column)."""
    text = fmt(value, pattern)
    number = finite(value)
    if number is not None and len(text) > CELL_CHARS:
        return f"{number:.4g}"
    return text


def _dhs_with_unit(metrics: Any) -> str:
    text = shown_dhs(metrics)
    return DASH if text is None else f"{text} %"


def _with_unit(value: Any, pattern: str, unit: str) -> str:
    text = fmt(value, pattern)
    return text if text == DASH else f"{text} {unit}"


def _set_style_sheet(widget: QtWidgets.QWidget, sheet: str) -> None:
    """Set ``sheet`` unless the widget has it already: Qt re-polishes a widget on every
    setStyleSheet, same sheet or not (~1 ms per step for the DHS chips)."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)
