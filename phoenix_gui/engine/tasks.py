"""The task population (Flight Packets) as numpy columns, and a FlightPacket built on demand.

10^6 tasks take about 100 bytes each. Progress is advanced lazily: a running task stores the
progress it had when it (re)started (``base``) and the time it started (``since``); its
progress at time t is ``base + (t - since)`` (one hour of work per hour), capped at ``work``.
Nothing loops over all tasks per step; completion and hand-off times sit in a
:class:`~phoenix_gui.engine.schedule.DueQueue`.

Periodic checkpoints are lazy as well: they happen on the global grid of
``checkpoint_interval``, so a running task's last checkpoint is at
``max(since, floor(t / interval) · interval)``. A task that is not running sits exactly at its
last checkpoint (``base`` at ``ckpt_time``).
"""

from __future__ import annotations

import hashlib
import math
import struct
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class TaskState(IntEnum):
    PENDING = 0  # authorised, waiting for a member (kubernetes / agentic with no fit)
    RUNNING = 1
    MIGRATING = 2  # checkpoint in transfer to its new owner; no progress
    COMPLETED = 3
    DENIED = 4  # governance refused it (not authorised)
    STRANDED = 5  # its owner crashed and nobody noticed yet; no progress


ACTIVE_STATES = (TaskState.PENDING, TaskState.RUNNING, TaskState.MIGRATING, TaskState.STRANDED)


class DueKind(IntEnum):
    NONE = 0
    FINISH = 1
    CONTEXT = 2  # agentic: session reached the agent's context limit
    ERROR = 3  # agentic: the agent erred on a step


_COLUMNS: dict[str, tuple[type, float]] = {
    "token": (np.int32, 0),
    "owner": (np.int32, -1),
    "state": (np.int8, 0),
    "work": (np.float64, 0.0),
    "base": (np.float64, 0.0),
    "since": (np.float64, math.nan),
    "ckpt_time": (np.float64, 0.0),
    "session_base": (np.float64, 0.0),
    "due": (np.float64, math.inf),
    "due_kind": (np.int8, 0),
    "created": (np.float64, 0.0),
    "assigned_at": (np.float64, math.nan),
    "capability": (np.int16, -1),
    "cpu": (np.float32, 0.0),
    "memory": (np.float32, 0.0),
    "min_trust": (np.float32, 0.0),
    "authorised": (np.bool_, False),
    # Progress when a graceful stop took the task off a member (NaN: none pending); compared
    # with the progress it resumes from, so a graceful move's loss is measured end to end.
    "stop_progress": (np.float64, math.nan),
    # When the task was stranded on a crashed, unnoticed member (NaN: not stranded).
    "stranded_since": (np.float64, math.nan),
}


class TaskTable:
    """Columns of every task ever submitted; row ``n`` is the task ``task-{n}``."""

    token: npt.NDArray[np.int32]
    owner: npt.NDArray[np.int32]
    state: npt.NDArray[np.int8]
    work: FloatArray
    base: FloatArray
    since: FloatArray
    ckpt_time: FloatArray
    session_base: FloatArray
    due: FloatArray
    due_kind: npt.NDArray[np.int8]
    created: FloatArray
    assigned_at: FloatArray
    capability: npt.NDArray[np.int16]
    cpu: npt.NDArray[np.float32]
    memory: npt.NDArray[np.float32]
    min_trust: npt.NDArray[np.float32]
    authorised: npt.NDArray[np.bool_]
    stop_progress: FloatArray
    stranded_since: FloatArray

    def __init__(self, capacity: int = 1024) -> None:
        self._n = 0
        self._cap = max(16, capacity)
        for name, (dtype, fill) in _COLUMNS.items():
            self.__dict__["_" + name] = np.full(self._cap, fill, dtype=dtype)
        self.capability_names: list[str] = []
        self.now = 0.0  # the engine's clock, for the lazy ``progress`` column
        self.lineage = LineageLog()

    def __getattr__(self, name: str) -> np.ndarray:
        # Public column views cover only the rows in use.
        if name in _COLUMNS:
            arr: np.ndarray = self.__dict__["_" + name]
            return arr[: self._n]
        raise AttributeError(name)

    def __len__(self) -> int:
        return self._n

    def raw(self, name: str) -> np.ndarray:
        """The whole backing array of a column (rows ≥ len are unused)."""
        arr: np.ndarray = self.__dict__["_" + name]
        return arr

    def append(self, count: int) -> IntArray:
        """Reserve ``count`` new rows (default-filled); returns their ids."""
        start = self._n
        need = start + count
        if need > self._cap:
            cap = max(need, 2 * self._cap)
            for name, (dtype, fill) in _COLUMNS.items():
                old = self.__dict__["_" + name]
                new: np.ndarray = np.full(cap, fill, dtype=dtype)
                new[:start] = old[:start]
                self.__dict__["_" + name] = new
            self._cap = cap
        self._n = need
        return np.arange(start, need, dtype=np.int64)

    def lineage_of(self, task: int) -> list[tuple[float, int, str]]:
        """Every owner the task had: (time, member index, reason), oldest first."""
        return self.lineage.of(task)

    def capability_code(self, name: str) -> int:
        if name not in self.capability_names:
            self.capability_names.append(name)
        return self.capability_names.index(name)

    def capability_of(self, task: int) -> str | None:
        code = int(self.raw("capability")[task])
        return None if code < 0 else self.capability_names[code]

    # -- lazy progress ---------------------------------------------------------------------

    @property
    def progress(self) -> FloatArray:
        """Progress (hours of work done) of every task at the engine's current time."""
        return self.progress_at(np.arange(self._n, dtype=np.int64), self.now)

    def progress_at(self, ids: IntArray, t: float) -> FloatArray:
        state = self.raw("state")[ids]
        base = self.raw("base")[ids]
        running = state == TaskState.RUNNING
        out = base.copy()
        if running.any():
            live = base[running] + (t - self.raw("since")[ids][running])
            out[running] = np.minimum(live, self.raw("work")[ids][running])
        done = state == TaskState.COMPLETED
        out[done] = self.raw("work")[ids][done]
        return out

    def checkpoint_at(
        self, ids: IntArray, t: float, interval: float
    ) -> tuple[FloatArray, FloatArray]:
        """(progress, time) of each task's last checkpoint as of time ``t``."""
        state = self.raw("state")[ids]
        base = self.raw("base")[ids]
        ctime = self.raw("ckpt_time")[ids].copy()
        cprog = base.copy()
        running = state == TaskState.RUNNING
        if running.any():
            since = self.raw("since")[ids][running]
            grid = np.floor(t / interval + 1e-9) * interval
            last = np.maximum(since, np.minimum(grid, t))
            cprog[running] = base[running] + (last - since)
            ctime[running] = last
        return cprog, ctime

    def active_mask(self) -> npt.NDArray[np.bool_]:
        """Tasks not finished and not denied (pending, running, migrating or stranded)."""
        st = self.raw("state")[: self._n]
        mask: npt.NDArray[np.bool_] = (st != TaskState.COMPLETED) & (st != TaskState.DENIED)
        return mask


class LineageLog:
    """Append-only record of ownership changes, one chunk per batch (assignment or move).

    Appending costs one array copy per batch, not a Python object per task; looking up one
    task's lineage concatenates the chunks once (cached until the next append) and filters.
    """

    def __init__(self) -> None:
        self._ids: list[IntArray] = []
        self._owners: list[npt.NDArray[np.int32]] = []
        self._times: list[float] = []
        self._reasons: list[str] = []
        self._flat: tuple[IntArray, npt.NDArray[np.int32], IntArray] | None = None

    def record(self, t: float, reason: str, ids: IntArray, owners: npt.NDArray[np.int32]) -> None:
        if ids.size == 0:
            return
        self._ids.append(ids.astype(np.int64, copy=True))
        self._owners.append(np.broadcast_to(owners, ids.shape).astype(np.int32, copy=True))
        self._times.append(t)
        self._reasons.append(reason)
        self._flat = None

    def of(self, task: int) -> list[tuple[float, int, str]]:
        if not self._ids:
            return []
        if self._flat is None:
            chunk = np.repeat(np.arange(len(self._ids)), [a.size for a in self._ids])
            self._flat = (np.concatenate(self._ids), np.concatenate(self._owners), chunk)
        ids, owners, chunk = self._flat
        hits = np.flatnonzero(ids == task)
        return [
            (self._times[c], int(o), self._reasons[c])
            for c, o in zip(chunk[hits].tolist(), owners[hits].tolist(), strict=True)
        ]


_CHECKPOINT = struct.Struct("<qdd")  # task id, progress (h), checkpoint time (h)


def checkpoint_bytes(task: int, progress: float, time: float) -> bytes:
    """The serialised checkpoint (24 bytes, little-endian) whose SHA-256 travels with it."""
    return _CHECKPOINT.pack(task, progress, time)


def checkpoint_hash(task: int, progress: float, time: float) -> str:
    """SHA-256 hex digest of :func:`checkpoint_bytes` (what a transfer's arrival checks)."""
    return hashlib.sha256(checkpoint_bytes(task, progress, time)).hexdigest()


@dataclass(frozen=True)
class FlightPacket:
    """One task as DESIGN.md §5 describes it, built from the columns when someone looks."""

    id: str
    index: int
    token: int
    capabilities: tuple[str, ...]
    demand: dict[str, float]
    policy: dict[str, float | bool]
    work: float
    progress: float
    checkpoint: dict[str, float | str]
    owner: str | None
    lineage: tuple[dict[str, object], ...]
    state: str
