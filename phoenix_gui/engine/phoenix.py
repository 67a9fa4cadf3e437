"""Phoenix assignment: the token ring routes every task (DESIGN.md §4).

A task's owner is the ring's owner of its token. A join or leave changes only the arcs the
member takes over or gives up; :func:`~phoenix_gui.engine.ring.moved_tasks` finds exactly the
tasks on those arcs through the :class:`~phoenix_gui.engine.ring.TokenIndex`, so a change costs
what moves. A member that crashed stays on the ring until the failure is noticed: tasks routed
to it meanwhile are stranded.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.assignment import Assigner
from phoenix_gui.engine.members import Member
from phoenix_gui.engine.migration import detach, start_moves
from phoenix_gui.engine.ring import RingChange, moved_tasks
from phoenix_gui.engine.tasks import TaskState

IntArray = npt.NDArray[np.int64]


class PhoenixAssigner(Assigner):
    name = "phoenix"
    ring_ideal = True

    def reschedule(self, ids: IntArray, t: float) -> None:
        """Evicted tasks: routed again on the ring (the member is already off it)."""
        core = self.core
        if ids.size == 0:
            return
        if len(core.ring) == 0:
            core.counters.pending += int(ids.size)
            self._report(ids, np.full(ids.size, -1, dtype=np.int32), t, "task_pending")
            return
        owners = core.ring.route_tokens(core.tasks.raw("token")[ids].astype(np.int64))
        self._start(ids, owners, t)
        self._report(ids, owners, t, "task_assigned")

    def place_new(self, ids: IntArray, t: float) -> None:
        core = self.core
        if ids.size == 0:
            return
        tokens = core.tasks.raw("token")[ids].astype(np.int64)
        core.token_index.add(ids, tokens)
        if len(core.ring) == 0:
            # No member at all: the tasks wait and the first join's arcs pick them up.
            core.tasks.raw("state")[ids] = TaskState.PENDING
            core.counters.pending += int(ids.size)
            self._report(ids, np.full(ids.size, -1, dtype=np.int32), t, "task_pending")
            return
        owners = core.ring.route_tokens(tokens)
        self._start(ids, owners, t)
        self._report(ids, owners, t, "task_assigned")

    def member_joined(self, member: Member, change: RingChange, t: float) -> int:
        return self._apply(change, t, "rebalance")

    def member_leaving(self, member: Member, change: RingChange, t: float, reason: str) -> int:
        return self._apply(change, t, reason)

    def _apply(self, change: RingChange, t: float, reason: str) -> int:
        core = self.core
        ids, _old, new = moved_tasks(change, core.token_index)
        if ids.size == 0:
            return 0
        owner = core.tasks.raw("owner")[ids]
        waiting = owner < 0  # tasks that arrived while the ring was empty
        if waiting.any():
            w = ids[waiting]
            core.counters.pending -= int(w.size)
            self._start(w, new[waiting], t)
            self._report(w, new[waiting], t, "task_assigned")
        ids, new = ids[~waiting], new[~waiting]
        orphan = new < 0  # the ring is empty now: the tasks wait at their checkpoint
        if orphan.any():
            o = ids[orphan]
            detach(core, o, t)
            core.set_owner(o, np.int32(-1))
            core.tasks.raw("state")[o] = TaskState.PENDING
            core.counters.pending += int(o.size)
            self._report(o, np.full(o.size, -1, dtype=np.int32), t, "task_pending")
        # Tasks sent back to PENDING count in the overhead as well as the ones that moved.
        return start_moves(core, ids[~orphan], new[~orphan], reason, t) + int(orphan.sum())

    def explain(self, tid: int) -> dict[str, Any]:
        core = self.core
        tok = int(core.tasks.raw("token")[tid])
        out: dict[str, Any] = {"task": tid, "paradigm": self.name, "token": tok}
        out["rule"] = "first vnode at or after the task token (wrapping), fair tie order"
        if len(core.ring):
            walk = core.ring.walk(tok)
            out["walk"] = walk
            out["winner"] = walk["member"]
            out["candidates"] = [{"member": walk["member"], "vnode": walk["vnode_key"]}]
        else:
            out["winner"] = None
            out["candidates"] = []
        return out

    def pending_count(self) -> int:
        return self.core.counters.pending
