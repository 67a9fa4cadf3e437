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
        "a792da0644e66d9a2c4be934db3c8a939a4b7e7673ae833ebaae1b26574a662f",
    ),
    "classroom-basics": (
        193,
        6936,
        "de78423d335a41fccc73edf05ddc494b78cc6c2b87b36105d036a191b7621cb2",
    ),
    "crash-vs-drain": (
        57,
        497,
        "863d92de8bc6975abd032a7b52edb69ad1e3fca3b308a962361ff426a92338d6",
    ),
    "governance-audit": (
        49,
        1615,
        "e2017418ec657e13320a0c593e226232856447d248a97c1f772c3cdcdd1a8174",
    ),
    "kubernetes-drain": (
        33,
        137,
        "025e7a0c4a51ca6bf698cbbf538a030e0f5832e2a85194350feff1f54edb89c4",
    ),
    "ring-join": (
        13,
        414,
        "11f8e1ba55ae0e862759f38aeb5cdcf11c3695cd7976f5c2411709c0bd7ef203",
    ),
    "trust-weighted": (
        97,
        343,
        "cd262509d9a11ee304f7d966a8c8960b67cc11db6f59d6a4a1ce17614db0fd7c",
    ),
    "vnodes-balance": (
        5,
        883,
        "82abbd385dc39024f326d4517d9bb58079b1d9d643163ceb6bea2128bf67d288",
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
