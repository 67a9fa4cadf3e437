"""SimulationAdapter: the one bridge between the engine and the Qt views (STYLE.md rule 2).

It owns the step timer, steps the engine at the speed setting, and re-emits what the engine
reports as Qt signals; views only subscribe to it. User requests (sliders, clicks, the Add
member action) go back through it to the engine's ``set_param`` / ``request_*`` calls, which
take effect at the step boundary the engine is at (at once between steps, or when the step in
progress ends) and are recorded as events, so a run with GUI input replays exactly. The adapter
never draws and never consumes simulation randomness.

The window never waits for the engine (see README "How it works"): a step is done in slices of
at most ``SLICE_MS`` of engine work at churn-event boundaries, with the event loop running in
between (the views draw the model as it is at that boundary); a step that runs longer than
``BUSY_AFTER_S`` reports ``busyChanged``/``stepProgress`` so the window shows a progress bar, and
Pause or Esc cuts it (the engine records the churn it dropped). The run's history takes a
keyframe every few steps (a pickle and a copy of its arrays) and stores it a piece at a time,
at most ``STORE_SLICE_MS`` per pass of the event loop. A big run is built on a worker
thread (:class:`SimulationBuilder`): a new Simulation shares nothing with the running one, so
it is built there and handed over whole; the window keeps drawing the old run, paused, until
then. Small runs (every bundled lesson) are built at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import shiboken6
from PySide6 import QtCore

from phoenix_gui.engine import Event, RunHistory, Simulation, SimulationConfig, Stepper
from phoenix_gui.params import PARAMS
from phoenix_gui.qt.readers.boards import agents_snapshot, cluster_snapshot, rejection_reasons
from phoenix_gui.qt.readers.stories import CHANGE_KINDS, build_story, member_info
from phoenix_gui.qt.snapshots import (
    AgentsSnapshot,
    ClusterSnapshot,
    MemberInfo,
    StepStory,
    TaskArrays,
)

# Parameters the running engine accepts between steps (engine_api.md: set_param).
LIVE_PARAMS = frozenset(
    {"joins", "leaves", "hours", "trust", "compliance", "w_join", "w_leave", "crash_share"}
)
# Engine work per pass of the event loop while a step runs: the window answers within this
# (plus the slowest single churn event and the views' own drawing).
SLICE_MS = 25.0
# Work per pass of the event loop on storing the run's last keyframe (RunHistory.store_next):
# the window takes a keyframe every few steps and stores it a piece at a time in between.
STORE_SLICE_MS = 8.0
# A pass of the event loop goes on to the next part of a step (events handed to the views, the
# step's end, telling the views: each makes them redraw) while it has taken less than this;
# past it, the next part waits for the next pass.
TELL_WITHIN_MS = 10.0
MAX_QUEUED_STEPS = 100
# Events handed to the views per slice (each costs the docks ~0.05–0.1 ms to take in).
EMIT_PER_SLICE = 150
# A step's story told by this many events or more (a mass join or leave: ~30 ms to build) is
# built at the start of a pass, not after a slice of engine work in the same one.
STORY_ALONE = EMIT_PER_SLICE
# A step running longer than this shows the busy indicator with its progress.
BUSY_AFTER_S = 0.5
# Events after which the ring's membership layers must be rebuilt.
MEMBER_EVENTS = frozenset(
    {
        "member_joined",
        "member_draining",
        "member_retired",
        "member_crashed",
        "member_suspect",
        "member_removed",
    }
)
# Events a step's story is told from (the views animate them).
STORY_EVENTS = frozenset(
    {*CHANGE_KINDS, "migration_started", "migrations_started", "handoff", "task_assigned"}
)
REPLAY_SCALE = 0.25  # "Replay last change" runs the animation at a quarter of its speed


# Above this many vnodes (members × vnodes) or initial tasks a start takes more than a few tens
# of milliseconds on a 2-core machine (10 × 100 vnodes and 10^3 tasks: ~10 ms; 5000 × 100:
# ~35 s; 2·10^6 tasks: ~11 s), so it is built on the worker thread.
SYNC_VNODES = 20_000
SYNC_TASKS = 20_000


# The timeline's history budget (issue 11: the window's memory flat after its first minutes).
# A keyframe of a 10^5-task run costs about ten times one of 10^4 tasks, so the engine's 300 MB
# (issue 15's budget at 10^4 tasks and steps, kept up to LARGE_RUN_TASKS) is filled only after
# ~3300 steps, minutes into a window's run, all of it growth; above that the history keeps
# LARGE_RUN_HISTORY and thins its far past from step ~1300 on. (Jumps there replay further.)
LARGE_RUN_TASKS = 20_000
LARGE_RUN_HISTORY = 160_000_000


def window_history(sim: Simulation) -> RunHistory:
    """The window's :class:`RunHistory` of ``sim``: stored between passes of the event loop,
    kept to :data:`LARGE_RUN_HISTORY` for a run of more than :data:`LARGE_RUN_TASKS` tasks."""
    history = RunHistory(sim, deferred=True)
    if sim.config.workload.initial_tasks > LARGE_RUN_TASKS:
        history.budget_bytes = min(history.budget_bytes, LARGE_RUN_HISTORY)
    return history


def builds_quickly(config: SimulationConfig) -> bool:
    """Whether ``config`` starts fast enough to build on the GUI thread."""
    members = config.members.generate + len(config.members.listed)
    return members * config.ring.vnodes <= SYNC_VNODES and (
        config.workload.initial_tasks <= SYNC_TASKS
    )


class SimulationBuilder(QtCore.QThread):
    """Builds one Simulation on its own thread; ``built`` carries it (or the error) back.

    ``built(config, result)`` is delivered on the GUI thread; ``result`` is the Simulation or
    the exception that refused the configuration.
    """

    built = QtCore.Signal(object, object)

    def __init__(self, config: SimulationConfig, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.setObjectName("simulation-builder")

    def run(self) -> None:
        try:
            result: object = Simulation(self.config)
        except Exception as error:  # handed to the GUI thread, which reports it
            result = error
        self.built.emit(self.config, result)


class SimulationAdapter(QtCore.QObject):
    """Steps a :class:`Simulation` on a QTimer and re-emits its events as signals."""

    eventEmitted = QtCore.Signal(object)  # noqa: N815  every engine Event, in order
    # The same events, a step's worth at a time (a list, in order; one element for a request
    # reported between steps). Views subscribe to this one: a busy step has hundreds of
    # events, and one signal per event cost more than the views' own work with them.
    eventsEmitted = QtCore.Signal(object)  # noqa: N815
    stepped = QtCore.Signal(object)
    membersChanged = QtCore.Signal()  # noqa: N815  membership or a member's status changed
    tasksChanged = QtCore.Signal()  # noqa: N815  task set or ownership may have changed
    playingChanged = QtCore.Signal(bool)  # noqa: N815
    simulationReset = QtCore.Signal()  # noqa: N815  a new Simulation replaced the old one
    captionShown = QtCore.Signal(str)  # noqa: N815  a scenario caption to show to the class
    # A long step or a big start is under way (True) or over (False); the text says which.
    busyChanged = QtCore.Signal(bool, str)  # noqa: N815
    stepProgress = QtCore.Signal(int, int)  # noqa: N815  churn events handled, of total
    buildFailed = QtCore.Signal(str)  # noqa: N815  a configuration the engine refused
    storyTold = QtCore.Signal(object)  # noqa: N815  a StepStory: what a step moved, or a replay
    # The views now show a past moment of the run (its snapshot), or the run as it is (None).
    momentShown = QtCore.Signal(object)  # noqa: N815

    def __init__(
        self,
        config: SimulationConfig | None = None,
        parent: QtCore.QObject | None = None,
        sim: Simulation | None = None,
    ) -> None:
        super().__init__(parent)
        # ``sim``: a run already under way (a branch, a restored checkpoint) to drive instead
        # of a new one built from ``config``.
        self._config = config or (sim.config if sim is not None else SimulationConfig())
        self._sim = sim if sim is not None else Simulation(self._config)
        self._sim.audit.keep_on_disk()  # a window runs for hours: its records go to a file
        # Asked before each played step: True holds it (a branch in lockstep is still busy).
        self.hold_play: Callable[[], bool] = lambda: False
        self._unsubscribe = self._sim.subscribe(self._on_engine_event)
        # Every request the window makes goes through the run's history, so any past step
        # can be rebuilt exactly (docs/time-machine.md); ``_past`` is a moment being shown.
        self.history = window_history(self._sim)
        self._past: Simulation | None = None
        self._deferred: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self._step_events: list[Event] = []
        self._stepping = False
        self._stepper: Stepper | None = None  # the step in progress, done in slices
        # A step done but not yet told to the views (its story, its flags, the stage reached,
        # its result): a step done in slices tells them over the next passes of the loop.
        self._told: tuple[StepStory | None, dict[str, bool], int, Any] | None = None
        self._ended_story: tuple[StepStory | None] | None = None  # built as the step ended
        self._big_story = False  # that story was told by STORY_ALONE events or more
        self._pass_started = 0.0  # when the pass of the event loop doing a slice began
        self._step_started = 0.0
        self._step_flags = {"members": False, "pause": False}
        self._busy = ""  # what the busy indicator says ("" when not busy)
        self._queued_steps = 0  # Step pressed while a step ran
        self._builder: SimulationBuilder | None = None
        self._next_build: SimulationConfig | None = None
        self.max_slice_ms = 0.0  # the longest slice of engine work so far (for the self-test)
        self._last_change: StepStory | None = None
        self._refusals = rejection_reasons(self._sim)
        self._owners_before: Any = None  # the ring's owner table when the step began
        self._story_events: list[Event] = []
        self._timer = QtCore.QTimer(self)
        self._timer.setObjectName("simulation-step-timer")
        self._timer.timeout.connect(self._on_timer)
        self._slice_timer = QtCore.QTimer(self)
        self._slice_timer.setObjectName("simulation-slice-timer")
        self._slice_timer.setSingleShot(True)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(self._continue_step)
        self._store_timer = QtCore.QTimer(self)
        self._store_timer.setObjectName("history-store-timer")
        self._store_timer.setSingleShot(True)
        self._store_timer.setInterval(0)
        self._store_timer.timeout.connect(self._store_some)
        self._store_timer.start()  # the run's first keyframe
        self.set_speed(PARAMS["speed"].default)

    # ---- state -------------------------------------------------------------------------
    @property
    def sim(self) -> Simulation:
        """The run the views show: the live one, or a past moment of it (:meth:`show_past`)."""
        return self._past if self._past is not None else self._sim

    @property
    def live_sim(self) -> Simulation:
        """The live run, even while a past moment is shown."""
        return self._sim

    @property
    def viewing_past(self) -> bool:
        return self._past is not None

    def show_past(self, sim: Simulation | None) -> None:
        """Show ``sim`` (a past moment of this run, rebuilt by :attr:`history`) read-only, or
        the live run again (None). The live run pauses while the past is shown; any step or
        request first comes back to now."""
        if sim is None and self._past is None:
            return
        if sim is not None:
            self.pause()
            self._tell()  # the live run's last step first, before the views show the past
        self._past = sim
        self.membersChanged.emit()
        self.tasksChanged.emit()
        self.momentShown.emit(None if sim is None else sim.snapshot())

    def _back_to_now(self) -> None:
        if self._past is not None:
            self.show_past(None)

    @property
    def config(self) -> SimulationConfig:
        """The configuration the current run started from."""
        return self._config

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def is_playing(self) -> bool:
        return self._timer.isActive()

    @property
    def is_busy(self) -> bool:
        """A long step or a big start is under way (the busy indicator shows)."""
        return bool(self._busy)

    @property
    def step_in_progress(self) -> bool:
        """A step is under way: the engine's, or the views are still being told about it
        (for a pass or two of the event loop after a step done in slices)."""
        return self._stepper is not None or self._told is not None

    @property
    def mid_step(self) -> bool:
        """The engine is inside a step: a request made now applies when it ends (otherwise
        at once, at the boundary the run stands at)."""
        return self._stepper is not None

    @property
    def building(self) -> bool:
        return self._builder is not None

    # ---- play control ------------------------------------------------------------------
    def play(self) -> None:
        if self.building:
            return  # the run being built starts paused; Play again once it is there
        self._back_to_now()
        if not self._timer.isActive():
            self._timer.start()
            self.playingChanged.emit(True)

    def pause(self) -> None:
        """Stop playing; a long step in progress (busy indicator showing) is cut short."""
        self._queued_steps = 0
        if self._timer.isActive():
            self._timer.stop()
            self.playingChanged.emit(False)
        if self._stepper is not None and self._busy:
            self.cancel_step()

    def set_playing(self, playing: bool) -> None:
        if playing:
            self.play()
        else:
            self.pause()

    def toggle_play(self) -> None:
        self.set_playing(not self.is_playing)

    def set_speed(self, steps_per_second: float) -> None:
        self._speed = float(PARAMS["speed"].validate(steps_per_second))
        self._timer.setInterval(max(1, round(1000.0 / self._speed)))

    def step_once(self) -> Any:
        """Advance the engine one whole step now and tell the views (tests, self-test, bench).

        Finishes the step in progress instead, if there is one. Returns the StepResult.
        """
        if self.building:
            self._wait_for_build()
        self._back_to_now()
        if self._told is not None:  # the step is done: the views are told the rest now
            result = self._told[3]
            self._tell()
            return result
        if self._stepper is None:
            self._begin_step()
        assert self._stepper is not None
        self._stepping = True
        try:
            while not self._stepper.advance(4096):
                pass
        finally:
            self._stepping = False
        self._flush_events()
        return self._end_step()

    def request_step(self) -> None:
        """The Step action: one step, done in slices so the window stays responsive. Pressed
        again while a step runs, it queues one more (Pause and Esc drop the queue)."""
        if self.building:
            return
        self._back_to_now()
        if self._stepper is not None or self._told is not None:
            self._queued_steps = min(self._queued_steps + 1, MAX_QUEUED_STEPS)
            return
        self._begin_step()
        self._continue_step()

    def cancel_step(self) -> None:
        """Cut the step in progress at the current event boundary (Esc, or Pause when busy).

        The engine drops the churn not yet handled (recorded as ``step_cut``) and finishes the
        step, so the model and the audit log are consistent and the next step starts cleanly.
        The events it reported are still handed to the views, in slices.
        """
        self._queued_steps = 0
        stepper = self._stepper
        if stepper is None or stepper.finished:
            return
        self._stepping = True
        try:
            stepper.cut()
        finally:
            self._stepping = False
        self._slice_timer.start()  # the step finishes in slices, like any other

    def _begin_step(self) -> None:
        self._step_events = []
        self._story_events = []
        self._ended_story = None
        self._big_story = False
        self._owners_before = self._sim.ring.owner_table().copy()
        self._step_flags = {"members": False, "pause": False}
        self._step_started = time.perf_counter()
        self._stepping = True
        try:
            self._stepper = self._sim.begin_step()
        finally:
            self._stepping = False

    def _continue_step(self) -> None:
        """One pass of the step in progress: hand at most EMIT_PER_SLICE waiting events to
        the views, or do at most SLICE_MS of engine work; the step ends when both are done,
        and the views are told about it (:meth:`_tell`). A pass goes on to the next of these
        while it has taken less than TELL_WITHIN_MS (a small step is one pass, one repaint)."""
        start = self._pass_started = time.perf_counter()
        while True:
            if self._told is not None:
                self._tell(whole=False)
                return
            stepper = self._stepper
            if stepper is None:
                return
            if self._step_events:
                self._flush_events(EMIT_PER_SLICE)
            elif stepper.finished and self._ended_story is None:
                if len(self._story_events) >= STORY_ALONE and self._pass_busy():
                    break  # a big story (tens of ms to build) is built in a pass of its own
                # What the step moved, told from the model as the step left it: the engine
                # waits at this boundary (requests made meanwhile still wait for its end).
                self._big_story = len(self._story_events) >= STORY_ALONE
                self._ended_story = (self._story(self._story_events, self._owners_before),)
                self._story_events = []
            elif stepper.finished:
                self._end_step(tell=False)
                return
            else:
                self._advance(stepper, start + SLICE_MS / 1000.0)
            if not self._pass_has_room():
                break
        self.max_slice_ms = max(self.max_slice_ms, (time.perf_counter() - start) * 1000.0)
        if time.perf_counter() - self._step_started > BUSY_AFTER_S:
            self._set_busy("Long step — Esc stops it")
            self.stepProgress.emit(stepper.done, stepper.total)
        self._slice_timer.start()

    def _advance(self, stepper: Stepper, deadline: float) -> None:
        """Engine work until ``deadline``, EMIT_PER_SLICE events waiting, or the step's end."""
        events = self._step_events
        self._stepping = True
        try:
            while (
                not stepper.advance(1)
                and time.perf_counter() < deadline
                and len(events) < EMIT_PER_SLICE
            ):
                pass
        except Exception:
            self._drop_step()
            self.pause()
            raise
        finally:
            self._stepping = False

    def _end_step(self, tell: bool = True) -> Any:
        """End the step: keyframe, the requests made meanwhile, its story; then tell the
        views now (``tell``), or over the next passes of the event loop (:meth:`_tell`)."""
        stepper, self._stepper = self._stepper, None
        self._slice_timer.stop()
        assert stepper is not None and stepper.result is not None
        self._set_busy("")
        # A cut step cannot be replayed by stepping: a keyframe after it keeps replay exact.
        self.history.stepped(self._sim, pin=stepper.dropped > 0)
        big = self._big_story
        if self.history.storing and not big:
            # Stored a piece at a time, between passes; after a big step, once the views have
            # been told (a piece stored in the pass that rebuilds them made it longer still).
            self._store_timer.start()
        # Requests made while the step ran (sliders, clicks) apply at this boundary, now.
        deferred, self._deferred = self._deferred, []
        for kind, args, kwargs in deferred:
            self.history.request(self._sim, kind, *args, **kwargs)
        self._sim.apply_requests()
        if self._ended_story is not None:
            (story,), self._ended_story = self._ended_story, None
        else:
            story = self._story(self._story_events, self._owners_before)
        self._story_events = []
        self._told = (story, dict(self._step_flags), 0, stepper.result)
        # After a big step (its keyframe just taken) the views rebuild in a pass of their own.
        self._big_story = False
        if tell or (self._pass_has_room() and not big):
            self._tell(whole=tell)
        else:
            self._slice_timer.start()
        return stepper.result

    def _pass_has_room(self) -> bool:
        return (time.perf_counter() - self._pass_started) * 1000.0 < TELL_WITHIN_MS

    def _pass_busy(self) -> bool:
        """This pass of the event loop has already done work (more than a millisecond's)."""
        return (time.perf_counter() - self._pass_started) * 1000.0 > 1.0

    def _tell(self, whole: bool = True) -> None:
        """Tell the views about the step that ended: membership, tasks, then its story and
        snapshot. Each part makes the views redraw: unless ``whole``, a part that finds this
        pass of the event loop already long waits for the next (the window answers between)."""
        if self._told is None:
            return
        story, flags, stage, result = self._told
        if stage == 0:
            self._told = (story, flags, 1, result)
            if flags["members"]:
                self.membersChanged.emit()
            if not whole and not self._pass_has_room():
                self._slice_timer.start()
                return
        if stage <= 1:
            self._told = (story, flags, 2, result)
            self.tasksChanged.emit()
            if not whole and not self._pass_has_room():
                self._slice_timer.start()
                return
        self._told = None
        if self.history.storing and not self._store_timer.isActive():
            self._store_timer.start()  # the keyframe of a big step (see _end_step)
        if story is not None:
            self.storyTold.emit(story)
        self.stepped.emit(self._sim.snapshot())
        if flags["pause"]:
            self.pause()
        if self._queued_steps and not flags["pause"]:
            self._queued_steps -= 1
            self._begin_step()
            self._slice_timer.start()

    def _flush_events(self, limit: int | None = None) -> None:
        """Hand the step's waiting events to the views, in order (at most ``limit``)."""
        if limit is None or limit >= len(self._step_events):
            events, self._step_events = self._step_events, []
        else:
            events = self._step_events[:limit]
            del self._step_events[:limit]
        # A join refused at the membership cap is counted, not told one by one (there may be
        # tens of thousands in a step).
        self._story_events += [
            e for e in events if e.kind in STORY_EVENTS and not e.details.get("registry_full")
        ]
        if events:
            self.eventsEmitted.emit(events)
        for event in events:
            self.eventEmitted.emit(event)
            if event.kind == "caption":
                self.captionShown.emit(str(event.details.get("text", "")))
                # Whether a pausing caption holds the run is the lesson controller's call (a
                # caption the teacher already read when pressing Play does not hold it again).
            elif event.kind in MEMBER_EVENTS:
                self._step_flags["members"] = True

    def _story(self, events: list[Event], owners_before: Any) -> StepStory | None:
        """What the step moved, told once for every view; kept when membership changed."""
        told = [e for e in events if e.kind in STORY_EVENTS]
        if not told or owners_before is None:
            return None
        for e in told:
            if e.kind == "member_rejected":
                self._refusals[str(e.details.get("member"))] = str(e.details.get("reason", ""))
        story = build_story(self._sim, told, owners_before, self._sim.ring.owner_table())
        if any(c.kind in ("join", "drain", "removed", "crash") for c in story.changes):
            self._last_change = story
        return story

    @property
    def last_change(self) -> StepStory | None:
        """The story of the last step that changed membership (what Replay shows)."""
        return self._last_change

    def replay_last_change(self) -> bool:
        """Tell the last membership change again in slow motion (0.25×), from what was recorded
        when it happened; the engine is not stepped. False when there is nothing to replay."""
        if self._last_change is None:
            return False
        self.storyTold.emit(replace(self._last_change, time_scale=REPLAY_SCALE, replay=True))
        return True

    def _store_some(self) -> None:
        """Store the last keyframe taken for at most STORE_SLICE_MS (it is stored whole, at
        once, when the history is read first: a jump, the next keyframe)."""
        deadline = time.perf_counter() + STORE_SLICE_MS / 1000.0
        while not self.history.store_next():
            if time.perf_counter() >= deadline:
                # The adapter may be going away with its window (its timer already deleted):
                # what is left is stored when the history is next read, if ever.
                if shiboken6.isValid(self._store_timer):
                    self._store_timer.start()
                return

    def _set_busy(self, text: str) -> None:
        if text != self._busy:
            was = bool(self._busy)
            self._busy = text
            if was != bool(text) or text:
                self.busyChanged.emit(bool(text), text)

    def _on_timer(self) -> None:
        # A step still in progress keeps its slices going; the next starts when it is done.
        idle = self._stepper is None and self._told is None
        if idle and not self.building and not self.hold_play():
            self._begin_step()
            self._continue_step()

    def _on_engine_event(self, event: Event) -> None:
        # Events of a step are re-emitted after each slice, in order, once the engine state
        # they describe is complete; anything reported between steps goes out at once.
        if self._stepping:
            self._step_events.append(event)
        else:
            self.eventsEmitted.emit([event])
            self.eventEmitted.emit(event)

    # ---- requests from the GUI ---------------------------------------------------------
    def set_param(self, name: str, value: float) -> None:
        """A live parameter changed: the engine applies it at the step boundary it is at (at
        once between steps, when the step in progress ends otherwise). ``speed`` is the view's.
        """
        if name == "speed":
            self.set_speed(value)
        elif name in LIVE_PARAMS:
            self.request("set_param", name, value)
            if self._stepper is None:
                self._sim.apply_requests()
        else:
            raise KeyError(f"{name!r} is not a live parameter; a new run (reset) takes it")

    def request(self, kind: str, *args: Any, **kwargs: Any) -> None:
        """Make a request of the live run (``set_param``, ``request_join``, ``request_retire``,
        ``request_crash``, ``submit_task``) through its history, so a rebuilt past replays it.

        Between steps it is made at once; during a step it is made when the step ends (the
        boundary where the engine would apply it anyway). Coming back to now first, if a past
        moment is shown. A request the engine refuses raises its ValueError at once.
        """
        self._back_to_now()
        if self._stepper is None:
            self.history.request(self._sim, kind, *args, **kwargs)
            return
        # Refused now, with the engine's own message, rather than when the step ends.
        if kind == "submit_task":
            Simulation.check_submit(tuple(kwargs.get("capabilities", ())))
        if kind == "set_param" and args and args[0] in PARAMS:
            PARAMS[args[0]].validate(args[1])
        self._deferred.append((kind, args, kwargs))

    def request_join(self, spec: Any = None) -> None:
        # (A QAction's triggered(checked) may call this with its bool: no spec then.)
        if spec is None or isinstance(spec, bool):
            self.request("request_join")
        else:
            self.request("request_join", spec)

    def request_retire(self, member_id: str) -> None:
        self.request("request_retire", member_id)

    def request_crash(self, member_id: str) -> None:
        self.request("request_crash", member_id)

    def reset(self, config: SimulationConfig | None = None) -> None:
        """Start over from ``config`` (default: the current run's configuration).

        A small run is built at once; a big one on a worker thread (the busy indicator shows,
        the old run stays on screen, paused, until the new one is there).
        """
        self.pause()
        self._drop_step()
        target = config if config is not None else self._config
        if builds_quickly(target) and not self.building:
            self._adopt(target, Simulation(target))
            return
        self._next_build = target
        if self._builder is None:
            self._start_build()

    def adopt(self, sim: Simulation) -> None:
        """Drive ``sim`` — a run already under way, e.g. a branch of this one — from now on."""
        self.pause()
        self._drop_step()
        self._adopt(sim.config, sim)

    def _drop_step(self) -> None:
        # The run is about to be replaced: the half-done step goes with it.
        self._slice_timer.stop()
        self._stepper = None
        self._told = None
        self._ended_story = None
        self._big_story = False
        self._queued_steps = 0
        self._step_events = []
        self._deferred = []
        self._set_busy("")

    def _start_build(self) -> None:
        config, self._next_build = self._next_build, None
        assert config is not None
        members = config.members.generate + len(config.members.listed)
        self._set_busy(
            f"Starting a new run: {members:,} members × {config.ring.vnodes} vnodes, "
            f"{config.workload.initial_tasks:,} tasks…"
        )
        builder = SimulationBuilder(config, self)
        builder.built.connect(self._on_built)
        self._builder = builder
        builder.start()

    def _on_built(self, config: SimulationConfig, result: object) -> None:
        builder, self._builder = self._builder, None
        if builder is not None:
            builder.wait()
            builder.deleteLater()
        if self._next_build is not None:  # asked for another run meanwhile: build that one
            self._start_build()
            return
        self._set_busy("")
        if isinstance(result, Simulation):
            self._adopt(config, result)
        else:
            self.buildFailed.emit(str(result))

    def _wait_for_build(self) -> None:
        """Block until the run being built is there (tests and the self-test only)."""
        while self._builder is not None:
            builder = self._builder
            builder.wait()
            QtCore.QCoreApplication.sendPostedEvents(builder)
            QtCore.QCoreApplication.sendPostedEvents(self)
            if self._builder is builder:  # the queued signal had not arrived: deliver it
                QtCore.QCoreApplication.processEvents()

    def _adopt(self, config: SimulationConfig, sim: Simulation) -> None:
        self._config = config
        self._unsubscribe()
        self._sim = sim
        sim.audit.keep_on_disk()
        self._unsubscribe = self._sim.subscribe(self._on_engine_event)
        self.history = window_history(sim)
        self._store_timer.start()
        self._past = None
        self._last_change = None
        self._refusals = rejection_reasons(self._sim)
        self.announce()

    def announce(self) -> None:
        """Tell every view about the current run from scratch (a new run, or a new window)."""
        self.simulationReset.emit()
        self.membersChanged.emit()
        self.tasksChanged.emit()
        self.stepped.emit(self._sim.snapshot())

    def shutdown(self) -> None:
        """Stop the timers and wait for a build in progress (the window is closing)."""
        self._timer.stop()
        self._store_timer.stop()
        self._drop_step()
        self._next_build = None
        if self._builder is not None:
            self._builder.built.disconnect(self._on_built)
            self._builder.wait()
            self._builder.deleteLater()
            self._builder = None

    # ---- what views read ---------------------------------------------------------------
    def member_infos(self) -> list[MemberInfo]:
        """Live members (those with a place on the drawing), in ring index order."""
        distinct = self.sim.ring.distinct_positions_by_index()
        out = [
            member_info(self.sim, m, distinct)
            for m in self.sim.registry.members()
            if m.index >= 0 and m.status.value not in ("RETIRED", "REMOVED", "REJECTED")
        ]
        return sorted(out, key=lambda info: info.index)

    def owner_table(self) -> np.ndarray:
        """Token position → owner member index (−1 none), a copy the view may keep."""
        return np.array(self.sim.ring.owner_table(), dtype=np.int64)

    @property
    def paradigm(self) -> str:
        return str(self.sim.config.paradigm)

    def cluster_snapshot(self) -> ClusterSnapshot:
        """Nodes, their pods and the pending queue (the Kubernetes view)."""
        return cluster_snapshot(self.sim)

    def agents_snapshot(self) -> AgentsSnapshot:
        """Agent cards and the refused lane (the agent view)."""
        return agents_snapshot(self.sim, self._refusals)

    def member_name(self, index: int) -> str:
        return str(self.sim.ring.name_of(index))

    def vnode_tokens(self) -> dict[int, np.ndarray]:
        return self.sim.ring.vnode_tokens_by_index()

    def task_arrays(self) -> TaskArrays:
        tasks = self.sim.tasks
        ids = np.flatnonzero(tasks.active_mask())
        return TaskArrays(
            ids=ids.astype(np.int64),
            tokens=np.asarray(tasks.token)[ids].astype(np.int64),
            owner=np.asarray(tasks.owner)[ids].astype(np.int64),
            state=np.asarray(tasks.state)[ids],
        )

    def task_details(self, task: int) -> dict[str, Any]:
        """Live fields of one task for tooltips and the inspector."""
        packet = self.sim.packet(task)
        fields = ("id", "token", "owner", "state", "progress", "work", "capabilities")
        return {name: getattr(packet, name) for name in fields if hasattr(packet, name)}
