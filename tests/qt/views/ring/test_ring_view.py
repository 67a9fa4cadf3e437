"""RingView: geometry, owner colours, caching, hover/click, packets, crash blinking."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from benchmarks.bench_gui import wheel
from phoenix_gui.engine.ring import HashRing, tokens_of
from phoenix_gui.qt.snapshots import MemberInfo, MembershipChange, Moves, StepStory, TaskArrays
from phoenix_gui.qt.views.palette import BACKGROUND, member_color
from phoenix_gui.qt.views.ring import geometry as geo
from phoenix_gui.qt.views.ring import measure
from phoenix_gui.qt.views.ring import ticks as ticks_module
from phoenix_gui.qt.views.ring.ring_view import LABEL_LIMIT, LARGEST_LABELLED, RingView


class FakeClock:
    """Wall clock the test advances by hand, so animations are checked frame by frame."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _shown_view(
    qtbot, size: QtCore.QSize | None = None, clock: FakeClock | None = None
) -> RingView:
    """An empty ring view on a :class:`FakeClock`, shown and exposed (700×700 by default)."""
    view = RingView(clock=clock or FakeClock())
    qtbot.addWidget(view)
    view.resize(size or QtCore.QSize(700, 700))
    view.show()
    qtbot.waitExposed(view)
    return view


def _members_of(ring: HashRing) -> tuple[list[MemberInfo], dict[int, np.ndarray]]:
    members = [
        MemberInfo(m, ring.index_of(m), int(tokens_of([m])[0]), vnodes=20, load=7, trust=0.9)
        for m in ring.members
    ]
    return members, ring.vnode_tokens_by_index()


def _ring_view(qtbot, paradigm: str = "phoenix", hosts: int = 5, tasks: int = 400):
    clock = FakeClock()
    view = _shown_view(qtbot, clock=clock)
    ring = HashRing.from_members([f"host-{i}" for i in range(hosts)], vnodes=20)
    members, vt = _members_of(ring)
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


def _drain_story(ring: HashRing, view: RingView, member: str, kind: str = "drain"):
    """What the adapter tells after ``member`` leaves ``ring``: the tasks that change owner."""
    ids = view.task_ids
    tok = tokens_of([f"task-{i}" for i in ids.tolist()])
    before = ring.route_tokens(tok).astype(np.int64)
    table_before = ring.owner_table().copy()
    index = ring.index_of(member)
    info = MemberInfo(member, index, int(tokens_of([member])[0]), status="REMOVED")
    ring.remove(member)
    after = ring.route_tokens(tok).astype(np.int64)
    moved = np.flatnonzero(before != after)
    moves = Moves(ids[moved], tok[moved], before[moved], after[moved], ("retire",) * moved.size)
    changed = np.flatnonzero(table_before != ring.owner_table())
    change = MembershipChange(
        kind, info, "phoenix", moves, changed, ring.owner_table()[changed].astype(np.int64)
    )
    members, vt = _members_of(ring)
    view.set_members("phoenix", members, ring.owner_table(), vt)
    view.set_tasks(TaskArrays(ids, tok, after, np.ones(ids.size, np.int8), np.zeros(ids.size)))
    return StepStory(moves=moves, changes=(change,)), moved, before, after


def test_drain_flies_every_moving_task_from_its_arc_to_its_new_owner(qtbot) -> None:
    view, ring, clock = _ring_view(qtbot)
    story, moved, before, after = _drain_story(ring, view, "host-2")
    assert moved.size and set(before[moved].tolist()) == {2}
    view.play_story(story, 1.5)
    assert view.packets_in_flight == moved.size
    start, end = view.animator.book.endpoints()
    tasks = view.animator.book.tasks()
    assert sorted(tasks.tolist()) == sorted(view.task_ids[moved].tolist())
    # Each starts at its dot (on host-2's arc before the drain) and ends at its new owner.
    sx, sy = geo.token_xy(tokens_of([f"task-{t}" for t in tasks.tolist()]), geo.task_radius(tasks))
    np.testing.assert_allclose(start, np.column_stack((sx, sy)))
    where = view._marker_positions()
    owner_of = dict(zip(view.task_ids.tolist(), after.tolist(), strict=True))
    expected = np.array([where[owner_of[t]] for t in tasks.tolist()])
    np.testing.assert_allclose(end, expected)
    # In the air they are not drawn on the arc; all have landed by the end of the 1.5 s.
    assert view._dots._xy.shape[1] == view.task_ids.size - moved.size
    clock.now += 1.0
    view.render_frame()
    assert 0 < view.packets_in_flight < moved.size  # a stream, not one blob
    assert view._trail._xy.shape[1]  # each flying packet drags a short trail
    clock.now += 0.55
    view.render_frame()
    assert view.packets_in_flight == 0
    assert view._dots._xy.shape[1] == view.task_ids.size


def test_changed_arcs_flash_and_the_leaver_fades_only_after_its_last_task(qtbot) -> None:
    view, ring, clock = _ring_view(qtbot)
    story, _moved, _b, _a = _drain_story(ring, view, "host-2")
    view.play_story(story, 1.5)
    flashed = np.flatnonzero(view._flash._table >= 0)
    assert flashed.size == story.changes[0].positions.size > 0
    alphas = []
    for _ in range(6):
        clock.now += 0.12
        view.render_frame()
        alphas.append(view._flash.isVisible())
    assert set(alphas) == {True, False}  # the changed arcs blink
    assert 2 in view._ghosts  # gone from the ring, but still on screen while tasks fly
    assert view.animator.effect(clock.now, 2).alpha == 1.0
    clock.now = 100.0 + 1.5 + 0.5  # last task landed half a second ago: fading
    view.render_frame()
    assert 0.0 < view.animator.effect(clock.now, 2).alpha < 1.0
    clock.now += 1.0
    view.render_frame()
    assert 2 not in view._ghosts
    assert not view._flash.isVisible()
    qtbot.waitUntil(lambda: not view._frame_timer.isActive(), timeout=3000)


def test_crashed_member_turns_red_and_its_tasks_blink_until_detected(qtbot) -> None:
    view, ring, clock = _ring_view(qtbot)
    owned = int((view.task_owner_array() == 2).sum())
    assert owned > 0
    info = MemberInfo("host-2", 2, int(tokens_of(["host-2"])[0]), status="FAILED")
    view.play_story(
        StepStory(changes=(MembershipChange("crash", info, "phoenix", stranded=owned),)), 1.5
    )
    assert view.stranded_on_screen == owned
    seen = set()
    for _ in range(8):
        clock.now += 0.13
        view.render_frame()
        seen.add(view.stranded_shown_red)
    assert seen == {True, False}  # it blinks
    assert view.animator.effect(clock.now, 2).crashed
    story, moved, _b, _a = _drain_story(ring, view, "host-2", kind="removed")
    view.play_story(story, 1.5)
    assert view.stranded_on_screen == 0
    assert view.packets_in_flight == moved.size
    assert view._ghosts[2].status == "REMOVED"  # drawn red until its tasks have left
    clock.now += 5.0
    view.render_frame()
    qtbot.waitUntil(lambda: not view._frame_timer.isActive(), timeout=3000)


def test_joining_member_pulses_and_settles(qtbot) -> None:
    view, _, clock = _ring_view(qtbot)
    info = MemberInfo("host-1", 1, int(tokens_of(["host-1"])[0]))
    view.play_story(StepStory(changes=(MembershipChange("join", info, "phoenix"),)), 1.5)
    sizes = []
    for _ in range(10):
        clock.now += 0.15
        view.render_frame()
        sizes.append(view.animator.effect(clock.now, 1).scale)
    assert max(sizes) > 1.05 and sizes[-1] == 1.0
    qtbot.waitUntil(lambda: not view._frame_timer.isActive(), timeout=2000)


def test_hover_click_and_tab_light_a_member_up(qtbot, monkeypatch) -> None:
    # The offscreen platform warns when a tooltip window is raised; the tooltip is not the point.
    monkeypatch.setattr(QtWidgets.QToolTip, "showText", lambda *args: None)
    view, _ring, _clock = _ring_view(qtbot)
    owner = view.task_owner_array()
    point = view.mapFromScene(view.member_position("host-3"))
    qtbot.mouseMove(view.viewport(), pos=point)
    qtbot.waitUntil(lambda: view.highlighted == "host-3", timeout=2000)
    assert view.highlight.lit_tasks == int((owner == 3).sum())
    assert view.highlight.dim.isVisible()
    view.setFocus()
    with qtbot.waitSignal(view.memberHighlighted, timeout=2000):
        view.leaveEvent(QtCore.QEvent(QtCore.QEvent.Type.Leave))
        qtbot.keyClick(view, QtCore.Qt.Key.Key_Tab)
    assert view.highlighted == "host-0"
    qtbot.keyClick(view, QtCore.Qt.Key.Key_Tab)
    assert view.highlighted == "host-1"
    assert view.highlight.lit_tasks == int((owner == 1).sum())
    qtbot.keyClick(view, QtCore.Qt.Key.Key_Backtab)
    assert view.highlighted == "host-0"
    qtbot.keyClick(view, QtCore.Qt.Key.Key_Escape)
    assert view.highlighted is None and not view.highlight.dim.isVisible()
    # Tab past the last host lets go, so the keyboard focus can leave the ring.
    assert [view.step_selection() for _ in range(6)] == [*(f"host-{i}" for i in range(5)), None]
    assert view.highlighted is None


def test_legend_names_every_member_colour(qtbot) -> None:
    view, _ring, _clock = _ring_view(qtbot)
    assert not view.legend.isVisible()
    view.legend.setVisible(True)
    assert view.legend.names == [f"host-{i}" for i in range(5)]
    assert member_color(3).name() in view.legend.label.text()


def _frame(view: RingView, qtbot) -> QtGui.QImage:
    qtbot.wait(1)  # let the scene hand its dirty areas to the viewport
    return view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_ARGB32)


def _fresh_frame(qtbot, ring: HashRing, tasks: TaskArrays) -> QtGui.QImage:
    fresh = _shown_view(qtbot)
    members, vt = _members_of(ring)
    fresh.set_members("phoenix", members, ring.owner_table(), vt)
    fresh.set_tasks(tasks)
    return _frame(fresh, qtbot)


def test_frame_after_ownership_and_membership_change_equals_a_fresh_build(qtbot) -> None:
    # 40 members: three tick groups (16 members each), so a change redraws one of them.
    view, ring, _ = _ring_view(qtbot, hosts=40)
    _frame(view, qtbot)  # cached layers exist before the change
    for change, name in ((ring.add, "host-new"), (ring.remove, "host-3")):
        change(name)
        members, vt = _members_of(ring)
        drawn = view._ticks.rasterised
        view.set_members("phoenix", members, ring.owner_table(), vt)
        t = view._tasks
        tasks = TaskArrays(t.ids, t.tokens, ring.route_tokens(t.tokens).astype(np.int64))
        view.set_tasks(tasks)
        changed = _frame(view, qtbot)
        assert view._ticks.rasterised - drawn == 1  # only the group of the member that changed
        assert changed == _fresh_frame(qtbot, ring, tasks)  # pixel for pixel


def test_back_to_a_moment_shown_before_restrokes_nothing_and_draws_the_same(qtbot) -> None:
    # The timeline jumps between moments: the groups of the one shown before are kept (with
    # their images), so coming back re-strokes none of them, and the picture is the same.
    view, ring, _ = _ring_view(qtbot, hosts=40)
    then_members, then_vt = _members_of(ring)
    then_table = ring.owner_table().copy()
    then = _frame(view, qtbot)
    ring.remove("host-3")
    ring.add("host-new")
    members, vt = _members_of(ring)
    view.set_members("phoenix", members, ring.owner_table(), vt)
    assert _frame(view, qtbot) != then
    drawn = view._ticks.rasterised
    view.set_members("phoenix", then_members, then_table, then_vt)
    back = _frame(view, qtbot)
    assert view._ticks.rasterised == drawn
    assert back == then  # pixel for pixel


def test_arc_band_pixels_take_the_colour_of_the_owner_under_them(qtbot) -> None:
    view, ring, _ = _ring_view(qtbot)
    img = _frame(view, qtbot)
    vb = view.getPlotItem().getViewBox()
    table = ring.owner_table()
    checked = 0
    for pos in range(0, geo.TOKEN_SPACE, 97):
        owner = int(table[pos])
        # Middle of the position's arc, on the ring's radius but clear of the ring line.
        x, y = geo.token_xy(np.array([pos + 0.5]), (geo.RING_R + geo.ARC_OUT) / 2)
        point = view.mapFromScene(vb.mapViewToScene(QtCore.QPointF(float(x[0]), float(y[0]))))
        ticks = view._ticks._groups[0].signature
        near_tick = any(
            np.min(np.abs((np.frombuffer(raw, np.int64) - pos + 5000) % 10_000 - 5000)) < 40
            for _i, raw in ticks
        )
        if owner < 0 or near_tick:
            continue  # a vnode tick is drawn over the band there
        got = QtGui.QColor(img.pixel(point.x(), point.y())).getRgb()[:3]
        # The owner's colour at alpha 150 over the background.
        bg, fg = QtGui.QColor(BACKGROUND).getRgb()[:3], member_color(owner).getRgb()[:3]
        want = [(f * 150 + b * 105) / 255 for f, b in zip(fg, bg, strict=True)]
        assert np.abs(np.subtract(got, want)).max() <= 6, (pos, owner, got, want)
        checked += 1
    assert checked >= 10


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


def _ring_fits(view: RingView) -> bool:
    """The visible range holds the whole ring, its ticks and member markers."""
    (x0, x1), (y0, y1) = view.getPlotItem().getViewBox().viewRange()
    r = geo.MEMBER_R
    return x0 <= -r and x1 >= r and y0 <= -r and y1 >= r


@pytest.mark.parametrize("size", [(1600, 260), (260, 1600), (120, 120), (1920, 1080)])
def test_the_whole_ring_stays_in_view_after_a_drastic_resize(qtbot, size) -> None:
    view, _, _ = _ring_view(qtbot)
    assert _ring_fits(view)
    view.resize(*size)
    qtbot.wait(1)
    assert _ring_fits(view)
    (x0, x1), (y0, y1) = view.getPlotItem().getViewBox().viewRange()
    assert abs(x0 + x1) < 1e-6 and abs(y0 + y1) < 1e-6  # centred, not shifted
    # Someone else moved the range (as a layout glitch would): the next resize re-fits.
    view.getPlotItem().getViewBox().setRange(xRange=(2.0, 3.0), yRange=(2.0, 3.0), padding=0)
    view.resize(700, 700)
    qtbot.wait(1)
    assert _ring_fits(view)


# The offscreen platform cannot raise a popup menu or grab the keyboard for it; it says so.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")
def test_a_user_zoom_survives_a_resize_until_reset_by_double_click_or_menu(qtbot) -> None:
    view, _, _ = _ring_view(qtbot)
    wheel(view, 3)  # zoom in with the mouse wheel
    assert view.view_moved and not _ring_fits(view)
    zoomed = view.getPlotItem().getViewBox().viewRange()
    view.resize(900, 500)
    qtbot.wait(1)
    assert view.view_moved and not _ring_fits(view)  # the user's zoom is kept
    (x0, x1), _ = view.getPlotItem().getViewBox().viewRange()
    assert x1 - x0 < zoomed[0][1] - zoomed[0][0] + 3.0
    qtbot.mouseDClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton)
    assert not view.view_moved and _ring_fits(view)
    # Right-click on empty space: a "Reset view" entry does the same.
    wheel(view, 3)
    assert not _ring_fits(view)
    corner = QtCore.QPoint(5, 5)  # far from the ring: no member, no task under it
    qtbot.mouseClick(view.viewport(), QtCore.Qt.MouseButton.RightButton, pos=corner)
    assert view.view_menu is not None
    [action] = [a for a in view.view_menu.actions() if a.text() == "Reset view"]
    action.trigger()
    view.view_menu.close()
    assert not view.view_moved and _ring_fits(view)


def _pixels(image: QtGui.QImage) -> np.ndarray:
    """ARGB32 image as an (h, w, 4) uint8 array (B, G, R, A)."""
    image = image.convertToFormat(QtGui.QImage.Format.Format_ARGB32)
    raw = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    rows = raw.reshape(image.height(), image.bytesPerLine())[:, : 4 * image.width()]
    return rows.reshape(image.height(), image.width(), 4).copy()  # the image dies with us


def _export(view: RingView) -> QtGui.QImage:
    """Render the scene as an export does: through the view's render(), not its paint event."""
    image = QtGui.QImage(view.viewport().size(), QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    view.render(painter, QtCore.QRectF(image.rect()), view.viewport().rect())
    painter.end()
    return image


def _fresh_at_the_same_zoom(qtbot, view: RingView, ring: HashRing) -> QtGui.QImage:
    """A fresh build at ``view``'s zoom: a new view zoomed first, then given its data."""
    fresh = _shown_view(qtbot, view.size())
    (x0, x1), (y0, y1) = view.getPlotItem().getViewBox().viewRange()
    fresh.getPlotItem().getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
    qtbot.wait(1)
    members, vt = _members_of(ring)
    fresh.set_members("phoenix", members, ring.owner_table(), vt)
    fresh.set_tasks(view._tasks)
    return _frame(fresh, qtbot)


def test_a_zoom_step_shows_ticks_and_arcs_rescaled_then_redraws_them_as_a_fresh_build(
    qtbot,
) -> None:
    # 40 members: three tick groups. The zoom step's own frame re-strokes none of them (it
    # shows the old images mapped to the new scale); the frames after it redraw them sharp.
    view, ring, _ = _ring_view(qtbot, hosts=40)
    before = _frame(view, qtbot)
    ticks, arcs = view._ticks, view._arcs
    assert ticks.sharp and arcs.sharp
    drawn, scaled = ticks.rasterised, ticks.scaled
    wheel(view, 1)
    (x0, x1), (y0, y1) = view.getPlotItem().getViewBox().viewRange()
    assert x1 - x0 < 2 * 1.55 and min(x1, y1, -x0, -y0) > geo.TICK_OUT  # zoomed, ticks in view
    view.viewport().repaint()  # the zoom step's frame, before the event loop runs again
    assert ticks.rasterised == drawn and ticks.scaled - scaled == 3
    assert not ticks.sharp and not arcs.sharp
    stopgap = view.grab().toImage()
    exported = _export(view)  # an export in the meantime is drawn sharp at once …
    assert not ticks.sharp and ticks.rasterised == drawn  # … and leaves the screen's images
    qtbot.waitUntil(lambda: ticks.sharp and arcs.sharp, timeout=3000)
    assert ticks.rasterised - drawn == 3  # each group re-stroked once
    settled = _frame(view, qtbot)
    assert settled != before
    assert settled == _fresh_at_the_same_zoom(qtbot, view, ring)  # pixel for pixel
    # The export was sharp (render() and the screen round a level apart here and there).
    assert np.abs(_pixels(exported).astype(int) - _pixels(settled))[..., :3].max() <= 2
    # The stop-gap is the same picture, only softer: the old images were mapped to the right
    # place (off by a few pixels, the ticks would differ almost everywhere).
    diff = np.abs(_pixels(stopgap).astype(int) - _pixels(settled).astype(int)).max(axis=2)
    assert (diff > 96).mean() < 0.01, (diff > 96).mean()


def test_a_resize_or_a_grab_is_drawn_sharp_at_once(qtbot) -> None:
    # Only the user's zoom or pan gets the rescaled stop-gap: a resize re-fits the ring and its
    # very first frame (a screenshot, say) is already the sharp one.
    view, _, _ = _ring_view(qtbot, hosts=40)
    _frame(view, qtbot)
    ticks, arcs = view._ticks, view._arcs
    drawn, scaled = ticks.rasterised, ticks.scaled
    view.resize(900, 760)
    image = view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_ARGB32)
    assert ticks.sharp and arcs.sharp
    assert ticks.scaled == scaled and ticks.rasterised - drawn == 3
    assert image == _frame(view, qtbot)


def test_zooming_again_before_the_ticks_are_sharp_still_ends_on_a_fresh_build(
    qtbot, monkeypatch
) -> None:
    # No time budget: one group re-stroked every other frame, so a second wheel step lands
    # while some groups are sharp at the first zoom and the others still wait at the start.
    monkeypatch.setattr(ticks_module, "RESTROKE_BUDGET_MS", 0.0)
    view, ring, _ = _ring_view(qtbot, hosts=40)
    _frame(view, qtbot)
    ticks = view._ticks
    wheel(view, 1)
    view.viewport().repaint()
    for _ in range(50):
        QtWidgets.QApplication.processEvents()
        view.viewport().repaint()
        if any(g.key == ticks._shown_key for g in ticks._groups):
            break
    assert not ticks.sharp
    wheel(view, -1)
    view.viewport().repaint()
    assert len({g.key for g in ticks._groups}) == 2  # two old scales shown at once
    qtbot.waitUntil(lambda: ticks.sharp and view._arcs.sharp, timeout=3000)
    assert _frame(view, qtbot) == _fresh_at_the_same_zoom(qtbot, view, ring)


def test_saturated_ring_says_so_in_words(qtbot) -> None:
    view = _shown_view(qtbot)
    names = [f"host-{i}" for i in range(50)]
    ring = HashRing.from_members(names, vnodes=1000)
    members = [
        MemberInfo(
            m, ring.index_of(m), int(tokens_of([m])[0]), vnodes=1000,
            distinct=ring.distinct_positions(m),
        )
        for m in ring.members
    ]  # fmt: skip
    view.set_members("phoenix", members, ring.owner_table(), ring.vnode_tokens_by_index())
    assert view.saturation_note is not None
    assert "no longer spread load" in view.saturation_note
    assert view._saturation_label.isVisible()
    small = HashRing.from_members(names[:5], vnodes=20)
    few, vt = _members_of(small)
    view.set_members("phoenix", few, small.owner_table(), vt)
    assert view.saturation_note is None and not view._saturation_label.isVisible()


def test_the_blink_shows_one_of_two_cached_dot_layers_and_redraws_neither(qtbot) -> None:
    view, _ring, clock = _ring_view(qtbot)
    owned = int((view.task_owner_array() == 2).sum())
    info = MemberInfo("host-2", 2, int(tokens_of(["host-2"])[0]), status="FAILED")
    view.play_story(
        StepStory(changes=(MembershipChange("crash", info, "phoenix", stranded=owned),)), 1.5
    )
    red, plain = view._dots_red, view._dots
    renders = red.renders, plain.renders
    shown = []
    for _ in range(8):
        clock.now += 0.13
        view.render_frame()
        QtWidgets.QApplication.processEvents()  # the scene takes in what changed …
        view.viewport().repaint()  # … and the view paints it now
        shown.append((view.stranded_shown_red, view.dots_shown_plain))
        # Neither layer's picture changes with the blink: each keeps its cache.
        assert red.swapped == {2} and plain.swapped == frozenset()
    assert set(shown) == {(True, False), (False, True)}  # exactly one of them, in turn
    # Each layer is rendered once, the first time it is shown; every later blink is a blit
    # (a hidden item loses its cache in Qt, so the blink must not hide them).
    assert red.renders - renders[0] == 1 and plain.renders - renders[1] <= 1


def test_labels_of_members_no_longer_labelled_are_renamed_not_made_anew(qtbot) -> None:
    # Past LABEL_LIMIT only the busiest members are labelled: a timeline jump changes which.
    view = _shown_view(qtbot)
    ring = HashRing.from_members([f"host-{i}" for i in range(LABEL_LIMIT + 20)], vnodes=4)
    members, vt = _members_of(ring)

    def busiest(first: int) -> list[MemberInfo]:
        return [
            MemberInfo(m.id, m.index, m.token, vnodes=4, load=9 if first <= k < first + 8 else 1)
            for k, m in enumerate(members)
        ]

    view.set_members("phoenix", busiest(0), ring.owner_table(), vt)
    items = {id(item) for item in view.visible_labels().values()}
    assert len(items) == LARGEST_LABELLED
    view.set_members("phoenix", busiest(30), ring.owner_table(), vt)
    shown = view.visible_labels()
    assert sorted(shown) == sorted(m.id for m in members[30:38])
    assert {id(item) for item in shown.values()} == items  # the same items, renamed
    assert all(item.toPlainText() == member_id for member_id, item in shown.items())
    view.set_members("phoenix", busiest(0)[:3], ring.owner_table(), vt)  # a few: all labelled
    view.set_members("phoenix", busiest(40), ring.owner_table(), vt)
    assert sorted(view.visible_labels()) == sorted(m.id for m in members[40:48])


def test_members_of_one_colour_share_their_marker_symbol(qtbot) -> None:
    # A timeline jump shows hundreds of members not drawn before; past the distinct colours
    # they share colours with members drawn already, so no symbol is rendered for them anew.
    view = _shown_view(qtbot)

    def members(first: int) -> list[MemberInfo]:
        return [MemberInfo(f"m{i}", i, (i * 7919) % 10_000) for i in range(first, first + 300)]

    view.set_members("phoenix", members(1000))
    rendered = len(view._markers.fragmentAtlas)
    assert rendered < 300
    view.set_members("phoenix", members(2000))
    assert len(view._markers.fragmentAtlas) == rendered
    assert view._markers.data.size == 300


@pytest.mark.parametrize("size", [(700, 700), (560, 300)])
def test_a_leavers_label_stays_tied_to_its_fading_marker(qtbot, size) -> None:
    # Seen at 1280×800 in presentation mode: a crashed or drained member kept its label in the
    # column beside the ring while its marker faded, with no leader line to say which it was.
    view, ring, clock = _ring_view(qtbot, hosts=14)
    view.resize(*size)
    qtbot.waitUntil(lambda: view.width() == size[0])
    for leaver in ("host-3", "host-9"):
        story, _moved, _b, _a = _drain_story(ring, view, leaver)
        view.play_story(story, 1.5)
        assert leaver in view.visible_labels()
        assert measure.detached_labels(view) == []
    clock.now += 10.0
    view.render_frame()
    assert "host-3" not in view.visible_labels()  # gone once faded
    assert measure.detached_labels(view) == []


def test_detached_label_measure_sees_a_label_without_its_leader(qtbot) -> None:
    view, _ring, _clock = _ring_view(qtbot, hosts=14)
    assert measure.detached_labels(view) == []
    label = view.visible_labels()["host-5"]
    label.setPos(-1.6, -1.6)  # far from host-5's marker, with no line to it
    assert measure.detached_labels(view) == ["host-5"]


def test_a_jump_or_reset_takes_the_leavers_marker_and_name_off_at_once(qtbot) -> None:
    # Seen on the self-test's "past" picture: the leavers of the moment left behind kept their
    # marker and name (with nothing tying them to a member) on the past moment's ring.
    view, ring, _clock = _ring_view(qtbot, hosts=14)
    story, _moved, _b, _a = _drain_story(ring, view, "host-3")
    view.play_story(story, 1.5)
    assert "host-3" in view.visible_labels()
    view.reset_animation()  # what a timeline jump and Reset do; no frame follows
    assert "host-3" not in view.visible_labels()
    assert len(view._markers.data) == 13
    assert measure.detached_labels(view) == []


def _marker_look(view: RingView) -> list[tuple[object, ...]]:
    data = view._markers.data
    return [
        (float(d["size"]), d["symbol"], d["brush"].color().rgba(), d["pen"].color().rgba())
        for d in data
    ]


def test_markers_restyled_in_place_look_as_markers_set_anew(qtbot, monkeypatch) -> None:
    # A pulse or a crash only restyles the markers whose look changed (no setData of every
    # marker each frame); what is drawn is what a full rebuild would draw.
    view, _, clock = _ring_view(qtbot)
    full = []
    monkeypatch.setattr(view._markers, "setData", lambda **kw: full.append(kw))
    info = MemberInfo("host-1", 1, int(tokens_of(["host-1"])[0]))
    crashed = MemberInfo("host-3", 3, int(tokens_of(["host-3"])[0]))
    view.play_story(
        StepStory(
            changes=(
                MembershipChange("join", info, "phoenix"),
                MembershipChange("crash", crashed, "phoenix"),
            )
        ),
        1.5,
    )
    looks = []
    for _ in range(6):
        clock.now += 0.15
        view.render_frame()
        looks.append(_marker_look(view))
        monkeypatch.undo()
        restyled = _marker_look(view)
        view._marker_signature = ()  # forget: the next update sets every marker anew
        view._update_markers(clock.now)
        assert _marker_look(view) == restyled
        monkeypatch.setattr(view._markers, "setData", lambda **kw: full.append(kw))
    assert full == []
    assert len({tuple(look) for look in looks}) > 1  # the pulse did change the markers
    assert any(symbol == "x" for _s, symbol, _b, _p in looks[-1])  # the crash's cross
    view.stop_animation()


def test_markers_set_anew_after_a_join_or_leave_look_as_a_full_rebuild(qtbot, monkeypatch) -> None:
    # A join or a leave moves the markers' rows: those that look as before keep their symbol
    # from the atlas, the others are looked up — what is drawn is what setData would draw.
    view, ring, _clock = _ring_view(qtbot, hosts=6)
    members, vt = _members_of(ring)
    full = []
    monkeypatch.setattr(view._markers, "setData", lambda **kw: full.append(kw))
    crashed = [MemberInfo(m.id, m.index, m.token, status="FAILED") for m in members[2:3]]
    joiner = MemberInfo("host-9", 9, int(tokens_of(["host-9"])[0]))
    for shown in (members[:4] + crashed + members[5:], [*members[1:], joiner], members[:3]):
        view.set_members("phoenix", shown, ring.owner_table(), vt)
        data = view._markers.data
        kept = (_marker_look(view), data["x"].tolist(), data["sourceRect"].tolist())
        monkeypatch.undo()
        view._marker_signature = ()  # forget: the next update sets every marker anew
        view._update_markers(view._clock())
        data = view._markers.data
        assert (_marker_look(view), data["x"].tolist(), data["sourceRect"].tolist()) == kept
        assert len(data) == len(shown)
        monkeypatch.setattr(view._markers, "setData", lambda **kw: full.append(kw))
    assert full == []


def test_labels_are_placed_again_only_when_what_they_depend_on_changed(qtbot) -> None:
    # A step that changes nothing the labels depend on (members, names, view) leaves them be.
    view, ring, _clock = _ring_view(qtbot, hosts=14)
    members, vt = _members_of(ring)
    moved: list[str] = []
    for member_id, label in view.visible_labels().items():
        label.setPos = lambda *a, _m=member_id, _set=label.setPos: (moved.append(_m), _set(*a))
    view.set_members("phoenix", members, ring.owner_table(), vt)
    view._place_labels()
    assert moved == []
    view.resize(500, 500)  # a smaller view: the labels move closer together
    qtbot.waitUntil(lambda: view.width() == 500)
    assert sorted(set(moved)) == sorted(view.visible_labels())
    assert measure.overlapping_labels(view) == [] and measure.detached_labels(view) == []
    moved.clear()
    view.set_members("phoenix", members[1:], ring.owner_table(), vt)  # one label fewer
    assert moved  # the others spread again


def test_labels_are_made_ahead_so_a_mass_join_creates_none(qtbot) -> None:
    # A step that labels dozens of members at once (a mass join) took ~1 ms per new label
    # (creating a TextItem and adding it to the scene) in one slice of the GUI thread: the
    # shown view makes hidden spares between events, and the join takes them.
    from phoenix_gui.qt.views.ring.ring_view import SPARE_LABELS

    view, _ring, _clock = _ring_view(qtbot, hosts=3)
    qtbot.waitUntil(lambda: len(view._spare_labels) == SPARE_LABELS, timeout=10_000)
    assert not view._label_filler.isActive()
    assert not any(label.isVisible() for label in view._spare_labels)
    items = len(view.scene().items())
    ring = HashRing.from_members([f"host-{i}" for i in range(40)], vnodes=20)
    members, vt = _members_of(ring)
    view.set_members("phoenix", members, ring.owner_table(), vt)
    assert len(view.visible_labels()) == 40
    assert len(view.scene().items()) == items  # no label item created: spares reused
    assert view._label_filler.isActive()  # the spares used are made again, between events
    # The same labels, in the same places, as labels made there and then.
    fresh = _shown_view(qtbot)
    fresh._label_filler.stop()
    for label in fresh._spare_labels:
        fresh.removeItem(label)
    fresh._spare_labels.clear()
    fresh.set_members("phoenix", members, ring.owner_table(), vt)

    def look(v: RingView) -> dict[str, tuple[object, ...]]:
        return {
            m: (item.toPlainText(), item.pos(), tuple(item.anchor), item.textItem.font())
            for m, item in v.visible_labels().items()
        }

    assert look(view) == look(fresh)
    view.hide()
    assert not view._label_filler.isActive()
