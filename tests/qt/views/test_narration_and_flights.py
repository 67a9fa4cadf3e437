"""The narration line's sentences, flight durations, the flight book and the pending reason."""

from __future__ import annotations

import numpy as np
import pytest

from phoenix_gui.qt.readers.boards import pending_reason
from phoenix_gui.qt.snapshots import (
    Handoff,
    MemberInfo,
    MembershipChange,
    Moves,
    NodeInfo,
    StepStory,
)
from phoenix_gui.qt.views.flights import STAGGER, FlightBook, flight_seconds
from phoenix_gui.qt.views.narration import describe, narrate


def _name(index: int) -> str:
    return f"host-{index}"


def _moves(source: list[int], target: list[int]) -> Moves:
    n = len(source)
    ids = np.arange(n, dtype=np.int64)
    return Moves(ids, ids, np.asarray(source), np.asarray(target), ("retire",) * n)


def test_a_drain_names_where_its_tasks_go_most_first() -> None:
    moves = _moves([3] * 119, [5] * 62 + [7] * 57)
    change = MembershipChange("drain", MemberInfo("host-3", 3, 0), "phoenix", moves)
    assert describe(change, _name) == "host-3 drains: 119 tasks → host-5 (62), host-7 (57)"


def test_many_destinations_are_summed_up() -> None:
    moves = _moves([0] * 10, [1, 1, 1, 2, 2, 3, 3, 4, 5, 6])
    text = describe(MembershipChange("drain", MemberInfo("host-0", 0, 0), "phoenix", moves), _name)
    assert text == "host-0 drains: 10 tasks → host-1 (3), host-2 (2), host-3 (2), 3 more (3)"


def test_each_paradigm_says_it_in_its_own_words() -> None:
    moves = _moves([0, 0], [1, 2])
    node = MembershipChange("drain", MemberInfo("node-a", 0, 0), "kubernetes", moves)
    assert describe(node, lambda i: f"node-{'abc'[i]}") == (
        "node-a is cordoned and drained: 2 pods → node-b (1), node-c (1)"
    )
    crash = MembershipChange("crash", MemberInfo("host-2", 2, 0), "phoenix", stranded=40)
    assert "40 tasks stranded until" in describe(crash, _name)
    refused = MembershipChange(
        "rejected", MemberInfo("rogue", -1, 0), "agentic", reason="trust 0.3 is below 0.6"
    )
    assert describe(refused, _name) == "rogue refused at registration: trust 0.3 is below 0.6"


def test_a_story_without_changes_tells_its_handoff_and_a_replay_says_so() -> None:
    handoff = Handoff(12, "coder-1", "polyglot", "context_limit", 2.0)
    assert narrate(StepStory(handoffs=(handoff,)), _name) == (
        "task-12 hands off coder-1 → polyglot (context limit), carrying a 2.0 h summary"
    )
    join = MembershipChange("join", MemberInfo("host-9", 9, 0), "phoenix", _moves([1], [9]))
    story = StepStory(changes=(join,), time_scale=0.25, replay=True)
    assert narrate(story, _name) == "Replay (0.25×): host-9 joins: 1 task ← host-1 (1)"
    assert narrate(StepStory(), _name) == ""


def test_a_step_of_many_changes_is_told_by_its_first_few() -> None:
    joins = tuple(
        MembershipChange("join", MemberInfo(f"host-{i}", i, 0), "phoenix") for i in range(30)
    )
    text = narrate(StepStory(changes=joins), _name)
    assert text.split(" · ")[:2] == ["host-0 joins", "host-1 joins"]
    assert "host-11 joins" in text and "host-12 joins" not in text
    assert text.endswith(" · 18 more changes")


def test_flights_last_a_class_can_follow_scaled_by_speed_never_faster_than_a_step() -> None:
    assert flight_seconds(10.0, 10.0) == pytest.approx(1.5)
    assert flight_seconds(20.0, 10.0) == pytest.approx(0.75)  # twice the speed: half the time
    assert flight_seconds(120.0, 10.0) == pytest.approx(0.125)
    assert flight_seconds(120.0, 10.0) >= 1 / 120.0
    assert flight_seconds(0.5, 10.0) == pytest.approx(6.0)  # capped, and ≥ the 2 s step
    assert flight_seconds(10.0, 10.0, time_scale=0.25) == pytest.approx(6.0)  # the replay


def test_a_batch_streams_off_and_has_landed_when_its_time_is_up() -> None:
    book = FlightBook()
    n = 10
    zeros, ones = np.zeros(n), np.ones(n)
    book.add(0.0, (zeros, zeros), (ones, ones), (zeros, ones), np.arange(n), zeros, 2.0)
    x, _y, key, tx, _ty, _tk = book.frame(0.5)
    assert x.size == n and (key == 0).all()
    assert 0 < tx.size < 3 * n  # only the ones that set off drag a trail
    assert book.last_landing(0) == pytest.approx(2.0)
    x, _y, key, *_ = book.frame(2.0 * (1 - STAGGER) + 0.05)  # each flies 1.1 s, 0.1 s apart
    assert book.take_landed().tolist() == [0]
    assert x.size == n - 1 and (key == 1).sum() >= 1  # past half way: the new owner's colour
    book.frame(2.0 + 1e-9)
    assert book.count == 0 and sorted(book.take_landed().tolist()) == list(range(1, n))


def _node(name: str, cpu_used: float, mem_used: float, labels: tuple[str, ...] = ()) -> NodeInfo:
    return NodeInfo(name, 0, "ACTIVE", 4.0, 16.0, cpu_used, mem_used, labels=labels)


def test_the_pending_reason_names_what_no_node_has() -> None:
    assert pending_reason([_node("a", 4, 2)], 2.0, 2.0, None) == "no node has 2 CPU free"
    assert pending_reason([_node("a", 0, 15)], 1.0, 2.0, None) == "no node has 2 GiB memory free"
    both = [_node("a", 4, 0), _node("b", 0, 16)]
    assert pending_reason(both, 1.0, 2.0, None) == "no node has 1 CPU and 2 GiB free together"
    assert pending_reason([_node("a", 0, 0)], 1.0, 1.0, "gpu") == "no node offers 'gpu'"
    assert pending_reason([], 1.0, 1.0, None) == "no node is accepting pods"
