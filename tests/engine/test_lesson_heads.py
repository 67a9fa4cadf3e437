"""The audit head of every bundled lesson, pinned: a refactor must not change one byte.

Each head and record count was recorded with ``phoenix-flight run scenarios/NAME.yaml --json``
(keys ``audit_head``, ``audit_records``, ``steps``) before the engine's import cycles were
untangled (issue 10); a change of model behaviour changes the head, and then this pin must be
updated on purpose, in the same commit, with the reason.
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
        "4eb5fb5a826461d29218638579aa829ffac642777f25c1eacb77e23e95592c65",
    ),
    "churn-storm": (121, 37095, "a10262ddb6de3ff0957ed3384391fc803c5e4b0b68b32709e75f84d21a495c0d"),
    "classroom-basics": (
        193,
        6680,
        "95b050f478b2f7f920ac141c4235069ec20762de115dee909cee280b1b727bf7",
    ),
    "crash-vs-drain": (57, 497, "83a14e158032f335c8a558a80593dd1349074dc83066b65e512dbf64b1e8384a"),
    "governance-audit": (
        49,
        1580,
        "194a699396506ba85a10b40192026ab957d2e4ec866c0c26ca70595545ca10ff",
    ),
    "kubernetes-drain": (
        33,
        137,
        "28b3b9d60cba33936dc3151c937ae8f12cff04b9da569b6801914fdd72618152",
    ),
    "ring-join": (13, 414, "11f8e1ba55ae0e862759f38aeb5cdcf11c3695cd7976f5c2411709c0bd7ef203"),
    "vnodes-balance": (5, 883, "82abbd385dc39024f326d4517d9bb58079b1d9d643163ceb6bea2128bf67d288"),
}


def test_every_bundled_lesson_is_pinned() -> None:
    assert sorted(p.stem for p in LESSONS_DIR.glob("*.yaml")) == sorted(HEADS)


@pytest.mark.parametrize("name", sorted(HEADS))
def test_lesson_audit_head_is_unchanged(name: str) -> None:
    steps, records, head = HEADS[name]
    sim = Simulation(load_config(str(LESSONS_DIR / f"{name}.yaml")))
    sim.run(steps=steps)
    assert (sim.step_index, len(sim.audit), sim.audit.head) == (steps, records, head)
