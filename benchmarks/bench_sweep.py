"""Sweep benchmark: local worker processes side by side with one worker and with plain calls.

    python benchmarks/bench_sweep.py [--quick]

The same sweep (the default scenario, 4 steps per run, ``vnodes`` × replicates; 200 runs with
--quick, 400 without) is timed four ways in this one process, in two rounds of opposite order
(best of each, so a drifting machine load favours no side):
- in-process calls: ``run_job`` on every job in a loop (what calling ``run`` N times costs);
- ``--workers 1``: the whole ``sweep`` path in this process (session, rows, atomic CSV);
- one worker process: the same through a pool of one spawned process (start-up, pickling);
- ``--workers 2``: two spawned worker processes.
``speedup_workers_2`` = time(--workers 1) / time(--workers 2) (≥ 1.6 expected on 2 free
cores); ``overhead_per_run_ms`` = (time(one worker process) − time(in-process calls)) / runs,
what handing a run to a worker costs. The output files of all three sweeps must be equal
(``identical``). The 1-minute load average is printed with the figures: on a shared machine
other jobs take the cores two workers need. Prints a table, then, as its LAST line, one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a plain checkout

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.experiments import Design, make_jobs, parse_vary, run_job
from phoenix_gui.experiments.executors import InProcessRunner, PoolRunner, Runner
from phoenix_gui.experiments.session import SweepSession

STEPS = 4  # short runs: the hand-off cost shows, not hidden under long simulations


def _design(runs: int) -> Design:
    return Design((parse_vary("vnodes=1,10,50,100"),), runs // 4, STEPS)


def _timed_sweep(design: Design, out: Path, make: type[Runner] | None, workers: int) -> float:
    session = SweepSession(SimulationConfig(), design, out)
    start = time.perf_counter()
    runner: Runner = (
        InProcessRunner(session.todo) if make is None else PoolRunner(session.todo, workers)
    )
    session.run(runner)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 runs instead of 400")
    args = parser.parse_args(argv)
    runs = 200 if args.quick else 400
    design = _design(runs)
    jobs = make_jobs(SimulationConfig(), design)

    def calls() -> float:
        start = time.perf_counter()
        for job in jobs:
            run_job(job)
        return time.perf_counter() - start

    best = dict.fromkeys(("calls", "one", "pool1", "two"), float("inf"))
    outputs: set[bytes] = set()
    with tempfile.TemporaryDirectory() as folder:
        # Two rounds in opposite orders, best of each: a machine whose load drifts during the
        # run favours neither side.
        for order in (("calls", "one", "pool1", "two"), ("two", "pool1", "one", "calls")):
            for name in order:
                out = Path(folder) / f"{name}-{len(outputs)}.csv"
                if name == "calls":
                    t = calls()
                else:
                    make = None if name == "one" else PoolRunner
                    t = _timed_sweep(design, out, make, 2 if name == "two" else 1)
                    outputs.add(out.read_bytes())
                best[name] = min(best[name], t)
    identical = len(outputs) == 1

    cores = len(os.sched_getaffinity(0))
    print(f"{runs} runs of {STEPS} steps (default scenario), {cores} cores, best of 2 rounds")
    for label, key in (
        ("in-process calls", "calls"),
        ("sweep --workers 1", "one"),
        ("one worker process", "pool1"),
        ("sweep --workers 2", "two"),
    ):
        t = best[key]
        print(f"  {label:<20} {t:7.2f} s  {t / runs * 1e3:7.1f} ms/run")
    result = {
        "runs": runs,
        "cores": cores,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "speedup_workers_2": round(best["one"] / best["two"], 3),
        "overhead_per_run_ms": round((best["pool1"] - best["calls"]) / runs * 1e3, 3),
        "overhead_per_run_ms_in_process": round((best["one"] - best["calls"]) / runs * 1e3, 3),
        "identical": identical,
    }
    print(json.dumps(result))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
