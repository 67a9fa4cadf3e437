"""Memory over a long headless run: does resident memory stay flat after the start?

    python benchmarks/bench_soak.py [--quick] [--steps N] [--scenario FILE]

Runs the default lesson (classroom-basics) headless the way ``phoenix-flight run --audit`` does
— the audit log streamed to a sink (here ``os.devnull``) and not kept in memory — and samples
the resident set size (``/proc/self/statm``) at every tenth of the run. Side by side in the same
process order: the same number of steps with the log kept in memory (``keep_audit=True``, the
window's mode, and what headless runs did before issue 12) for the first tenth, so the table
shows what streaming saves per step.

The acceptance figure (issue 12, item 7) is the growth after the first 10 % of a 10^6-step run
(≤ 50 MB). ``--quick`` runs 20,000 steps; the default is 10^6 (hours of wall time). A streamed
(headless) run forgets finished tasks and departed members as it goes (``Core.forget_finished``):
the table shows the task ids handed out beside the rows still held (ids from the oldest
unfinished task on), and ``mb_per_100k_steps`` is the growth's slope after the first 10 %, so a
shorter run can be extrapolated to 10^6 steps. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a plain checkout

from phoenix_gui.engine import Simulation  # noqa: E402
from phoenix_gui.scenario import load_config  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * PAGE / 2**20


def soak(
    scenario: Path, steps: int, keep: bool, tenths: int = 10
) -> list[tuple[int, float, int, int]]:
    """(steps done, RSS MB, task ids, task rows held) at the start and after each tenth."""
    config = load_config(scenario)
    samples: list[tuple[int, float, int, int]] = []
    with open(os.devnull, "w", encoding="utf-8") as sink:
        sim = Simulation(config, audit_sink=sink, keep_audit=keep)
        samples.append((0, rss_mb(), len(sim.tasks), len(sim.tasks) - sim.tasks.live_from))
        chunk = max(1, steps // 10)
        for k in range(tenths):
            sim.run(steps=chunk)
            held = len(sim.tasks) - sim.tasks.live_from
            samples.append(((k + 1) * chunk, rss_mb(), len(sim.tasks), held))
        sim.audit.seal(sim.time)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 steps instead of 10^6")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios/classroom-basics.yaml")
    args = parser.parse_args(argv)
    steps = args.steps or (20_000 if args.quick else 1_000_000)
    start = time.perf_counter()
    streamed = soak(args.scenario, steps, keep=False)
    wall = time.perf_counter() - start
    kept = soak(args.scenario, steps, keep=True, tenths=1)
    print(f"{args.scenario.name}: {steps} steps headless, audit streamed ({wall:.0f} s)")
    print(f"{'steps':>9} {'RSS MB':>8} {'task ids':>10} {'rows held':>10}")
    for done, mb, rows, held in streamed:
        print(f"{done:>9} {mb:>8.1f} {rows:>10} {held:>10}")
    first_tenth = streamed[1][1]
    growth = streamed[-1][1] - first_tenth
    tenth_streamed = streamed[1][1] - streamed[0][1]
    tenth_kept = kept[1][1] - kept[0][1]
    rows_after = streamed[-1][2] - streamed[1][2]
    # Least-squares slope of RSS over steps after the first tenth, per 100,000 steps.
    tail = [(float(done), mb) for done, mb, _ids, _held in streamed[1:]]
    mean_x = sum(x for x, _ in tail) / len(tail)
    mean_y = sum(y for _, y in tail) / len(tail)
    var = sum((x - mean_x) ** 2 for x, _ in tail)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in tail) / var * 1e5 if var else 0.0
    print(f"growth after the first 10 %: {growth:.1f} MB (budget 50 MB)")
    print(
        f"slope after the first 10 %: {slope:.2f} MB per 100,000 steps "
        f"(× 9 = {9 * slope:.1f} MB over the last 90 % of a 10^6-step run)"
    )
    print(
        f"first 10 % with the audit kept in memory: +{tenth_kept:.1f} MB vs streamed "
        f"+{tenth_streamed:.1f} MB"
    )
    print(
        f"task ids handed out after the first 10 %: {rows_after}; rows held at the end: "
        f"{streamed[-1][3]} (finished tasks below the oldest unfinished one are forgotten)"
    )
    figures = {
        "steps": steps,
        "rss_growth_mb_after_first_10pct": round(growth, 1),
        "budget_mb": 50,
        "first_10pct_mb_audit_kept": round(tenth_kept, 1),
        "first_10pct_mb_audit_streamed": round(tenth_streamed, 1),
        "kept_vs_streamed_first_10pct": round(tenth_kept / max(tenth_streamed, 0.1), 2),
        "task_ids_after_first_10pct": rows_after,
        "task_rows_held_at_end": streamed[-1][3],
        "mb_per_100k_steps": round(slope, 2),
        "steps_per_s": round(steps / wall, 1),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
