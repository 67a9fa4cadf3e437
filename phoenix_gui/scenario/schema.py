"""The scenario format as pydantic v2 models (unknown keys refused, types strict).

Ranges of the tunable inputs come from :data:`phoenix_gui.params.PARAMS` — the same specs the
command line flags and the GUI sliders use — through :func:`_param`, which checks a value with
``ParamSpec.validate`` and also puts the bounds into the JSON Schema. Defaults come from the
engine's configuration dataclasses, so no default or range is written twice. Fields with no
parameter spec (capacities, probabilities, timings) carry their constraint here, once.

Cross-field rules (members that exist, unique ids, known ``set`` parameters, time order) live
in :mod:`phoenix_gui.scenario.checks` because they need the whole document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from phoenix_gui.engine import (
    CHANGEABLE,
    ChurnConfig,
    GovernanceConfig,
    MemberKind,
    MembersConfig,
    MemberSpec,
    Paradigm,
    RetirementMode,
    SimulationConfig,
    TimingConfig,
    WorkloadConfig,
)
from phoenix_gui.experiments.design import MAX_REPLICATES, MAX_VALUES, VARIABLE_PARAMS
from phoenix_gui.experiments.runs import NUMERIC_METRICS
from phoenix_gui.params import PARAMS, SEED_MAX, ParamError, is_subnormal
from phoenix_gui.scenario import limits

_CFG = SimulationConfig()
_MEMBER = MemberSpec(id="template")
_WORKLOAD = WorkloadConfig()
_CHURN = ChurnConfig()
_TIMING = TimingConfig()
_GOVERNANCE = GovernanceConfig()
_MEMBERS = MembersConfig()

# Parameters a timeline `set` event (and a slider) may change while a run is going: the
# engine's own list, so the schema cannot accept a name the engine would refuse.
SETTABLE_PARAMS: tuple[str, ...] = CHANGEABLE


def _checker(name: str) -> Callable[[Any], Any]:
    spec = PARAMS[name]

    def check(value: Any) -> Any:
        try:
            return spec.validate(value)
        except ParamError as exc:
            raise PydanticCustomError("parameter", "{reason}", {"reason": exc.message}) from None

    return check


def _bounds(name: str) -> Any:
    spec = PARAMS[name]
    low = int(spec.minimum) if spec.kind == "int" else spec.minimum
    high = int(spec.maximum) if spec.kind == "int" else spec.maximum
    if spec.floor is not None:
        return Field(ge=spec.floor, le=high, description=spec.help)
    if spec.min_exclusive:
        return Field(gt=low, le=high, description=spec.help)
    return Field(ge=low, le=high, description=spec.help)


def _default(name: str) -> Any:
    spec = PARAMS[name]
    return int(spec.default) if spec.kind == "int" else float(spec.default)


# One alias per parameter spec used in the file format. The bounds go first so pydantic puts
# them into the JSON Schema; the spec's own check runs first and gives the message.
Joins = Annotated[int, _bounds("joins"), BeforeValidator(_checker("joins"))]
Leaves = Annotated[int, _bounds("leaves"), BeforeValidator(_checker("leaves"))]
DeltaT = Annotated[float, _bounds("hours"), BeforeValidator(_checker("hours"))]
Trust = Annotated[float, _bounds("trust"), BeforeValidator(_checker("trust"))]
Compliance = Annotated[float, _bounds("compliance"), BeforeValidator(_checker("compliance"))]
WJoin = Annotated[float, _bounds("w_join"), BeforeValidator(_checker("w_join"))]
WLeave = Annotated[float, _bounds("w_leave"), BeforeValidator(_checker("w_leave"))]
Hosts = Annotated[int, _bounds("hosts"), BeforeValidator(_checker("hosts"))]
VNodes = Annotated[int, _bounds("vnodes"), BeforeValidator(_checker("vnodes"))]
Tasks = Annotated[int, _bounds("tasks"), BeforeValidator(_checker("tasks"))]
CrashShare = Annotated[float, _bounds("crash_share"), BeforeValidator(_checker("crash_share"))]
Reliability = Annotated[float, _bounds("reliability"), BeforeValidator(_checker("reliability"))]
ArrivalRate = Annotated[float, _bounds("arrival_rate"), BeforeValidator(_checker("arrival_rate"))]

# Constraints of fields that have no parameter spec. Every float has finite bounds (and a
# floor above 0 where 0 is meaningless): a value that is legal but makes one step's work or
# the run unbounded (a time constant of 1e-300 h, a denormal, a bandwidth of 1e308) is refused
# here, so editors see the bound in the JSON Schema too. The caps are in ``limits``.


def _no_denormal(value: float) -> float:
    if is_subnormal(value):
        raise PydanticCustomError(
            "denormal", "{value} is too close to zero (a denormal float)", {"value": repr(value)}
        )
    return value


_NORMAL = AfterValidator(_no_denormal)
Probability = Annotated[float, Field(ge=0.0, le=1.0), _NORMAL]
Percent = Annotated[float, Field(ge=0.0, le=100.0), _NORMAL]
Hours = Annotated[
    float, Field(ge=limits.MIN_HOURS, le=limits.MAX_TIME_HOURS, description="hours"), _NORMAL
]
SimHours = Annotated[
    float, Field(ge=limits.MIN_HOURS, le=PARAMS["hours"].maximum, description="hours"), _NORMAL
]
Capacity = Annotated[float, Field(ge=limits.MIN_AMOUNT, le=limits.MAX_AMOUNT), _NORMAL]
Demand = Annotated[float, Field(ge=0.0, le=limits.MAX_AMOUNT), _NORMAL]
WorkHours = Annotated[
    float,
    Field(ge=limits.MIN_HOURS, le=limits.MAX_TIME_HOURS, description="mean hours of work per task"),
    _NORMAL,
]
Bandwidth = Annotated[
    float, Field(ge=limits.MIN_AMOUNT, le=limits.MAX_BANDWIDTH, description="MB per hour"), _NORMAL
]
FailureShare = Annotated[float, Field(ge=0.0, le=limits.MAX_VALIDATION_FAILURE), _NORMAL]
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
PREFIX_PATTERN = r"^([A-Za-z0-9][A-Za-z0-9_.:-]{0,31})?$"
CAPABILITY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,63}$"
MemberId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Prefix = Annotated[str, StringConstraints(pattern=PREFIX_PATTERN)]
Capability = Annotated[str, StringConstraints(pattern=CAPABILITY_PATTERN)]
Capabilities = Annotated[tuple[Capability, ...], Field(strict=False, max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class Bands(_Model):
    """DHS thresholds in percent: ≥ healthy is Healthy, ≥ degraded is Degraded, else Critical."""

    healthy: Percent = _CFG.bands.healthy
    degraded: Percent = _CFG.bands.degraded


class Metrics(_Model):
    """The source document's inputs J, L, Δt, T, C and the WMCR weights."""

    joins: Joins = _default("joins")
    leaves: Leaves = _default("leaves")
    hours: DeltaT = _default("hours")
    trust: Trust = _default("trust")
    compliance: Compliance = _default("compliance")
    w_join: WJoin = _default("w_join")
    w_leave: WLeave = _default("w_leave")
    bands: Bands = Bands()


class Ring(_Model):
    vnodes: VNodes = _default("vnodes")


class GeneratedTemplate(_Model):
    """Fields of a generated member. Its kind comes from the paradigm and its trust is drawn
    around the trust T (metrics.trust); reliability is its own property (list a member to
    choose its trust)."""

    vnodes: VNodes | None = Field(default=None, description="None: use ring.vnodes")
    trust: Trust = Field(
        default=_MEMBER.trust,
        description="a listed member's trust; generated members draw theirs around "
        "metrics.trust (kept in the template so version-1 files load)",
    )
    reliability: Reliability = _default("reliability")
    accuracy: Probability = _MEMBER.accuracy
    capabilities: Capabilities = _MEMBER.capabilities
    cpu: Capacity = _MEMBER.cpu
    memory: Capacity = _MEMBER.memory
    context_limit: Hours = _MEMBER.context_limit


# Why a generated member's template may not set these (the loader says so on an unknown key).
TEMPLATE_DERIVED = {
    "kind": "a generated member's kind comes from the paradigm",
}


class MemberTemplate(GeneratedTemplate):
    """Fields of a listed or joining member; a paradigm ignores the ones it does not use."""

    kind: MemberKind = _MEMBER.kind


class Member(MemberTemplate):
    """A listed member: a template plus its unique id."""

    id: MemberId


class Members(_Model):
    """Listed members, plus ``generate`` more named ``{prefix}{i}`` built from ``template``."""

    listed: Annotated[tuple[Member, ...], Field(strict=False)] = ()
    generate: Hosts = Field(
        default=_MEMBERS.generate,
        description="members generated in addition to the listed ones: a run starts with "
        "len(listed) + generate members (the total that the Hosts slider and run --hosts set, "
        "listed members first)",
    )
    prefix: Prefix = _MEMBERS.prefix
    template: GeneratedTemplate = GeneratedTemplate()


class Workload(_Model):
    initial_tasks: Tasks = _default("tasks")
    arrival_rate: ArrivalRate = _default("arrival_rate")
    work_mean: WorkHours = _WORKLOAD.work_mean
    state_mb: Capacity = _WORKLOAD.state_mb
    capabilities: Capabilities = _WORKLOAD.capabilities
    cpu_demand: Demand = _WORKLOAD.cpu_demand
    memory_demand: Demand = _WORKLOAD.memory_demand
    min_trust: Probability = _WORKLOAD.min_trust


class Churn(_Model):
    enabled: bool = _CHURN.enabled
    crash_share: CrashShare = _default("crash_share")
    min_members: Annotated[int, Field(ge=0, le=int(PARAMS["hosts"].maximum))] = _CHURN.min_members


class Simulation(_Model):
    """Step and checkpoint settings (the engine's TimingConfig)."""

    step_hours: SimHours = _TIMING.step_hours
    heartbeat_interval: SimHours = _TIMING.heartbeat_interval
    heartbeat_timeout: SimHours = _TIMING.heartbeat_timeout
    checkpoint_interval: SimHours = _TIMING.checkpoint_interval
    bandwidth_mb_per_hour: Bandwidth = _TIMING.bandwidth_mb_per_hour
    # At most 0.99: a transfer that (nearly) always fails validation would retry (nearly)
    # forever; at 0.99 a checkpoint needs 100 tries on average.
    validation_failure: FailureShare = _TIMING.validation_failure


class Governance(_Model):
    min_member_trust: Probability = _GOVERNANCE.min_member_trust


# Timeline events: one model per kind, told apart by `kind`.
At = Annotated[
    float, Field(ge=0.0, le=PARAMS["hours"].maximum, description="simulated hour"), _NORMAL
]
Count = Annotated[int, Field(ge=1, le=int(PARAMS["tasks"].maximum))]


class JoinEvent(_Model):
    at: At
    kind: Literal["join"]
    member: Member | None = Field(
        default=None, description="None: a member built from the template"
    )


class RetireEvent(_Model):
    at: At
    kind: Literal["retire"]
    target: MemberId


class CrashEvent(_Model):
    at: At
    kind: Literal["crash"]
    target: MemberId


class BurstEvent(_Model):
    at: At
    kind: Literal["burst"]
    count: Annotated[int, Field(ge=1, le=int(PARAMS["hosts"].maximum))] = 1
    leaves: bool = Field(default=False, description="True: a burst of leaves instead of joins")


class SetEvent(_Model):
    at: At
    kind: Literal["set"]
    values: Annotated[
        dict[str, float],
        Field(min_length=1, description="parameters to change: " + ", ".join(SETTABLE_PARAMS)),
    ]


class SubmitEvent(_Model):
    at: At
    kind: Literal["submit"]
    count: Count = 1


class CaptionEvent(_Model):
    at: At
    kind: Literal["caption"]
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    pause: bool = Field(default=False, description="pause the run when the caption shows")


TimelineItem = Annotated[
    JoinEvent | RetireEvent | CrashEvent | BurstEvent | SetEvent | SubmitEvent | CaptionEvent,
    Field(discriminator="kind"),
]
EVENT_KINDS = ("join", "retire", "crash", "burst", "set", "submit", "caption")


class ExperimentVary(_Model):
    """One varied parameter of a sweep and its values (checked against the parameter's range
    by :mod:`phoenix_gui.scenario.checks`)."""

    param: Literal[VARIABLE_PARAMS]  # type: ignore[valid-type]
    values: Annotated[
        tuple[int | float | str, ...], Field(strict=False, min_length=1, max_length=MAX_VALUES)
    ]


class Experiment(_Model):
    """A ready sweep (`phoenix-flight sweep SCENARIO`, Simulation ▸ Experiment…): 1–2 varied
    parameters, replicates per cell, how long each run lasts and the metric to chart."""

    vary: Annotated[tuple[ExperimentVary, ...], Field(strict=False, min_length=1, max_length=2)]
    replicates: Annotated[int, Field(ge=1, le=MAX_REPLICATES)] = 10
    sim_hours: SimHours | None = Field(default=None, description="hours per run (or steps)")
    steps: Annotated[int, Field(ge=1, le=int(PARAMS["steps"].maximum))] | None = Field(
        default=None, description="steps per run (or sim_hours)"
    )
    metric: Literal[NUMERIC_METRICS] = "obs_dhs"  # type: ignore[valid-type]


VARIANT_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"
VariantName = Annotated[str, StringConstraints(pattern=VARIANT_NAME_PATTERN)]
Overrides = Annotated[dict[str, Any], Field(strict=False)]


class Variant(_Model):
    """A named "what if": overrides of the base scenario's sections (merged key by key; a list
    such as the timeline is replaced whole), and the hour at which it branches from the base.
    The merged scenario is validated like a file of its own when the scenario loads."""

    branch_at: Annotated[
        float,
        Field(ge=0.0, le=PARAMS["hours"].maximum, description="simulated hour B branches from A"),
    ] = 0.0
    seed: Annotated[int, Field(ge=0, lt=2**63)] | None = None
    paradigm: Paradigm | None = None
    metrics: Overrides | None = None
    ring: Overrides | None = None
    members: Overrides | None = None
    workload: Overrides | None = None
    churn: Overrides | None = None
    simulation: Overrides | None = None
    governance: Overrides | None = None
    timeline: Annotated[list[Any], Field(strict=False)] | None = None

    def overrides(self) -> dict[str, Any]:
        """The sections this variant changes, as plain data (branch_at excluded)."""
        return {k: v for k, v in self.model_dump(exclude={"branch_at"}).items() if v is not None}


class Compare(_Model):
    """Open the scenario as a comparison: run A (the base) beside run B (one of its variants),
    side by side in the window, one clock for both."""

    variant: VariantName = Field(description="the variant shown as run B (a key of variants)")


class Scenario(_Model):
    """A whole scenario file. Build it with the loader or ``scenario_from_config``."""

    schema_version: Annotated[int, Field(ge=1)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(max_length=20_000)] = ""
    seed: Annotated[int, Field(ge=0, le=SEED_MAX)] = _CFG.seed
    paradigm: Paradigm = _CFG.paradigm
    retirement: RetirementMode = Field(
        default=_CFG.retirement,
        description="drain: checkpointed migration, then RETIRED; evict: RETIRED at once, its "
        "tasks back to PENDING at their last checkpoint, then rescheduled",
    )
    metrics: Metrics = Metrics()
    ring: Ring = Ring()
    members: Members = Members()
    workload: Workload = Workload()
    churn: Churn = Churn()
    simulation: Simulation = Simulation()
    governance: Governance = Governance()
    timeline: Annotated[tuple[TimelineItem, ...], Field(strict=False)] = ()
    experiment: Experiment | None = Field(default=None, description="a ready parameter sweep")
    variants: Annotated[
        dict[VariantName, Variant],
        Field(strict=False, max_length=16, description="named what-ifs to compare with the base"),
    ] = {}
    compare: Compare | None = Field(
        default=None, description="open as A (this scenario) beside B (one of its variants)"
    )


# Plain-words help for the id patterns above, shown instead of the regular expression.
PATTERN_HELP = {
    ID_PATTERN: "must start with a letter or digit and use only letters, "
    "digits and _ . : - (at most 64 characters)",
    PREFIX_PATTERN: "must be empty or start with a letter or digit and use only "
    "letters, digits and _ . : - (at most 32 characters)",
    CAPABILITY_PATTERN: "must start with a letter or digit and use only letters, "
    "digits and _ . : / + - (at most 64 characters)",
    VARIANT_NAME_PATTERN: "must start with a letter or digit and use only letters, "
    "digits and _ . - (at most 32 characters)",
}


def all_field_names() -> list[str]:
    """Every key the format knows anywhere, for "did you mean" hints on unknown keys."""
    names: set[str] = set()
    for model in (
        Scenario,
        Metrics,
        Bands,
        Ring,
        Member,
        Members,
        Workload,
        Churn,
        Simulation,
        Governance,
        JoinEvent,
        RetireEvent,
        CrashEvent,
        BurstEvent,
        SetEvent,
        SubmitEvent,
        CaptionEvent,
        Experiment,
        ExperimentVary,
        Variant,
        Compare,
    ):
        names.update(model.model_fields)
    return sorted(names)
