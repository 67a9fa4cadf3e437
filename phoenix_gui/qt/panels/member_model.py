"""The Members panel's table model: every member ever seen, filtered and sorted in place.

The model keeps its own member list in first-seen order (admitted members in join order,
rejected ones as they are refused) and only ever appends to it, so a refresh inserts the new
rows and repaints the visible ones: selection and scroll position survive, and 1000 members
cost one pass over the registry per refresh, not per cell.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore

from phoenix_gui.qt.panels.models import DISPLAY, HeaderedTableModel, Index, status_brush

_HEADERS = ("ID", "Type", "Capabilities", "Load", "Rel. / trust", "Status", "V", "Distinct")
_HEADER_TIPS = (
    "Logical identity", "host, node or agent", "Advertised capabilities (skills)",
    "Active tasks it owns", "Reliability (work success probability) / governance trust",
    "Lifecycle status", "Virtual nodes on the ring",
    "Distinct ring positions it owns a vnode at (≈ min(V, 10000/N))",
)  # fmt: skip
_ASCENDING = QtCore.Qt.SortOrder.AscendingOrder


class MemberTableModel(HeaderedTableModel):
    """One row per member ever seen by the registry (including rejected ones).

    Filtering (id substring) and sorting live here rather than in a QSortFilterProxyModel:
    a proxy sorts through one Python ``data()`` call per comparison (about 90 ms per refresh at
    1000 members), while this computes one key per member and sorts a list (a few ms).
    """

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(_HEADERS, parent, tips=_HEADER_TIPS)
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
