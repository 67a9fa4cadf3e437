"""Sweep benchmark: local worker processes side by side with one worker and with plain calls.

    python benchmarks/bench_sweep.py [--quick]

The same sweep (the default scenario, 4 steps per run, ``vnodes`` × replicates; 200 runs with
--quick, 400 without) is timed four ways in this one process, in two rounds of opposite order
(best of each, so a drifting machine load favours no side):
- in-process calls: ``run_job`` on every job in a loop (what calling ``run`` N times costs);
- ``--workers 1``: the whole ``sweep`` path in this process (session, rows, atomic CSV);
- one worker process: the same through a pool of one worker process (start-up, hand-offs);
- ``--workers 2``: two worker processes.
The runs are short on purpose (a few ms each): what a worker costs to start and to be handed a
run shows instead of hiding under long simulations. The pools start as ``phoenix-flight
sweep`` starts them (``start_method``: ``fork`` here, a single-threaded process on Linux).
``speedup_workers_2`` = time(--workers 1) / time(--workers 2) (≥ 1.6 expected on 2 free
cores); ``overhead_per_run_ms`` = (time(one worker process) − time(in-process calls)) / runs,
what handing a run to a worker costs. The output files of all the sweeps must be equal
(``identical``).

On a shared machine other jobs take the cores two workers need, so wall-clock figures vary
with the load (the 1-minute load average is printed with them). CPU time does not: the
``*_cpu_ms_per_run`` figures count this process (``process_time``) and its finished worker
processes (``RUSAGE_CHILDREN``) per run; ``overhead_per_run_cpu_ms`` is the CPU a run costs
more in a worker process than in a plain call; ``speedup_workers_2_cpu_bound`` =
CPU(--workers 1) / ((CPU of both workers + this process during --workers 2) / 2), the speedup
two otherwise idle cores would give if nothing but CPU limited it (an upper bound for the
wall-clock figure); ``serial_fraction`` = 2·time(--workers 2)/time(--workers 1) − 1 (Amdahl's
law with 2 workers, from the wall-clock times). Prints a table, then, as its LAST line, one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a plain checkout

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.experiments import Design, make_jobs, parse_vary, run_job
from phoenix_gui.experiments.executors import InProcessRunner, PoolRunner, Runner, start_method
from phoenix_gui.experiments.session import SweepSession

STEPS = 4  # short runs: the hand-off cost shows, not hidden under long simulations


def _design(runs: int) -> Design:
    return Design((parse_vary("vnodes=1,10,50,100"),), runs // 4, STEPS)


Timing = tuple[float, float, float]  # wall, this process's CPU, finished children's CPU (s)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(work: Callable[[], None]) -> Timing:
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    work()
    return (
        time.perf_counter() - wall,
        time.process_time() - cpu,
        _children_cpu() - children,  # the pool is joined: its workers have been waited for
    )


def _timed_sweep(design: Design, out: Path, make: type[Runner] | None, workers: int) -> Timing:
    session = SweepSession(SimulationConfig(), design, out)

    def work() -> None:
        runner: Runner = (
            InProcessRunner(session.todo) if make is None else PoolRunner(session.todo, workers)
        )
        session.run(runner)

    return _timed(work)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 runs instead of 400")
    args = parser.parse_args(argv)
    runs = 200 if args.quick else 400
    design = _design(runs)
    jobs = make_jobs(SimulationConfig(), design)

    def calls() -> None:
        for job in jobs:
            run_job(job)

    names = ("calls", "one", "pool1", "two")
    best = dict.fromkeys(names, float("inf"))
    cpu = dict.fromkeys(names, float("inf"))  # own + children, best of the rounds
    own = dict.fromkeys(names, float("inf"))
    outputs: set[bytes] = set()
    with tempfile.TemporaryDirectory() as folder:
        # Two rounds in opposite orders, best of each: a machine whose load drifts during the
        # run favours neither side.
        for order in (("calls", "one", "pool1", "two"), ("two", "pool1", "one", "calls")):
            for name in order:
                out = Path(folder) / f"{name}-{len(outputs)}.csv"
                if name == "calls":
                    t, mine, children = _timed(calls)
                else:
                    make = None if name == "one" else PoolRunner
                    t, mine, children = _timed_sweep(design, out, make, 2 if name == "two" else 1)
                    outputs.add(out.read_bytes())
                best[name] = min(best[name], t)
                cpu[name] = min(cpu[name], mine + children)
                own[name] = min(own[name], mine)
    identical = len(outputs) == 1

    cores = len(os.sched_getaffinity(0))
    method = start_method()
    print(
        f"{runs} runs of {STEPS} steps (default scenario), {cores} cores, workers by {method}, "
        "best of 2 rounds"
    )
    print(f"  {'':<20} {'wall':>9}  {'wall/run':>10}  {'CPU/run':>10}")
    for label, key in (
        ("in-process calls", "calls"),
        ("sweep --workers 1", "one"),
        ("one worker process", "pool1"),
        ("sweep --workers 2", "two"),
    ):
        t = best[key]
        print(
            f"  {label:<20} {t:7.2f} s  {t / runs * 1e3:7.1f} ms  {cpu[key] / runs * 1e3:7.1f} ms"
        )

    def per_run(seconds: float) -> float:
        return round(seconds / runs * 1e3, 3)

    result = {
        "runs": runs,
        "cores": cores,
        "start_method": method,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "speedup_workers_2": round(best["one"] / best["two"], 3),
        "overhead_per_run_ms": per_run(best["pool1"] - best["calls"]),
        "overhead_per_run_ms_in_process": per_run(best["one"] - best["calls"]),
        "calls_cpu_ms_per_run": per_run(cpu["calls"]),
        "workers_1_cpu_ms_per_run": per_run(cpu["one"]),
        "worker_process_cpu_ms_per_run": per_run(cpu["pool1"]),
        "workers_2_cpu_ms_per_run": per_run(cpu["two"]),
        "workers_2_parent_cpu_ms_per_run": per_run(own["two"]),
        "overhead_per_run_cpu_ms": per_run(cpu["pool1"] - cpu["calls"]),
        "speedup_workers_2_cpu_bound": round(cpu["one"] / (cpu["two"] / 2), 3),
        "serial_fraction": round(2 * best["two"] / best["one"] - 1, 3),
        "identical": identical,
    }
    print(json.dumps(result))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
