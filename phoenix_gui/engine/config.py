"""The plain configuration a :class:`~phoenix_gui.engine.simulation.Simulation` is built from.

Dataclasses only: the scenario package (pydantic + YAML) maps scenario files onto these, the
command line builds them from flags, the GUI from its sliders. Defaults come from the shared
parameter specs (``phoenix_gui.params``) so nothing is declared twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from phoenix_gui.engine.metrics import HealthBands, MetricInputs
from phoenix_gui.params import PARAMS

Paradigm = Literal["phoenix", "kubernetes", "agentic", "trust-weighted"]
PARADIGMS: tuple[Paradigm, ...] = ("phoenix", "kubernetes", "agentic", "trust-weighted")
RetirementMode = Literal["drain", "evict"]
# drain: checkpointed migration (DRAINING → RETIRED); evict: the web runtime's flow (RETIRED →
# its tasks evicted to PENDING at their last checkpoint → rescheduled → audited).
RETIREMENT_MODES: tuple[RetirementMode, ...] = ("drain", "evict")
# Generated members' trust is drawn uniformly within ± this of T, narrowed near 0 and 1 so it
# stays in [0, 1] (T = 1 gives trust 1 exactly): see :func:`drawn_trust`.
TRUST_SPREAD = 0.02


def drawn_trust(trust: float, u: float) -> float:
    """A generated member's trust for T = ``trust`` and its draw ``u`` in [-1, 1]."""
    return trust + u * min(TRUST_SPREAD, trust, 1.0 - trust)


MemberKind = Literal["host", "node", "agent"]
TimelineKind = Literal["join", "retire", "crash", "burst", "set", "caption", "submit"]


def _default(name: str) -> float:
    return PARAMS[name].default


@dataclass(frozen=True)
class MemberSpec:
    """One member to register (listed in a scenario, generated, or added by a user).

    Fields a paradigm does not use are ignored by it: ``vnodes`` only matters on the ring,
    ``cpu`` / ``memory`` for kubernetes, ``skills`` / ``accuracy`` / ``context_limit`` for agents.
    """

    id: str
    kind: MemberKind = "host"
    vnodes: int | None = None  # None → RingConfig.vnodes
    # Probability a unit of work succeeds (T_obs is its measured rate); governance admits only
    # trust ≥ GovernanceConfig.min_member_trust. Generated members draw theirs around T.
    trust: float = 1.0
    reliability: float = _default("reliability")  # scored by agentic / trust-weighted routing
    capabilities: tuple[str, ...] = ()  # skills for agents, labels for nodes
    # Kubernetes capacity: sized so the default hosts hold the default tasks with headroom
    # (10 nodes × 128 pods of 0.25 CPU / 1 GiB = 1280 ≥ 1000 tasks).
    cpu: float = 32.0  # cores
    memory: float = 128.0  # GiB
    accuracy: float = 0.98  # agentic: an agent errs on a step with probability 1 - accuracy
    context_limit: float = 8.0  # agentic: hours of work one session holds before a hand-off


@dataclass(frozen=True)
class MembersConfig:
    """Listed members, plus ``generate`` more named ``{prefix}{i}`` with the template's fields."""

    listed: tuple[MemberSpec, ...] = ()
    generate: int = int(_default("hosts"))
    prefix: str = "host-"
    template: MemberSpec = field(default_factory=lambda: MemberSpec(id="template"))


@dataclass(frozen=True)
class RingConfig:
    vnodes: int = int(_default("vnodes"))


@dataclass(frozen=True)
class WorkloadConfig:
    """Tasks at the start and arriving over time. Work is measured in hours of processing."""

    initial_tasks: int = int(_default("tasks"))
    arrival_rate: float = _default("arrival_rate")  # new tasks per hour (Poisson)
    work_mean: float = 48.0  # mean hours of work per task (exponential, at least one step)
    state_mb: float = 64.0  # serialised checkpoint size of one task
    capabilities: tuple[str, ...] = ()  # each task requires one of these (empty: none)
    cpu_demand: float = 0.25  # kubernetes demand per task
    memory_demand: float = 1.0
    min_trust: float = 0.0  # task policy: members below this trust may not run it


@dataclass(frozen=True)
class ChurnConfig:
    """Poisson joins and leaves at rates J/Δt and L/Δt per hour (from MetricInputs)."""

    enabled: bool = True
    crash_share: float = _default("crash_share")
    min_members: int = 1  # a leave that would drop below this is suppressed (and counted)


@dataclass(frozen=True)
class TimingConfig:
    step_hours: float = 0.25
    heartbeat_interval: float = 0.25  # hours between heartbeats
    heartbeat_timeout: float = 1.0  # hours of silence before a member is SUSPECT, then REMOVED
    checkpoint_interval: float = 1.0  # hours between periodic checkpoints of running tasks
    bandwidth_mb_per_hour: float = 3600.0 * 100  # 100 MB/s
    validation_failure: float = 0.01  # probability a transferred checkpoint fails SHA-256


@dataclass(frozen=True)
class GovernanceConfig:
    min_member_trust: float = 0.5  # admission policy; compliance (authorised share) is in metrics


@dataclass(frozen=True)
class TimelineEvent:
    """A scripted event at simulated hour ``at``.

    join: ``member`` (a MemberSpec, or None to generate one); retire / crash: ``target`` id;
    burst: ``count`` joins (or leaves if ``leaves`` is True); set: ``values`` {param: value};
    caption: ``text`` and ``pause``; submit: ``count`` tasks.
    """

    at: float
    kind: TimelineKind
    target: str | None = None
    member: MemberSpec | None = None
    count: int = 1
    leaves: bool = False
    values: tuple[tuple[str, float], ...] = ()
    text: str = ""
    pause: bool = False


@dataclass(frozen=True)
class SimulationConfig:
    name: str = "untitled"
    seed: int = 20041
    paradigm: Paradigm = "phoenix"
    retirement: RetirementMode = "drain"
    metrics: MetricInputs = field(
        default_factory=lambda: MetricInputs(
            joins=_default("joins"),
            leaves=_default("leaves"),
            hours=_default("hours"),
            trust=_default("trust"),
            compliance=_default("compliance"),
            w_join=_default("w_join"),
            w_leave=_default("w_leave"),
        )
    )
    bands: HealthBands = field(default_factory=HealthBands)
    members: MembersConfig = field(default_factory=MembersConfig)
    ring: RingConfig = field(default_factory=RingConfig)
    workload: WorkloadConfig = field(default_factory=WorkloadConfig)
    churn: ChurnConfig = field(default_factory=ChurnConfig)
    timing: TimingConfig = field(default_factory=TimingConfig)
    governance: GovernanceConfig = field(default_factory=GovernanceConfig)
    timeline: tuple[TimelineEvent, ...] = ()
