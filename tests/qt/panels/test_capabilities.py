"""Capabilities directory: typing a skill lists the live members that offer it."""

from __future__ import annotations

import pytest

from phoenix_gui.engine.config import MemberSpec
from phoenix_gui.qt.panels.capabilities import CapabilitiesPanel
from tests.qt.panels.conftest import step_into

AGENTS = (
    MemberSpec(id="agent-a", kind="agent", capabilities=("summarise", "translate")),
    MemberSpec(id="agent-b", kind="agent", capabilities=("Summary-long",)),
    MemberSpec(id="agent-c", kind="agent", capabilities=("gpu", "summarise")),
)


@pytest.fixture
def panel(qtbot):
    widget = CapabilitiesPanel()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    return widget


@pytest.fixture
def sim(make_sim):
    return make_sim(hosts=0, tasks=0, paradigm="agentic", members={"listed": AGENTS})


def _rows(panel):
    model = panel.model
    return [tuple(model.index(r, c).data() for c in range(4)) for r in range(model.rowCount())]


def test_empty_search_lists_every_capability(qtbot, panel, sim):
    panel.set_simulation(sim)
    skills = {row[0] for row in _rows(panel)}
    assert skills == {"summarise", "translate", "Summary-long", "gpu"}
    assert "4 skills, offered by 3 live members" in panel.summary_label.text()


def test_typing_a_skill_is_a_case_insensitive_substring_search(qtbot, panel, sim):
    panel.set_simulation(sim)
    qtbot.keyClicks(panel.search_edit, "SUM")
    assert _rows(panel) == [
        ("Summary-long", "agent-b", "agent", "ACTIVE"),
        ("summarise", "agent-a", "agent", "ACTIVE"),
        ("summarise", "agent-c", "agent", "ACTIVE"),
    ]
    assert "2 skills, offered by 3 live members" in panel.summary_label.text()
    panel.search_edit.clear()
    qtbot.keyClicks(panel.search_edit, "gp")
    assert _rows(panel) == [("gpu", "agent-c", "agent", "ACTIVE")]
    qtbot.keyClicks(panel.search_edit, "x")
    assert _rows(panel) == []
    assert "No live member offers a skill matching 'gpx'" in panel.summary_label.text()


def test_status_follows_membership_events(qtbot, panel, sim):
    panel.set_simulation(sim)
    qtbot.keyClicks(panel.search_edit, "summarise")
    sim.request_crash("agent-c")
    step_into(sim, panel)
    qtbot.waitUntil(lambda: ("summarise", "agent-c", "agent", "FAILED") in _rows(panel))
    sim.request_retire("agent-a")
    for _ in range(8):  # drain, then the crashed agent is noticed and removed
        step_into(sim, panel)
    # Retired and removed members no longer offer anything.
    assert _rows(panel) == []


def test_without_simulation_the_list_is_empty(qtbot, panel):
    qtbot.keyClicks(panel.search_edit, "gpu")
    assert panel.model.rowCount() == 0
