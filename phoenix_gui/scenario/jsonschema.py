"""The JSON Schema of the scenario format, generated from the pydantic models.

It is shipped as ``resources/scenario.schema.json`` so editors can check scenario files as
they are typed (for example with the YAML language server: put
``# yaml-language-server: $schema=<path>/scenario.schema.json`` at the top of a file).
A test keeps the shipped copy equal to the generated one; regenerate it with
``phoenix-flight schema > resources/scenario.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

from phoenix_gui.scenario import migrations
from phoenix_gui.scenario.schema import Scenario

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The schema as a dict, with the dialect and a title in front."""
    body = Scenario.model_json_schema(mode="validation")
    body.pop("title", None)
    body.pop("description", None)  # the class docstring speaks to programmers
    return {
        "$schema": DIALECT,
        "title": "PhoenixFlight scenario",
        "description": (
            f"Scenario file of the PhoenixFlight simulator, schema version "
            f"{migrations.SCHEMA_VERSION} (YAML; JSON works too)."
        ),
        **body,
    }


def json_schema_text() -> str:
    """The schema as the text of ``resources/scenario.schema.json``."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
