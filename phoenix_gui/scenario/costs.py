"""Cross-field bounds on what a scenario costs to run (see :mod:`~phoenix_gui.scenario.limits`).

Each field is bounded on its own by the schema; these rules bound what fields do together, so
one step's work and the whole run stay finite:

- timed rounds per step: ``step_hours`` over the heartbeat interval, the checkpoint interval
  and every agent's context limit (one hand-off per limit) at most ``MAX_ROUNDS_PER_STEP``;
- expected churn joins, leaves and task arrivals per step at most ``MAX_EVENTS_PER_STEP``, and
  each rate within what the engine simulates — also after every timeline ``set`` event;
- tasks created by the scenario (initial and scripted ``submit`` totals) at most
  ``MAX_TOTAL_TASKS``, and with the expected arrivals up to its own end at most
  ``MAX_RUN_TASKS``;
- members the scenario registers itself (listed, generated, scripted joins and bursts) at most
  ``MAX_SCRIPTED_MEMBERS``.

The run length a user gives on the command line is checked by ``phoenix-flight run`` with
:func:`arrivals_problem`, against the same cap.
"""

from __future__ import annotations

from typing import Any

from phoenix_gui.engine import MAX_EVENT_RATE
from phoenix_gui.scenario import limits
from phoenix_gui.scenario.schema import BurstEvent, JoinEvent, Scenario, SetEvent, SubmitEvent

Loc = tuple[str | int, ...]
Finding = tuple[Loc, str, bool]


def scenario_hours(s: Scenario) -> float:
    """How long the scenario runs by itself: to its last event plus one step, else one Δt."""
    if not s.timeline:
        return s.metrics.hours
    return max(e.at for e in s.timeline) + s.simulation.step_hours


def arrivals_problem(
    arrival_rate: float, initial: int, hours: float, most: int = limits.MAX_TOTAL_TASKS
) -> str | None:
    """Why ``arrival_rate`` over ``hours`` (plus ``initial`` tasks) is more than ``most``."""
    expected = arrival_rate * hours
    if initial + expected > most:
        return (
            f"{arrival_rate:g} new tasks per hour over {hours:g} h is about {expected:.4g} "
            f"tasks (with {initial} at the start); a run creates at most {most} tasks"
        )
    return None


def check_costs(s: Scenario, findings: list[Finding]) -> None:
    _rounds(s, findings)
    _rates(s, findings)
    _tasks(s, findings)
    _members(s, findings)


def _rounds(s: Scenario, findings: list[Finding]) -> None:
    step = s.simulation.step_hours
    cap = limits.MAX_ROUNDS_PER_STEP
    where: list[tuple[Loc, str, float]] = [
        (("simulation", "heartbeat_interval"), "heartbeat rounds", s.simulation.heartbeat_interval),
        (
            ("simulation", "checkpoint_interval"),
            "checkpoint rounds",
            s.simulation.checkpoint_interval,
        ),
    ]
    if s.paradigm == "agentic":
        where.append(
            (
                ("members", "template", "context_limit"),
                "hand-offs",
                s.members.template.context_limit,
            )
        )
        where += [
            (("members", "listed", i, "context_limit"), "hand-offs", m.context_limit)
            for i, m in enumerate(s.members.listed)
        ]
        where += [
            (("timeline", i, "member", "context_limit"), "hand-offs", e.member.context_limit)
            for i, e in enumerate(s.timeline)
            if isinstance(e, JoinEvent) and e.member is not None
        ]
    for loc, what, interval in where:
        if step / interval > cap:
            findings.append(
                (
                    loc,
                    f"{interval:g} h gives {step / interval:.4g} {what} per step of "
                    f"{step:g} h (simulation.step_hours); at most {cap} per step",
                    False,
                )
            )


def _rate_messages(values: dict[str, Any], arrival: float, step: float) -> list[tuple[str, str]]:
    """(field, message) when the expected events of one step exceed the per-step cap (each
    rate's own bound, per hour, is checked by ``checks._check_rates``)."""
    hours = float(values["hours"])
    rates = (values["joins"] / hours, values["leaves"] / hours, arrival)
    if any(rate > MAX_EVENT_RATE for rate in rates):
        return []  # reported as a rate beyond the engine, once
    per_step = sum(rates) * step
    if per_step > limits.MAX_EVENTS_PER_STEP:
        return [
            ("hours", f"joins, leaves and arrivals come to about {per_step:.4g} per step of "
             f"{step:g} h; at most {limits.MAX_EVENTS_PER_STEP} per step")
        ]  # fmt: skip
    return []


def _rates(s: Scenario, findings: list[Finding]) -> None:
    m = s.metrics
    values: dict[str, Any] = {"joins": m.joins, "leaves": m.leaves, "hours": m.hours}
    step = s.simulation.step_hours
    arrival = s.workload.arrival_rate
    for name, message in _rate_messages(values, arrival, step):
        findings.append((("metrics", name), message, False))
    for i, event in enumerate(s.timeline):
        if not isinstance(event, SetEvent):
            continue
        changed = {k: v for k, v in event.values.items() if k in values}
        if not changed:
            continue
        values.update(changed)
        for name, message in _rate_messages(values, arrival, step):
            key = name if name in changed else next(iter(changed))
            findings.append(
                (("timeline", i, "values", key), "after this change, " + message, False)
            )


def _tasks(s: Scenario, findings: list[Finding]) -> None:
    total = s.workload.initial_tasks
    cap = limits.MAX_TOTAL_TASKS
    for i, event in enumerate(s.timeline):
        if isinstance(event, SubmitEvent):
            total += event.count
            if total > cap:
                findings.append(
                    (
                        ("timeline", i, "count"),
                        f"scripted submits bring the tasks to {total} (with "
                        f"workload.initial_tasks); a scenario creates at most {cap}",
                        False,
                    )
                )
                return
    problem = arrivals_problem(
        s.workload.arrival_rate, total, scenario_hours(s), limits.MAX_RUN_TASKS
    )
    if problem is not None:
        findings.append((("workload", "arrival_rate"), problem, False))


def _members(s: Scenario, findings: list[Finding]) -> None:
    total = len(s.members.listed) + s.members.generate
    cap = limits.MAX_SCRIPTED_MEMBERS
    if total > cap:
        findings.append(
            (
                ("members", "generate"),
                f"listed and generated members come to {total}; at most {cap}",
                False,
            )
        )
        return
    for i, event in enumerate(s.timeline):
        if isinstance(event, JoinEvent):
            total += 1
        elif isinstance(event, BurstEvent) and not event.leaves:
            total += event.count
        else:
            continue
        if total > cap:
            findings.append(
                (
                    ("timeline", i),
                    f"scripted joins bring the members this scenario registers to {total}; "
                    f"at most {cap}",
                    False,
                )
            )
            return
