"""Governance (primitive 6): who may join and which tasks may run.

Members: a valid, unique logical identity (letters, digits and ``._:-``, at most 64 characters,
not held by a live member) and trust ≥ the policy minimum, with sane declared figures.
Tasks: each submitted task is authorised with probability = compliance C (its own random
stream); an unauthorised task is DENIED, counted and never runs. The audit log
(:mod:`phoenix_gui.engine.audit`) is the third part of governance.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.config import MemberSpec
from phoenix_gui.params import PARAMS

if TYPE_CHECKING:
    from phoenix_gui.engine.core import Core

# The most live members the registry holds (the ``hosts`` maximum): a join beyond it is refused
# ("registry full"), so no rate of joins can make a step's ring work grow without bound.
MAX_LIVE_MEMBERS = int(PARAMS["hosts"].maximum)
REGISTRY_FULL = f"registry full: {MAX_LIVE_MEMBERS} live members is the most the registry holds"

_ID = re.compile(r"[A-Za-z0-9._:\-]{1,64}")


def validate_identity(core: Core, spec: MemberSpec) -> str | None:
    """Step 1 of Algorithm 1: the reason the identity is refused, or None."""
    if not isinstance(spec.id, str) or not _ID.fullmatch(spec.id):
        return f"invalid identity {spec.id!r}: use 1-64 letters, digits or . _ : -"
    if core.registry.is_live(spec.id):
        return f"identity {spec.id!r} is already held by a live member"
    if spec.id in core.ring:
        return f"identity {spec.id!r} is still on the ring"
    return None


def registry_full(core: Core) -> bool:
    """Whether the membership cap is reached (a join now would be refused)."""
    return core.registry.live_count() >= MAX_LIVE_MEMBERS


def admit_member(core: Core, spec: MemberSpec) -> str | None:
    """Step 2 of Algorithm 1: the governance policy's reason to refuse, or None."""
    minimum = core.config.governance.min_member_trust
    checks: list[tuple[str, float, bool]] = [
        ("trust", spec.trust, 0.0 <= spec.trust <= 1.0),
        ("reliability", spec.reliability, 0.0 <= spec.reliability <= 1.0),
        ("accuracy", spec.accuracy, 0.0 <= spec.accuracy <= 1.0),
        ("cpu", spec.cpu, spec.cpu > 0),
        ("memory", spec.memory, spec.memory > 0),
        ("context_limit", spec.context_limit, spec.context_limit > 0),
    ]
    for name, value, ok in checks:
        if not isinstance(value, int | float) or math.isnan(value) or not ok:
            return f"{name} {value!r} is out of range"
    if spec.vnodes is not None and (not isinstance(spec.vnodes, int) or spec.vnodes < 1):
        return f"vnodes {spec.vnodes!r} must be a whole number ≥ 1"
    if spec.trust < minimum:
        return f"trust {spec.trust:g} is below the policy minimum {minimum:g}"
    return None


def authorise(core: Core, count: int) -> npt.NDArray[np.bool_]:
    """One draw per task: True (authorised) with probability = compliance."""
    rng = core.streams["governance"]
    flags: npt.NDArray[np.bool_] = rng.random(count) < core.config.metrics.compliance
    return flags
