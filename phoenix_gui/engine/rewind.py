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
  of band: the object graph is a few hundred kB (compressed with zlib), and freezing or thawing
  a 10^4-task run takes milliseconds where the generic state graph (engine/state.py) takes tens
  to hundreds. The same ``__getstate__`` / ``__setstate__`` say what is state. These bytes never
  leave the process: nothing is written to disk or read from outside, so pickle's rule ("never
  unpickle what a stranger gave you") holds; state *files* keep the safe format of state.py.
* The arrays are cut into chunks of :data:`CHUNK_BYTES`, each stored once by content (BLAKE2b),
  compressed; a chunk no keyframe uses any more is freed. Most of a run's arrays are unchanged
  or append-only between keyframes (finished tasks, the ring, member columns), so a keyframe
  adds only the chunks that hold what moved. The chunks the last jumps used stay decompressed in
  a small cache (:data:`HOT_BYTES`), so a jump mostly thaws only what differs.

Memory: when the history outgrows ``budget_bytes`` every other keyframe is dropped (never the
first, the newest or a pinned one) and the spacing doubles, so memory stays bounded while a jump
costs at most one thaw plus ``every`` steps of replay.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from phoenix_gui.engine.simulation import Simulation

# What a user can ask of a running simulation, as recorded for replay (Simulation method name).
REQUEST_KINDS = ("set_param", "request_join", "request_retire", "request_crash", "submit_task")
DEFAULT_BUDGET = 300 << 20
DEFAULT_EVERY = 10
CHUNK_BYTES = 1 << 14
HOT_BYTES = 48 << 20  # decompressed chunks kept for the next jumps (counted in nbytes)
ZLIB_LEVEL = 1


@dataclass(frozen=True)
class Request:
    """One user request, made after ``step`` steps had run (applied at the next step)."""

    step: int
    kind: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class _Keyframe:
    graph: bytes  # the pickled run without its arrays, zlib-compressed
    buffers: tuple[tuple[int, tuple[bytes, ...]], ...]  # each array: byte size, chunk keys


class RunHistory:
    """Keyframes and requests of one run, so that any of its steps can be rebuilt."""

    def __init__(
        self, sim: Simulation, every: int = DEFAULT_EVERY, budget_bytes: int = DEFAULT_BUDGET
    ) -> None:
        if every < 1:
            raise ValueError("every: must be ≥ 1")
        self.every = every
        self.budget_bytes = budget_bytes
        self.start = sim.step_index
        self.latest = sim.step_index
        self.requests: list[Request] = []
        self._keyframes: dict[int, _Keyframe] = {}
        self._chunks: dict[bytes, bytes] = {}  # content key → compressed chunk
        self._refs: dict[bytes, int] = {}
        self._stored = 0  # bytes of compressed chunks and graphs
        self._hot: OrderedDict[bytes, bytes] = OrderedDict()  # decompressed, most recent last
        self._hot_bytes = 0
        self._pinned: set[int] = set()
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
        if pin:
            self._pinned.add(sim.step_index)
        if pin or (sim.step_index - self.start) % self.every == 0:
            self._keyframe(sim)

    def _keyframe(self, sim: Simulation) -> None:
        buffers: list[pickle.PickleBuffer] = []
        graph = pickle.dumps(sim, protocol=5, buffer_callback=buffers.append)
        layout = []
        for buffer in buffers:
            raw = buffer.raw()
            keys = []
            for offset in range(0, raw.nbytes, CHUNK_BYTES):
                chunk = raw[offset : offset + CHUNK_BYTES]
                key = hashlib.blake2b(chunk, digest_size=16).digest()
                if key not in self._chunks:
                    packed = zlib.compress(chunk, ZLIB_LEVEL)
                    self._chunks[key] = packed
                    self._refs[key] = 0
                    self._stored += len(packed)
                self._refs[key] += 1
                keys.append(key)
            layout.append((raw.nbytes, tuple(keys)))
        packed_graph = zlib.compress(graph, ZLIB_LEVEL)
        self._stored += len(packed_graph)
        old = self._keyframes.pop(sim.step_index, None)
        self._keyframes[sim.step_index] = _Keyframe(packed_graph, tuple(layout))
        if old is not None:
            self._release(old)
        if self.nbytes() > self.budget_bytes:
            self._cool(0)  # the cache goes first
        while self.nbytes() > self.budget_bytes and len(self._keyframes) > 2:
            if not self._thin():
                break

    def _thin(self) -> bool:
        """Drop every other keyframe (never the first, the newest or a pinned one); the
        spacing doubles. False when there was nothing left to drop."""
        steps = sorted(self._keyframes)
        newest = steps[-1]
        dropped = False
        for step in steps[1:-1:2]:
            if step != newest and step not in self._pinned:
                self._release(self._keyframes.pop(step))
                dropped = True
        self.every *= 2
        return dropped

    def _release(self, frame: _Keyframe) -> None:
        self._stored -= len(frame.graph)
        for _size, keys in frame.buffers:
            for key in keys:
                self._refs[key] -= 1
                if self._refs[key] == 0:
                    del self._refs[key]
                    self._stored -= len(self._chunks.pop(key))
                    hot = self._hot.pop(key, None)
                    if hot is not None:
                        self._hot_bytes -= len(hot)

    # -- looking back -------------------------------------------------------------------------

    def keyframe_steps(self) -> list[int]:
        return sorted(self._keyframes)

    def nbytes(self) -> int:
        """Memory held: the compressed chunks and graphs, and the decompressed chunk cache."""
        return self._stored + self._hot_bytes

    def at(self, step: int) -> Simulation:
        """A fresh simulation standing exactly at ``step`` (start ≤ step ≤ latest), rebuilt
        from the nearest keyframe and replayed; requests made after ``step`` are not applied.
        The caller owns it (it shares nothing with the live run or the history)."""
        if not self.start <= step <= self.latest:
            raise ValueError(f"step: must be in [{self.start}, {self.latest}], got {step}")
        base = max(s for s in self._keyframes if s <= step)
        sim = self._thaw(self._keyframes[base])
        pending = [r for r in self.requests if base <= r.step < step]
        for current in range(base, step):
            for req in pending:
                if req.step == current:
                    getattr(sim, req.kind)(*req.args, **dict(req.kwargs))
            sim.step()
        return sim

    def _thaw(self, frame: _Keyframe) -> Simulation:
        from phoenix_gui.engine.simulation import Simulation

        buffers = []
        for size, keys in frame.buffers:
            out = bytearray(size)  # writable: the rebuilt run changes its arrays in place
            offset = 0
            for key in keys:
                chunk = self._chunk(key)
                out[offset : offset + len(chunk)] = chunk
                offset += len(chunk)
            buffers.append(out)
        sim = pickle.loads(zlib.decompress(frame.graph), buffers=buffers)
        if not isinstance(sim, Simulation):
            raise TypeError("keyframe: not a Simulation")
        sim.audit.resume(None)
        return sim

    def _chunk(self, key: bytes) -> bytes:
        hot = self._hot.get(key)
        if hot is not None:
            self._hot.move_to_end(key)
            return hot
        chunk = zlib.decompress(self._chunks[key])
        self._hot[key] = chunk
        self._hot_bytes += len(chunk)
        self._cool(max(0, min(HOT_BYTES, self.budget_bytes - self._stored)))
        return chunk

    def _cool(self, limit: int) -> None:
        """Forget the least recently used decompressed chunks beyond ``limit`` bytes."""
        while self._hot_bytes > limit and self._hot:
            _key, chunk = self._hot.popitem(last=False)
            self._hot_bytes -= len(chunk)

    def truncate(self, step: int) -> None:
        """Forget everything after ``step`` (the run goes on from there another way)."""
        for s in [s for s in self._keyframes if s > step]:
            self._release(self._keyframes.pop(s))
            self._pinned.discard(s)
        self.requests = [r for r in self.requests if r.step < step]
        self.latest = min(self.latest, step)
