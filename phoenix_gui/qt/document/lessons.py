"""Lessons: the Lessons menu of bundled scenarios, and the captions that walk through a lesson.

:class:`LessonController` knows the lesson's captions from its timeline
(:meth:`LessonController.set_timeline`) and is fed every engine event (connect the adapter's
event signal to :meth:`LessonController.on_event`) and the simulated time after each step
(:meth:`LessonController.on_time`):

* a freshly opened or reset lesson shows its t = 0 caption at once ("1 / 7");
* a ``caption`` event shows its caption; one marked ``pause`` holds the run
  (``pauseRequested``) unless it was already on screen before its moment came (the teacher
  read it and pressed Play);
* a caption is shown only while its moment is current: it goes when the next scripted event
  of the timeline happens (the join it announced, say) or the next caption replaces it, and
  not at all in a run whose setup differs from the lesson's (:meth:`reset` ``matches=False``);
* previous / next / restart and PageUp / PageDown navigate: Next continues a held run (or plays
  towards the next caption), Previous shows an earlier caption again, marked "earlier".

Caption text is rendered through a reference resolver (``{panel:balance}`` → "Balance"), see
:mod:`phoenix_gui.qt.document.references`.

:class:`LessonsMenu` lists the bundled lesson scenarios by name, with each description as
tooltip and status tip, and emits ``lessonChosen(path)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.document.caption_overlay import CaptionStrip
from phoenix_gui.resources import bundled_scenarios
from phoenix_gui.scenario import ScenarioError, load_scenario


@dataclass(frozen=True)
class Caption:
    """One caption of a lesson: its moment [at, until) and what it says."""

    at: float
    text: str
    pause: bool
    until: float | None  # the next scripted event or caption; None: to the end


def captions_of(timeline: Sequence[Any]) -> list[Caption]:
    """The captions of a timeline (engine ``TimelineEvent`` s), each with the end of its moment."""
    events = sorted(
        ((float(ev.at), i, ev) for i, ev in enumerate(timeline)), key=lambda e: (e[0], e[1])
    )
    out = []
    for at, _i, ev in events:
        if ev.kind != "caption":
            continue
        later = [t for t, _j, other in events if t > at and other.kind != "caption"]
        later += [t for t, _j, other in events if t > at and other.kind == "caption"]
        out.append(Caption(at, str(ev.text or ""), bool(ev.pause), min(later, default=None)))
    return out


class LessonController(QtCore.QObject):
    """Shows timeline captions, holds the run at pausing ones, and navigates between them."""

    pauseRequested = QtCore.Signal()  # noqa: N815  (Qt signal naming)
    resumeRequested = QtCore.Signal()  # noqa: N815
    restartRequested = QtCore.Signal()  # noqa: N815
    captionShown = QtCore.Signal(str, bool)  # noqa: N815  text, paused

    def __init__(
        self, overlay: CaptionStrip | None = None, parent: QtCore.QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.overlay = overlay
        self.captions: list[Caption] = []
        self.render_plain: Callable[[str], str] = lambda text: text
        self.render_rich: Callable[[str], str] | None = None
        self.point_at: Callable[[str], object] | None = None
        self._waiting = False
        self._text = ""
        self._index = -1  # the caption on screen (or last on screen)
        self._fired = -1  # the last caption whose moment came in this run
        self._matches = True
        self._time = 0.0
        if overlay is not None:
            overlay.nextClicked.connect(self.next)
            overlay.previousClicked.connect(self.previous)
            overlay.restartClicked.connect(self.restartRequested)
            overlay.dismissed.connect(self._on_dismissed)

    def install_shortcuts(self, window: QtWidgets.QWidget) -> tuple[QtGui.QAction, QtGui.QAction]:
        """PageDown → next, PageUp → previous on ``window`` (a presenter's clicker sends them)."""
        actions = []
        for key, slot, text in (
            (QtCore.Qt.Key.Key_PageDown, self.next, "Next caption"),
            (QtCore.Qt.Key.Key_PageUp, self.previous, "Previous caption"),
        ):
            action = QtGui.QAction(text, window)
            action.setShortcut(QtGui.QKeySequence(key))
            action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            window.addAction(action)
            actions.append(action)
        self.next_action, self.previous_action = actions
        return actions[0], actions[1]

    # ---- state -------------------------------------------------------------------------
    @property
    def waiting(self) -> bool:
        """True while the run is held at a caption, until Next."""
        return self._waiting

    @property
    def text(self) -> str:
        """The caption on screen, references rendered ("" when none is)."""
        return self._text

    @property
    def index(self) -> int:
        """0-based index of the caption on screen, −1 when none is."""
        return self._index if self._text else -1

    def set_timeline(self, timeline: Sequence[Any]) -> None:
        """The lesson's timeline (a scenario was opened); call :meth:`reset` next."""
        self.captions = captions_of(timeline)

    # ---- the run -----------------------------------------------------------------------
    def reset(self, matches: bool = True) -> None:
        """A new run: back to the first caption (when it belongs at t = 0 of this setup)."""
        self._waiting = False
        self._fired = -1
        self._time = 0.0
        self._matches = matches
        self._hide()
        if matches and self.captions and self.captions[0].at <= 0.0:
            self._show(0)

    def on_events(self, events: list[Any]) -> None:
        """A step's events at once (the adapter's ``eventsEmitted``), in order."""
        for event in events:
            self.on_event(event)

    def on_event(self, event: Any) -> None:
        """Feed every engine event here; only ``caption`` events are acted on."""
        if getattr(event, "kind", None) != "caption" or not self._matches:
            return
        details = getattr(event, "details", {}) or {}
        text = str(details.get("text", ""))
        pause = bool(details.get("pause", False))
        self._time = max(self._time, float(getattr(event, "time", self._time) or 0.0))
        index = next(
            (
                i
                for i in range(self._fired + 1, len(self.captions))
                if self.captions[i].text == text
            ),
            -1,
        )
        already_read = index >= 0 and index == self._index and bool(self._text)
        if index >= 0:
            self._fired = index
        hold = pause and not already_read
        self._waiting = hold or self._waiting
        if index >= 0:
            self._show(index)
        else:  # a caption not in the timeline we know (a test feeding events): show it as is
            self._index = -1
            self._present(text, text)
        self.captionShown.emit(self._text, pause)
        if hold:
            self.pauseRequested.emit()

    def on_time(self, time: float) -> None:
        """After a step: drop the caption whose moment has passed (no stale text)."""
        self._time = time
        if self._waiting or not self._text or self._index < 0:
            return
        caption = self.captions[self._index]
        if self._index <= self._fired and caption.until is not None and time >= caption.until:
            self._hide()

    # ---- navigation --------------------------------------------------------------------
    def next(self) -> None:
        """Continue past a held caption; else show the next caption already passed, or play
        towards the next one."""
        if self._waiting:
            self._waiting = False
            if self.overlay is not None:
                self.overlay.hide_next()
            self.resumeRequested.emit()
            return
        if self._text and 0 <= self._index < self._fired:
            self._show(self._index + 1)  # browsing back through passed captions
            if self._index == self._fired and self._stale(self._index):
                self._hide()
            return
        if self._fired + 1 < len(self.captions) or not self.captions:
            self.resumeRequested.emit()

    def previous(self) -> None:
        """Show the caption before the one on screen (or the last one passed)."""
        current = self._index if self._text else self._fired + 1
        if current - 1 >= 0 and self._matches:
            self._show(current - 1)

    def _stale(self, index: int) -> bool:
        until = self.captions[index].until
        return until is not None and self._time >= until

    def _show(self, index: int) -> None:
        self._index = index
        raw = self.captions[index].text
        self._present(self.render_plain(raw), raw)
        if self.point_at is not None:
            # The docks it refers to are raised (a panel built on its first use) at a later
            # turn of the event loop, after the caption's own layout and repaint: the two
            # together made one of a step's longest slices (~100 ms at 1920×1080). A timer,
            # not singleShot(0): Qt delivers that as a posted event, in the same pass as the
            # repaint.
            QtCore.QTimer.singleShot(1, self, lambda: self._point_at(index, raw))

    def _point_at(self, index: int, raw: str) -> None:
        if self.point_at is not None and self._index == index:  # still the caption shown
            self.point_at(raw)

    def _present(self, plain: str, raw: str) -> None:
        self._text = plain
        if self.overlay is None:
            return
        rich = self.render_rich(raw) if self.render_rich is not None else None
        earlier = 0 <= self._index < self._fired and self._stale(self._index)
        self.overlay.show_caption(plain, paused=self._waiting, rich=rich)
        total = len(self.captions)
        self.overlay.set_position(self._index + 1 if self._index >= 0 else 0, total)
        if earlier:
            self.overlay.counter.setText(f"{self._index + 1} / {total} (earlier)")

    def _on_dismissed(self) -> None:
        self._text = ""

    def _hide(self) -> None:
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
