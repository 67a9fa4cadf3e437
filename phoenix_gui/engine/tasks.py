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

import ctypes
import hashlib
import importlib
import math
import mmap
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.vnode_order import small_pages

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class TaskState(IntEnum):
    PENDING = 0  # authorised, waiting for a member (kubernetes / agentic with no fit)
    RUNNING = 1
    MIGRATING = 2  # checkpoint in transfer to its new owner; no progress
    COMPLETED = 3
    DENIED = 4  # governance refused it (not authorised)
    STRANDED = 5  # its owner crashed and nobody noticed yet; no progress


# The engine compares the int8 ``state`` column with ``int(TaskState.X)``: against an IntEnum
# member numpy widens the column to int64 first (a copy of it per comparison, ~10x the cost).

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
        # Rows below this are all finished (COMPLETED or DENIED) and, once :meth:`forget_finished`
        # ran, forgotten: every column but ``state`` reads 0 there. 0 while nothing is forgotten.
        self._forgotten = 0
        self.forgetful = False  # set for headless runs: see forget_finished

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
        if self._forgotten:
            self._append_forgetful(start, need)
        elif need > self._cap:
            cap = max(need, 2 * self._cap)
            for name, (dtype, fill) in _COLUMNS.items():
                old = self.__dict__["_" + name]
                new: np.ndarray = np.full(cap, fill, dtype=dtype)
                new[:start] = old[:start]
                self.__dict__["_" + name] = new
            self._cap = cap
        self._n = need
        return np.arange(start, need, dtype=np.int64)

    def _append_forgetful(self, start: int, need: int) -> None:
        # Growing copies only the rows not forgotten, and rows are filled as they are handed
        # out: a fresh allocation's untouched pages (the forgotten rows, the spare capacity)
        # take no memory, so the table's footprint follows the unfinished tasks.
        low = self._forgotten
        if need > self._cap:
            cap = max(need, 2 * self._cap)
            for name in _COLUMNS:
                old = self.__dict__["_" + name]
                # Not on huge pages: khugepaged would fill the sparse live window's 2 MB
                # neighbourhood of every column (and keep it), whatever was given back.
                with small_pages():
                    new: np.ndarray = np.empty(cap, dtype=old.dtype)
                if name == "state":
                    new[:low] = old[:low]
                else:
                    _release(new, 0, low)  # zeros, whatever the allocator handed back
                new[low:start] = old[low:start]
                _release(new, need, cap)  # spare room reads 0 too (a rewind copies none of it)
                self.__dict__["_" + name] = new
            self._cap = cap
        for name, (_dtype, fill) in _COLUMNS.items():
            self.__dict__["_" + name][start:need] = fill

    @property
    def live_from(self) -> int:
        """Every task below this id is finished (its row may be forgotten)."""
        return self._forgotten

    def forget_finished(self) -> int:
        """Give back the memory of the finished tasks' rows below the first unfinished task.

        For headless runs (:attr:`forgetful`): a long run submits tasks forever, and their rows
        would grow with it. The ids stay what they are (the audit names them); the forgotten
        rows keep their ``state`` (1 byte each, so scans by state stay exact) and read 0 in
        every other column — nothing in the engine reads a finished task's other columns. The
        pages go back to the system with ``madvise`` where the platform has it (Linux); elsewhere
        nothing is given back, and nothing else changes. Returns the new :attr:`live_from`.
        """
        n = self._n
        low = self._forgotten
        self.lineage.keep_live(self.__dict__["_state"])
        state = self.__dict__["_state"][low:n]
        unfinished = np.flatnonzero(
            (state != int(TaskState.COMPLETED)) & (state != int(TaskState.DENIED))
        )
        upto = low + (int(unfinished[0]) if unfinished.size else state.size)
        if upto - low < _FORGET_ROWS:
            return low
        for name in _COLUMNS:
            if name != "state":
                # Rows below ``low`` are forgotten already: the page ``low`` starts in goes too.
                _release(self.__dict__["_" + name], low, upto, zero_below=True)
        self._forgotten = upto
        self.lineage.forget_below(upto)
        return upto

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
        running = state == int(TaskState.RUNNING)
        out = base.copy()
        if running.any():
            live = base[running] + (t - self.raw("since")[ids][running])
            out[running] = np.minimum(live, self.raw("work")[ids][running])
        done = state == int(TaskState.COMPLETED)
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
        running = state == int(TaskState.RUNNING)
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
        mask: npt.NDArray[np.bool_] = (st != int(TaskState.COMPLETED)) & (
            st != int(TaskState.DENIED)
        )
        return mask


class LineageLog:
    """Append-only record of ownership changes, one chunk per batch (assignment or move).

    Stored in growing numpy columns — per entry the task id, its new owner and its chunk;
    per chunk the time and a reason code — about 20 bytes per entry and 10 per batch, and
    no Python object per batch, so a long run with a task arriving every few minutes does not
    grow by a list entry, two small arrays and a float per arrival. Looking up one task's
    lineage is one vectorised comparison over the entries.

    A long run's log is kept to what is live (:meth:`keep_live`, issue 11): once it holds
    :data:`LINEAGE_COMPACT_FROM` entries and twice what the last compaction kept, the finished
    tasks' entries go, and a task moved more than :data:`LINEAGE_HOPS_KEPT` times keeps its
    first hop, one :data:`ELIDED` hop standing for the ones dropped (no owner, the time of the
    last one dropped) and its latest hops. The audit log keeps every move.
    """

    def __init__(self) -> None:
        self._n = 0  # entries in use
        self._ids: IntArray = np.zeros(256, dtype=np.int64)
        self._owners: npt.NDArray[np.int32] = np.zeros(256, dtype=np.int32)
        self._chunk_of: npt.NDArray[np.int32] = np.zeros(256, dtype=np.int32)
        self._chunks = 0
        self._times: FloatArray = np.zeros(64, dtype=np.float64)
        self._reason_codes: npt.NDArray[np.int16] = np.zeros(64, dtype=np.int16)
        self._reasons: list[str] = []  # code → reason text
        self._codes: dict[str, int] = {}
        self._kept = 0  # entries the last keep_live kept

    def record(self, t: float, reason: str, ids: IntArray, owners: npt.NDArray[np.int32]) -> None:
        if ids.size == 0:
            return
        start, end = self._n, self._n + ids.size
        self._grow(
            max(end, 2 * self._ids.size) if end > self._ids.size else self._ids.size,
            2 * self._chunks if self._chunks == self._times.size else self._times.size,
        )
        code = self._reason_code(reason)
        self._ids[start:end] = ids
        self._owners[start:end] = np.broadcast_to(owners, ids.shape)
        self._chunk_of[start:end] = self._chunks
        self._times[self._chunks] = t
        self._reason_codes[self._chunks] = code
        self._chunks += 1
        self._n = end

    def record_each(
        self, times: FloatArray, reason: str, ids: IntArray, owners: npt.NDArray[np.int32]
    ) -> None:
        """:meth:`record` of each task on its own (task ``ids[i]`` to ``owners[i]`` at
        ``times[i]``, one chunk each), in one go: the same columns, grown the same way."""
        n = int(ids.size)
        if n == 0:
            return
        start, end = self._n, self._n + n
        cap = self._ids.size
        while end > cap:  # doubled as often as n single records double it
            cap = 2 * cap if cap else 1
        first, chunks = self._chunks, self._chunks + n
        room = self._times.size
        while chunks > room:
            room = 2 * room
        self._grow(cap, room)
        code = self._reason_code(reason)
        self._ids[start:end] = ids
        self._owners[start:end] = owners
        self._chunk_of[start:end] = np.arange(first, chunks)
        self._times[first:chunks] = times
        self._reason_codes[first:chunks] = code
        self._chunks = chunks
        self._n = end

    def _grow(self, cap: int, room: int) -> None:
        """Room for ``cap`` entries and ``room`` chunks (columns only ever grow)."""
        if cap != self._ids.size:
            self._ids = _grown(self._ids, cap)
            self._owners = _grown(self._owners, cap)
            self._chunk_of = _grown(self._chunk_of, cap)
        if room != self._times.size:
            self._times = _grown(self._times, room)
            self._reason_codes = _grown(self._reason_codes, room)

    def _reason_code(self, reason: str) -> int:
        code = self._codes.get(reason)
        if code is None:
            code = self._codes[reason] = len(self._reasons)
            self._reasons.append(reason)
        return code

    def forget_below(self, task: int) -> None:
        """Drop the entries of tasks below ``task`` (finished, forgotten), once they are at
        least half of the log (so each entry is moved O(1) times)."""
        ids = self._ids[: self._n]
        keep = ids >= task
        kept = int(np.count_nonzero(keep))
        if 2 * kept > self._n:
            return
        chunks = self._chunk_of[: self._n][keep]
        used = distinct(chunks)
        self._times = self._times[used].copy()
        self._reason_codes = self._reason_codes[used].copy()
        self._chunks = int(used.size)
        self._ids = ids[keep].copy()
        self._owners = self._owners[: self._n][keep].copy()
        self._chunk_of = np.searchsorted(used, chunks).astype(np.int32)
        self._n = kept
        if self._chunks == 0:  # keep room to grow into
            self._times = np.zeros(64, dtype=np.float64)
            self._reason_codes = np.zeros(64, dtype=np.int16)
        if self._n == 0:
            self._ids = np.zeros(256, dtype=np.int64)
            self._owners = np.zeros(256, dtype=np.int32)
            self._chunk_of = np.zeros(256, dtype=np.int32)

    def keep_live(self, state: npt.NDArray[np.int8]) -> bool:
        """Drop the entries of finished tasks (``state``: every task's, by id) and cap each
        task's hops (see the class), once the log holds :data:`LINEAGE_COMPACT_FROM` entries
        and twice what the last compaction kept (so each entry is looked at O(1) times).
        Deterministic in the log and the states: a replayed run compacts where the run did.
        True if it compacted."""
        n = self._n
        if n < max(LINEAGE_COMPACT_FROM, 2 * getattr(self, "_kept", 0)):
            return False
        ids = self._ids[:n]
        st = state[ids]
        keep = (st != int(TaskState.COMPLETED)) & (st != int(TaskState.DENIED))
        live = ids[keep]
        hops = LINEAGE_HOPS_KEPT
        base = int(live.min()) if live.size else 0
        counts = np.bincount(live - base) if live.size else np.zeros(0, dtype=np.int64)
        elided: IntArray = np.zeros(0, dtype=np.int64)  # entries standing for dropped ones
        last_dropped: IntArray = np.zeros(0, dtype=np.int64)
        if counts.size and int(counts.max()) > hops:
            # Only the long lineages are sorted: each task's entries, oldest first.
            where = np.flatnonzero(keep)
            where = where[counts[ids[where] - base] > hops]
            order = where[np.argsort(ids[where], kind="stable")]
            grouped = ids[order]
            starts = np.searchsorted(grouped, grouped, side="left")
            ends = np.searchsorted(grouped, grouped, side="right")
            rank = np.arange(order.size) - starts
            drop = (rank >= 1) & (rank < ends - starts - (hops - 2))
            keep[order[drop]] = False
            first_dropped = drop & (rank == 1)
            elided = order[first_dropped]
            last_dropped = order[ends[first_dropped] - (hops - 2) - 1]
            keep[elided] = True
        chunks = self._chunk_of[:n].copy()
        if elided.size:  # one chunk each: the time of the last hop dropped, no owner
            chunks[elided] = self._chunks + np.arange(elided.size, dtype=np.int32)
            times = self._times[self._chunk_of[last_dropped]]
            self._owners[elided] = -1
            self._grow(self._ids.size, max(self._times.size, self._chunks + elided.size))
            self._times[self._chunks : self._chunks + elided.size] = times
            self._reason_codes[self._chunks : self._chunks + elided.size] = self._reason_code(
                ELIDED
            )
            self._chunks += elided.size
        kept_chunks = chunks[keep]
        used = distinct(kept_chunks)
        self._times = self._times[used].copy()
        self._reason_codes = self._reason_codes[used].copy()
        self._chunks = int(used.size)
        self._ids = ids[keep].copy()
        self._owners = self._owners[:n][keep].copy()
        self._chunk_of = np.searchsorted(used, kept_chunks).astype(np.int32)
        self._n = self._kept = int(self._ids.size)
        self._grow(max(256, self._n), max(64, self._chunks))  # room to grow into
        return True

    def of(self, task: int) -> list[tuple[float, int, str]]:
        hits = np.flatnonzero(self._ids[: self._n] == task)
        chunks = self._chunk_of[hits]
        return [
            (float(t), int(o), self._reasons[int(r)])
            for t, o, r in zip(
                self._times[chunks].tolist(),
                self._owners[hits].tolist(),
                self._reason_codes[chunks].tolist(),
                strict=True,
            )
        ]


_Grown = TypeVar("_Grown", bound=np.ndarray)

# LineageLog.keep_live: compact a log of at least this many entries (a few MB; small runs and
# the lessons keep every hop) ...
LINEAGE_COMPACT_FROM = 1 << 18
# ... to this many hops per live task at most (the first, ELIDED and the latest).
LINEAGE_HOPS_KEPT = 8
ELIDED = "earlier moves not kept"

# Forget finished rows only in runs of at least this many (a few pages of every column).
_FORGET_ROWS = 4096
_PAGE = mmap.PAGESIZE


def _madvise() -> Callable[[int, int, int], int] | None:
    """libc's madvise(addr, length, advice) where it gives pages back at once (Linux)."""
    if not sys.platform.startswith("linux") or not hasattr(mmap, "MADV_DONTNEED"):
        return None
    try:
        func = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return None
    func.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    func.restype = ctypes.c_int
    return cast("Callable[[int, int, int], int]", func)


_MADVISE = _madvise()

# glibc's mallopt option for the size above which a block gets its own mapping.
_M_MMAP_THRESHOLD = -3
_LARGE_BLOCK = 256 * 1024


def hand_back_large_blocks() -> bool:
    """Have every allocation above 256 KiB mapped on its own, so freeing it gives the memory
    back (glibc; elsewhere nothing happens). True if set.

    glibc raises that threshold by itself after the first large block is freed (up to 32 MiB),
    and from then on the ring's and the task table's replaced arrays (megabytes each, on every
    join and leave) come from the heap, whose holes it rarely returns: a long headless run's
    resident memory then grew by ~33 MB over 50,000 steps of the default lesson, against ~14 MB
    with the threshold fixed (the live members, and so the ring, growing in both). Headless runs
    (Core with the audit streamed) set it; the window does not.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _LARGE_BLOCK))


def _release(array: np.ndarray, start: int, end: int, zero_below: bool = False) -> None:
    """Zero rows [start, end) of ``array`` and give their whole pages back to the system
    (MADV_DONTNEED: a private page reads as zeros afterwards and takes no memory until written).
    Without madvise the rows are only zeroed.

    ``zero_below``: the rows before ``start`` read 0 already (forgotten earlier), so the page
    ``start`` falls in goes back whole too. Without it that page would be zeroed by hand and
    stay resident: forgetting in runs of a few thousand rows, one page per run and column
    stayed behind — an eighth of every float column a long run ever filled.
    """
    if end <= start:
        return
    base = array.ctypes.data
    first = -(-(base + start * array.itemsize) // _PAGE) * _PAGE
    if zero_below:
        whole = (base + start * array.itemsize) // _PAGE * _PAGE
        if whole >= base:  # the page lies inside the array
            first = whole
    last = (base + end * array.itemsize) // _PAGE * _PAGE
    if _MADVISE is None or last <= first or _MADVISE(first, last - first, mmap.MADV_DONTNEED):
        array[start:end] = 0
        return
    # The partial pages at either end are zeroed by hand.
    head = max(start, (first - base) // array.itemsize)
    tail = -(-(last - base) // array.itemsize)
    array[start:head] = 0
    array[tail:end] = 0


def distinct(values: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    """Sorted distinct values."""
    ordered = np.sort(values)
    keep = np.ones(ordered.size, dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    out: npt.NDArray[np.int32] = ordered[keep]
    return out


def _grown(array: _Grown, capacity: int) -> _Grown:
    out = np.zeros(capacity, dtype=array.dtype)
    out[: array.size] = array
    return out  # type: ignore[return-value]


_CHECKPOINT = struct.Struct("<qdd")  # task id, progress (h), checkpoint time (h)


def _builtin_sha256() -> Callable[[bytes], Any]:
    """CPython's own SHA-256 (``_sha2`` from 3.12, ``_sha256`` before), else hashlib's.

    The same digests as :func:`hashlib.sha256`; on a 24-byte checkpoint it is about a third
    faster than OpenSSL's, whose per-call set-up outweighs hashing so little (on a record's
    couple of hundred bytes OpenSSL is the faster one, so the audit keeps hashlib's)."""
    for name in ("_sha2", "_sha256"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        made: Callable[[bytes], Any] = module.sha256
        if made(b"phoenix").digest() == hashlib.sha256(b"phoenix").digest():
            return made
    return hashlib.sha256


_small_sha256 = _builtin_sha256()


def checkpoint_bytes(task: int, progress: float, time: float) -> bytes:
    """The serialised checkpoint (24 bytes, little-endian) whose SHA-256 travels with it."""
    return _CHECKPOINT.pack(task, progress, time)


def checkpoint_hash(task: int, progress: float, time: float) -> str:
    """SHA-256 hex digest of :func:`checkpoint_bytes` (what a transfer's arrival checks)."""
    return hashlib.sha256(checkpoint_bytes(task, progress, time)).hexdigest()


# The same 24-byte layout as _CHECKPOINT, as a numpy record: many checkpoints packed in one go.
_CHECKPOINT_ROW = np.dtype([("task", "<i8"), ("progress", "<f8"), ("time", "<f8")])


def checkpoint_hashes(
    tasks: npt.ArrayLike, progress: npt.ArrayLike, times: npt.ArrayLike
) -> list[str]:
    """:func:`checkpoint_hash` of each (task, progress, time): the checkpoints are packed
    together (the same bytes :func:`checkpoint_bytes` gives one by one), then hashed each."""
    rows = np.empty(np.shape(tasks), dtype=_CHECKPOINT_ROW)
    rows["task"] = tasks
    rows["progress"] = progress
    rows["time"] = times
    sha256 = hashlib.sha256
    # Each row's 24 bytes as one bytes object (a void view's tolist), hashed in turn.
    return [
        sha256(row).hexdigest() for row in rows.reshape(-1).view(f"V{_CHECKPOINT.size}").tolist()
    ]


def checkpoint_digests(
    tasks: npt.ArrayLike, progress: npt.ArrayLike, times: npt.ArrayLike
) -> npt.NDArray[np.uint8]:
    """The SHA-256 of each (task, progress, time)'s :func:`checkpoint_bytes`, as the rows of
    an ``(n, 32)`` byte array (:func:`checkpoint_hashes` gives the same digests in hex)."""
    rows = np.empty(np.shape(tasks), dtype=_CHECKPOINT_ROW)
    rows["task"] = tasks
    rows["progress"] = progress
    rows["time"] = times
    sha256 = _small_sha256
    raw = bytearray().join(
        [sha256(row).digest() for row in rows.reshape(-1).view(f"V{_CHECKPOINT.size}").tolist()]
    )
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, 32)  # writable: a bytearray's


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
