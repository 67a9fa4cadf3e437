"""Task submission: new rows in the task table, tokens, work, demand, policy and governance.

Tokens are computed once, at creation, from the id ``task-{n}`` (MD5 is the expensive part).
Work is exponential with the configured mean and at least one step. Governance authorises each
task with probability = compliance; denied tasks are counted and never run. A large submission
is reported as one aggregate event (plus one ``task_denied`` per denied task).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.assignment import BULK_EVENT
from phoenix_gui.engine.core import Core
from phoenix_gui.engine.events import Primitive
from phoenix_gui.engine.governance import authorise
from phoenix_gui.engine.members import add_counts
from phoenix_gui.engine.ring import tokens_of
from phoenix_gui.engine.tasks import TaskState

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def submit(
    core: Core,
    count: int,
    t: float,
    capability: str | None = None,
    cpu: float | None = None,
    memory: float | None = None,
    min_trust: float | None = None,
) -> IntArray:
    """Create ``count`` tasks at ``t``, authorise them and hand the authorised ones on."""
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    ids, ok = create(core, count, t, capability, cpu, memory, min_trust)
    granted, denied = ids[ok], ids[~ok]
    if count > BULK_EVENT:
        core.emit(
            t, Primitive.GOVERNANCE, "tasks_submitted", count=count, first=int(ids[0]),
            last=int(ids[-1]), authorised=int(granted.size), denied=int(denied.size),
        )  # fmt: skip
    else:
        for tid in ids.tolist():
            core.emit(
                t,
                Primitive.GOVERNANCE,
                "task_submitted",
                task=tid,
                authorised=bool(ok[tid - int(ids[0])]),
            )
    for tid in denied.tolist():
        core.emit(t, Primitive.GOVERNANCE, "task_denied", task=tid)
    core.assigner.place_new(granted, t)
    return ids


def create(
    core: Core,
    count: int,
    t: float | FloatArray,
    capability: str | None = None,
    cpu: float | None = None,
    memory: float | None = None,
    min_trust: float | None = None,
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """New task rows created at ``t`` (one time, or one per task), authorised or DENIED and
    counted; returns their ids and the authorised flags. Nothing is recorded or placed yet."""
    wl = core.config.workload
    tab = core.tasks
    ids = tab.append(count)
    tab.raw("token")[ids] = tokens_of([f"task-{i}" for i in ids.tolist()])
    rng = core.streams["workload"]
    step = core.config.timing.step_hours
    tab.raw("work")[ids] = np.maximum(step, rng.exponential(wl.work_mean, count))
    tab.raw("created")[ids] = t
    tab.raw("ckpt_time")[ids] = t
    if capability is not None:
        tab.raw("capability")[ids] = tab.capability_code(capability)
    elif wl.capabilities:
        codes = [tab.capability_code(c) for c in wl.capabilities]
        tab.raw("capability")[ids] = np.asarray(codes)[rng.integers(0, len(codes), count)]
    tab.raw("cpu")[ids] = wl.cpu_demand if cpu is None else cpu
    tab.raw("memory")[ids] = wl.memory_demand if memory is None else memory
    tab.raw("min_trust")[ids] = wl.min_trust if min_trust is None else min_trust
    ok = authorise(core, count)
    tab.raw("authorised")[ids] = ok
    granted, denied = ids[ok], ids[~ok]
    tab.raw("state")[denied] = TaskState.DENIED
    core.counters.submitted += count
    core.counters.authorised += int(granted.size)
    core.counters.denied += int(denied.size)
    return ids, ok


def pop_live_dues(core: Core, limit: float) -> tuple[IntArray, FloatArray]:
    """The live queue entries due by ``limit`` — the task RUNNING with exactly that due time —
    each once, sorted by (time, id).

    A failed unit of work pushes a task's due time back without a new entry (so the queue
    stays as large as the running work): its old entry is queued again at the real due time
    here, or, when that is by ``limit`` too, taken in this batch at that time straight away —
    what queueing it and popping again would give, since everything else due by ``limit`` is
    popped already."""
    ids, times = core.due.pop_until(limit)
    if ids.size == 0:
        return ids, times
    tab = core.tasks
    due = tab.raw("due").take(ids)
    running = tab.raw("state").take(ids) == int(TaskState.RUNNING)
    live = running & (due == times)
    later = running & (due > times)
    if later.any():
        moved, moved_due = ids[later], due[later]
        soon = moved_due <= limit
        if not soon.all():
            core.due.push(moved[~soon], moved_due[~soon])
        if soon.any():
            ids = np.concatenate((ids.compress(live), moved[soon]))
            times = np.concatenate((times.compress(live), moved_due[soon]))
            order = np.lexsort((ids, times))
            return _each_once(ids[order], times[order])
    return _each_once(ids.compress(live), times.compress(live))


def live_dues(core: Core, ids: IntArray, times: FloatArray) -> tuple[IntArray, FloatArray]:
    """The popped (task, due time) candidates still live — the task RUNNING with exactly that
    due time — each once, in the order they were popped."""
    tab = core.tasks
    live = (tab.raw("state").take(ids) == int(TaskState.RUNNING)) & (
        tab.raw("due").take(ids) == times
    )
    return _each_once(ids.compress(live), times.compress(live))


def _each_once(ids: IntArray, times: FloatArray) -> tuple[IntArray, FloatArray]:
    """Each id at its first position only (a live id's entries are all the same pair)."""
    if ids.size == 0:
        return ids, times
    # Each id's first position (np.unique(ids, return_index=True) without its first call's
    # import of numpy.ma): a stable sort by id, the first of each run of equal ids.
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    first = np.ones(ordered.size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    if first.all():
        return ids, times
    keep = np.sort(order[first])
    return ids[keep], times[keep]


def finish_due(core: Core, ids: IntArray, times: npt.NDArray[np.float64]) -> None:
    """Complete ``ids`` at their due ``times`` (already checked live and of kind FINISH)."""
    owners = complete(core, ids)
    core.counters.work_done += float(core.tasks.raw("work")[ids].sum())
    names = core.ring.name_of
    count = len(owners)
    core.emit_many(
        times.tolist(),
        [Primitive.ASSIGNMENT] * count,
        ["task_completed"] * count,
        [
            {"task": tid, "member": names(who)}
            for tid, who in zip(ids.tolist(), owners, strict=True)
        ],
    )


def complete(core: Core, ids: IntArray) -> list[int]:
    """The state change of completing ``ids`` (all but ``work_done`` and the records);
    returns the member index each ran on."""
    tab = core.tasks
    tab.raw("state")[ids] = TaskState.COMPLETED
    tab.raw("base")[ids] = tab.raw("work")[ids]
    tab.raw("due")[ids] = math.inf
    add_counts(core.columns.running, tab.raw("owner").take(ids), -1)
    core.release(ids)
    if core.config.paradigm == "phoenix":
        core.token_index.remove(ids)
    core.counters.completed += int(ids.size)
    owners: list[int] = tab.raw("owner")[ids].tolist()
    return owners
