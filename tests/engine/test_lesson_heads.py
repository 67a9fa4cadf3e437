"""The audit head of every bundled lesson, pinned: a refactor must not change one byte.

Each head and record count was recorded with ``phoenix-flight run scenarios/NAME.yaml --json``
(keys ``audit_head``, ``audit_records``, ``steps``) before the engine's import cycles were
untangled (issue 10); a change of model behaviour changes the head, and then this pin must be
updated on purpose, in the same commit, with the reason.

Updated on purpose (issue 14): kubernetes-drain and agentic-handoff got captions that point at
their new views; caption text is audited, so their heads changed (same steps, same record
counts, same timeline and model).

Re-pinned for issue 18 (the model tells the truth): a unit of work now fails with probability
1 − its member's trust and is redone (a ``work_units_failed`` record per step with failures;
agentic-handoff, churn-storm, classroom-basics, governance-audit), ``member_removed`` carries
the measured ``work_delayed`` (crash-vs-drain, churn-storm; agentic-handoff re-pinned once
more after merging issue 14's caption change), generated members draw their trust
around T from a new stream (classroom-basics, churn-storm, governance-audit). kubernetes-drain,
ring-join and vnodes-balance list their members at trust 1, with no crash: their heads stay
(kubernetes-drain's as pinned for issue 14). The lessons that had no arrival rate now say
``arrival_rate: 0`` (the default is 20 tasks/h), so they run the same tasks as before.
trust-weighted is the new lesson. vnodes-sweep generates its hosts around T = 0.95 (three
``work_units_failed`` records) and now says arrival_rate: 0 as well.

Issue 13 rewrote the captions of six lessons (window references such as ``{panel:balance}``,
two shortened): caption records carry their text, so churn-storm, classroom-basics,
crash-vs-drain, governance-audit, ring-join and vnodes-balance were re-pinned; every record
apart from the caption text is identical to before (same counts, compared record by record).

Issue 15 made crash-vs-drain and vnodes-balance open as A/B (``compare:``): crash-vs-drain's A
run is now "delta crashes at hour 10" alone (bravo's retirement at hour 5 moved to the other
side, as B's graceful leave of delta), so its records changed (310 instead of 497);
vnodes-balance's A run is the same run with captions about both sides (same record count).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from phoenix_gui.engine import Simulation
from phoenix_gui.scenario import load_config

LESSONS_DIR = Path(__file__).resolve().parents[2] / "scenarios"

# lesson: (steps the CLI runs, audit records, audit head)
HEADS = {
    "agentic-handoff": (
        49,
        356,
        "10393e8a651659e45e5ee2809bdabb195aa9eb3c5a1cba7ea27e09f024a89302",
    ),
    "churn-storm": (
        121,
        41098,
        "1bfc2e4366719aff3a6be0ebb4ac7cddbdef2223102166d2cdf7c067ec5297d0",
    ),
    "classroom-basics": (
        193,
        6936,
        "9b20a55507ebc012e34cc8e6432ace38022ce6a80cec0fc852581c27ec0a422d",
    ),
    "crash-vs-drain": (
        57,
        310,
        "1fd545a3a8a9876d8044cb1347c8eb19eeb06c30d9c0404c069d3223751cbf05",
    ),
    "governance-audit": (
        49,
        1615,
        "ea11925a4d3ee8cf0076f0914750782902e96194d5b4aec0cbc563f59bb1dcca",
    ),
    "kubernetes-drain": (
        33,
        137,
        "025e7a0c4a51ca6bf698cbbf538a030e0f5832e2a85194350feff1f54edb89c4",
    ),
    "ring-join": (
        13,
        414,
        "bc851bc3b5b9cf7ce8d3c4950c93cc9d8216f9c9b156270de188277ce8aea46a",
    ),
    "trust-weighted": (
        97,
        343,
        "cd262509d9a11ee304f7d966a8c8960b67cc11db6f59d6a4a1ce17614db0fd7c",
    ),
    "vnodes-balance": (
        5,
        883,
        "7806b71aaecb9ba77aeeb605f8d17bd8d1f0aedc6b23efa81f9b9c5fc8cbed23",
    ),
    # Added with the lesson (issue 16), recorded the same way.
    "vnodes-sweep": (3, 561, "32a3ebb2e442e048b3ba169298a80fc78f26adcbe7c283a630575050b52f52cc"),
}


def test_every_bundled_lesson_is_pinned() -> None:
    assert sorted(p.stem for p in LESSONS_DIR.glob("*.yaml")) == sorted(HEADS)


@pytest.mark.parametrize("name", sorted(HEADS))
def test_lesson_audit_head_is_unchanged(name: str) -> None:
    steps, records, head = HEADS[name]
    sim = Simulation(load_config(str(LESSONS_DIR / f"{name}.yaml")))
    sim.run(steps=steps)
    assert (sim.step_index, len(sim.audit), sim.audit.head) == (steps, records, head)


@pytest.mark.parametrize("name", ["ring-join", "crash-vs-drain"])
def test_the_cli_log_is_the_pinned_one_plus_its_closing_record(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --audit` writes the same bytes as before issue 12, then one closing record."""
    import json

    from phoenix_gui.cli import main

    steps, records, head = HEADS[name]
    audit = tmp_path / "run.jsonl"
    assert main(["run", str(LESSONS_DIR / f"{name}.yaml"), "--audit", str(audit), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    lines = audit.read_text(encoding="utf-8").splitlines()
    assert (summary["steps"], summary["audit_records"], len(lines)) == (
        steps,
        records + 1,
        records + 1,
    )
    closing = json.loads(lines[-1])
    assert closing["prev_hash"] == head and closing["event"] == "log_closed"
    assert closing["details"] == {"records": records + 1, "complete": True, "interrupted": False}
    assert json.loads(lines[-2])["hash"] == head and summary["audit_head"] == closing["hash"]
