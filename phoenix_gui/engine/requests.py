"""Requests from users, sliders and the scenario timeline, applied at step boundaries.

Every request is queued and applied at the start of the next step, in the order it was made,
and recorded as an event, so a run with slider moves and clicks replays exactly. Timeline
events fire at the first step boundary at or after their hour. This module also builds the
generated members (``{prefix}{n}``) and runs the churn events drawn for a step.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from phoenix_gui.engine import lifecycle
from phoenix_gui.engine.churn import ChurnEvent
from phoenix_gui.engine.config import MemberKind, MemberSpec, TimelineEvent, drawn_trust
from phoenix_gui.engine.core import Core
from phoenix_gui.engine.events import Primitive
from phoenix_gui.engine.members import Member, MemberStatus
from phoenix_gui.engine.params_apply import apply_param, check_param
from phoenix_gui.engine.workload import submit

KIND_OF: dict[str, MemberKind] = {
    "phoenix": "host",
    "kubernetes": "node",
    "agentic": "agent",
    "trust-weighted": "host",
}


class Requests:
    """The queue of requests and the timeline cursor of one run; works on the shared core."""

    def __init__(self, sim: Core) -> None:
        self.sim = sim
        self._queue: list[tuple[str, Any]] = []
        self._timeline = sorted(sim.config.timeline, key=lambda e: e.at)
        self._next_timeline = 0
        self._generated = 0
        self.firing: int | None = None

    # -- members ---------------------------------------------------------------------------

    def generated_spec(self) -> MemberSpec:
        """The next generated member (see :meth:`_generate`)."""
        return self._generate()[0]

    def _generate(self) -> tuple[MemberSpec, float]:
        """The next generated member: the template, with its kind from the paradigm and its
        trust drawn around the current T (``config.drawn_trust``, from the run's member-trust
        stream, so the same seed gives the same members); returns its draw in [-1, 1]."""
        cfg = self.sim.config
        while True:
            member_id = f"{cfg.members.prefix}{self._generated}"
            self._generated += 1
            if member_id not in self.sim.registry:
                break
        offset = float(self.sim.streams["member_trust"].uniform(-1.0, 1.0))
        trust = drawn_trust(cfg.metrics.trust, offset)
        kind = KIND_OF[cfg.paradigm]
        spec = dataclasses.replace(cfg.members.template, id=member_id, kind=kind, trust=trust)
        return spec, offset

    def _register_generated(self, t: float, cause: str) -> Member | None:
        spec, offset = self._generate()
        member = lifecycle.register(self.sim, spec, t, cause, follows_trust=True)
        if member is not None:  # None: refused at the membership cap
            member.trust_offset = offset
        return member

    def initial_members(self) -> None:
        cfg = self.sim.config
        # No task is placed yet, so no join moves anything: the members' vnodes go on the ring
        # in one sort at the end (HashRing.defer_joins) instead of one incremental join each.
        ring = self.sim.ring
        if len(self.sim.tasks) == 0:
            ring.defer_joins()
        try:
            for spec in cfg.members.listed:
                lifecycle.register(self.sim, spec, 0.0, "initial", follows_trust=False)
            for _ in range(cfg.members.generate):
                self._register_generated(0.0, "initial")
        finally:
            ring.settle_joins()
        # The initial population is not churn: J counts joins after the start.
        self.sim.counters.joins = 0
        self.sim.changes.clear()

    def join(self, spec: MemberSpec | None, t: float, cause: str) -> None:
        sim = self.sim
        if spec is None:
            member = self._register_generated(t, cause)
        else:
            member = lifecycle.register(sim, spec, t, cause, follows_trust=False)
        if member is not None and member.status is MemberStatus.ACTIVE:
            sim.counters.joins += 1

    def leave(self, crash_u: float, pick_u: float, t: float, cause: str) -> None:
        """A churn leave: crash or graceful retirement of a uniformly chosen ACTIVE member."""
        sim = self.sim
        active = sim.registry.with_status(MemberStatus.ACTIVE)
        if len(active) - 1 < sim.config.churn.min_members:
            sim.counters.suppressed_leaves += 1
            if cause != "churn":  # a scripted leave that could not apply
                sim.counters.events_ignored += 1
            sim.emit(t, Primitive.SYSTEM, "leave_suppressed", active=len(active), cause=cause)
            return
        member = active[min(int(pick_u * len(active)), len(active) - 1)]
        if crash_u < sim.config.churn.crash_share:
            lifecycle.crash(sim, member, t, cause)
        else:
            lifecycle.retire(sim, member, t, cause)

    def churn_event(self, ev: ChurnEvent) -> None:
        if ev.kind == "join":
            self.join(None, ev.time, "churn")
        elif ev.kind == "leave":
            self.leave(ev.crash_u, ev.pick_u, ev.time, "churn")
        else:
            submit(self.sim, 1, ev.time)

    def _targeted(self, action: str, member_id: str | None, t: float, cause: str) -> None:
        sim = self.sim
        status = sim.registry.status_of(member_id) if member_id else None
        if status is not MemberStatus.ACTIVE or not member_id:
            state = status.value if status is not None else "unknown"
            sim.counters.events_ignored += 1
            sim.emit(
                t, Primitive.SYSTEM, "request_ignored",
                action=action, member=member_id, reason=f"member is {state}",
            )  # fmt: skip
            return
        member = sim.registry.get(member_id)
        if action == "retire":
            lifecycle.retire(sim, member, t, cause)
        else:
            lifecycle.crash(sim, member, t, cause)

    # -- queue -------------------------------------------------------------------------------

    def queue(self, kind: str, payload: Any) -> None:
        self._queue.append((kind, payload))

    def set_param(self, name: str, value: float) -> None:
        self._queue.append(("set", (name, check_param(name, value))))

    def replace_timeline(self, timeline: tuple[TimelineEvent, ...], t: float) -> bool:
        """From now on follow ``timeline``'s events that have not had their moment yet (a
        branch with another script); True if the future events changed."""
        dt = self.sim.config.timing.step_hours
        # Events up to the start of the last step have fired; later ones are still to come.
        fired_until = (self.sim.step_index - 1) * dt + 1e-9 if self.sim.step_index else -1.0
        future_old = self._timeline[self._next_timeline :]
        new = sorted(timeline, key=lambda e: e.at)
        future_new = [e for e in new if e.at > fired_until]
        if future_new == future_old:
            return False
        self._timeline = future_new
        self._next_timeline = 0
        self.sim.emit(
            t, Primitive.SYSTEM, "timeline_replaced", events=len(future_new),
            first=future_new[0].at if future_new else None,
        )  # fmt: skip
        return True

    def apply_queued(self, t: float) -> None:
        """The user's requests, in the order they were made."""
        pending, self._queue = self._queue, []
        for kind, payload in pending:
            self._apply(kind, payload, t, "user")

    def apply_due(self, t: float) -> None:
        self.apply_queued(t)
        while (
            self._next_timeline < len(self._timeline)
            and self._timeline[self._next_timeline].at <= t + 1e-9
        ):
            # While it fires, `firing` is the event's index in the (time-ordered) timeline, so
            # a listener can say which scripted event an ignored request came from.
            self.firing = self._next_timeline
            try:
                self._fire(self._timeline[self._next_timeline], t)
            finally:
                self.firing = None
            self._next_timeline += 1

    def _apply(self, kind: str, payload: Any, t: float, cause: str) -> None:
        sim = self.sim
        if kind == "set":
            name, value = payload
            apply_param(sim, name, value, t)
        elif kind == "join":
            self.join(payload, t, cause)
        elif kind in ("retire", "crash"):
            self._targeted(kind, payload, t, cause)
        elif kind == "submit":
            capability, cpu, memory, min_trust = payload
            submit(sim, 1, t, capability, cpu, memory, min_trust)

    def _fire(self, ev: TimelineEvent, t: float) -> None:
        sim = self.sim
        if ev.kind == "join":
            self.join(ev.member, t, "timeline")
        elif ev.kind in ("retire", "crash"):
            self._targeted(ev.kind, ev.target, t, "timeline")
        elif ev.kind == "burst":
            rng = sim.streams["crash_choice"]
            for _ in range(ev.count):
                if ev.leaves:
                    u = rng.random(2)
                    self.leave(float(u[0]), float(u[1]), t, "timeline")
                else:
                    self.join(None, t, "timeline")
        elif ev.kind == "set":
            for name, value in ev.values:
                apply_param(sim, name, check_param(name, value), t)
        elif ev.kind == "caption":
            sim.emit(t, Primitive.SYSTEM, "caption", text=ev.text, pause=ev.pause)
        elif ev.kind == "submit":
            submit(sim, ev.count, t)
