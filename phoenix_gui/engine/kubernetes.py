"""Kubernetes-style assignment: capacitated bin packing over nodes.

Filter the ACTIVE (uncordoned) nodes with free CPU and memory ≥ the task's demand and the
task's capability among their labels; score = CPU free fraction + memory free fraction; the
highest score wins, ties go to the smallest node id. Nothing fits → the task stays PENDING and
is placed when room appears (a completion, a new node). Retirement is cordon + drain: the node
stops taking work and each of its tasks is rescheduled (or waits) with a fresh checkpoint.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.assignment import ScoredAssigner

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class KubernetesAssigner(ScoredAssigner):
    name = "kubernetes"
    rule = "fit: free cpu ≥ demand and free memory ≥ demand; score = cpu free + memory free"

    def candidates(self, tid: int, exclude: int = -1) -> tuple[IntArray, FloatArray]:
        cols = self.core.columns
        n = cols.size
        tab = self.core.tasks
        cpu = float(tab.raw("cpu")[tid])
        mem = float(tab.raw("memory")[tid])
        free_cpu = cols.cpu[:n] - cols.cpu_used[:n]
        free_mem = cols.memory[:n] - cols.memory_used[:n]
        idx = self._eligible(tid, (free_cpu >= cpu - 1e-9) & (free_mem >= mem - 1e-9), exclude)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = free_cpu[idx] / cols.cpu[idx] + free_mem[idx] / cols.memory[idx]
        return idx, np.nan_to_num(score)
