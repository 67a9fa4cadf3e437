"""Plain, immutable data the adapter hands to the views: what a member or the tasks look like
at one step. Views draw these and never hold a reference to the engine.

Kept apart from any one view so the adapter (which builds them) and every view (which draws
them) depend on this small module instead of on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


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
