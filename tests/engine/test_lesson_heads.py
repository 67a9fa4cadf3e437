"""The audit head of every bundled lesson, pinned: a refactor must not change one byte.

Each head and record count was recorded with ``phoenix-flight run scenarios/NAME.yaml --json``
(keys ``audit_head``, ``audit_records``, ``steps``) before the engine's import cycles were
untangled (issue 10); a change of model behaviour changes the head, and then this pin must be
updated on purpose, in the same commit, with the reason.

Updated on purpose (issue 14): kubernetes-drain and agentic-handoff got captions that point at
their new views; caption text is audited, so their heads changed (same steps, same record
counts, same timeline and model).

Issue 13 rewrote the captions of six lessons (window references such as ``{panel:balance}``,
two shortened): caption records carry their text, so those heads changed; every record apart
from the caption text is identical to before (same counts, compared record by record).
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
        331,
        "5e710b80a856a038988c653227e34b39ad03745d6e450f9b35f814d7cb45d218",
    ),
    "churn-storm": (121, 37095, "d8b2d84fdbfde50330366fd9a71756d285b909ae192de58d976d74e3f53fc932"),
    "classroom-basics": (
        193,
        6680,
        "f80c11f273b14045dfd6747204ad064d1035faecde4839cfa0d07984598474ff",
    ),
    "crash-vs-drain": (57, 497, "5a19bf867c54c58785fc924acf1d16e68f242439c0e8d5180d6a9fb7a6440ce6"),
    "governance-audit": (
        49,
        1580,
        "2c89e261e6973914090afe6ea619200a17cca5d41b5649b4fe0a03f069605bfa",
    ),
    "kubernetes-drain": (
        33,
        137,
        "025e7a0c4a51ca6bf698cbbf538a030e0f5832e2a85194350feff1f54edb89c4",
    ),
    "ring-join": (13, 414, "bc851bc3b5b9cf7ce8d3c4950c93cc9d8216f9c9b156270de188277ce8aea46a"),
    "vnodes-balance": (5, 883, "9bc4a5ca6a6d0560ba9d5de3aaffac87072c0f9c1844207e12cc60ed63c9daa8"),
    # Added with the lesson (issue 16), recorded the same way.
    "vnodes-sweep": (3, 558, "5f26f4fae08783b5eced3c791385e2a83f8d06acd8590d0825d7bed6dbcb25eb"),
}


def test_every_bundled_lesson_is_pinned() -> None:
    assert sorted(p.stem for p in LESSONS_DIR.glob("*.yaml")) == sorted(HEADS)


@pytest.mark.parametrize("name", sorted(HEADS))
def test_lesson_audit_head_is_unchanged(name: str) -> None:
    steps, records, head = HEADS[name]
    sim = Simulation(load_config(str(LESSONS_DIR / f"{name}.yaml")))
    sim.run(steps=steps)
    assert (sim.step_index, len(sim.audit), sim.audit.head) == (steps, records, head)
