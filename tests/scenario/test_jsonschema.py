"""The shipped JSON Schema is current, and its ranges are the parameter specs' ranges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from phoenix_gui.params import PARAMS
from phoenix_gui.scenario.jsonschema import json_schema, json_schema_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "resources" / "scenario.schema.json"


def test_shipped_schema_is_current() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == json_schema_text(), (
        "resources/scenario.schema.json is stale; regenerate it with "
        "`phoenix-flight schema > resources/scenario.schema.json`"
    )


def _props(schema: dict[str, Any], model: str) -> dict[str, Any]:
    props: dict[str, Any] = schema["$defs"][model]["properties"]
    return props


def test_schema_refuses_unknown_keys_everywhere() -> None:
    schema = json_schema()
    assert schema["additionalProperties"] is False
    for name, model in schema["$defs"].items():
        if model.get("type") == "object":
            assert model["additionalProperties"] is False, name


def test_schema_ranges_come_from_the_parameter_specs() -> None:
    schema = json_schema()
    metrics = _props(schema, "Metrics")
    for name in ("joins", "leaves", "trust", "compliance", "w_join", "w_leave"):
        spec = PARAMS[name]
        assert metrics[name]["minimum"] == spec.minimum and metrics[name]["maximum"] == spec.maximum
        assert metrics[name]["default"] == spec.default
        assert metrics[name]["type"] == ("integer" if spec.kind == "int" else "number")
    hours = metrics["hours"]
    assert hours["minimum"] == PARAMS["hours"].minimum == 0.01
    assert hours["maximum"] == PARAMS["hours"].maximum
    assert _props(schema, "Ring")["vnodes"]["maximum"] == PARAMS["vnodes"].maximum
    assert _props(schema, "Members")["generate"]["maximum"] == PARAMS["hosts"].maximum
    assert _props(schema, "Workload")["initial_tasks"]["maximum"] == PARAMS["tasks"].maximum


def test_timeline_is_a_union_told_apart_by_kind() -> None:
    schema = json_schema()
    items = schema["properties"]["timeline"]["items"]
    assert items["discriminator"]["propertyName"] == "kind"
    assert set(items["discriminator"]["mapping"]) == {
        *("join", "retire", "crash", "burst", "set", "submit", "caption")
    }
    assert json.loads(json_schema_text())["$schema"].endswith("2020-12/schema")
