"""Each paradigm's view driven in the real window: what moves on screen is exactly what the
engine reported, scores shown are the engine's explanation, the refused agent is visible, and
Replay re-animates the last change without stepping the engine."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.qt.views.ring import geometry as geo
from phoenix_gui.resources import resource_path
from phoenix_gui.scenario import load_config
from tests.qt.shell.stepping import press_step

# Showing a main window offscreen makes Qt say its platform cannot propagate size hints.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _lesson(name: str) -> SimulationConfig:
    return load_config(resource_path(f"scenarios/{name}.yaml"))


def _moves_reported(window) -> list[tuple[int, str, str]]:
    """Collect (task, from, to) of every migration the engine reports from now on."""
    out: list[tuple[int, str, str]] = []

    def on_event(e) -> None:
        d = e.details
        if e.kind == "migration_started":
            out.append((int(d["task"]), d["from"], d["to"]))
        elif e.kind == "migrations_started":
            out.extend(zip(d["tasks"], d["from"], d["to"], strict=True))

    window.adapter.eventEmitted.connect(on_event)
    return out


def _step_until(window, done, limit: int = 80) -> None:
    for _ in range(limit):
        press_step(window)
        if done():
            return
    raise AssertionError("the awaited step never came")


def test_a_drain_animates_exactly_the_engines_moves_old_to_new_owner(open_main_window) -> None:
    window = open_main_window(SimulationConfig())
    view, adapter = window.ring_view, window.adapter
    victim = adapter.member_infos()[3]
    reported = _moves_reported(window)
    adapter.request_retire(victim.id)
    press_step(window)
    assert reported and all(src == victim.id for _t, src, _dst in reported)
    book = view.animator.book
    flying = book.tasks().tolist()
    assert sorted(flying) == sorted(t for t, _s, _d in reported)
    index_of = {m.id: m.index for m in adapter.sim.registry.members()}
    target = {t: index_of[d] for t, _s, d in reported}
    sources = dict(zip(flying, book.sources().tolist(), strict=True))
    assert all(sources[t] == victim.index for t in flying)
    start, end = book.endpoints()
    tokens = adapter.sim.tasks.token[np.asarray(flying)]
    sx, sy = geo.token_xy(tokens, geo.task_radius(np.asarray(flying)))
    np.testing.assert_allclose(start, np.column_stack((sx, sy)))  # from its dot on the arc
    markers = view._marker_positions()
    np.testing.assert_allclose(end, [markers[target[t]] for t in flying])  # to the new owner
    text = window.views.narration_text()
    assert text.startswith(f"{victim.id} drains: {len(reported)} tasks → ")
    counts = {}
    for _t, _s, dst in reported:
        counts[dst] = counts.get(dst, 0) + 1
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0][::-1]))[1]
    assert f"({best})" in text
    assert victim.index in view._ghosts or victim.id in {m.id for m in adapter.member_infos()}


def test_replay_reanimates_the_last_change_slowly_without_stepping(open_main_window) -> None:
    window = open_main_window(SimulationConfig())
    adapter, view = window.adapter, window.ring_view
    assert not window.replay_action.isEnabled()
    adapter.request_retire(adapter.member_infos()[1].id)
    press_step(window)
    moved = view.packets_in_flight
    assert moved > 0 and window.replay_action.isEnabled()
    view.animator.book.clear()
    step, records = adapter.sim.step_index, len(adapter.sim.audit)
    assert window.replay_action.shortcut().toString() == "R"
    assert window.replay_action in window.toolbar.actions()
    window.replay_action.trigger()
    assert view.packets_in_flight == moved
    assert view.animator.flight_seconds == pytest.approx(4 * 1.5)  # 0.25× of 1.5 s
    assert window.views.narration_text().startswith("Replay (0.25×): ")
    assert adapter.sim.step_index == step and len(adapter.sim.audit) == records


def test_kubernetes_view_scores_are_the_engines_explanation(open_main_window, qtbot) -> None:
    window = open_main_window(_lesson("kubernetes-drain"))
    adapter = window.adapter
    cluster = window.views.cluster
    assert window.views.current is cluster
    assert {n.id for n in cluster.snapshot.nodes} == {"node-a", "node-b", "node-c", "node-d"}
    reported = _moves_reported(window)
    _step_until(window, lambda: bool(reported))
    assert cluster.packets_in_flight == len(reported)
    assert sorted(cluster.book.tasks().tolist()) == sorted(t for t, _s, _d in reported)
    assert cluster._ghosts or any(n.id == "node-a" for n in cluster.snapshot.nodes)
    decision = adapter.last_change.decision if adapter.last_change else None
    assert decision is not None
    why = adapter.sim.explain(decision.task)
    shown = cluster.shown_scores()
    assert shown == {c["member"]: c["score"] for c in why["candidates"]}
    assert cluster.shown_winner() == why["winner"]
    assert "node-a is cordoned and drained" in window.views.narration_text()
    # Replay: the same pods fly again, from node-a's (grey) bin, without a step.
    cluster.book.clear()
    step = adapter.sim.step_index
    window.replay_action.trigger()
    assert sorted(cluster.book.tasks().tolist()) == sorted(t for t, _s, _d in reported)
    node_a = next(i for i, n in cluster._ghosts.items() if n.id == "node-a")
    assert cluster._ghosts[node_a].status == "RETIRED"  # drawn grey
    start, _end = cluster.book.endpoints()
    assert all(cluster.badge_anchor("node-a").contains(QtCore.QPointF(*xy)) for xy in start)
    assert adapter.sim.step_index == step


def test_kubernetes_pending_pods_wait_in_a_lane_with_the_reason(open_main_window) -> None:
    window = open_main_window(_lesson("kubernetes-drain"))
    cluster = window.views.cluster
    _step_until(window, lambda: cluster.snapshot.pending.size > 0)
    snap = cluster.snapshot
    assert snap.reason == f"no node has {snap.pending_cpu:g} CPU free"
    free = [n.cpu - n.cpu_used for n in snap.nodes if n.status == "ACTIVE"]
    assert max(free) < snap.pending_cpu


def test_agent_view_shows_the_refused_agent_and_routing_scores(open_main_window) -> None:
    window = open_main_window(_lesson("agentic-handoff"))
    adapter, agents = window.adapter, window.views.agents
    assert window.views.current is agents
    _step_until(window, lambda: bool(agents.snapshot.refused))
    refused = agents.snapshot.refused[0]
    assert refused.id == "rogue" and "trust" in refused.reason
    box = agents.refused_box("rogue")
    assert box is not None and agents.rect().contains(box.toRect())
    assert "<b>rogue</b> refused: trust 0.3" in agents.tooltip_at(box.center())
    stories = []
    adapter.storyTold.connect(stories.append)
    _step_until(window, lambda: any(s.decision and s.decision.scores for s in stories))
    decision = next(s.decision for s in reversed(stories) if s.decision and s.decision.scores)
    why = adapter.sim.explain(decision.task)
    assert decision.scores == tuple((c["member"], c["score"]) for c in why["candidates"])
    shown = agents.shown_scores()
    assert shown and all(shown[m] == s for m, s in decision.scores if m in shown)
    for member, score in shown.items():
        agent = next(a for a in agents.snapshot.agents if a.id == member)
        assert score == pytest.approx(agent.reliability / (1 + agent.active), abs=0.3)


def test_a_handoff_flies_card_to_card_with_its_summary(open_main_window) -> None:
    window = open_main_window(_lesson("agentic-handoff"))
    agents = window.views.agents
    _step_until(window, lambda: bool(agents.handoffs) and agents.packets_in_flight > 0)
    task = int(agents.book.tasks()[0])
    handoff = agents.handoffs[task]
    agents.render_frame()
    x, y, _k = agents._frame
    text = agents.tooltip_at(QtCore.QPointF(float(x[0]), float(y[0])))
    assert f"task-{task}" in text and f"{handoff.checkpoint:.2f} h" in text
    start, end = agents.book.endpoints()
    assert not np.allclose(start[0], end[0])  # from one card to another


def test_switching_paradigm_switches_the_view_with_no_leftovers(open_main_window) -> None:
    window = open_main_window(SimulationConfig())
    adapter = window.adapter
    adapter.request_retire(adapter.member_infos()[0].id)
    press_step(window)
    assert window.views.narration_text() and window.ring_view.packets_in_flight
    window.controls.paradigmChanged.emit("kubernetes")
    assert window.views.current is window.views.cluster
    assert window.views.narration_text() == ""
    assert window.ring_view.packets_in_flight == 0 and not window.ring_view._ghosts
    assert not window.replay_action.isEnabled()
    assert {n.id for n in window.views.cluster.snapshot.nodes} == {
        m.id for m in adapter.member_infos()
    }
    window.controls.paradigmChanged.emit("agentic")
    assert window.views.current is window.views.agents
    assert window.views.cluster.packets_in_flight == 0


def test_member_colours_past_the_distinct_ones_are_the_shaded_cycle_at_once() -> None:
    # Thousands of members (a step that adds them) cost linear time, not quadratic: past
    # DISTINCT_UP_TO a colour is the shaded cycle, as before, without measuring it against
    # every colour given before.
    from phoenix_gui.qt.views import palette

    index = palette.DISTINCT_UP_TO + 5000
    assert palette.rgb_of(palette.member_color(index)) == palette.rgb_of(palette._shaded(index))
    firsts = [palette.rgb_of(palette.member_color(i)) for i in range(palette.DISTINCT_UP_TO)]
    assert len(set(firsts)) == palette.DISTINCT_UP_TO  # the first ones still all differ
