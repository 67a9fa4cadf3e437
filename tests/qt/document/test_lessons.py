"""Lessons: the caption strip below the ring, its moments, pauses, navigation, the menu."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine.config import MembersConfig, SimulationConfig, TimelineEvent, WorkloadConfig
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.engine.simulation import Simulation
from phoenix_gui.qt.document.caption_overlay import (
    PRESENTATION_MIN_POINT_SIZE,
    CaptionStage,
    CaptionStrip,
)
from phoenix_gui.qt.document.lessons import LessonController, LessonsMenu, captions_of
from phoenix_gui.resources import bundled_scenarios
from phoenix_gui.scenario import load_scenario

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

TEXT = "Watch the arcs: only the tasks between the new host and its predecessor move."
TIMELINE = (
    TimelineEvent(at=0.0, kind="caption", text="A new host is about to join.", pause=True),
    TimelineEvent(at=1.0, kind="join"),
    TimelineEvent(at=1.5, kind="caption", text="It joined; about 1/5 moved.", pause=True),
    TimelineEvent(at=3.0, kind="caption", text="End of lesson."),
)


@pytest.fixture
def stage(qtbot) -> CaptionStage:
    view = QtWidgets.QWidget()
    widget = CaptionStage(view)
    widget.resize(1280, 800)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def lesson(stage) -> tuple[LessonController, CaptionStrip]:
    return LessonController(stage.strip), stage.strip


def caption(text: str, pause: bool, time: float = 1.0) -> Event:
    return Event(time, Primitive.SYSTEM, "caption", {"text": text, "pause": pause})


def test_a_caption_with_pause_stops_a_real_run(qtbot, lesson) -> None:
    controller, strip = lesson
    config = replace(
        SimulationConfig(seed=7),
        members=MembersConfig(generate=4),
        workload=WorkloadConfig(initial_tasks=50),
        timeline=(
            TimelineEvent(at=0.5, kind="caption", text="Four hosts share the ring."),
            TimelineEvent(at=1.0, kind="caption", text=TEXT, pause=True),
        ),
    )
    controller.set_timeline(config.timeline)
    controller.reset()
    assert not strip.isVisible()  # the first caption's moment is not t = 0
    sim = Simulation(config)
    sim.subscribe(controller.on_event)
    paused: list[float] = []
    controller.pauseRequested.connect(lambda: paused.append(sim.time))
    while not paused and sim.time < 8.0:
        sim.step()
    assert paused and paused[0] == pytest.approx(1.0, abs=config.timing.step_hours)
    assert strip.isVisible() and strip.text() == TEXT and controller.waiting
    assert strip.counter.text() == "2 / 2"
    with qtbot.waitSignal(controller.resumeRequested):
        qtbot.mouseClick(strip.next_button, QtCore.Qt.MouseButton.LeftButton)
    assert not controller.waiting and strip.text() == TEXT  # the last caption stays


def test_a_lesson_shows_its_first_caption_at_once_and_reset_returns_to_it(lesson) -> None:
    controller, strip = lesson
    controller.set_timeline(TIMELINE)
    controller.reset()
    assert strip.isVisible() and controller.index == 0 and strip.counter.text() == "1 / 3"
    assert not controller.waiting  # nothing runs yet: Play is the way on
    controller.on_event(caption("It joined; about 1/5 moved.", pause=True, time=1.5))
    assert controller.index == 1 and strip.counter.text() == "2 / 3"
    controller.reset()
    assert controller.index == 0 and strip.text() == "A new host is about to join."


def test_a_caption_read_before_its_moment_does_not_hold_the_run_again(qtbot, lesson) -> None:
    controller, _strip = lesson
    controller.set_timeline(TIMELINE)
    controller.reset()  # the t = 0 caption is on screen; the teacher presses Play
    with qtbot.assertNotEmitted(controller.pauseRequested):
        controller.on_event(caption("A new host is about to join.", pause=True, time=0.0))
    assert not controller.waiting
    with qtbot.waitSignal(controller.pauseRequested):
        controller.on_event(caption("It joined; about 1/5 moved.", pause=True, time=1.5))


def test_a_caption_goes_when_its_moment_has_passed(lesson) -> None:
    controller, strip = lesson
    controller.set_timeline(TIMELINE)
    assert [c.until for c in captions_of(TIMELINE)] == [1.0, 3.0, None]
    controller.reset()
    controller.on_event(caption("A new host is about to join.", pause=True, time=0.0))
    controller.on_time(0.5)
    assert strip.isVisible()
    controller.on_time(1.0)  # the join it announced happened: "about to join" would be stale
    assert not strip.isVisible() and controller.text == ""
    controller.on_event(caption("It joined; about 1/5 moved.", pause=False, time=1.5))
    controller.on_time(2.9)
    assert strip.isVisible()
    controller.on_event(caption("End of lesson.", pause=False, time=3.0))
    controller.on_time(99.0)
    assert strip.isVisible() and controller.text == "End of lesson."


def test_a_run_with_another_setup_shows_no_lesson_caption(lesson) -> None:
    controller, strip = lesson
    controller.set_timeline(TIMELINE)
    controller.reset(matches=False)  # e.g. Reset after vnodes 1 → 100
    assert not strip.isVisible()
    controller.on_event(caption("A new host is about to join.", pause=True, time=0.0))
    assert not strip.isVisible() and not controller.waiting


def test_previous_next_and_restart(qtbot, lesson) -> None:
    controller, strip = lesson
    controller.set_timeline(TIMELINE)
    controller.reset()
    controller.on_event(caption("A new host is about to join.", pause=False, time=0.0))
    controller.on_event(caption("It joined; about 1/5 moved.", pause=False, time=1.5))
    controller.on_time(1.6)
    qtbot.mouseClick(strip.previous_button, QtCore.Qt.MouseButton.LeftButton)
    assert controller.index == 0 and strip.counter.text() == "1 / 3 (earlier)"
    assert not strip.previous_button.isEnabled()
    controller.next()
    assert controller.index == 1 and strip.counter.text() == "2 / 3"
    with qtbot.waitSignal(controller.resumeRequested):
        controller.next()  # the next caption is still ahead: play towards it
    with qtbot.waitSignal(controller.restartRequested):
        qtbot.mouseClick(strip.restart_button, QtCore.Qt.MouseButton.LeftButton)


def test_page_down_and_page_up_are_window_shortcuts(qtbot, lesson, stage) -> None:
    controller, _strip = lesson
    controller.install_shortcuts(stage)
    controller.set_timeline(TIMELINE)
    controller.reset()
    controller.on_event(caption("A new host is about to join.", pause=False, time=0.0))
    controller.on_event(caption("It joined; about 1/5 moved.", pause=True, time=1.5))
    stage.activateWindow()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is stage)
    qtbot.keyClick(stage, QtCore.Qt.Key.Key_PageUp)
    assert controller.index == 0
    controller.on_event(caption("x", pause=True))  # held again (unknown caption)
    with qtbot.waitSignal(controller.resumeRequested):
        qtbot.keyClick(stage, QtCore.Qt.Key.Key_PageDown)


def bundled_captions() -> list[str]:
    return [
        e.text
        for path in bundled_scenarios()
        for e in load_scenario(path).timeline
        if e.kind == "caption"
    ]


# The stage beside a presentation-mode Metrics dock at 1280×800 and at 1920×1080.
@pytest.mark.parametrize("size", [(762, 709), (1300, 990)])
def test_every_bundled_caption_fits_below_the_ring_in_presentation_mode(lesson, stage, size):
    controller, strip = lesson
    stage.resize(*size)
    strip.set_presentation_mode(True)
    texts = bundled_captions()
    assert texts
    for text in texts:
        controller.on_event(caption(text, pause=True))
        QtWidgets.QApplication.processEvents()
        assert strip.point_size() >= PRESENTATION_MIN_POINT_SIZE, text
        _assert_beside(strip, stage)


def test_a_caption_too_long_for_the_screen_shrinks_rather_than_being_cut(lesson, stage) -> None:
    controller, strip = lesson
    strip.set_presentation_mode(True)
    controller.on_event(caption(" ".join([TEXT] * 14), pause=True))
    QtWidgets.QApplication.processEvents()
    assert strip.point_size() < PRESENTATION_MIN_POINT_SIZE
    _assert_beside(strip, stage)


def test_caption_text_is_escaped(lesson) -> None:
    controller, strip = lesson
    controller.on_event(caption("<b>not bold</b> <img src=x>", pause=False))
    assert strip.text() == "<b>not bold</b> <img src=x>"
    assert "<img" not in strip.label.text()


def test_the_lessons_menu_lists_bundled_scenarios_with_descriptions(qtbot) -> None:
    paths = bundled_scenarios()
    assert paths, "no bundled lessons"
    lessons = LessonsMenu(paths=paths)
    actions = lessons.actions()
    assert [a.data() for a in actions] == [str(p) for p in paths]
    for action, path in zip(actions, paths, strict=True):
        scenario = load_scenario(path)
        assert action.text() == scenario.name
        first_words = " ".join(scenario.description.split()[:4])
        assert first_words and first_words in " ".join(action.toolTip().split())
        assert action.statusTip() and action.statusTip() in " ".join(scenario.description.split())
    with qtbot.waitSignal(lessons.lessonChosen) as chosen:
        actions[-1].trigger()
    assert chosen.args == [str(paths[-1])]


def test_an_unreadable_lesson_is_listed_disabled_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("schema_version: 1\nname: x\nseed: -1\n", encoding="utf-8")
    lessons = LessonsMenu(paths=[bad])
    (action,) = lessons.actions()
    assert not action.isEnabled()
    assert "broken.yaml" in action.text()
    assert "seed" in action.toolTip()


def _assert_beside(strip: CaptionStrip, stage: CaptionStage) -> None:
    """The strip sits under the view, never over it, and its text is not cut off."""
    assert not strip.geometry().intersects(stage.view.geometry())
    assert stage.rect().contains(strip.geometry())
    label = strip.label
    assert label.heightForWidth(label.width()) <= label.height() + 2


def test_a_caption_points_at_what_it_names_after_its_own_repaint(qtbot, lesson) -> None:
    # Raising the docks a caption names (and building a panel on its first use) in the same
    # slice as the caption's own layout made one of a step's longest stalls: it follows at the
    # next turn of the event loop, and only for the caption still shown then.
    controller, _strip = lesson
    pointed: list[str] = []
    controller.point_at = pointed.append
    controller.set_timeline(TIMELINE)
    controller.reset()  # the first caption is on screen
    assert pointed == []  # not in this slice
    qtbot.waitUntil(lambda: pointed == ["A new host is about to join."], timeout=2000)
    controller.on_event(caption("It joined; about 1/5 moved.", pause=False, time=1.5))
    controller.previous()  # another caption before that one was pointed at: only it is
    qtbot.waitUntil(lambda: len(pointed) == 2, timeout=2000)
    qtbot.wait(50)  # the caption passed over is not pointed at late
    assert pointed == ["A new host is about to join."] * 2
