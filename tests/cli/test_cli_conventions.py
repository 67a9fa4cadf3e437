"""One shape for every command: `phoenix-flight <cmd>: <where>: <what>` errors, defaults in every
sub-command's help, and options that only apply with another refused without it."""

from __future__ import annotations

import argparse
import re

import pytest

from phoenix_gui.cli import build_parser, main

ERROR = re.compile(r"^phoenix-flight (\w+): (\S[^:]*): (.+)$")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found = {}
    for name, sub in action.choices.items():
        found[name] = sub
        for inner in sub._actions:  # audit verify
            if isinstance(inner, argparse._SubParsersAction):
                found.update({f"{name} {k}": v for k, v in inner.choices.items()})
    return found


def test_every_option_that_takes_a_value_shows_its_default_in_help() -> None:
    missing = []
    for name, sub in _subparsers().items():
        text = " ".join(sub.format_help().split())
        required = {
            id(a) for g in sub._mutually_exclusive_groups if g.required for a in g._group_actions
        }
        for action in sub._actions:
            if id(action) in required:
                continue  # one of them must be given: there is no default to show
            takes_value = action.option_strings and action.nargs != 0
            optional_positional = not action.option_strings and action.nargs == "?"
            if not (takes_value or optional_positional) or action.required:
                continue
            helped = " ".join(sub._get_formatter()._expand_help(action).split())
            if "default" not in helped:
                missing.append(f"{name} {action.dest}")
            assert helped in text
    assert missing == [], f"options whose help shows no default: {missing}"


@pytest.mark.parametrize(
    ("argv", "where"),
    [
        (["metrics", "--hours", "0"], "--hours"),
        (["ring", "--members", "a,a", "--task-count", "3"], "--members"),
        (["run", "--hosts", "many", "--steps", "1"], "--hosts"),
        (["run", "--paradigm", "mesh", "--steps", "1"], "--paradigm"),
        (["run", "no-such-lesson"], "no-such-lesson"),
        (["audit", "verify", "absent.jsonl", "--count", "-1"], "--count"),
        (["gui", "--steps", "5"], "--steps"),
        (["gui", "--self-test", "--steps", "0"], "--steps"),
        (["validate", "absent.yaml"], "absent.yaml"),
        (["compare", "ring-join", "absent.yaml"], "absent.yaml"),
        (["compare", "ring-join", "--variant", "nope"], "--variant"),
    ],
)
def test_errors_read_command_where_what(argv: list[str], where: str, capsys) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    assert code == 2
    lines = [ln for ln in capsys.readouterr().err.splitlines() if not ln.startswith(("usage", " "))]
    assert lines, "no error printed"
    match = ERROR.match(lines[-1])
    assert match, lines[-1]
    assert (match.group(1), match.group(2)) == (argv[0], where)
    assert "error:" not in lines[-1]


def test_self_test_steps_without_self_test_is_refused_before_anything_starts(capsys) -> None:
    assert main(["gui", "--steps", "5"]) == 2
    assert capsys.readouterr().err == (
        "phoenix-flight gui: --steps: only applies to --self-test (the window runs until closed)\n"
    )
