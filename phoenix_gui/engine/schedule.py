"""Time-ordered queues: task due times (completion, hand-off) and timed engine events.

:class:`DueQueue` holds when each running task next needs attention. Bulk submissions become a
sorted run (numpy, walked with a pointer), single reschedules go to a heap. Runs are merged as
they come (a newer run joins the one before it while that one is at most twice its size), so
there are O(log n) of them however many batches arrive and ``next_time`` stays cheap. Entries
are never deleted, only invalidated — an entry is live while the task's ``due`` column still
holds exactly that time — so rescheduling a task is O(log n) and popping costs what is due,
not the total.
Ties are broken by task id, so the order never depends on insertion accidents.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Below this many tasks a batch goes to the heap instead of becoming a sorted run.
_RUN_MIN = 64


@dataclass
class _Run:
    times: FloatArray
    ids: IntArray
    at: int = 0


def _merged(first: _Run, second: _Run) -> _Run:
    """The entries left in two runs as one run sorted by (time, id), as ``np.lexsort`` of both
    would sort them (equal pairs: the first run's before the second's), without sorting: each of
    the second's entries lands by binary search among the first's — after those with an earlier
    time, or the same time and an id not above its own (keys ``time group · 2**41 + id``)."""
    t1, i1 = first.times[first.at :], first.ids[first.at :]
    t2, i2 = second.times[second.at :], second.ids[second.at :]
    after = np.searchsorted(t1, t2, side="right")
    before = np.searchsorted(t1, t2, side="left")
    tied = np.flatnonzero(before != after)  # a time the first run has too: order by id there
    if tied.size:
        if min(int(i1.min()), int(i2.min())) < 0 or max(int(i1.max()), int(i2.max())) >= _ID_SPAN:
            times = np.concatenate((t1, t2))
            ids = np.concatenate((i1, i2))
            order = np.lexsort((ids, times))
            return _Run(times[order], ids[order])
        group = np.zeros(t1.size, dtype=np.int64)
        np.cumsum(t1[1:] != t1[:-1], out=group[1:])
        keys = group * _ID_SPAN + i1
        after[tied] = np.searchsorted(keys, group[before[tied]] * _ID_SPAN + i2[tied], side="right")
    at = after + np.arange(t2.size)  # where each of the second's entries lands
    rest = np.ones(t1.size + t2.size, dtype=bool)
    rest[at] = False
    times = np.empty(rest.size, dtype=np.result_type(t1, t2))
    ids = np.empty(rest.size, dtype=np.result_type(i1, i2))
    times[at], ids[at] = t2, i2
    times[rest], ids[rest] = t1, i1
    return _Run(times, ids)


# Task ids below this merge by key (time group · span + id) without overflowing int64.
_ID_SPAN = 1 << 41


class DueQueue:
    """Candidate (time, task) pairs; callers check liveness against the ``due`` column."""

    def __init__(self) -> None:
        self._runs: list[_Run] = []
        self._heap: list[tuple[float, int]] = []

    def __len__(self) -> int:
        return len(self._heap) + sum(r.ids.size - r.at for r in self._runs)

    def push(self, ids: IntArray, times: FloatArray) -> None:
        finite = np.isfinite(times)
        if not finite.all():
            ids, times = ids[finite], times[finite]
        if ids.size >= _RUN_MIN:
            order = np.lexsort((ids, times))  # the gathers below are new arrays, the run's own
            self._runs.append(_Run(times[order], ids[order]))
            self._merge_tail()
            return
        for tid, when in zip(ids.tolist(), times.tolist(), strict=True):
            heapq.heappush(self._heap, (when, tid))

    def _merge_tail(self) -> None:
        """Merge the newest run into the one before it while that one is at most twice its
        size (as in a merge sort's run stack): few runs, each entry merged O(log n) times."""
        runs = self._runs
        while len(runs) >= 2:
            last, prev = runs[-1], runs[-2]
            size = last.ids.size - last.at
            if prev.ids.size - prev.at > 2 * size:
                return
            runs[-2:] = [_merged(prev, last)]

    def next_time(self) -> float:
        best = self._heap[0][0] if self._heap else float("inf")
        for run in self._runs:
            if run.at < run.ids.size:
                best = min(best, float(run.times[run.at]))
        return best

    def pop_until(self, t: float) -> tuple[IntArray, FloatArray]:
        """Every candidate with time ≤ t, removed and returned sorted by (time, id)."""
        ids: list[IntArray] = []
        times: list[FloatArray] = []
        keep: list[_Run] = []
        for run in self._runs:
            end = int(run.times.searchsorted(t, side="right"))
            if end > run.at:
                ids.append(run.ids[run.at : end])
                times.append(run.times[run.at : end])
                run.at = end
            if run.at < run.ids.size:
                keep.append(run)
        self._runs = keep
        if self._heap and self._heap[0][0] <= t:
            h_t: list[float] = []
            h_i: list[int] = []
            while self._heap and self._heap[0][0] <= t:
                when, tid = heapq.heappop(self._heap)
                h_t.append(when)
                h_i.append(tid)
            ids.append(np.asarray(h_i, dtype=np.int64))
            times.append(np.asarray(h_t, dtype=np.float64))
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        if len(ids) == 1:  # one run's slice, or the heap's pops: sorted by (time, id) already
            return ids[0].astype(np.int64, copy=False), times[0].astype(np.float64, copy=False)
        all_ids = np.concatenate(ids)
        all_times = np.concatenate(times)
        order = np.lexsort((all_ids, all_times))
        return all_ids[order], all_times[order]


@dataclass(order=True)
class Timed:
    """A timed engine event (transfer arrival, failure detection …) in a :class:`Agenda`."""

    time: float
    seq: int
    kind: str = field(compare=False)
    key: int = field(compare=False)  # task id or member index
    token: int = field(compare=False, default=0)  # generation, to invalidate cancelled entries


class Agenda:
    """A heap of :class:`Timed` entries, FIFO among equal times (by insertion sequence)."""

    def __init__(self) -> None:
        self._heap: list[Timed] = []
        self._seq = 0

    def __len__(self) -> int:
        return len(self._heap)

    def add(self, time: float, kind: str, key: int, token: int = 0) -> None:
        self._seq += 1
        heapq.heappush(self._heap, Timed(time, self._seq, kind, key, token))

    def next_time(self) -> float:
        return self._heap[0].time if self._heap else float("inf")

    def pop(self) -> Timed:
        return heapq.heappop(self._heap)
