"""Assignment (primitive 3): the common interface, and the scored schedulers' pending queue.

Each paradigm implements :class:`Assigner`. The ring (``phoenix``) routes; ``kubernetes`` and
``agentic`` filter and score members (:class:`ScoredAssigner`), keep tasks that fit nowhere in
a pending queue (lowest id first) and retry it only when room appears, a bounded number of
tasks per attempt, so a step never rescans every task. Each decision keeps its explanation
(candidates, scores, winner) for the last few thousand decisions.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from typing import Any

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.core import Core
from phoenix_gui.engine.events import Primitive
from phoenix_gui.engine.members import Member
from phoenix_gui.engine.migration import detach, start_moves
from phoenix_gui.engine.ring import RingChange
from phoenix_gui.engine.tasks import TaskState

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Submissions larger than this are reported as one aggregate event, not one per task.
BULK_EVENT = 16
# How many explanations are kept (older decisions are recomputed against the current state).
EXPLAIN_KEEP = 4096
# A pass over the pending queue gives up after this many tasks that still fit nowhere.
MAX_SKIPS = 64


class Assigner:
    """Where tasks go. Subclasses: PhoenixAssigner, KubernetesAssigner, AgenticAssigner."""

    name = "base"
    ring_ideal = False  # True where theory gives the moved share of a change (the ring)

    def __init__(self, core: Core) -> None:
        self.core = core

    def reschedule(self, ids: IntArray, t: float) -> None:
        """Place tasks that were evicted to PENDING (no owner) again."""
        raise NotImplementedError

    def place_new(self, ids: IntArray, t: float) -> None:
        raise NotImplementedError

    def member_joined(self, member: Member, change: RingChange, t: float) -> int:
        """After registration: rebalance if the paradigm does; returns tasks moved."""
        raise NotImplementedError

    def member_leaving(self, member: Member, change: RingChange, t: float, reason: str) -> int:
        """Move every task off ``member`` (drain or crash recovery); returns tasks moved."""
        raise NotImplementedError

    def room_appeared(self, t: float) -> None:
        """Capacity was freed or a member joined: retry waiting tasks."""

    def handoff(self, tid: int, t: float, reason: str) -> None:
        raise NotImplementedError(f"{self.name} has no hand-offs")

    def explain(self, tid: int) -> dict[str, Any]:
        raise NotImplementedError

    def pending_count(self) -> int:
        return 0

    # -- shared helpers --------------------------------------------------------------------

    def _start(self, ids: IntArray, owners: npt.NDArray[np.int32], t: float) -> None:
        """Give never-assigned or waiting tasks to ``owners`` and start (or strand) them."""
        core = self.core
        if ids.size == 0:
            return
        core.tasks.lineage.record(t, "assigned", ids, owners)
        core.set_owner(ids, owners)
        first = np.isnan(core.tasks.raw("assigned_at")[ids])
        core.tasks.raw("assigned_at")[ids[first]] = t
        working = core.columns.working[owners.astype(np.int64)]
        core.start_running(ids[working], t)
        dead = ids[~working]  # owner crashed but is not yet noticed (ring routes there)
        if dead.size:
            core.tasks.raw("ckpt_time")[dead] = t
            core.strand(dead, t)

    def _report(self, ids: IntArray, owners: npt.NDArray[np.int32], t: float, kind: str) -> None:
        core = self.core
        if ids.size > BULK_EVENT:
            core.emit(
                t, Primitive.ASSIGNMENT, kind.replace("task_", "tasks_"), count=int(ids.size),
                first=int(ids[0]), last=int(ids[-1]), paradigm=self.name,
            )  # fmt: skip
            return
        names = core.ring.name_of
        for tid, who in zip(ids.tolist(), owners.tolist(), strict=True):
            member = names(who) if who >= 0 else None
            core.emit(t, Primitive.ASSIGNMENT, kind, task=tid, member=member)


class ScoredAssigner(Assigner):
    """Filter members, score them, highest score wins (ties by member id); else PENDING."""

    rule = ""  # subclasses: the filter and score, as shown in explanations

    def __init__(self, core: Core) -> None:
        super().__init__(core)
        self._pending: list[int] = []  # heap of task ids
        self._queued = np.zeros(0, dtype=bool)  # task id → in the heap (deduplicates pushes)
        self._explained: OrderedDict[int, dict[str, Any]] = OrderedDict()

    # subclasses: the candidate member indices (see _eligible) and their scores
    def candidates(self, tid: int, exclude: int = -1) -> tuple[IntArray, FloatArray]:
        raise NotImplementedError

    def _eligible(self, tid: int, fits: npt.NDArray[np.bool_], exclude: int) -> IntArray:
        """Members that pass the filter every scored paradigm shares, ascending.

        ``fits`` is the paradigm's own test over member indices ``0..n-1``; a candidate must
        also be schedulable, not ``exclude`` and, if the task needs a capability, offer it.
        """
        core = self.core
        n = core.columns.size
        ok = core.columns.schedulable[:n] & fits
        if 0 <= exclude < n:
            ok[exclude] = False
        skill = core.tasks.capability_of(tid)
        if skill is not None:
            ok &= has_capability(core, skill, n)
        return np.flatnonzero(ok).astype(np.int64)

    def pending_count(self) -> int:
        return self.core.counters.pending

    def choose(self, tid: int, exclude: int = -1, keep: bool = True) -> int:
        """Winning member index for ``tid`` or -1; keeps the explanation."""
        idx, scores = self.candidates(tid, exclude)
        winner = -1
        if idx.size:
            best = scores.max()
            tied = idx[scores == best]
            names = self.core.ring.name_of
            winner = int(min(tied.tolist(), key=names)) if tied.size > 1 else int(tied[0])
        if keep:
            self._remember(tid, idx, scores, winner)
        return winner

    def _remember(self, tid: int, idx: IntArray, scores: FloatArray, winner: int) -> None:
        names = self.core.ring.name_of
        order = np.argsort(-scores, kind="stable")[:20]
        self._explained[tid] = {
            "task": tid,
            "paradigm": self.name,
            "time": self.core.time,
            "rule": self.rule,
            "candidates": [
                {"member": names(int(idx[i])), "score": round(float(scores[i]), 6)} for i in order
            ],
            "considered": int(idx.size),
            "winner": names(winner) if winner >= 0 else None,
        }
        self._explained.move_to_end(tid)
        while len(self._explained) > EXPLAIN_KEEP:
            self._explained.popitem(last=False)

    def explain(self, tid: int) -> dict[str, Any]:
        if tid in self._explained:
            return dict(self._explained[tid])
        self.choose(tid, keep=True)  # not kept any more: show the decision as it would be now
        out = dict(self._explained[tid])
        out["recomputed"] = True
        return out

    # -- placement -------------------------------------------------------------------------

    def place_new(self, ids: IntArray, t: float) -> None:
        placed: list[int] = []
        owners: list[int] = []
        waiting: list[int] = []
        for tid in ids.tolist():
            who = self.choose(tid)
            if who < 0:
                waiting.append(tid)
                continue
            # Reserve the capacity now so the next task sees it taken.
            self.core.set_owner(np.array([tid], dtype=np.int64), np.int32(who))
            placed.append(tid)
            owners.append(who)
        if placed:
            p = np.asarray(placed, dtype=np.int64)
            o = np.asarray(owners, dtype=np.int32)
            self.core.set_owner(p, np.int32(-1))  # _start assigns again with its bookkeeping
            self._start(p, o, t)
            self._report(p, o, t, "task_assigned")
        if waiting:
            w = np.asarray(waiting, dtype=np.int64)
            self._enqueue(w)
            self._report(w, np.full(w.size, -1, dtype=np.int32), t, "task_pending")

    def _enqueue(self, ids: IntArray) -> None:
        core = self.core
        if self._queued.size < len(core.tasks):
            grown = np.zeros(max(len(core.tasks), 2 * self._queued.size), dtype=bool)
            grown[: self._queued.size] = self._queued
            self._queued = grown
        core.tasks.raw("state")[ids] = TaskState.PENDING
        for tid in ids.tolist():
            if not self._queued[tid]:
                self._queued[tid] = True
                heapq.heappush(self._pending, tid)
                core.counters.pending += 1

    def room_appeared(self, t: float) -> None:
        skipped: list[int] = []
        while self._pending and len(skipped) < MAX_SKIPS:
            tid = heapq.heappop(self._pending)
            who = self.choose(tid)
            if who < 0:
                skipped.append(tid)
                continue
            self._queued[tid] = False
            self.core.counters.pending -= 1
            one = np.array([tid], dtype=np.int64)
            self._start(one, np.array([who], dtype=np.int32), t)
            self._report(one, np.array([who], dtype=np.int32), t, "task_assigned")
        for tid in skipped:
            heapq.heappush(self._pending, tid)

    def reschedule(self, ids: IntArray, t: float) -> None:
        if ids.size == 0:
            return
        self._enqueue(ids)
        self._report(ids, np.full(ids.size, -1, dtype=np.int32), t, "task_pending")
        self.room_appeared(t)

    def member_joined(self, member: Member, change: RingChange, t: float) -> int:
        self.room_appeared(t)
        return 0  # scored schedulers do not rebalance running work on a join

    def member_leaving(self, member: Member, change: RingChange, t: float, reason: str) -> int:
        core = self.core
        moved = 0
        evicted: list[int] = []
        for tid in core.tasks_of(member.index).tolist():
            target = self.choose(tid, exclude=member.index)
            one = np.array([tid], dtype=np.int64)
            if target >= 0:
                moved += start_moves(core, one, np.array([target], dtype=np.int32), reason, t)
            else:
                detach(core, one, t)
                core.set_owner(one, np.int32(-1))
                evicted.append(tid)
        if evicted:
            ev = np.asarray(evicted, dtype=np.int64)
            self._enqueue(ev)
            for tid in evicted:
                core.emit(t, Primitive.ASSIGNMENT, "task_pending", task=tid, member=None)
        # The overhead counts tasks sent back to PENDING as well as the ones that moved.
        return moved + len(evicted)


def has_capability(core: Core, skill: str, n: int) -> npt.NDArray[np.bool_]:
    """Mask over member indices ``0..n-1``: the members registered with ``skill``."""
    mask = np.zeros(n, dtype=bool)
    for member in core.registry.find_capability(skill):
        if 0 <= member.index < n:
            mask[member.index] = True
    return mask
