"""The pure simulation model: numpy and the standard library only (never Qt, never YAML).

This package is the engine's public surface (docs/engine_api.md): the window, the command line,
the scenario package and the benchmarks write ``from phoenix_gui.engine import Simulation, …``
and never reach into a submodule. The submodules are the engine's own business; each imports
the others by their module path, never through this file, so the engine has no import cycle.
"""

from phoenix_gui.engine.audit import (
    GENESIS_HASH,
    MAX_LINE_BYTES,
    RECENT,
    SEAL_EVENT,
    AuditLog,
    AuditRecord,
    VerifyResult,
    canonical_json,
    verify_file,
    verify_lines,
)
from phoenix_gui.engine.churn import MAX_EVENT_RATE, MAX_EVENTS_PER_STEP, rate_notes, rate_problem
from phoenix_gui.engine.config import (
    PARADIGMS,
    RETIREMENT_MODES,
    ChurnConfig,
    GovernanceConfig,
    MemberKind,
    MembersConfig,
    MemberSpec,
    Paradigm,
    RetirementMode,
    RingConfig,
    SimulationConfig,
    TimelineEvent,
    TimingConfig,
    WorkloadConfig,
)
from phoenix_gui.engine.core import ChangeRecord, Counters, StepResult
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.engine.governance import MAX_LIVE_MEMBERS, REGISTRY_FULL
from phoenix_gui.engine.members import Member, MemberStatus
from phoenix_gui.engine.metrics import (
    CRITICAL,
    DEGRADED,
    HEALTHY,
    BalanceStats,
    HealthBands,
    MetricInputs,
    Metrics,
    MetricsError,
    balance,
    compute,
    dhs_text,
    ideal_overhead,
)
from phoenix_gui.engine.observed import History, ObservedInputs, ObservedMetrics, observe
from phoenix_gui.engine.params_apply import CHANGEABLE, with_parameters
from phoenix_gui.engine.registry import Registry
from phoenix_gui.engine.report import Snapshot
from phoenix_gui.engine.rewind import RunHistory
from phoenix_gui.engine.ring import (
    TIE_RULE,
    TOKEN_SPACE,
    EmptyRingError,
    HashRing,
    RingChange,
    TokenIndex,
    effective_vnodes,
    moved_tasks,
    token,
    tokens_of,
    vnode_saturation,
)
from phoenix_gui.engine.simulation import Simulation, Stepper
from phoenix_gui.engine.state import (
    STATE_VERSION,
    Checkpoint,
    StateError,
    read_state,
    write_state,
)
from phoenix_gui.engine.tasks import FlightPacket, TaskState, TaskTable

__all__ = [
    "CHANGEABLE",
    "CRITICAL",
    "DEGRADED",
    "GENESIS_HASH",
    "HEALTHY",
    "MAX_EVENTS_PER_STEP",
    "MAX_EVENT_RATE",
    "MAX_LINE_BYTES",
    "MAX_LIVE_MEMBERS",
    "PARADIGMS",
    "RECENT",
    "REGISTRY_FULL",
    "RETIREMENT_MODES",
    "SEAL_EVENT",
    "STATE_VERSION",
    "TIE_RULE",
    "TOKEN_SPACE",
    "AuditLog",
    "AuditRecord",
    "BalanceStats",
    "ChangeRecord",
    "Checkpoint",
    "ChurnConfig",
    "Counters",
    "EmptyRingError",
    "Event",
    "FlightPacket",
    "GovernanceConfig",
    "HashRing",
    "HealthBands",
    "History",
    "Member",
    "MemberKind",
    "MemberSpec",
    "MemberStatus",
    "MembersConfig",
    "MetricInputs",
    "Metrics",
    "MetricsError",
    "ObservedInputs",
    "ObservedMetrics",
    "Paradigm",
    "Primitive",
    "Registry",
    "RetirementMode",
    "RingChange",
    "RingConfig",
    "RunHistory",
    "Simulation",
    "SimulationConfig",
    "Snapshot",
    "StateError",
    "StepResult",
    "Stepper",
    "TaskState",
    "TaskTable",
    "TimelineEvent",
    "TimingConfig",
    "TokenIndex",
    "VerifyResult",
    "WorkloadConfig",
    "balance",
    "canonical_json",
    "compute",
    "dhs_text",
    "effective_vnodes",
    "ideal_overhead",
    "moved_tasks",
    "observe",
    "rate_notes",
    "rate_problem",
    "read_state",
    "token",
    "tokens_of",
    "verify_file",
    "verify_lines",
    "vnode_saturation",
    "with_parameters",
    "write_state",
]
