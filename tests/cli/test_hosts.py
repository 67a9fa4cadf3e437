"""`--hosts N` is the number of members at the start, listed members first — in the engine's
configuration, the `run` command and the scenario document behind the Hosts slider."""

from __future__ import annotations

from pathlib import Path

import pytest

from phoenix_gui.cli import build_parser
from phoenix_gui.cli.run_cmd import build_config
from phoenix_gui.engine import MembersConfig, MemberSpec, Simulation

FOUR_LISTED = """\
schema_version: 1
name: Four listed
members:
  listed: [{id: a}, {id: b}, {id: c}, {id: d}]
  generate: 3
churn: {enabled: false}
"""


def _start_ids(argv: list[str]) -> list[str]:
    cfg = build_config(build_parser().parse_args(["run", *argv]))
    return [m.id for m in Simulation(cfg).registry.members()]


@pytest.fixture
def four(tmp_path: Path) -> str:
    path = tmp_path / "four.yaml"
    path.write_text(FOUR_LISTED, encoding="utf-8")
    return str(path)


def test_the_scenario_alone_starts_listed_plus_generated(four: str) -> None:
    assert _start_ids([four]) == ["a", "b", "c", "d", "host-0", "host-1", "host-2"]


@pytest.mark.parametrize(
    ("hosts", "expected"),
    [
        (2, ["a", "b"]),
        (4, ["a", "b", "c", "d"]),
        (6, ["a", "b", "c", "d", "host-0", "host-1"]),
        (0, []),
    ],
)
def test_hosts_is_the_total_at_the_start_listed_first(
    four: str, hosts: int, expected: list[str]
) -> None:
    assert _start_ids([four, "--hosts", str(hosts)]) == expected


def test_a_lesson_with_ten_hosts_and_hosts_3_starts_three() -> None:
    # The case of the issue: before, --hosts 3 on ring-join (ten hosts) started thirteen.
    cfg = build_config(build_parser().parse_args(["run", "ring-join", "--hosts", "3"]))
    assert cfg.members.total == 3


def test_with_total_keeps_listed_first_and_refuses_negative() -> None:
    members = MembersConfig(listed=(MemberSpec("x"), MemberSpec("y")), generate=5)
    assert members.total == 7
    assert members.with_total(1) == MembersConfig(listed=(MemberSpec("x"),), generate=0)
    assert members.with_total(9).generate == 7 and members.with_total(9).total == 9
    with pytest.raises(ValueError, match="hosts"):
        members.with_total(-1)
