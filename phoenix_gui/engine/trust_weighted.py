"""Trust-weighted assignment: the source runtime's general scheduler.

Filter the healthy members that match — ACTIVE (schedulable), offering the task's capability
when it needs one, trusted at least the task policy's minimum — and score each
(reliability × trust) / (1 + current load); the highest wins, ties go to the smallest member
id. Nothing matches → the task stays PENDING until room appears. Trust thus both filters and
weighs, where plain agent routing (``agentic``) filters on trust and scores reliability alone.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.assignment import ScoredAssigner

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class TrustWeightedAssigner(ScoredAssigner):
    name = "trust-weighted"
    rule = (
        "filter: healthy (ACTIVE), capability matches, trust ≥ task minimum; "
        "score = (reliability × trust) / (1 + load)"
    )

    def candidates(self, tid: int, exclude: int = -1) -> tuple[IntArray, FloatArray]:
        cols = self.core.columns
        n = cols.size
        min_trust = float(self.core.tasks.raw("min_trust")[tid])
        idx = self._eligible(tid, cols.trust[:n] >= min_trust - 1e-9, exclude)
        score = cols.reliability[idx] * cols.trust[idx] / (1.0 + cols.load[idx])
        return idx, score
