"""Unit tests of the token ring (engine/ring.py) against a naive reference ring.

The reference below sorts Python tuples (token, 128-bit MD5 int, key) exactly as DESIGN.md §4
words the order, and walks clockwise with bisect; it shares no code with the implementation.
"""

from __future__ import annotations

import bisect
import hashlib

import numpy as np
import pytest

from phoenix_gui.engine.ring import (
    TOKEN_SPACE,
    EmptyRingError,
    HashRing,
    TokenIndex,
    effective_vnodes,
    moved_tasks,
    token,
    tokens_of,
    vnode_saturation,
)
from phoenix_gui.engine.vnode_order import fair_order  # its tie fallback, tested directly


def reference_vnodes(members: list[str], vnodes: int) -> list[tuple[int, int, str, str]]:
    """All vnodes as (token, md5 int, key, member), in the fair order."""
    out = []
    for member in members:
        for i in range(vnodes):
            key = f"{member}#{i}"
            h = int(hashlib.md5(key.encode("utf-8")).hexdigest(), 16)
            out.append((h % 10000, h, key, member))
    return sorted(out)


def reference_owners(members: list[str], vnodes: int) -> list[str | None]:
    """Owner name of each of the 10000 positions: first vnode with token ≥ p, else wrap."""
    ordered = reference_vnodes(members, vnodes)
    if not ordered:
        return [None] * 10000
    # searchsorted(side="left") is bisect_left over all positions at once (speed only).
    first = np.searchsorted([v[0] for v in ordered], np.arange(10000), side="left")
    names = np.array([v[3] for v in ordered], dtype=object)
    return list(names[first % len(ordered)].tolist())


def reference_owner(members: list[str], vnodes: int, tok: int) -> str:
    """Owner of one token by walking the reference order with bisect."""
    ordered = reference_vnodes(members, vnodes)
    j = bisect.bisect_left([v[0] for v in ordered], tok)
    return ordered[j % len(ordered)][3]


def owner_names(ring: HashRing) -> list[str | None]:
    table = ring.owner_table()
    size = int(table.max()) + 1
    names = np.array([*(ring.name_of(i) for i in range(size)), None], dtype=object)
    return list(names[table].tolist())  # index -1 (no owner) picks the trailing None


@pytest.mark.parametrize(("count", "vnodes"), [(1, 1), (3, 1), (7, 5), (60, 40), (300, 50)])
def test_owner_table_matches_reference(count: int, vnodes: int) -> None:
    names = [f"node-{i}" for i in range(count)]
    expected = reference_owners(names, vnodes)
    assert owner_names(HashRing.from_members(names, vnodes)) == expected
    ring = HashRing(vnodes=vnodes)
    for name in reversed(names):  # one at a time, other order: same table
        ring.add(name)
    assert owner_names(ring) == expected


def test_route_single_and_bulk_agree() -> None:
    ring = HashRing.from_members(["a", "b", "c", "d"], vnodes=20)
    keys = [f"task-{i}" for i in range(500)]
    toks = tokens_of(keys)
    bulk = ring.route_tokens(toks)
    table = reference_owners(["a", "b", "c", "d"], 20)
    for key, tok, idx in zip(keys, toks.tolist(), bulk.tolist(), strict=True):
        assert ring.route(key) == ring.route_token(tok) == ring.name_of(idx) == table[tok]


def test_tokens_of_matches_token() -> None:
    keys = ["", "x", "task-7", "日本", "a#1"]
    assert tokens_of(keys).tolist() == [token(k) for k in keys]
    assert tokens_of([]).shape == (0,)
    with pytest.raises(TypeError):
        tokens_of("abc")


def test_empty_ring_errors_clearly() -> None:
    ring = HashRing()
    for call in (
        lambda: ring.route("task-0"),
        lambda: ring.route_token(5),
        lambda: ring.route_tokens(np.array([1, 2])),
        lambda: ring.walk(3),
    ):
        with pytest.raises(EmptyRingError, match="no members"):
            call()
    ring.add("solo")
    ring.remove("solo")
    with pytest.raises(EmptyRingError):
        ring.route("task-0")
    assert isinstance(EmptyRingError(), LookupError)


def test_bad_membership_requests() -> None:
    ring = HashRing(vnodes=4)
    ring.add("a")
    with pytest.raises(ValueError, match="already on the ring"):
        ring.add("a")
    with pytest.raises(ValueError, match="already on the ring"):
        ring.add_many(["b", "b"])
    with pytest.raises(KeyError, match="not on the ring"):
        ring.remove("zzz")
    with pytest.raises(ValueError, match="non-empty"):
        ring.add("")
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="vnodes"):
            HashRing(vnodes=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="vnodes"):
        ring.add("c", vnodes=0)
    assert ring.members == ("a",)


def test_route_token_validation() -> None:
    ring = HashRing.from_members(["a"], vnodes=3)
    with pytest.raises(ValueError, match=r"\[0, 9999\]"):
        ring.route_token(10000)
    with pytest.raises(ValueError):
        ring.route_tokens(np.array([0, -1]))
    with pytest.raises(TypeError):
        ring.route_tokens(np.array([0.5]))
    assert ring.route_tokens(np.zeros(0, dtype=np.int64)).shape == (0,)


def test_indices_are_stable_and_never_reused() -> None:
    ring = HashRing(vnodes=3)
    ring.add("a")
    ring.add("b")
    assert (ring.index_of("a"), ring.index_of("b")) == (0, 1)
    ring.remove("a")
    ring.add("c")
    ring.add("a")  # comes back with a fresh index
    assert ring.index_of("c") == 2
    assert ring.index_of("a") == 3
    assert ring.name_of(0) == "a"  # removed members keep their name
    assert ring.members == ("b", "c", "a")
    with pytest.raises(KeyError):
        ring.name_of(99)


def test_vnode_count_per_member() -> None:
    ring = HashRing(vnodes=5)
    ring.add("a")
    ring.add("b", vnodes=9)
    assert ring.vnode_count("a") == 5
    assert ring.vnode_count("b") == 9
    assert ring.vnode_tokens("b").tolist() == [token(f"b#{i}") for i in range(9)]
    assert owner_names(ring) == reference_owners_mixed({"a": 5, "b": 9})


def reference_owners_mixed(vnodes: dict[str, int]) -> list[str | None]:
    ordered = sorted(v for m, count in vnodes.items() for v in reference_vnodes([m], count))
    toks = [v[0] for v in ordered]
    return [ordered[bisect.bisect_left(toks, p) % len(ordered)][3] for p in range(10000)]


def test_join_change_reports_exactly_the_taken_positions() -> None:
    ring = HashRing.from_members([f"h{i}" for i in range(30)], vnodes=10)
    before = ring.owner_table().copy()
    change = ring.add("new")
    after = ring.owner_table()
    diff = np.flatnonzero(before != after)
    assert change.kind == "join" and change.member == "new"
    assert change.positions.tolist() == diff.tolist()
    assert (change.old_owner == before[diff]).all()
    assert (change.new_owner == ring.index_of("new")).all()
    assert len(change) == ring.owned_positions("new")


def test_leave_change_reports_exactly_the_released_positions() -> None:
    ring = HashRing.from_members([f"h{i}" for i in range(30)], vnodes=10)
    before = ring.owner_table().copy()
    gone = ring.index_of("h7")
    change = ring.remove("h7")
    diff = np.flatnonzero(before != ring.owner_table())
    assert change.kind == "leave"
    assert change.positions.tolist() == diff.tolist()
    assert (change.old_owner == gone).all()
    assert (change.new_owner == ring.owner_table()[diff]).all()
    assert not (ring.owner_table() == gone).any()


def test_first_join_and_last_leave_cover_the_whole_ring() -> None:
    ring = HashRing(vnodes=2)
    change = ring.add("only")
    assert change.positions.tolist() == list(range(TOKEN_SPACE))
    assert (change.old_owner == -1).all()
    change = ring.remove("only")
    assert len(change) == TOKEN_SPACE
    assert (change.new_owner == -1).all()
    assert (ring.owner_table() == -1).all()


def test_owner_table_is_read_only() -> None:
    ring = HashRing.from_members(["a"], vnodes=2)
    with pytest.raises(ValueError):
        ring.owner_table()[0] = 5


def test_fair_tie_break_keeps_load_even() -> None:
    # 1000 × 100 vnodes on 10000 positions: about 10 vnodes per position. Ordering the ties by
    # key would hand hosts with small names up to ~10× the mean; the MD5 order stays near 2×.
    names = [f"host-{i}" for i in range(1000)]
    ring = HashRing.from_members(names, vnodes=100)
    owned = np.bincount(ring.owner_table(), minlength=1000)
    assert owned.sum() == TOKEN_SPACE
    assert owned.max() / owned.mean() < 3.0


def test_distinct_and_owned_positions() -> None:
    names = [f"host-{i}" for i in range(200)]
    ring = HashRing.from_members(names, vnodes=100)
    ordered = reference_vnodes(names, 100)
    first_at: dict[int, str] = {}
    for tok, _, _, member in ordered:
        first_at.setdefault(tok, member)
    for name in names[:20]:
        assert ring.distinct_positions(name) == sum(1 for m in first_at.values() if m == name)
        assert ring.distinct_positions(name) <= ring.vnode_count(name)
    assert sum(ring.distinct_positions(n) for n in names) == len(first_at)
    assert sum(ring.owned_positions(n) for n in names) == TOKEN_SPACE
    # Beyond 10000/N vnodes a host cannot hold more positions: 100 vnodes give < 50 here.
    mean_distinct = np.mean([ring.distinct_positions(n) for n in names])
    assert effective_vnodes(ring) == pytest.approx(mean_distinct)
    assert effective_vnodes(ring) < 50.0
    # All at once, by index, as the window reads them: the same counts (a removed member: 0).
    index_of = {name: ring.index_of(name) for name in names}
    ring.remove(names[3])
    held = ring.distinct_positions_by_index()
    for name in names[:20]:
        index = index_of[name]
        expected = ring.distinct_positions(name) if name in ring else 0
        assert (int(held[index]) if index < held.size else 0) == expected


def test_fair_order_falls_back_when_the_fast_key_ties() -> None:
    # Two sort keys equal in their first 8 bytes (token + 48 MD5 bits) but not after: the
    # uint64 shortcut cannot order them, the full 18-byte comparison must.
    raw = np.zeros((4, 18), dtype=np.uint8)
    raw[:, 1] = [9, 5, 5, 5]  # tokens 9, 5, 5, 5
    raw[1:, 2:8] = 7  # the three token-5 keys share the next 6 bytes ...
    raw[1:, 17] = [3, 1, 2]  # ... and differ only in the last one
    keys = raw.view("S18").reshape(-1)
    assert fair_order(keys).tolist() == [2, 3, 1, 0]


def test_effective_vnodes_are_the_distinct_positions_really_held() -> None:
    # The figures: min(V, 10000/N) would say 1000; members hold far fewer.
    five = HashRing.from_members([f"host-{i}" for i in range(5)], vnodes=1000)
    ten = HashRing.from_members([f"host-{i}" for i in range(10)], vnodes=1000)
    assert 750 < effective_vnodes(five) < 800  # 791.4 with these names (787 in the issue's)
    assert 600 < effective_vnodes(ten) < 660  # 637.1
    assert effective_vnodes(HashRing(vnodes=10)) == 0.0
    small = HashRing.from_members(["a", "b"], vnodes=5)
    assert (
        effective_vnodes(small)
        == (small.distinct_positions("a") + small.distinct_positions("b")) / 2
    )


def test_saturation_is_said_in_words_only_when_the_ring_is_saturated() -> None:
    assert vnode_saturation(10, 100) is None  # 1000 of 10000 positions: 10 %
    assert vnode_saturation(10, 100, 95.6) is None
    busy = vnode_saturation(50, 1000, 190.0)
    assert busy is not None and "500 %" in busy and "no longer spread load" in busy
    assert vnode_saturation(30, 100) is not None  # 30 %: past a quarter of the token space
    assert vnode_saturation(5, 100, 80.0) is not None  # measured: members hold 80 % of V


def test_arcs_cover_exactly_the_owned_positions() -> None:
    ring = HashRing.from_members([f"h{i}" for i in range(9)], vnodes=7)
    table = ring.owner_table()
    for name in ring.members:
        covered = np.zeros(TOKEN_SPACE, dtype=bool)
        for start, end in ring.arcs(name):
            span = (
                range(start, end + 1) if start <= end else [*range(start, 10000), *range(end + 1)]
            )
            assert not covered[list(span)].any()
            covered[list(span)] = True
        assert (covered == (table == ring.index_of(name))).all()
    solo = HashRing.from_members(["s"], vnodes=3)
    assert solo.arcs("s") == [(0, 9999)]


def test_walk_explains_the_route() -> None:
    names = ["a", "b", "c"]
    ring = HashRing.from_members(names, vnodes=4)
    ordered = reference_vnodes(names, 4)
    top = ordered[-1][0]
    for tok in [0, 1, 500, 4999, top, top + 1 if top < 9999 else top, 9999]:
        walk = ring.walk(tok)
        assert walk["member"] == ring.route_token(tok)
        toks = [v[0] for v in ordered]
        j = bisect.bisect_left(toks, tok)
        assert walk["wrapped"] == (j == len(ordered))
        expected = ordered[j % len(ordered)]
        assert walk["vnode_key"] == expected[2]
        assert walk["vnode_token"] == expected[0]
        assert walk["distance"] == (expected[0] - tok) % 10000
        assert walk["vnodes_at_token"] == toks.count(expected[0])


def test_load_counts_tasks_per_member() -> None:
    ring = HashRing.from_members(["x", "y", "z"], vnodes=8)
    toks = tokens_of([f"task-{i}" for i in range(1000)])
    load = ring.load(toks)
    assert list(load) == ["x", "y", "z"]
    assert sum(load.values()) == 1000
    owners = [ring.route_token(t) for t in toks.tolist()]
    assert load == {m: owners.count(m) for m in ("x", "y", "z")}


# -- TokenIndex and moved_tasks ----------------------------------------------------------------


def test_token_index_add_remove_lookup() -> None:
    rng = np.random.default_rng(7)
    index = TokenIndex()
    model: dict[int, int] = {}
    next_id = 0
    for _ in range(40):  # many small adds: runs merge; removals leave dead entries
        size = int(rng.integers(1, 400))
        ids = np.arange(next_id, next_id + size)
        toks = rng.integers(0, 50, size)  # few positions: buckets hold many tasks
        index.add(ids, toks)
        model.update(zip(ids.tolist(), toks.tolist(), strict=True))
        next_id += size
        gone = rng.choice(
            sorted(model), size=min(len(model), int(rng.integers(0, 300))), replace=False
        )
        index.remove(gone)
        for g in gone.tolist():
            del model[g]
        positions = rng.integers(0, 50, 5)
        want = sorted(i for i, t in model.items() if t in set(positions.tolist()))
        assert index.tasks_at(positions).tolist() == want
    assert len(index) == len(model)
    assert index.task_ids().tolist() == sorted(model)
    some = np.array(sorted(model)[:10])
    assert index.token_of(some).tolist() == [model[i] for i in some.tolist()]


def test_token_index_readd_after_remove_and_compaction() -> None:
    index = TokenIndex()
    index.add(np.arange(5000), np.arange(5000) % 100)
    index.remove(np.arange(0, 5000, 2))
    index.remove(np.arange(1, 4000, 2))  # dead outnumber the live: compacts
    assert len(index) == 500
    index.add(np.array([0, 2]), np.array([7, 7]))  # ids come back with new tokens
    got = index.tasks_at(np.array([7]))
    assert got.tolist() == sorted([0, 2, *[i for i in range(4001, 5000, 2) if i % 100 == 7]])
    assert 0 in index and 4 not in index and -1 not in index


def test_token_index_rejects_bad_input() -> None:
    index = TokenIndex()
    index.add(np.array([1, 2]), np.array([3, 4]))
    with pytest.raises(ValueError, match="already indexed"):
        index.add(np.array([2]), np.array([5]))
    with pytest.raises(ValueError, match="duplicate"):
        index.add(np.array([8, 8]), np.array([5, 6]))
    assert 8 not in index  # the failed add left nothing behind
    with pytest.raises(ValueError, match="tokens"):
        index.add(np.array([9]), np.array([10000]))
    with pytest.raises(ValueError, match="non-negative"):
        index.add(np.array([-3]), np.array([1]))
    with pytest.raises(ValueError, match="differ in length"):
        index.add(np.array([9, 10]), np.array([1]))
    with pytest.raises(KeyError, match="not in the token index"):
        index.remove(np.array([77]))
    with pytest.raises(KeyError):
        index.token_of(np.array([5]))
    assert len(index) == 2


@pytest.mark.parametrize("kind", ["join", "leave"])
def test_moved_tasks_equal_full_recompute_diff(kind: str) -> None:
    names = [f"h{i}" for i in range(200)]
    ring = HashRing.from_members(names, vnodes=20)
    tokens = tokens_of([f"task-{i}" for i in range(20000)])
    index = TokenIndex()
    index.add(np.arange(20000), tokens)
    index.remove(np.arange(0, 20000, 3))  # completed tasks must not be reported
    live = index.task_ids()
    before = ring.route_tokens(tokens[live])
    change = ring.add("newcomer") if kind == "join" else ring.remove("h42")
    after = ring.route_tokens(tokens[live])
    ids, src, dst = moved_tasks(change, index)
    changed = before != after
    assert ids.tolist() == live[changed].tolist()
    assert src.tolist() == before[changed].tolist()
    assert dst.tolist() == after[changed].tolist()
    assert ids.size > 0


def test_vnode_tokens_by_index_covers_live_members_only() -> None:
    ring = HashRing(vnodes=5)
    for m in ("a", "b", "c"):
        ring.add(m)
    ring.remove("b")
    by_index = ring.vnode_tokens_by_index()
    assert sorted(by_index) == [ring.index_of("a"), ring.index_of("c")]
    for m in ("a", "c"):
        assert by_index[ring.index_of(m)].tolist() == ring.vnode_tokens(m).tolist()


def _ring_state(ring: HashRing) -> tuple[object, ...]:
    ring._merge_pending()
    return (
        ring.members,
        list(ring.names),
        ring.owner_table().tolist(),
        ring._winner.tolist(),
        ring._vn_key.tolist(),
        ring._vn_token.tolist(),
        ring._vn_member.tolist(),
        ring._vn_replica.tolist(),
        {i: t.tolist() for i, t in ring._member_tokens.items()},
    )


def test_deferred_joins_build_the_ring_incremental_joins_build() -> None:
    # A run's start defers its members' joins (one sort at the end): the ring must be exactly
    # the one the joins one by one give, with mixed vnode counts and an existing member.
    plan = [("a", 7), ("b", 7), ("c", 3), ("d", 7), ("e", 40), ("f", 40)]
    one_by_one = HashRing(vnodes=7)
    for name, v in plan:
        one_by_one.add(name, v)
    deferred = HashRing(vnodes=7)
    deferred.add("a", 7)
    deferred.defer_joins()
    changes = [deferred.add(name, v) for name, v in plan[1:]]
    assert all(len(change) == 0 for change in changes)  # nothing moves while deferred
    assert deferred.index_of("d") == one_by_one.index_of("d")
    with pytest.raises(RuntimeError, match="settle_joins"):
        deferred.route_tokens(np.array([1]))
    deferred.settle_joins()
    assert _ring_state(deferred) == _ring_state(one_by_one)
    for tok in (0, 17, 5000, 9999):
        assert deferred.walk(tok) == one_by_one.walk(tok)
    deferred.settle_joins()  # settling twice is harmless
    assert _ring_state(deferred) == _ring_state(one_by_one)
