"""Property tests of the ring: a hypothesis state machine over join / leave / lookup.

The machine keeps a real HashRing and a TokenIndex of tasks (tasks are created and completed
as it runs, as in the engine) and checks after every step, against the naive reference ring of
test_ring.py, that every task has exactly one live owner, that joins and leaves move only what
they must, that the reported moves equal the diff of a full recompute, that a join followed by
a leave restores the mapping exactly, and that the mapping does not depend on join order.
CI runs it derandomised (HYPOTHESIS_PROFILE=ci, tests/conftest.py).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from phoenix_gui.engine.ring import (
    HashRing,
    RingChange,
    TokenIndex,
    moved_tasks,
    token,
    tokens_of,
)
from tests.engine.test_ring import owner_names, reference_owner, reference_owners

# Few names so joins, leaves and re-joins of the same name all happen. Tokens of so few vnodes
# rarely collide by chance, so most names are picked to collide (found by a one-off search with
# hashlib): "{m}#0" of m19, m249, m1939 share a token; so do "{m}#1" of m20, m1945, m2967, and
# "{m}#0" of m113 and m221. That puts the fair MD5 tie-break under test. Odd names on purpose.
NAMES = ["m19", "m249", "m1939", "m20", "m1945", "m2967", "m113", "m221", "host#7", "ü", "a b"]


class RingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.vnodes = 1
        self.ring = HashRing(vnodes=1)
        self.live: list[str] = []  # join order
        self.index = TokenIndex()
        self.task_tokens: dict[int, int] = {}
        self.next_task = 0

    @initialize(vnodes=st.sampled_from([1, 2, 3, 8]), first=st.integers(0, 4))
    def setup(self, vnodes: int, first: int) -> None:
        self.vnodes = vnodes
        self.ring = HashRing(vnodes=vnodes)
        for name in NAMES[:first]:
            self.ring.add(name)
            self.live.append(name)
        self._create_tasks(200)

    # -- helpers ---------------------------------------------------------------------------

    def _create_tasks(self, count: int) -> None:
        ids = np.arange(self.next_task, self.next_task + count)
        toks = tokens_of([f"task-{i}" for i in ids.tolist()])
        self.index.add(ids, toks)
        self.task_tokens.update(zip(ids.tolist(), toks.tolist(), strict=True))
        self.next_task += count

    def _mapping(self) -> dict[int, str | None]:
        """Owner name of every live task, from the ring's bulk route."""
        ids = sorted(self.task_tokens)
        if not self.live:
            return dict.fromkeys(ids)
        toks = np.array([self.task_tokens[i] for i in ids], dtype=np.int64)
        owners = self.ring.route_tokens(toks).tolist()
        return {i: self.ring.name_of(o) for i, o in zip(ids, owners, strict=True)}

    def _check_moves(
        self, before: dict[int, str | None], after: dict[int, str | None], change: RingChange
    ) -> dict[int, tuple[str | None, str | None]]:
        ids, src, dst = moved_tasks(change, self.index)
        reported = {
            int(i): (self._name(int(s)), self._name(int(d)))
            for i, s, d in zip(ids.tolist(), src.tolist(), dst.tolist(), strict=True)
        }
        diff = {i: (before[i], after[i]) for i in before if before[i] != after[i]}
        assert reported == diff
        assert len(ids) == len(reported)  # nothing reported twice
        return diff

    def _name(self, index: int) -> str | None:
        return None if index < 0 else self.ring.name_of(index)

    # -- rules -----------------------------------------------------------------------------

    @rule(name=st.sampled_from(NAMES))
    def join(self, name: str) -> None:
        if name in self.live:
            return
        before = self._mapping()
        change = self.ring.add(name)
        self.live.append(name)
        after = self._mapping()
        diff = self._check_moves(before, after, change)
        # Each task keeps its owner or moves to the newcomer.
        assert all(new == name for _, new in diff.values())

    @precondition(lambda self: bool(self.live))
    @rule(data=st.data())
    def leave(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(self.live))
        before = self._mapping()
        change = self.ring.remove(name)
        self.live.remove(name)
        after = self._mapping()
        diff = self._check_moves(before, after, change)
        # Only the leaver's tasks move, and all of them do.
        assert all(old == name for old, _ in diff.values())
        assert {i for i, o in before.items() if o == name} == set(diff)

    @rule(name=st.sampled_from(NAMES))
    def join_then_leave(self, name: str) -> None:
        if name in self.live:
            return
        table = self.ring.owner_table().copy()
        before = self._mapping()
        self.ring.add(name)
        self.ring.remove(name)
        assert (self.ring.owner_table() == table).all()
        assert self._mapping() == before

    @rule(key=st.text(max_size=12))
    def lookup(self, key: str) -> None:
        tok = token(key)
        if not self.live:
            return
        expected = reference_owner(self.live, self.vnodes, tok)
        assert self.ring.route(key) == expected
        assert self.ring.route_token(tok) == expected
        assert self.ring.walk(tok)["member"] == expected

    @rule(count=st.integers(1, 40))
    def create_tasks(self, count: int) -> None:
        self._create_tasks(count)

    @precondition(lambda self: bool(self.task_tokens))
    @rule(data=st.data())
    def complete_tasks(self, data: st.DataObject) -> None:
        done = data.draw(st.lists(st.sampled_from(sorted(self.task_tokens)), unique=True))
        self.index.remove(np.array(done, dtype=np.int64))
        for i in done:
            del self.task_tokens[i]

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def table_matches_reference(self) -> None:
        assert owner_names(self.ring) == reference_owners(self.live, self.vnodes)

    @invariant()
    def every_task_has_one_live_owner(self) -> None:
        owners = self._mapping()
        assert set(owners) == set(self.task_tokens)
        if self.live:
            assert all(o in self.live for o in owners.values())
        else:
            assert all(o is None for o in owners.values())

    @invariant()
    def mapping_independent_of_join_order(self) -> None:
        table = owner_names(self.ring)
        assert owner_names(HashRing.from_members(sorted(self.live), self.vnodes)) == table
        rebuilt = HashRing(vnodes=self.vnodes)
        for name in reversed(self.live):
            rebuilt.add(name)
        assert owner_names(rebuilt) == table

    @invariant()
    def index_holds_the_live_tasks(self) -> None:
        assert len(self.index) == len(self.task_tokens)
        assert self.index.task_ids().tolist() == sorted(self.task_tokens)


TestRingMachine = RingMachine.TestCase
