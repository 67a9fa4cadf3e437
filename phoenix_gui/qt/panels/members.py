"""Members panel: the registry as a table, Retire / Crash on the selection, and a Register form.

The table (:class:`~phoenix_gui.qt.panels.member_model.MemberTableModel`) is append-only,
filtered and sorted in place, so selection survives refreshes and 1000 members stay cheap.

Register builds a :class:`MemberSpec` and asks the engine to run Algorithm 1 at the next step
(``sim.request_join(spec)``). The outcome arrives as events: ``registration_step`` moves the
form's status through the seven lines, ``member_joined`` says it is ACTIVE, and
``member_rejected`` shows the governance reason.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine import Event, MemberSpec
from phoenix_gui.params import PARAMS
from phoenix_gui.qt.panels.member_model import MemberTableModel
from phoenix_gui.qt.panels.models import (
    FollowingTablePanel,
    configure_table,
    set_status,
    split_list,
)

# Which actions make sense in which status (anything else would be refused by the engine).
RETIRABLE = frozenset({"ACTIVE"})
CRASHABLE = frozenset({"ACTIVE", "DRAINING"})


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


class MembersPanel(FollowingTablePanel):
    """The Member Registry dock."""

    memberSelected = QtCore.Signal(str)  # noqa: N815  member id ("" when nothing is selected)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending: list[str] = []  # ids whose registration we asked for, oldest first
        self.model: MemberTableModel = MemberTableModel(self)

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

    def set_simulation(self, sim: Any) -> None:
        """Show ``sim`` (a Simulation, or the adapter whose ``.sim`` to follow; None clears)."""
        self._source = sim
        self._pending = []
        set_status(self.form.status_label, "")
        self.action_label.setText("")
        self._reset_model()

    def _on_model_reset(self, sim: Any) -> None:
        self.form.setEnabled(sim is not None)
        if sim is not None:
            minimum = sim.config.governance.min_member_trust
            self.form.policy_label.setText(f"Policy: trust ≥ {minimum:.2f}")
        self._update_count()
        self._update_actions()

    def _on_model_synced(self) -> None:
        """The registry moved on (new members, statuses, loads): count and actions follow."""
        self._update_count()
        self._update_actions()

    def on_events(self, events: list[Event]) -> None:
        """A step's events at once (the adapter's ``eventsEmitted``), in order."""
        for event in events:
            self.on_event(event)

    def on_event(self, event: Event) -> None:
        kind = event.kind
        member = str(event.details.get("member", ""))
        # Loads change with nearly every event (assignments, completions, migrations, batches):
        # one coalesced refresh per event-loop pass covers them all.
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
            self.make_request("request_retire", member.id)
            self.action_label.setText(f"Retire {member.id}: drains at the next step.")

    def _on_crash(self) -> None:
        member = self.selected_member()
        if member is not None:
            self.make_request("request_crash", member.id)
            self.action_label.setText(f"Crash {member.id}: stops at the next step.")

    def _on_register(self, spec: MemberSpec) -> None:
        if self.sim is None:
            return
        try:
            self.make_request("request_join", spec)
        except ValueError as exc:  # the engine refused the request outright
            set_status(self.form.status_label, str(exc), error=True)
            return
        self._pending.append(spec.id)
        set_status(self.form.status_label, f"Registering {spec.id}: runs at the next step…")
