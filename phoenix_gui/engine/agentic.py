"""Agentic assignment: LLM agents with skills, reliability, accuracy and a context limit.

Filter the ACTIVE agents whose skills cover the task and whose trust meets the task's policy
minimum; score = reliability / (1 + active tasks); highest wins, ties by agent id. A session
ends at the agent's context limit or when the agent errs (each step of work errs with
probability 1 − accuracy; see ``Core.start_running``). Either way the task is handed off with a
summary checkpoint — on an error the erring step's work is dropped — to the best other agent;
if there is none the same agent opens a fresh session.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.assignment import ScoredAssigner
from phoenix_gui.engine.events import Primitive
from phoenix_gui.engine.migration import start_moves
from phoenix_gui.engine.tasks import TaskState

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class AgenticAssigner(ScoredAssigner):
    name = "agentic"
    rule = "filter: skills cover the task, trust ≥ task minimum; score = reliability / (1 + load)"

    def candidates(self, tid: int, exclude: int = -1) -> tuple[IntArray, FloatArray]:
        cols = self.core.columns
        n = cols.size
        min_trust = float(self.core.tasks.raw("min_trust")[tid])
        idx = self._eligible(tid, cols.trust[:n] >= min_trust - 1e-9, exclude)
        score = cols.reliability[idx] / (1.0 + cols.load[idx])
        return idx, score

    def handoff(self, tid: int, t: float, reason: str) -> None:
        """End the session of ``tid`` at ``t`` and pass its summary checkpoint on."""
        core = self.core
        tab = core.tasks
        one = np.array([tid], dtype=np.int64)
        source = int(tab.raw("owner")[tid])
        progress = float(tab.progress_at(one, t)[0])
        core.stop_running(one, t, TaskState.PENDING)
        lost = 0.0
        if reason == "agent_error":
            # The erring step's output is discarded; the summary holds what came before it.
            step = core.config.timing.step_hours
            keep = max(float(tab.raw("session_base")[tid]), progress - step)
            lost = progress - keep
            tab.raw("base")[tid] = keep
            tab.raw("stop_progress")[tid] = keep  # the dropped step is counted here, not below
            core.counters.agent_errors += 1
            core.counters.work_lost_errors += lost
        core.counters.handoffs += 1
        summary = float(tab.raw("base")[tid])
        target = self.choose(tid, exclude=source)
        names = core.ring.name_of
        core.emit(
            t, Primitive.MIGRATION, "handoff",
            task=tid, **{"from": names(source), "to": names(target) if target >= 0 else None},
            reason=reason, checkpoint=summary, lost=lost,
        )  # fmt: skip
        if target < 0:
            core.start_running(one, t)  # nobody else qualifies: a fresh session, same agent
            return
        start_moves(core, one, np.array([target], dtype=np.int32), reason, t)
