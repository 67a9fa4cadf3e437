"""Capabilities directory: type a skill, see which live members advertise it and their status.

The search is a case-insensitive substring match over the registry's capability index
(``registry.capability_names()`` then ``registry.find_capability(skill)``), so "sum" finds
"summarise" and "Summary". An empty search lists every capability. The list is rebuilt on
each query and on membership events (it is at most skills × members long, and small).
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine import Event
from phoenix_gui.qt.panels.models import (
    STATUS_COLORS,
    RefreshCoalescer,
    RowsModel,
    configure_table,
    engine_of,
)

# Events that change who advertises what, or in which status.
DIRECTORY_EVENTS = frozenset(
    {"member_joined", "member_draining", "member_retired", "member_crashed", "member_suspect",
     "member_removed"}
)  # fmt: skip


class CapabilitiesPanel(QtWidgets.QWidget):
    """The Capabilities Directory dock."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._source: Any = None
        self.model = RowsModel(
            ("Capability", "Member", "Type", "Status", "Load"), self, color_column=3
        )
        self._coalescer = RefreshCoalescer(self.refresh, self)

        self.search_edit = QtWidgets.QLineEdit(self)
        self.search_edit.setObjectName("capability_search")
        self.search_edit.setPlaceholderText("Search a skill, e.g. gpu")
        self.search_edit.setClearButtonEnabled(True)
        self.view = QtWidgets.QTableView(self)
        self.view.setObjectName("capability_table")
        self.view.setModel(self.model)
        configure_table(self.view)
        for col, width in enumerate((120, 120, 60, 80)):
            self.view.horizontalHeader().resizeSection(col, width)
        self.summary_label = QtWidgets.QLabel(self)
        self.summary_label.setWordWrap(True)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary_label)
        self.search_edit.textChanged.connect(self.refresh)

    @property
    def sim(self) -> Any:
        return engine_of(self._source)

    def set_simulation(self, sim: Any) -> None:
        """Search ``sim``'s registry (a Simulation, or an adapter with ``.sim``; None clears)."""
        self._source = sim
        self.refresh()

    @QtCore.Slot()
    def refresh(self) -> None:
        """Run the current search again."""
        self._coalescer.cancel()
        sim = self.sim
        if sim is None:
            self.model.set_rows([])
            self.summary_label.setText("")
            return
        query = self.search_edit.text().strip()
        skills, members = self.search(query)
        rows: list[tuple[Any, ...]] = []
        colors: list[str | None] = []
        for skill, member in members:
            status = member.status.value
            rows.append((skill, member.id, member.kind, status, member.load))
            colors.append(STATUS_COLORS.get(status))
        self.model.set_rows(rows, colors)
        self.summary_label.setText(self._summary(query, skills, members))

    def search(self, query: str) -> tuple[list[str], list[tuple[str, Any]]]:
        """Matching skills (sorted) and (skill, member) pairs, members ordered by id."""
        registry = self.sim.registry
        needle = query.casefold()
        skills = [s for s in registry.capability_names() if needle in s.casefold()]
        pairs = [(skill, m) for skill in skills for m in registry.find_capability(skill)]
        return skills, pairs

    def on_events(self, events: list[Event]) -> None:
        """A step's events at once (the adapter's ``eventsEmitted``), in order."""
        for event in events:
            self.on_event(event)

    def on_event(self, event: Event) -> None:
        if event.kind in DIRECTORY_EVENTS:
            self._coalescer.request()

    @staticmethod
    def _summary(query: str, skills: list[str], pairs: list[tuple[str, Any]]) -> str:
        if not skills:
            return (
                f"No live member offers a skill matching {query!r}."
                if query
                else ("No member advertises any capability.")
            )
        members = len({m.id for _, m in pairs})
        noun = "skill" if len(skills) == 1 else "skills"
        who = "member" if members == 1 else "members"
        return f"{len(skills)} {noun}, offered by {members} live {who}."
