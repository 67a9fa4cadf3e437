"""Scenario models ⇄ the engine's :class:`~phoenix_gui.engine.config.SimulationConfig`.

The engine never sees YAML or pydantic: the loader validates a file into a
:class:`~phoenix_gui.scenario.schema.Scenario` and :func:`scenario_to_config` turns it into
plain dataclasses. :func:`scenario_from_config` goes back (for "save as scenario" from the GUI
or the command line) through :func:`config_to_data`;
``scenario_to_config(scenario_from_config(c)) == c`` for any valid config.
"""

from __future__ import annotations

from typing import Any

from phoenix_gui.engine import (
    ChurnConfig,
    GovernanceConfig,
    HealthBands,
    MembersConfig,
    MemberSpec,
    MetricInputs,
    RingConfig,
    SimulationConfig,
    TimelineEvent,
    TimingConfig,
    WorkloadConfig,
)
from phoenix_gui.scenario import migrations
from phoenix_gui.scenario.schema import (
    BurstEvent,
    CrashEvent,
    GeneratedTemplate,
    JoinEvent,
    MemberTemplate,
    RetireEvent,
    Scenario,
    SetEvent,
    SubmitEvent,
    TimelineItem,
)

_MEMBER_FIELDS = tuple(MemberTemplate.model_fields)


def scenario_to_config(s: Scenario) -> SimulationConfig:
    """The engine configuration a validated scenario describes."""
    m = s.metrics
    return SimulationConfig(
        name=s.name,
        seed=s.seed,
        paradigm=s.paradigm,
        retirement=s.retirement,
        metrics=MetricInputs(
            joins=float(m.joins),
            leaves=float(m.leaves),
            hours=m.hours,
            trust=m.trust,
            compliance=m.compliance,
            w_join=m.w_join,
            w_leave=m.w_leave,
        ),
        bands=HealthBands(healthy=m.bands.healthy, degraded=m.bands.degraded),
        members=MembersConfig(
            listed=tuple(_member_spec(x.id, x) for x in s.members.listed),
            generate=s.members.generate,
            prefix=s.members.prefix,
            template=_template_spec(s.members.template),
        ),
        ring=RingConfig(vnodes=s.ring.vnodes),
        workload=WorkloadConfig(**s.workload.model_dump()),
        churn=ChurnConfig(**s.churn.model_dump()),
        timing=TimingConfig(**s.simulation.model_dump()),
        governance=GovernanceConfig(**s.governance.model_dump()),
        timeline=tuple(_event_to_config(e) for e in s.timeline),
    )


def config_to_data(
    config: SimulationConfig, name: str | None = None, description: str = ""
) -> dict[str, Any]:
    """The plain data of a newest-version scenario file describing ``config``.

    ``scenario_from_config`` (in the package) validates it exactly like a loaded file.
    """
    m = config.metrics
    data: dict[str, Any] = {
        "schema_version": migrations.SCHEMA_VERSION,
        "name": name if name is not None else config.name,
        "description": description,
        "seed": config.seed,
        "paradigm": config.paradigm,
        "retirement": config.retirement,
        "metrics": {
            "joins": _whole(m.joins),
            "leaves": _whole(m.leaves),
            "hours": m.hours,
            "trust": m.trust,
            "compliance": m.compliance,
            "w_join": m.w_join,
            "w_leave": m.w_leave,
            "bands": {"healthy": config.bands.healthy, "degraded": config.bands.degraded},
        },
        "ring": {"vnodes": config.ring.vnodes},
        "members": {
            "listed": [_member_dict(x, with_id=True) for x in config.members.listed],
            "generate": config.members.generate,
            "prefix": config.members.prefix,
            "template": _template_dict(config.members.template),
        },
        "workload": _fields(config.workload),
        "churn": _fields(config.churn),
        "simulation": _fields(config.timing),
        "governance": _fields(config.governance),
        "timeline": [_event_from_config(e) for e in config.timeline],
    }
    return data


def _member_spec(member_id: str, m: MemberTemplate) -> MemberSpec:
    return MemberSpec(
        id=member_id,
        kind=m.kind,
        vnodes=m.vnodes,
        trust=m.trust,
        reliability=m.reliability,
        capabilities=tuple(m.capabilities),
        cpu=m.cpu,
        memory=m.memory,
        accuracy=m.accuracy,
        context_limit=m.context_limit,
    )


def _template_spec(t: GeneratedTemplate) -> MemberSpec:
    """Kind stays at MemberSpec's default: the engine sets it for each generated member from
    the paradigm, and draws its trust around T."""
    return MemberSpec(id="template", **t.model_dump(mode="python"))


def _template_dict(spec: MemberSpec) -> dict[str, Any]:
    full = _member_dict(spec, with_id=False)
    return {name: full[name] for name in GeneratedTemplate.model_fields}


def _member_dict(spec: MemberSpec, with_id: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": spec.id} if with_id else {}
    for name in _MEMBER_FIELDS:
        value = getattr(spec, name)
        out[name] = list(value) if isinstance(value, tuple) else value
    return out


def _event_to_config(e: TimelineItem) -> TimelineEvent:
    if isinstance(e, JoinEvent):
        member = _member_spec(e.member.id, e.member) if e.member is not None else None
        return TimelineEvent(at=e.at, kind="join", member=member)
    if isinstance(e, RetireEvent | CrashEvent):
        return TimelineEvent(at=e.at, kind=e.kind, target=e.target)
    if isinstance(e, BurstEvent):
        return TimelineEvent(at=e.at, kind="burst", count=e.count, leaves=e.leaves)
    if isinstance(e, SetEvent):
        return TimelineEvent(at=e.at, kind="set", values=tuple(e.values.items()))
    if isinstance(e, SubmitEvent):
        return TimelineEvent(at=e.at, kind="submit", count=e.count)
    return TimelineEvent(at=e.at, kind="caption", text=e.text, pause=e.pause)


def _event_from_config(e: TimelineEvent) -> dict[str, Any]:
    out: dict[str, Any] = {"at": e.at, "kind": e.kind}
    if e.kind == "join":
        if e.member is not None:
            out["member"] = _member_dict(e.member, with_id=True)
    elif e.kind in ("retire", "crash"):
        out["target"] = e.target
    elif e.kind == "burst":
        out.update(count=e.count, leaves=e.leaves)
    elif e.kind == "set":
        out["values"] = dict(e.values)
    elif e.kind == "submit":
        out["count"] = e.count
    else:
        out.update(text=e.text, pause=e.pause)
    return out


def _fields(obj: Any) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in vars(obj).items()}


def _whole(x: float) -> int | float:
    """Config counts are floats; the file format wants whole numbers (a fraction is refused)."""
    return int(x) if float(x).is_integer() else x
