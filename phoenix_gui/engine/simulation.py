"""The simulation: a deterministic, event-timed model of Dynamic Membership Architecture.

``Simulation(config)`` builds the run (one SeedSequence, entropy = ``config.seed``, recorded in
the first audit record), registers the initial members through Algorithm 1 and submits the
initial tasks. ``step()`` advances the clock by ``timing.step_hours``:

1. requests made since the last step (sliders, clicks) and due timeline events are applied at
   the step boundary, each recorded as an event;
2. churn and task arrivals are drawn for the step and applied at their exact times; between
   them every timed thing (completions, hand-offs, transfer arrivals, failure detection) is
   processed in time order;
3. the units of work done in the step are measured (T_obs: each fails with probability
   1 − its member's trust and is redone), heartbeat and checkpoint rounds are noted, and the
   cumulative counters are recorded for the observed-metrics window.
"""

from __future__ import annotations

import dataclasses
import gc
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine import invariants, lifecycle, report, state
from phoenix_gui.engine.arrivals import arrive_in_bulk, can_batch
from phoenix_gui.engine.assignment import Assigner
from phoenix_gui.engine.churn import KIND_ORDER, ChurnDraw, draw_step, rate_problem
from phoenix_gui.engine.config import PARADIGMS, RETIREMENT_MODES, MemberSpec, SimulationConfig
from phoenix_gui.engine.core import Core, StepResult
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.engine.migration import BULK_MOVES, arrive
from phoenix_gui.engine.observed import History
from phoenix_gui.engine.params_apply import CHANGEABLE, current
from phoenix_gui.engine.requests import Requests
from phoenix_gui.engine.step_events import StepEvents
from phoenix_gui.engine.tasks import DueKind, FlightPacket, TaskState
from phoenix_gui.engine.workload import finish_due, pop_live_dues, submit

__all__ = ["Simulation", "StepResult", "Stepper"]

# Churn events one ``advance`` call of ``step()`` handles before checking whether it is done.
STEP_CHUNK = 4096
# A forgetful (headless) run forgets finished tasks every this many steps (Core.forget_finished).
FORGET_EVERY = 64

IntArray = npt.NDArray[np.int64]


# Configuration sections a branch cannot change: they shaped the run's state from its start.
FIXED_AT_BRANCH = (
    "seed",
    "paradigm",
    "ring",
    "members",
    "workload",
    "timing",
    "governance",
    "bands",
)


def _make_assigner(core: Core) -> Assigner:
    if core.config.paradigm == "phoenix":
        from phoenix_gui.engine.phoenix import PhoenixAssigner

        return PhoenixAssigner(core)
    if core.config.paradigm == "kubernetes":
        from phoenix_gui.engine.kubernetes import KubernetesAssigner

        return KubernetesAssigner(core)
    if core.config.paradigm == "trust-weighted":
        from phoenix_gui.engine.trust_weighted import TrustWeightedAssigner

        return TrustWeightedAssigner(core)
    from phoenix_gui.engine.agentic import AgenticAssigner

    return AgenticAssigner(core)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a piece of a step, back on after it.

    A busy step allocates tens of thousands of objects (events, audit records, the lists a
    batch is built in): with the collector on, every 700 of them start a collection, and the
    records a window keeps make the older collections long (a fifth of a busy run's time).
    The engine makes no reference cycles in a step, so nothing waits longer to be freed; the
    collector catches up once, when the piece ends. Left alone if it was off already.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Stepper:
    """One step of a :class:`Simulation`, done in pieces at churn-event boundaries.

    Created by :meth:`Simulation.begin_step`: requests and due timeline events are applied and
    the step's churn is drawn; then each :meth:`advance` handles the next churn events (with
    every timed thing before them), and the last one finishes the step (the clock reaches the
    step's end, work is measured, rounds are noted). Between two calls the model is in a
    consistent state at an event boundary, so a window can draw it and stay responsive while a
    step with thousands of churn events runs. :meth:`cut` ends the step early: the churn events
    not yet handled are dropped and recorded (``step_cut``), and the step finishes as usual, so
    the audit log stays a verifiable account of what happened.
    """

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        sim._step_events = StepEvents()
        dt = sim.config.timing.step_hours
        self.t0 = sim.step_index * dt
        self.t1 = (sim.step_index + 1) * dt
        sim.time = self.t0
        sim.tasks.now = self.t0
        sim.requests.apply_due(self.t0)
        m = sim.config.metrics
        self.churn = draw_step(
            sim.streams, self.t0, dt, m.joins / m.hours, m.leaves / m.hours,
            sim.config.workload.arrival_rate, sim.config.churn.enabled,
        )  # fmt: skip
        self.done = 0
        self._last = len(self.churn)  # churn events to handle (fewer after a cut)
        self.dropped = 0  # churn events cut off by :meth:`cut`
        self.result: StepResult | None = None

    @property
    def total(self) -> int:
        """Churn and arrival events drawn for this step."""
        return len(self.churn)

    @property
    def finished(self) -> bool:
        return self.result is not None

    def advance(self, count: int = 1) -> bool:
        """Handle up to ``count`` more churn events, or once they are all handled (or cut) up
        to ``count`` of the timed things left before the step's end; then finish the step.
        True once the step is finished."""
        if self.result is not None:
            return True
        with gc_paused():
            return self._advance(count)

    def _advance(self, count: int) -> bool:
        sim, churn = self.sim, self.churn
        end = min(self.done + max(1, count), self._last)
        if self.done < end:
            while self.done < end:
                self.done = sim._churn_from(churn, self.done)
            return False
        if not sim.advance_to(self.t1, budget=max(1, count)):
            return False
        self._finish()
        return True

    def cut(self) -> None:
        """Stop the churn here: the events not yet handled are dropped (and recorded); the
        step then only finishes (``advance`` until it returns True)."""
        if self.result is not None or self._last == self.done:
            return
        if self.done < len(self.churn):
            counts = self.churn.kinds(self.done)
            self.sim.emit(
                float(self.churn.time[self.done]), Primitive.SYSTEM, "step_cut",
                dropped_joins=counts["join"], dropped_leaves=counts["leave"],
                dropped_arrivals=counts["submit"], handled=self.done,
            )  # fmt: skip
            self.dropped = len(self.churn) - self.done
        self._last = self.done

    def _finish(self) -> None:
        sim = self.sim
        sim._measure_work(self.t1)
        sim._rounds(self.t0, self.t1)
        sim.step_index += 1
        sim.time = self.t1
        sim.tasks.now = self.t1
        sim.history.record(self.t1, sim.counters)
        if sim.tasks.forgetful and sim.step_index % FORGET_EVERY == 0:
            sim.forget_finished()
        self.result = StepResult(self.t1, sim.step_index, sim._step_events)


class Simulation(Core):
    """Public engine API (docs/engine_api.md "Simulation")."""

    def __init__(
        self, config: SimulationConfig, audit_sink: TextIO | None = None, keep_audit: bool = True
    ) -> None:
        """``keep_audit=False`` (headless runs): the audit log streams to ``audit_sink`` and
        keeps only its recent records, so memory stays flat over a long run."""
        if config.paradigm not in PARADIGMS:
            raise ValueError(f"paradigm: must be one of {', '.join(PARADIGMS)}")
        if config.timing.step_hours <= 0:
            raise ValueError("timing.step_hours: must be > 0")
        if config.retirement not in RETIREMENT_MODES:
            raise ValueError(f"retirement: must be one of {', '.join(RETIREMENT_MODES)}")
        problem = rate_problem(
            config.metrics, config.workload.arrival_rate, config.timing.step_hours
        )
        if problem is not None:
            raise ValueError(problem)
        super().__init__(config, audit_sink, keep_audit)
        self.assigner = _make_assigner(self)
        self.history = History()
        self.requests = Requests(self)
        self.stopped = False
        self.emit(
            0.0, Primitive.SYSTEM, "run_started",
            entropy=self.streams.entropy, seed=config.seed, paradigm=config.paradigm,
            name=config.name, step_hours=config.timing.step_hours,
        )  # fmt: skip
        self.history.record(0.0, self.counters)
        self.requests.initial_members()
        submit(self, self.config.workload.initial_tasks, 0.0)

    # -- time machine ---------------------------------------------------------------------

    def checkpoint(self) -> state.Checkpoint:
        """The whole state between two steps, frozen (engine/state.py); the run goes on."""
        return state.capture(
            self,
            step=self.step_index,
            time=self.time,
            audit_head=self.audit.head,
            audit_count=len(self.audit),
        )

    @classmethod
    def restore(cls, checkpoint: state.Checkpoint, audit_sink: TextIO | None = None) -> Simulation:
        """A simulation that continues from ``checkpoint`` exactly as the original would have;
        its audit records continue the chain (into ``audit_sink`` if given)."""
        sim = state.rebuild(checkpoint)
        if not isinstance(sim, cls):
            raise state.StateError("state graph: the root is not a Simulation")
        if sim.step_index != checkpoint.step or sim.audit.head != checkpoint.audit_head:
            raise state.StateError("state: its header does not match its contents")
        sim.audit.resume(audit_sink)
        return sim

    def branch(self, config: SimulationConfig) -> Simulation:
        """A copy of this run that goes on from now with ``config``'s run-time parameters
        (queued as requests for the next step, so they are audited) and ``config``'s scripted
        events that have not had their moment yet. This run is left untouched. Anything else
        that differs (seed, paradigm, ring, members, workload, timing, governance, bands)
        cannot change mid-run and raises ValueError naming it."""
        fixed = [
            name for name in FIXED_AT_BRANCH if getattr(config, name) != getattr(self.config, name)
        ]
        if dataclasses.replace(config.churn, crash_share=0.0) != dataclasses.replace(
            self.config.churn, crash_share=0.0
        ):
            fixed.append("churn")
        if fixed:
            raise ValueError(
                f"{fixed[0]}: cannot change at a branch point (only "
                f"{', '.join(CHANGEABLE)} and the timeline can)"
            )
        twin = Simulation.restore(self.checkpoint())
        for name in CHANGEABLE:
            value = (
                config.churn.crash_share if name == "crash_share" else getattr(config.metrics, name)
            )
            if float(value) != current(twin, name):
                twin.set_param(name, float(value))
        twin.requests.replace_timeline(config.timeline, twin.time)
        return twin

    # -- running ----------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``listener`` with every event from now on; returns the unsubscribe function."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def step(self) -> StepResult:
        stepper = self.begin_step()
        while not stepper.advance(STEP_CHUNK):
            pass
        assert stepper.result is not None
        return stepper.result

    def begin_step(self) -> Stepper:
        """Start the next step and return it, to be done in bounded pieces (see :class:`Stepper`).

        ``step()`` is exactly ``begin_step()`` advanced to its end: the pieces change nothing
        about what the step does, so a run stepped in pieces has the same audit log.
        """
        return Stepper(self)

    def run(
        self,
        hours: float | None = None,
        steps: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Run ``steps`` steps or ``hours`` simulated hours (whole steps); stops early if
        :attr:`stopped` is set (e.g. by a Ctrl-C handler) at a step boundary."""
        if (hours is None) == (steps is None):
            raise ValueError("run: give exactly one of hours or steps")
        total = (
            steps if steps is not None else round((hours or 0.0) / self.config.timing.step_hours)
        )
        for done in range(total):
            if self.stopped:
                break
            self.step()
            if progress is not None:
                progress(done + 1, total)

    def _churn_from(self, events: ChurnDraw, i: int) -> int:
        """Apply ``events[i]`` — or, on the ring, the run of arrivals starting there that no
        membership change or timed engine event interrupts, in bulk (engine/arrivals.py);
        returns the index of the next event to apply."""
        end = i
        horizon = self.agenda.next_time()
        kinds, times = events.kind, events.time
        submit_kind = KIND_ORDER["submit"]
        while end < len(events) and kinds[end] == submit_kind and times[end] < horizon:
            end += 1
        if end - i > 1 and can_batch(self):
            arrive_in_bulk(self, times[i:end].tolist())
            return end
        event = events[i]
        self.advance_to(event.time)
        self.requests.churn_event(event)
        return i + 1

    def advance_to(self, t: float, budget: int | None = None) -> bool:
        """Process every timed thing up to and including ``t``, in time order. With a
        ``budget``, stop after that many (a batch of due tasks counts as one); True once
        everything up to ``t`` is done."""
        while True:
            ta = self.agenda.next_time()
            td = self.due.next_time()
            if min(ta, td) > t:
                return True
            if budget is not None:
                if budget <= 0:
                    return False
                budget -= 1
            if td <= ta:
                self._process_dues(min(ta, t))
                continue
            entry = self.agenda.pop()
            if entry.kind == "arrive":
                arrive(self, entry)
            elif entry.kind == "suspect":
                lifecycle.suspect(self, entry.key, entry.time)
            elif entry.kind == "remove":
                lifecycle.remove(self, entry.key, entry.time)

    def _process_dues(self, limit: float) -> None:
        ids, times = pop_live_dues(self, limit)
        if ids.size == 0:
            return
        kinds = self.tasks.raw("due_kind")[ids]
        done = kinds == int(DueKind.FINISH)
        if done.any():
            finish_due(self, ids[done], times[done])
        for tid, when, kind in zip(
            ids[~done].tolist(), times[~done].tolist(), kinds[~done].tolist(), strict=True
        ):
            reason = "context_limit" if kind == DueKind.CONTEXT else "agent_error"
            self.assigner.handoff(tid, when, reason)
        if done.any():
            self.assigner.room_appeared(float(times[done][-1]))

    def _measure_work(self, t1: float) -> None:
        """Units of work this step: one per task that ran in it, succeeding with probability
        = its member's trust (the measured T_obs). A failed unit is redone: the task loses the
        step's progress (back to where the unit began) and finishes that much later, so low
        trust really slows work. The retries are counted and audited."""
        tab = self.tasks
        n = len(tab)
        low = tab.live_from  # every task below it is finished
        # Running, and started before t1 (started at t1 exactly: no work done yet); masks over
        # the live slices rather than gathers by id, and trust clipped per member, not per task.
        ran = tab.raw("state")[low:n] == int(TaskState.RUNNING)
        ran &= tab.raw("since")[low:n] < t1
        at = np.flatnonzero(ran)  # positions in the live slice
        if at.size == 0:
            return
        cols = self.columns
        trust = np.clip(cols.trust, 0.0, 1.0)
        draws = self.streams["work_units"].random(at.size)
        # A unit fails where its draw is not below its member's trust. Every draw below the
        # lowest trust of any member succeeds whoever ran it, so only the others (a few per
        # cent) need their owner's trust looked up; with a NaN trust (no lowest) every one.
        # take, compress: numpy's plain gathers, about twice as fast as fancy indexing here;
        # positions in the slice throughout, ids (position + low) only for the failed ones.
        lowest = float(trust[: cols.size].min()) if cols.size else math.nan
        maybe = np.flatnonzero(draws >= lowest) if lowest == lowest else np.arange(at.size)
        owners = tab.raw("owner")[low:n].take(at.take(maybe))
        failed = at.take(maybe.compress(~(draws.take(maybe) < trust.take(owners))))
        self.counters.attempts += int(at.size)
        self.counters.successes += int(at.size - failed.size)
        if low:
            failed += low
        if failed.size:
            self._redo(failed, t1)

    def _redo(self, ids: IntArray, t1: float) -> None:
        """The step's unit of ``ids`` failed: roll each back to where the unit began and push
        its due time (finish, or an agent's session end) back by the same amount."""
        tab = self.tasks
        elapsed = t1 - tab.raw("since").take(ids)
        lost = np.minimum(self.config.timing.step_hours, elapsed)
        # Every one of them is RUNNING: TaskTable.progress_at's running case, without its masks.
        progress = np.minimum(tab.raw("base").take(ids) + elapsed, tab.raw("work").take(ids))
        tab.raw("base")[ids] = progress - lost
        tab.raw("since")[ids] = t1
        # No new queue entry: the old one, when it comes due, is queued again at the new time.
        due = tab.raw("due")
        due[ids] = due.take(ids) + lost
        hours = float(lost.sum())
        self.counters.retries += int(ids.size)
        self.counters.work_redone += hours
        count = int(ids.size)
        self.emit(
            t1, Primitive.ASSIGNMENT, "work_units_failed",
            count=count, hours=hours, tasks=ids[:BULK_MOVES].tolist(),
            more=max(0, count - BULK_MOVES),
        )  # fmt: skip

    def _rounds(self, t0: float, t1: float) -> None:
        timing = self.config.timing
        for interval, kind in (
            (timing.heartbeat_interval, "heartbeat_round"),
            (timing.checkpoint_interval, "checkpoint_round"),
        ):
            first = int(np.floor(t0 / interval + 1e-9)) + 1
            last = int(np.floor(t1 / interval + 1e-9))
            for k in range(first, last + 1):
                self._round(kind, k * interval)

    def _round(self, kind: str, tick: float) -> None:
        cols = self.columns
        n = cols.size
        if kind == "heartbeat_round":
            alive = int(np.count_nonzero(cols.working[:n]))
            self.emit(tick, Primitive.DISCOVERY, kind, alive=alive, silent=self.silent)
        else:
            running = int(cols.running[:n].sum())
            self.emit(tick, Primitive.MIGRATION, kind, running=running)

    # -- requests (applied at the next step boundary) ------------------------------------------

    def set_param(self, name: str, value: float) -> None:
        self.requests.set_param(name, value)

    def apply_requests(self) -> None:
        """Apply the queued requests now, between two steps.

        The next step would apply them first thing at this same time, before anything else, so
        the audit log is the same either way; a window calls this so the engine's configuration
        matches its sliders at once instead of one step later. Not during a step.
        """
        self.requests.apply_queued(self.time)

    def request_join(self, spec: MemberSpec | None = None) -> None:
        self.requests.queue("join", spec)

    def request_retire(self, member_id: str) -> None:
        self.requests.queue("retire", member_id)

    def request_crash(self, member_id: str) -> None:
        self.requests.queue("crash", member_id)

    @staticmethod
    def check_submit(capabilities: tuple[str, ...]) -> None:
        """Refuse a task request the engine cannot take (also before it is queued for later)."""
        if len(capabilities) > 1:
            raise ValueError("capabilities: a task requires at most one capability")

    def submit_task(
        self,
        capabilities: tuple[str, ...] = (),
        cpu: float | None = None,
        memory: float | None = None,
        min_trust: float | None = None,
    ) -> None:
        self.check_submit(capabilities)
        self.requests.queue(
            "submit", (capabilities[0] if capabilities else None, cpu, memory, min_trust)
        )

    # -- views --------------------------------------------------------------------------------

    def packet(self, task_index: int) -> FlightPacket:
        return report.packet(self, task_index)

    def explain(self, task_index: int) -> dict[str, Any]:
        if not 0 <= task_index < len(self.tasks):
            raise IndexError(f"no task {task_index}")
        out = self.assigner.explain(task_index)
        out["state"] = TaskState(int(self.tasks.raw("state")[task_index])).name
        return out

    def snapshot(self) -> report.Snapshot:
        return report.snapshot(self, self.history)

    def summary(self) -> dict[str, Any]:
        return report.summary(self)

    def check_invariants(self) -> list[str]:
        return invariants.check(self)
