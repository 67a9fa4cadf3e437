"""The MD5 token ring of DESIGN.md §4: tokens, vnodes, fair ordering, routing, join and leave.

token(key) = int(md5(key as UTF-8).hexdigest(), 16) mod 10000. A member with V virtual nodes
owns the vnode keys ``"{member_id}#{i}"``. Vnodes are ordered by (token, full 128-bit MD5 of the
key, key); a task token t belongs to the first vnode in that order whose token is ≥ t, wrapping
to the first vnode. With only 10000 positions tokens collide often, and ordering those ties by
the 128-bit MD5 (a fair coin per collision) instead of by the key string keeps the load even.

State, all numpy:
- every live vnode in the fair order, as an ``S18`` sort key (2 big-endian token bytes followed
  by the 16 MD5 digest bytes, so byte order is exactly (token, MD5) order) plus its token,
  member index and replica number;
- ``winner[p]``: the member whose vnode comes first at position p (-1 if no vnode there);
- ``owner[p]``: the member owning position p, i.e. the winner of the next occupied position.
Routing a token is ``owner[token]`` — O(1), and one fancy index for a million tokens. A join or
leave only touches the arcs ending at the positions whose winner changed; those arcs are exactly
what :class:`RingChange` reports and what :func:`moved_tasks` looks up.

Distinct vnode keys never share an MD5 in practice, so the final key tie-break of the order is
implied (keys of different members are distinct: ``"{m}#{i}"`` splits uniquely at the last #).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.token_index import (
    TOKEN_SPACE,
    Int32Array,
    IntArray,
    RingChange,
    TokenIndex,
    distinct_sorted,
    moved_tasks,
)
from phoenix_gui.engine.vnode_md5 import vnode_digests
from phoenix_gui.engine.vnode_order import (
    KEY_DTYPE,
    DigestArray,
    fair_order,
    fair_sort,
    joined,
    keys_in_order,
    members_in_order,
    small_pages,
    sort_keys,
    tokens_from_digests,
)

__all__ = [
    "TIE_RULE",
    "TOKEN_SPACE",
    "EmptyRingError",
    "HashRing",
    "RingChange",
    "TokenIndex",
    "effective_vnodes",
    "moved_tasks",
    "token",
    "tokens_of",
    "vnode_saturation",
]

_md5 = hashlib.md5
_from_bytes = int.from_bytes


class EmptyRingError(LookupError):
    """Routing was asked of a ring with no members."""

    def __init__(self) -> None:
        super().__init__("the ring has no members: add a member before routing tasks")


def token(key: str) -> int:
    """int(md5(key UTF-8).hexdigest(), 16) % 10000 (from the digest bytes: same value, faster)."""
    return int.from_bytes(_md5(key.encode("utf-8")).digest(), "big") % TOKEN_SPACE


def tokens_of(keys: Sequence[str]) -> IntArray:
    """Tokens of many keys as an int64 array (MD5 per key, the reduction vectorised)."""
    if isinstance(keys, str):
        raise TypeError("tokens_of expects a sequence of keys, not one string")
    return tokens_from_digests(_digests(keys))


# The tie rule, in the words `ring --help`, the README and the Decisions panel use.
TIE_RULE = (
    "Tie rule: only 10000 token positions exist, so vnodes collide often; vnodes at the same "
    "token are ordered by the full 128-bit MD5 of the vnode key, then by the key itself, and "
    "a task goes to the first vnode at or after its token (wrapping). Another tie order "
    "changes the owner of up to 80 % of tasks."
)

# Beyond this share of the token space taken by N·V vnodes, extra vnodes stop spreading load.
SATURATION_SHARE = 0.25
# Or when members hold less than this fraction of their vnodes as distinct positions.
SATURATION_HELD = 0.9


def effective_vnodes(ring: HashRing) -> float:
    """The distinct positions members really hold, on average per live member: exact, from
    the ring (min(V, 10000/N) overstates it — 787 of 1000 at N = 5)."""
    members = ring.members
    if not members:
        return 0.0
    held = ring.distinct_positions_by_index()
    indices = [ring.index_of(m) for m in members]
    return sum(int(held[i]) if i < held.size else 0 for i in indices) / len(members)


def vnode_saturation(members: int, vnodes: int, effective: float | None = None) -> str | None:
    """In words, why more vnodes no longer spread load: N·V beyond 25 % of the token space,
    or members measured holding under 90 % of their vnodes as distinct positions. None when
    the ring is not saturated."""
    if members <= 0 or vnodes <= 0:
        return None
    requested = members * vnodes
    share = requested / TOKEN_SPACE
    held = None if effective is None else effective / vnodes
    if share <= SATURATION_SHARE and (held is None or held >= SATURATION_HELD):
        return None
    text = (
        f"Ring saturated: {members} members × {vnodes} vnodes = {requested} vnodes on "
        f"{TOKEN_SPACE} token positions ({100 * share:.0f} %)"
    )
    if effective is not None:
        text += (
            f"; members really hold {effective:.1f} distinct positions each "
            f"({100 * (held or 0.0):.0f} % of V)"
        )
    return text + ". More vnodes no longer spread load: the spread stops following 1/√V."


def _digests(keys: Iterable[str]) -> DigestArray:
    raw = b"".join([_md5(k.encode("utf-8")).digest() for k in keys])
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, 16)


def _vnode_digests(member_ids: Sequence[str], count: int) -> DigestArray:
    """MD5 of every vnode key ``"{member}#{i}"``, member by member, i = 0 … count-1: the bytes
    :func:`_digests` gives for the key strings, vectorised (engine/vnode_md5.py)."""
    return vnode_digests(member_ids, count)


def _expand_arcs(ends: IntArray, occupied: IntArray) -> IntArray:
    """Positions of the arcs (previous occupied, end] for each ``end`` in ``occupied`` (sorted)."""
    j = np.searchsorted(occupied, ends)
    prev = occupied[j - 1]  # j == 0 wraps to the last occupied position, as the ring does
    lengths = (ends - prev) % TOKEN_SPACE
    lengths[lengths == 0] = TOKEN_SPACE  # the only occupied position owns the whole ring
    starts = ends - lengths + 1
    total = int(lengths.sum())
    before = np.cumsum(lengths) - lengths
    flat = np.arange(total, dtype=np.int64) + np.repeat(starts - before, lengths)
    return np.sort(flat % TOKEN_SPACE)


class HashRing:
    """Members on the token ring; see the module docstring for the order and the routing."""

    def __init__(self, vnodes: int = 100) -> None:
        self._default_vnodes = _check_vnodes(vnodes)
        self._names: list[str] = []  # member index -> name, for every member ever added
        self._index: dict[str, int] = {}  # live members, in join order
        self._member_tokens: dict[int, IntArray] = {}  # index -> its V tokens, replica order
        self._vn_key = np.zeros(0, dtype=KEY_DTYPE)
        self._vn_token: IntArray = np.zeros(0, dtype=np.int64)
        self._vn_member: Int32Array = np.zeros(0, dtype=np.int32)
        self._vn_replica: Int32Array = np.zeros(0, dtype=np.int32)
        # Vnodes added one member at a time wait here (sort keys, tokens, member, replicas) and
        # join the sorted arrays above only when something needs them (a leave, a walk): a
        # join then costs O(V log V), not O(N·V), so starting 5000 hosts is not quadratic.
        self._pending: list[tuple[npt.NDArray[np.bytes_], IntArray, int, Int32Array]] = []
        self._winner: Int32Array = np.full(TOKEN_SPACE, -1, dtype=np.int32)
        self._winner_key = np.zeros(TOKEN_SPACE, dtype=KEY_DTYPE)  # the winning vnode's key
        self._owner: Int32Array = np.full(TOKEN_SPACE, -1, dtype=np.int32)
        self._occupied: IntArray = np.zeros(0, dtype=np.int64)  # sorted positions with a vnode
        # The owner table again as names, so a single route is one list lookup.
        self._owner_names: list[str | None] = [None] * TOKEN_SPACE
        # Joins registered by :meth:`add` but not yet on the ring (see :meth:`defer_joins`):
        # (member index, vnodes), in join order; None when joins take effect at once.
        self._deferred: list[tuple[int, int]] | None = None

    @classmethod
    def from_members(cls, member_ids: Sequence[str], vnodes: int = 100) -> HashRing:
        """A ring holding ``member_ids`` (indices 0, 1, … in that order), built in one sort."""
        ring = cls(vnodes)
        ring.add_many(member_ids)
        return ring

    # -- membership --------------------------------------------------------------------------

    @property
    def vnodes(self) -> int:
        """Default vnodes per member."""
        return self._default_vnodes

    @property
    def members(self) -> tuple[str, ...]:
        """Live members, in join order."""
        return tuple(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, member_id: object) -> bool:
        return member_id in self._index

    def index_of(self, member_id: str) -> int:
        """The member's integer index: assigned at add, never reused for another add."""
        try:
            return self._index[member_id]
        except KeyError:
            raise KeyError(f"member {member_id!r} is not on the ring") from None

    @property
    def names(self) -> Sequence[str]:
        """Name of each member index ever assigned (removed members too), in index order.

        The ring's own table, not a copy: for bulk lookups without :meth:`name_of`'s check.
        """
        return self._names

    def name_of(self, index: int) -> str:
        """Name of a member index (removed members too)."""
        if not 0 <= index < len(self._names):
            raise KeyError(f"no member has index {index}")
        return self._names[index]

    def vnode_count(self, member_id: str) -> int:
        return int(self._member_tokens[self.index_of(member_id)].size)

    def add(self, member_id: str, vnodes: int | None = None) -> RingChange:
        """Join ``member_id``; the change lists the positions it took over."""
        count = self._default_vnodes if vnodes is None else _check_vnodes(vnodes)
        self._check_new([member_id])
        idx = self._register(member_id)
        if self._deferred is not None:
            self._deferred.append((idx, count))
            none = np.zeros(0, dtype=np.int32)
            return RingChange("join", member_id, np.zeros(0, dtype=np.int64), none, none)
        digests = _vnode_digests([member_id], count)
        tokens = tokens_from_digests(digests)
        self._member_tokens[idx] = tokens
        keys = sort_keys(tokens, digests)
        order = fair_order(keys)
        self._pending.append((keys[order], tokens[order], idx, order.astype(np.int32)))
        # The member's first vnode (in the fair order) at each of its positions; it wins the
        # position where that key comes before the current winner's (or nobody is there).
        ranked = tokens[order]
        head = np.ones(ranked.size, dtype=bool)
        head[1:] = ranked[1:] != ranked[:-1]
        touched, best = ranked[head], keys[order][head]
        beats = (self._winner[touched] < 0) | (best < self._winner_key[touched])
        won = touched[beats]
        self._winner[won] = idx
        self._winner_key[won] = best[beats]
        if won.size:
            self._occupied = np.flatnonzero(self._winner >= 0).astype(np.int64)
        positions = _expand_arcs(won, self._occupied) if won.size else won
        new_owner = np.full(positions.size, idx, dtype=np.int32)
        return self._apply("join", member_id, positions, new_owner)

    def defer_joins(self) -> None:
        """Until :meth:`settle_joins`, :meth:`add` only registers members (index, name) and
        reports an empty change; their vnodes go on the ring all at once, in one sort.

        For a run's start, while no task is placed (a deferred join moves nothing): starting
        5000 hosts × 1000 vnodes then costs the vnode MD5s and one sort instead of 5000
        incremental joins. The ring ends up exactly as if each had joined in turn (the order
        and the tables depend only on the set of vnodes). Routing waits for the settling.
        """
        if self._deferred is None:
            self._deferred = []

    def settle_joins(self) -> None:
        """Put the members :meth:`add` registered since :meth:`defer_joins` on the ring."""
        deferred, self._deferred = self._deferred, None
        if not deferred:
            return
        with small_pages():  # memory written once: see vnode_order.small_pages
            self._merge_pending()
            tokens: list[IntArray] = []
            digests: list[DigestArray] = []
            blocks: list[tuple[Int32Array, int]] = []
            start = 0
            while start < len(deferred):  # runs of members with the same vnode count
                count = deferred[start][1]
                end = start
                while end < len(deferred) and deferred[end][1] == count:
                    end += 1
                indices = [idx for idx, _ in deferred[start:end]]
                digests.append(_vnode_digests([self._names[i] for i in indices], count))
                tokens.append(self._hashed(indices, count, digests[-1]))
                blocks.append((np.asarray(indices, dtype=np.int32), count))
                start = end
            self._insert(tokens, digests, blocks)

    def _hashed(self, indices: Sequence[int], count: int, digests: DigestArray) -> IntArray:
        """The tokens of the members' vnodes (``digests``, member by member), kept per member."""
        tokens = tokens_from_digests(digests)
        for row, idx in enumerate(indices):
            self._member_tokens[idx] = tokens[row * count : (row + 1) * count]
        return tokens

    def _insert(
        self,
        tokens: list[IntArray],
        digests: list[DigestArray],
        blocks: list[tuple[Int32Array, int]],
    ) -> None:
        """Add vnodes to the sorted arrays in one sort, and rebuild the tables. The new vnodes:
        their tokens and MD5 digests in parts, and ``blocks`` of (member indices, vnodes each)
        saying whose they are (member by member, replicas in order)."""
        held = self._vn_token.size
        if held:
            tokens = [self._vn_token, *tokens]
            digests = [self._vn_key.view(np.uint8).reshape(-1, 18)[:, 2:], *digests]
        all_digests = joined(digests)
        order, ranked = fair_sort(joined(tokens), all_digests)
        self._vn_key = keys_in_order(ranked, all_digests, order)
        self._vn_token = ranked
        if held:
            new = order >= held
            member = np.empty(order.size, dtype=np.int32)
            replica = np.empty(order.size, dtype=np.int32)
            member[~new], replica[~new] = self._vn_member, self._vn_replica  # still in order
            member[new], replica[new] = members_in_order(order[new] - held, blocks)
        else:
            member, replica = members_in_order(order, blocks)
        self._vn_member, self._vn_replica = member, replica
        self._rebuild_tables()

    def _settled(self) -> None:
        if self._deferred:
            raise RuntimeError("the ring has deferred joins: settle_joins() before routing")

    def _merge_pending(self) -> None:
        """Move the vnodes of members added one by one into the sorted arrays (one sort)."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        # The new vnodes in their own fair order (each member's already is), then merged into
        # the sorted arrays: each goes after every vnode whose key is not above its own —
        # the stable sort of the old vnodes followed by the new ones, without sorting them all.
        keys = np.concatenate([p[0] for p in pending])
        tokens = np.concatenate([p[1] for p in pending])
        members = np.concatenate([np.full(p[1].size, p[2], dtype=np.int32) for p in pending])
        replicas = np.concatenate([p[3] for p in pending])
        if len(pending) > 1:
            order = fair_order(keys)
            keys, tokens, members, replicas = (
                keys[order],
                tokens[order],
                members[order],
                replicas[order],
            )
        at = np.searchsorted(self._vn_key, keys, side="right")
        self._vn_key = np.insert(self._vn_key, at, keys)
        self._vn_token = np.insert(self._vn_token, at, tokens)
        self._vn_member = np.insert(self._vn_member, at, members)
        self._vn_replica = np.insert(self._vn_replica, at, replicas)

    def add_many(self, member_ids: Sequence[str], vnodes: int | None = None) -> None:
        """Join several members at once (one sort, one table rebuild; no change record)."""
        names = list(member_ids)
        if not names:
            return
        self._settled()
        count = self._default_vnodes if vnodes is None else _check_vnodes(vnodes)
        self._check_new(names)
        self._merge_pending()
        first_idx = len(self._names)
        for name in names:
            self._register(name)
        indices = np.arange(first_idx, first_idx + len(names), dtype=np.int32)
        with small_pages():
            digests = _vnode_digests(names, count)
            tokens = self._hashed(indices.tolist(), count, digests)
            self._insert([tokens], [digests], [(indices, count)])

    def remove(self, member_id: str) -> RingChange:
        """Leave of ``member_id``; the change lists the positions it gave up."""
        idx = self.index_of(member_id)
        self._settled()
        del self._index[member_id]
        tokens = self._member_tokens.pop(idx)
        # Its vnodes' places in the fair order: its sort keys (V MD5s again), binary-searched.
        digests = _digests(f"{member_id}#{i}" for i in range(tokens.size))
        with small_pages():  # new copies of the sorted arrays (see vnode_order.small_pages)
            self._merge_pending()
            gone = np.searchsorted(self._vn_key, sort_keys(tokens, digests))
            self._vn_key = np.delete(self._vn_key, gone)
            self._vn_token = np.delete(self._vn_token, gone)
            self._vn_member = np.delete(self._vn_member, gone)
            self._vn_replica = np.delete(self._vn_replica, gone)
        touched = distinct_sorted(tokens)
        lost = touched[self._winner[touched] == idx]
        positions = _expand_arcs(lost, self._occupied) if lost.size else lost
        # The next vnode in the fair order at each lost position (if any) becomes its winner.
        nxt = np.searchsorted(self._vn_token, lost, side="left")
        inside = nxt < self._vn_token.size
        still = np.zeros(lost.size, dtype=bool)
        still[inside] = self._vn_token[nxt[inside]] == lost[inside]
        winners = np.full(lost.size, -1, dtype=np.int32)
        winners[still] = self._vn_member[nxt[still]]
        self._winner[lost] = winners
        self._winner_key[lost[still]] = self._vn_key[nxt[still]]
        self._occupied = self._occupied[self._winner[self._occupied] >= 0]
        return self._apply("leave", member_id, positions, self._owners_at(positions))

    # -- routing -----------------------------------------------------------------------------

    def owner_table(self) -> Int32Array:
        """Member index owning each of the 10000 positions (-1 when empty); read-only view."""
        view = self._owner.view()
        view.flags.writeable = False
        return view

    def route_tokens(self, tokens: npt.ArrayLike) -> Int32Array:
        """Member index per token: one fancy index into the owner table."""
        toks = np.asarray(tokens)
        if not self._index:
            raise EmptyRingError()
        self._settled()
        if toks.size:
            if not np.issubdtype(toks.dtype, np.integer):
                raise TypeError(f"tokens must be integers, got dtype {toks.dtype}")
            if int(toks.min()) < 0 or int(toks.max()) >= TOKEN_SPACE:
                raise ValueError(f"tokens must lie in [0, {TOKEN_SPACE - 1}]")
        owners: Int32Array = self._owner[toks]
        return owners

    def route_token(self, tok: int) -> str:
        """The member owning token ``tok``."""
        name = self._owner_names[_check_token(tok)]
        if name is None:
            raise EmptyRingError()
        return name

    def route(self, key: str) -> str:
        """The member owning ``token(key)``: one MD5 and one list lookup."""
        # str.encode() defaults to UTF-8; the bare call and the module-level alias of
        # int.from_bytes matter here (this is the per-task hot path, ~0.5 µs).
        name = self._owner_names[_from_bytes(_md5(key.encode()).digest(), "big") % TOKEN_SPACE]
        if name is None:
            raise EmptyRingError()
        return name

    def load(self, tokens: npt.ArrayLike) -> dict[str, int]:
        """Tasks per live member (join order) for the given task tokens."""
        owners = self.route_tokens(tokens)
        counts = np.bincount(owners.astype(np.int64), minlength=len(self._names))
        return {name: int(counts[idx]) for name, idx in self._index.items()}

    # -- per-member facts --------------------------------------------------------------------

    def vnode_tokens(self, member_id: str) -> IntArray:
        """The member's V vnode tokens in replica order (duplicates included)."""
        return self._member_tokens[self.index_of(member_id)].copy()

    def vnode_tokens_by_index(self) -> dict[int, IntArray]:
        """Every live member's vnode tokens, keyed by member index (what the ring view draws)."""
        return {self.index_of(m): self.vnode_tokens(m) for m in self.members}

    def distinct_positions(self, member_id: str) -> int:
        """Positions where one of the member's vnodes comes first in the fair order."""
        return int(np.count_nonzero(self._winner == self.index_of(member_id)))

    def distinct_positions_by_index(self) -> IntArray:
        """:meth:`distinct_positions` of every member at once, by member index (0 past the
        end): one pass over the positions instead of one per member."""
        return np.bincount(self._winner[self._winner >= 0])

    def owned_positions(self, member_id: str) -> int:
        """How many of the 10000 positions route to the member."""
        return int(np.count_nonzero(self._owner == self.index_of(member_id)))

    def arcs(self, member_id: str) -> list[tuple[int, int]]:
        """Owned arcs as inclusive (start, end) positions; an arc across 0 has start > end."""
        mine = self._owner == self.index_of(member_id)
        if not mine.any():
            return []
        if mine.all():
            return [(0, TOKEN_SPACE - 1)]
        step = np.diff(mine.astype(np.int8))
        starts = (np.flatnonzero(step == 1) + 1).tolist()
        ends = np.flatnonzero(step == -1).tolist()
        if mine[0]:
            starts.insert(0, 0)
        if mine[-1]:
            ends.append(TOKEN_SPACE - 1)
        arcs = list(zip(starts, ends, strict=True))
        if mine[0] and mine[-1]:  # the run at the end continues at 0: one arc across 12 o'clock
            arcs = [*arcs[1:-1], (arcs[-1][0], arcs[0][1])]
        return arcs

    def walk(self, tok: int) -> dict[str, Any]:
        """Why token ``tok`` goes where it goes (for the explain panel).

        Keys: task_token, vnode_key, vnode_token, member, member_index, wrapped (no vnode at
        or after tok, so the walk wrapped to the first vnode), distance (positions walked),
        vnodes_at_token (vnodes sharing the chosen token) and passed (those that lost the
        MD5 tie-break to the chosen vnode).
        """
        tok = _check_token(tok)
        if not self._index:
            raise EmptyRingError()
        self._settled()
        self._merge_pending()
        j = int(np.searchsorted(self._vn_token, tok, side="left"))
        wrapped = j == self._vn_token.size
        if wrapped:
            j = 0
        vtok = int(self._vn_token[j])
        tied = int(np.searchsorted(self._vn_token, vtok, side="right")) - j
        member = int(self._vn_member[j])
        name = self._names[member]
        return {
            "task_token": tok,
            "vnode_key": f"{name}#{int(self._vn_replica[j])}",
            "vnode_token": vtok,
            "member": name,
            "member_index": member,
            "wrapped": wrapped,
            "distance": (vtok - tok) % TOKEN_SPACE,
            "vnodes_at_token": tied,
            "passed": tied - 1,
        }

    # -- internals ---------------------------------------------------------------------------

    def _check_new(self, names: Sequence[str]) -> None:
        seen: set[str] = set()
        for name in names:
            if not isinstance(name, str) or not name:
                raise ValueError(f"member id must be a non-empty string, got {name!r}")
            if name in self._index or name in seen:
                raise ValueError(f"member {name!r} is already on the ring")
            seen.add(name)

    def _register(self, name: str) -> int:
        idx = len(self._names)
        self._names.append(name)
        self._index[name] = idx
        return idx

    def _owners_at(self, positions: IntArray) -> Int32Array:
        """Owner of each position from the winners: the next occupied position's winner."""
        if self._occupied.size == 0:
            return np.full(positions.size, -1, dtype=np.int32)
        j = np.searchsorted(self._occupied, positions, side="left")
        j[j == self._occupied.size] = 0
        return self._winner[self._occupied[j]]

    def _apply(
        self, kind: str, member: str, positions: IntArray, new_owner: Int32Array
    ) -> RingChange:
        old_owner = self._owner[positions]
        self._owner[positions] = new_owner
        if positions.size > 500:  # a large change (first join, last leave): refresh in bulk
            self._refresh_owner_names()
        else:
            names = self._names
            for pos, who in zip(positions.tolist(), new_owner.tolist(), strict=True):
                self._owner_names[pos] = names[who] if who >= 0 else None
        return RingChange(
            kind="join" if kind == "join" else "leave",
            member=member,
            positions=positions,
            old_owner=old_owner,
            new_owner=new_owner,
        )

    def _rebuild_tables(self) -> None:
        tok = self._vn_token
        winner = np.full(TOKEN_SPACE, -1, dtype=np.int32)
        if tok.size:
            first = np.ones(tok.size, dtype=bool)
            first[1:] = tok[1:] != tok[:-1]
            winner[tok[first]] = self._vn_member[first]
            self._winner_key[tok[first]] = self._vn_key[first]
        self._winner = winner
        self._occupied = np.flatnonzero(winner >= 0).astype(np.int64)
        self._owner = self._owners_at(np.arange(TOKEN_SPACE, dtype=np.int64))
        self._refresh_owner_names()

    def _refresh_owner_names(self) -> None:
        # Index -1 (no owner) picks the trailing None.
        names = np.array([*self._names, None], dtype=object)
        self._owner_names = names[self._owner].tolist()


def _check_vnodes(vnodes: int) -> int:
    if isinstance(vnodes, bool) or not isinstance(vnodes, int | np.integer) or vnodes < 1:
        raise ValueError(f"vnodes must be a whole number ≥ 1, got {vnodes!r}")
    return int(vnodes)


def _check_token(tok: int) -> int:
    if isinstance(tok, bool) or not isinstance(tok, int | np.integer):
        raise TypeError(f"token must be an integer, got {tok!r}")
    if not 0 <= tok < TOKEN_SPACE:
        raise ValueError(f"token must lie in [0, {TOKEN_SPACE - 1}], got {tok}")
    return int(tok)
