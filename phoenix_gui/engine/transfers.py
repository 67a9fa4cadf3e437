"""Transfers in flight (a migrating task's checkpoint on its way), as numpy columns.

A join or a leave on a busy ring moves hundreds of tasks at once, and a run moves tens of
thousands an hour: one Python object per transfer, built at departure and taken apart at
arrival, was most of a migration's cost. :class:`TransferTable` keeps one row per transfer in
flight — task, source, target, reason, the checkpoint it carries (progress, time) and that
checkpoint's SHA-256, attempt, batch generation — so a batch departs and arrives with a few
array operations. Rows of arrived or cancelled transfers are reused, so the table is as large
as the most transfers ever in flight at once, not as the run.

It reads like the ``dict`` (task id → transfer) it replaces: ``len``, ``in``, ``get``,
``[tid]``, ``items``, ``values``; a :class:`Transfer` is a view of its row (reading and writing
the columns).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
DigestArray = npt.NDArray[np.uint8]

_FREE = -1  # the generation of a row no transfer holds


class Transfer:
    """One transfer in flight: a view of its row in a :class:`TransferTable`."""

    __slots__ = ("_row", "_table")

    def __init__(self, table: TransferTable, row: int) -> None:
        self._table = table
        self._row = row

    @property
    def task(self) -> int:
        return int(self._table.task[self._row])

    @property
    def source(self) -> int:
        return int(self._table.source[self._row])

    @property
    def target(self) -> int:
        return int(self._table.target[self._row])

    @property
    def reason(self) -> str:
        return self._table.reasons[int(self._table.reason[self._row])]

    @property
    def progress(self) -> float:
        return float(self._table.progress[self._row])

    @progress.setter
    def progress(self, value: float) -> None:
        self._table.progress[self._row] = value

    @property
    def ckpt_time(self) -> float:
        return float(self._table.ckpt_time[self._row])

    @ckpt_time.setter
    def ckpt_time(self, value: float) -> None:
        self._table.ckpt_time[self._row] = value

    @property
    def digest(self) -> str:
        """The SHA-256 (hex) of the checkpoint as it left its source."""
        return bytes(self._table.digest[self._row]).hex()

    @digest.setter
    def digest(self, value: str) -> None:
        self._table.digest[self._row] = np.frombuffer(bytes.fromhex(value), dtype=np.uint8)

    @property
    def attempt(self) -> int:
        return int(self._table.attempt[self._row])

    @property
    def generation(self) -> int:
        return int(self._table.generation[self._row])

    def __repr__(self) -> str:
        return (
            f"Transfer(task={self.task}, source={self.source}, target={self.target}, "
            f"reason={self.reason!r}, progress={self.progress}, ckpt_time={self.ckpt_time}, "
            f"attempt={self.attempt}, generation={self.generation})"
        )


class TransferTable:
    """Every transfer in flight, one row each (see the module docstring)."""

    def __init__(self) -> None:
        self.task: IntArray = np.zeros(0, dtype=np.int64)
        self.source: IntArray = np.zeros(0, dtype=np.int64)
        self.target: IntArray = np.zeros(0, dtype=np.int64)
        self.reason: IntArray = np.zeros(0, dtype=np.int64)
        self.progress: FloatArray = np.zeros(0, dtype=np.float64)
        self.ckpt_time: FloatArray = np.zeros(0, dtype=np.float64)
        self.digest: DigestArray = np.zeros((0, 32), dtype=np.uint8)
        self.attempt: IntArray = np.zeros(0, dtype=np.int64)
        self.generation: IntArray = np.zeros(0, dtype=np.int64)
        self.reasons: list[str] = []
        self._row: dict[int, int] = {}  # task id → its row
        self._free: list[int] = []  # rows no transfer holds

    # -- the dict it replaces ------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._row)

    def __bool__(self) -> bool:
        return bool(self._row)

    def __contains__(self, tid: object) -> bool:
        return tid in self._row

    def __iter__(self) -> Iterator[int]:
        return iter(list(self._row))

    def __getitem__(self, tid: int) -> Transfer:
        return Transfer(self, self._row[tid])

    def get(self, tid: int) -> Transfer | None:
        row = self._row.get(tid)
        return None if row is None else Transfer(self, row)

    def items(self) -> list[tuple[int, Transfer]]:
        return [(tid, Transfer(self, row)) for tid, row in self._row.items()]

    def values(self) -> list[Transfer]:
        return [Transfer(self, row) for row in self._row.values()]

    # -- batches -------------------------------------------------------------------------------

    def add(
        self,
        ids: IntArray,
        sources: IntArray,
        targets: npt.ArrayLike,
        reason: str,
        progress: FloatArray,
        ckpt_time: FloatArray,
        digests: DigestArray,
        generation: int,
    ) -> IntArray:
        """New transfers of ``ids`` (none of them in flight), attempt 1; returns their rows."""
        rows = self._take(ids.size)
        if reason not in self.reasons:
            self.reasons.append(reason)
        self.task[rows] = ids
        self.source[rows] = sources
        self.target[rows] = targets
        self.reason[rows] = self.reasons.index(reason)
        self.progress[rows] = progress
        self.ckpt_time[rows] = ckpt_time
        self.digest[rows] = digests
        self.attempt[rows] = 1
        self.generation[rows] = generation
        self._row.update(zip(ids.tolist(), rows.tolist(), strict=True))
        return rows

    def live(self, rows: IntArray, generation: int) -> IntArray:
        """Those of ``rows`` still holding the transfers of batch ``generation``, in order."""
        held: IntArray = rows[self.generation[rows] == generation]
        return held

    def row_of(self, tid: int) -> int:
        return self._row[tid]

    def release(self, rows: IntArray) -> None:
        """The transfers of ``rows`` are over (arrived or cancelled): their rows are free."""
        drop = self._row.pop
        for tid in self.task[rows].tolist():
            drop(tid)
        self.generation[rows] = _FREE
        self._free.extend(rows.tolist())

    def members_named(self) -> set[int]:
        """Member indexes some transfer in flight leaves or goes to."""
        held = self.generation != _FREE
        return set(self.source[held].tolist()) | set(self.target[held].tolist())

    def _take(self, count: int) -> IntArray:
        free = self._free
        if len(free) < count:
            self._grow(count - len(free))
        rows = np.array(free[len(free) - count :], dtype=np.int64)
        del free[len(free) - count :]
        return rows

    def _grow(self, more: int) -> None:
        old = self.task.size
        size = max(64, 2 * old, old + more)
        for name in ("task", "source", "target", "reason", "attempt", "generation"):
            grown = np.zeros(size, dtype=np.int64)
            grown[:old] = getattr(self, name)
            setattr(self, name, grown)
        for name in ("progress", "ckpt_time"):
            grown_f = np.zeros(size, dtype=np.float64)
            grown_f[:old] = getattr(self, name)
            setattr(self, name, grown_f)
        digest = np.zeros((size, 32), dtype=np.uint8)
        digest[:old] = self.digest
        self.digest = digest
        self.generation[old:] = _FREE
        # Highest rows last: taken from the end, the low rows are used first.
        self._free[:0] = range(size - 1, old - 1, -1)
