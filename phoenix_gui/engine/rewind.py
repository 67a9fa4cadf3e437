"""Rewind: any past step of a run, rebuilt from keyframes and deterministic replay.

:class:`RunHistory` follows a live :class:`~phoenix_gui.engine.simulation.Simulation`. It keeps
a *keyframe* (the whole run, frozen) every ``every`` steps and the user requests made between
steps (sliders, joins, retirements, crashes, submitted tasks). :meth:`RunHistory.at` rebuilds the
run at any step from the nearest keyframe at or before it, then steps forward, re-making the same
requests at the same step boundaries — the engine is deterministic, so the rebuilt run is the
one that happened, byte for byte. The live run is never touched: looking at the past and coming
back to "now" changes nothing.

Keyframes are dense (a jump replays at most ``every`` steps) and cheap, because a keyframe keeps
only what changed since the ones before it:

* The run is frozen with :mod:`pickle` (protocol 5) in memory, with its numpy arrays handed out
  of band: the object graph is a few hundred kB (compressed with zstd), and freezing or thawing
  a 10^4-task run takes milliseconds where the generic state graph (engine/state.py) takes tens
  to hundreds. The same ``__getstate__`` / ``__setstate__`` say what is state. These bytes never
  leave the process: nothing is written to disk or read from outside, so pickle's rule ("never
  unpickle what a stranger gave you") holds; state *files* keep the safe format of state.py.
* Each array is followed from keyframe to keyframe (by identity, or, for an array the engine
  made anew, by its place among the arrays and its type and size) and stored as a delta on its
  version before: the elements that changed, what was appended, or — for sorted arrays with
  rows put in or taken out in the middle (the ring's vnodes, the schedule) and their parallel
  arrays — a *shift* (rewind_shift.py). Only an array mostly new is stored whole. The pickled
  graph is cut into content-defined pieces, each stored once. The pieces the last jumps used
  stay decompressed in a small cache (:data:`HOT_BYTES`), with the arrays the last jump built,
  so a jump mostly thaws only what differs; so do the arrays stored whole (:data:`WHOLE_BYTES`).
  :meth:`RunHistory.rebuild` makes a jump in slices, a window's event loop running between them.

Capture: a keyframe is taken in two parts. First the run is pickled (its graph, a few hundred
kB, its arrays out of band: ~2 ms for a 10^5-task run); everything else — cuts, hashes, deltas,
compression, the budget — is the *store*, a pure function of those bytes and of the keyframes
before. With ``deferred=True`` the arrays are copied as they are (a memory copy, a few ms for a
10^5-task run: the run writes to them as it goes on) and the store is done later, a piece at a
time (the graph, then one array, …, then the keyframe put in place), by
:meth:`RunHistory.store_next` — a window calls it between passes of its event loop, so a
keyframe never holds the window up for the 40-200 ms a 10^5-task run's store takes. Pieces are
stored in the order taken, so the history holds exactly what it would have held stored at once;
whatever reads the history (and a keyframe due) first stores what is left.

Memory: when the history outgrows ``budget_bytes`` (which counts every byte it holds, caches
included) keyframes of the far past are dropped, in units whose versions nothing kept builds on,
so that dropping them frees their memory: the recent past keeps its ``every`` spacing (a jump
there costs one thaw plus at most ``every`` steps of replay), older stretches are kept at
LEVEL1 × ``every``, then FULL × ``every`` steps, then only their first keyframe (never the
first, the newest or a pinned one is dropped).
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast

import numpy as np
import zstandard

import phoenix_gui.engine.rewind_shift as rewind_shift
from phoenix_gui.engine.rewind_sparse import held, refill, sparse_copy

if TYPE_CHECKING:
    from phoenix_gui.engine.simulation import Simulation

# What a user can ask of a running simulation, as recorded for replay (Simulation method name).
REQUEST_KINDS = ("set_param", "request_join", "request_retire", "request_crash", "submit_task")
DEFAULT_BUDGET = 300_000_000  # bytes: the 300 MB issue 15 allows at 10^4 steps and tasks
DEFAULT_EVERY = 10
# An array's version at a keyframe is stored as the elements that changed since an older
# version of it (a sparse delta): since the previous keyframe, or every LEVEL1 keyframes since
# the previous such one; every FULL keyframes (and for an array seen for the first time) it is
# stored whole. Rebuilding an array applies at most 2 × (LEVEL1 − 1) + 1 deltas to a whole copy.
LEVEL1 = 16
FULL = LEVEL1 * LEVEL1
# Python's own memory around the stored bytes, counted in nbytes: a version (its tuple, its
# base's holder, its parts' bytes headers, its entry in the holds), a piece (its key, its bytes
# header, two dict entries), a piece's key in a keyframe (a bytes object and the tuple's slot),
# a request.
VERSION_OVERHEAD = 320
PIECE_OVERHEAD = 260
KEY_OVERHEAD = 72
REQUEST_OVERHEAD = 400
HOT_BYTES = 32 << 20  # decompressed pieces and the last built arrays (counted in nbytes)
# Arrays stored whole (every FULL keyframes, a few hundred of them at 10^4 tasks: ~8 MB) are
# what a jump spends most of its thaw decompressing, for any keyframe of their block: the last
# ones used are kept decompressed too, in this many bytes (a 10^4-step run at 10^4 tasks has
# four such blocks). Counted in nbytes, and dropped first when the history outgrows its budget.
WHOLE_BYTES = 32 << 20
# zstd rather than zlib: as small (≈ 216 MB of payloads against 223 at 10^4 steps and tasks),
# three times as fast to decompress (the restore part of a jump) and six times as fast to
# compress (every keyframe the live run takes).
ZSTD_LEVEL = 1
_COMPRESS = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress
_DECOMPRESS = zstandard.ZstdDecompressor().decompress
PACK_FROM = 1024  # bytes: shorter payloads are kept uncompressed
# Compressed to more than this share of its size, a payload is kept as it is (costs ≤ 1/9 more
# memory on it; decompressing those is the slowest part of a jump's restore).
KEEP_RAW_ABOVE = (9, 10)
# An array made anew continues the lineage of an array gone since, of its type and about its
# size, found this many places either side of where it stood in the last keyframe.
SEARCH = 16
DENSE = 4  # a delta touching more than 1/DENSE of an array is stored whole instead
# Content-defined cuts of the pickled graph (a rolling sum of random byte weights over WINDOW
# bytes): an insertion moves the cuts near it only, so unchanged parts keep their pieces.
WINDOW = 48
CUT_MASK = 0x3FF  # about one cut per kB …
MIN_PIECE = 512  # … but no piece under this
_WEIGHTS = (
    np.random.default_rng(20_261_202).integers(0, 1 << 32, 256, dtype=np.uint64).astype(np.uint32)
)


@dataclass(frozen=True)
class Request:
    """One user request, made after ``step`` steps had run (applied at the next step)."""

    step: int
    kind: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


# A version of one array at a keyframe: whole (no base) or a delta on its base, stored as a plain
# tuple read with these indices, its payload's packed parts last (one part whole, three for a
# delta, five for a shift: ``version[PAYLOAD:]``). The cyclic collector untracks an exact tuple
# all of whose items it does not follow (bytes, ints, a dtype, untracked tuples) at the first
# collection that sees it, so the history's tens of thousands of versions cost a collection
# nothing (an object with slots holding references is walked by every collection that sees
# it: at 10^4 steps and tasks, 60k of them made half of a ~120 ms full one). Two things would
# keep a version tracked for many collections, so neither is an item of the tuple itself:
# - its base: a collection untracks a tuple only once its items are untracked, and it sees the
#   versions of a chain of deltas newest first (it reaches each base through the one built on
#   it), so one link per collection would be untracked, and a new version on a tracked base
#   stays tracked. The base is held in a numpy object array of one element (:func:`_link`),
#   which the collector does not follow nor track (nothing here makes a cycle: a base is older
#   than what builds on it);
# - its parts as a tuple of their own: the same, one level down.
BASE: Final = 0  # the version it is a delta on, in its holder (None: stored whole; _base)
DEPTH: Final = 1  # deltas between it and a version stored whole
LENGTH: Final = 2  # the array's bytes
RECORD: Final = 3  # bytes per row when stored as a shift of its base (rewind_shift), else 0
SIZE: Final = 4  # bytes of the payload
UNCHANGED: Final = 5  # a delta that changes nothing (its base is kept instead)
VIEW: Final = 6  # the elements' type (the delta's values)
PAYLOAD: Final = 7  # where the payload's parts start
_Version: TypeAlias = tuple[
    "np.ndarray | None", int, int, int, int, bool, "np.dtype[Any]", bytes, *tuple[bytes, ...]
]


def _link(base: _Version | None) -> np.ndarray | None:
    """``base`` held where the cyclic collector does not look (see BASE)."""
    if base is None:
        return None
    holder = np.empty((), dtype=object)
    holder[()] = base
    return holder


def _base(version: _Version) -> _Version | None:
    """The version ``version`` is a delta on (None: stored whole)."""
    holder = version[BASE]
    return None if holder is None else cast("_Version", holder[()])


def _make(
    now: np.ndarray,
    base: _Version | None,
    prev: np.ndarray | None,
    record: int = 0,
    shifts: dict[tuple[int, int], rewind_shift.Shift] | None = None,
) -> _Version:
    """One array as it is at a keyframe: whole (``base`` None), or a delta on ``base``.

    Arrays are handled as the flat buffers pickle hands out (``now``: its bytes seen as
    elements of the same size, ``prev``: the base's bytes, seen alike)."""
    if base is None or prev is None:
        return _make_whole(now)
    # What changed in the part both have, and what was appended (arrays that grow).
    common = min(now.size, prev.size)
    where = np.flatnonzero(now[:common] != prev[:common]).astype(np.int64)
    if where.size * DENSE > common:
        shifted = _shifted(now, prev, record, shifts)
        if shifted is None:
            return _make_whole(now)  # mostly new (made anew): whole is smaller
        return _sealed(base, base[DEPTH] + 1, now, shifted, record, False)
    payload = (
        _pack(where.tobytes()),
        _pack(now[where].tobytes()),
        _pack(now[common:].tobytes()),
    )
    unchanged = where.size == 0 and now.size == prev.size
    return _sealed(base, base[DEPTH] + 1, now, payload, 0, unchanged)


def _make_whole(now: np.ndarray) -> _Version:
    return _sealed(None, 0, now, (_pack(now.tobytes()),), 0, False)


def _sealed(
    base: _Version | None,
    depth: int,
    now: np.ndarray,
    payload: tuple[bytes, ...],
    record: int,
    unchanged: bool,
) -> _Version:
    size = sum(len(p) for p in payload)
    return (
        _link(base),
        depth,
        now.nbytes,
        record,
        size,
        bool(unchanged),
        now.dtype,
        payload[0],
        *payload[1:],
    )


def _shifted(
    now: np.ndarray,
    prev: np.ndarray,
    record: int,
    shifts: dict[tuple[int, int], rewind_shift.Shift] | None,
) -> tuple[bytes, ...] | None:
    """The payload of ``now`` stored as a shift of ``prev``'s rows of ``record`` bytes (rows
    dropped, rows put in, rows it does not explain) when that is small (else None): the shift
    found on an array of the same lengths in this keyframe (``shifts``), else one found on
    this array."""
    old, new = rewind_shift.rows(prev, record), rewind_shift.rows(now, record)
    if shifts is None or old is None or new is None:
        return None
    key = (old.shape[0], new.shape[0])
    for found_here in (False, True):
        shift = rewind_shift.find(old, new) if found_here else shifts.get(key)
        if shift is None:
            continue
        fixed = rewind_shift.fixes(old, new, shift)
        if (shift.dropped.size + shift.inserted.size + fixed.size) * DENSE > len(new):
            continue
        shifts.setdefault(key, shift)
        return tuple(
            _pack(part.tobytes())
            for part in (shift.dropped, shift.inserted, new[shift.inserted], fixed, new[fixed])
        )
    return None


def _build(
    version: _Version,
    built: dict[int, tuple[_Version, bytes]] | None = None,
    whole: Callable[[_Version], bytes] | None = None,
) -> bytearray:
    """The array's bytes at ``version`` (a fresh, writable buffer); ``built``: versions
    already built, by id (this one, or one it builds on, is then taken from there);
    ``whole``: a version stored whole's bytes (from a cache), instead of unpacking them."""
    if built is not None and id(version) in built:
        return bytearray(built[id(version)][1])
    base, record = _base(version), version[RECORD]
    payload: tuple[bytes, ...] = version[PAYLOAD:]
    if base is None:
        return bytearray(_unpack(payload[0]) if whole is None else whole(version))
    out = _build(base, built, whole)
    if record:
        parts = [_unpack(p) for p in payload]
        old = np.frombuffer(out, dtype=np.uint8).reshape(-1, record)
        dropped, inserted, fixed = (np.frombuffer(parts[i], np.int64) for i in (0, 1, 3))
        put, fixes = (np.frombuffer(parts[i], np.uint8).reshape(-1, old.shape[1]) for i in (2, 4))
        made = rewind_shift.apply(old, dropped, inserted, put)
        made[fixed] = fixes
        return bytearray(made.tobytes())
    tail = _unpack(payload[2])
    common = version[LENGTH] - len(tail)
    del out[common:]  # the base may be longer than this version …
    where = np.frombuffer(_unpack(payload[0]), dtype=np.int64)
    values = np.frombuffer(_unpack(payload[1]), dtype=version[VIEW])
    np.frombuffer(out, dtype=version[VIEW])[where] = values
    out += tail  # … or shorter: what was appended since
    return out


class _Lineage:
    """One live array followed from keyframe to keyframe: its last stored version and bytes."""

    __slots__ = ("anchor", "anchor_copy", "anchor_span", "array", "copy", "last", "span")

    def __init__(self, array: Any, now: np.ndarray) -> None:
        self.array = array  # held, so its id() stays this array's
        # Its bytes at the last keyframe; copies hold memory only for their span, the zeros
        # either side (a forgetful task table's forgotten rows, spare room) take none
        # (rewind_sparse).
        self.copy, self.span = sparse_copy(now)
        self.last: _Version | None = None
        self.anchor: _Version | None = None  # the version LEVEL1 deltas are taken against
        self.anchor_copy: np.ndarray | None = None
        self.anchor_span = (0, 0)

    def anchor_at(self, version: _Version, now: np.ndarray) -> None:
        """``version`` (whose bytes are ``now``) is the anchor from here on."""
        self.anchor = version
        self.anchor_copy, self.anchor_span = sparse_copy(now)

    def held(self) -> int:
        """Bytes of the copies in memory (their zeros either side take none)."""
        out = held(self.span, self.copy.itemsize)
        if self.anchor_copy is not None:
            out += held(self.anchor_span, self.anchor_copy.itemsize)
        return out


@dataclass(frozen=True)
class _Capture:
    """A keyframe as taken on the caller's thread, before it is stored (see "Capture")."""

    step: int
    pin: bool
    graph: bytes  # the pickled graph, its arrays left out of band
    data: tuple[np.ndarray, ...]  # each out-of-band array's bytes (uint8), copied or viewed
    owners: tuple[Any, ...]  # the live arrays they came from (followed by identity)


@dataclass(frozen=True)
class _Keyframe:
    pieces: tuple[bytes, ...]  # content keys of the pickled graph's pieces, in order
    arrays: tuple[_Version, ...]  # the out-of-band arrays, in the pickle's order
    number: int = 0  # keyframes taken before it (its place in the LEVEL1 / FULL rhythm)


def _elements(raw: memoryview | np.ndarray, like: np.dtype[Any] | None = None) -> np.ndarray:
    """A pickle buffer's bytes as a flat array of unsigned elements (of 8, 4, 2 or 1 bytes:
    ``like``'s if it divides the length, else the largest that does), to compare and patch
    element by element."""
    kinds = [np.dtype(k) for k in (np.uint64, np.uint32, np.uint16, np.uint8)]
    for kind in [like] if like is not None and raw.nbytes % like.itemsize == 0 else kinds:
        if raw.nbytes % kind.itemsize == 0:
            return np.frombuffer(raw, dtype=kind)
    return np.frombuffer(raw, dtype=np.uint8)


def _flat(data: bytearray) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.uint8)


def _pack(data: bytes) -> bytes:
    """``data`` compressed (first byte 1), or as it is (first byte 0) when short or when
    compressing saves little (random floats): a jump then makes far fewer calls to decompress,
    and none on the payloads where decompressing is slowest."""
    if len(data) < PACK_FROM:
        return b"\x00" + data
    packed = _COMPRESS(data)
    if len(packed) * KEEP_RAW_ABOVE[1] > len(data) * KEEP_RAW_ABOVE[0]:
        return b"\x00" + data
    return b"\x01" + packed


def _unpack(packed: bytes) -> bytes:
    return _DECOMPRESS(packed[1:]) if packed[:1] == b"\x01" else packed[1:]


def _cuts(data: bytes) -> list[int]:
    """Content-defined cut positions of ``data`` (see WINDOW)."""
    if len(data) <= WINDOW:
        return []
    summed = np.cumsum(_WEIGHTS[np.frombuffer(data, dtype=np.uint8)], dtype=np.uint32)
    rolling = (summed[WINDOW:] - summed[:-WINDOW]) * np.uint32(2_246_822_519)
    candidates = np.flatnonzero(((rolling >> np.uint32(16)) & np.uint32(CUT_MASK)) == 0) + WINDOW
    cuts, last = [], 0
    for cut in candidates.tolist():
        if cut - last >= MIN_PIECE:
            cuts.append(cut)
            last = cut
    return cuts


def copy_run(sim: Simulation, audit_sink: Any = None) -> Simulation:
    """A copy of ``sim`` that goes on alone: what ``Simulation.restore(sim.checkpoint(),
    audit_sink)`` gives (the same ``__getstate__`` / ``__setstate__`` say what is state; the
    audit chain goes on from its head), made as a keyframe is frozen and thawed — pickled in
    memory, its arrays out of band and copied — in ~10 ms at 10^4 tasks where the generic
    state graph takes 60-150 ms ("Branch here" on the window's thread)."""
    from phoenix_gui.engine.simulation import Simulation

    buffers: list[pickle.PickleBuffer] = []
    graph = pickle.dumps(sim, protocol=5, buffer_callback=buffers.append)
    twin = pickle.loads(graph, buffers=[bytearray(buffer.raw()) for buffer in buffers])
    if not isinstance(twin, Simulation):
        raise TypeError("copy_run: not a Simulation")
    twin.audit.resume(audit_sink)
    return twin


class Rebuild:
    """A jump under way (:meth:`RunHistory.rebuild`): ``step`` is where it goes."""

    def __init__(self, step: int, slices: Iterator[Simulation | None]) -> None:
        self.step = step
        self._slices = slices
        self.result: Simulation | None = None  # the moment, once every slice is made

    @property
    def done(self) -> bool:
        return self.result is not None

    def advance(self) -> bool:
        """Make the next slice; True once the moment is rebuilt (:attr:`result`)."""
        if self.result is None:
            # The cyclic collector would run (and walk the whole heap, a window's too)
            # several times while the run's 10^5 objects are made; none of them is garbage.
            with _collector_paused():
                self.result = next(self._slices)
        return self.result is not None

    def finish(self) -> Simulation:
        """Make every slice left, at once; the moment."""
        with _collector_paused():
            while not self.advance():
                pass
        assert self.result is not None
        return self.result


@contextmanager
def _collector_paused() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class RunHistory:
    """Keyframes and requests of one run, so that any of its steps can be rebuilt."""

    def __init__(
        self,
        sim: Simulation,
        every: int = DEFAULT_EVERY,
        budget_bytes: int = DEFAULT_BUDGET,
        deferred: bool = False,
    ) -> None:
        if every < 1:
            raise ValueError("every: must be ≥ 1")
        self.every = every
        self.budget_bytes = budget_bytes
        self.start = sim.step_index
        # Keyframes fall every ``every`` steps from here, even once the far past is forgotten
        # (``start`` moves on, maybe to a pinned, unaligned step).
        self._origin = sim.step_index
        self.latest = sim.step_index
        self.requests: list[Request] = []
        self._keyframes: dict[int, _Keyframe] = {}
        self._pieces: dict[bytes, bytes] = {}  # content key → compressed piece of a graph
        self._piece_refs: dict[bytes, int] = {}
        self._holds: dict[int, int] = {}  # id(version) → keyframes and versions built on it
        self._lineages: dict[int, _Lineage] = {}  # id(live array) → its lineage
        self._slots: list[_Lineage] = []  # the lineages in the last keyframe's pickle order
        self._slot_of: dict[int, int] = {}  # id(lineage) → its place in _slots
        self._offset = 0
        self._stored = 0  # bytes of pieces and versions held
        self._hot: OrderedDict[bytes, bytes] = OrderedDict()  # decompressed, most recent last
        self._hot_bytes = 0
        # Whole versions' bytes, decompressed (id(version) → the version, held so its id stays
        # its own, and its bytes), most recently used last (see WHOLE_BYTES).
        self._wholes: OrderedDict[int, tuple[_Version, bytes]] = OrderedDict()
        self._wholes_bytes = 0
        # The arrays of the last keyframe thawed, as built (id(version) → the version, held so
        # its id stays its own, and its bytes): the next jump, most often to a keyframe near
        # it (a drag), shares most versions or their bases and builds only what differs.
        self._built: dict[int, tuple[_Version, bytes]] = {}
        self._built_bytes = 0
        self._pinned: set[int] = set()
        # Keyframes taken, not yet stored (``deferred``): their stores, oldest first.
        self.deferred = deferred
        self._pending: list[Iterator[None]] = []
        self._in_store = False
        self._taken = 0  # keyframes stored so far: every array's versions keep one rhythm
        self._floor = 0  # bytes held right after the last start over (see _fit)
        self._keyframe(sim)

    # -- recording ----------------------------------------------------------------------------

    def request(self, sim: Simulation, kind: str, *args: Any, **kwargs: Any) -> None:
        """Make a request of the live ``sim`` and remember it for replay."""
        if kind not in REQUEST_KINDS:
            raise ValueError(f"request: unknown kind {kind!r}")
        getattr(sim, kind)(*args, **kwargs)
        self.requests.append(Request(sim.step_index, kind, args, tuple(sorted(kwargs.items()))))

    def stepped(self, sim: Simulation, pin: bool = False) -> None:
        """Tell the history the live run has completed a step (call after every step, before
        the requests made at this boundary). ``pin``: the step cannot be replayed by stepping
        (it was cut short), so a keyframe is kept right after it, never thinned away."""
        self.latest = sim.step_index
        if pin or self._due(sim.step_index):
            self._keyframe(sim, pin)

    def _due(self, step: int) -> bool:
        """Whether a keyframe is due after ``step``. A store still running may drop keyframes
        of the far past but never changes the spacing or moves a due step: a step not due now
        is not due after it either, and for one due now the stores are waited for, so the
        keyframes are where they would be stored at once."""
        if (step - self._origin) % self.every:
            return False
        self._settle()
        return True

    @property
    def storing(self) -> bool:
        """Keyframes are taken and not yet stored (``deferred``): :meth:`store_next` has work."""
        return bool(self._pending)

    def store_next(self) -> bool:
        """Store the next piece of the keyframes taken (``deferred``): a graph, one array, or
        a keyframe put in place. True when nothing is left to store."""
        self._in_store = True  # (a store reads the history too, e.g. its size)
        try:
            while self._pending:
                if next(self._pending[0], True) is None:
                    return False
                self._pending.pop(0)
        finally:
            self._in_store = False
        return True

    def _settle(self) -> None:
        """Store now what is left of the keyframes taken (before the history is read)."""
        while not self._in_store and not self.store_next():
            pass

    def _keyframe(self, sim: Simulation, pin: bool = False) -> None:
        """Take a keyframe of ``sim`` now; store it now, or later (``deferred``)."""
        buffers: list[pickle.PickleBuffer] = []
        graph = pickle.dumps(sim, protocol=5, buffer_callback=buffers.append)
        raws = [buffer.raw() for buffer in buffers]
        # Stored later, the arrays are copied now (the run writes to them as it goes on).
        # (Only their spans: a forgetful task table's forgotten rows take no memory, rewind_sparse.)
        data = tuple(
            sparse_copy(np.frombuffer(raw, np.uint8))[0]
            if self.deferred
            else np.frombuffer(raw, np.uint8)
            for raw in raws
        )
        capture = _Capture(sim.step_index, pin, graph, data, tuple(raw.obj for raw in raws))
        self._pending.append(self._store(capture))
        if not self.deferred:
            self._settle()

    def _store(self, capture: _Capture) -> Iterator[None]:
        """Store a keyframe taken (see "Capture"): its graph's pieces, its arrays' versions.
        Yields between pieces (:meth:`store_next`)."""
        graph = capture.graph
        if capture.pin:
            self._pinned.add(capture.step)
        pieces = []
        last = 0
        for cut in [*_cuts(graph), len(graph)]:
            piece = graph[last:cut]
            last = cut
            key = hashlib.blake2b(piece, digest_size=16).digest()
            if key not in self._pieces:
                packed = _COMPRESS(piece)
                self._pieces[key] = packed
                self._piece_refs[key] = 0
                self._stored += len(packed)
            self._piece_refs[key] += 1
            pieces.append(key)
        yield
        lineages: dict[int, _Lineage] = {}
        versions = []
        slots = []
        owners = capture.owners
        present = {id(owner) for owner in owners}
        shifts: dict[tuple[int, int], rewind_shift.Shift] = {}  # found in this keyframe
        self._slot_of = {id(lineage): place for place, lineage in enumerate(self._slots)}
        self._offset = 0  # place in the last keyframe − place in this one (see _version)
        for slot, (raw, owner) in enumerate(zip(capture.data, owners, strict=True)):
            versions.append(self._version(raw, owner, slot, lineages, present, shifts))
            slots.append(lineages[id(owners[slot])])
            yield
        self._lineages = lineages  # arrays gone from the run are let go
        self._slots = slots
        for version in versions:
            self._hold(version)
        old = self._keyframes.pop(capture.step, None)
        self._keyframes[capture.step] = _Keyframe(tuple(pieces), tuple(versions), self._taken)
        self._taken += 1
        if old is not None:
            self._release(old)
        self._fit()

    def _version(
        self,
        raw: np.ndarray,
        owner: Any,
        slot: int,
        lineages: dict[int, _Lineage],
        present: set[int],
        shifts: dict[tuple[int, int], rewind_shift.Shift],
    ) -> _Version:
        """This keyframe's version of one out-of-band array, ``raw`` its bytes when taken and
        ``owner`` the live array (followed by identity from keyframe to keyframe); shared with
        the last version when it did not change."""
        lineage = self._lineages.get(id(owner))
        if lineage is not None and lineage.array is owner:
            self._offset = self._slot_of.get(id(lineage), slot) - slot
        else:
            # An array made anew since (the engine replaces some every step): the array in the
            # same place of the last keyframe is most likely its predecessor — counted from the
            # last array both keyframes share (arrays before it may have come or gone, e.g. a
            # member's tokens), else from the start. (Only one gone from the run, of the same
            # type: else it is still its own lineage.)
            lineage = None
            near = slot + self._offset
            best: tuple[float, int, int] | None = None  # (size mismatch, distance, place)
            for place in {slot, *range(near - SEARCH, near + SEARCH + 1)}:
                before = self._slots[place] if 0 <= place < len(self._slots) else None
                if (
                    before is not None
                    and id(before.array) not in present
                    and getattr(before.array, "dtype", None) == getattr(owner, "dtype", None)
                ):
                    sizes = sorted((before.copy.nbytes, raw.nbytes))
                    mismatch = (sizes[1] - sizes[0]) / max(sizes[1], 1)
                    if mismatch <= 0.5:  # not an array of another size
                        best = min(best or (2.0, 0, 0), (mismatch, abs(place - near), place))
            if best is not None:
                lineage = self._slots[best[2]]
                present.add(id(lineage.array))  # taken: no other array continues it
                lineage.array = owner
                self._offset = best[2] - slot
        now = _elements(raw, None if lineage is None else lineage.copy.dtype)
        if lineage is None or lineage.copy.dtype != now.dtype:
            lineage = _Lineage(owner, now)
        lineages[id(owner)] = lineage
        count = self._taken  # the same for every array: a version's level is its keyframe's
        record = owner.dtype.itemsize if isinstance(owner, np.ndarray) else 0
        last = lineage.last
        if last is None or count % FULL == 0:
            version = _make(now, None, None)
            lineage.anchor_at(version, now)
        elif count % LEVEL1 == 0:
            assert lineage.anchor is not None and lineage.anchor_copy is not None
            version = _make(now, lineage.anchor, lineage.anchor_copy, record, shifts)
            if version[UNCHANGED]:
                version = lineage.anchor
            else:
                lineage.anchor_at(version, now)
        else:
            version = _make(now, last, lineage.copy, record, shifts)
            if version[UNCHANGED]:
                version = last
        if version is not last:
            if lineage.copy.size == now.size:
                lineage.span = refill(lineage.copy, lineage.span, now)
            else:
                lineage.copy, lineage.span = sparse_copy(now)
        lineage.last = version
        return version

    def _hold(self, version: _Version) -> None:
        key = id(version)
        held = self._holds.get(key, 0)
        self._holds[key] = held + 1
        if held == 0:
            self._stored += version[SIZE]
            base = _base(version)
            if base is not None:
                self._hold(base)

    def _let_go(self, version: _Version | None) -> None:
        while version is not None:
            key = id(version)
            self._holds[key] -= 1
            if self._holds[key]:
                return
            del self._holds[key]
            self._stored -= version[SIZE]
            version = _base(version)

    # -- keeping to the budget ----------------------------------------------------------------

    def _fit(self) -> None:
        """Bring the history under its budget: the caches go first, then keyframes of the far
        past (:meth:`_oldest_unit`), and when nothing is left to drop, :meth:`_start_over`."""
        if self.nbytes() <= self.budget_bytes:
            return
        self._cool(0)
        while self.nbytes() > self.budget_bytes:
            unit = self._oldest_unit()
            if not unit:
                # Starting over is costly: not again until it would free a fair share.
                if self.nbytes() > max(self.budget_bytes, self._floor) + self.budget_bytes // 8:
                    self._start_over()
                    first = min(self._keyframes)
                    if self.nbytes() > self.budget_bytes and len(self._keyframes) > 1:
                        self._drop([first])  # stored whole: nothing builds on it
                    self._floor = self.nbytes()
                return
            self._drop(unit)

    def _drop(self, steps: list[int]) -> None:
        for step in steps:
            self._release(self._keyframes.pop(step))
            self._pinned.discard(step)
        if self.start not in self._keyframes:  # the far past is forgotten
            self.start = min(self._keyframes)
            self.requests = [r for r in self.requests if r.step >= self.start]

    def _oldest_unit(self) -> list[int]:
        """The oldest keyframes whose dropping frees their memory (nothing kept builds on
        their versions), coarsest last; never the first, the newest or a pinned one.

        A version is a delta on the one before it, except every LEVEL1-th keyframe's (on the
        LEVEL1-th before it) and every FULL-th's (whole). So, oldest first: the keyframes
        between two LEVEL1-th ones (a group of LEVEL1, except the newest two groups: recent
        steps keep their ``every`` spacing); then the LEVEL1-th ones of a block of FULL whose
        groups are thinned already (not the newest block); then the oldest FULL-th one
        standing alone in its block. A jump into the far past then replays up to LEVEL1 ×
        ``every`` steps, then FULL × ``every``, then from the keyframe before."""
        frames = sorted(self._keyframes.items())
        now = frames[-1][1].number
        gone = {frames[0][0], frames[-1][0], *self._pinned}
        numbers = {step: frame.number for step, frame in frames if step not in gone}
        for span, newest_kept in ((LEVEL1, now // LEVEL1 - 1), (FULL, now // FULL)):
            finer = span // LEVEL1
            groups: dict[int, list[int]] = {}
            for step, n in numbers.items():
                groups.setdefault(n // span, []).append(step)
            for group in sorted(g for g in groups if g < newest_kept):
                steps = groups[group]
                if finer > 1 and any(numbers[s] % finer for s in steps):
                    continue  # its finer keyframes still build on these
                unit = [s for s in steps if numbers[s] % span]
                if unit:
                    return unit
        # Then a keyframe standing alone in a block of FULL older than the newest block: the
        # oldest such one, the first keyframe last (the run's far past is forgotten then).
        blocks: dict[int, list[int]] = {}
        for step, frame in frames[:-1]:
            blocks.setdefault(frame.number // FULL, []).append(step)
        lone = [s[0] for b, s in sorted(blocks.items()) if b < now // FULL and len(s) == 1]
        for step in [s for s in lone if s != frames[0][0] and s not in self._pinned] + lone:
            if step == frames[0][0] and len(frames) > 2:
                return [step]
            if step != frames[0][0] and step not in self._pinned:
                return [step]
        return []

    def _start_over(self) -> None:
        """Nothing is left to drop and the history is still over its budget (a budget too
        tight for the recent keyframes): keep only the first, the newest and the pinned
        keyframes, each stored whole, and let the arrays' next versions build on the newest."""
        steps = sorted(self._keyframes)
        newest = steps[-1]
        keep = {steps[0], newest, *self._pinned}
        for step in steps:
            frame = self._keyframes.pop(step)
            if step in keep:
                whole = tuple(_make_whole(_flat(_build(v))) for v in frame.arrays)
                for version in whole:
                    self._hold(version)
                self._keyframes[step] = _Keyframe(frame.pieces, whole, frame.number)
                self._hold_pieces(frame.pieces)
            self._release(frame)
        for lineage, version in zip(self._slots, self._keyframes[newest].arrays, strict=True):
            lineage.last = version
            lineage.anchor_at(version, lineage.copy)
        self._cool(0)

    def _hold_pieces(self, pieces: tuple[bytes, ...]) -> None:
        for key in pieces:
            self._piece_refs[key] += 1

    def _release(self, frame: _Keyframe) -> None:
        for key in frame.pieces:
            self._piece_refs[key] -= 1
            if self._piece_refs[key] == 0:
                del self._piece_refs[key]
                self._stored -= len(self._pieces.pop(key))
                hot = self._hot.pop(key, None)
                if hot is not None:
                    self._hot_bytes -= len(hot)
        for version in frame.arrays:
            self._let_go(version)

    # -- looking back -------------------------------------------------------------------------

    def keyframe_steps(self) -> list[int]:
        self._settle()
        return sorted(self._keyframes)

    def nbytes(self) -> int:
        """Memory held: graph pieces and array versions, the live arrays' last copies (what the
        next keyframe is compared with), the caches (decompressed pieces, the last jump's
        arrays) and the Python objects around them all."""
        self._settle()
        copies = sum(lin.held() for lin in self._lineages.values())
        keys = sum(len(frame.pieces) for frame in self._keyframes.values())
        overhead = (
            len(self._holds) * VERSION_OVERHEAD
            + len(self._pieces) * PIECE_OVERHEAD
            + (keys + len(self._hot)) * KEY_OVERHEAD
            + len(self.requests) * REQUEST_OVERHEAD
        )
        caches = self._hot_bytes + self._built_bytes + self._wholes_bytes
        return self._stored + copies + caches + overhead

    def at(self, step: int, near: Simulation | None = None) -> Simulation:
        """A fresh simulation standing exactly at ``step`` (start ≤ step ≤ latest), rebuilt
        from the nearest keyframe and replayed; requests made after ``step`` are not applied.
        The caller owns it (it shares nothing with the live run or the history).

        ``near``: a simulation of this run the caller gives up (e.g. the moment on screen,
        itself from :meth:`at`). When it stands between the nearest keyframe and ``step``, or
        at most ``every`` steps before that keyframe (a drag forward), it is stepped on to
        ``step`` and returned instead of a thaw: at most ``every`` more steps are replayed
        (≈ 3 ms each at 10^4 tasks) where a thaw takes 40-110 ms."""
        return self.rebuild(step, near).finish()

    def rebuild(self, step: int, near: Simulation | None = None) -> Rebuild:
        """:meth:`at` cut into slices, made one at a time by :meth:`Rebuild.advance` (a window
        calls it between passes of its event loop: a far jump never holds it up in one piece).
        The slices: what is left to store of the keyframes taken (a piece each), the keyframe's
        graph, each of its arrays, the thaw, each replayed step."""
        if not self.start <= step <= self.latest:
            raise ValueError(f"step: must be in [{self.start}, {self.latest}], got {step}")
        return Rebuild(step, self._rebuilding(step, near))

    def _rebuilding(self, step: int, near: Simulation | None) -> Iterator[Simulation | None]:
        """Yields None between slices, then the simulation at ``step``. The requests are read
        when the replay starts: the history is read-only meanwhile (the live run waits while
        its past is looked at), and the keyframe and versions used are held by this jump."""
        while not self.store_next():
            yield None
        base = max(s for s in self._keyframes if s <= step)
        if near is not None and not max(self.start, base - self.every) <= near.step_index <= step:
            near = None
        sim = near if near is not None else (yield from self._thawing(self._keyframes[base]))
        begin = sim.step_index
        pending = [r for r in self.requests if begin <= r.step < step]
        for current in range(begin, step):
            yield None
            for req in pending:
                if req.step == current:
                    getattr(sim, req.kind)(*req.args, **dict(req.kwargs))
            sim.step()
        yield sim

    def _thawing(self, frame: _Keyframe) -> Generator[None, None, Simulation]:
        """The keyframe thawed, in slices (yields None between them; returns the run)."""
        from phoenix_gui.engine.simulation import Simulation

        graph = b"".join(self._piece(key) for key in frame.pieces)
        # An array the last jump built is copied once (the run will write to it); one built
        # now is kept as it was built, before the run sees it.
        built: dict[int, tuple[_Version, bytes]] = {}
        buffers = []
        last = self._built  # (read once: a store between slices may empty the cache)
        for version in frame.arrays:
            kept = last.get(id(version))
            if kept is None:
                yield None
                buffer = _build(version, last, self._whole)
                kept = (version, bytes(buffer))
            else:
                buffer = bytearray(kept[1])
            built[id(version)] = kept
            buffers.append(buffer)
        yield None
        self._built = built
        self._built_bytes = sum(len(b) for b in buffers)
        # What the history holds besides the caches, counted once (not once per piece).
        room = self.budget_bytes - (self.nbytes() - self._hot_bytes - self._built_bytes)
        room -= self._wholes_bytes
        self._cool(max(0, min(HOT_BYTES, room)), max(0, min(WHOLE_BYTES, room - HOT_BYTES)))
        sim = pickle.loads(graph, buffers=buffers)
        if not isinstance(sim, Simulation):
            raise TypeError("keyframe: not a Simulation")
        sim.audit.resume(None)
        return sim

    def _piece(self, key: bytes) -> bytes:
        hot = self._hot.get(key)
        if hot is not None:
            self._hot.move_to_end(key)
            return hot
        piece = _DECOMPRESS(self._pieces[key])
        self._hot[key] = piece
        self._hot_bytes += len(piece)
        return piece

    def _whole(self, version: _Version) -> bytes:
        """A version stored whole: its bytes, decompressed once while they stay in use."""
        kept = self._wholes.get(id(version))
        if kept is not None:
            self._wholes.move_to_end(id(version))
            return kept[1]
        data = _unpack(version[PAYLOAD])
        if version[PAYLOAD][:1] == b"\x01":  # (one stored as it is costs no unpacking)
            self._wholes[id(version)] = (version, data)
            self._wholes_bytes += len(data)
        return data

    def _cool(self, limit: int, wholes: int = 0) -> None:
        """Keep the caches under ``limit`` bytes, whole versions' bytes under ``wholes``:
        forget the least recently used of those, then decompressed pieces, then (if that is
        not enough) the last thaw's arrays."""
        while self._wholes_bytes > wholes:
            _id, (_version, whole) = self._wholes.popitem(last=False)
            self._wholes_bytes -= len(whole)
        while self._hot_bytes + self._built_bytes > limit and self._hot:
            _key, piece = self._hot.popitem(last=False)
            self._hot_bytes -= len(piece)
        if self._built_bytes > limit:
            self._built, self._built_bytes = {}, 0

    def truncate(self, step: int) -> None:
        """Forget everything after ``step`` (the run goes on from there another way)."""
        self._settle()
        for s in [s for s in self._keyframes if s > step]:
            self._release(self._keyframes.pop(s))
            self._pinned.discard(s)
        self.requests = [r for r in self.requests if r.step < step]
        self.latest = min(self.latest, step)
        self._lineages, self._slots = {}, []  # the next keyframe starts every array afresh
