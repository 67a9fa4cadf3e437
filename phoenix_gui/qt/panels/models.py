"""Pieces every workbench panel shares: a coalescing refresh, a small rows model, fonts, colours.

The panels receive engine events one at a time through ``on_event``; a busy step can emit
thousands of them. :class:`RefreshCoalescer` turns a burst of events into one refresh on the
next pass of the event loop, so a panel never redraws per event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

# What Qt passes for an index, and the role every table shows text in.
Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex
DISPLAY = QtCore.Qt.ItemDataRole.DisplayRole

# Status colours: readable on the light default palette and on the dark theme alike.
STATUS_COLORS = {
    "ACTIVE": "#1B8A3A",
    "JOINING": "#2563EB",
    "DRAINING": "#B7791F",
    "RETIRED": "#6B7280",
    "FAILED": "#DC2626",
    "SUSPECT": "#C2410C",
    "REMOVED": "#6B7280",
    "REJECTED": "#9333EA",
}
ERROR_COLOR = "#DC2626"
OK_COLOR = "#1B8A3A"
HIGHLIGHT_COLOR = "#FDE68A"  # amber 200: the line being executed, dark text stays readable
FAILED_COLOR = "#FCA5A5"  # red 300: a step that refused (dark text stays readable)


def status_brush(status: str) -> QtGui.QBrush | None:
    """Foreground brush for a member status, ``None`` for an unknown one (default colour)."""
    color = STATUS_COLORS.get(status)
    return QtGui.QBrush(QtGui.QColor(color)) if color else None


def monospace_font() -> QtGui.QFont:
    """The system's fixed-pitch font at the application's point size."""
    font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
    size = QtWidgets.QApplication.font().pointSizeF()
    if size > 0:
        font.setPointSizeF(size)
    return font


def set_status(label: QtWidgets.QLabel, text: str, error: bool = False, ok: bool = False) -> None:
    """Show a message in a status label: red for errors, green for success, default otherwise;
    an empty message hides the label.

    The colour goes in the label's palette, not a stylesheet: a stylesheet pins the font the
    label was polished with, and the label would then miss presentation mode's larger font.
    """
    label.setText(text)
    label.setVisible(bool(text))  # an empty status takes no room from a short dock
    color = ERROR_COLOR if error else OK_COLOR if ok else None
    palette = QtGui.QPalette()  # empty: every role inherited from the parent and the theme
    if color is not None:
        palette.setColor(QtGui.QPalette.ColorRole.WindowText, QtGui.QColor(color))
    label.setPalette(palette)


def status_color(label: QtWidgets.QLabel) -> str:
    """The colour a status label's text is drawn in (``#rrggbb``), for tests and checks."""
    return label.palette().color(QtGui.QPalette.ColorRole.WindowText).name().upper()


def split_list(text: str) -> tuple[str, ...]:
    """``"a, b ,,c"`` → ``("a", "b", "c")``: a comma-separated field, blanks and repeats dropped."""
    seen: list[str] = []
    for part in text.split(","):
        item = part.strip()
        if item and item not in seen:
            seen.append(item)
    return tuple(seen)


class RefreshCoalescer(QtCore.QObject):
    """Calls ``callback`` once on the next event-loop pass, however often :meth:`request` ran.

    The timer is single-shot and parented to the panel, so nothing keeps running after it fires
    or after the panel is deleted.
    """

    def __init__(self, callback: Callable[[], None], parent: QtCore.QObject) -> None:
        super().__init__(parent)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(callback)

    def request(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def cancel(self) -> None:
        self._timer.stop()

    @property
    def pending(self) -> bool:
        return self._timer.isActive()


class HeaderedTableModel(QtCore.QAbstractTableModel):
    """A flat table whose columns are a fixed tuple of titles, optionally with header tooltips.

    Every panel table shares this part: no child rows, one column per title, the titles (and
    tooltips) on the horizontal header only. Subclasses supply ``rowCount`` and ``data``.
    """

    def __init__(
        self,
        headers: Sequence[str],
        parent: QtCore.QObject | None = None,
        tips: Sequence[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._header_tips = tuple(tips) if tips is not None else None

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._headers)

    def headerData(
        self,
        section: int,
        orientation: QtCore.Qt.Orientation,
        role: int = DISPLAY,
    ) -> Any:
        if orientation != QtCore.Qt.Orientation.Horizontal:
            return None
        if role == DISPLAY:
            return self._headers[section]
        if role == QtCore.Qt.ItemDataRole.ToolTipRole and self._header_tips is not None:
            return self._header_tips[section]
        return None


class RowsModel(HeaderedTableModel):
    """A read-only table over a short list of rows (tuples); for small, rebuilt-per-query lists.

    ``colors`` optionally gives a foreground colour name per row (``None`` = default), applied to
    the whole row or, with ``color_column``, to that column only.
    """

    def __init__(
        self,
        headers: Sequence[str],
        parent: QtCore.QObject | None = None,
        color_column: int | None = None,
    ) -> None:
        super().__init__(headers, parent)
        self._color_column = color_column
        self._rows: list[tuple[Any, ...]] = []
        self._colors: list[str | None] = []

    def set_rows(
        self, rows: Sequence[tuple[Any, ...]], colors: Sequence[str | None] | None = None
    ) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._colors = list(colors) if colors is not None else [None] * len(self._rows)
        self.endResetModel()

    def row(self, index: int) -> tuple[Any, ...]:
        return self._rows[index]

    def rowCount(self, parent: Index | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._rows)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return str(self._rows[index.row()][index.column()])
        if role == QtCore.Qt.ItemDataRole.ForegroundRole:
            if self._color_column is not None and index.column() != self._color_column:
                return None
            color = self._colors[index.row()]
            return QtGui.QBrush(QtGui.QColor(color)) if color else None
        return None


def configure_table(view: QtWidgets.QTableView, stretch_last: bool = True) -> None:
    """Common table look: row selection, no grid clutter, compact rows, uniform heights."""
    view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    # Fixed row heights let the view skip measuring rows: needed for 10^5-row tables.
    view.verticalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    view.horizontalHeader().setHighlightSections(False)


def engine_of(source: Any) -> Any:
    """The Simulation behind ``source``: the object itself, or an adapter's current ``.sim``.

    Panels keep what they were given and resolve it on every use, so a panel handed the
    adapter follows it across a Reset (which swaps the Simulation behind ``adapter.sim``).
    """
    if source is None:
        return None
    inner = getattr(source, "sim", None)
    return inner if inner is not None and hasattr(inner, "registry") else source


class FollowingTablePanel(QtWidgets.QWidget):
    """A panel over one incrementally synced table model that follows a Simulation.

    The subclass sets ``self.model`` (anything with ``set_simulation(sim)`` and ``sync()``) and
    says what else to show in :meth:`_on_model_reset` and :meth:`_on_model_synced`. Given an
    adapter, :meth:`refresh` notices when a Reset swapped the Simulation behind it and starts
    the model over instead of syncing a model that still holds the old one.
    """

    model: Any

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._source: Any = None
        self._shown_sim: Any = None  # the Simulation the model was last reset to
        self._coalescer = RefreshCoalescer(self.refresh, self)

    @property
    def sim(self) -> Any:
        return engine_of(self._source)

    def make_request(self, kind: str, *args: Any, **kwargs: Any) -> None:
        """Ask the run for ``kind`` (``request_retire`` …): through the adapter when the panel
        follows one (it records the request in the run's history), else of the Simulation."""
        request = getattr(self._source, "request", None)
        if callable(request):
            request(kind, *args, **kwargs)
        else:
            getattr(self.sim, kind)(*args, **kwargs)

    def _reset_model(self) -> None:
        self._coalescer.cancel()
        self._shown_sim = self.sim
        self.model.set_simulation(self._shown_sim)
        self._on_model_reset(self._shown_sim)

    @QtCore.Slot()
    def refresh(self) -> None:
        """Catch up with the engine now (this call does any pending coalesced work)."""
        self._coalescer.cancel()
        if self.sim is not self._shown_sim:
            self._reset_model()
            return
        self.model.sync()
        self._on_model_synced()

    def _on_model_reset(self, sim: Any) -> None:
        """The model now shows ``sim`` (None: cleared): update the rest of the panel."""
        raise NotImplementedError

    def _on_model_synced(self) -> None:
        """The model caught up with the same Simulation: update the rest of the panel."""
        raise NotImplementedError
