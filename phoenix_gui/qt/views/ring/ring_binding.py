"""Connects a :class:`RingView` to the :class:`SimulationAdapter` (the view stays engine-free).

Membership signals rebuild the cached ring layers, task signals the task dots (skipped when
nothing moved), and engine events become animation cues: packets for migrations, a pulse for
a join, a fade for a drain, red markers and blinking tasks for a crash until its removal.

With :data:`BIG_TASKS` tasks or more, rebuilding and painting the dots costs tens of ms, and a
fast run changes them every step: then the dots follow at most once per
:data:`DOTS_COST_SHARE` times their measured cost (a few times a second), always catching up
with the last step, so the dots never take more than a small share of the GUI thread. A crash
still updates them at once (its tasks blink exactly). Smaller runs update every step.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6 import QtCore

from phoenix_gui.engine import Event
from phoenix_gui.qt.adapter import SimulationAdapter
from phoenix_gui.qt.views.ring.ring_view import RingView

# From this many tasks on, dot updates are paced by their cost (see the module docstring).
BIG_TASKS = 20_000
DOTS_COST_SHARE = 8

_TASK_STATES = {0: "PENDING", 1: "RUNNING", 2: "MIGRATING", 3: "COMPLETED", 4: "DENIED"}
# Engine event about one member → the ring view's animation cue for it.
_MEMBER_CUES: dict[str, Callable[[RingView, int], None]] = {
    "member_joined": RingView.member_joined,
    "member_draining": RingView.member_draining,
    "member_crashed": RingView.member_crashed,
    "member_removed": RingView.member_removed,
    "member_retired": RingView.member_removed,
}


class RingBinding(QtCore.QObject):
    """Keeps one ring view in step with one adapter; disconnects when either goes away."""

    def __init__(self, adapter: SimulationAdapter, view: RingView) -> None:
        super().__init__(view)
        self._adapter = adapter
        self._view = view
        view.task_name = lambda i: f"task-{i}"
        view.state_label = self._state_label
        view.task_info = adapter.task_details
        adapter.membersChanged.connect(self._on_members_changed)
        self._dots_timer = QtCore.QTimer(self)
        self._dots_timer.setSingleShot(True)
        self._dots_timer.timeout.connect(self._update_tasks)
        self._dots_cost = 0.0  # seconds: the last update's rebuild plus its dots' paint
        self._dots_at = -1e9  # time.monotonic() of the last update
        self._dots_count = 0
        adapter.tasksChanged.connect(self._on_tasks_changed)
        adapter.eventsEmitted.connect(self._on_events)
        adapter.simulationReset.connect(view.reset_animation)
        self._on_members_changed()
        self._on_tasks_changed()

    @staticmethod
    def _state_label(code: int) -> str:
        try:
            from phoenix_gui.engine import TaskState

            return TaskState(code).name
        except (ImportError, ValueError):
            return _TASK_STATES.get(code, str(code))

    def _on_members_changed(self) -> None:
        a = self._adapter
        paradigm = a.sim.config.paradigm
        ring = a.sim.ring
        self._view.set_members(paradigm, a.member_infos(), ring.owner_table(), a.vnode_tokens())

    def _on_tasks_changed(self) -> None:
        if self._dots_timer.isActive():
            return  # an update is already due: it reads the latest tasks then
        wait = DOTS_COST_SHARE * self._dots_cost - (time.monotonic() - self._dots_at)
        if self._dots_count >= BIG_TASKS and wait > 0 and self._view.isVisible():
            self._dots_timer.start(max(1, round(wait * 1000.0)))
            return
        self._update_tasks()

    def _update_tasks(self) -> None:
        """Give the view the tasks as they are now (and measure what that costs)."""
        self._dots_timer.stop()
        start = time.perf_counter()
        tasks = self._adapter.task_arrays()
        self._view.set_tasks(tasks)
        self._dots_cost = time.perf_counter() - start + self._view.dots_paint_ms / 1000.0
        self._dots_at = time.monotonic()
        self._dots_count = int(tasks.ids.size)

    def _on_events(self, events: list[Event]) -> None:
        for event in events:
            self._on_event(event)

    def _on_event(self, event: Event) -> None:
        d = event.details
        view = self._view
        if event.kind == "migration_started":
            src = self._index(d.get("from"))
            dst = self._index(d.get("to"))
            if dst is not None:
                view.start_migration(src if src is not None else dst, dst)
            return
        cue = _MEMBER_CUES.get(event.kind)
        index = None if cue is None else self._index(d.get("member"))
        if cue is None or index is None:
            return
        if event.kind == "member_crashed":
            self._update_tasks()  # blink exactly the tasks it holds now
        # A joiner's marker appears when the adapter reports membersChanged after this step.
        cue(view, index)

    def _index(self, member: object) -> int | None:
        """Member id (or index) in an event → ring index; None for "no member"."""
        if member is None:
            return None
        if isinstance(member, int):
            return member if member >= 0 else None
        try:
            return int(self._adapter.sim.registry.get(str(member)).index)
        except KeyError:
            return None
