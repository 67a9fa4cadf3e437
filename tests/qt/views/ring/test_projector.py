"""What the ring shows is true on a projector: honest task dots and labels that never overlap."""

from __future__ import annotations

from dataclasses import replace

import pytest

from phoenix_gui.engine.config import MembersConfig, SimulationConfig, WorkloadConfig
from phoenix_gui.qt.adapter import SimulationAdapter
from phoenix_gui.qt.views.palette import DISTINCT_UP_TO, member_color
from phoenix_gui.qt.views.ring import layers, measure
from phoenix_gui.qt.views.ring.ring_binding import RingBinding
from phoenix_gui.qt.views.ring.ring_view import LABEL_LIMIT, RingView


def ring_of(qtbot, hosts: int, tasks: int, size=(880, 440)) -> RingView:
    config = replace(
        SimulationConfig(seed=3),
        members=MembersConfig(generate=hosts),
        workload=WorkloadConfig(initial_tasks=tasks),
    )
    adapter = SimulationAdapter(config)
    view = RingView()
    adapter.setParent(view)
    view.resize(*size)
    RingBinding(adapter, view)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    # The run's first keyframe is stored in slices: done before the test ends (else its timer
    # is still running at teardown whenever the test itself was quick).
    qtbot.waitUntil(lambda: not adapter.history.storing, timeout=20_000)
    return view


@pytest.mark.parametrize("hosts", [10, 50])
@pytest.mark.parametrize("tasks", [1_000, 10_000])
def test_each_hosts_share_of_dot_pixels_is_its_share_of_tasks(qtbot, hosts, tasks) -> None:
    view = ring_of(qtbot, hosts, tasks)
    shares = measure.dot_shares(view)
    assert len(shares) == hosts
    worst = max(abs(pixels - share) for pixels, share in shares.values())
    assert worst <= 2.0, sorted(shares.items(), key=lambda kv: -abs(kv[1][0] - kv[1][1]))[:3]


def test_painting_colour_by_colour_would_fail_the_same_measure(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(layers, "DOT_ROUNDS", 1)  # the old order: one colour after another
    view = ring_of(qtbot, 10, 10_000)
    assert measure.dot_share_error(view) > 2.0


def test_member_colours_stay_distinct_up_to_64_members() -> None:
    # Otherwise two members would share a colour and the picture could not show their shares.
    rgb = [member_color(i).getRgb()[:3] for i in range(DISTINCT_UP_TO)]
    for i, a in enumerate(rgb):
        for j in range(i):
            b = rgb[j]
            assert sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5 >= 40, (i, j)


def test_dots_are_painted_in_interleaved_rounds(qtbot) -> None:
    view = ring_of(qtbot, 10, 2_000)
    order = view._dots.keys_in_paint_order()
    # Every colour comes back round after round, never all of one colour and then the next.
    for key in set(order):
        assert order.count(key) >= layers.DOT_ROUNDS // 2
    firsts = {order[k * 10] for k in range(layers.DOT_ROUNDS // 2)}
    assert len(firsts) > 1  # rounds start with different colours


@pytest.mark.parametrize("hosts", [5, 13, 20, 32, 50])
@pytest.mark.parametrize("size", [(880, 380), (1020, 640), (500, 420)])
def test_no_two_host_labels_overlap_and_each_stays_attached(qtbot, hosts, size) -> None:
    view = ring_of(qtbot, hosts, 200, size)
    rects = measure.label_rects(view)
    assert len(rects) == hosts
    assert measure.overlapping_labels(view) == []
    # A label away from its marker is tied to it by a leader line from that marker to it.
    assert measure.detached_labels(view) == []


def test_pixel_shares_are_measured_only_while_colours_tell_members_apart(qtbot) -> None:
    # Past 64 owners colours repeat: a pixel's colour no longer says whose dot it is, and the
    # measure would blame the picture for its own ambiguity (the busy scenario's 200 hosts).
    assert measure.dots_measurable(ring_of(qtbot, DISTINCT_UP_TO, 2_000))
    assert not measure.dots_measurable(ring_of(qtbot, DISTINCT_UP_TO + 36, 2_000))


def test_past_the_limit_only_hovered_selected_and_busiest_are_labelled(qtbot) -> None:
    view = ring_of(qtbot, LABEL_LIMIT + 30, 2_000)
    shown = set(view.visible_labels())
    assert 0 < len(shown) <= 10
    assert measure.overlapping_labels(view) == []
    other = next(m.id for m in view._by_id.values() if m.id not in shown)
    view.set_selected(other)
    assert other in view.visible_labels()


def test_labels_keep_clear_of_the_saturation_note(qtbot) -> None:
    view = ring_of(qtbot, 30, 1_000, size=(840, 420))  # 30 × 100 vnodes: the ring is saturated
    assert view.saturation_note and view.label_obstacles()
    assert measure.overlapping_labels(view) == []
    assert len(view.visible_labels()) == 30
