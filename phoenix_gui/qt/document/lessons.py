"""Lessons: the Lessons menu of bundled scenarios, and captions that pause the run.

:class:`LessonController` is fed every engine event (connect the adapter's event signal to
:meth:`LessonController.on_event`). A ``caption`` event shows its text in the
:class:`~phoenix_gui.qt.document.caption_overlay.CaptionOverlay`; a caption marked ``pause``
also emits ``pauseRequested`` and offers "Next ▶", whose click emits ``resumeRequested``.

:class:`LessonsMenu` lists the bundled lesson scenarios by name, with each description as
tooltip and status tip, and emits ``lessonChosen(path)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.document.caption_overlay import CaptionOverlay
from phoenix_gui.resources import bundled_scenarios
from phoenix_gui.scenario import ScenarioError, load_scenario


class LessonController(QtCore.QObject):
    """Shows timeline captions and asks the run to pause / resume around them."""

    pauseRequested = QtCore.Signal()  # noqa: N815  (Qt signal naming)
    resumeRequested = QtCore.Signal()  # noqa: N815
    captionShown = QtCore.Signal(str, bool)  # noqa: N815  text, paused

    def __init__(
        self, overlay: CaptionOverlay | None = None, parent: QtCore.QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.overlay = overlay
        self._waiting = False
        self._text = ""
        if overlay is not None:
            overlay.nextClicked.connect(self.next)

    @property
    def waiting(self) -> bool:
        """True while the run is held at a caption, until Next."""
        return self._waiting

    @property
    def text(self) -> str:
        """The caption shown last ("" after a reset)."""
        return self._text

    def on_events(self, events: list[Any]) -> None:
        """A step's events at once (the adapter's ``eventsEmitted``), in order."""
        for event in events:
            self.on_event(event)

    def on_event(self, event: Any) -> None:
        """Feed every engine event here; only ``caption`` events are acted on."""
        if getattr(event, "kind", None) != "caption":
            return
        details = getattr(event, "details", {}) or {}
        text = str(details.get("text", ""))
        pause = bool(details.get("pause", False))
        self._text = text
        self._waiting = pause or self._waiting
        if self.overlay is not None:
            self.overlay.show_caption(text, paused=self._waiting)
        self.captionShown.emit(text, pause)
        if pause:
            self.pauseRequested.emit()

    def next(self) -> None:
        """Continue past a pausing caption (the Next button)."""
        if not self._waiting:
            return
        self._waiting = False
        if self.overlay is not None:
            self.overlay.hide_next()
        self.resumeRequested.emit()

    def reset(self) -> None:
        """A new run or scenario: no caption, nothing to wait for."""
        self._waiting = False
        self._text = ""
        if self.overlay is not None:
            self.overlay.hide()


@dataclass(frozen=True)
class Lesson:
    path: Path
    name: str
    description: str
    error: str | None = None  # why the file could not be read (listed, disabled)


def read_lessons(paths: Sequence[Path] | None = None) -> list[Lesson]:
    """Name and description of each lesson file (bundled ones by default), in file order."""
    lessons = []
    for path in bundled_scenarios() if paths is None else paths:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            lessons.append(Lesson(path, path.stem, "", error=str(error)))
            continue
        lessons.append(Lesson(path, scenario.name, scenario.description.strip()))
    return lessons


class LessonsMenu(QtCore.QObject):
    """The Lessons menu: one action per lesson; choosing one emits ``lessonChosen(path)``."""

    lessonChosen = QtCore.Signal(str)  # noqa: N815  (Qt signal naming)

    def __init__(
        self,
        parent: QtWidgets.QWidget | None = None,
        paths: Sequence[Path] | None = None,
    ) -> None:
        super().__init__(parent)
        self.menu = QtWidgets.QMenu("&Lessons", parent)
        self.menu.setObjectName("lessonsMenu")
        self.menu.setToolTipsVisible(True)
        self.lessons = read_lessons(paths)
        for lesson in self.lessons:
            self._add(lesson)
        if not self.lessons:
            empty = self.menu.addAction("(no lessons installed)")
            empty.setEnabled(False)

    def actions(self) -> list[QtGui.QAction]:
        return [a for a in self.menu.actions() if isinstance(a.data(), str)]

    def _add(self, lesson: Lesson) -> None:
        action = self.menu.addAction(lesson.name)
        action.setData(str(lesson.path))
        if lesson.error is not None:
            action.setText(f"{lesson.path.name} (cannot be read)")
            action.setEnabled(False)
            action.setToolTip(lesson.error)
            return
        action.setToolTip(_wrap(lesson.description) or lesson.name)
        action.setStatusTip(_first_sentence(lesson.description))
        action.triggered.connect(lambda _=False, p=str(lesson.path): self.lessonChosen.emit(p))


def _first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    end = flat.find(". ")
    return flat if end < 0 else flat[: end + 1]


def _wrap(text: str, width: int = 70) -> str:
    """Tooltips do not wrap plain text by themselves: break long paragraphs into lines."""
    import textwrap

    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(textwrap.fill(p, width) for p in paragraphs if p)
