"""`phoenix-flight validate FILE...` and `phoenix-flight schema`: scenario files from the shell.

``validate`` takes files or bundled lesson names and prints ``FILE: OK (name)`` for each valid
one; for an invalid one it prints one ``phoenix-flight validate: FILE:LINE:COL: field.path:
message`` line per problem on stderr (the place in the format compilers use) and the command
exits 2. ``schema`` prints the JSON Schema of
the format; ``phoenix-flight schema > resources/scenario.schema.json`` regenerates the shipped
copy.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from phoenix_gui.cli.errors import error_text
from phoenix_gui.resources import ScenarioNotFoundError, scenario_source
from phoenix_gui.scenario import ScenarioError, load_scenario
from phoenix_gui.scenario.jsonschema import json_schema_text


def register(subparsers: Any) -> None:
    validate = subparsers.add_parser(
        "validate",
        help="check scenario files (exit 0 when all are valid, 2 otherwise)",
        description="Check scenario files against the format: YAML syntax, limits, types, "
        "ranges, unknown keys and cross-field rules. Each problem is printed as "
        "FILE:LINE:COL: field.path: message.",
    )
    validate.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="scenario file(s) or bundled lesson name(s) to check",
    )
    validate.set_defaults(handler=_validate)

    schema = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description="Print the JSON Schema of the scenario format (generated from the models) "
        "so editors can validate scenario files as you type.",
    )
    schema.set_defaults(handler=_schema)


def _validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        try:
            path = scenario_source(name)
        except ScenarioNotFoundError as exc:
            print(error_text("phoenix-flight validate", str(exc)), file=sys.stderr)
            status = 2
            continue
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            print(error_text("phoenix-flight validate", str(exc)), file=sys.stderr)
            status = 2
            continue
        print(f"{path}: OK ({scenario.name})")
    return status


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json_schema_text())
    return 0
