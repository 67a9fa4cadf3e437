"""CompareMetricsPanel: the Metrics dock while two runs are shown — A, B and B − A per metric.

One row per measured quantity (observed health, balance, work lost, flow), three columns: run A
(the left view), run B (the right view) and the difference B − A, each computed from the two
runs' snapshots of the same moment. An undefined value (an observed metric with nothing
observed yet) reads "—", and so does a difference with an undefined side: never NaN.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtWidgets

from phoenix_gui.qt.panels.metrics_panel import field, finite

# Side colours (Okabe–Ito): the same in the views' labels, the selector and the plots' legend.
SIDE_COLORS = {"A": "#0072B2", "B": "#D55E00"}

# (label, snapshot path, format, tooltip)
ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("DHS observed (%)", "observed.dhs", "{:.1f}", "Health score from what the run measured"),
    ("MCR observed (/h)", "observed.mcr", "{:.3g}", "Joins and leaves per hour, measured"),
    ("SI observed", "observed.si", "{:.3f}", "Stability index 1 / (1 + MCR), measured"),
    ("Trust observed (%)", "observed.inputs.trust", "%", "Share of units of work that succeeded"),
    ("Active members", "members", "{:d}", "Members that take work now"),
    ("Active tasks", "active_tasks", "{:d}", "Tasks not yet completed"),
    ("Load std (tasks)", "balance.std", "{:.1f}", "Standard deviation of tasks per member"),
    ("Load max / mean", "balance.max_over_mean", "{:.2f}", "1.00 is a perfectly even load"),
    ("Stranded tasks", "stranded", "{:d}", "Tasks on crashed members nobody has noticed yet"),
    ("Pending tasks", "pending", "{:d}", "Tasks waiting for a member"),
    ("Work lost (h)", "work_lost", "{:.1f}", "Work redone after crashes (since the checkpoint)"),
    ("Work delayed (task-h)", "work_delayed", "{:.1f}", "Task-hours stranded until detection"),
    ("Throughput (/h)", "throughput", "{:.1f}", "Tasks completed per hour (trailing window)"),
    ("Migrations (/h)", "migrations_per_hour", "{:.1f}", "Task moves per hour"),
)
COLUMNS = ("A", "B", "B − A")


class CompareMetricsPanel(QtWidgets.QWidget):
    """A, B and B − A for every row of :data:`ROWS`; ``show_snapshots(a, b)`` after a step."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareMetrics")
        self.heading = QtWidgets.QLabel(self)
        self.heading.setObjectName("compareHeading")
        self.heading.setWordWrap(True)
        self.clock = QtWidgets.QLabel(self)
        self.clock.setObjectName("compareClock")
        grid = QtWidgets.QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(0, 1)
        for column, name in enumerate(COLUMNS, start=1):
            header = QtWidgets.QLabel(f"<b>{name}</b>", self)
            color = SIDE_COLORS.get(name)
            if color is not None:
                header.setStyleSheet(f"color: {color};")
            header.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
            grid.addWidget(header, 0, column)
        self.cells: dict[str, list[QtWidgets.QLabel]] = {}
        self.row_labels: dict[str, QtWidgets.QLabel] = {}
        for row, (text, path, _pattern, tip) in enumerate(ROWS, start=1):
            title = QtWidgets.QLabel(text, self)
            title.setToolTip(tip)
            grid.addWidget(title, row, 0)
            self.row_labels[path] = title
            cells = []
            for column in range(1, len(COLUMNS) + 1):
                cell = QtWidgets.QLabel("—", self)
                cell.setAlignment(
                    QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter
                )
                cell.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
                grid.addWidget(cell, row, column)
                cells.append(cell)
            self.cells[path] = cells
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.clock)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.set_heading("", "")

    def set_heading(self, a_text: str, b_text: str) -> None:
        """Say what A and B are (e.g. "the lesson" and "delta retires gracefully")."""
        a = f'<b style="color:{SIDE_COLORS["A"]}">A</b> (left): {a_text or "the run"}'
        b = f'<b style="color:{SIDE_COLORS["B"]}">B</b> (right): {b_text or "the branch"}'
        self.heading.setText(f"{a}<br>{b}")

    def show_snapshots(self, a: Any, b: Any) -> None:
        """Fill the table from the two runs' snapshots (B may be None while it is built)."""
        self.clock.setText(
            f"t = {a.time:.2f} h · step {a.step}"
            + ("" if b is None or b.step == a.step else f"  (B at step {b.step})")
        )
        for _label, path, pattern, _tip in ROWS:
            va = finite(field(a, path))
            vb = finite(field(b, path)) if b is not None else None
            diff = None if va is None or vb is None else vb - va
            cells = self.cells[path]
            cells[0].setText(_fmt(va, pattern))
            cells[1].setText(_fmt(vb, pattern))
            cells[2].setText(_fmt(diff, pattern, signed=True))

    def value(self, path: str, column: str) -> str:
        """The text shown for ``path`` in ``column`` ("A", "B" or "B − A")."""
        return self.cells[path][COLUMNS.index(column)].text()

    def hidden_parts(self) -> list[str]:
        """Rows cut off by the dock (none when the whole table shows)."""
        if not self.isVisible():
            return []
        out = []
        area = self.visibleRegion()
        for _label, path, _pattern, _tip in ROWS:
            for widget in (self.row_labels[path], *self.cells[path]):
                rect = QtCore.QRect(widget.mapTo(self, QtCore.QPoint(0, 0)), widget.size())
                if not area.contains(rect) or widget.sizeHint().width() > widget.width():
                    out.append(path)
                    break
        return out


def _fmt(value: float | None, pattern: str, signed: bool = False) -> str:
    if value is None:
        return "—"
    if pattern == "%":
        text = f"{100.0 * value:+.1f}" if signed else f"{100.0 * value:.1f}"
        return text
    if pattern == "{:d}":
        number = round(value)
        return f"{number:+d}" if signed else f"{number:d}"
    text = pattern.format(value)
    if signed and value > 0:
        text = "+" + text
    if signed and text.lstrip("-+").strip("0.") == "":
        text = text.lstrip("+-")  # "+0.0" and "-0.0" read as the 0 they are
    return text
