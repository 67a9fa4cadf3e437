"""The vnodes of members joined one by one go into the sorted arrays by a merge: the arrays
must be those the full stable sort of old and new vnodes gives (the fair order)."""

from __future__ import annotations

import numpy as np

from phoenix_gui.engine.ring import HashRing
from phoenix_gui.engine.vnode_order import fair_order


def _sorted_by_full_sort(ring: HashRing) -> list[np.ndarray]:
    pending = ring._pending
    keys = np.concatenate([ring._vn_key, *(p[0] for p in pending)])
    order = fair_order(keys)
    members = [np.full(p[1].size, p[2], dtype=np.int32) for p in pending]
    return [
        keys[order],
        np.concatenate([ring._vn_token, *(p[1] for p in pending)])[order],
        np.concatenate([ring._vn_member, *members])[order],
        np.concatenate([ring._vn_replica, *(p[3] for p in pending)])[order],
    ]


def test_merging_pending_vnodes_equals_sorting_them_all() -> None:
    rng = np.random.default_rng(5)
    merges = 0
    for _ in range(25):
        ring = HashRing(vnodes=int(rng.integers(1, 200)))
        names = [f"h{i}" for i in range(int(rng.integers(2, 24)))]
        ring.add_many(names[: len(names) // 2])
        for name in names[len(names) // 2 :]:
            ring.add(name, int(rng.integers(1, 300)))
            if rng.random() < 0.4:  # one or several members' vnodes waiting
                expected = _sorted_by_full_sort(ring)
                ring._merge_pending()
                got = [ring._vn_key, ring._vn_token, ring._vn_member, ring._vn_replica]
                for want, have in zip(expected, got, strict=True):
                    assert have.dtype == want.dtype
                    assert np.array_equal(have, want)
                merges += 1
        ring.remove(names[int(rng.integers(0, len(names)))])  # merges what still waits
    assert merges > 10
