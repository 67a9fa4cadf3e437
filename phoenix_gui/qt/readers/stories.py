"""The adapter's reading of one step's events: which tasks started to move, which membership
changes happened, hand-offs, and the last placement decision, as one :class:`StepStory`.

Read for the adapter (only :mod:`phoenix_gui.qt.adapter` calls it): it reads the engine's
events and public state and returns plain snapshots, so the views animate what the engine
reported and nothing else. Large batches arrive as one ``migrations_started`` event with
parallel lists; both forms give the same :class:`Moves`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from phoenix_gui.engine import Event, Member, Simulation
from phoenix_gui.qt.snapshots import (
    Decision,
    Handoff,
    MemberInfo,
    MembershipChange,
    Moves,
    StepStory,
)

# Engine event kind → the change the views show.
CHANGE_KINDS = {
    "member_joined": "join",
    "member_draining": "drain",
    "member_crashed": "crash",
    "member_removed": "removed",
    "member_retired": "retired",
    "member_rejected": "rejected",
}
# Events whose task was just placed on a member (the first one's decision is shown).
_PLACEMENTS = ("task_assigned", "migration_started")


def member_info(sim: Simulation, m: Member, distinct: np.ndarray | None = None) -> MemberInfo:
    """What the views show of member ``m``; ``distinct``: the ring's
    ``distinct_positions_by_index()`` when many members are read at once."""
    on_ring = m.id in sim.ring
    if not on_ring:
        held = 0
    elif distinct is None:
        held = sim.ring.distinct_positions(m.id)
    else:
        index = sim.ring.index_of(m.id)
        held = int(distinct[index]) if index < distinct.size else 0
    return MemberInfo(
        id=m.id,
        index=m.index,
        token=int(m.token),
        status=m.status.value,
        kind=m.kind,
        vnodes=int(m.vnodes),
        distinct=held,
        load=int(m.load),
        trust=float(m.trust),
    )


class _Indices(dict[object, int]):
    """Member id → index, read element by element in C (``map(indices.__getitem__, ids)``);
    None, or an id no member has, is −1."""

    def __missing__(self, key: object) -> int:
        return -1 if key is None or isinstance(key, str) else self.get(str(key), -1)


def _moves(events: Sequence[Event], index_of: dict[str, int]) -> Moves:
    """Every move the events started, in their order. A batch (``migrations_started``, 10^5
    moves in a churn-heavy step) is read in numpy and C-level maps, not a Python call a move."""
    indices = _Indices(index_of)
    tasks: list[np.ndarray] = []
    tokens: list[np.ndarray] = []
    src: list[np.ndarray] = []
    dst: list[np.ndarray] = []
    reasons: list[str] = []
    for e in events:
        d = e.details
        if e.kind == "migration_started":
            tasks.append(np.array([int(d["task"])], dtype=np.int64))
            tokens.append(np.array([int(d.get("token", 0))], dtype=np.int64))
            src.append(np.array([indices[d.get("from")]], dtype=np.int64))
            dst.append(np.array([indices[d.get("to")]], dtype=np.int64))
            reasons.append(str(d.get("reason", "")))
        elif e.kind == "migrations_started":
            n = int(d["count"])
            tasks.append(np.asarray(d["tasks"], dtype=np.int64).reshape(-1))
            tokens.append(np.asarray(d["tokens"], dtype=np.int64).reshape(-1))
            src.append(np.fromiter(map(indices.__getitem__, d["from"]), np.int64, len(d["from"])))
            dst.append(np.fromiter(map(indices.__getitem__, d["to"]), np.int64, len(d["to"])))
            reasons += [str(d.get("reason", ""))] * n

    def joined(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    return Moves(joined(tasks), joined(tokens), joined(src), joined(dst), tuple(reasons))


class _Grouped:
    """Positions of an array's elements by value, in their order: a step with hundreds of
    joins asks once per join, and a scan of every move per join made that quadratic (the
    J = L = max step held the window over 100 ms in one slice)."""

    def __init__(self, values: np.ndarray) -> None:
        self._order = np.argsort(values, kind="stable")
        ordered = values[self._order]
        # Each value's run in the sorted array, found in one pass: a lookup per ask after.
        self._runs: dict[int, tuple[int, int]] = {}
        if ordered.size:
            starts = np.flatnonzero(np.diff(ordered, prepend=ordered[:1] - 1))
            ends = np.append(starts[1:], ordered.size)
            runs = zip(starts.tolist(), ends.tolist(), strict=True)
            self._runs = dict(zip(ordered[starts].tolist(), runs, strict=True))

    def of(self, value: int) -> np.ndarray:
        lo, hi = self._runs.get(value, (0, 0))
        return self._order[lo:hi]  # stable sort: already in the array's order


def _subset(moves: Moves, pick: np.ndarray) -> Moves:
    return Moves(
        moves.tasks[pick],
        moves.tokens[pick],
        moves.source[pick],
        moves.target[pick],
        tuple(map(moves.reasons.__getitem__, pick.tolist())),
    )


def decision_of(sim: Simulation, task: int) -> Decision | None:
    """The engine's explanation of where ``task`` went (scored paradigms only)."""
    if sim.config.paradigm == "phoenix":
        return None
    try:
        why = sim.explain(task)
    except (IndexError, KeyError):
        return None
    scores = tuple((str(c["member"]), float(c["score"])) for c in why.get("candidates", []))
    return Decision(
        task=task,
        paradigm=str(why.get("paradigm", sim.config.paradigm)),
        rule=str(why.get("rule", "")),
        scores=scores,
        winner=why.get("winner"),
        considered=int(why.get("considered", len(scores))),
    )


def build_story(
    sim: Simulation,
    events: Sequence[Event],
    owners_before: np.ndarray | None,
    owners_after: np.ndarray | None,
) -> StepStory:
    """The :class:`StepStory` of one step's ``events``; the owner tables before and after the
    step give the ring positions each membership change handed over."""
    members = sim.registry.members(include_rejected=True)
    index_of = {m.id: m.index for m in members}
    moves = _moves(events, index_of)
    changed = np.zeros(0, dtype=np.int64)
    if owners_before is not None and owners_after is not None:
        changed = np.flatnonzero(owners_before != owners_after).astype(np.int64)
    told = [(CHANGE_KINDS[e.kind], e) for e in events if e.kind in CHANGE_KINDS]
    groups = _Groups(sim, moves, changed, owners_before, owners_after, many=len(told) > 1)
    changes = [_change(sim, kind, str(e.details.get("member")), e, groups) for kind, e in told]
    handoffs = tuple(
        Handoff(
            task=int(e.details["task"]),
            source=str(e.details.get("from")),
            target=None if e.details.get("to") is None else str(e.details["to"]),
            reason=str(e.details.get("reason", "")),
            checkpoint=float(e.details.get("checkpoint", 0.0)),
            lost=float(e.details.get("lost", 0.0)),
        )
        for e in events
        if e.kind == "handoff"
    )
    # The step's first placement: later ones in the same step see fewer free members.
    placed = [int(e.details["task"]) for e in events if e.kind in _PLACEMENTS]
    decision = decision_of(sim, placed[0]) if placed else None
    return StepStory(
        moves=moves,
        changes=tuple(changes),
        handoffs=handoffs,
        decision=decision,
        step=sim.step_index,
    )


class _Groups:
    """A step's moves by target and by source, and the changed ring positions by owner before
    and after, each grouped once for all of the step's membership changes."""

    def __init__(
        self,
        sim: Simulation,
        moves: Moves,
        changed: np.ndarray,
        before: np.ndarray | None,
        after: np.ndarray | None,
        many: bool,
    ) -> None:
        self.moves, self.changed, self.after = moves, changed, after
        self.to = _Grouped(moves.target)
        self.source = _Grouped(moves.source)
        self.gained = _Grouped(after[changed]) if after is not None else None
        self.lost = _Grouped(before[changed]) if before is not None else None
        # Every member's distinct positions in one pass when several changes ask.
        self.distinct = sim.ring.distinct_positions_by_index() if many else None


def _change(
    sim: Simulation, kind: str, name: str, event: Event, groups: _Groups
) -> MembershipChange:
    paradigm = sim.config.paradigm
    if kind == "rejected":
        rejected = [m for m in sim.registry.rejected() if m.id == name]
        trust = rejected[-1].trust if rejected else 0.0
        info = MemberInfo(id=name, index=-1, token=0, status="REJECTED", trust=trust)
        return MembershipChange(kind, info, paradigm, reason=str(event.details.get("reason", "")))
    try:
        member = sim.registry.get(name)
    except KeyError:
        return MembershipChange(kind, MemberInfo(id=name, index=-1, token=0), paradigm)
    info = member_info(sim, member, groups.distinct)
    index = member.index
    changed = groups.changed
    none = np.zeros(0, dtype=np.int64)
    if kind == "join":
        mine = groups.to.of(index)
        arcs = changed[groups.gained.of(index)] if groups.gained is not None else none
    elif kind in ("drain", "removed"):
        mine = groups.source.of(index)
        arcs = changed[groups.lost.of(index)] if groups.lost is not None else none
    else:
        mine = none
        arcs = none
    after = groups.after
    new_owner = after[arcs].astype(np.int64) if after is not None else arcs
    return MembershipChange(
        kind,
        info,
        paradigm,
        moves=_subset(groups.moves, mine),
        positions=arcs,
        new_owner=new_owner,
        stranded=int(event.details.get("stranded", 0) or 0),
    )
