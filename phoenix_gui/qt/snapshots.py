"""Plain, immutable data the adapter hands to the views: what a member or the tasks look like
at one step. Views draw these and never hold a reference to the engine.

Kept apart from any one view so the adapter (which builds them) and every view (which draws
them) depend on this small module instead of on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _ints() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class MemberInfo:
    """What the ring view shows about one live member."""

    id: str
    index: int
    token: int
    status: str = "ACTIVE"
    kind: str = "host"
    vnodes: int = 0
    distinct: int = 0
    load: int = 0
    trust: float = 1.0


@dataclass(frozen=True)
class TaskArrays:
    """Active tasks as columns: engine task index, token, owner member index (−1 none)."""

    ids: np.ndarray
    tokens: np.ndarray
    owner: np.ndarray
    state: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    progress: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass(frozen=True)
class Moves:
    """Tasks that started to migrate, as columns: task id, token, source and target member
    ring index (−1: none), and why (``retire``, ``crash``, ``join``, ``context_limit`` …)."""

    tasks: np.ndarray = field(default_factory=_ints)
    tokens: np.ndarray = field(default_factory=_ints)
    source: np.ndarray = field(default_factory=_ints)
    target: np.ndarray = field(default_factory=_ints)
    reasons: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.tasks.size)


@dataclass(frozen=True)
class Handoff:
    """An agent session handed on: the task, the two agents and the summary it carries."""

    task: int
    source: str
    target: str | None
    reason: str
    checkpoint: float
    lost: float = 0.0


@dataclass(frozen=True)
class Decision:
    """Why a task went where it went: the engine's explanation (scored paradigms)."""

    task: int
    paradigm: str
    rule: str
    scores: tuple[tuple[str, float], ...]  # (member id, score), best first, as explained
    winner: str | None
    considered: int


@dataclass(frozen=True)
class MembershipChange:
    """One member joined, started to drain, crashed, was removed or was refused, with the
    task moves it caused and the ring positions that changed hands."""

    kind: str  # join | drain | crash | removed | retired | rejected
    member: MemberInfo
    paradigm: str
    moves: Moves = field(default_factory=Moves)
    positions: np.ndarray = field(default_factory=_ints)  # token positions that changed owner
    new_owner: np.ndarray = field(default_factory=_ints)  # their owner after (−1 none)
    stranded: int = 0
    reason: str = ""  # a refusal's governance reason


@dataclass(frozen=True)
class StepStory:
    """What a step (or a replay of one) did that the views animate.

    ``time_scale`` is 1 for a live step and 0.25 for the slow-motion replay; ``replay`` tells
    the views not to touch what the engine state says now (owners, statuses).
    """

    moves: Moves = field(default_factory=Moves)
    changes: tuple[MembershipChange, ...] = ()
    handoffs: tuple[Handoff, ...] = ()
    decision: Decision | None = None
    time_scale: float = 1.0
    replay: bool = False
    step: int = 0


@dataclass(frozen=True)
class NodeInfo:
    """A Kubernetes node: capacity, what is used, and its pods (task ids, ascending)."""

    id: str
    index: int
    status: str
    cpu: float
    memory: float
    cpu_used: float
    memory_used: float
    pods: np.ndarray = field(default_factory=_ints)
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClusterSnapshot:
    """Every node, and the pods waiting for one (queue order) with the reason they wait."""

    nodes: tuple[NodeInfo, ...] = ()
    pending: np.ndarray = field(default_factory=_ints)
    pending_cpu: float = 0.0  # the head of the queue's demand
    pending_memory: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class AgentInfo:
    """An LLM agent card: skills, trust, reliability, active tasks and its fullest context."""

    id: str
    index: int
    status: str
    skills: tuple[str, ...]
    trust: float
    reliability: float
    active: int
    context_limit: float
    context_used: float  # hours of work in its fullest open session
    tasks: np.ndarray = field(default_factory=_ints)


@dataclass(frozen=True)
class RefusedAgent:
    """A member governance refused at registration, and why."""

    id: str
    reason: str
    trust: float
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgentsSnapshot:
    agents: tuple[AgentInfo, ...] = ()
    refused: tuple[RefusedAgent, ...] = ()
    pending: int = 0
