"""Loading: valid files, hostile files, and errors that name file, line, column and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from phoenix_gui.engine.config import SimulationConfig
from phoenix_gui.params import PARAMS, ParamError
from phoenix_gui.scenario import (
    ScenarioError,
    load_config,
    load_scenario,
    loads_scenario,
    scenario_to_config,
)
from phoenix_gui.scenario.yamlsafe import MAX_BYTES, MAX_DEPTH, MAX_NODES

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "scenario-v1.yaml"

# The nine-level "billion laughs": 341 bytes, 72 aliases, ~387 million nodes once expanded.
ALIAS_BOMB = "".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
        *(
            f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)

MINIMAL = "schema_version: 1\nname: Minimal\n"


def _error(text: str, source: str = "t.yaml") -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, source)
    return info.value


def _one(text: str) -> str:
    err = _error(text)
    assert len(err.problems) == 1, str(err)
    return str(err)


def test_minimal_scenario_takes_every_default_from_the_config() -> None:
    scenario = loads_scenario(MINIMAL)
    config = scenario_to_config(scenario)
    assert config == SimulationConfig(name="Minimal")


def test_fixture_maps_every_section_onto_the_config() -> None:
    config = load_config(FIXTURE)
    assert config.paradigm == "agentic" and config.seed == 424242
    assert config.metrics.joins == 30.0 and config.metrics.w_leave == 2.0
    assert config.bands.healthy == 85 and config.ring.vnodes == 64
    assert config.members.listed[0].capabilities == ("code", "review")
    assert config.members.listed[0].vnodes == 8 and config.members.listed[1].vnodes is None
    assert config.members.generate == 3 and config.members.prefix == "agent-"
    assert config.members.template.trust == 0.8
    assert config.workload.arrival_rate == 5.5 and config.churn.enabled is False
    assert config.timing.heartbeat_timeout == 1.5 and config.governance.min_member_trust == 0.65
    kinds = [e.kind for e in config.timeline]
    assert kinds == [
        *("caption", "join", "join", "retire", "crash"),
        *("burst", "burst", "set", "submit", "caption"),
    ]
    assert config.timeline[1].member is not None and config.timeline[1].member.id == "late"
    assert config.timeline[2].member is None
    assert config.timeline[6].leaves is True and config.timeline[6].count == 2
    assert config.timeline[7].values == (("joins", 60.0), ("trust", 0.5), ("crash_share", 0.1))
    assert config.timeline[0].pause is True and config.timeline[9].text == "End"


def test_error_names_file_line_column_and_field_path() -> None:
    text = textwrap.dedent(
        """\
        schema_version: 1
        name: Positions
        members:
          listed:
            - {id: m0}
            - {id: m1}
            - {id: m2}
            - id: m3
              trust: 1.5
        """
    )
    assert _one(text) == "t.yaml:9:14: members.listed[3].trust: must be in [0, 1], got 1.5"


def test_every_problem_is_reported_on_its_own_line_in_file_order() -> None:
    text = "schema_version: 1\nname: X\nring: {vnodes: 0}\nmetrics: {hours: 0, trust: -1}\n"
    lines = str(_error(text)).splitlines()
    assert lines == [
        "t.yaml:3:16: ring.vnodes: must be in [1, 1000], got 0",
        "t.yaml:4:18: metrics.hours: must be in [0.01, 10000], got 0",
        "t.yaml:4:28: metrics.trust: must be in [0, 1], got -1",
    ]


def test_unknown_key_is_refused_at_the_key_with_a_suggestion() -> None:
    assert _one(MINIMAL + "ring:\n  vnode: 5\n") == (
        "t.yaml:4:3: ring.vnode: unknown key 'vnode'; did you mean 'vnodes'?"
    )


@pytest.mark.parametrize("key", ["kind"])
def test_generated_template_refuses_what_the_engine_derives(key: str) -> None:
    # Generated members take their kind from the paradigm; a template value for it would be
    # silently ignored, so the file is refused instead.
    text = MINIMAL + f"members:\n  template:\n    {key}: 0.5\n"
    message = _one(text)
    assert message.startswith(f"t.yaml:5:5: members.template.{key}: unknown key '{key}': ")
    assert "paradigm" in message or "trust T" in message


def test_a_key_known_elsewhere_is_not_suggested_as_itself() -> None:
    message = _one(MINIMAL + "ring:\n  seed: 3\n")
    assert message == "t.yaml:4:3: ring.seed: unknown key 'seed' here"


def test_missing_field_points_at_its_mapping() -> None:
    assert _one("schema_version: 1\ntimeline:\n  - {at: 1, kind: retire}\nname: x\n") == (
        "t.yaml:3:5: timeline[0].target: Field required"
    )


def test_wrong_types_are_refused_not_coerced() -> None:
    err = _error(MINIMAL + "seed: '12'\nchurn: {enabled: 1}\nmetrics: {joins: true}\n")
    text = str(err)
    assert "seed: Input should be a valid integer, got '12'" in text
    assert "churn.enabled: Input should be a valid boolean, got 1" in text
    assert "metrics.joins: must be a number, got True" in text


def test_timeline_paths_leave_out_the_event_kind() -> None:
    text = MINIMAL + "timeline:\n  - {at: 1, kind: join, member: {id: 'bad id'}}\n"
    assert "timeline[0].member.id: must start with a letter or digit" in _one(text)


def test_unknown_event_kind_is_named() -> None:
    assert "timeline[0]: Input tag 'explode'" in _one(
        MINIMAL + "timeline:\n  - {at: 1, kind: explode}\n"
    )


@pytest.mark.parametrize(
    ("section", "key", "param"),
    [
        ("metrics", "joins", "joins"),
        ("metrics", "hours", "hours"),
        ("metrics", "compliance", "compliance"),
        ("metrics", "w_leave", "w_leave"),
        ("ring", "vnodes", "vnodes"),
        ("members", "generate", "hosts"),
        ("workload", "initial_tasks", "tasks"),
        ("churn", "crash_share", "crash_share"),
    ],
)
def test_ranges_come_from_the_parameter_specs(section: str, key: str, param: str) -> None:
    spec = PARAMS[param]
    too_big = spec.maximum + (1 if spec.kind == "int" else 0.5)
    message = _one(MINIMAL + f"{section}: {{{key}: {too_big}}}\n")
    with pytest.raises(ParamError) as spec_error:
        spec.validate(too_big)
    assert message.endswith(f"{section}.{key}: {spec_error.value.message}")
    edge = int(spec.maximum) if spec.kind == "int" else spec.maximum
    loads_scenario(MINIMAL + f"{section}: {{{key}: {edge}}}\n")


# -- cross-field rules ------------------------------------------------------------------------


def test_timeline_event_naming_a_missing_member_is_refused_at_that_event() -> None:
    text = MINIMAL + textwrap.dedent(
        """\
        members: {generate: 2, listed: [{id: gpu}]}
        timeline:
          - {at: 1, kind: crash, target: host-0}
          - {at: 2, kind: retire, target: gpu}
          - {at: 3, kind: retire, target: ghost}
        """
    )
    message = _one(text)
    assert message.startswith("t.yaml:7:35: timeline[2].target: no member 'ghost'")
    assert "host-0 … host-1" in message


def test_member_joined_earlier_in_the_timeline_may_be_named_later_but_not_before() -> None:
    ok = MINIMAL + (
        "timeline:\n  - {at: 1, kind: join, member: {id: new}}\n"
        "  - {at: 2, kind: crash, target: new}\n"
    )
    loads_scenario(ok)
    early = MINIMAL + (
        "timeline:\n  - {at: 1, kind: crash, target: new}\n"
        "  - {at: 2, kind: join, member: {id: new}}\n"
    )
    assert "timeline[0].target: no member 'new'" in _one(early)


def test_member_that_already_left_cannot_leave_again() -> None:
    text = MINIMAL + (
        "timeline:\n  - {at: 1, kind: retire, target: host-3}\n"
        "  - {at: 2, kind: crash, target: host-3}\n"
    )
    assert "timeline[1].target: member 'host-3' already left at hour 1.0" in _one(text)


def test_duplicate_member_ids_are_refused() -> None:
    listed = MINIMAL + "members:\n  listed:\n    - {id: a}\n    - {id: b}\n    - {id: a}\n"
    assert _one(listed).startswith("t.yaml:7:12: members.listed[2].id: duplicate member id 'a'")
    clash = MINIMAL + "members:\n  generate: 2\n  listed: [{id: host-1}]\n"
    assert "clashes with the listed member at members.listed[0]" in _one(clash)
    joined = MINIMAL + "timeline:\n  - {at: 1, kind: join, member: {id: host-2}}\n"
    assert "timeline[0].member.id: member id 'host-2' is already used" in _one(joined)


def test_set_event_names_only_parameters_a_run_can_change() -> None:
    text = MINIMAL + "timeline:\n  - {at: 1, kind: set, values: {joins: 3, vnodes: 50}}\n"
    message = _one(text)
    assert message.startswith("t.yaml:4:43: timeline[0].values.vnodes: unknown parameter 'vnodes'")
    bad = MINIMAL + "timeline:\n  - {at: 1, kind: set, values: {trust: 1.2}}\n"
    assert "timeline[0].values.trust: must be in [0, 1], got 1.2" in _one(bad)


def test_events_must_be_in_time_order() -> None:
    text = MINIMAL + (
        "timeline:\n  - {at: 5, kind: caption, text: b}\n  - {at: 2, kind: caption, text: a}\n"
    )
    assert "timeline[1].at: events must be in time order" in _one(text)


def test_paired_fields_must_agree() -> None:
    bands = MINIMAL + "metrics: {bands: {healthy: 50, degraded: 70}}\n"
    assert "metrics.bands.degraded: must not exceed healthy" in _one(bands)
    beat = MINIMAL + "simulation: {heartbeat_interval: 2, heartbeat_timeout: 1}\n"
    assert "simulation.heartbeat_timeout: must be at least heartbeat_interval" in _one(beat)


# -- hostile files ----------------------------------------------------------------------------


def test_alias_bomb_is_refused_by_expanded_node_count() -> None:
    assert len(ALIAS_BOMB.encode()) < 400 and ALIAS_BOMB.count("*") == 72
    message = _one(ALIAS_BOMB)
    assert f"expands to more than {MAX_NODES} nodes" in message
    assert message.startswith("t.yaml:")


def test_small_aliases_are_fine() -> None:
    text = MINIMAL + "workload:\n  capabilities: &caps [code]\nmembers:\n"
    text += "  template: {capabilities: *caps}\n"
    assert loads_scenario(text).members.template.capabilities == ("code",)


@pytest.mark.parametrize(
    "text", ["[" * 5000, "a:\n" + "".join(" " * i + "- \n" for i in range(1, 200))]
)
def test_deep_nesting_is_refused_with_a_place(text: str) -> None:
    message = _one(text)
    assert f"nesting deeper than {MAX_DEPTH} levels" in message
    assert message.startswith("t.yaml:") and ":1:1:" not in message


def test_nesting_just_over_the_limit_is_refused_and_just_under_loads_as_yaml() -> None:
    deep = MINIMAL + "description: " + "[" * (MAX_DEPTH) + "]" * MAX_DEPTH + "\n"
    assert f"nesting deeper than {MAX_DEPTH} levels" in _one(deep)
    shallow = MINIMAL + "description: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n"
    assert "description: Input should be a valid string" in _one(shallow)


def test_recursive_alias_is_refused() -> None:
    assert "alias that contains itself" in _one(MINIMAL + "description: &d [*d]\n")


def test_file_over_one_mebibyte_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(MINIMAL.encode() + b"# " + b"x" * (2 * MAX_BYTES) + b"\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"{path}:1:1: (document): file is 2.0 MiB; scenario files are limited to 1.0 MiB"
    )


def test_non_utf8_bytes_are_refused_at_their_place(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"schema_version: 1\nname: Caf\xe9\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}:2:10: (document): not UTF-8 text: byte 0xe9 at offset 27"


def test_nul_byte_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"schema_version: 1\nname: a\x00b\n")
    with pytest.raises(ScenarioError, match=r"nul\.yaml:2:8: \(document\): NUL byte"):
        load_scenario(path)


def test_python_object_tag_is_refused_without_running_anything() -> None:
    text = MINIMAL + "description: !!python/object/apply:os.system ['touch /tmp/pwned']\n"
    assert _one(text) == (
        "t.yaml:3:14: description: tag !!python/object/apply:os.system is not allowed: "
        "scenario files hold plain data only"
    )


def test_duplicate_keys_are_refused() -> None:
    assert _one(MINIMAL + "name: Again\n") == (
        "t.yaml:3:1: name: duplicate key 'name' (first at line 2)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "t.yaml:1:1: (document): the file is empty"),
        ("- a\n- b\n", "t.yaml:1:1: (document): expected a mapping of keys to values, got a list"),
        ("a: [1,\n", "t.yaml:2:1: (document): YAML syntax:"),
        ("--- {}\n--- {}\n", "t.yaml:2:1: (document): YAML syntax: but found another document"),
        ("name: x\n", "t.yaml:1:1: schema_version: missing; this program writes version 1"),
        ("schema_version: one\nname: x\n", "t.yaml:1:17: schema_version: must be a whole number"),
        ("<<: {a: 1}\n", "t.yaml:1:1: (document): merge keys (<<) are not supported"),
        ("schema_version: 1\nname: !!binary aGk=\n", "t.yaml:2:7: name: tag !!binary"),
        ("schema_version: 1\nname: 2024-13-45\n", "t.yaml:2:7: name: cannot read '2024-13-45'"),
    ],
)
def test_malformed_documents(text: str, expected: str) -> None:
    assert str(_error(text)).startswith(expected)


def test_missing_file_and_folder_are_scenario_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read the file"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="cannot read the file"):
        load_scenario(tmp_path)


def test_unexpected_failures_inside_are_still_scenario_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("library bug")

    monkeypatch.setattr("phoenix_gui.scenario.loading.checks.check", boom)
    assert "RuntimeError: library bug" in _one(MINIMAL)


def test_control_character_is_refused_at_its_place() -> None:
    assert _one(MINIMAL + "description: a\x07b\n") == (
        "t.yaml:3:15: (document): character U+0007 is not allowed in YAML: "
        "control characters are not allowed"
    )


@pytest.mark.parametrize(
    "text",
    [
        ALIAS_BOMB,
        "[" * 5000,
        "".join(" " * i + "a:\n" for i in range(3000)),
        "".join("  " * i + "-\n" for i in range(3000)),
        MINIMAL + "description: !!python/object:os.system {}\n",
    ],
    ids=["bomb", "flow", "block-map", "block-seq", "tag"],
)
def test_pure_python_loader_is_bounded_too(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """Without libyaml the recursive composer would hit RecursionError on deep documents."""
    monkeypatch.setattr("phoenix_gui.scenario.yamlsafe.LOADER", yaml.SafeLoader)
    message = _one(text)
    assert message.startswith("t.yaml:") and "Recursion" not in message


def test_the_c_loader_is_used_when_available() -> None:
    from phoenix_gui.scenario.yamlsafe import LOADER

    assert LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
