"""RingView: geometry, owner colours, caching, hover/click, packets, crash blinking."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from phoenix_gui.engine.ring import HashRing, tokens_of
from phoenix_gui.qt import geometry as geo
from phoenix_gui.qt.palette import member_color
from phoenix_gui.qt.ring_view import MemberInfo, RingView, TaskArrays


class FakeClock:
    """Wall clock the test advances by hand, so animations are checked frame by frame."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _ring_view(qtbot, paradigm: str = "phoenix", hosts: int = 5, tasks: int = 400):
    clock = FakeClock()
    view = RingView(clock=clock)
    qtbot.addWidget(view)
    view.resize(700, 700)
    view.show()
    qtbot.waitExposed(view)
    ids = [f"host-{i}" for i in range(hosts)]
    ring = HashRing.from_members(ids, vnodes=20)
    members = [
        MemberInfo(m, ring.index_of(m), int(tokens_of([m])[0]), vnodes=20, load=7, trust=0.9)
        for m in ids
    ]
    vt = {ring.index_of(m): ring.vnode_tokens(m) for m in ids}
    view.set_members(paradigm, members, ring.owner_table(), vt)
    tok = tokens_of([f"task-{i}" for i in range(tasks)])
    owner = ring.route_tokens(tok).astype(np.int64)
    view.set_tasks(
        TaskArrays(np.arange(tasks), tok, owner, np.ones(tasks, np.int8), np.zeros(tasks))
    )
    return view, ring, clock


def test_angles_start_at_twelve_and_run_clockwise() -> None:
    x, y = geo.token_xy(np.array([0, 2500, 5000, 7500]), 1.0)
    np.testing.assert_allclose(x, [0, 1, 0, -1], atol=1e-12)
    np.testing.assert_allclose(y, [1, 0, -1, 0], atol=1e-12)


def test_task_jitter_is_a_function_of_the_id_only() -> None:
    ids = np.arange(10_000)
    r = geo.task_radius(ids)
    assert r.min() >= geo.TASK_R_MIN and r.max() <= geo.TASK_R_MAX
    np.testing.assert_array_equal(r, geo.task_radius(ids.copy()))
    assert np.unique(np.round(r, 6)).size > 1000  # really spread out, not a few rings


def test_task_dots_take_their_owner_colour_and_rebuild_only_on_change(qtbot, monkeypatch) -> None:
    view, ring, _ = _ring_view(qtbot)
    owner = view.task_owner_array()
    expected = [member_color(int(o)).rgba() for o in owner]
    assert view.task_colour_array().tolist() == expected
    calls = []
    monkeypatch.setattr(view._dots, "set_data", lambda *a: calls.append(a))
    same = view._tasks
    view.set_tasks(TaskArrays(same.ids.copy(), same.tokens, same.owner.copy()))
    assert calls == []  # unchanged ownership: the cached layer is kept
    moved = same.owner.copy()
    moved[:10] = ring.index_of("host-0")
    view.set_tasks(TaskArrays(same.ids, same.tokens, moved))
    assert len(calls) == 1
    assert view.task_colour_array()[:10].tolist() == [member_color(0).rgba()] * 10


def test_tooltips_describe_members_and_tasks(qtbot) -> None:
    view, ring, _ = _ring_view(qtbot)
    m = view._by_id["host-2"]
    x, y = geo.token_xy(np.array([m.token]), geo.MEMBER_R)
    kind, info = view.hit_test(float(x[0]), float(y[0]), 0.02)
    assert kind == "member" and info.id == "host-2"
    text = view.tooltip_text((kind, info))
    for part in ("host-2", "status: ACTIVE", "vnodes: 20", "load: 7", "trust: 0.90"):
        assert part in text
    # A point on the ring band belongs to the owner of that token position.
    pos = 1234
    x, y = geo.token_xy(np.array([pos + 0.5]), geo.RING_R)
    kind, info = view.hit_test(float(x[0]), float(y[0]), 0.001)
    assert info.index == int(ring.owner_table()[pos])
    tx, ty = view._task_xy
    kind, row = view.hit_test(float(tx[3]), float(ty[3]), 0.001)
    assert kind == "task" and row == 3
    text = view.tooltip_text((kind, row))
    assert "task-3" in text and f"token: {int(view._tasks.tokens[3])}" in text
    assert "owner: " + ring.name_of(int(view._tasks.owner[3])) in text


@pytest.mark.parametrize(
    "button", [QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.MouseButton.RightButton]
)
def test_clicking_a_member_marker_emits_its_id(qtbot, button) -> None:
    view, _, _ = _ring_view(qtbot)
    point = view.mapFromScene(view.member_position("host-1"))
    signal = (
        view.memberClicked
        if button == QtCore.Qt.MouseButton.LeftButton
        else view.memberContextRequested
    )
    with qtbot.waitSignal(signal, timeout=2000) as blocker:
        qtbot.mouseClick(view.viewport(), button, pos=point)
    assert blocker.args[0] == "host-1"


def test_packet_flies_along_the_ring_then_lands(qtbot) -> None:
    view, _, clock = _ring_view(qtbot)
    view.start_migration(0, 3)
    assert view.packets_in_flight == 1
    clock.now += 0.3
    x, y, colour = view.animator.packets(clock.now)
    assert colour.tolist() == [3]
    assert np.hypot(x, y)[0] == pytest.approx(geo.PACKET_R)  # phoenix: along the ring
    clock.now += 0.4
    view.render_frame()
    assert view.packets_in_flight == 0
    qtbot.waitUntil(lambda: not view._frame_timer.isActive(), timeout=2000)


def test_packet_crosses_the_circle_for_kubernetes(qtbot) -> None:
    view, _, clock = _ring_view(qtbot, paradigm="kubernetes")
    assert view._links._paths  # assignment links instead of arcs
    assert view._arcs._table is None
    view.start_migration(0, 3)
    x, y, _ = view.animator.packets(clock.now + 0.3)
    assert np.hypot(x, y)[0] < geo.PACKET_R - 0.05
    view.reset_animation()


def test_crashed_member_turns_red_and_its_tasks_blink_until_removed(qtbot) -> None:
    view, _, clock = _ring_view(qtbot)
    owned = int((view.task_owner_array() == 2).sum())
    assert owned > 0
    view.member_crashed(2)
    assert view.stranded_on_screen == owned
    seen = set()
    for _ in range(8):
        clock.now += 0.13
        view.render_frame()
        seen.add(view._stranded.isVisible())
    assert seen == {True, False}  # it blinks
    assert view.animator.effect(clock.now, 2).crashed
    view.member_removed(2)
    assert view.stranded_on_screen == 0
    qtbot.waitUntil(lambda: not view._frame_timer.isActive(), timeout=2000)


def test_joining_member_pulses_and_settles(qtbot) -> None:
    view, _, clock = _ring_view(qtbot)
    view.member_joined(1)
    sizes = []
    for _ in range(10):
        clock.now += 0.15
        view.render_frame()
        sizes.append(view.animator.effect(clock.now, 1).scale)
    assert max(sizes) > 1.05 and sizes[-1] == 1.0
    qtbot.waitUntil(lambda: not view._frame_timer.isActive(), timeout=2000)


def _frame(view: RingView, qtbot) -> QtGui.QImage:
    qtbot.wait(1)  # let the scene hand its dirty areas to the viewport
    return view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_ARGB32)


def test_frame_after_ownership_and_membership_change_equals_a_fresh_build(qtbot) -> None:
    view, ring, _ = _ring_view(qtbot, hosts=6)
    _frame(view, qtbot)  # cached layers exist before the change
    # A join: new member, ticks from the tick cache for the others, tasks re-routed.
    ring.add("host-new")
    ids = [*(f"host-{i}" for i in range(6)), "host-new"]
    members = [
        MemberInfo(m, ring.index_of(m), int(tokens_of([m])[0]), vnodes=20, load=7, trust=0.9)
        for m in ids
    ]
    vt = {ring.index_of(m): ring.vnode_tokens(m) for m in ids}
    view.set_members("phoenix", members, ring.owner_table(), vt)
    t = view._tasks
    view.set_tasks(TaskArrays(t.ids, t.tokens, ring.route_tokens(t.tokens).astype(np.int64)))
    changed = _frame(view, qtbot)

    fresh = RingView(clock=FakeClock())
    qtbot.addWidget(fresh)
    fresh.resize(700, 700)
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.set_members("phoenix", members, ring.owner_table(), vt)
    fresh.set_tasks(TaskArrays(t.ids, t.tokens, ring.route_tokens(t.tokens).astype(np.int64)))
    assert changed == _frame(fresh, qtbot)  # pixel for pixel


def test_a_task_dot_is_painted_in_its_owner_colour(qtbot) -> None:
    view, _, _ = _ring_view(qtbot, tasks=1)
    img = _frame(view, qtbot)
    x, y = view._task_xy
    vb = view.getPlotItem().getViewBox()
    centre = view.mapFromScene(vb.mapViewToScene(QtCore.QPointF(float(x[0]), float(y[0]))))
    colour = QtGui.QColor(img.pixel(centre.x(), centre.y()))
    want = member_color(int(view.task_owner_array()[0]))
    # Alpha 230 over the dark background: within a few levels of the owner's colour.
    for got, ref in zip(colour.getRgb()[:3], want.getRgb()[:3], strict=True):
        assert abs(got - ref) <= 30
    view._dots.clear()
    blank = _frame(view, qtbot)
    assert QtGui.QColor(blank.pixel(centre.x(), centre.y())) != colour  # the dot drew that
