"""Flight Recorder panel: the hash-chained audit log as a table, filters, Verify and export.

The table model reads ``sim.audit.records`` lazily: with no filter, row ``r`` *is* record ``r``;
with a filter the model keeps only the matching record numbers, extended incrementally as the
log grows (records are append-only, so nothing already scanned is scanned again). The window's
log keeps its records in a temporary file (``AuditLog.keep_on_disk``): a row is read back when
it is shown, and a filter matches on codes kept in memory without reading the file.

Verify re-checks the in-memory chain against its own head and count; "Verify file…" checks an
exported JSON-lines file on its own. The chain is tamper-evident, not tamper-proof: anyone who
can edit the file can recompute every hash after the edit (see ``engine/audit.py``).
"""

from __future__ import annotations

import bisect
import json
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine import AuditLog, AuditRecord, Event, Primitive, VerifyResult, verify_file
from phoenix_gui.qt.panels.models import (
    DISPLAY,
    HeaderedTableModel,
    Index,
    RefreshCoalescer,
    configure_table,
    set_status,
)

ALL_PRIMITIVES = "All primitives"
ALL_EVENTS = "All events"
_TIP_CHARS = 1500
_HEADERS = ("Seq", "Time (h)", "Primitive", "Event", "Details", "Hash")


def verify_message(result: VerifyResult) -> str:
    """``OK — <n> records, head <hash>`` (``…, sealed, head …`` for a log that ends with its
    closing record) or ``Record <k>: <reason>``."""
    if result.ok:
        sealed = ", sealed" if result.sealed else ""
        return f"OK — {result.count} records{sealed}, head {result.head}"
    return f"Record {result.bad_index}: {result.reason}"


def log_is_sealed(log: AuditLog | None) -> bool:
    return log is not None and log.sealed


class AuditTableModel(HeaderedTableModel):
    """Rows are audit records (all, or those matching a primitive / event filter)."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(_HEADERS, parent)
        self._log: AuditLog | None = None
        self._primitive: str | None = None
        self._kind: str | None = None
        self._matches: list[int] = []  # record numbers passing the filter (filtered mode only)
        self._scanned = 0  # records examined so far (filtered) / shown so far (unfiltered)
        self._until: int | None = None  # only the first records (a past moment is shown)

    # -- configuration -------------------------------------------------------------------------

    def set_log(self, log: AuditLog | None) -> None:
        self.beginResetModel()
        self._log = log
        self._until = None
        self._rescan()
        self.endResetModel()

    def set_filter(self, primitive: str | None, kind: str | None) -> None:
        self.beginResetModel()
        self._primitive, self._kind = primitive, kind
        self._rescan()
        self.endResetModel()

    def show_until(self, count: int | None) -> None:
        """Show only the first ``count`` records (the log as it was at a past step); None:
        all of them again."""
        if count != self._until:
            self.beginResetModel()
            self._until = count
            self.endResetModel()

    @property
    def shown_until(self) -> int | None:
        return self._until

    @property
    def filtered(self) -> bool:
        return self._primitive is not None or self._kind is not None

    def _rescan(self) -> None:
        self._matches = []
        self._scanned = 0
        if self._log is not None:
            if self.filtered:
                self._matches = self._scan(0)
            self._scanned = len(self._log)

    def _scan(self, start: int) -> list[int]:
        assert self._log is not None
        return self._log.indexes(self._primitive, self._kind, start)

    def sync(self) -> int:
        """Show the records appended since the last call; returns how many rows were added."""
        if self._log is None or self._until is not None:
            return 0
        total = len(self._log)
        if total < self._scanned:  # a different (shorter) log object behind the same sim
            self.set_log(self._log)
            return self.rowCount()
        if total == self._scanned:
            return 0
        if self.filtered:
            new = self._scan(self._scanned)
            self._scanned = total
            if new:
                first = len(self._matches)
                self.beginInsertRows(QtCore.QModelIndex(), first, first + len(new) - 1)
                self._matches.extend(new)
                self.endInsertRows()
            return len(new)
        first = self._scanned
        self.beginInsertRows(QtCore.QModelIndex(), first, total - 1)
        self._scanned = total
        self.endInsertRows()
        return total - first

    # -- access --------------------------------------------------------------------------------

    def record(self, row: int) -> AuditRecord:
        assert self._log is not None
        seq = self._matches[row] if self.filtered else row
        return self._log.records[seq]

    def rowCount(self, parent: Index | None = None) -> int:
        if self._log is None or (parent is not None and parent.isValid()):
            return 0
        if self._until is not None:
            if self.filtered:
                return bisect.bisect_left(self._matches, self._until)
            return min(self._scanned, self._until)
        return len(self._matches) if self.filtered else self._scanned

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            rec = self.record(index.row())
            col = index.column()
            if col == 0:
                return str(rec.seq)
            if col == 1:
                return f"{rec.payload.get('time', 0.0):.2f}"
            if col == 2:
                return str(rec.payload.get("primitive", ""))
            if col == 3:
                return str(rec.payload.get("event", ""))
            if col == 4:
                return _details_text(rec.payload.get("details", {}))
            return rec.hash[:12] + "…"
        if role == QtCore.Qt.ItemDataRole.ToolTipRole:
            rec = self.record(index.row())
            if index.column() == 5:
                return f"hash {rec.hash}\nprev {rec.prev_hash}"
            if index.column() == 4:
                text = json.dumps(rec.payload.get("details", {}), indent=1, sort_keys=True)
                # Batch events carry lists of thousands of tasks: keep the tooltip readable.
                return text if len(text) <= _TIP_CHARS else text[:_TIP_CHARS] + "\n…"
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole and index.column() <= 1:
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        return None


def _details_text(details: Any) -> str:
    """``member=host-3 reason=…``: compact one-line details for the table cell."""
    if isinstance(details, dict):
        return " ".join(f"{k}={_short(v)}" for k, v in details.items())
    return _short(details)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)) and len(value) > 4:
        return "[" + ", ".join(map(str, value[:4])) + f", … {len(value)} items]"
    return str(value)


class FlightRecorderPanel(QtWidgets.QWidget):
    """The Flight Recorder dock. Wire it with ``set_simulation(sim)`` and ``on_event``."""

    verified = QtCore.Signal(bool, str)  # ok, the message shown
    exported = QtCore.Signal(str)  # path written

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._sim: Any = None
        self._kinds: list[str] = []
        self._kinds_scanned = 0  # records already looked at for new event types
        self.model = AuditTableModel(self)
        self._coalescer = RefreshCoalescer(self.refresh, self)

        self.primitive_combo = QtWidgets.QComboBox(self)
        self.primitive_combo.setObjectName("recorder_primitive")
        self.primitive_combo.addItem(ALL_PRIMITIVES, None)
        for prim in Primitive:
            self.primitive_combo.addItem(prim.value, prim.value)
        self.kind_combo = QtWidgets.QComboBox(self)
        self.kind_combo.setObjectName("recorder_event")
        self.kind_combo.addItem(ALL_EVENTS, None)
        self.kind_combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.follow_box = QtWidgets.QCheckBox("Follow", self)
        self.follow_box.setToolTip("Keep the newest record in view")
        self.follow_box.setChecked(True)

        self.view = _ShortTable(self)
        self.view.setObjectName("recorder_table")
        self.view.setModel(self.model)
        configure_table(self.view)
        header = self.view.horizontalHeader()
        for col, width in enumerate((44, 60, 80, 156, 220)):
            header.resizeSection(col, width)

        # Tool buttons, sized to their text: push buttons are at least 80 px wide each in the
        # Fusion style, and three of them do not fit the dock's width at 1280×800.
        self.verify_button = _button("Verify", self)
        self.verify_button.setToolTip(
            "Re-check every record's hash chain. Tamper-evident, not tamper-proof: whoever can "
            "edit the log can also recompute the hashes."
        )
        self.export_button = _button("Export…", self)
        self.export_button.setToolTip("Save the audit log as JSON lines (audit.jsonl)")
        self.verify_file_button = _button("Verify file…", self)
        self.verify_file_button.setToolTip("Check an exported JSON-lines audit log")
        self.count_label = QtWidgets.QLabel(self)
        self.status_label = QtWidgets.QLabel(self)
        self.status_label.setObjectName("recorder_status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(
            QtCore.Qt.TextInteractionFlag.TextSelectableByMouse
        )

        filters = QtWidgets.QHBoxLayout()
        filters.addWidget(self.primitive_combo)
        filters.addWidget(self.kind_combo)
        filters.addStretch(1)
        filters.addWidget(self.follow_box)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.verify_file_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QtWidgets.QVBoxLayout(self)
        # Tight margins: the dock is ~100 px tall at 1366×768, and the table gets what is left.
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)

        self.primitive_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.kind_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.verify_button.clicked.connect(self.verify)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.verify_file_button.clicked.connect(self._on_verify_file_clicked)
        self._set_enabled(False)

    # -- wiring --------------------------------------------------------------------------------

    def set_simulation(self, sim: Any) -> None:
        """Show ``sim.audit`` (any object with an ``audit`` AuditLog; ``None`` clears)."""
        self._coalescer.cancel()
        self._sim = sim
        with QtCore.QSignalBlocker(self.kind_combo):
            self.kind_combo.clear()
            self.kind_combo.addItem(ALL_EVENTS, None)
        self._kinds = []
        self._kinds_scanned = 0
        self.model.set_filter(None, None)
        with QtCore.QSignalBlocker(self.primitive_combo):
            self.primitive_combo.setCurrentIndex(0)
        self.model.set_log(self._log())
        set_status(self.status_label, "")
        self._set_enabled(sim is not None)
        self.refresh()

    def _log(self) -> AuditLog | None:
        return None if self._sim is None else self._sim.audit

    def show_until(self, count: int | None) -> None:
        """Show the log as it was when it held ``count`` records (a past moment of the run:
        the record count at that step); None: follow the whole log again."""
        if count is None:
            self.model.show_until(None)
            self.refresh()
        else:
            self.refresh()  # take in everything first, then cut the view at ``count``
            self.model.show_until(count)
        if self.follow_box.isChecked():  # the reset left the view where the past ended
            self.view.scrollToBottom()
        self._show_count()

    def _show_count(self) -> None:
        log = self._log()
        if log is None:
            self.count_label.setText("")
            return
        until = self.model.shown_until
        total = len(log) if until is None else min(until, len(log))
        self.count_label.setText(f"{self.model.rowCount()} of {total} records")

    @QtCore.Slot()
    def refresh(self) -> None:
        """Catch up with the records appended since the last refresh."""
        self._coalescer.cancel()  # this call does the pending work
        log = self._log()
        if log is None:
            self.count_label.setText("")
            return
        self._learn_kinds(log)
        added = self.model.sync()
        if added and self.follow_box.isChecked():
            self.view.scrollToBottom()
        self._show_count()

    def on_events(self, events: list[Event]) -> None:
        """A step's events at once (the adapter's ``eventsEmitted``), in order."""
        for event in events:
            self.on_event(event)

    def on_event(self, event: Event) -> None:
        """Any event means a new record: refresh once for the whole burst."""
        del event
        self._coalescer.request()

    def _learn_kinds(self, log: AuditLog) -> None:
        """Add event types not seen before to the event combo, kept sorted."""
        total = len(log.records)
        start = self._kinds_scanned if self._kinds_scanned <= total else 0
        # From the log's kind codes, not its records: re-reading every record (a new run shown,
        # a lesson pointing here) held the window for a time that grew with the run.
        for kind in sorted(log.event_kinds(start)):
            if kind and kind not in self._kinds:
                self._kinds.append(kind)
                self._kinds.sort()
                with QtCore.QSignalBlocker(self.kind_combo):
                    self.kind_combo.insertItem(self._kinds.index(kind) + 1, kind, kind)
        self._kinds_scanned = total

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.verify_button, self.export_button, self.primitive_combo,
                       self.kind_combo):  # fmt: skip
            widget.setEnabled(enabled)

    def _on_filter_changed(self) -> None:
        self.model.set_filter(self.primitive_combo.currentData(), self.kind_combo.currentData())
        self.refresh()

    # -- verify and export ---------------------------------------------------------------------

    @QtCore.Slot()
    def verify(self) -> VerifyResult | None:
        """Verify the in-memory chain against its own head and record count."""
        log = self._log()
        if log is None:
            return None
        result = log.verify()
        self._show(result, verify_message(result))
        return result

    def export_jsonl(self, path: str | Path) -> None:
        """Write the log as JSON lines through QSaveFile: the old file survives any failure.

        The file ends with a closing record (the run's time, the record count) so it verifies
        as a complete, sealed log on its own; the run's own log goes on unsealed."""
        log = self._log()
        if log is None:
            raise RuntimeError("no simulation to export")
        out = QtCore.QSaveFile(str(path))
        if not out.open(QtCore.QIODevice.OpenModeFlag.WriteOnly):
            raise OSError(f"cannot write {path}: {out.errorString()}")
        for record in log.records:
            out.write(QtCore.QByteArray((record.to_json_line() + "\n").encode("utf-8")))
        if not log.sealed:
            closing = log.closing_record(self._export_time(log))
            out.write(QtCore.QByteArray((closing.to_json_line() + "\n").encode("utf-8")))
        if not out.commit():
            raise OSError(f"cannot write {path}: {out.errorString()}")
        self.exported.emit(str(path))

    def verify_path(self, path: str | Path) -> VerifyResult | None:
        """Verify an exported file and show the outcome (unreadable file → an error message)."""
        try:
            result = verify_file(path, require_seal=True)  # as `audit verify` does
        except OSError as exc:
            set_status(self.status_label, f"Cannot read {path}: {exc.strerror or exc}", error=True)
            return None
        text = verify_message(result)
        if result.ok:
            text = f"{Path(path).name}: {text}{self._run_note(result)}"
        else:
            text = f"{Path(path).name}: {text}"
        self._show(result, text)
        return result

    def _export_time(self, log: AuditLog) -> float:
        """The closing record's time: the run's clock, else the last record's time."""
        now = getattr(self._sim, "time", None)
        if isinstance(now, int | float):
            return float(now)
        return log.records[-1].time if log.records else 0.0

    def _run_note(self, result: VerifyResult) -> str:
        """Say whether the verified file is (a prefix of) this run's log; an exported file
        holds the run's records and then its closing record."""
        log = self._log()
        count, head = result.count, result.head
        if result.before_seal is not None and not log_is_sealed(log):
            count, head = result.before_seal
        if log is None or count == 0 or count > len(log.records):
            return ""
        if log.records[count - 1].hash == head:
            whole = count == len(log.records)
            return " (this run's log)" if whole else f" (this run's first {count} records)"
        return ""

    def _show(self, result: VerifyResult, text: str) -> None:
        set_status(self.status_label, text, error=not result.ok, ok=result.ok)
        self.verified.emit(result.ok, text)

    def _on_export_clicked(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export audit log", "audit.jsonl", "JSON lines (*.jsonl);;All files (*)"
        )
        if not path:
            return
        try:
            self.export_jsonl(path)
        except OSError as exc:
            set_status(self.status_label, str(exc), error=True)
            return
        set_status(
            self.status_label,
            f"Exported {len(self._sim.audit)} records and a closing record to {path}",
        )

    def _on_verify_file_clicked(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Verify audit log", "", "JSON lines (*.jsonl);;All files (*)"
        )
        if path:
            self.verify_path(path)


def _button(text: str, parent: QtWidgets.QWidget) -> QtWidgets.QToolButton:
    button = QtWidgets.QToolButton(parent)
    button.setText(text)
    button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


class _ShortTable(QtWidgets.QTableView):
    """A table that may shrink to its header and one row (Qt's default minimum is 70 px, which
    with the filters and the buttons is more than the dock has at small screen sizes)."""

    def minimumSizeHint(self) -> QtCore.QSize:
        hint = super().minimumSizeHint()
        frame = 2 * self.frameWidth()
        row = self.verticalHeader().defaultSectionSize()
        hint.setHeight(self.horizontalHeader().sizeHint().height() + row + frame)
        return hint
