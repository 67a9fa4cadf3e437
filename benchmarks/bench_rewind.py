"""Rewind: how long a jump to any past step takes, and what the history costs, at 10^4 tasks.

Usage: ``python benchmarks/bench_rewind.py [--quick]``. A run of 100 hosts and 10^4 tasks
(default churn) is stepped ``--steps`` times (10^4; 2,000 with ``--quick``) while a
:class:`~phoenix_gui.engine.RunHistory` keeps keyframes; then it jumps to the worst places
(the step just before each keyframe, which replays the most) and to random ones.

Side by side, in the same run, the naive way to show a past step: rebuild the run from its start
and replay every step up to it (what an engine without checkpoints must do).

The last line is one JSON object: ``scrub_ms_1e4`` (the worst jump), ``scrub_ms_1e4_median``,
``history_mb_1e4`` (memory the history holds), ``naive_ms_1e4`` (replay from the start to the
middle of the run) and the ratio.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from phoenix_gui.engine import RunHistory, Simulation, SimulationConfig


def config() -> SimulationConfig:
    cfg = SimulationConfig(seed=11)
    return dataclasses.replace(
        cfg,
        members=dataclasses.replace(cfg.members, generate=100),
        workload=dataclasses.replace(cfg.workload, initial_tasks=10_000),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 steps instead of 10^4")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument(
        "--every", type=int, default=10, help="keyframe spacing to start with (the default)"
    )
    args = parser.parse_args()
    steps = args.steps or (2_000 if args.quick else 10_000)
    sim = Simulation(config())
    history = RunHistory(sim, every=args.every)
    started = time.perf_counter()
    for _ in range(steps):
        sim.step()
        history.stepped(sim)
    run_s = time.perf_counter() - started
    frames = history.keyframe_steps()
    worst_places = [*[s - 1 for s in frames[1:]][-8:], steps]
    jumps = []
    for step in [*worst_places, steps // 3, steps // 2, 2 * steps // 3]:
        t = time.perf_counter()
        history.at(step)
        jumps.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    naive = Simulation(config())
    naive.run(steps=steps // 2)
    naive_ms = (time.perf_counter() - t) * 1000
    mb = history.nbytes() / 1e6
    print(f"run: {steps} steps in {run_s:.1f} s with keyframes every {history.every} steps "
          f"({len(frames)} kept), history {mb:.1f} MB")  # fmt: skip
    print(f"jump: worst {max(jumps):.0f} ms, median {statistics.median(jumps):.0f} ms "
          f"over {len(jumps)} jumps")  # fmt: skip
    print(f"naive replay from the start to step {steps // 2}: {naive_ms:.0f} ms "
          f"({naive_ms / max(jumps):.1f}× the worst keyframe jump)")  # fmt: skip
    print(
        json.dumps(
            {
                "scrub_ms_1e4": round(max(jumps), 1),
                "scrub_ms_1e4_median": round(statistics.median(jumps), 1),
                "history_mb_1e4": round(mb, 1),
                "naive_ms_1e4": round(naive_ms, 1),
                "naive_vs_worst_jump": round(naive_ms / max(jumps), 1),
                "steps": steps,
                "keyframe_every": history.every,
            }
        )
    )


if __name__ == "__main__":
    main()
