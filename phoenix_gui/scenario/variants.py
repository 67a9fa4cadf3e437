"""Variants: named "what ifs" a scenario carries beside its base (``variants:`` in the file).

A variant overrides sections of the base scenario — ``drain: {churn: {crash_share: 0}}`` — and
may say at which simulated hour it branches from the base (``branch_at``; 0 means both runs
start together). Mappings merge key by key; anything else (a number, the timeline list)
replaces the base value. Every variant is validated as a whole scenario when the file loads, so
a bad override is reported with its own place in the file (``variants.drain.churn…``).
"""

from __future__ import annotations

from typing import Any

from phoenix_gui.scenario.errors import Problem, ScenarioError
from phoenix_gui.scenario.schema import Scenario
from phoenix_gui.scenario.yamlsafe import Document


def merge(base: Any, over: Any) -> Any:
    """``over`` laid on ``base``: mappings merge key by key, everything else replaces."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    return over


def variant_data(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Plain data of the scenario a variant describes (without any variants of its own)."""
    # A variant is a scenario of its own: it has no variants, nor a comparison to open.
    data = {k: v for k, v in base.items() if k not in ("variants", "compare")}
    merged: dict[str, Any] = merge(data, overrides)
    return merged


def check_variants(doc: Document, scenario: Scenario, validate: Any) -> None:
    """Validate every variant of ``scenario`` as a scenario of its own; problems point into
    the variant's part of ``doc``. ``validate`` is the loader's ``Document → Scenario``."""
    if not scenario.variants or not isinstance(doc.data, dict):
        return
    problems: list[Problem] = []
    for name, variant in scenario.variants.items():
        prefix = ("variants", name)
        positions = dict(doc.positions)
        key_positions = dict(doc.key_positions)
        for loc, pos in doc.positions.items():
            if loc[:2] == prefix and len(loc) > 2:
                positions[loc[2:]] = pos
        for loc, pos in doc.key_positions.items():
            if loc[:2] == prefix and len(loc) > 2:
                key_positions[loc[2:]] = pos
        overrides = variant.overrides()
        merged = variant_data(doc.data, overrides)
        try:
            validate(Document(doc.source, merged, positions, key_positions))
        except ScenarioError as exc:
            for p in exc.problems:
                head = p.path.split(".", 1)[0].split("[", 1)[0]
                path = f"variants.{name}.{p.path}" if head in overrides else p.path
                problems.append(Problem(p.file, p.line, p.column, path, p.message))
    if problems:
        raise ScenarioError(sorted(problems, key=lambda p: (p.line, p.column)))


def variant_scenario(scenario: Scenario, name: str) -> Scenario:
    """The scenario variant ``name`` of ``scenario`` describes (validated, without variants)."""
    from phoenix_gui.scenario.loading import scenario_from_data

    if name not in scenario.variants:
        known = ", ".join(sorted(scenario.variants)) or "none"
        raise ScenarioError.single(
            scenario.name, f"variants: no variant named {name!r} (this scenario has: {known})"
        )
    base = scenario.model_dump(mode="json", exclude={"variants", "compare"})
    data = variant_data(base, scenario.variants[name].overrides())
    data["name"] = f"{scenario.name} [{name}]"
    return scenario_from_data(data, source=f"{scenario.name} variant {name}")


def branch_hour(scenario: Scenario, name: str) -> float:
    """The simulated hour at which variant ``name`` branches from the base run."""
    return float(scenario.variants[name].branch_at)
