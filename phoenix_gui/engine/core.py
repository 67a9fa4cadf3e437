"""The engine's shared state and the few operations every primitive uses.

:class:`Core` owns the clock, the random streams, the registry, the ring, the task columns, the
queues and the counters, and emits events (audit log first, then listeners). The primitives
live in their own modules (lifecycle, migration, assignment, churn, …) as functions or small
classes working on a ``Core``; :class:`~phoenix_gui.engine.simulation.Simulation` adds the
public API on top. The core knows the paradigm's assigner only through :class:`Placement`, the
calls the primitives make on it, so it never imports the modules that import it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.audit import AuditLog
from phoenix_gui.engine.config import SimulationConfig
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.engine.members import Member, MemberColumns, add_counts
from phoenix_gui.engine.randomness import Streams
from phoenix_gui.engine.registry import Registry
from phoenix_gui.engine.ring import HashRing, RingChange, TokenIndex
from phoenix_gui.engine.schedule import Agenda, DueQueue
from phoenix_gui.engine.step_events import StepEvents, make_event
from phoenix_gui.engine.tasks import DueKind, TaskState, TaskTable, hand_back_large_blocks
from phoenix_gui.engine.transfers import Transfer as Transfer
from phoenix_gui.engine.transfers import TransferTable

_new_object = object.__new__

# A headless run keeps this many of its latest membership changes (ChangeLog.forget_older).
CHANGES_KEPT = 4096

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass
class Counters:
    """Whole-run totals (the CLI summary and the observed-metrics window read them)."""

    joins: int = 0
    leaves: int = 0  # graceful retirements + crashes (the L of MCR)
    retirements: int = 0
    crashes: int = 0
    suppressed_leaves: int = 0
    rejected: int = 0
    registry_full: int = 0  # joins refused because the registry held MAX_LIVE_MEMBERS
    submitted: int = 0
    authorised: int = 0
    denied: int = 0
    completed: int = 0
    migrations: int = 0
    migrations_completed: int = 0
    validation_failures: int = 0
    handoffs: int = 0
    agent_errors: int = 0
    work_lost: float = 0.0  # crash: work since the last checkpoint
    # Graceful moves, end to end: progress when the source stopped − progress the task resumed
    # from on its target (after transfer and validation). Must stay 0 for real drains.
    work_lost_graceful: float = 0.0
    work_lost_evicted: float = 0.0  # evict retirement: work since the last checkpoint
    work_lost_errors: float = 0.0  # agentic: the step an agent erred on
    work_delayed: float = 0.0  # task-hours stranded on crashed members until detection
    retries: int = 0  # units of work that failed (probability 1 − trust) and were redone
    work_redone: float = 0.0  # hours of work those failed units lost
    evicted: int = 0  # tasks evicted to PENDING by evict retirements
    events_ignored: int = 0  # requests and scripted events that could not apply
    work_done: float = 0.0  # hours of work credited by completions
    attempts: int = 0  # units of work (one task-step) attempted, for T_obs
    successes: int = 0
    stranded: int = 0  # tasks currently stranded on a crashed, unnoticed member
    pending: int = 0  # tasks currently waiting for a member

    def as_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)


@dataclass
class ChangeRecord:
    """Rebalancing overhead of one membership change (DESIGN.md §3).

    ``moved`` counts every task that changed member or went back to PENDING because of the
    change; ``ideal`` is the theory's share (1/(N+1), 1/N) where there is one — ring joins and
    leaves — and None elsewhere (scored schedulers, evictions).
    """

    kind: str  # "join" | "leave"
    member: str
    time: float
    members_before: int
    moved: int
    active: int
    ratio: float
    ideal: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "member": self.member,
            "moved": self.moved,
            "active": self.active,
            "ratio": round(self.ratio, 6),
            "ideal": None if self.ideal is None else round(self.ideal, 6),
        }


class ChangeLog:
    """Every :class:`ChangeRecord` of a run, stored as numpy columns: a long run has hundreds
    of thousands of joins and leaves, and a record object each would grow with it. Reads like
    the list it replaces (``len``, ``[i]``, iteration, ``append``, ``clear``); a record comes
    back equal to the one appended (its floats are float64 either way).

    A headless run (:meth:`Core.forget_finished`) keeps only the last records
    (:meth:`forget_older`); what the summary needs of them all — the mean moved share of the
    joins with active members — is kept as it goes (:meth:`mean_join_ratio`).
    """

    _KINDS = ("join", "leave")

    def __init__(self) -> None:
        self._n = 0
        self._ints = np.zeros((64, 4), dtype=np.int64)  # kind, members_before, moved, active
        self._floats = np.zeros((64, 3), dtype=np.float64)  # time, ratio, ideal (NaN: None)
        self._members: list[str] = []
        self.forgotten = 0  # records dropped by forget_older (the oldest first)
        # The ratios of joins with active members, summed exactly (math.fsum's partials).
        self._join_count = 0
        self._join_partials: list[float] = []

    def __len__(self) -> int:
        return self._n

    def __setstate__(self, state: dict[str, Any]) -> None:
        # States saved before the running join mean: rebuild it from the records held.
        if "_join_partials" not in state:
            state["forgotten"] = 0
            state["_join_count"] = 0
            state["_join_partials"] = []
            self.__dict__.update(state)
            for i in range(self._n):
                kind, _before, _moved, active = self._ints[i].tolist()
                if kind == 0 and active:
                    self._add_join(float(self._floats[i, 1]))
            return
        self.__dict__.update(state)

    def append(self, record: ChangeRecord) -> None:
        if self._n == self._ints.shape[0]:
            self._ints = np.concatenate([self._ints, np.zeros_like(self._ints)])
            self._floats = np.concatenate([self._floats, np.zeros_like(self._floats)])
        kind = self._KINDS.index(record.kind)
        self._ints[self._n] = (kind, record.members_before, record.moved, record.active)
        ideal = math.nan if record.ideal is None else record.ideal
        self._floats[self._n] = (record.time, record.ratio, ideal)
        self._members.append(record.member)
        self._n += 1
        if kind == 0 and record.active:
            self._add_join(float(self._floats[self._n - 1, 1]))

    def _add_join(self, ratio: float) -> None:
        """Add ``ratio`` to the exact running sum (Shewchuk's partials, as math.fsum keeps)."""
        partials = self._join_partials
        x = ratio
        i = 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo:
                partials[i] = lo
                i += 1
            x = hi
        partials[i:] = [x]
        self._join_count += 1

    def mean_join_ratio(self) -> float | None:
        """Mean moved share of every join with active members the run made (forgotten ones
        too); None when there was none."""
        if not self._join_count:
            return None
        return math.fsum(self._join_partials) / self._join_count

    def forget_older(self, keep: int) -> None:
        """Hold only the last ``keep`` records (once twice that many are held, so each record
        is moved O(1) times); :meth:`mean_join_ratio` still counts the dropped ones."""
        n = self._n
        if n < 2 * keep or keep <= 0:
            return
        drop = n - keep
        rows = max(64, 2 * keep)
        ints = np.zeros((rows, 4), dtype=np.int64)
        floats = np.zeros((rows, 3), dtype=np.float64)
        ints[:keep] = self._ints[drop:n]
        floats[:keep] = self._floats[drop:n]
        self._ints, self._floats = ints, floats
        self._members = self._members[drop:]
        self._n = keep
        self.forgotten += drop

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]

    def __getitem__(self, i: int) -> ChangeRecord:
        if not -self._n <= i < self._n:
            raise IndexError("change index out of range")
        i %= self._n
        kind, before, moved, active = self._ints[i].tolist()
        time, ratio, ideal = self._floats[i].tolist()
        return ChangeRecord(
            self._KINDS[kind], self._members[i], time, before, moved, active, ratio,
            None if math.isnan(ideal) else ideal,
        )  # fmt: skip

    def __iter__(self) -> Iterator[ChangeRecord]:
        return (self[i] for i in range(self._n))


class Placement(Protocol):
    """What the core and the primitives ask of the paradigm's assigner (where tasks go).

    :class:`~phoenix_gui.engine.assignment.Assigner` and its subclasses implement it.
    """

    def place_new(self, ids: IntArray, t: float) -> None:
        """Give newly authorised tasks an owner, or queue them."""

    def member_joined(self, member: Member, change: RingChange, t: float) -> int:
        """After registration: rebalance if the paradigm does; returns tasks moved."""

    def member_leaving(self, member: Member, change: RingChange, t: float, reason: str) -> int:
        """Move every task off ``member`` (drain or crash recovery); returns tasks moved."""

    ring_ideal: bool  # theory gives the moved share of a join or leave (the ring) or not

    def room_appeared(self, t: float) -> None:
        """Capacity was freed or a member joined: retry waiting tasks."""

    def reschedule(self, ids: IntArray, t: float) -> None:
        """Place tasks that were evicted to PENDING (no owner) again."""

    def handoff(self, tid: int, t: float, reason: str) -> None:
        """An agent's session ended early (context limit, error): hand the task on."""

    def explain(self, tid: int) -> dict[str, Any]:
        """Why the task went where it did: candidates, scores, winner."""

    def pending_count(self) -> int:
        """Tasks waiting for a member."""


@dataclass
class StepResult:
    time: float
    step: int
    # The step's events in order (a StepEvents from a step: built when first read).
    events: Sequence[Event] = field(default_factory=list)


_event = make_event  # (kept under its old name for the callers here)


class Core:
    """State shared by the primitives. Not public API: use Simulation."""

    def __init__(
        self, config: SimulationConfig, audit_sink: TextIO | None = None, keep_audit: bool = True
    ) -> None:
        self.config = config
        self.time = 0.0
        self.step_index = 0
        self.streams = Streams(config.seed)
        self.audit = AuditLog(audit_sink, keep=keep_audit)
        self.registry = Registry(config.members.prefix)
        self.ring = HashRing(vnodes=config.ring.vnodes)
        self.columns = MemberColumns()
        self.tasks = TaskTable(capacity=max(1024, config.workload.initial_tasks + 1024))
        # Runs forget finished tasks' rows as they go, so a long run's memory follows the live
        # tasks (see :meth:`forget_finished`); headless runs (the audit streamed, not kept) forget
        # departed members and old membership changes too (the window's docks list them all).
        self.tasks.forgetful = True
        self.forget_departed = not keep_audit
        if not keep_audit:
            hand_back_large_blocks()
        self.token_index = TokenIndex()  # phoenix: tasks by token, for moved_tasks
        self.due = DueQueue()
        self.agenda = Agenda()
        self.transfers = TransferTable()
        self.batches: dict[int, IntArray] = {}  # transfer batch (generation) → its rows there
        self.counters = Counters()
        self.changes = ChangeLog()
        self.assigner: Placement  # set by Simulation once the paradigm is known
        self._listeners: list[Callable[[Event], None]] = []
        self._step_events = StepEvents()
        self._generation = 0
        self.silent = 0  # members crashed and not yet removed (FAILED or SUSPECT)

    # A checkpoint (engine/state.py) captures every attribute but the listeners (the window's
    # callbacks) and the events of the step in progress (a checkpoint is taken between steps).
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_listeners"] = []
        state["_step_events"] = StepEvents()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # -- events --------------------------------------------------------------------------------

    def emit(self, time: float, primitive: Primitive, kind: str, /, **details: Any) -> Event:
        event = _event(time, primitive, kind, details)
        self.audit.append(event)
        self._step_events.append(event)
        if self._listeners:
            for listener in list(self._listeners):
                listener(event)
        return event

    def emit_many(
        self,
        times: Sequence[float],
        primitives: Sequence[Primitive],
        kinds: Sequence[str],
        details: Sequence[dict[str, Any]],
    ) -> None:
        """:meth:`emit` of each (time, primitive, kind, details) in order, recorded as one
        batch (:meth:`AuditLog.append_many`: the same records). Listeners get the events in
        order once the batch is recorded; without listeners no Event object is made (the
        step's events are built if and when someone reads them)."""
        columns = (times, primitives, kinds, details)
        if not self._listeners:
            if len(times) == 1:  # one record: append's own path, at half append_many's cost
                self.audit.append(make_event(times[0], primitives[0], kinds[0], details[0]))
            else:
                self.audit.append_many(None, columns)
            self._step_events.extend_columns(times, primitives, kinds, details)
            return
        events = list(map(_event, times, primitives, kinds, details))
        self.audit.append_many(events, columns)
        self._step_events.extend_columns(times, primitives, kinds, details)
        for event in events:
            for listener in list(self._listeners):
                listener(event)

    def forget_finished(self) -> None:
        """Give back the memory of finished tasks below the oldest unfinished one (their rows,
        lineage and token-index room). Changes nothing a run records or decides: only finished
        tasks are forgotten, and nothing reads their rows but a look at one task (``packet``)."""
        upto = self.tasks.forget_finished()
        self.token_index.forget_below(upto)
        # (A run saved before window runs forgot tasks forgot members when it forgot tasks.)
        if not getattr(self, "forget_departed", self.tasks.forgetful):
            return
        self.changes.forget_older(CHANGES_KEPT)
        # Departed members too, but those a transfer in flight still names (its source).
        named = self.transfers.members_named()
        cols = self.columns
        self.registry.forget_departed(
            lambda m: m.index in named or bool(cols.load[m.index] or cols.outgoing[m.index])
        )

    def next_generation(self) -> int:
        self._generation += 1
        return self._generation

    # -- task ownership (one place keeps load and capacity in step) ---------------------------

    def set_owner(self, ids: IntArray, new_owner: npt.NDArray[np.int32] | np.int32 | int) -> None:
        """Move ``ids`` to ``new_owner`` (-1: nobody), updating load and capacity used."""
        if ids.size == 0:
            return
        self.release(ids)
        owners = np.asarray(new_owner)
        if owners.ndim == 0:  # one owner for all (nobody, most often): no per-task array
            who = int(owners)
            if who >= 0:
                self._charge(np.full(ids.size, who, dtype=np.int64), ids, 1)
            self.tasks.raw("owner")[ids] = who
            return
        if owners.shape == ids.shape:
            new = owners.astype(np.int64, copy=False)
        else:
            new = np.broadcast_to(owners.astype(np.int64, copy=False), ids.shape)
        gets = new >= 0
        if gets.all():
            self._charge(new, ids, 1)
        elif gets.any():
            self._charge(new[gets], ids[gets], 1)
        self.tasks.raw("owner")[ids] = new

    def tasks_of(self, member_index: int) -> IntArray:
        """Active tasks owned by a member, ascending."""
        n = len(self.tasks)
        owner = self.tasks.raw("owner")[:n]
        state = self.tasks.raw("state")[:n]
        member_id = self.registry.by_index(member_index).id
        if self.config.paradigm == "phoenix" and member_id in self.ring:
            # On the ring a member owns exactly the tasks on its arcs: cost follows its share.
            positions = np.flatnonzero(self.ring.owner_table() == member_index)
            ids = self.token_index.tasks_at(positions)
            hits: IntArray = ids[owner[ids] == member_index]
            return hits
        mine = (owner == member_index) & (state != int(TaskState.COMPLETED))
        found: IntArray = np.flatnonzero(mine & (state != int(TaskState.DENIED))).astype(np.int64)
        return found

    def release(self, ids: IntArray) -> None:
        """``ids`` stop counting on their owner's load and capacity; the owner column is left
        as is (a finished task keeps who ran it; :meth:`set_owner` then writes the new one)."""
        if ids.size == 0:
            return
        old = self.tasks.raw("owner").take(ids).astype(np.int64)
        had = old >= 0
        if had.all():
            self._charge(old, ids, -1)
        elif had.any():
            self._charge(old[had], ids[had], -1)

    def _charge(self, members: IntArray, ids: IntArray, sign: int) -> None:
        """Add (``sign`` 1) or take off (-1) each task's load, CPU and memory on its member."""
        cols = self.columns
        cpu = self.tasks.raw("cpu").take(ids).astype(np.float64)
        mem = self.tasks.raw("memory").take(ids).astype(np.float64)
        add_counts(cols.load, members, sign)
        np.add.at(cols.cpu_used, members, sign * cpu)
        np.add.at(cols.memory_used, members, sign * mem)

    # -- running tasks ---------------------------------------------------------------------

    def start_running(self, ids: IntArray, t: float | FloatArray) -> None:
        """(Re)start ``ids`` on their owners at ``t`` (one time, or one per task) from their
        checkpoint (``base``)."""
        if ids.size == 0:
            return
        tab = self.tasks
        tab.raw("state")[ids] = TaskState.RUNNING
        tab.raw("since")[ids] = t
        tab.raw("ckpt_time")[ids] = t
        base = tab.raw("base").take(ids)
        tab.raw("session_base")[ids] = base
        due = t + (tab.raw("work").take(ids) - base)  # the finish
        if self.config.paradigm == "agentic":
            due, kind = self._agent_session_ends(ids, t, due)
            tab.raw("due_kind")[ids] = kind
        else:
            tab.raw("due_kind")[ids] = DueKind.FINISH
        tab.raw("due")[ids] = due
        add_counts(self.columns.running, tab.raw("owner").take(ids), 1)
        self.due.push(ids, due)
        # A graceful stop left its progress behind: what the task resumes from now is measured
        # against it (a stale or corrupted checkpoint shows up here, not in an assumption).
        stopped = tab.raw("stop_progress").take(ids)
        had = ~np.isnan(stopped)
        if had.any():
            self.counters.work_lost_graceful += float(np.sum(stopped[had] - base[had]))
            tab.raw("stop_progress")[ids[had]] = math.nan

    def _agent_session_ends(
        self, ids: IntArray, t: float | FloatArray, finish: FloatArray
    ) -> tuple[FloatArray, npt.NDArray[np.int8]]:
        """A session ends at the task's finish, the agent's context limit, or its first error."""
        tab = self.tasks
        owners = tab.raw("owner")[ids]
        limit = np.array([self.registry.by_index(int(o)).context_limit for o in owners.tolist()])
        accuracy = np.array([self.registry.by_index(int(o)).accuracy for o in owners.tolist()])
        context = t + limit
        step = self.config.timing.step_hours
        p_err = np.clip(1.0 - accuracy, 0.0, 1.0)
        rng = self.streams["agent_errors"]
        # Steps until the first error: geometric; an agent with accuracy 1 never errs.
        k = np.where(p_err > 0, rng.geometric(np.where(p_err > 0, p_err, 0.5)), 0)
        error = np.where(p_err > 0, t + k * step, math.inf)
        due = np.minimum(np.minimum(finish, context), error)
        kind = np.where(
            due == finish, DueKind.FINISH, np.where(due == context, DueKind.CONTEXT, DueKind.ERROR)
        ).astype(np.int8)
        return due, kind

    def stop_running(
        self, ids: IntArray, t: float, state: TaskState, graceful: bool = True
    ) -> FloatArray:
        """Take running ``ids`` off their members with a fresh checkpoint at ``t``; returns
        their progress at ``t``. A graceful stop also notes that progress, and the task's next
        :meth:`start_running` measures what it resumes from against it."""
        tab = self.tasks
        before = tab.progress_at(ids, t)
        tab.raw("base")[ids] = before
        tab.raw("ckpt_time")[ids] = t
        tab.raw("state")[ids] = state
        tab.raw("due")[ids] = math.inf
        tab.raw("due_kind")[ids] = DueKind.NONE
        tab.raw("stop_progress")[ids] = before if graceful else math.nan
        add_counts(self.columns.running, tab.raw("owner").take(ids), -1)
        return before

    def strand(self, ids: IntArray, t: float | FloatArray) -> None:
        """``ids`` sit on a crashed member nobody has noticed yet, since ``t`` (one time, or
        one per task): no progress until moved."""
        if ids.size == 0:
            return
        self.tasks.raw("state")[ids] = TaskState.STRANDED
        self.tasks.raw("stranded_since")[ids] = t
        self.counters.stranded += int(ids.size)

    def unstrand(self, ids: IntArray, t: float) -> float:
        """``ids`` leave the STRANDED state at ``t``; returns (and counts in ``work_delayed``)
        the task-hours they sat stranded."""
        if ids.size == 0:
            return 0.0
        since = self.tasks.raw("stranded_since")[ids]
        delayed = float(np.sum(t - since))
        self.tasks.raw("stranded_since")[ids] = math.nan
        self.counters.stranded -= int(ids.size)
        self.counters.work_delayed += delayed
        return delayed
