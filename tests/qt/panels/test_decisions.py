"""Assignment decisions: candidates and scores for scorers, the clockwise walk for the ring."""

from __future__ import annotations

import pytest

from phoenix_gui.engine.config import MemberSpec
from phoenix_gui.qt.panels.decisions import WINNER_MARK, DecisionsPanel, walk_lines
from phoenix_gui.qt.panels.workload import WorkloadPanel
from tests.qt.panels.conftest import select_row, step_into


@pytest.fixture
def panels(qtbot):
    workload, decisions = WorkloadPanel(), DecisionsPanel()
    for widget in (workload, decisions):
        qtbot.addWidget(widget)
        widget.resize(500, 400)
    workload.taskSelected.connect(decisions.set_task)  # what the main window wires
    return workload, decisions


def _rows(panel: DecisionsPanel):
    m = panel.model
    return [tuple(m.index(r, c).data() for c in range(4)) for r in range(m.rowCount())]


def test_ring_shows_the_clockwise_walk(qtbot, panels, make_sim):
    workload, decisions = panels
    sim = make_sim(hosts=6, tasks=40)
    workload.set_simulation(sim)
    decisions.set_simulation(sim)
    select_row(workload.view, 11)
    assert decisions.task == 11
    token = int(sim.tasks.token[11])
    owner = sim.ring.route_token(token)
    assert decisions.title_label.text().startswith("task-11 (")
    assert f"→ {owner}" in decisions.title_label.text()
    text = decisions.walk_text.toPlainText()
    assert f'MD5("task-11") mod 10000 = {token}' in text
    assert f"4. owner = {owner}" in text
    walk = decisions.explanation["walk"]
    # The chosen vnode is clockwise of the task token (or the walk wrapped past 9999).
    assert walk["wrapped"] or walk["vnode_token"] >= token
    assert (walk["vnode_token"] - token) % 10000 == walk["distance"]
    assert decisions.walk_text.isVisibleTo(decisions)
    assert not decisions.view.isVisibleTo(decisions)


def test_walk_text_mentions_wrap_and_ties():
    walk = {"task_token": 9990, "vnode_token": 12, "vnode_key": "h-2#5", "member": "h-2",
            "wrapped": True, "distance": 22, "vnodes_at_token": 3, "passed": 2}  # fmt: skip
    text = "\n".join(walk_lines(4, walk))
    assert "wrap past 9999" in text
    assert "3 vnodes share token 12" in text and "(2 passed)" in text


def test_scored_paradigm_lists_candidates_best_first_with_the_winner(qtbot, panels, make_sim):
    workload, decisions = panels
    sim = make_sim(hosts=5, tasks=30, paradigm="kubernetes")
    workload.set_simulation(sim)
    decisions.set_simulation(sim)
    select_row(workload.view, 29)  # the last task placed sees the others' reservations
    rows = _rows(decisions)
    exp = decisions.explanation
    assert len(rows) == len(exp["candidates"]) >= 2
    scores = [float(r[2]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert rows[0][3] == WINNER_MARK and rows[0][1] == exp["winner"]
    assert [r[3] for r in rows].count(WINNER_MARK) == 1
    assert exp["winner"] == sim.packet(29).owner
    assert "members passed the filter" in decisions.note_label.text()
    assert decisions.view.isVisibleTo(decisions)


def test_agent_without_a_fit_stays_pending(qtbot, panels, make_sim):
    workload, decisions = panels
    agents = (MemberSpec(id="agent-a", kind="agent", capabilities=("summarise",)),)
    sim = make_sim(hosts=0, tasks=0, paradigm="agentic", members={"listed": agents})
    workload.set_simulation(sim)
    decisions.set_simulation(sim)
    sim.submit_task(capabilities=("translate",))
    step_into(sim, workload, decisions)
    qtbot.waitUntil(lambda: workload.model.rowCount() == 1)
    select_row(workload.view, 0)
    assert "no member fits" in decisions.title_label.text()
    assert decisions.model.rowCount() == 0


def test_decision_follows_membership_changes(qtbot, panels, make_sim):
    workload, decisions = panels
    sim = make_sim(hosts=4, tasks=20)
    workload.set_simulation(sim)
    decisions.set_simulation(sim)
    select_row(workload.view, 3)
    before = decisions.explanation["winner"]
    sim.request_retire(before)
    step_into(sim, workload, decisions)
    qtbot.waitUntil(lambda: decisions.explanation["winner"] != before)
    assert decisions.explanation["winner"] == sim.ring.route_token(int(sim.tasks.token[3]))
    decisions.set_task(-1)
    assert decisions.explanation is None


def test_trust_weighted_is_explained_like_the_others(qtbot, panels, make_sim):
    workload, decisions = panels
    listed = (
        MemberSpec(id="sure", trust=1.0, reliability=0.9),
        MemberSpec(id="shaky", trust=0.6, reliability=1.0),
    )
    sim = make_sim(hosts=0, tasks=5, paradigm="trust-weighted", members={"listed": listed})
    workload.set_simulation(sim)
    decisions.set_simulation(sim)
    select_row(workload.view, 0)
    rule = decisions.rule_label.text()
    assert "score = (reliability × trust) / (1 + load)" in rule
    assert "trust both filters and weighs" in rule
    rows = _rows(decisions)
    assert rows[0][1] == "sure" and rows[0][2] == "0.9000" and rows[0][3] == WINNER_MARK
    assert rows[1][1] == "shaky" and rows[1][2] == "0.6000"


def test_ring_rule_states_the_tie_rule(qtbot, panels, make_sim):
    workload, decisions = panels
    sim = make_sim(hosts=3, tasks=5)
    workload.set_simulation(sim)
    decisions.set_simulation(sim)
    select_row(workload.view, 0)
    assert "full 128-bit MD5 of the vnode key, then by the key itself" in (
        decisions.rule_label.text()
    )
