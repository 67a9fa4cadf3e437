"""Rewind's shift deltas: sorted keys and their parallel arrays, with rows put in and taken out
of the middle, stored as what moved and rebuilt byte for byte."""

from __future__ import annotations

import numpy as np

from phoenix_gui.engine.rewind import (
    RECORD,
    SIZE,
    RunHistory,
    _base,
    _build,
    _elements,
    _make,
    _Version,
)
from phoenix_gui.engine.rewind_shift import Shift, find
from phoenix_gui.engine.simulation import Simulation
from tests.engine.sim_helpers import config


class _Ring:
    """Sorted S18 keys with a parallel member column, as the engine's ring keeps its vnodes."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.keys = np.sort(self._fresh(4000))
        self.member = rng.integers(0, 50, self.keys.size).astype(np.int32)

    def _fresh(self, n: int) -> np.ndarray:
        return np.frombuffer(self.rng.bytes(18 * n), dtype="S18").copy()

    def churn(self, joins: int, leaves: int) -> None:
        """Drop ``leaves`` rows, put ``joins`` new keys in their sorted places (new arrays)."""
        gone = self.rng.choice(self.keys.size, leaves, replace=False)
        keys, member = np.delete(self.keys, gone), np.delete(self.member, gone)
        keys = np.concatenate([keys, self._fresh(joins)])
        member = np.concatenate([member, np.full(joins, 99, dtype=np.int32)])
        order = np.argsort(keys, kind="stable")
        self.keys, self.member = keys[order], member[order]


def test_a_sorted_array_with_rows_put_in_and_taken_out_is_stored_as_a_shift() -> None:
    ring = _Ring(np.random.default_rng(5))
    old_keys, old_member = ring.keys.copy(), ring.member.copy()
    ring.churn(joins=100, leaves=60)
    shift = find(_rows(old_keys, 18), _rows(ring.keys, 18))
    assert shift is not None and (shift.dropped.size, shift.inserted.size) == (60, 100)
    shifts: dict[tuple[int, int], Shift] = {}
    for old, new, record in [(old_keys, ring.keys, 18), (old_member, ring.member, 4)]:
        version = _delta(old, new, record, shifts)
        assert version[RECORD] == record  # a shift, not the whole array
        assert version[SIZE] < new.nbytes // 5
        assert bytes(_build(version)) == new.tobytes()
    # Without the keys' shift the member column (its rows repeat) would be stored whole.
    alone = _delta(old_member, ring.member, 4, {})
    assert _base(alone) is None and bytes(_build(alone)) == ring.member.tobytes()


def test_a_shift_that_does_not_explain_every_row_keeps_the_rest_as_fixes() -> None:
    ring = _Ring(np.random.default_rng(8))
    old_keys, old_member = ring.keys.copy(), ring.member.copy()
    ring.churn(joins=30, leaves=10)
    shift = find(_rows(old_keys, 18), _rows(ring.keys, 18))
    assert shift is not None
    shifts = {(old_keys.size, ring.keys.size): shift}
    # The member column moved with the keys, and a few members changed besides.
    member = ring.member.copy()
    member[::97] += 1
    version = _delta(old_member, member, 4, shifts)
    assert version[RECORD] == 4 and bytes(_build(version)) == member.tobytes()
    # An array of the same lengths that moved otherwise: the keys' shift would leave most rows
    # to fix and its own rows repeat (no shift of its own), so it is stored whole — exactly.
    other = np.resize(old_member[::-1], ring.keys.size)
    version = _delta(old_member, other, 4, shifts)
    assert _base(version) is None and bytes(_build(version)) == other.tobytes()


def _rows(array: np.ndarray, record: int) -> np.ndarray:
    return array.view(np.uint8).reshape(-1, record)


def _delta(
    old: np.ndarray, new: np.ndarray, record: int, shifts: dict[tuple[int, int], Shift]
) -> _Version:
    """``new`` as the history stores it after ``old`` (flat, as pickle hands arrays out)."""
    before, after = _elements(memoryview(old)), _elements(memoryview(new))
    return _make(after, _make(before, None, None), before, record, shifts)


def test_a_run_with_joins_keeps_its_vnode_arrays_as_shifts_and_rebuilds_exactly() -> None:
    sim = Simulation(config("phoenix", seed=3))
    history = RunHistory(sim, every=2, budget_bytes=1 << 30)
    heads = {}
    for step in range(24):
        if step % 3 == 0:
            history.request(sim, "request_join")
        sim.step()
        history.stepped(sim)
        heads[sim.step_index] = sim.audit.head
    frames = [history._keyframes[s] for s in history.keyframe_steps()]
    assert any(v[RECORD] for frame in frames for v in frame.arrays)
    for step in (5, 12, 23):
        assert history.at(step).audit.head == heads[step]
