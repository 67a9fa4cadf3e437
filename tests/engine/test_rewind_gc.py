"""The rewind history costs the cyclic collector a few objects per keyframe, not one per array
version (issue 15: a full collection walking a 10^4-step history's versions held a jump up).

Its versions are plain tuples of bytes, ints, a dtype and their bases (rewind.py), which the
collector stops tracking once it has seen them: what stays tracked is one keyframe record
each, the live arrays' lineages, the requests, and the history's own containers.
"""

from __future__ import annotations

import gc
import types

from phoenix_gui.engine import RunHistory, Simulation
from phoenix_gui.engine.rewind import _base
from tests.engine.sim_helpers import config


def _tracked_from(root: object) -> int:
    """Objects the collector tracks among those ``root`` reaches (not through classes, modules
    or functions: the program's code, not the history)."""
    seen, stack, tracked = {id(root)}, [root], 0
    while stack:
        obj = stack.pop()
        tracked += gc.is_tracked(obj)
        for ref in gc.get_referents(obj):
            skip = isinstance(ref, (type, types.ModuleType, types.FunctionType))
            if not skip and id(ref) not in seen:
                seen.add(id(ref))
                stack.append(ref)
    return tracked


def test_a_long_history_keeps_its_versions_out_of_the_cyclic_collectors_walk() -> None:
    sim = Simulation(config("phoenix", seed=3))
    history = RunHistory(sim, every=1, budget_bytes=1 << 30)
    for step in range(300):
        if step % 7 == 0:  # joins: vnode arrays stored as shifts too
            history.request(sim, "request_join")
        sim.step()
        history.stepped(sim)
    history.at(150)  # the caches of a jump hold versions too
    keyframes = len(history.keyframe_steps())
    frames = list(history._keyframes.values())
    versions = {}  # every version stored: the keyframes' and those they build on
    for frame in frames:
        for version in frame.arrays:
            at: tuple | None = version
            while at is not None and id(at) not in versions:
                versions[id(at)] = at
                at = _base(at)
    deltas = [v for v in versions.values() if _base(v) is not None]
    assert keyframes > 250 and len(versions) > 20 * keyframes  # many versions …
    assert len(deltas) > len(versions) // 2  # … most of them deltas on older ones
    gc.collect()
    tracked = _tracked_from(history)
    per_run = len(history._lineages) + len(history.requests) + 50  # the history's own objects
    assert tracked <= 2 * keyframes + per_run, (tracked, keyframes, len(history._holds))
    assert not any(gc.is_tracked(v) for v in versions.values())
