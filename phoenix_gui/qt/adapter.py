"""SimulationAdapter: the one bridge between the engine and the Qt views (STYLE.md rule 2).

It owns the step timer, steps the engine at the speed setting, and re-emits what the engine
reports as Qt signals; views only subscribe to it. User requests (sliders, clicks, the Add
member action) go back through it to the engine's ``set_param`` / ``request_*`` calls, which
take effect at the next step boundary and are recorded as events, so a run with GUI input
replays exactly. The adapter never draws and never consumes simulation randomness.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from PySide6 import QtCore

from phoenix_gui.engine import Event, Simulation, SimulationConfig
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
# Parameters that shape the initial population: they take effect on the next Reset.
RESET_PARAMS = frozenset({"hosts", "vnodes", "tasks"})
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
    storyTold = QtCore.Signal(object)  # noqa: N815  a StepStory: what a step moved, or a replay

    def __init__(
        self, config: SimulationConfig | None = None, parent: QtCore.QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._config = config or SimulationConfig()
        self._pending: dict[str, float] = {}  # reset-time parameters set since the last reset
        self._sim = Simulation(self._config)
        self._unsubscribe = self._sim.subscribe(self._on_engine_event)
        self._step_events: list[Event] = []
        self._stepping = False
        self._last_change: StepStory | None = None
        self._refusals = rejection_reasons(self._sim)
        self._timer = QtCore.QTimer(self)
        self._timer.setObjectName("simulation-step-timer")
        self._timer.timeout.connect(self._on_timer)
        self.set_speed(PARAMS["speed"].default)

    # ---- state -------------------------------------------------------------------------
    @property
    def sim(self) -> Simulation:
        return self._sim

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

    # ---- play control ------------------------------------------------------------------
    def play(self) -> None:
        if not self._timer.isActive():
            self._timer.start()
            self.playingChanged.emit(True)

    def pause(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.playingChanged.emit(False)

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
        """Advance the engine one step and tell the views; returns the engine's StepResult."""
        self._step_events = []
        self._stepping = True
        owners_before = self._sim.ring.owner_table().copy()
        try:
            result = self._sim.step()
        finally:
            self._stepping = False
        events, self._step_events = self._step_events, []
        story = self._story(events, owners_before)
        if events:
            self.eventsEmitted.emit(events)
        # Whether a pausing caption holds the run is the lesson controller's call (a caption
        # the teacher already read when pressing Play does not hold it again).
        for event in events:
            self.eventEmitted.emit(event)
            if event.kind == "caption":
                self.captionShown.emit(str(event.details.get("text", "")))
        if any(e.kind in MEMBER_EVENTS for e in events):
            self.membersChanged.emit()
        self.tasksChanged.emit()
        if story is not None:
            self.storyTold.emit(story)
        self.stepped.emit(self._sim.snapshot())
        return result

    def _story(self, events: list[Event], owners_before: Any) -> StepStory | None:
        """What the step moved, told once for every view; kept when membership changed."""
        told = [e for e in events if e.kind in STORY_EVENTS]
        if not told:
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

    def _on_timer(self) -> None:
        try:
            self.step_once()
        except Exception:
            # Stop first so a failing step is reported once, not on every tick; the
            # application's exception hook shows what went wrong.
            self.pause()
            raise

    def _on_engine_event(self, event: Event) -> None:
        # Events of a step are re-emitted after it, in order, once the engine state they
        # describe is complete; anything reported between steps goes out at once.
        if self._stepping:
            self._step_events.append(event)
        else:
            self.eventsEmitted.emit([event])
            self.eventEmitted.emit(event)

    # ---- requests from the GUI ---------------------------------------------------------
    def set_param(self, name: str, value: float) -> None:
        """A slider or value box moved: live parameters reach the engine at the next step."""
        if name == "speed":
            self.set_speed(value)
        elif name in LIVE_PARAMS:
            self._sim.set_param(name, value)
        elif name in RESET_PARAMS:
            self._pending[name] = PARAMS[name].validate(value)
        else:
            raise KeyError(f"unknown parameter {name!r}")

    def set_seed(self, seed: int) -> None:
        self._pending["seed"] = int(seed)

    def set_paradigm(self, paradigm: str) -> None:
        self._pending["paradigm"] = paradigm  # type: ignore[assignment]

    def request_join(self) -> None:
        self._sim.request_join()

    def request_retire(self, member_id: str) -> None:
        self._sim.request_retire(member_id)

    def request_crash(self, member_id: str) -> None:
        self._sim.request_crash(member_id)

    def reset(self, config: SimulationConfig | None = None) -> None:
        """Start over: from ``config``, or from the current one with pending changes applied."""
        self.pause()
        self._config = config if config is not None else self._with_pending(self._config)
        self._pending = {}
        self._unsubscribe()
        self._sim = Simulation(self._config)
        self._unsubscribe = self._sim.subscribe(self._on_engine_event)
        self._last_change = None
        self._refusals = rejection_reasons(self._sim)
        self.simulationReset.emit()
        self.membersChanged.emit()
        self.tasksChanged.emit()
        self.stepped.emit(self._sim.snapshot())

    def _with_pending(self, config: SimulationConfig) -> SimulationConfig:
        p = self._pending
        cfg = replace(config, metrics=self._sim.config.metrics, churn=self._sim.config.churn)
        if "seed" in p:
            cfg = replace(cfg, seed=int(p["seed"]))
        if "paradigm" in p:
            cfg = replace(cfg, paradigm=p["paradigm"])  # type: ignore[arg-type]
        if "hosts" in p:
            cfg = replace(cfg, members=replace(cfg.members, generate=int(p["hosts"])))
        if "vnodes" in p:
            cfg = replace(cfg, ring=replace(cfg.ring, vnodes=int(p["vnodes"])))
        if "tasks" in p:
            cfg = replace(cfg, workload=replace(cfg.workload, initial_tasks=int(p["tasks"])))
        return cfg

    # ---- what views read ---------------------------------------------------------------
    def member_infos(self) -> list[MemberInfo]:
        """Live members (those with a place on the drawing), in ring index order."""
        out = [
            member_info(self._sim, m)
            for m in self._sim.registry.members()
            if m.index >= 0 and m.status.value not in ("RETIRED", "REMOVED", "REJECTED")
        ]
        return sorted(out, key=lambda info: info.index)

    def owner_table(self) -> np.ndarray:
        """Token position → owner member index (−1 none), a copy the view may keep."""
        return np.array(self._sim.ring.owner_table(), dtype=np.int64)

    @property
    def paradigm(self) -> str:
        return str(self._sim.config.paradigm)

    def cluster_snapshot(self) -> ClusterSnapshot:
        """Nodes, their pods and the pending queue (the Kubernetes view)."""
        return cluster_snapshot(self._sim)

    def agents_snapshot(self) -> AgentsSnapshot:
        """Agent cards and the refused lane (the agent view)."""
        return agents_snapshot(self._sim, self._refusals)

    def member_name(self, index: int) -> str:
        return str(self._sim.ring.name_of(index))

    def vnode_tokens(self) -> dict[int, np.ndarray]:
        return self._sim.ring.vnode_tokens_by_index()

    def task_arrays(self) -> TaskArrays:
        tasks = self._sim.tasks
        ids = np.flatnonzero(tasks.active_mask())
        return TaskArrays(
            ids=ids.astype(np.int64),
            tokens=np.asarray(tasks.token)[ids].astype(np.int64),
            owner=np.asarray(tasks.owner)[ids].astype(np.int64),
            state=np.asarray(tasks.state)[ids],
        )

    def task_details(self, task: int) -> dict[str, Any]:
        """Live fields of one task for tooltips and the inspector."""
        packet = self._sim.packet(task)
        fields = ("id", "token", "owner", "state", "progress", "work", "capabilities")
        return {name: getattr(packet, name) for name in fields if hasattr(packet, name)}
