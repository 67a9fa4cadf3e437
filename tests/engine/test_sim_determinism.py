"""Same configuration and seed ⇒ byte-identical audit log, whatever PYTHONHASHSEED is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ARGS = ["--hosts", "8", "--tasks", "400", "--joins", "40", "--leaves", "30", "--steps", "80"]


def _run(tmp: Path, name: str, hashseed: str, seed: str, paradigm: str) -> bytes:
    out = tmp / f"{name}.jsonl"
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    cmd = [sys.executable, "-m", "phoenix_gui", "run", "--paradigm", paradigm, "--seed", seed,
           *ARGS, "--audit", str(out), "--json"]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_same_seed_same_bytes_across_hash_seeds(tmp_path: Path) -> None:
    for paradigm in ("phoenix", "agentic"):
        a = _run(tmp_path, f"{paradigm}-a", "0", "5", paradigm)
        b = _run(tmp_path, f"{paradigm}-b", "4242", "5", paradigm)
        assert a == b
        assert a.count(b"\n") > 500
        c = _run(tmp_path, f"{paradigm}-c", "0", "6", paradigm)
        assert c != a


def test_in_process_runs_repeat_and_record_the_entropy() -> None:
    from phoenix_gui.engine.simulation import Simulation
    from tests.engine.sim_helpers import config

    heads = []
    for _ in range(2):
        sim = Simulation(config("kubernetes", seed=99))
        sim.run(steps=60)
        heads.append(sim.audit.head)
        first = sim.audit.records[0]
        assert first.kind == "run_started" and first.details["entropy"] == 99
    assert heads[0] == heads[1]
