"""Issue 11, acceptance 5: the engine's rate bound is checked where a scenario is validated, so
`validate`, `run`, Open and the sliders accept the same values (no file passes `validate` and
then fails in `run`)."""

from __future__ import annotations

import pytest

from phoenix_gui.engine import MAX_EVENT_RATE
from phoenix_gui.scenario import ScenarioError, loads_scenario

HEAD = "schema_version: 1\nname: rates\n"


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(HEAD + text, source="r.yaml")
    return str(info.value).splitlines()


def test_start_rates_beyond_the_engine_are_refused_with_the_field() -> None:
    lines = problems(
        "metrics: {joins: 100000, leaves: 0, hours: 0.05, trust: 0.9, compliance: 1}\n"
    )
    assert len(lines) == 1
    assert lines[0].startswith("r.yaml:3:")
    assert "metrics.hours: J/Δt = 2e+06 events per hour" in lines[0]
    assert f"at most {MAX_EVENT_RATE:g}" in lines[0]


def test_an_arrival_rate_beyond_the_engine_is_refused() -> None:
    (line,) = problems("workload: {arrival_rate: 2000000}\n")
    assert "workload.arrival_rate: " in line  # the schema's bound or the engine's, one line


def test_a_timeline_set_that_makes_the_rates_too_high_is_refused_at_the_event() -> None:
    text = "timeline:\n  - {at: 2, kind: set, values: {hours: 0.01}}\n"
    (line,) = problems("metrics: {joins: 100000}\n" + text)
    assert "timeline[0].values.hours" in line and "events per hour" in line


def test_rates_within_the_bound_pass() -> None:
    loads_scenario(HEAD + "metrics: {joins: 100000, leaves: 100000, hours: 0.5}\n", "ok.yaml")
