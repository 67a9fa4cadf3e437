"""The vectorised start of the ring: numpy MD5 of vnode keys and the packed-integer sort.

Both must give exactly what the plain way gives — ``hashlib`` per key, an argsort of the
18-byte sort keys, members joined one at a time — or tokens, the tie order and every audit
byte of a run would change. Random small cases, with the numpy paths forced on small inputs.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from phoenix_gui.engine import vnode_md5, vnode_order
from phoenix_gui.engine.ring import HashRing
from phoenix_gui.engine.vnode_order import fair_sort, sort_keys
from tests.engine.test_ring import _ring_state


def hashlib_digests(names: list[str], count: int) -> np.ndarray:
    raw = b"".join(hashlib.md5(f"{m}#{i}".encode()).digest() for m in names for i in range(count))
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, 16)


def random_names(rng: np.random.Generator, count: int) -> list[str]:
    alphabet = [*"abcxyz-_#0123456789", "é", "ß", "中", "🙂"]
    names: set[str] = set()
    while len(names) < count:
        length = int(rng.integers(1, 60))  # up to past one MD5 block (55 bytes) with "#i"
        names.add("".join(rng.choice(alphabet, size=length).tolist()))
    return sorted(names, key=lambda _: rng.random())


@pytest.mark.parametrize("min_rows", [1, 50, vnode_md5.MIN_ROWS])
@pytest.mark.parametrize("seed", range(4))
def test_numpy_md5_equals_hashlib(
    monkeypatch: pytest.MonkeyPatch, min_rows: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    monkeypatch.setattr(vnode_md5, "MIN_ROWS", min_rows)
    monkeypatch.setattr(vnode_md5, "ROWS_PER_PASS", int(rng.integers(1, 300)))  # many passes
    names = random_names(rng, int(rng.integers(1, 30)))
    names += ["host-" + "9" * (49 - len(str(i))) + str(i) for i in range(3)]  # 55-byte keys
    count = int(rng.integers(1, 130))  # across 1, 2 and 3 digits
    assert np.array_equal(vnode_md5.vnode_digests(names, count), hashlib_digests(names, count))


def test_numpy_md5_of_the_generated_hosts() -> None:
    names = [f"host-{i}" for i in range(40)]  # blocks large enough for numpy by default
    assert np.array_equal(vnode_md5.vnode_digests(names, 120), hashlib_digests(names, 120))


@pytest.mark.parametrize("seed", range(6))
def test_packed_sort_equals_the_stable_argsort_of_the_keys(seed: int) -> None:
    # Few tokens and digests sharing long prefixes, so the packed uint64s tie often (and some
    # keys are equal outright: those must stay in index order, as a stable sort keeps them).
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    tokens = rng.integers(0, 4, size=n).astype(np.int64) * 2500
    digests = np.zeros((n, 16), dtype=np.uint8)
    digests[:, int(rng.integers(0, 16)) :] = rng.integers(0, 3, size=(n, 1), dtype=np.uint8)
    digests[:, 15] = rng.integers(0, 4, size=n)
    expected = np.argsort(sort_keys(tokens, digests), kind="stable")
    order, ranked = fair_sort(tokens, digests)
    assert order.tolist() == expected.tolist()
    assert ranked.tolist() == tokens[expected].tolist()


@pytest.mark.parametrize("seed", range(5))
def test_one_sort_ring_equals_the_one_by_one_ring(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    rng = np.random.default_rng(100 + seed)
    monkeypatch.setattr(vnode_md5, "MIN_ROWS", 1)  # the numpy MD5 even on tiny rings
    names = random_names(rng, int(rng.integers(1, 25)))
    vnodes = int(rng.integers(1, 40))
    fast = HashRing.from_members(names, vnodes)
    slow = HashRing(vnodes=vnodes)
    for name in names:
        slow.add(name)
    deferred = HashRing(vnodes=vnodes)
    deferred.add(names[0])  # a member already on the ring when the joins are deferred
    deferred.defer_joins()
    for name in names[1:]:
        deferred.add(name)
    deferred.settle_joins()
    state = _ring_state(slow)
    assert _ring_state(fast) == state
    assert _ring_state(deferred) == state
    for ring in (fast, deferred):
        assert ring._vn_key.dtype == slow._vn_key.dtype
        for tok in rng.integers(0, 10000, size=5).tolist():
            assert ring.walk(tok) == slow.walk(tok)


@pytest.mark.parametrize("seed", range(5))
def test_deferred_joins_with_mixed_vnode_counts_equal_the_one_by_one_ring(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    # Runs of members with different vnode counts (several blocks in one sort), members
    # already on the ring, and a leave afterwards: the same ring as joins one at a time.
    rng = np.random.default_rng(200 + seed)
    monkeypatch.setattr(vnode_md5, "MIN_ROWS", 1)
    names = random_names(rng, int(rng.integers(3, 25)))
    counts = rng.choice([1, 3, 12, 30], size=len(names)).tolist()
    already = int(rng.integers(0, 3))
    slow, deferred = HashRing(vnodes=5), HashRing(vnodes=5)
    for name, count in zip(names, counts, strict=True):
        slow.add(name, count)
    for name, count in zip(names[:already], counts[:already], strict=True):
        deferred.add(name, count)
    deferred.defer_joins()
    for name, count in zip(names[already:], counts[already:], strict=True):
        deferred.add(name, count)
    deferred.settle_joins()
    assert _ring_state(deferred) == _ring_state(slow)
    gone = names[int(rng.integers(0, len(names)))]
    assert slow.remove(gone).positions.tolist() == deferred.remove(gone).positions.tolist()
    assert _ring_state(deferred) == _ring_state(slow)


@pytest.mark.parametrize("before", [True, False])
def test_small_pages_switches_numpys_hugepage_advice_off_and_back(before: bool) -> None:
    switch = vnode_order._SET_HUGEPAGE
    if switch is None:
        pytest.skip("this numpy has no hugepage switch")
    original = switch(before)
    try:
        with vnode_order.small_pages():
            assert switch(False) is False  # off inside (the call returns the setting it found)
        assert switch(before) is before  # and as it was after
        with pytest.raises(KeyError), vnode_order.small_pages():
            raise KeyError("x")
        assert switch(before) is before  # restored on an error too
    finally:
        switch(original)
