"""Members panel: table of a real registry, Retire / Crash, and the Register form (Algorithm 1)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from phoenix_gui.engine.config import SimulationConfig
from phoenix_gui.qt.adapter import SimulationAdapter
from phoenix_gui.qt.panels.members import MembersPanel
from phoenix_gui.qt.panels.models import ERROR_COLOR, OK_COLOR, set_status, status_color
from tests.qt.panels.conftest import select_row, step_into

LEFT = QtCore.Qt.MouseButton.LeftButton


@pytest.fixture
def panel(qtbot):
    widget = MembersPanel()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    return widget


def _cell(panel: MembersPanel, member_id: str, column: int) -> str:
    row = panel.model.row_of(member_id)
    return panel.model.index(row, column).data()


def _select(qtbot, panel: MembersPanel, member_id: str) -> None:
    """Select the member's row through the view's selection model, as a click would."""
    select_row(panel.view, panel.model.row_of(member_id))


def test_table_shows_every_column_of_the_registry(qtbot, panel, make_sim):
    sim = make_sim(hosts=4, tasks=40)
    panel.set_simulation(sim)
    assert panel.view.model().rowCount() == 4
    member = sim.registry.get("host-2")
    assert _cell(panel, "host-2", 0) == "host-2"
    assert _cell(panel, "host-2", 1) == "host"
    assert _cell(panel, "host-2", 3) == str(member.load)
    assert _cell(panel, "host-2", 4) == f"{member.reliability:.2f} / {member.trust:.2f}"
    assert _cell(panel, "host-2", 5) == "ACTIVE"
    assert _cell(panel, "host-2", 6) == str(member.vnodes)
    assert _cell(panel, "host-2", 7) == str(sim.ring.distinct_positions("host-2"))
    tasks = sim.tasks
    owned = int(np.count_nonzero(tasks.active_mask() & (tasks.owner >= 0)))
    assert sum(int(_cell(panel, f"host-{i}", 3)) for i in range(4)) == owned > 30
    assert "4 live / 4" in panel.count_label.text()


def test_header_shows_titles_and_tooltips_on_the_columns_only(panel):
    model, horizontal = panel.model, QtCore.Qt.Orientation.Horizontal
    tip = QtCore.Qt.ItemDataRole.ToolTipRole
    assert model.columnCount() == 8
    assert [model.headerData(c, horizontal) for c in (0, 4, 7)] == [
        "ID",
        "Rel. / trust",
        "Distinct",
    ]
    assert model.headerData(1, horizontal, tip) == "host, node or agent"
    assert model.headerData(0, QtCore.Qt.Orientation.Vertical) is None


def test_register_below_trust_minimum_shows_the_governance_reason(qtbot, panel, make_sim):
    sim = make_sim(hosts=3, tasks=10)
    panel.set_simulation(sim)
    minimum = sim.config.governance.min_member_trust
    assert f"{minimum:.2f}" in panel.form.policy_label.text()
    qtbot.keyClicks(panel.form.id_edit, "agent-low")
    panel.form.kind_combo.setCurrentText("agent")
    panel.form.trust_box.clear()
    qtbot.keyClicks(panel.form.trust_box, "0.2")
    qtbot.mouseClick(panel.form.register_button, LEFT)
    assert "Registering agent-low" in panel.form.status_label.text()
    step_into(sim, panel)
    qtbot.waitUntil(lambda: "Rejected agent-low" in panel.form.status_label.text())
    text = panel.form.status_label.text()
    assert "trust 0.2 is below the policy minimum 0.5" in text
    assert status_color(panel.form.status_label) == ERROR_COLOR
    # The refused member is listed as REJECTED and is not live.
    qtbot.waitUntil(lambda: panel.model.row_of("agent-low") >= 0)
    assert _cell(panel, "agent-low", 5) == "REJECTED"
    assert _cell(panel, "agent-low", 7) == "—"
    assert not sim.registry.is_live("agent-low")


def test_register_an_admitted_agent_with_capabilities(qtbot, panel, make_sim):
    sim = make_sim(hosts=3, tasks=10)
    panel.set_simulation(sim)
    qtbot.keyClicks(panel.form.id_edit, "agent-ok")
    panel.form.kind_combo.setCurrentText("agent")
    qtbot.keyClicks(panel.form.capabilities_edit, "summarise, GPU ,summarise")
    panel.form.vnodes_box.setValue(7)
    qtbot.mouseClick(panel.form.register_button, LEFT)
    step_into(sim, panel)
    qtbot.waitUntil(lambda: "Registered agent-ok: ACTIVE" in panel.form.status_label.text())
    assert status_color(panel.form.status_label) == OK_COLOR
    member = sim.registry.get("agent-ok")
    assert member.capabilities == ("summarise", "GPU")
    assert member.vnodes == 7
    qtbot.waitUntil(lambda: panel.model.row_of("agent-ok") >= 0)
    assert _cell(panel, "agent-ok", 2) == "summarise, GPU"
    assert _cell(panel, "agent-ok", 6) == "7"


def test_empty_id_is_refused_in_the_form(qtbot, panel, make_sim):
    sim = make_sim(hosts=2, tasks=0)
    panel.set_simulation(sim)
    qtbot.mouseClick(panel.form.register_button, LEFT)
    assert panel.form.status_label.text().startswith("Id:")
    step_into(sim, panel)
    assert len(sim.registry.members(include_rejected=True)) == 2  # nothing was requested


def test_retire_and_crash_the_selected_member(qtbot, panel, make_sim):
    sim = make_sim(hosts=4, tasks=40)
    panel.set_simulation(sim)
    assert not panel.retire_button.isEnabled()
    with qtbot.waitSignal(panel.memberSelected) as blocker:
        _select(qtbot, panel, "host-1")
    assert blocker.args == ["host-1"]
    assert panel.retire_button.isEnabled() and panel.crash_button.isEnabled()
    qtbot.mouseClick(panel.retire_button, LEFT)
    assert "Retire host-1" in panel.action_label.text()
    _select(qtbot, panel, "host-3")
    qtbot.mouseClick(panel.crash_button, LEFT)
    step_into(sim, panel)
    qtbot.waitUntil(lambda: _cell(panel, "host-1", 5) == "RETIRED")
    assert _cell(panel, "host-3", 5) == "FAILED"
    assert _cell(panel, "host-1", 7) == "—"
    # A retired member can be neither retired nor crashed again.
    _select(qtbot, panel, "host-1")
    assert not panel.retire_button.isEnabled() and not panel.crash_button.isEnabled()
    # The crashed one is noticed after the heartbeat timeout and removed.
    for _ in range(8):
        step_into(sim, panel)
    assert _cell(panel, "host-3", 5) == "REMOVED"


def test_filter_and_sort_keep_the_selection(qtbot, panel, make_sim):
    sim = make_sim(hosts=12, tasks=100)
    panel.set_simulation(sim)
    qtbot.keyClicks(panel.filter_edit, "HOST-1")
    assert panel.model.rowCount() == 3  # host-1, host-10, host-11
    assert panel.select_member("host-10")
    panel.view.sortByColumn(3, QtCore.Qt.SortOrder.DescendingOrder)
    assert panel.selected_member().id == "host-10"
    loads = [int(panel.model.index(r, 3).data()) for r in range(panel.model.rowCount())]
    assert loads == sorted(loads, reverse=True)
    step_into(sim, panel)
    assert panel.selected_member().id == "host-10"
    loads = [int(panel.model.index(r, 3).data()) for r in range(panel.model.rowCount())]
    assert loads == sorted(loads, reverse=True)  # re-sorted after the loads changed
    panel.filter_edit.clear()
    assert panel.model.rowCount() == 12
    assert panel.selected_member().id == "host-10"
    panel.view.sortByColumn(0, QtCore.Qt.SortOrder.AscendingOrder)
    ids = [panel.model.index(r, 0).data() for r in range(12)]
    assert ids == sorted(ids)


@pytest.mark.qt_log_ignore("propagateSizeHints")  # offscreen platform, shown window
def test_a_thousand_members_refresh_quickly(qtbot, panel, make_sim):
    sim = make_sim(hosts=1000, tasks=2000)
    panel.set_simulation(sim)
    panel.show()
    assert panel.model.rowCount() == 1000
    sim.step()
    start = time.perf_counter()
    panel.refresh()
    panel.view.viewport().repaint()
    elapsed = time.perf_counter() - start
    assert elapsed < 0.25, f"refresh + repaint of 1000 members took {elapsed * 1000:.0f} ms"
    panel.view.sortByColumn(3, QtCore.Qt.SortOrder.DescendingOrder)  # re-sorted every refresh
    sim.step()
    start = time.perf_counter()
    panel.refresh()
    panel.view.viewport().repaint()
    elapsed = time.perf_counter() - start
    assert elapsed < 0.25, f"sorted refresh of 1000 members took {elapsed * 1000:.0f} ms"


def test_follows_an_adapter_like_source_across_a_reset(qtbot, panel, make_sim):
    class Holder:  # what the main window's adapter looks like to a panel: a current .sim
        def __init__(self, sim):
            self.sim = sim

    holder = Holder(make_sim(hosts=3, tasks=0))
    panel.set_simulation(holder)
    assert panel.model.rowCount() == 3
    holder.sim = make_sim(hosts=6, tasks=0)
    panel.refresh()
    assert panel.model.rowCount() == 6


def test_wired_to_the_real_adapter_like_the_main_window(qtbot, panel):
    """Two lines of wiring; Register runs through adapter steps; a Reset is followed."""
    adapter = SimulationAdapter(SimulationConfig(seed=3))
    panel.set_simulation(adapter)
    adapter.eventEmitted.connect(panel.on_event)
    assert panel.model.rowCount() == len(adapter.sim.registry.members())
    qtbot.keyClicks(panel.form.id_edit, "agent-shady")
    panel.form.trust_box.setValue(0.1)
    qtbot.mouseClick(panel.form.register_button, LEFT)
    adapter.step_once()
    qtbot.waitUntil(lambda: "Rejected agent-shady" in panel.form.status_label.text())
    old = adapter.sim
    adapter.reset()
    assert adapter.sim is not old
    panel.refresh()
    assert panel.model.row_of("agent-shady") == -1
    assert panel.model.rowCount() == len(adapter.sim.registry.members())


def test_status_label_follows_a_larger_application_font(qtbot, panel, qapp):
    """Presentation mode scales the application font; a coloured status must follow it."""
    set_status(panel.form.status_label, "Rejected x: trust", error=True)
    before = panel.form.status_label.font().pointSizeF()
    original = QtGui.QFont(qapp.font())
    bigger = QtGui.QFont(original)
    bigger.setPointSizeF(original.pointSizeF() * 1.5)
    try:
        qapp.setFont(bigger)
        qtbot.waitUntil(lambda: panel.form.status_label.font().pointSizeF() > before)
        assert status_color(panel.form.status_label) == ERROR_COLOR
    finally:
        qapp.setFont(original)
    set_status(panel.form.status_label, "plain")
    assert status_color(panel.form.status_label) != ERROR_COLOR
