"""Members (hosts, nodes, agents), their lifecycle states and per-member numeric columns.

Lifecycle (DESIGN.md §5)::

    JOINING → ACTIVE → DRAINING → RETIRED
              ACTIVE → FAILED (crashed, not yet noticed) → SUSPECT → REMOVED
    JOINING → REJECTED (governance refused it)

A :class:`Member` is a small Python object for views and explanations; the numbers the engine
updates in bulk (load, running tasks, capacity used) live in :class:`MemberColumns`, numpy
arrays indexed by the member's ring index, so a migration of many tasks is one vector update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.config import MemberKind, MemberSpec


class MemberStatus(StrEnum):
    JOINING = "JOINING"
    ACTIVE = "ACTIVE"
    DRAINING = "DRAINING"
    RETIRED = "RETIRED"
    FAILED = "FAILED"
    SUSPECT = "SUSPECT"
    REMOVED = "REMOVED"
    REJECTED = "REJECTED"


# Statuses in which the member still holds (or may hold) tasks and a place on the ring.
LIVE = frozenset(
    {MemberStatus.JOINING, MemberStatus.ACTIVE, MemberStatus.DRAINING, MemberStatus.FAILED,
     MemberStatus.SUSPECT}
)  # fmt: skip


@dataclass(eq=False)
class Member:
    """One registered (or rejected) member. ``index`` is its ring index, -1 if never placed."""

    id: str
    kind: MemberKind
    status: MemberStatus
    token: int
    vnodes: int
    trust: float
    reliability: float
    capabilities: tuple[str, ...]
    cpu: float
    memory: float
    accuracy: float
    context_limit: float
    follows_trust: bool = False  # generated members track the trust slider (see Simulation)
    trust_offset: float = 0.0  # generated: its draw in [-1, 1] around T (config.drawn_trust)
    index: int = -1
    joined_at: float = 0.0
    left_at: float | None = None
    columns: MemberColumns | None = field(default=None, repr=False)

    @classmethod
    def from_spec(
        cls, spec: MemberSpec, token: int, vnodes: int, follows_trust: bool = False
    ) -> Member:
        return cls(
            id=spec.id,
            kind=spec.kind,
            status=MemberStatus.JOINING,
            token=token,
            vnodes=vnodes,
            trust=float(spec.trust),
            reliability=float(spec.reliability),
            capabilities=tuple(spec.capabilities),
            cpu=float(spec.cpu),
            memory=float(spec.memory),
            accuracy=float(spec.accuracy),
            context_limit=float(spec.context_limit),
            follows_trust=follows_trust,
        )

    @property
    def load(self) -> int:
        """Active tasks it owns (running, arriving by migration, or stranded on it)."""
        if self.columns is None or self.index < 0:
            return 0
        return int(self.columns.load[self.index])

    @property
    def running(self) -> int:
        if self.columns is None or self.index < 0:
            return 0
        return int(self.columns.running[self.index])

    def as_dict(self) -> dict[str, object]:
        """A JSON-able row for tables and explanations."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status.value,
            "index": self.index,
            "token": self.token,
            "trust": self.trust,
            "reliability": self.reliability,
            "capabilities": list(self.capabilities),
            "load": self.load,
        }


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class MemberColumns:
    """Per-member numbers indexed by ring index; grows as members join (indices never reused)."""

    def __init__(self, capacity: int = 64) -> None:
        self.size = 0
        self.load: IntArray = np.zeros(capacity, dtype=np.int64)
        self.running: IntArray = np.zeros(capacity, dtype=np.int64)
        self.outgoing: IntArray = np.zeros(capacity, dtype=np.int64)  # transfers still leaving
        self.reliability: FloatArray = np.zeros(capacity, dtype=np.float64)
        self.trust: FloatArray = np.zeros(capacity, dtype=np.float64)
        self.cpu: FloatArray = np.zeros(capacity, dtype=np.float64)
        self.memory: FloatArray = np.zeros(capacity, dtype=np.float64)
        self.cpu_used: FloatArray = np.zeros(capacity, dtype=np.float64)
        self.memory_used: FloatArray = np.zeros(capacity, dtype=np.float64)
        # True while the member accepts new work (ACTIVE); assignment filters on it.
        self.schedulable: npt.NDArray[np.bool_] = np.zeros(capacity, dtype=bool)
        # True while the member does work (ACTIVE or DRAINING): measured for T_obs.
        self.working: npt.NDArray[np.bool_] = np.zeros(capacity, dtype=bool)

    _ARRAYS = (
        "load", "running", "outgoing", "reliability", "trust", "cpu", "memory", "cpu_used",
        "memory_used", "schedulable", "working",
    )  # fmt: skip

    def ensure(self, index: int) -> None:
        """Make room for ``index``."""
        if index < self.load.size:
            self.size = max(self.size, index + 1)
            return
        capacity = max(index + 1, 2 * self.load.size)
        for name in self._ARRAYS:
            old = getattr(self, name)
            new = np.zeros(capacity, dtype=old.dtype)
            new[: old.size] = old
            setattr(self, name, new)
        self.size = index + 1

    def place(self, member: Member) -> None:
        """Load a newly placed member's figures into its row."""
        i = member.index
        self.ensure(i)
        self.reliability[i] = member.reliability
        self.trust[i] = member.trust
        self.cpu[i] = member.cpu
        self.memory[i] = member.memory
        member.columns = self


def add_counts(column: IntArray, members: npt.NDArray[np.integer], sign: int) -> None:
    """``np.add.at(column, members, sign)`` for an integer column: one ``bincount`` over the
    indexes (a fraction of ``add.at``'s cost; integer sums do not depend on their order).
    Indexes ``bincount`` refuses (negative ones) or beyond the column go to ``add.at``, which
    does with them exactly what it always did."""
    try:
        counts = np.bincount(members, minlength=column.size)
    except (TypeError, ValueError):
        np.add.at(column, members, sign)
        return
    if counts.size != column.size:
        np.add.at(column, members, sign)
    elif sign == 1:
        column += counts
    elif sign == -1:
        column -= counts
    else:
        column += sign * counts
