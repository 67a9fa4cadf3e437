"""Model invariants, checked in full (tests, soak runs and the end-of-run summary).

No task lost or owned twice, counters consistent with the columns, the ring's routing equal to
every phoenix task's owner, every in-flight migration matching its task, no work lost by
graceful moves, and the audit chain intact. The checks read only the core's state, so the
report (which puts :func:`lost_tasks` and the problems in the run summary) imports them, never
the reverse.
"""

from __future__ import annotations

import numpy as np

from phoenix_gui.engine.core import Core
from phoenix_gui.engine.members import LIVE
from phoenix_gui.engine.tasks import TaskState


def lost_tasks(sim: Core) -> int:
    """Active tasks that are neither waiting nor owned by a live member (must be 0)."""
    tab = sim.tasks
    n = len(tab)
    low = tab.live_from  # every task below it is finished
    state = tab.raw("state")[low:n]
    owner = tab.raw("owner")[low:n]
    owned = (
        (state == int(TaskState.RUNNING))
        | (state == int(TaskState.MIGRATING))
        | (state == int(TaskState.STRANDED))
    )
    bad = owned & (owner < 0)
    idx = np.flatnonzero(owned & (owner >= 0))
    if idx.size:
        live = np.zeros(sim.columns.size, dtype=bool)
        for m in sim.registry.members():
            if m.status in LIVE and m.index >= 0:
                live[m.index] = True
        bad[idx[~live[owner[idx]]]] = True
    return int(np.count_nonzero(bad))


def check(sim: Core, audit: bool = True) -> list[str]:
    """Every invariant of the model (a full pass); the list of problems, empty when sound."""
    problems: list[str] = []
    tab = sim.tasks
    n = len(tab)
    # Tasks below live_from are all finished (a headless run may have forgotten their rows):
    # the checks of unfinished tasks start there; the state counts cover every row.
    low = tab.live_from
    every_state = tab.raw("state")[:n]
    state = every_state[low:]
    owner = tab.raw("owner")[low:n].astype(np.int64)
    c = sim.counters
    if (lost := lost_tasks(sim)) != 0:
        problems.append(f"{lost} tasks have no live owner")
    held = (
        (state == int(TaskState.RUNNING))
        | (state == int(TaskState.MIGRATING))
        | (state == int(TaskState.STRANDED))
    )
    size = sim.columns.size
    load = np.bincount(owner[held], minlength=size)[:size]
    if not np.array_equal(load, sim.columns.load[:size]):
        problems.append("member load column disagrees with task owners")
    running = np.bincount(owner[state == int(TaskState.RUNNING)], minlength=size)[:size]
    if not np.array_equal(running, sim.columns.running[:size]):
        problems.append("member running column disagrees with running tasks")
    if int(np.count_nonzero(state == int(TaskState.STRANDED))) != c.stranded:
        problems.append("stranded counter disagrees with task states")
    if int(np.count_nonzero(state == int(TaskState.PENDING))) != sim.assigner.pending_count():
        problems.append("pending count disagrees with task states")
    if (state == int(TaskState.PENDING)).any() and (
        owner[state == int(TaskState.PENDING)] >= 0
    ).any():
        problems.append("a pending task has an owner")
    done = int(np.count_nonzero(every_state == int(TaskState.COMPLETED)))
    denied = int(np.count_nonzero(every_state == int(TaskState.DENIED)))
    if done != c.completed or denied != c.denied or c.submitted != n:
        problems.append("completed / denied / submitted counters disagree with the table")
    migrating = np.flatnonzero(state == int(TaskState.MIGRATING))
    if migrating.size != len(sim.transfers):
        problems.append("migrating tasks and transfers in flight differ in number")
    for row in migrating.tolist():
        tr = sim.transfers.get(row + low)
        if tr is None or tr.target != owner[row]:
            problems.append(f"task {row + low} is migrating without a matching transfer")
            break
    if sim.config.paradigm == "phoenix" and len(sim.ring):
        routed = held & (owner >= 0)
        ids = np.flatnonzero(routed)
        expect = sim.ring.route_tokens(tab.raw("token")[ids + low].astype(np.int64))
        if not np.array_equal(expect.astype(np.int64), owner[ids]):
            problems.append("a phoenix task is not owned by its ring route")
    progress = tab.progress_at(np.arange(low, n, dtype=np.int64), sim.time)
    if (progress > tab.raw("work")[low:n] + 1e-9).any() or (progress < -1e-9).any():
        problems.append("progress outside [0, work]")
    if abs(c.work_lost_graceful) > 1e-9:
        problems.append(f"graceful moves lost {c.work_lost_graceful} hours of work")
    if audit:
        result = sim.audit.verify()
        if not result.ok:
            problems.append(f"audit chain: {result.message()}")
    return problems
