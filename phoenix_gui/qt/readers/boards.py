"""The adapter's snapshots for the Kubernetes and agent views: nodes with capacity and pods,
the pending queue and why it waits; agent cards and the refused lane.

Read for the adapter (only :mod:`phoenix_gui.qt.adapter` calls it). Everything is read from the
engine's public state at a step boundary and returned as frozen data; grouping tasks by owner
is one ``argsort`` over the active tasks, so a snapshot of 5,000 pods costs about a millisecond.
"""

from __future__ import annotations

import numpy as np

from phoenix_gui.engine import Simulation, TaskState
from phoenix_gui.qt.snapshots import (
    AgentInfo,
    AgentsSnapshot,
    ClusterSnapshot,
    NodeInfo,
    RefusedAgent,
)

# Member statuses that still have a place on the Kubernetes and agent views.
_SHOWN = ("ACTIVE", "JOINING", "DRAINING", "FAILED", "SUSPECT")


def _by_owner(sim: Simulation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Active, owned task ids sorted by owner: (ids, owners, run starts per owner index)."""
    tasks = sim.tasks
    ids = np.flatnonzero(tasks.active_mask() & (np.asarray(tasks.owner) >= 0))
    owner = np.asarray(tasks.owner)[ids].astype(np.int64)
    order = np.argsort(owner, kind="stable")
    return ids[order].astype(np.int64), owner[order], order


def _groups(ids: np.ndarray, owner: np.ndarray, index: int) -> np.ndarray:
    lo, hi = np.searchsorted(owner, [index, index + 1])
    return ids[lo:hi]


def cluster_snapshot(sim: Simulation) -> ClusterSnapshot:
    ids, owner, _order = _by_owner(sim)
    cpu = np.asarray(sim.tasks.cpu, dtype=np.float64)
    mem = np.asarray(sim.tasks.memory, dtype=np.float64)
    nodes = []
    for m in sim.registry.members():
        if m.index < 0 or m.status.value not in _SHOWN:
            continue
        pods = _groups(ids, owner, m.index)
        nodes.append(
            NodeInfo(
                id=m.id,
                index=m.index,
                status=m.status.value,
                cpu=float(m.cpu),
                memory=float(m.memory),
                cpu_used=float(cpu[pods].sum()),
                memory_used=float(mem[pods].sum()),
                pods=pods,
                labels=tuple(m.capabilities),
            )
        )
    state = np.asarray(sim.tasks.state)
    pending = np.flatnonzero((state == TaskState.PENDING) & (np.asarray(sim.tasks.owner) < 0))
    pending = pending[np.asarray(sim.tasks.authorised)[pending]].astype(np.int64)
    if pending.size == 0:
        return ClusterSnapshot(tuple(nodes))
    head = int(pending[0])
    need_cpu, need_mem = float(cpu[head]), float(mem[head])
    skill = sim.tasks.capability_of(head)
    return ClusterSnapshot(
        tuple(nodes),
        pending,
        need_cpu,
        need_mem,
        pending_reason(nodes, need_cpu, need_mem, skill),
    )


def pending_reason(
    nodes: list[NodeInfo] | tuple[NodeInfo, ...], cpu: float, memory: float, skill: str | None
) -> str:
    """Why the pod at the head of the queue fits no node, in the words of the filter."""
    open_nodes = [n for n in nodes if n.status == "ACTIVE"]
    if not open_nodes:
        return "no node is accepting pods"
    if skill is not None:
        open_nodes = [n for n in open_nodes if skill in n.labels]
        if not open_nodes:
            return f"no node offers {skill!r}"
    eps = 1e-9
    cpu_ok = [n for n in open_nodes if n.cpu - n.cpu_used >= cpu - eps]
    mem_ok = [n for n in open_nodes if n.memory - n.memory_used >= memory - eps]
    if not cpu_ok:
        return f"no node has {cpu:g} CPU free"
    if not mem_ok:
        return f"no node has {memory:g} GiB memory free"
    if not {n.id for n in cpu_ok} & {n.id for n in mem_ok}:
        return f"no node has {cpu:g} CPU and {memory:g} GiB free together"
    return "waiting for the next scheduling pass"


def agents_snapshot(sim: Simulation, reasons: dict[str, str]) -> AgentsSnapshot:
    """Agent cards; ``reasons`` maps a refused agent to the governance reason recorded."""
    ids, owner, _order = _by_owner(sim)
    tasks = sim.tasks
    running = np.asarray(tasks.state)[ids] == TaskState.RUNNING
    used = np.zeros(ids.size)
    if running.any():
        live = ids[running]
        used[running] = tasks.progress_at(live, sim.time) - np.asarray(tasks.session_base)[live]
    agents = []
    for m in sim.registry.members():
        if m.index < 0 or m.status.value not in _SHOWN:
            continue
        lo, hi = np.searchsorted(owner, [m.index, m.index + 1])
        mine = ids[lo:hi]
        fullest = float(used[lo:hi].max()) if hi > lo else 0.0
        agents.append(
            AgentInfo(
                id=m.id,
                index=m.index,
                status=m.status.value,
                skills=tuple(m.capabilities),
                trust=float(m.trust),
                reliability=float(m.reliability),
                active=int(m.load),
                context_limit=float(m.context_limit),
                context_used=max(0.0, fullest),
                tasks=mine,
            )
        )
    refused = tuple(
        RefusedAgent(
            id=m.id,
            reason=reasons.get(m.id, "refused by governance"),
            trust=float(m.trust),
            skills=tuple(m.capabilities),
        )
        for m in sim.registry.rejected()
    )
    pending = int(np.count_nonzero(np.asarray(tasks.state) == TaskState.PENDING))
    return AgentsSnapshot(tuple(agents), refused, pending)


def rejection_reasons(sim: Simulation) -> dict[str, str]:
    """Governance reasons of every refusal so far, from the audit log (the run's record)."""
    out: dict[str, str] = {}
    for record in sim.audit.filter(kind="member_rejected"):
        details = record.payload.get("details", {})
        out[str(details.get("member"))] = str(details.get("reason", ""))
    return out
