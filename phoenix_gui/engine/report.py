"""What the views and the command line read: snapshots, packets and the run summary.

A snapshot costs O(members + log steps): balance statistics come from the per-member load
column and observed metrics from the history window, never from a pass over the tasks. The
summary includes the full invariant check of :mod:`~phoenix_gui.engine.invariants`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from phoenix_gui.engine.core import ChangeRecord, Core
from phoenix_gui.engine.invariants import check, lost_tasks
from phoenix_gui.engine.lifecycle import active_tasks
from phoenix_gui.engine.members import MemberStatus
from phoenix_gui.engine.metrics import BalanceStats, Metrics, balance, compute
from phoenix_gui.engine.observed import Counts, History, ObservedMetrics, observe
from phoenix_gui.engine.ring import effective_vnodes, vnode_saturation
from phoenix_gui.engine.tasks import FlightPacket, TaskState, checkpoint_hash


@dataclass(frozen=True)
class Snapshot:
    time: float
    step: int
    configured: Metrics
    observed: ObservedMetrics  # trailing Δt window; undefined values are None
    balance: BalanceStats
    last_change: dict[str, Any] | None
    stranded: int
    pending: int
    work_lost: float
    work_delayed: float  # task-hours stranded on crashed members until detection (run total)
    retries: int  # units of work that failed and were redone (run total)
    warnings: tuple[str, ...]  # sentences the views show as they are (see :func:`warnings`)
    throughput: float  # completions per hour over the window
    migrations_per_hour: float
    members: int  # ACTIVE members
    active_tasks: int
    registry_full: int = 0  # joins refused so far because the registry held its cap

    def row(self) -> dict[str, Any]:
        """A flat row for CSV output; an undefined observed value is None (an empty field)."""
        out: dict[str, Any] = {"time": round(self.time, 6), "step": self.step}
        for prefix, m in (("cfg", self.configured), ("obs", self.observed)):
            for key, value in m.as_dict().items():
                out[f"{prefix}_{key}"] = value
        t_obs, c_obs = self.observed.inputs.trust, self.observed.inputs.compliance
        out["obs_trust"] = None if t_obs is None else round(t_obs, 6)
        out["obs_compliance"] = None if c_obs is None else round(c_obs, 6)
        b = self.balance
        out.update(
            members=self.members, active_tasks=self.active_tasks, load_mean=round(b.mean, 4),
            load_std=round(b.std, 4), load_max_over_mean=round(b.max_over_mean, 4),
            stranded=self.stranded, pending=self.pending, work_lost=round(self.work_lost, 6),
            work_delayed=round(self.work_delayed, 6), retries=self.retries,
            throughput=round(self.throughput, 4),
            migrations_per_hour=round(self.migrations_per_hour, 4),
            last_change_ratio=round(self.last_change["ratio"], 6) if self.last_change else "",
            last_change_ideal=_ideal(self.last_change),
        )  # fmt: skip
        return out


def _ideal(change: dict[str, Any] | None) -> float | str:
    if change is None or change["ideal"] is None:
        return ""
    return round(float(change["ideal"]), 6)


# More than this share of authorised, unfinished tasks waiting for a member gets a warning.
PENDING_WARNING_SHARE = 0.10


def warnings(sim: Core) -> list[str]:
    """Sentences for what the numbers alone would hide: many tasks PENDING (a full cluster
    looks perfectly balanced) and a saturated ring (more vnodes no longer spread load)."""
    out: list[str] = []
    active = active_tasks(sim)
    pending = sim.assigner.pending_count()
    if active and pending > PENDING_WARNING_SHARE * active:
        out.append(
            f"{pending} of {active} tasks ({100 * pending / active:.0f} %) are PENDING: no "
            "member has room or a match for them, so the balance figures describe only the "
            "tasks that run."
        )
    ring = sim.ring
    if sim.config.paradigm == "phoenix" and len(ring):
        note = vnode_saturation(len(ring), sim.config.ring.vnodes, effective_vnodes(ring))
        if note is not None:
            out.append(note)
    return out


def observed_metrics(sim: Core, counts: Counts, hours: float) -> ObservedMetrics:
    """Observed metrics of ``counts`` (a window or the run totals) over ``hours``."""
    m = sim.config.metrics
    return observe(counts, hours, m.w_join, m.w_leave, sim.config.bands)


def snapshot(sim: Core, history: History) -> Snapshot:
    """The state the views show now; observed metrics over ``history``'s trailing Δt window."""
    m = sim.config.metrics
    w = history.window(sim.time, m.hours)
    cols = sim.columns
    loads = cols.load[: cols.size][cols.schedulable[: cols.size]]
    last: ChangeRecord | None = sim.changes[-1] if sim.changes else None
    return Snapshot(
        time=sim.time,
        step=sim.step_index,
        configured=compute(m, sim.config.bands),
        observed=observed_metrics(sim, w, w.hours),
        balance=balance(loads),
        last_change=last.as_dict() if last else None,
        stranded=sim.counters.stranded,
        pending=sim.assigner.pending_count(),
        work_lost=sim.counters.work_lost,
        work_delayed=sim.counters.work_delayed,
        retries=sim.counters.retries,
        warnings=tuple(warnings(sim)),
        throughput=w.per_hour(w.completed),
        migrations_per_hour=w.per_hour(w.migrations),
        members=int(loads.size),
        active_tasks=active_tasks(sim),
        registry_full=sim.counters.registry_full,
    )


def summary(sim: Core) -> dict[str, Any]:
    """The ``run --json`` object: whole-run totals; observed = totals / simulated hours.

    Undefined observed values (no work done, no task submitted, or no time simulated) are
    None, so ``json.dumps(..., allow_nan=False)`` always succeeds.
    """
    c = sim.counters
    observed = observed_metrics(sim, c, max(sim.time, 0.0))
    trust, compliance = observed.inputs.trust, observed.inputs.compliance
    problems = check(sim)
    join_mean = sim.changes.mean_join_ratio()
    return {
        "name": sim.config.name,
        "paradigm": sim.config.paradigm,
        "seed": sim.config.seed,
        "sim_hours": round(sim.time, 6),
        "steps": sim.step_index,
        "members": sim.registry.count(MemberStatus.ACTIVE),
        "joins": c.joins,
        "leaves": c.leaves,
        "retirements": c.retirements,
        "crashes": c.crashes,
        "suppressed_leaves": c.suppressed_leaves,
        "rejected": c.rejected,
        "registry_full": c.registry_full,
        "tasks_submitted": c.submitted,
        "tasks_authorised": c.authorised,
        "tasks_denied": c.denied,
        "tasks_completed": c.completed,
        "tasks_pending": sim.assigner.pending_count(),
        "tasks_stranded": c.stranded,
        "tasks_lost": lost_tasks(sim),
        "migrations": c.migrations,
        "validation_failures": c.validation_failures,
        "handoffs": c.handoffs,
        "work_done": round(c.work_done, 6),
        "work_lost": round(c.work_lost, 6),
        "work_delayed": round(c.work_delayed, 6),
        "work_lost_graceful": round(c.work_lost_graceful, 9),
        "work_lost_evicted": round(c.work_lost_evicted, 6),
        "work_lost_agent_errors": round(c.work_lost_errors, 6),
        "retirement": sim.config.retirement,
        "evicted": c.evicted,
        "work_units": c.attempts,
        "retries": c.retries,
        "work_redone": round(c.work_redone, 6),
        "events_ignored": c.events_ignored,
        "effective_vnodes": (
            round(effective_vnodes(sim.ring), 4) if sim.config.paradigm == "phoenix" else None
        ),
        "warnings": warnings(sim),
        "mean_join_moved_fraction": None if join_mean is None else round(join_mean, 6),
        "invariant_violations": problems[:10],
        "audit_records": len(sim.audit),
        "audit_head": sim.audit.head,
        "configured": compute(sim.config.metrics, sim.config.bands).as_dict(),
        "observed": observed.as_dict(),
        "observed_inputs": {
            "hours": round(observed.inputs.hours, 6),
            "trust": None if trust is None else round(trust, 6),
            "compliance": None if compliance is None else round(compliance, 6),
        },
    }


def packet(sim: Core, tid: int) -> FlightPacket:
    tab = sim.tasks
    if not 0 <= tid < len(tab):
        raise IndexError(f"no task {tid}")
    one = np.array([tid], dtype=np.int64)
    cprog, ctime = tab.checkpoint_at(one, sim.time, sim.config.timing.checkpoint_interval)
    owner = int(tab.raw("owner")[tid])
    names = sim.ring.name_of
    lineage = tab.lineage_of(tid)
    skill = tab.capability_of(tid)
    return FlightPacket(
        id=f"task-{tid}",
        index=tid,
        token=int(tab.raw("token")[tid]),
        capabilities=(skill,) if skill else (),
        demand={"cpu": float(tab.raw("cpu")[tid]), "memory": float(tab.raw("memory")[tid])},
        policy={
            "authorised": bool(tab.raw("authorised")[tid]),
            "min_trust": float(tab.raw("min_trust")[tid]),
        },
        work=float(tab.raw("work")[tid]),
        progress=float(tab.progress_at(one, sim.time)[0]),
        checkpoint={
            "progress": float(cprog[0]),
            "time": float(ctime[0]),
            "sha256": checkpoint_hash(tid, float(cprog[0]), float(ctime[0])),
        },
        owner=names(owner) if owner >= 0 else None,
        lineage=tuple(
            {"time": t, "owner": names(o) if o >= 0 else None, "reason": r} for t, o, r in lineage
        ),
        state=TaskState(int(tab.raw("state")[tid])).name,
    )
