"""Sweep definitions: parsing --vary, the grid order, seeds spawned by (cell, replicate)."""

from __future__ import annotations

import numpy as np
import pytest

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.experiments import Design, ExperimentError, Vary, apply_values, parse_vary
from phoenix_gui.experiments.design import run_seed
from phoenix_gui.experiments.runs import make_jobs, run_job


def test_list_and_range_forms() -> None:
    assert parse_vary("vnodes=1,10,100") == Vary("vnodes", (1, 10, 100))
    assert parse_vary("trust=0.1:0.5:0.1").values == (0.1, 0.2, 0.3, 0.4, 0.5)
    assert parse_vary("hosts=2:10:4").values == (2, 6, 10)
    assert parse_vary("hosts=2:9:4").values == (2, 6)  # STOP kept only when a step lands on it
    assert parse_vary("crash-share=0,1").name == "crash_share"
    assert parse_vary("paradigm=phoenix,kubernetes").values == ("phoenix", "kubernetes")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("vnodes", "expected NAME="),
        ("speed=1,2", "unknown parameter 'speed'"),
        ("vnodes=0,5", "--vary vnodes: must be in [1, 1000], got 0"),
        ("vnodes=1.5", "must be a whole number"),
        ("trust=a", "must be a number, got 'a'"),
        ("trust=0.5:0.1:0.1", "STOP (0.1) is below START (0.5)"),
        ("trust=0:1:0", "STEP must be > 0"),
        ("trust=0:1", "START:STOP:STEP"),
        ("hosts=1,1", "listed twice"),
        ("paradigm=ring", "'ring' is not a paradigm"),
        ("tasks=0:2000000:1", "more than 10000"),
        ("trust=0:1:1e-320", "more than 10000 values"),
        ("trust=nan", "must be a finite number"),
    ],
)
def test_bad_vary_names_the_parameter(text: str, words: str) -> None:
    with pytest.raises(ExperimentError) as err:
        parse_vary(text)
    assert words in str(err.value)
    assert str(err.value).startswith("--vary")


def test_design_bounds() -> None:
    v = parse_vary("vnodes=1,2")
    with pytest.raises(ExperimentError, match="varied twice"):
        Design((v, v), 1, 1)
    with pytest.raises(ExperimentError, match="--replicates"):
        Design((v,), 0, 1)
    with pytest.raises(ExperimentError, match="at most 1000000"):
        Design((parse_vary("tasks=0:9999:1"), parse_vary("hosts=0:200:1")), 1, 1)


def test_cells_first_parameter_slowest_and_jobs_in_order() -> None:
    d = Design((parse_vary("hosts=2,3"), parse_vary("vnodes=1,5,9")), 2, 1)
    assert d.cells() == [(2, 1), (2, 5), (2, 9), (3, 1), (3, 5), (3, 9)]
    jobs = make_jobs(SimulationConfig(), d)
    assert [(j.cell, j.replicate) for j in jobs][:4] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert len({j.seed for j in jobs}) == len(jobs) == d.runs == 12


def test_seed_is_the_spawned_child_of_the_scenario_seed() -> None:
    root = np.random.SeedSequence(20041)
    for cell, rep in ((0, 0), (3, 1), (7, 4)):
        child = root.spawn(cell + 1)[cell].spawn(rep + 1)[rep]
        assert run_seed(20041, cell, rep) == int(child.generate_state(1, np.uint64)[0]) >> 1
        root = np.random.SeedSequence(20041)  # spawn() advances the parent's counter
    assert run_seed(1, 0, 0) != run_seed(2, 0, 0)
    assert 0 <= run_seed(20041, 5, 5) < 2**63


def test_apply_values_sets_every_parameter() -> None:
    cfg = apply_values(
        SimulationConfig(),
        {"hosts": 7, "vnodes": 3, "tasks": 50, "joins": 4, "trust": 0.5, "crash_share": 0.0,
         "paradigm": "kubernetes"},
    )  # fmt: skip
    assert cfg.members.generate == 7 and cfg.ring.vnodes == 3
    assert cfg.workload.initial_tasks == 50 and cfg.metrics.joins == 4
    assert cfg.metrics.trust == 0.5 and cfg.churn.crash_share == 0.0
    assert cfg.paradigm == "kubernetes"


def test_a_failing_run_is_a_row_with_its_error() -> None:
    # 100000 joins in 0.001 h is a rate the engine refuses: the run fails at its start.
    base = apply_values(SimulationConfig(), {"hours": 0.001, "leaves": 0, "hosts": 3, "tasks": 9})
    design = Design((parse_vary("joins=100000,0"),), 1, 2)
    bad, good = (run_job(j) for j in make_jobs(base, design))
    assert bad["error"].startswith("ValueError: hours: J/Δt")
    assert bad["audit_head"] is None and bad["obs_dhs"] is None
    assert good["error"] is None and len(good["audit_head"]) == 64
