"""Lessons: captions over the ring, pausing at captions marked pause, Next, the Lessons menu."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine.config import MembersConfig, SimulationConfig, TimelineEvent, WorkloadConfig
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.engine.simulation import Simulation
from phoenix_gui.qt.document.caption_overlay import PRESENTATION_MIN_POINT_SIZE, CaptionOverlay
from phoenix_gui.qt.document.lessons import LessonController, LessonsMenu
from phoenix_gui.resources import bundled_scenarios
from phoenix_gui.scenario import load_scenario

TEXT = "Watch the arcs: only the tasks between the new host and its predecessor move."


@pytest.fixture
def ring(qtbot) -> QtWidgets.QWidget:
    widget = QtWidgets.QWidget()
    widget.resize(1280, 800)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def lesson(ring) -> tuple[LessonController, CaptionOverlay]:
    overlay = CaptionOverlay(ring)
    return LessonController(overlay), overlay


def caption(text: str, pause: bool, time: float = 1.0) -> Event:
    return Event(time, Primitive.SYSTEM, "caption", {"text": text, "pause": pause})


def test_a_caption_with_pause_stops_a_real_run(qtbot, lesson) -> None:
    controller, overlay = lesson
    config = replace(
        SimulationConfig(seed=7),
        members=MembersConfig(generate=4),
        workload=WorkloadConfig(initial_tasks=50),
        timeline=(
            TimelineEvent(at=0.5, kind="caption", text="Four hosts share the ring."),
            TimelineEvent(at=1.0, kind="caption", text=TEXT, pause=True),
        ),
    )
    sim = Simulation(config)
    sim.subscribe(controller.on_event)
    paused: list[float] = []
    controller.pauseRequested.connect(lambda: paused.append(sim.time))

    # The loop a play timer runs: step until asked to pause (or give up after 8 hours).
    while not paused and sim.time < 8.0:
        sim.step()

    assert paused and paused[0] == pytest.approx(1.0, abs=config.timing.step_hours)
    assert overlay.isVisible() and overlay.text() == TEXT
    assert overlay.next_button.isVisible()
    assert controller.waiting
    with qtbot.waitSignal(controller.resumeRequested):
        qtbot.mouseClick(overlay.next_button, QtCore.Qt.MouseButton.LeftButton)
    assert not overlay.next_button.isVisible()
    assert not controller.waiting
    assert overlay.text() == TEXT  # the caption stays until the next one


def test_a_caption_without_pause_shows_but_does_not_pause(qtbot, lesson) -> None:
    controller, overlay = lesson
    with qtbot.assertNotEmitted(controller.pauseRequested):
        controller.on_event(caption("Just a note.", pause=False))
    assert overlay.isVisible() and overlay.text() == "Just a note."
    assert not overlay.next_button.isVisible() and overlay.close_button.isVisible()
    qtbot.mouseClick(overlay.close_button, QtCore.Qt.MouseButton.LeftButton)
    assert not overlay.isVisible()


def test_other_events_are_ignored_and_reset_clears(lesson) -> None:
    controller, overlay = lesson
    controller.on_event(Event(1.0, Primitive.IDENTITY, "member_joined", {"member": "h"}))
    assert not overlay.isVisible()
    controller.on_event(caption("Hold on.", pause=True))
    controller.reset()
    assert not overlay.isVisible() and not controller.waiting and controller.text == ""


def test_next_without_a_pause_does_nothing(qtbot, lesson) -> None:
    controller, _overlay = lesson
    with qtbot.assertNotEmitted(controller.resumeRequested):
        controller.next()


def test_page_down_presses_next(qtbot, lesson, ring) -> None:
    controller, _overlay = lesson
    controller.on_event(caption("Predict what moves.", pause=True))
    with qtbot.waitSignal(controller.resumeRequested):
        qtbot.keyClick(ring, QtCore.Qt.Key.Key_PageDown)


def test_overlay_follows_the_parent_size(qtbot, lesson, ring) -> None:
    controller, overlay = lesson
    controller.on_event(caption(TEXT, pause=True))
    _assert_inside(overlay, ring)
    ring.resize(1920, 1080)
    qtbot.waitUntil(lambda: overlay.width() > 1700)
    _assert_inside(overlay, ring)
    ring.resize(640, 480)
    qtbot.waitUntil(lambda: overlay.width() < 640)
    _assert_inside(overlay, ring)


def test_presentation_mode_text_is_readable_from_the_back(lesson, ring) -> None:
    controller, overlay = lesson
    controller.on_event(caption(TEXT, pause=True))
    normal = overlay.point_size()
    overlay.set_presentation_mode(True)
    assert overlay.point_size() >= 36
    assert overlay.label.font().pointSizeF() == overlay.point_size() > normal
    _assert_inside(overlay, ring)
    overlay.set_presentation_mode(False)
    assert overlay.point_size() == normal


def bundled_captions() -> list[str]:
    return [
        e.text
        for path in bundled_scenarios()
        for e in load_scenario(path).timeline
        if e.kind == "caption"
    ]


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_every_bundled_caption_fits_at_36_pt_or_more(lesson, ring, size) -> None:
    controller, overlay = lesson
    ring.resize(*size)
    overlay.set_presentation_mode(True)
    texts = bundled_captions()
    assert texts
    for text in texts:
        controller.on_event(caption(text, pause=True))
        assert overlay.point_size() >= PRESENTATION_MIN_POINT_SIZE, text
        _assert_inside(overlay, ring)


def test_a_caption_too_long_for_the_screen_shrinks_rather_than_being_cut(lesson, ring) -> None:
    controller, overlay = lesson
    overlay.set_presentation_mode(True)
    controller.on_event(caption(" ".join([TEXT] * 6), pause=True))
    assert overlay.point_size() < PRESENTATION_MIN_POINT_SIZE
    _assert_inside(overlay, ring)


def test_caption_text_is_plain_text(lesson) -> None:
    controller, overlay = lesson
    controller.on_event(caption("<b>not bold</b> <img src=x>", pause=False))
    assert overlay.label.textFormat() == QtCore.Qt.TextFormat.PlainText
    assert overlay.text() == "<b>not bold</b> <img src=x>"


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


def _assert_inside(overlay: CaptionOverlay, parent: QtWidgets.QWidget) -> None:
    geo = overlay.geometry()
    assert parent.rect().contains(geo), (geo, parent.rect())
    # The wrapped text fits in the panel: nothing is cut off.
    label = overlay.label
    assert label.heightForWidth(label.width()) <= label.height()
    assert label.geometry().bottom() <= overlay.height()
    if overlay.next_button.isVisible():
        assert overlay.rect().contains(overlay.next_button.geometry())
        assert not overlay.next_button.geometry().intersects(label.geometry())
