"""Rewind: any past step of a run, rebuilt from keyframes and deterministic replay.

:class:`RunHistory` follows a live :class:`~phoenix_gui.engine.simulation.Simulation`. It keeps
a checkpoint (a *keyframe*) every ``every`` steps and the user requests made between steps
(sliders, joins, retirements, crashes, submitted tasks). :meth:`RunHistory.at` rebuilds the run
at any step from the nearest keyframe at or before it, then steps forward, re-making the same
requests at the same step boundaries — the engine is deterministic, so the rebuilt run is the
one that happened, byte for byte. The live run is never touched: looking at the past and coming
back to "now" changes nothing.

Memory: keyframes share every array whose bytes did not change since an earlier keyframe (the
ring's vnode keys, member columns …); when the history outgrows ``budget_bytes`` every other
keyframe is dropped and the spacing doubles, so memory stays bounded while a jump costs at most
one restore plus ``every`` steps of replay.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from phoenix_gui.engine.state import Checkpoint

if TYPE_CHECKING:
    from phoenix_gui.engine.simulation import Simulation

# What a user can ask of a running simulation, as recorded for replay (Simulation method name).
REQUEST_KINDS = ("set_param", "request_join", "request_retire", "request_crash", "submit_task")
DEFAULT_BUDGET = 300 << 20


@dataclass(frozen=True)
class Request:
    """One user request, made after ``step`` steps had run (applied at the next step)."""

    step: int
    kind: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass
class _Keyframe:
    checkpoint: Checkpoint
    keys: tuple[str, ...] = field(default_factory=tuple)  # content keys of its arrays


class RunHistory:
    """Keyframes and requests of one run, so that any of its steps can be rebuilt."""

    def __init__(
        self, sim: Simulation, every: int = 25, budget_bytes: int = DEFAULT_BUDGET
    ) -> None:
        if every < 1:
            raise ValueError("every: must be ≥ 1")
        self.every = every
        self.budget_bytes = budget_bytes
        self.start = sim.step_index
        self.latest = sim.step_index
        self.requests: list[Request] = []
        self._keyframes: dict[int, _Keyframe] = {}
        self._arrays: dict[str, np.ndarray] = {}  # content key → array, shared by keyframes
        self._refs: dict[str, int] = {}
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
        checkpoint = sim.checkpoint()
        shared: dict[str, np.ndarray] = {}
        keys = []
        for name, arr in checkpoint.arrays.items():
            key = _content_key(arr)
            if key not in self._arrays:
                self._arrays[key] = arr
                self._refs[key] = 0
            self._refs[key] += 1
            shared[name] = self._arrays[key]
            keys.append(key)
        deduped = Checkpoint(
            checkpoint.version,
            checkpoint.step,
            checkpoint.time,
            checkpoint.audit_head,
            checkpoint.audit_count,
            checkpoint.graph,
            MappingProxyType(shared),
        )
        self._keyframes[sim.step_index] = _Keyframe(deduped, tuple(keys))
        while self.nbytes() > self.budget_bytes and len(self._keyframes) > 2:
            self._thin()

    def _thin(self) -> None:
        """Drop every other keyframe (never the first or the newest); the spacing doubles."""
        steps = sorted(self._keyframes)
        newest = steps[-1]
        for step in steps[1:-1:2]:
            if step != newest and step not in self._pinned:
                self._drop(step)
        self.every *= 2

    def _drop(self, step: int) -> None:
        frame = self._keyframes.pop(step)
        for key in frame.keys:
            self._refs[key] -= 1
            if self._refs[key] == 0:
                del self._refs[key]
                del self._arrays[key]

    # -- looking back -------------------------------------------------------------------------

    def keyframe_steps(self) -> list[int]:
        return sorted(self._keyframes)

    def nbytes(self) -> int:
        """Memory held: shared arrays once each, plus every keyframe's graph text."""
        arrays = sum(a.nbytes for a in self._arrays.values())
        graphs = sum(len(f.checkpoint.graph) for f in self._keyframes.values())
        return arrays + graphs

    def at(self, step: int) -> Simulation:
        """A fresh simulation standing exactly at ``step`` (start ≤ step ≤ latest), rebuilt
        from the nearest keyframe and replayed; requests made after ``step`` are not applied."""
        from phoenix_gui.engine.simulation import Simulation

        if not self.start <= step <= self.latest:
            raise ValueError(f"step: must be in [{self.start}, {self.latest}], got {step}")
        base = max(s for s in self._keyframes if s <= step)
        sim = Simulation.restore(self._keyframes[base].checkpoint)
        pending = [r for r in self.requests if base <= r.step < step]
        for current in range(base, step):
            for req in pending:
                if req.step == current:
                    getattr(sim, req.kind)(*req.args, **dict(req.kwargs))
            sim.step()
        return sim

    def truncate(self, step: int) -> None:
        """Forget everything after ``step`` (the run goes on from there another way)."""
        for s in [s for s in self._keyframes if s > step]:
            self._drop(s)
        self.requests = [r for r in self.requests if r.step < step]
        self.latest = min(self.latest, step)


def _content_key(arr: np.ndarray) -> str:
    digest = hashlib.blake2b(np.ascontiguousarray(arr).tobytes(), digest_size=16)
    return f"{arr.dtype.str}{arr.shape}:{digest.hexdigest()}"
