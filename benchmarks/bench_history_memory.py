"""The window's run and its rewind history, without Qt: what they hold over a long run.

Usage: ``python benchmarks/bench_history_memory.py [--quick] [--steps N]``.

Steps the busy scenario ``benchmarks/busy-1e5.yaml`` (10^5 tasks, ~50 new ids a step) as the
window drives it: the audit kept in a temporary file, a deferred :class:`RunHistory` stored
between steps, freed memory given back every 50 steps (``malloc_trim``, as the window does).
Every tenth of the steps it prints the step, the task ids handed out, ``live_from`` (the tasks
forgotten), the process's RSS and the history's size (its budget: 300 MB). The last line is one
JSON object (``history_mb`` at the end, ``rss_growth_mb`` after the first tenth).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import sys
from pathlib import Path

import psutil

from phoenix_gui.engine import RunHistory, Simulation
from phoenix_gui.scenario import load_config

BUSY = Path(__file__).resolve().parent / "busy-1e5.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1000 steps")
    parser.add_argument("--steps", type=int, default=None, help="default 7000")
    args = parser.parse_args()
    steps = args.steps or (1000 if args.quick else 7000)
    sim = Simulation(load_config(BUSY))
    sim.audit.keep_on_disk()
    history = RunHistory(sim, deferred=True)
    libc = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None
    proc = psutil.Process()
    rows: list[dict[str, float]] = []
    for _ in range(steps):
        sim.step()
        history.stepped(sim)
        while history.storing:
            history.store_next()
        if trim is not None and sim.step_index % 50 == 0:
            trim(0)
        if sim.step_index % max(1, steps // 10) == 0:
            row = {
                "step": sim.step_index,
                "ids": len(sim.tasks),
                "live_from": sim.tasks.live_from,
                "rss_mb": round(proc.memory_info().rss / 2**20, 1),
                "history_mb": round(history.nbytes() / 2**20, 1),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    result = {
        "steps": steps,
        "rss_by_tenth_mb": [r["rss_mb"] for r in rows],
        "rss_growth_mb": round(max(r["rss_mb"] for r in rows) - rows[0]["rss_mb"], 1),
        "history_mb": rows[-1]["history_mb"],
        "load_average": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
