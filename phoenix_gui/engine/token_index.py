"""Tasks bucketed by token position, and the record of what a ring change moved.

A join or leave hands whole arcs of the 10000 token positions from one member to another
(DESIGN.md §4). :class:`RingChange` lists those positions; :class:`TokenIndex` finds the tasks
sitting on them, so :func:`moved_tasks` costs what actually moves, never a pass over every task.

The index is a small log-structured merge of token-sorted runs: each :meth:`TokenIndex.add`
becomes a run, runs of similar size are merged (each task is merged O(log n) times), and removal
only marks an entry dead (each entry carries a serial number; it is live while the task's current
serial equals it). Dead entries are dropped on merge, and everything is compacted once the dead
outnumber the live, so adding and completing tasks while the simulation runs stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

TOKEN_SPACE = 10000

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]


@dataclass(frozen=True, eq=False)
class RingChange:
    """What one join or leave did to the owner table.

    ``positions`` are the token positions (0…9999) whose owner changed, sorted ascending;
    ``old_owner`` / ``new_owner`` hold the member index per position before and after
    (-1 when there was no owner: the ring was empty before a join, or is empty after a leave).
    """

    kind: Literal["join", "leave"]
    member: str
    positions: IntArray
    old_owner: Int32Array
    new_owner: Int32Array

    def __len__(self) -> int:
        return int(self.positions.size)


class _Run(NamedTuple):
    tokens: IntArray  # sorted ascending
    ids: IntArray
    serials: IntArray


# Below this many dead entries, compaction is not worth a pass over the arrays.
_MIN_COMPACT = 1024


class TokenIndex:
    """Task ids (non-negative integers) bucketed by their token position."""

    def __init__(self) -> None:
        # Per id from ``_base`` on (ids below it were all removed and forgotten); -1 = absent.
        self._base = 0
        self._serial_of: IntArray = np.full(0, -1, dtype=np.int64)
        self._token_of: IntArray = np.full(0, -1, dtype=np.int64)
        self._runs: list[_Run] = []  # largest first, so merges happen at the tail
        self._next_serial = 0
        self._live = 0
        self._stored = 0  # entries held in runs, live or dead

    def __len__(self) -> int:
        return self._live

    def __contains__(self, task_id: object) -> bool:
        if isinstance(task_id, bool) or not isinstance(task_id, int | np.integer):
            return False
        tid = int(task_id) - self._base
        return 0 <= tid < self._serial_of.size and bool(self._serial_of[tid] >= 0)

    def add(self, task_ids: npt.ArrayLike, tokens: npt.ArrayLike) -> None:
        """Index new tasks; ``tokens[i]`` is the token of ``task_ids[i]``."""
        ids = _int_vector(task_ids, "task_ids")
        toks = _int_vector(tokens, "tokens")
        if ids.shape != toks.shape:
            raise ValueError(f"task_ids and tokens differ in length ({ids.size} vs {toks.size})")
        if ids.size == 0:
            return
        if int(ids.min()) < self._base:
            raise ValueError(
                "task_ids: must be non-negative integers"
                + (f" not below {self._base} (forgotten)" if self._base else "")
            )
        if int(toks.min()) < 0 or int(toks.max()) >= TOKEN_SPACE:
            raise ValueError(f"tokens: must lie in [0, {TOKEN_SPACE - 1}]")
        self._grow(int(ids.max()) + 1)
        at = ids - self._base
        present = ids[self._serial_of[at] >= 0]
        if present.size:
            raise ValueError(f"task_ids: task {int(present[0])} is already indexed")
        serials = np.arange(self._next_serial, self._next_serial + ids.size, dtype=np.int64)
        self._serial_of[at] = serials
        # A repeated id is overwritten by its last copy, so its first copy reads back wrong:
        # an O(n) duplicate check (np.unique would sort a million ids).
        if not bool(np.array_equal(self._serial_of[at], serials)):
            self._serial_of[at] = -1
            raise ValueError("task_ids: duplicate ids in one add")
        self._next_serial += ids.size
        self._token_of[at] = toks
        self._live += ids.size
        self._stored += ids.size
        order = np.argsort(toks, kind="stable")
        self._runs.append(_Run(toks[order], ids[order], serials[order]))
        # Binary-counter merging: keep run sizes roughly halving towards the tail.
        while len(self._runs) >= 2 and self._runs[-2].ids.size <= 2 * self._runs[-1].ids.size:
            newer = self._runs.pop()
            older = self._runs.pop()
            self._runs.append(self._merge(older, newer))

    def remove(self, task_ids: npt.ArrayLike) -> None:
        """Forget tasks (completed, denied); KeyError if one is not indexed."""
        ids = _int_vector(task_ids, "task_ids")
        if ids.size == 0:
            return
        if _has_duplicates(ids):
            raise ValueError("task_ids: duplicate ids in one remove")
        at = ids - self._base
        inside = (at >= 0) & (at < self._serial_of.size)
        missing = ids[~inside]
        if missing.size == 0:
            missing = ids[self._serial_of[at] < 0]
        if missing.size:
            raise KeyError(f"task {int(missing[0])} is not in the token index")
        self._serial_of[at] = -1
        self._token_of[at] = -1
        self._live -= ids.size
        dead = self._stored - self._live
        if dead > self._live and dead >= _MIN_COMPACT:
            self._compact()

    def token_of(self, task_ids: npt.ArrayLike) -> IntArray:
        """Tokens of indexed tasks; KeyError if one is not indexed."""
        ids = _int_vector(task_ids, "task_ids")
        at = ids - self._base
        inside = (at >= 0) & (at < self._token_of.size)
        if not bool(inside.all()):
            raise KeyError(f"task {int(ids[~inside][0])} is not in the token index")
        toks = self._token_of[at]
        if toks.size and int(toks.min()) < 0:
            raise KeyError(f"task {int(ids[toks < 0][0])} is not in the token index")
        return toks

    def task_ids(self) -> IntArray:
        """Every indexed task id, ascending (a full pass: for tests and summaries)."""
        return np.flatnonzero(self._serial_of >= 0).astype(np.int64) + self._base

    def tasks_at(self, positions: npt.ArrayLike) -> IntArray:
        """Ids (ascending) of the tasks whose token is one of ``positions``.

        Costs O(runs · P log n + k) for P positions and k hits: proportional to what is asked
        for, not to the number of tasks indexed.
        """
        pos = distinct_sorted(_int_vector(positions, "positions"))
        found: list[IntArray] = []
        for run in self._runs:
            lo = np.searchsorted(run.tokens, pos, side="left")
            hi = np.searchsorted(run.tokens, pos, side="right")
            picks = _expand_ranges(lo, hi - lo)
            if picks.size == 0:
                continue
            ids = run.ids[picks]
            found.append(ids[self._serial_of[ids - self._base] == run.serials[picks]])
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate(found))

    # -- internals ---------------------------------------------------------------------------

    def forget_below(self, task: int) -> None:
        """Drop the per-id room of ids below ``task``, none of which may be indexed any more
        (finished tasks of a long headless run): the index then holds what is live, not every
        id ever seen. Done when it frees at least half the room (amortised O(1) per id)."""
        drop = task - self._base
        if drop <= 0 or 2 * drop < self._serial_of.size:
            return
        if bool((self._serial_of[:drop] >= 0).any()):
            return  # a task below it is still indexed: nothing to forget yet
        self._compact()  # the runs then hold live entries only, all at or above ``task``
        self._serial_of = self._serial_of[drop:].copy()
        self._token_of = self._token_of[drop:].copy()
        self._base = task

    def _grow(self, size: int) -> None:
        size -= self._base
        if size <= self._serial_of.size:
            return
        capacity = max(size, 2 * self._serial_of.size, 64)
        serial = np.full(capacity, -1, dtype=np.int64)
        serial[: self._serial_of.size] = self._serial_of
        token = np.full(capacity, -1, dtype=np.int64)
        token[: self._token_of.size] = self._token_of
        self._serial_of, self._token_of = serial, token

    def _merge(self, older: _Run, newer: _Run) -> _Run:
        tokens = np.concatenate([older.tokens, newer.tokens])
        ids = np.concatenate([older.ids, newer.ids])
        serials = np.concatenate([older.serials, newer.serials])
        alive = self._serial_of[ids - self._base] == serials
        self._stored -= int(alive.size - np.count_nonzero(alive))
        tokens, ids, serials = tokens[alive], ids[alive], serials[alive]
        order = np.argsort(tokens, kind="stable")
        return _Run(tokens[order], ids[order], serials[order])

    def _compact(self) -> None:
        ids = self.task_ids()
        tokens = self._token_of[ids - self._base]
        order = np.argsort(tokens, kind="stable")
        self._runs = [_Run(tokens[order], ids[order], self._serial_of[ids - self._base][order])]
        self._stored = self._live


def moved_tasks(change: RingChange, index: TokenIndex) -> tuple[IntArray, Int32Array, Int32Array]:
    """``(task_ids, from_member_index, to_member_index)`` of exactly the tasks ``change`` moved.

    Only the changed positions are looked up, so the cost follows the moved set.
    """
    if change.positions.size == 0:  # e.g. the joins of a run's start: nothing to look up
        return np.zeros(0, dtype=np.int64), change.old_owner[:0], change.new_owner[:0]
    ids = index.tasks_at(change.positions)
    slot = np.searchsorted(change.positions, index.token_of(ids))
    return ids, change.old_owner[slot], change.new_owner[slot]


def _int_vector(values: npt.ArrayLike, field: str) -> IntArray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{field}: must be integers, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def distinct_sorted(values: IntArray) -> IntArray:
    """Sorted distinct values (np.unique without its hash-table path, slow on small arrays)."""
    ordered = np.sort(values)
    keep = np.ones(ordered.size, dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    result: IntArray = ordered[keep]
    return result


def _has_duplicates(values: IntArray) -> bool:
    ordered = np.sort(values)
    return bool(np.any(ordered[1:] == ordered[:-1]))


def _expand_ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """Concatenate ``arange(s, s + n)`` for each (s, n), vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    before = np.cumsum(lengths) - lengths
    flat: IntArray = np.arange(total, dtype=np.int64) + np.repeat(starts - before, lengths)
    return flat
