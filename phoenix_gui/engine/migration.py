"""Migration (primitive 4) and the end of a drain (primitive 5).

serialise checkpoint → transfer (state_mb / bandwidth hours; the task is MIGRATING and makes no
progress) → validate the SHA-256 of what arrived → resume. A transfer whose validation fails
(drawn with ``timing.validation_failure``: the payload really is corrupted and the digest really
is recomputed) is sent again. A graceful move first takes a fresh checkpoint at the source, so
no work is lost; a task that comes from a crashed member moves from its last checkpoint.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.core import Core, Transfer
from phoenix_gui.engine.events import Primitive
from phoenix_gui.engine.members import MemberStatus
from phoenix_gui.engine.schedule import Timed
from phoenix_gui.engine.tasks import TaskState, checkpoint_bytes, checkpoint_hash

IntArray = npt.NDArray[np.int64]


def transfer_hours(core: Core) -> float:
    return core.config.workload.state_mb / core.config.timing.bandwidth_mb_per_hour


def detach(core: Core, ids: IntArray, t: float) -> None:
    """Bring ``ids`` to rest at a checkpoint whatever they were doing (owner unchanged).

    RUNNING: fresh checkpoint now (graceful, measured). MIGRATING: the transfer is cancelled and
    the checkpoint it carried is kept. STRANDED / PENDING: already at their checkpoint.
    """
    tab = core.tasks
    state = tab.raw("state")[ids]
    running = ids[state == TaskState.RUNNING]
    if running.size:
        lost = core.stop_running(running, t, TaskState.PENDING)
        core.counters.work_lost_graceful += float(lost.sum())
    for tid in ids[state == TaskState.MIGRATING].tolist():
        cancel_transfer(core, tid, t)
    core.counters.stranded -= int(np.count_nonzero(state == TaskState.STRANDED))


def cancel_transfer(core: Core, tid: int, t: float) -> None:
    tr = core.transfers.pop(tid)
    tab = core.tasks
    tab.raw("base")[tid] = tr.progress
    tab.raw("ckpt_time")[tid] = tr.ckpt_time
    tab.raw("state")[tid] = TaskState.PENDING
    core.columns.outgoing[tr.source] -= 1
    maybe_retired(core, tr.source, t)


def start_moves(
    core: Core, ids: IntArray, targets: npt.NDArray[np.int32], reason: str, t: float
) -> int:
    """Migrate ``ids`` (each owned by a member) to ``targets``; returns how many moved."""
    if ids.size == 0:
        return 0
    tab = core.tasks
    sources = tab.raw("owner")[ids].astype(np.int64)
    detach(core, ids, t)
    core.set_owner(ids, targets)
    tab.raw("state")[ids] = TaskState.MIGRATING
    eta = t + transfer_hours(core)
    tokens = tab.raw("token")[ids].tolist()
    names = core.ring.name_of
    for tid, src, dst, tok in zip(
        ids.tolist(), sources.tolist(), targets.tolist(), tokens, strict=True
    ):
        progress = float(tab.raw("base")[tid])
        ctime = float(tab.raw("ckpt_time")[tid])
        gen = core.next_generation()
        core.transfers[tid] = Transfer(
            tid, src, dst, reason, progress, ctime, checkpoint_hash(tid, progress, ctime), 1, gen
        )
        core.columns.outgoing[src] += 1
        core.agenda.add(eta, "arrive", tid, gen)
        _lineage(core, tid, src).append((t, dst, reason))
        core.counters.migrations += 1
        core.emit(
            t, Primitive.MIGRATION, "migration_started",
            task=tid, token=tok, **{"from": names(src), "to": names(dst)},
            reason=reason, eta=eta, progress=progress,
        )  # fmt: skip
    return int(ids.size)


def _lineage(core: Core, tid: int, first_owner: int) -> list[tuple[float, int, str]]:
    lineage = core.tasks.lineage.get(tid)
    if lineage is None:
        assigned = float(core.tasks.raw("assigned_at")[tid])
        lineage = [(assigned if not math.isnan(assigned) else 0.0, first_owner, "assigned")]
        core.tasks.lineage[tid] = lineage
    return lineage


def record_assignment(core: Core, tid: int, owner: int, t: float, reason: str) -> None:
    """Lineage entry for a task placed again after waiting (it had an owner before)."""
    if tid in core.tasks.lineage or not math.isnan(float(core.tasks.raw("assigned_at")[tid])):
        _lineage(core, tid, owner).append((t, owner, reason))


def arrive(core: Core, entry: Timed) -> None:
    """A transfer reaches its target: validate the checkpoint, then resume or resend."""
    tr = core.transfers.get(entry.key)
    if tr is None or tr.generation != entry.token:
        return  # cancelled or redirected meanwhile
    t = entry.time
    payload = checkpoint_bytes(tr.task, tr.progress, tr.ckpt_time)
    if core.streams["validation"].random() < core.config.timing.validation_failure:
        # A corrupted transfer: flip one byte of what arrived, so the digest check really fails.
        at = len(payload) // 2
        payload = payload[:at] + bytes([payload[at] ^ 0x01]) + payload[at + 1 :]
    if checkpoint_hash_of(payload) != tr.digest:
        core.counters.validation_failures += 1
        core.emit(t, Primitive.MIGRATION, "checkpoint_invalid", task=tr.task, attempt=tr.attempt)
        tr.attempt += 1
        tr.generation = core.next_generation()
        core.agenda.add(t + transfer_hours(core), "arrive", tr.task, tr.generation)
        return
    del core.transfers[tr.task]
    core.columns.outgoing[tr.source] -= 1
    core.counters.migrations_completed += 1
    names = core.ring.name_of
    core.emit(
        t, Primitive.MIGRATION, "migration_completed",
        task=tr.task, **{"from": names(tr.source), "to": names(tr.target)}, attempts=tr.attempt,
    )  # fmt: skip
    if core.columns.working[tr.target]:
        core.start_running(np.array([tr.task], dtype=np.int64), t)
    else:  # it was sent to a member that has crashed since: stranded there, at its checkpoint
        core.tasks.raw("state")[tr.task] = TaskState.STRANDED
        core.counters.stranded += 1
    maybe_retired(core, tr.source, t)


def checkpoint_hash_of(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def maybe_retired(core: Core, index: int, t: float) -> None:
    """A DRAINING member with nothing left to hand over becomes RETIRED (end of the drain)."""
    member = core.registry.by_index(index)
    if member.status is not MemberStatus.DRAINING:
        return
    if core.columns.outgoing[index] > 0 or core.columns.load[index] > 0:
        return
    core.registry.leave(member, MemberStatus.RETIRED)
    core.columns.working[index] = False
    member.left_at = t
    core.emit(t, Primitive.RETIREMENT, "member_retired", member=member.id)


__all__ = ["arrive", "checkpoint_hash", "maybe_retired", "start_moves", "transfer_hours"]
