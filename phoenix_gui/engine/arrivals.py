"""Task arrivals on the ring in bulk: the records of one submit per arrival, at batch cost.

A step of a busy scenario holds dozens of Poisson arrivals, each a one-task submit with the
completions due before it processed first: two rounds of ~30 small numpy calls per arrival.
On the ring (``phoenix``) a run of arrivals can be done in one batch instead, with exactly the
same outcome, while nothing in between can change where a task goes or when anything is due:

- no join or leave lies between them (the caller only passes consecutive arrivals), and no
  timed engine event (transfer arrival, failure detection) falls before the last one — those
  change the ring or the load a record reports;
- a new task is due at least one step after it arrives, so it cannot complete among them;
- a completion changes no routing decision, and routing draws no randomness.

Then the completions due up to the last arrival are finished together, the arrivals created
(the workload and governance streams drawn in one call each, which numpy fills exactly as it
fills one draw at a time), routed and started together, and only the records are written one
by one, in the order the one-at-a-time path writes them: each arrival after the completions
due at or before its time. ``work_done`` is added per arrival interval, as that path adds it,
so even its floating-point rounding is the same. tests/engine/test_arrivals_batch.py compares
the two paths record for record.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.core import Core
from phoenix_gui.engine.events import Primitive
from phoenix_gui.engine.workload import complete, create, pop_live_dues

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def can_batch(core: Core) -> bool:
    """Whether arrivals may go in bulk now: the ring routes them to someone, and no random
    capability draw would interleave with the work draws (``workload.capabilities``)."""
    return (
        core.config.paradigm == "phoenix"
        and len(core.ring) > 0
        and not core.config.workload.capabilities
    )


def arrive_in_bulk(core: Core, times: list[float]) -> None:
    """Submit one task at each of ``times`` (ascending, all before the next agenda entry),
    processing the completions due up to the last one; see the module docstring."""
    at = np.asarray(times, dtype=np.float64)
    done_ids, done_times = pop_live_dues(core, times[-1])
    owners_done = complete(core, done_ids)
    # Completion c is written before arrival group[c] (due at or before that arrival's time).
    group = np.searchsorted(at, done_times, side="left")
    bounds = np.searchsorted(group, np.arange(len(times) + 1), side="left")
    work = core.tasks.raw("work").take(done_ids)
    add = np.add.reduce  # what ndarray.sum calls, without its Python wrapper: the same sums
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if hi > lo:
            core.counters.work_done += float(add(work[lo:hi]))

    ids, ok = create(core, len(times), at)
    granted = ids[ok]
    at_granted = at[ok]
    tokens = core.tasks.raw("token")[granted].astype(np.int64)
    core.token_index.add(granted, tokens)
    owners = core.ring.route_tokens(tokens)
    _start(core, granted, owners, at_granted)

    # The names looked up once per batch (the ring's table; name_of checks each index, so
    # the batch is checked as a whole first), the loop below only writes the records.
    table = core.ring.names
    for index in (owners_done, owners.tolist()):
        if index and not 0 <= min(index) <= max(index) < len(table):
            raise KeyError(f"no member has index {min(index)} or {max(index)}")
    done_names = [table[who] for who in owners_done]
    owner_of = dict(zip(granted.tolist(), [table[who] for who in owners.tolist()], strict=True))
    assignment, governance = Primitive.ASSIGNMENT, Primitive.GOVERNANCE
    done_at = done_times.tolist()
    done_details = [
        {"task": tid, "member": name}
        for tid, name in zip(done_ids.tolist(), done_names, strict=True)
    ]
    edges = bounds.tolist()
    # The records in the one-at-a-time order, written as one batch (Core.emit_many).
    at_list: list[float] = []
    prims: list[Primitive] = []
    kinds: list[str] = []
    details: list[dict[str, object]] = []
    for i, (tid, when, granted_one) in enumerate(
        zip(ids.tolist(), times, ok.tolist(), strict=True)
    ):
        lo, hi = edges[i], edges[i + 1]
        if hi > lo:
            at_list += done_at[lo:hi]
            prims += [assignment] * (hi - lo)
            kinds += ["task_completed"] * (hi - lo)
            details += done_details[lo:hi]
        at_list += (when, when)
        if granted_one:
            prims += (governance, assignment)
            kinds += ("task_submitted", "task_assigned")
            details += (
                {"task": tid, "authorised": True},
                {"task": tid, "member": owner_of[tid]},
            )
        else:
            prims += (governance, governance)
            kinds += ("task_submitted", "task_denied")
            details += ({"task": tid, "authorised": False}, {"task": tid})
    core.emit_many(at_list, prims, kinds, details)


def _start(core: Core, ids: IntArray, owners: npt.NDArray[np.int32], at: FloatArray) -> None:
    """:meth:`Assigner._start` for tasks that each arrived at their own time."""
    if ids.size == 0:
        return
    core.tasks.lineage.record_each(at, "assigned", ids, owners)
    core.set_owner(ids, owners)
    core.tasks.raw("assigned_at")[ids] = at
    working = core.columns.working[owners.astype(np.int64)]
    core.start_running(ids[working], at[working])
    dead = ids[~working]  # owner crashed but is not yet noticed (the ring routes there)
    if dead.size:
        core.tasks.raw("ckpt_time")[dead] = at[~working]
        core.strand(dead, at[~working])
