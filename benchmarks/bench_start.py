"""Simulation start-up: how long until a run with N hosts × V vnodes can take its first step.

    python benchmarks/bench_start.py [--quick]

Starting a run registers every host through Algorithm 1 (seven audited steps each) and joins it
to the token ring one at a time, so the start used to grow with N² · V (each join inserted its
vnodes into one sorted array). Cases, side by side in the same run:

- ``1000 × 100`` (the GUI's largest everyday ring) and ``5000 × 1000`` (the most ``run`` allows:
  5000 hosts, 1000 vnodes each, 5·10^6 vnode MD5s);
- for each, the bare ring built in one sort (``HashRing.from_members``): the vnode MD5s (in
  numpy, many keys at a time), one sort and the tables, so ``start / ring`` says how much the
  registration itself (seven audited steps per host) adds.

The budget is ≤ 5 s for 5000 × 1000 (issue 12). Times are the best of a few runs (wall clock)
plus the CPU time of that run, because on a shared machine the wall clock also counts waiting
for a core. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a plain checkout

from phoenix_gui.engine import HashRing, Simulation, SimulationConfig


def start(hosts: int, vnodes: int) -> tuple[float, float]:
    """(wall, cpu) seconds to construct the Simulation (headless: audit not kept)."""
    base = SimulationConfig()
    cfg = dataclasses.replace(
        base,
        members=dataclasses.replace(base.members, generate=hosts),
        ring=dataclasses.replace(base.ring, vnodes=vnodes),
    )
    cpu, wall = time.process_time(), time.perf_counter()
    sim = Simulation(cfg, keep_audit=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert len(sim.ring) == hosts
    return wall, cpu


def ring(hosts: int, vnodes: int) -> tuple[float, float]:
    """(wall, cpu) seconds to build the bare ring of the same hosts in one sort."""
    names = [f"host-{i}" for i in range(hosts)]
    cpu, wall = time.process_time(), time.perf_counter()
    HashRing.from_members(names, vnodes)
    return time.perf_counter() - wall, time.process_time() - cpu


def best(repeats: int, fn, *args):  # type: ignore[no-untyped-def]
    results = [fn(*args) for _ in range(repeats)]
    return min(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat of each case")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 3
    figures: dict[str, float] = {}
    print(
        f"{'case':<14} {'start wall':>11} {'start cpu':>10} {'ring wall':>10} {'ring cpu':>9}"
        f" {'ratio':>6}"
    )
    for hosts, vnodes in ((1000, 100), (5000, 1000)):
        wall, cpu = best(repeats, start, hosts, vnodes)
        bare, bare_cpu = best(repeats, ring, hosts, vnodes)
        label = f"{hosts} × {vnodes}"
        print(
            f"{label:<14} {wall:>10.2f}s {cpu:>9.2f}s {bare:>9.2f}s {bare_cpu:>8.2f}s"
            f" {wall / bare:>6.2f}"
        )
        key = f"{hosts}x{vnodes}"
        figures[f"start_s_{key}"] = round(wall, 3)
        figures[f"start_cpu_s_{key}"] = round(cpu, 3)
        figures[f"ring_cpu_s_{key}"] = round(bare_cpu, 3)
        figures[f"start_vs_one_sort_ring_{key}"] = round(wall / bare, 3)
    figures["budget_s_5000x1000"] = 5.0
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
