"""Members panel: the registry as a table, Retire / Crash on the selection, and a Register form.

The table model keeps its own row list in first-seen order (admitted members in join order,
rejected ones as they are refused) and only ever appends to it, so a refresh inserts the new
rows and repaints the visible ones: selection and scroll position survive, and 1000 members
cost one pass over the registry per refresh, not per cell.

Register builds a :class:`MemberSpec` and asks the engine to run Algorithm 1 at the next step
(``sim.request_join(spec)``). The outcome arrives as events: ``registration_step`` moves the
form's status through the seven lines, ``member_joined`` says it is ACTIVE, and
``member_rejected`` shows the governance reason.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine.config import MemberSpec
from phoenix_gui.engine.events import Event
from phoenix_gui.params import PARAMS
from phoenix_gui.qt.panels.models import (
    DISPLAY,
    Index,
    RefreshCoalescer,
    configure_table,
    engine_of,
    set_status,
    split_list,
    status_brush,
)

_HEADERS = ("ID", "Type", "Capabilities", "Load", "Rel. / trust", "Status", "V", "Distinct")
_HEADER_TIPS = (
    "Logical identity", "host, node or agent", "Advertised capabilities (skills)",
    "Active tasks it owns", "Reliability (work success probability) / governance trust",
    "Lifecycle status", "Virtual nodes on the ring",
    "Distinct ring positions it owns a vnode at (≈ min(V, 10000/N))",
)  # fmt: skip
MEMBER_EVENTS = frozenset(
    {"member_joined", "member_rejected", "member_draining", "member_retired", "member_crashed",
     "member_suspect", "member_removed", "migration_completed", "task_completed"}
)  # fmt: skip
_ASCENDING = QtCore.Qt.SortOrder.AscendingOrder
# Which actions make sense in which status (anything else would be refused by the engine).
RETIRABLE = frozenset({"ACTIVE"})
CRASHABLE = frozenset({"ACTIVE", "DRAINING"})


class MemberTableModel(QtCore.QAbstractTableModel):
    """One row per member ever seen by the registry (including rejected ones).

    Filtering (id substring) and sorting live here rather than in a QSortFilterProxyModel:
    a proxy sorts through one Python ``data()`` call per comparison (about 90 ms per refresh at
    1000 members), while this computes one key per member and sorts a list (a few ms).
    """

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._sim: Any = None
        self._all: list[Any] = []  # every member seen, first-seen order (append-only)
        self._seen: set[int] = set()  # id() of member objects already in _all
        self._shown: list[int] = []  # positions in _all, in display order
        self._filter = ""
        self._sort_column = -1  # -1: first-seen (join) order
        self._descending = False
        self._positions: dict[str, int | None] = {}  # per-refresh cache of distinct positions

    def set_simulation(self, sim: Any) -> None:
        self.beginResetModel()
        self._sim = sim
        self._all, self._seen, self._shown, self._positions = [], set(), [], {}
        self.endResetModel()
        self.sync()

    @property
    def simulation(self) -> Any:
        return self._sim

    def sync(self) -> None:
        """Take in members not seen before, re-sort if sorted, and mark all values changed."""
        self._positions = {}
        if self._sim is None:
            return
        new = [
            m for m in self._sim.registry.members(include_rejected=True) if id(m) not in self._seen
        ]
        if new:
            first = len(self._all)
            self._all.extend(new)
            self._seen.update(id(m) for m in new)
            passing = [i for i in range(first, len(self._all)) if self._passes(self._all[i])]
            if passing:
                # New rows go in at the bottom first; the re-sort below then moves them.
                at = len(self._shown)
                self.beginInsertRows(QtCore.QModelIndex(), at, at + len(passing) - 1)
                self._shown.extend(passing)
                self.endInsertRows()
        self._reorder()
        if self._shown:
            last = self.index(len(self._shown) - 1, len(_HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- filter and sort -----------------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Show only members whose id contains ``text`` (case-insensitive)."""
        self.beginResetModel()
        self._filter = text.strip().casefold()
        self._shown = [i for i, m in enumerate(self._all) if self._passes(m)]
        self._shown = self._sorted(self._shown)
        self.endResetModel()

    def _passes(self, member: Any) -> bool:
        return not self._filter or self._filter in member.id.casefold()

    def sort(
        self, column: int, order: QtCore.Qt.SortOrder = QtCore.Qt.SortOrder.AscendingOrder
    ) -> None:
        self._sort_column = column if 0 <= column < len(_HEADERS) else -1
        self._descending = order == QtCore.Qt.SortOrder.DescendingOrder
        self._reorder()

    def _sorted(self, positions: list[int]) -> list[int]:
        if self._sort_column < 0:
            return sorted(positions)
        col = self._sort_column
        # Stable sort on (value, id): equal values keep a fixed, readable order.
        return sorted(
            positions,
            key=lambda i: (self._value(self._all[i], col), self._all[i].id, i),
            reverse=self._descending,
        )

    def _reorder(self) -> None:
        """Apply the sort as a pure permutation; selections follow their members."""
        order = self._sorted(self._shown)
        if order == self._shown:
            return
        self.layoutAboutToBeChanged.emit()
        where = {pos: row for row, pos in enumerate(order)}
        old = self.persistentIndexList()
        moved = [self.index(where[self._shown[ix.row()]], ix.column()) for ix in old]
        self._shown = order
        self.changePersistentIndexList(old, moved)
        self.layoutChanged.emit()

    # -- access --------------------------------------------------------------------------------

    def member(self, row: int) -> Any:
        return self._all[self._shown[row]]

    def row_of(self, member_id: str) -> int:
        """The display row of the latest member with this id, -1 if none or filtered out."""
        for pos in range(len(self._all) - 1, -1, -1):
            if self._all[pos].id == member_id:
                return self._shown.index(pos) if pos in self._shown else -1
        return -1

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(_HEADERS)

    def _distinct(self, member: Any) -> int | None:
        if member.id not in self._positions:
            ring = self._sim.ring
            on_ring = member.status.value not in ("RETIRED", "REMOVED", "REJECTED")
            self._positions[member.id] = (
                ring.distinct_positions(member.id) if on_ring and member.id in ring else None
            )
        return self._positions[member.id]

    def value(self, row: int, col: int) -> Any:
        """The raw value of a displayed cell (what sorting compares)."""
        return self._value(self.member(row), col)

    def _value(self, m: Any, col: int) -> Any:
        if col == 0:
            return m.id
        if col == 1:
            return m.kind
        if col == 2:
            return ", ".join(m.capabilities)
        if col == 3:
            return m.load
        if col == 4:
            return (m.reliability, m.trust)
        if col == 5:
            return m.status.value
        if col == 6:
            return m.vnodes
        positions = self._distinct(m)
        return -1 if positions is None else positions

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == DISPLAY:
            value = self.value(row, col)
            if col == 4:
                return f"{value[0]:.2f} / {value[1]:.2f}"
            if col == 7 and value < 0:
                return "—"
            if col == 6 and self._sim.config.paradigm != "phoenix":
                return f"({value})"  # only the ring uses vnodes; shown for the drawing
            return str(value)
        if role == QtCore.Qt.ItemDataRole.ForegroundRole and col == 5:
            return status_brush(self.member(row).status.value)
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole and col in (3, 4, 6, 7):
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        if role == QtCore.Qt.ItemDataRole.ToolTipRole and col in (0, 2):
            return str(self.value(row, col))  # ids and skill lists may be cut off in the cell
        return None

    def headerData(
        self,
        section: int,
        orientation: QtCore.Qt.Orientation,
        role: int = DISPLAY,
    ) -> Any:
        if orientation == QtCore.Qt.Orientation.Horizontal:
            if role == DISPLAY:
                return _HEADERS[section]
            if role == QtCore.Qt.ItemDataRole.ToolTipRole:
                return _HEADER_TIPS[section]
        return None


class RegisterForm(QtWidgets.QGroupBox):
    """Fields of a :class:`MemberSpec`; ``submitted`` carries the spec when Register is clicked."""

    submitted = QtCore.Signal(object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__("Register a member (Algorithm 1)", parent)
        self.id_edit = QtWidgets.QLineEdit(self)
        self.id_edit.setObjectName("register_id")
        self.id_edit.setPlaceholderText("e.g. agent-42")
        self.kind_combo = QtWidgets.QComboBox(self)
        self.kind_combo.addItems(["host", "node", "agent"])
        self.trust_box = _unit_box(self, 0.9, "Governance admits a member only if trust ≥ minimum")
        self.trust_box.setObjectName("register_trust")
        self.reliability_box = _unit_box(self, 0.99, "Probability a unit of work succeeds")
        self.capabilities_edit = QtWidgets.QLineEdit(self)
        self.capabilities_edit.setPlaceholderText("comma-separated, e.g. gpu, summarise")
        self.vnodes_box = QtWidgets.QSpinBox(self)
        self.vnodes_box.setRange(0, int(PARAMS["vnodes"].maximum))
        self.vnodes_box.setSpecialValueText("default")  # 0 → the ring's configured V
        self.vnodes_box.setToolTip("Virtual nodes on the ring (default: the scenario's V)")
        self.register_button = QtWidgets.QPushButton("Register", self)
        self.register_button.setObjectName("register_button")
        self.policy_label = QtWidgets.QLabel(self)
        self.status_label = QtWidgets.QLabel(self)
        self.status_label.setObjectName("register_status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(
            QtCore.Qt.TextInteractionFlag.TextSelectableByMouse
        )

        grid = QtWidgets.QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        rows = (
            ("Id", self.id_edit, "Kind", self.kind_combo),
            ("Trust", self.trust_box, "Reliability", self.reliability_box),
            ("Capabilities", self.capabilities_edit, "VNodes", self.vnodes_box),
        )
        for r, (left, lw, right, rw) in enumerate(rows):
            for c, (text, widget) in enumerate(((left, lw), (right, rw))):
                label = QtWidgets.QLabel(text, self)
                label.setBuddy(widget)
                grid.addWidget(label, r, 2 * c)
                grid.addWidget(widget, r, 2 * c + 1)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 1)
        grid.addWidget(self.policy_label, 3, 0, 1, 2)
        grid.addWidget(self.register_button, 3, 3)
        grid.addWidget(self.status_label, 4, 0, 1, 4)
        grid.setVerticalSpacing(4)
        self.register_button.clicked.connect(self._on_register)
        self.id_edit.returnPressed.connect(self._on_register)

    def spec(self) -> MemberSpec:
        vnodes = self.vnodes_box.value()
        return MemberSpec(
            id=self.id_edit.text().strip(),
            kind=self.kind_combo.currentText(),  # type: ignore[arg-type]
            vnodes=vnodes or None,
            trust=self.trust_box.value(),
            reliability=self.reliability_box.value(),
            capabilities=split_list(self.capabilities_edit.text()),
        )

    def _on_register(self) -> None:
        if not self.id_edit.text().strip():
            set_status(self.status_label, "Id: enter the new member's id.", error=True)
            self.id_edit.setFocus()
            return
        self.submitted.emit(self.spec())


def _unit_box(parent: QtWidgets.QWidget, value: float, tip: str) -> QtWidgets.QDoubleSpinBox:
    box = QtWidgets.QDoubleSpinBox(parent)
    box.setRange(0.0, 1.0)
    box.setDecimals(2)
    box.setSingleStep(0.05)
    box.setValue(value)
    box.setToolTip(tip)
    return box


class MembersPanel(QtWidgets.QWidget):
    """The Member Registry dock."""

    memberSelected = QtCore.Signal(str)  # noqa: N815  member id ("" when nothing is selected)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._source: Any = None
        self._shown_sim: Any = None
        self._pending: list[str] = []  # ids whose registration we asked for, oldest first
        self.model = MemberTableModel(self)
        self._coalescer = RefreshCoalescer(self.refresh, self)

        self.filter_edit = QtWidgets.QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by id…")
        self.filter_edit.setClearButtonEnabled(True)
        self.view = QtWidgets.QTableView(self)
        self.view.setObjectName("members_table")
        self.view.setModel(self.model)
        configure_table(self.view)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, QtCore.Qt.SortOrder.AscendingOrder)  # join order until asked
        for col, width in enumerate((96, 46, 100, 40, 84, 70, 36)):
            self.view.horizontalHeader().resizeSection(col, width)
        self.retire_button = QtWidgets.QPushButton("Retire", self)
        self.retire_button.setToolTip("Drain the selected member gracefully, then retire it")
        self.crash_button = QtWidgets.QPushButton("Crash", self)
        self.crash_button.setToolTip("Stop the selected member dead (noticed after heartbeats)")
        self.count_label = QtWidgets.QLabel(self)
        self.action_label = QtWidgets.QLabel(self)
        self.action_label.setWordWrap(True)
        self.form = RegisterForm(self)

        actions = QtWidgets.QHBoxLayout()
        actions.addWidget(self.retire_button)
        actions.addWidget(self.crash_button)
        actions.addWidget(self.filter_edit, 1)
        actions.addWidget(self.count_label)
        top = QtWidgets.QWidget(self)
        top_layout = QtWidgets.QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.view, 1)
        top_layout.addLayout(actions)
        top_layout.addWidget(self.action_label)
        # A splitter, so the table can take the room back from the form in a short dock.
        self.splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.form)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

        self.filter_edit.textChanged.connect(self._on_filter)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.retire_button.clicked.connect(self._on_retire)
        self.crash_button.clicked.connect(self._on_crash)
        self.form.submitted.connect(self._on_register)
        self._update_actions()
        self.form.setEnabled(False)

    # -- wiring --------------------------------------------------------------------------------

    @property
    def sim(self) -> Any:
        return engine_of(self._source)

    def set_simulation(self, sim: Any) -> None:
        """Show ``sim`` (a Simulation, or the adapter whose ``.sim`` to follow; None clears)."""
        self._source = sim
        self._pending = []
        set_status(self.form.status_label, "")
        self.action_label.setText("")
        self._reset_model()

    def _reset_model(self) -> None:
        self._coalescer.cancel()
        self._shown_sim = self.sim
        self.model.set_simulation(self._shown_sim)
        self.form.setEnabled(self._shown_sim is not None)
        if self._shown_sim is not None:
            minimum = self._shown_sim.config.governance.min_member_trust
            self.form.policy_label.setText(f"Policy: trust ≥ {minimum:.2f}")
        self._update_count()
        self._update_actions()

    @QtCore.Slot()
    def refresh(self) -> None:
        """Catch up with the registry (new members, statuses, loads)."""
        self._coalescer.cancel()  # this call does the pending work
        if self.sim is not self._shown_sim:
            self._reset_model()
            return
        self.model.sync()
        self._update_count()
        self._update_actions()

    def on_event(self, event: Event) -> None:
        kind = event.kind
        member = str(event.details.get("member", ""))
        if kind in MEMBER_EVENTS:
            self._coalescer.request()
        if member not in self._pending:
            return
        status = self.form.status_label
        if kind == "registration_step":
            step, name = event.details.get("step"), event.details.get("name", "")
            set_status(status, f"{member}: step {step}/7 {name}")
        elif kind == "member_rejected":
            self._pending.remove(member)
            set_status(status, f"Rejected {member}: {event.details.get('reason', '')}", error=True)
        elif kind == "member_joined":
            self._pending.remove(member)
            set_status(status, f"Registered {member}: ACTIVE", ok=True)

    # -- selection and actions -----------------------------------------------------------------

    def selected_member(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        if not rows or self.sim is None:
            return None
        return self.model.member(rows[0].row())

    def select_member(self, member_id: str) -> bool:
        """Select ``member_id``'s row (e.g. when it is clicked on the ring); False if absent."""
        row = self.model.row_of(member_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.view.selectRow(row)
        self.view.scrollTo(index)
        return True

    def _on_filter(self, text: str) -> None:
        """Filtering resets the model; keep the selected member selected if it still shows."""
        member = self.selected_member()
        self.model.set_filter(text)
        if member is not None:
            self.select_member(member.id)
        self._update_actions()

    def _on_selection(self) -> None:
        member = self.selected_member()
        self._update_actions()
        self.memberSelected.emit("" if member is None else member.id)

    def _update_actions(self) -> None:
        member = self.selected_member()
        status = None if member is None else member.status.value
        self.retire_button.setEnabled(status in RETIRABLE)
        self.crash_button.setEnabled(status in CRASHABLE)

    def _update_count(self) -> None:
        sim = self._shown_sim
        if sim is None:
            self.count_label.setText("")
            return
        live = len(sim.registry.live_ids())
        self.count_label.setText(f"{live} live / {self.model.rowCount()}")

    def _on_retire(self) -> None:
        member = self.selected_member()
        if member is not None:
            self.sim.request_retire(member.id)
            self.action_label.setText(f"Retire {member.id}: drains at the next step.")

    def _on_crash(self) -> None:
        member = self.selected_member()
        if member is not None:
            self.sim.request_crash(member.id)
            self.action_label.setText(f"Crash {member.id}: stops at the next step.")

    def _on_register(self, spec: MemberSpec) -> None:
        if self.sim is None:
            return
        try:
            self.sim.request_join(spec)
        except ValueError as exc:  # the engine refused the request outright
            set_status(self.form.status_label, str(exc), error=True)
            return
        self._pending.append(spec.id)
        set_status(self.form.status_label, f"Registering {spec.id}: runs at the next step…")
