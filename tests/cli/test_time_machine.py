"""`run --save-state` / `run --resume`, `compare`, and scenario variants, driven as a user would
from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phoenix_gui.cli import main
from phoenix_gui.engine import verify_file
from phoenix_gui.scenario import (
    ScenarioError,
    dump_scenario,
    load_scenario,
    loads_scenario,
    variant_scenario,
)

ROOT = Path(__file__).resolve().parents[2]
LESSON = str(ROOT / "scenarios" / "classroom-basics.yaml")

VARIANTS = """\
schema_version: 1
name: churny
seed: 4
members: {generate: 5}
workload: {initial_tasks: 100}
metrics: {joins: 10, leaves: 10, hours: 24}
churn: {crash_share: 1.0}
variants:
  drain: {churn: {crash_share: 0}}
  drain-later: {branch_at: 12, churn: {crash_share: 0}}
  unchanged: {branch_at: 12}
  one-vnode: {ring: {vnodes: 1}}
  one-vnode-later: {branch_at: 12, ring: {vnodes: 1}}
"""


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_save_then_resume_equals_one_straight_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    straight = _json(capsys, ["run", LESSON, "--steps", "30", "--audit", str(tmp_path / "s.jsonl"),
                              "--json"])  # fmt: skip
    state = tmp_path / "mid.pfstate"
    _json(capsys, ["run", LESSON, "--steps", "12", "--audit", str(tmp_path / "a.jsonl"),
                   "--save-state", str(state), "--json"])  # fmt: skip
    resumed = _json(capsys, ["run", "--resume", str(state), "--steps", "18",
                             "--audit", str(tmp_path / "b.jsonl"), "--json"])  # fmt: skip
    assert resumed["audit_head"] == straight["audit_head"]
    assert resumed["audit_records"] == straight["audit_records"]
    assert resumed["steps"] == straight["steps"] == 30
    # The resumed audit continues the chain: its first record's previous hash is the saved head.
    first = json.loads((tmp_path / "b.jsonl").read_text().splitlines()[0])
    last_saved = json.loads((tmp_path / "a.jsonl").read_text().splitlines()[-1])
    assert first["prev_hash"] == last_saved["hash"]
    joined = tmp_path / "joined.jsonl"
    joined.write_bytes((tmp_path / "a.jsonl").read_bytes() + (tmp_path / "b.jsonl").read_bytes())
    assert joined.read_bytes() == (tmp_path / "s.jsonl").read_bytes()
    assert verify_file(joined, expected_head=straight["audit_head"]).ok


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--joins", "4"], "--joins cannot be changed when resuming"),
        ([LESSON], "SCENARIO cannot be changed when resuming"),
        ([], "give --steps or --sim-hours"),
    ],
)
def test_resume_refuses_what_the_state_already_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    state = tmp_path / "s.pfstate"
    assert main(["run", LESSON, "--steps", "2", "--save-state", str(state)]) == 0
    capsys.readouterr()
    steps = ["--steps", "2"] if message != "give --steps or --sim-hours" else []
    assert main(["run", *extra, "--resume", str(state), *steps]) == 2
    assert message in capsys.readouterr().err


def test_resume_refuses_damaged_and_foreign_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "junk.pfstate").write_text("not a state")
    assert main(["run", "--resume", str(tmp_path / "junk.pfstate"), "--steps", "2"]) == 2
    err = capsys.readouterr().err
    assert "not a PhoenixFlight state file" in err and "Traceback" not in err
    assert main(["run", "--resume", str(tmp_path / "missing"), "--steps", "2"]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.fixture
def churny(tmp_path: Path) -> str:
    path = tmp_path / "churny.yaml"
    path.write_text(VARIANTS)
    return str(path)


def test_compare_variant_drain_loses_no_work_where_crashes_do(
    churny: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(capsys, ["compare", churny, "--variant", "drain", "--sim-hours", "48", "--json"])
    a, b, diff = out["a"], out["b"], out["diff"]
    assert a["work_lost"] > 0 and a["crashes"] > 0
    assert b["work_lost"] == 0 and b["crashes"] == 0
    assert diff["work_lost"] == pytest.approx(b["work_lost"] - a["work_lost"])
    assert diff["crashes"] == -a["crashes"]
    assert diff["observed.dhs"] == pytest.approx(b["observed"]["dhs"] - a["observed"]["dhs"])
    assert a["steps"] == b["steps"] == 192


def test_a_branch_that_changes_nothing_stays_identical(
    churny: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(capsys, ["compare", churny, "--variant", "unchanged", "--steps", "150", "--json"])
    assert out["a"]["audit_head"] == out["b"]["audit_head"]
    assert not any(out["diff"].values())


def test_a_later_branch_shares_the_past_and_differs_after(
    churny: str, capsys: pytest.CaptureFixture[str]
) -> None:
    early = _json(capsys, ["compare", churny, "--variant", "drain", "--steps", "150", "--json"])
    late = _json(capsys, ["compare", churny, "--variant", "drain-later", "--steps", "150",
                          "--json"])  # fmt: skip
    # Branching at hour 12 keeps A's crashes of the first 12 hours, so B crashed some.
    assert 0 < late["b"]["crashes"] < late["a"]["crashes"]
    assert early["b"]["crashes"] == 0


def test_compare_two_files_and_text_table(
    churny: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(VARIANTS.replace("seed: 4", "seed: 5").split("variants:")[0])
    assert main(["compare", churny, str(other), "--steps", "40"]) == 0
    text = capsys.readouterr().out
    assert "B − A" in text and "work lost (h)" in text and "seed 5" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--variant", "nope"], "has no variant 'nope' (it has: drain, drain-later"),
        (["--variant", "one-vnode-later"], "ring: cannot change at a branch point"),
        ([], "give a second scenario B or --variant NAME"),
    ],
)
def test_compare_refuses_clearly(
    churny: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["compare", churny, *argv, "--steps", "5"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_variant_from_the_start_may_change_the_ring(
    churny: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(capsys, ["compare", churny, "--variant", "one-vnode", "--steps", "20", "--json"])
    assert out["a"]["audit_head"] != out["b"]["audit_head"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "  broken:\n    churn: {crash_share: 7}\n",
            "lesson.yaml:15:26: variants.broken.churn.crash_share: must be in [0, 1], got 7",
        ),
        (
            "  typo: {rnig: {vnodes: 2}}\n",
            "lesson.yaml:14:10: variants.typo.rnig: unknown key 'rnig'; did you mean 'ring'?",
        ),
        (
            "  late: {branch_at: -1}\n",
            "lesson.yaml:14:21: variants.late.branch_at: Input should be greater than or equal",
        ),
    ],
)
def test_bad_variants_are_reported_at_their_place(extra: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(VARIANTS + extra, "lesson.yaml")
    assert str(info.value).splitlines()[0].startswith(expected)


def test_variants_survive_save_and_reload(churny: str) -> None:
    scenario = load_scenario(churny)
    again = loads_scenario(dump_scenario(scenario), "saved.yaml")
    assert again.variants == scenario.variants
    drain = variant_scenario(again, "drain")
    assert drain.churn.crash_share == 0 and drain.seed == 4 and not drain.variants
    plain = loads_scenario(VARIANTS.split("variants:")[0], "plain.yaml")
    assert "variants" not in dump_scenario(plain)
