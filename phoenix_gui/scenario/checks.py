"""Cross-field rules of a scenario, checked after the schema has validated each field.

They need the whole document: a timeline event may only name a member that exists at that
point (listed, generated, or joined earlier in the timeline, and not already gone), member ids
are unique across all three sources, ``set`` events name parameters a run can change (with
values in their ranges), events are in time order, and a few pairs of fields agree.
Each problem comes back as (field path, message, point-at-key) for the loader to locate.
"""

from __future__ import annotations

import dataclasses

from phoenix_gui.engine import MetricInputs, rate_problem
from phoenix_gui.experiments.design import ExperimentError, vary_from_values
from phoenix_gui.params import PARAMS, ParamError
from phoenix_gui.scenario.costs import check_costs as _check_costs
from phoenix_gui.scenario.schema import (
    SETTABLE_PARAMS,
    CrashEvent,
    JoinEvent,
    Members,
    RetireEvent,
    Scenario,
    SetEvent,
)

Loc = tuple[str | int, ...]
Finding = tuple[Loc, str, bool]


def generated_ids(members: Members) -> list[str]:
    """Ids of the generated members, in the engine's naming: ``{prefix}{i}``, i from 0."""
    return [f"{members.prefix}{i}" for i in range(members.generate)]


def check(scenario: Scenario) -> list[Finding]:
    """Every cross-field problem of ``scenario`` (empty when it is consistent)."""
    findings: list[Finding] = []
    _check_pairs(scenario, findings)
    origin: dict[str, str] = {}  # member id → where it was declared, for messages
    for i, member in enumerate(scenario.members.listed):
        if member.id in origin:
            findings.append(
                (("members", "listed", i, "id"), f"duplicate member id {member.id!r}", False)
            )
        origin.setdefault(member.id, f"members.listed[{i}]")
    for gid in generated_ids(scenario.members):
        if gid in origin:
            findings.append(
                (
                    ("members", "prefix"),
                    f"generated member {gid!r} clashes with the listed member at {origin[gid]}",
                    False,
                )
            )
        origin.setdefault(gid, "members.generate")
    _check_timeline(scenario, dict(origin), findings)
    _check_costs(scenario, findings)
    _check_rates(scenario, findings)
    _check_experiment(scenario, findings)
    _check_compare(scenario, findings)
    return findings


def _check_compare(s: Scenario, findings: list[Finding]) -> None:
    """``compare.variant`` names one of the scenario's own variants."""
    if s.compare is not None and s.compare.variant not in s.variants:
        known = ", ".join(sorted(s.variants)) or "none"
        findings.append(
            (
                ("compare", "variant"),
                f"no variant named {s.compare.variant!r} (this scenario has: {known})",
                False,
            )
        )


def _check_rates(s: Scenario, findings: list[Finding]) -> None:
    """The engine's rate bound (J/Δt, L/Δt, arrivals), at the start and after every ``set``:
    the same check ``run``, Open and the sliders make, so ``validate`` passes only what runs."""
    m = s.metrics
    inputs = MetricInputs(m.joins, m.leaves, m.hours, m.trust, m.compliance, m.w_join, m.w_leave)
    arrivals = s.workload.arrival_rate
    problem = rate_problem(inputs, arrivals)
    if problem is not None:
        field = "workload" if "arrival" in problem else "metrics"
        key = "arrival_rate" if field == "workload" else "hours"
        findings.append(((field, key), problem.split(": ", 1)[-1], False))
        return
    for i, event in enumerate(s.timeline):
        if not isinstance(event, SetEvent):
            continue
        changed = {
            n: float(v)
            for n, v in event.values.items()
            if n in ("joins", "leaves", "hours") and isinstance(v, int | float) and v > 0
        }
        if not changed:
            continue
        try:
            inputs = dataclasses.replace(inputs, **changed)
        except ValueError:
            continue  # the value itself is out of range: reported by the timeline check
        problem = rate_problem(inputs, arrivals)
        if problem is not None:
            name = next(iter(changed))
            findings.append((("timeline", i, "values", name), problem.split(": ", 1)[-1], False))
            return


def _check_experiment(s: Scenario, findings: list[Finding]) -> None:
    """Each varied parameter's values in its range, once each; a duration, given once."""
    e = s.experiment
    if e is None:
        return
    names = [v.param for v in e.vary]
    for i, vary in enumerate(e.vary):
        loc: Loc = ("experiment", "vary", i, "values")
        if names.index(vary.param) != i:
            findings.append(
                (("experiment", "vary", i, "param"), f"{vary.param} is varied twice", False)
            )
            continue
        try:
            vary_from_values(vary.param, list(vary.values), "values")
        except ExperimentError as exc:
            findings.append((loc, exc.message, False))
    if (e.sim_hours is None) == (e.steps is None):
        findings.append(
            (
                ("experiment",),
                "give exactly one of sim_hours and steps (how long a run lasts)",
                True,
            )
        )


def _check_pairs(s: Scenario, findings: list[Finding]) -> None:
    if s.metrics.bands.degraded > s.metrics.bands.healthy:
        findings.append(
            (
                ("metrics", "bands", "degraded"),
                f"must not exceed healthy ({s.metrics.bands.healthy}), got "
                f"{s.metrics.bands.degraded}",
                False,
            )
        )
    t = s.simulation
    if t.heartbeat_timeout < t.heartbeat_interval:
        findings.append(
            (
                ("simulation", "heartbeat_timeout"),
                f"must be at least heartbeat_interval ({t.heartbeat_interval} h), got "
                f"{t.heartbeat_timeout}",
                False,
            )
        )


def _check_timeline(s: Scenario, origin: dict[str, str], findings: list[Finding]) -> None:
    live = set(origin)
    gone: dict[str, float] = {}  # member id → hour it retired or crashed in the timeline
    previous = 0.0
    for i, event in enumerate(s.timeline):
        here: Loc = ("timeline", i)
        if event.at < previous:
            findings.append(
                (
                    (*here, "at"),
                    f"events must be in time order; the one before is at {previous}",
                    False,
                )
            )
        previous = max(previous, event.at)
        if isinstance(event, JoinEvent) and event.member is not None:
            mid = event.member.id
            if mid in origin:
                findings.append(
                    (
                        (*here, "member", "id"),
                        f"member id {mid!r} is already used by {origin[mid]}",
                        False,
                    )
                )
            else:
                origin[mid] = f"timeline[{i}]"
                live.add(mid)
        elif isinstance(event, RetireEvent | CrashEvent):
            target = event.target
            if target in gone:
                findings.append(
                    (
                        (*here, "target"),
                        f"member {target!r} already left at hour {gone[target]}",
                        False,
                    )
                )
            elif target not in live:
                findings.append(((*here, "target"), _unknown_member(target, s), False))
            else:
                live.discard(target)
                gone[target] = event.at
        elif isinstance(event, SetEvent):
            for name, value in event.values.items():
                where: Loc = (*here, "values", name)
                if name not in SETTABLE_PARAMS:
                    findings.append(
                        (
                            where,
                            f"unknown parameter {name!r}; a run can change: "
                            + ", ".join(SETTABLE_PARAMS),
                            True,
                        )
                    )
                    continue
                try:
                    PARAMS[name].validate(value)
                except ParamError as exc:
                    findings.append((where, exc.message, False))


def _unknown_member(target: str, s: Scenario) -> str:
    hint = ""
    if s.members.generate:
        last = s.members.generate - 1
        hint = f" (generated members are {s.members.prefix}0 … {s.members.prefix}{last})"
    return (
        f"no member {target!r}: it is not listed, generated or joined earlier in the timeline{hint}"
    )
