"""Load scenario files: bytes → safe YAML → version migration → schema → cross-field checks.

This is the boundary of the package: whatever the input, the only exception that leaves
:func:`load_scenario` / :func:`loads_scenario` is :class:`ScenarioError`, whose problems name
file, line, column and field path. An unexpected failure deep inside a library is still turned
into a ScenarioError (and the loader is fuzzed to keep it that way).
"""

from __future__ import annotations

import difflib
import os
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.scenario import checks, migrations, variants
from phoenix_gui.scenario.convert import config_to_data, scenario_to_config
from phoenix_gui.scenario.errors import Problem, ScenarioError
from phoenix_gui.scenario.schema import (
    EVENT_KINDS,
    PATTERN_HELP,
    TEMPLATE_DERIVED,
    Scenario,
    all_field_names,
)
from phoenix_gui.scenario.yamlsafe import MAX_BYTES, Document, load_bytes, load_text

PathLike = str | os.PathLike[str]


def load_scenario(path: PathLike) -> Scenario:
    """Read and validate the scenario file at ``path``."""
    source = os.fspath(path)
    try:
        return _from_document(load_bytes(_read(source), source))
    except ScenarioError:
        raise
    except Exception as exc:  # the boundary: nothing but ScenarioError escapes
        raise _unexpected(source, exc) from exc


def loads_scenario(text: str, source: str = "<string>") -> Scenario:
    """Validate a scenario given as YAML text; ``source`` names it in messages."""
    try:
        return _from_document(load_text(text, source))
    except ScenarioError:
        raise
    except Exception as exc:
        raise _unexpected(source, exc) from exc


def load_config(path: PathLike) -> SimulationConfig:
    """Read a scenario file and return the engine configuration it describes."""
    scenario = load_scenario(path)
    try:
        return scenario_to_config(scenario)
    except Exception as exc:  # the schema mirrors the config's own checks; this is a safety net
        raise ScenarioError.single(os.fspath(path), str(exc)) from exc


def scenario_from_config(
    config: SimulationConfig, name: str | None = None, description: str = ""
) -> Scenario:
    """A newest-version scenario describing ``config``, validated like a loaded file."""
    return scenario_from_data(config_to_data(config, name=name, description=description))


def scenario_from_data(data: Any, source: str = "<config>") -> Scenario:
    """Migrate and validate plain data (not YAML text) exactly like a loaded file; problems
    name ``source`` and have no line numbers (1:1)."""
    return _from_document(Document(source, data))


def validate_data(doc: Document) -> Scenario:
    """Migrate and validate already-loaded plain data (positions from ``doc`` if it has any)."""
    return _from_document(doc)


def _read(source: str) -> bytes:
    try:
        with open(source, "rb") as handle:
            # Never read more than one byte past the limit, whatever the file's size.
            data = handle.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                size = os.fstat(handle.fileno()).st_size
                raise ScenarioError.single(
                    source,
                    f"file is {size / (1 << 20):.1f} MiB; scenario files are limited to 1.0 MiB",
                )
            return data
    except OSError as exc:
        raise ScenarioError.single(source, f"cannot read the file: {exc.strerror or exc}") from None


def _from_document(doc: Document) -> Scenario:
    data = doc.data
    if not isinstance(data, dict):
        raise ScenarioError(
            [doc.problem((), f"expected a mapping of keys to values, got {_type_name(data)}")]
        )
    data = _migrated(doc, data)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_sorted(_problem(doc, err) for err in exc.errors())) from None
    findings = checks.check(scenario)
    if findings:
        raise ScenarioError(_sorted(doc.problem(loc, msg, key) for loc, msg, key in findings))
    variants.check_variants(doc, scenario, _from_document)
    return scenario


def _migrated(doc: Document, data: dict[str, Any]) -> dict[str, Any]:
    current = migrations.SCHEMA_VERSION
    if "schema_version" not in data:
        raise ScenarioError(
            [doc.problem(("schema_version",), f"missing; this program writes version {current}")]
        )
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise ScenarioError(
            [doc.problem(("schema_version",), f"must be a whole number, got {version!r}")]
        )
    try:
        return migrations.migrate(data, version)
    except migrations.MigrationError as exc:
        raise ScenarioError([doc.problem(("schema_version",), str(exc))]) from None


def _problem(doc: Document, err: ErrorDetails) -> Problem:
    loc = _strip_tags(tuple(err["loc"]))
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        message = f"unknown key {key!r}"
        if loc[:2] == ("members", "template") and key in TEMPLATE_DERIVED:
            message += f": {TEMPLATE_DERIVED[key]}"
            return doc.problem(loc, message, key=True)
        known = all_field_names()
        close = difflib.get_close_matches(key, [n for n in known if n != key], n=1, cutoff=0.75)
        if key in known:
            message += " here"
        elif close:
            message += f"; did you mean {close[0]!r}?"
        return doc.problem(loc, message, key=True)
    message = err["msg"]
    ctx = err.get("ctx") or {}
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in PATTERN_HELP:
        message = PATTERN_HELP[ctx["pattern"]]
    value = err.get("input")
    if kind not in ("missing", "parameter") and "got" not in message and _is_scalar(value):
        message += f", got {_short_repr(value)}"
    return doc.problem(loc, message)


def _strip_tags(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Drop the union tag pydantic adds to timeline paths: timeline[3].join.member → .member."""
    if len(loc) >= 3 and loc[0] == "timeline" and isinstance(loc[1], int) and loc[2] in EVENT_KINDS:
        loc = loc[:2] + loc[3:]
    return tuple(part if isinstance(part, int) else str(part) for part in loc)


def _sorted(problems: Any) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.column))


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _type_name(value: Any) -> str:
    names = {list: "a list", str: "text", int: "a number", float: "a number", bool: "a boolean"}
    return names.get(type(value), "nothing" if value is None else type(value).__name__)


def _unexpected(source: str, exc: BaseException) -> ScenarioError:
    return ScenarioError.single(
        source, f"could not read the scenario ({type(exc).__name__}: {exc}); please report this"
    )
