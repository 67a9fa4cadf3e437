"""Parameter changes during a run (sliders, timeline ``set``), validated by the shared specs.

Changeable: the metric inputs (joins, leaves, hours, trust, compliance, w_join, w_leave) and
crash_share. A change replaces the frozen config at the next step boundary and is recorded as
``param_changed``. Changing trust also moves the trust of generated members (each keeps the
offset it was drawn with around T); listed members keep their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from phoenix_gui.engine.churn import rate_problem
from phoenix_gui.engine.config import SimulationConfig, drawn_trust
from phoenix_gui.engine.events import Primitive
from phoenix_gui.params import METRIC_INPUT_PARAMS, PARAMS

if TYPE_CHECKING:
    from phoenix_gui.engine.core import Core

CHANGEABLE = (*METRIC_INPUT_PARAMS, "crash_share")


def with_parameters(cfg: SimulationConfig, values: Mapping[str, float]) -> SimulationConfig:
    """``cfg`` with parameters of the table set before a run starts — the one mapping from a
    parameter name to the configuration that `run --NAME`, sweeps and the window share.

    ``hosts`` is the total at the start, listed members first. Raises MetricsError for metric
    inputs that break a rule beyond their ranges.
    """
    metrics = {k: v for k, v in values.items() if k in METRIC_INPUT_PARAMS}
    if metrics:
        cfg = dataclasses.replace(cfg, metrics=dataclasses.replace(cfg.metrics, **metrics))
    if "hosts" in values:
        cfg = dataclasses.replace(cfg, members=cfg.members.with_total(int(values["hosts"])))
    if "vnodes" in values:
        cfg = dataclasses.replace(
            cfg, ring=dataclasses.replace(cfg.ring, vnodes=int(values["vnodes"]))
        )
    workload: dict[str, Any] = {}
    if "tasks" in values:
        workload["initial_tasks"] = int(values["tasks"])
    if "arrival_rate" in values:
        workload["arrival_rate"] = float(values["arrival_rate"])
    if workload:
        cfg = dataclasses.replace(cfg, workload=dataclasses.replace(cfg.workload, **workload))
    if "reliability" in values:
        template = dataclasses.replace(
            cfg.members.template, reliability=float(values["reliability"])
        )
        cfg = dataclasses.replace(cfg, members=dataclasses.replace(cfg.members, template=template))
    if "crash_share" in values:
        churn = dataclasses.replace(cfg.churn, crash_share=float(values["crash_share"]))
        cfg = dataclasses.replace(cfg, churn=churn)
    return cfg


def check_param(name: str, value: float) -> float:
    """The validated value; ValueError (ParamError) naming the parameter otherwise."""
    if name not in CHANGEABLE:
        raise ValueError(f"{name}: not a run-time parameter (one of {', '.join(CHANGEABLE)})")
    return float(PARAMS[name].validate(value))


def current(core: Core, name: str) -> float:
    if name == "crash_share":
        return float(core.config.churn.crash_share)
    return float(getattr(core.config.metrics, name))


def apply_param(core: Core, name: str, value: float, t: float) -> None:
    old = current(core, name)
    cfg = core.config
    if name in METRIC_INPUT_PARAMS:
        problem = rate_problem(
            dataclasses.replace(cfg.metrics, **{name: value}),
            cfg.workload.arrival_rate,
            cfg.timing.step_hours,
        )
        if problem is not None:  # e.g. Δt dragged so low that J/Δt cannot be simulated
            core.counters.events_ignored += 1
            core.emit(
                t, Primitive.SYSTEM, "request_ignored",
                action="set", member=None, reason=f"{name}={value:g}: {problem}",
            )  # fmt: skip
            return
    if name == "crash_share":
        core.config = dataclasses.replace(
            cfg, churn=dataclasses.replace(cfg.churn, crash_share=value)
        )
    else:
        core.config = dataclasses.replace(
            cfg, metrics=dataclasses.replace(cfg.metrics, **{name: value})
        )
    if name == "trust":
        for member in core.registry.members():
            if member.follows_trust:
                member.trust = drawn_trust(value, member.trust_offset)
                if member.index >= 0:
                    core.columns.trust[member.index] = member.trust
    core.emit(t, Primitive.SYSTEM, "param_changed", name=name, old=old, new=value)
