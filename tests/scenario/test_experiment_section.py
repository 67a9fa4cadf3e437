"""The scenario's `experiment:` section: a ready sweep a lesson can ship."""

from __future__ import annotations

from pathlib import Path

import pytest

from phoenix_gui.scenario import ScenarioError, dump_scenario, loads_scenario

BASE = "schema_version: 1\nname: sweep\n"
GOOD = (
    BASE
    + """experiment:
  vary:
    - {param: vnodes, values: [1, 10, 100]}
    - {param: paradigm, values: [phoenix, kubernetes]}
  replicates: 4
  sim_hours: 12
  metric: obs_dhs
"""
)


def test_a_ready_sweep_loads_and_saves_back() -> None:
    s = loads_scenario(GOOD)
    assert s.experiment is not None
    assert [v.param for v in s.experiment.vary] == ["vnodes", "paradigm"]
    assert s.experiment.vary[0].values == (1, 10, 100)
    assert s.experiment.replicates == 4 and s.experiment.sim_hours == 12
    assert loads_scenario(dump_scenario(s)) == s


def test_no_section_is_none() -> None:
    assert loads_scenario(BASE).experiment is None


@pytest.mark.parametrize(
    ("section", "where", "words"),
    [
        ("  vary: [{param: vnodes, values: [0, 5]}]\n  steps: 1\n",
         "4:34: experiment.vary[0].values", "must be in [1, 1000], got 0"),
        ("  vary: [{param: speed, values: [1]}]\n  steps: 1\n",
         "experiment.vary[0].param", "vnodes"),
        ("  vary: [{param: vnodes, values: [1]}, {param: vnodes, values: [2]}]\n  steps: 1\n",
         "experiment.vary[1].param", "vnodes is varied twice"),
        ("  vary: [{param: vnodes, values: [1]}]\n", "experiment",
         "give exactly one of sim_hours and steps"),
        ("  vary: [{param: paradigm, values: [ring]}]\n  steps: 1\n",
         "experiment.vary[0].values", "'ring' is not a paradigm"),
        ("  vary: [{param: vnodes, values: [1]}]\n  steps: 1\n  metric: audit_head\n",
         "experiment.metric", "obs_dhs"),
        ("  vary: []\n  steps: 1\n", "experiment.vary", "at least 1"),
    ],
)  # fmt: skip
def test_bad_sections_name_the_field_and_place(section: str, where: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        loads_scenario(BASE + "experiment:\n" + section, source="s.yaml")
    text = str(err.value)
    assert where in text and words in text, text


def test_the_shipped_json_schema_knows_the_section() -> None:
    import json

    schema = json.loads(
        (Path(__file__).resolve().parents[2] / "resources" / "scenario.schema.json").read_text()
    )
    assert "experiment" in schema["properties"]
    assert "Experiment" in schema["$defs"] and "ExperimentVary" in schema["$defs"]
