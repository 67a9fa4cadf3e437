"""Identity, registration (Algorithm 1), retirement and crashes: the member lifecycle.

Algorithm 1 (source document), one event per line so the GUI can highlight it::

    1 validate identity   2 verify governance policies   3 register capabilities
    4 add to registry (O(log n))   5 status = ACTIVE   6 broadcast membership update
    7 return SUCCESS

Broadcasting the update is where the paradigm reacts (the ring rebalances, schedulers retry
waiting tasks). A refused member is REJECTED at the step that refused it.
"""

from __future__ import annotations

import math

import numpy as np

from phoenix_gui.engine.config import MemberSpec
from phoenix_gui.engine.core import ChangeRecord, Core
from phoenix_gui.engine.events import Primitive
from phoenix_gui.engine.governance import (
    REGISTRY_FULL,
    admit_member,
    registry_full,
    validate_identity,
)
from phoenix_gui.engine.members import Member, MemberStatus
from phoenix_gui.engine.metrics import ideal_overhead
from phoenix_gui.engine.migration import BULK_MOVES, evict_tasks, maybe_retired
from phoenix_gui.engine.ring import RingChange, token
from phoenix_gui.engine.tasks import TaskState

STEPS = (
    (1, "validate_identity", Primitive.IDENTITY),
    (2, "verify_governance_policies", Primitive.GOVERNANCE),
    (3, "register_capabilities", Primitive.DISCOVERY),
    (4, "add_to_registry", Primitive.DISCOVERY),
    (5, "status_active", Primitive.IDENTITY),
    (6, "broadcast_membership_update", Primitive.DISCOVERY),
    (7, "success", Primitive.IDENTITY),
)


def _step(core: Core, t: float, member: str, n: int, ok: bool = True, **extra: object) -> None:
    number, name, primitive = STEPS[n - 1]
    core.emit(
        t, primitive, "registration_step", member=member, step=number, name=name, ok=ok, **extra
    )


def register(
    core: Core, spec: MemberSpec, t: float, cause: str, follows_trust: bool
) -> Member | None:
    """Run Algorithm 1 for ``spec``; returns the member (ACTIVE, or REJECTED), or None when
    the registry is full (refused before any work, and not kept: see :func:`refuse_full`)."""
    if registry_full(core):
        refuse_full(core, spec.id, t, cause)
        return None
    vnodes = spec.vnodes if spec.vnodes is not None else core.config.ring.vnodes
    member = Member.from_spec(spec, token(spec.id) if spec.id else 0, vnodes, follows_trust)
    member.joined_at = t
    problem = validate_identity(core, spec)
    _step(core, t, spec.id, 1, problem is None, token=member.token)
    if problem is None:
        problem = admit_member(core, spec)
        _step(core, t, spec.id, 2, problem is None, trust=member.trust)
    if problem is not None:
        core.registry.reject(member)
        core.counters.rejected += 1
        core.emit(t, Primitive.GOVERNANCE, "member_rejected", member=spec.id, reason=problem)
        return member
    core.registry.register_capabilities(member.id, member.capabilities)
    _step(core, t, member.id, 3, capabilities=list(member.capabilities))
    before = len(core.ring)
    change = core.ring.add(member.id, vnodes)
    core.registry.set_index(member, core.ring.index_of(member.id))
    core.columns.place(member)
    core.registry.add(member)
    _step(core, t, member.id, 4, index=member.index)
    _activate(core, member)
    _step(core, t, member.id, 5)
    active = active_tasks(core)
    moved = core.assigner.member_joined(member, change, t)
    _record_change(core, "join", member.id, t, before, moved, active, core.assigner.ring_ideal)
    _step(core, t, member.id, 6, moved=moved)
    _step(core, t, member.id, 7)
    core.emit(
        t, Primitive.IDENTITY, "member_joined",
        member=member.id, kind=member.kind, token=member.token, index=member.index, cause=cause,
    )  # fmt: skip
    return member


def refuse_full(core: Core, member_id: str, t: float, cause: str) -> None:
    """Governance refuses a join at the membership cap: one recorded, counted event.

    Nothing else is done or kept (no ring work, no registry row), so a join rate far beyond the
    cap costs one audit record per refused join, not a ring rebalance.
    """
    core.counters.rejected += 1
    core.counters.registry_full += 1
    core.emit(
        t, Primitive.GOVERNANCE, "member_rejected",
        member=member_id, reason=REGISTRY_FULL, cause=cause, registry_full=True,
    )  # fmt: skip


def _activate(core: Core, member: Member) -> None:
    member.status = MemberStatus.ACTIVE
    core.columns.schedulable[member.index] = True
    core.columns.working[member.index] = True


def active_tasks(core: Core) -> int:
    """Authorised tasks not yet completed (pending, running, migrating or stranded)."""
    return core.counters.authorised - core.counters.completed


def _record_change(
    core: Core,
    kind: str,
    member: str,
    t: float,
    before: int,
    moved: int,
    active: int,
    has_ideal: bool,
) -> None:
    """``moved``: tasks that changed member or went back to PENDING; the ideal share only
    where theory gives one (``has_ideal``: ring joins and leaves)."""
    if kind == "leave" and before < 1:
        return
    ratio = moved / active if active else 0.0
    ideal = ideal_overhead(before, kind) if has_ideal else None
    core.changes.append(ChangeRecord(kind, member, t, before, moved, active, ratio, ideal))


def retire(core: Core, member: Member, t: float, cause: str) -> None:
    """Graceful leave in the scenario's retirement mode: ``drain`` (cordon, migrate every task
    with a fresh checkpoint, then RETIRED) or ``evict`` (see :func:`evict`)."""
    core.counters.leaves += 1
    core.counters.retirements += 1
    if core.config.retirement == "evict":
        evict(core, member, t, cause)
        return
    member.status = MemberStatus.DRAINING
    core.columns.schedulable[member.index] = False
    core.emit(
        t, Primitive.RETIREMENT, "member_draining", member=member.id, tasks=member.load, cause=cause
    )
    _leave_ring(core, member, t, "retire")
    maybe_retired(core, member.index, t)


def _leave_ring(core: Core, member: Member, t: float, reason: str) -> int:
    before = len(core.ring)
    active = active_tasks(core)
    change: RingChange = core.ring.remove(member.id)
    moved = core.assigner.member_leaving(member, change, t, reason)
    _record_change(core, "leave", member.id, t, before, moved, active, core.assigner.ring_ideal)
    return moved


def evict(core: Core, member: Member, t: float, cause: str) -> None:
    """The web runtime's retirement: RETIRED at once, its tasks evicted to PENDING at their
    last checkpoint (the work since is lost and counted), its load reset, the tasks
    rescheduled, every step audited."""
    idx = member.index
    core.columns.schedulable[idx] = False
    ids = core.tasks_of(idx)  # before the ring forgets the member
    lost = evict_tasks(core, ids, t)
    core.counters.work_lost_evicted += lost
    core.counters.evicted += int(ids.size)
    core.registry.leave(member, MemberStatus.RETIRED)
    core.columns.working[idx] = False
    member.left_at = t
    core.emit(
        t, Primitive.RETIREMENT, "member_retired",
        member=member.id, mode="evict", evicted=int(ids.size), work_lost=lost, cause=cause,
    )  # fmt: skip
    listed = ids.tolist()
    core.emit(
        t, Primitive.RETIREMENT, "tasks_evicted",
        member=member.id, count=len(listed), tasks=listed[:BULK_MOVES],
        more=max(0, len(listed) - BULK_MOVES),
    )  # fmt: skip
    before = len(core.ring)
    active = active_tasks(core)
    core.ring.remove(member.id)
    core.assigner.reschedule(ids, t)
    # Every evicted task went back to PENDING: all count; no theory gives an ideal here.
    _record_change(core, "leave", member.id, t, before, int(ids.size), active, False)


def crash(core: Core, member: Member, t: float, cause: str) -> None:
    """The member stops dead: its running tasks fall back to their last checkpoint."""
    core.counters.leaves += 1
    core.counters.crashes += 1
    core.silent += 1
    member.status = MemberStatus.FAILED
    idx = member.index
    core.columns.schedulable[idx] = False
    core.columns.working[idx] = False
    tab = core.tasks
    ids = core.tasks_of(idx)
    ids = ids[tab.raw("state")[ids] == int(TaskState.RUNNING)]
    lost = 0.0
    if ids.size:
        cprog, ctime = tab.checkpoint_at(ids, t, core.config.timing.checkpoint_interval)
        now = core.stop_running(ids, t, TaskState.STRANDED, graceful=False)
        tab.raw("base")[ids] = cprog
        tab.raw("ckpt_time")[ids] = ctime
        lost = float(np.sum(now - cprog))
        core.counters.work_lost += lost
        core.strand(ids, t)
    core.emit(
        t, Primitive.DISCOVERY, "member_crashed",
        member=member.id, stranded=int(ids.size), work_lost=lost, cause=cause,
    )  # fmt: skip
    timing = core.config.timing
    last_beat = math.floor(t / timing.heartbeat_interval + 1e-9) * timing.heartbeat_interval
    ticks = math.ceil((last_beat + timing.heartbeat_timeout) / timing.heartbeat_interval - 1e-9)
    suspect_at = max(t, ticks * timing.heartbeat_interval)
    core.agenda.add(suspect_at, "suspect", idx)


def suspect(core: Core, idx: int, t: float) -> None:
    member = core.registry.by_index(idx)
    member.status = MemberStatus.SUSPECT
    core.emit(t, Primitive.DISCOVERY, "member_suspect", member=member.id, silent_since=t)
    core.agenda.add(t + core.config.timing.heartbeat_interval, "remove", idx)


def remove(core: Core, idx: int, t: float) -> None:
    """The failure is confirmed: remove the member; its tasks resume from checkpoints."""
    member = core.registry.by_index(idx)
    stranded = member.load
    ids = core.tasks_of(idx)
    waiting = ids[core.tasks.raw("state")[ids] == int(TaskState.STRANDED)]
    # Task-hours its tasks sat stranded, read before the move clears the stranded times.
    delayed = float(np.sum(t - core.tasks.raw("stranded_since")[waiting]))
    moved = _leave_ring(core, member, t, "crash")
    core.silent -= 1
    core.registry.leave(member, MemberStatus.REMOVED)
    member.left_at = t
    core.emit(
        t, Primitive.RETIREMENT, "member_removed",
        member=member.id, stranded=stranded, moved=moved, work_delayed=delayed,
    )  # fmt: skip
