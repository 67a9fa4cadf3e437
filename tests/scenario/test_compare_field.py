"""The ``compare:`` field: a scenario opens as A (itself) beside B (one of its variants)."""

from __future__ import annotations

import pytest

from phoenix_gui.scenario import ScenarioError, dump_scenario, loads_scenario
from phoenix_gui.scenario.jsonschema import json_schema

BASE = """\
schema_version: 1
name: t
variants:
  drain: {churn: {crash_share: 0}}
"""


def test_compare_names_a_variant_and_survives_a_save() -> None:
    scenario = loads_scenario(BASE + "compare: {variant: drain}\n", "t.yaml")
    assert scenario.compare is not None and scenario.compare.variant == "drain"
    again = loads_scenario(dump_scenario(scenario), "again.yaml")
    assert again == scenario


def test_compare_of_an_unknown_variant_is_refused_at_its_place() -> None:
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(BASE + "compare:\n  variant: drian\n", "t.yaml")
    text = str(caught.value)
    assert "t.yaml:6:12: compare.variant: no variant named 'drian'" in text
    assert "this scenario has: drain" in text


def test_compare_with_an_unknown_key_is_refused() -> None:
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(BASE + "compare: {variant: drain, side: left}\n", "t.yaml")
    assert "compare.side: unknown key 'side'" in str(caught.value)


def test_the_json_schema_describes_compare() -> None:
    schema = json_schema()
    assert "compare" in schema["properties"]
    assert "Compare" in schema["$defs"]
    assert schema["$defs"]["Compare"]["required"] == ["variant"]
