"""Migration (primitive 4) and the end of a drain (primitive 5).

serialise checkpoint → transfer (state_mb / bandwidth hours; the task is MIGRATING and makes no
progress) → validate the SHA-256 of what arrived → resume. A transfer whose validation fails
(drawn with ``timing.validation_failure``: the payload really is corrupted and the digest really
is recomputed) is sent again. A graceful move first takes a fresh checkpoint at the source, so
no work is lost; a task that comes from a crashed member moves from its last checkpoint.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.core import Core
from phoenix_gui.engine.events import Primitive
from phoenix_gui.engine.members import MemberStatus, add_counts
from phoenix_gui.engine.schedule import Timed
from phoenix_gui.engine.tasks import (
    TaskState,
    checkpoint_bytes,
    checkpoint_digests,
    checkpoint_hash,
)
from phoenix_gui.engine.token_index import distinct_sorted

IntArray = npt.NDArray[np.int64]

# A batch larger than this is recorded as one aggregate event instead of one per task.
BULK_MOVES = 256


def transfer_hours(core: Core) -> float:
    return core.config.workload.state_mb / core.config.timing.bandwidth_mb_per_hour


def detach(core: Core, ids: IntArray, t: float) -> None:
    """Bring ``ids`` to rest at a checkpoint whatever they were doing (owner unchanged).

    RUNNING: fresh checkpoint now (graceful, measured). MIGRATING: the transfer is cancelled and
    the checkpoint it carried is kept. STRANDED / PENDING: already at their checkpoint.
    """
    tab = core.tasks
    state = tab.raw("state")[ids]
    running = ids[state == int(TaskState.RUNNING)]
    if running.size:
        # The progress at the stop is noted; the target measures what it resumes from.
        core.stop_running(running, t, TaskState.PENDING)
    for tid in ids[state == int(TaskState.MIGRATING)].tolist():
        cancel_transfer(core, tid, t)
    core.unstrand(ids[state == int(TaskState.STRANDED)], t)


def evict_tasks(core: Core, ids: IntArray, t: float) -> float:
    """Evict ``ids`` to PENDING with no owner: running tasks fall back to their last periodic
    checkpoint (returns the work that loses), transfers in flight to the member are cancelled
    (their carried checkpoint is kept). The owner's load and capacity are released."""
    if ids.size == 0:
        return 0.0
    tab = core.tasks
    state = tab.raw("state")[ids]
    running = ids[state == int(TaskState.RUNNING)]
    lost = 0.0
    if running.size:
        cprog, ctime = tab.checkpoint_at(running, t, core.config.timing.checkpoint_interval)
        now = core.stop_running(running, t, TaskState.PENDING, graceful=False)
        tab.raw("base")[running] = cprog
        tab.raw("ckpt_time")[running] = ctime
        lost = float(np.sum(now - cprog))
    for tid in ids[state == int(TaskState.MIGRATING)].tolist():
        cancel_transfer(core, tid, t)
    core.unstrand(ids[state == int(TaskState.STRANDED)], t)
    core.set_owner(ids, np.int32(-1))
    tab.raw("state")[ids] = TaskState.PENDING
    tab.lineage.record(t, "evicted", ids, np.full(ids.size, -1, dtype=np.int32))
    return lost


def cancel_transfer(core: Core, tid: int, t: float) -> None:
    table = core.transfers
    row = table.row_of(tid)
    source = int(table.source[row])
    tab = core.tasks
    tab.raw("base")[tid] = table.progress[row]
    tab.raw("ckpt_time")[tid] = table.ckpt_time[row]
    tab.raw("state")[tid] = TaskState.PENDING
    table.release(np.array([row], dtype=np.int64))
    core.columns.outgoing[source] -= 1
    maybe_retired(core, source, t)


def start_moves(
    core: Core, ids: IntArray, targets: npt.NDArray[np.int32], reason: str, t: float
) -> int:
    """Migrate ``ids`` (each owned by a member) to ``targets``; returns how many moved.

    The tasks travel as one batch (one agenda entry). Up to :data:`BULK_MOVES` tasks get one
    ``migration_started`` event each; a larger batch (a join at 10^6 tasks) is recorded as one
    ``migrations_started`` event with parallel lists, so the log stays proportionate.
    """
    if ids.size == 0:
        return 0
    tab = core.tasks
    sources = tab.raw("owner")[ids].astype(np.int64)
    detach(core, ids, t)
    core.set_owner(ids, targets)
    tab.raw("state")[ids] = TaskState.MIGRATING
    eta = t + transfer_hours(core)
    gen = core.next_generation()
    id_list = ids.tolist()
    src_list = sources.tolist()
    dst_list = targets.tolist()
    base = tab.raw("base")[ids]
    ckpt = tab.raw("ckpt_time")[ids]
    digests = checkpoint_digests(ids, base, ckpt)
    progress = base.tolist()
    rows = core.transfers.add(ids, sources, targets, reason, base, ckpt, digests, gen)
    tab.lineage.record(t, reason, ids, targets)
    add_counts(core.columns.outgoing, sources, 1)
    core.batches[gen] = rows
    core.agenda.add(eta, "arrive", gen, gen)
    core.counters.migrations += int(ids.size)
    names = core.ring.names.__getitem__
    tokens = tab.raw("token")[ids].tolist()
    if ids.size > BULK_MOVES:
        core.emit(
            t, Primitive.MIGRATION, "migrations_started",
            count=int(ids.size), tasks=id_list, tokens=tokens,
            **{"from": list(map(names, src_list)), "to": list(map(names, dst_list))},
            reason=reason, eta=eta, progress=progress,
        )  # fmt: skip
        return int(ids.size)
    core.emit_many(
        [t] * len(id_list),
        [Primitive.MIGRATION] * len(id_list),
        ["migration_started"] * len(id_list),
        [
            {"task": tid, "token": tok, "from": names(src), "to": names(dst),
             "reason": reason, "eta": eta, "progress": prog}
            for tid, tok, src, dst, prog in zip(
                id_list, tokens, src_list, dst_list, progress, strict=True
            )
        ],
    )  # fmt: skip
    return int(ids.size)


def arrive(core: Core, entry: Timed) -> None:
    """A batch of transfers reaches its targets: validate each checkpoint, resume or resend."""
    batch = core.batches.pop(entry.key, None)
    if batch is None:
        return
    t = entry.time
    table = core.transfers
    live = table.live(batch, entry.token)  # rows still holding this batch's transfers
    if live.size == 0:
        return
    fails = core.streams["validation"].random(live.size) < core.config.timing.validation_failure
    # What arrived, hashed: the checkpoints packed together, one digest each.
    tasks, progress, ckpt = table.task[live], table.progress[live], table.ckpt_time[live]
    arrived = checkpoint_digests(tasks, progress, ckpt)
    for i in np.flatnonzero(fails).tolist():
        # A corrupted transfer: flip one byte of what arrived so the digest check fails.
        payload = checkpoint_bytes(int(tasks[i]), float(progress[i]), float(ckpt[i]))
        at = len(payload) // 2
        payload = payload[:at] + bytes([payload[at] ^ 0x01]) + payload[at + 1 :]
        arrived[i] = np.frombuffer(hashlib.sha256(payload).digest(), dtype=np.uint8)
    valid = (arrived == table.digest[live]).all(axis=1)
    invalid: list[dict[str, object]] = []  # checkpoint_invalid details, recorded in one batch
    for row in live[~valid].tolist():
        core.counters.validation_failures += 1
        invalid.append({"task": int(table.task[row]), "attempt": int(table.attempt[row])})
        table.attempt[row] += 1
        generation = core.next_generation()
        table.generation[row] = generation
        core.batches[generation] = np.array([row], dtype=np.int64)
        core.agenda.add(t + transfer_hours(core), "arrive", generation, generation)
    if invalid:
        count = len(invalid)
        core.emit_many(
            [t] * count, [Primitive.MIGRATION] * count, ["checkpoint_invalid"] * count, invalid
        )
    if valid.any():
        _complete(core, live[valid], t)


def _complete(core: Core, rows: IntArray, t: float) -> None:
    table = core.transfers
    ids = table.task[rows]
    sources = table.source[rows]
    targets = table.target[rows]
    # The target resumes from the checkpoint that arrived and passed validation.
    core.tasks.raw("base")[ids] = table.progress[rows]
    core.tasks.raw("ckpt_time")[ids] = table.ckpt_time[rows]
    attempts = table.attempt[rows].tolist()
    table.release(rows)
    add_counts(core.columns.outgoing, sources, -1)
    count = int(rows.size)
    core.counters.migrations_completed += count
    names = core.ring.names.__getitem__
    id_list = ids.tolist()
    from_names = list(map(names, sources.tolist()))
    to_names = list(map(names, targets.tolist()))
    if count > BULK_MOVES:
        core.emit(
            t, Primitive.MIGRATION, "migrations_completed",
            count=count, tasks=id_list, **{"from": from_names, "to": to_names},
        )  # fmt: skip
    else:
        core.emit_many(
            [t] * count,
            [Primitive.MIGRATION] * count,
            ["migration_completed"] * count,
            [
                {"task": tid, "from": src, "to": dst, "attempts": attempt}
                for tid, src, dst, attempt in zip(
                    id_list, from_names, to_names, attempts, strict=True
                )
            ],
        )  # fmt: skip
    alive = core.columns.working[targets]
    core.start_running(ids[alive], t)
    dead = ids[~alive]  # sent to a member that has crashed since: stranded at its checkpoint
    core.strand(dead, t)
    for src in distinct_sorted(sources).tolist():
        maybe_retired(core, src, t)


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


__all__ = [
    "arrive",
    "checkpoint_hash",
    "evict_tasks",
    "maybe_retired",
    "start_moves",
    "transfer_hours",
]
