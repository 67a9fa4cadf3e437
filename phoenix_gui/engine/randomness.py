"""Random streams of one run: a single ``SeedSequence`` and one child generator per process.

Every random process of the model draws from its own named stream, spawned from the run's
``SeedSequence`` (entropy = the configured seed). The children are spawned in the fixed order
of :data:`STREAMS`; a new process is appended at the end, so adding one never shifts the numbers
another process draws. There is no global RNG anywhere in the engine.
"""

from __future__ import annotations

import numpy as np

# Append only: the position of a name fixes its child seed (SeedSequence spawn key).
STREAMS: tuple[str, ...] = (
    "churn_joins",  # how many joins in a step and when
    "churn_leaves",  # how many leaves in a step and when
    "crash_choice",  # crash or graceful retirement, and which member leaves
    "workload",  # work per task, arrivals, capabilities of generated tasks
    "governance",  # task authorisation at the compliance share
    "validation",  # checkpoint validation failures after a transfer
    "agent_errors",  # agentic: step at which an agent errs
    "work_units",  # success of each unit of work, with the member's trust (T_obs)
    "member_trust",  # generated members' trust, drawn around T
)


class Streams:
    """The generators of one run, looked up by name."""

    def __init__(self, seed: int) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seed: must be a whole number ≥ 0, got {seed!r}")
        self.root = np.random.SeedSequence(seed)
        children = self.root.spawn(len(STREAMS))
        self._gens = {
            name: np.random.Generator(np.random.PCG64(child))
            for name, child in zip(STREAMS, children, strict=True)
        }

    @property
    def entropy(self) -> int:
        """The entropy recorded in the first audit record (equals the seed)."""
        return int(self.root.entropy)  # type: ignore[arg-type]

    def __getitem__(self, name: str) -> np.random.Generator:
        return self._gens[name]
