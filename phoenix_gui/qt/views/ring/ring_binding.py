"""Connects a :class:`RingView` to the :class:`SimulationAdapter` (the view stays engine-free).

Membership signals rebuild the cached ring layers, task signals the task dots (skipped when
nothing moved), and engine events become animation cues: packets for migrations, a pulse for
a join, a fade for a drain, red markers and blinking tasks for a crash until its removal.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore

from phoenix_gui.engine import Event
from phoenix_gui.qt.adapter import SimulationAdapter
from phoenix_gui.qt.views.ring.ring_view import RingView

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
        adapter.tasksChanged.connect(self._on_tasks_changed)
        adapter.eventEmitted.connect(self._on_event)
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
        self._view.set_tasks(self._adapter.task_arrays())

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
            self._on_tasks_changed()  # blink exactly the tasks it holds now
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
