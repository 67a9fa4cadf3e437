"""A costly redraw: at once for small drawings; paced by its cost for big ones, never lost."""

from __future__ import annotations

import gc
import weakref

import numpy as np
from PySide6 import QtWidgets

from phoenix_gui.qt.snapshots import TaskArrays
from phoenix_gui.qt.views.ring import pacing
from phoenix_gui.qt.views.ring.pacing import PacedRedraw
from phoenix_gui.qt.views.ring.ring_view import RingView


class Drawing(QtWidgets.QWidget):
    last_paint_ms = 0.0

    def __init__(self) -> None:
        super().__init__()
        self.drawn = 0
        self.pacer = PacedRedraw(self, self.draw, self)

    def draw(self) -> None:
        self.drawn += 1


def test_small_drawings_redraw_at_once(qtbot) -> None:
    widget = Drawing()
    qtbot.addWidget(widget)
    widget.show()
    widget.last_paint_ms = 1000.0  # however costly
    for _ in range(3):
        widget.pacer.request(pacing.PACE_FROM - 1)
    assert widget.drawn == 3 and not widget.pacer.pending


def test_big_drawings_wait_their_turn_and_then_draw_once(qtbot) -> None:
    widget = Drawing()
    qtbot.addWidget(widget)
    widget.show()
    widget.last_paint_ms = 20.0  # a turn every 8 × 20 ms
    widget.pacer.request(pacing.PACE_FROM)  # the first one draws at once
    assert widget.drawn == 1
    for _ in range(5):
        widget.pacer.request(pacing.PACE_FROM)
    assert widget.drawn == 1 and widget.pacer.pending  # the others wait for one turn
    qtbot.waitUntil(lambda: not widget.pacer.pending, timeout=3000)
    assert widget.drawn == 2  # … and it came: the last request is never lost


def test_hiding_hands_over_what_was_due_and_leaves_no_timer(qtbot) -> None:
    widget = Drawing()
    qtbot.addWidget(widget)
    widget.show()
    widget.last_paint_ms = 1000.0
    widget.pacer.request(pacing.PACE_FROM)
    widget.pacer.request(pacing.PACE_FROM)
    assert widget.pacer.pending
    widget.hide()
    assert widget.drawn == 2 and not widget.pacer.pending


def test_the_pacer_does_not_keep_its_widget_alive(qtbot) -> None:
    widget = Drawing()
    ref = weakref.ref(widget)
    del widget
    gc.collect()
    assert ref() is None


def test_a_big_ring_shows_the_latest_dots_once_its_turn_comes(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(pacing, "PACE_FROM", 10)
    view = RingView()
    qtbot.addWidget(view)
    view.resize(400, 400)
    view.show()
    qtbot.waitExposed(view)

    def tasks(owner: int) -> TaskArrays:
        ids = np.arange(50, dtype=np.int64)
        return TaskArrays(ids, ids * 1000, np.full(50, owner), np.zeros(50, dtype=np.int64))

    view.set_tasks(tasks(0))
    view._dots.last_paint_ms = 50.0  # as if its paint had cost 50 ms
    view.set_tasks(tasks(1))
    view.set_tasks(tasks(2))
    assert view._dots_pacer.pending
    assert view._dots.keys_in_paint_order()[0] == 0  # still the first step's dots …
    view.catch_up_dots()  # … until a picture is taken, or the turn comes
    assert set(view._dots.keys_in_paint_order()) == {2}
