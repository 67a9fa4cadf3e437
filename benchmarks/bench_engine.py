"""Engine step cost: does it follow what changes, not the number of tasks?

Usage: ``python benchmarks/bench_engine.py [--quick]``. Every case runs in a fresh subprocess
(so its peak memory is its own) on 1000 hosts × 100 vnodes with the default churn
(J = 12, L = 8 per Δt = 24 h, a quarter of the leaves crashes). The same seed gives every case
the same churn events, so the task count is the only difference between the ratio's two runs.

Cases:
- ``1e5``: 10^5 tasks with the default workload (48 h mean work: ~500 completions per step,
  each an audit record) — the ``steps_per_s_1e5_tasks`` figure;
- ``1e4-long`` / ``1e6-long``: 10^4 and 10^6 long-running tasks (10^4 h mean work, so the
  completion rate does not grow with the population): ``step_cost_ratio_1e6_vs_1e4`` and
  ``rss_mb_1e6_tasks`` (peak resident memory of the 10^6 process);
- ``1e4-48h`` / ``1e6-48h``: the same with 48 h work, for the table: there the completions
  themselves (one audit record each) grow 100×, and so does the step cost.

And on the busy scenario ``benchmarks/busy-1e5.yaml`` (200 hosts, 10^5 tasks of 48 h mean
work, J = L = 48 per 24 h, 200 arrivals per hour):

- ``busy``: 48 simulated hours (12 with ``--quick``) after its start-up; ``events_per_s`` is
  audit records appended per second of that run (wall clock; ``events_per_s_cpu`` per second
  of process CPU time, steadier on a shared machine). Beside it, the audit's encoder
  (``canonical_json``) and ``json.dumps`` encode that run's payloads: the texts must be equal
  (else the benchmark fails) and ``audit_encode_speedup`` is their time ratio;
- ``window``: the real window (offscreen, 1280×800, every dock as it opens) stepping that
  scenario, a step being the engine step plus every dock update and repaint it causes:
  ``window_steps_per_s_1e5``.

The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BUSY = Path(__file__).resolve().parent / "busy-1e5.yaml"
CASES = {
    "1e5": (100_000, 48.0),
    "1e4-long": (10_000, 10_000.0),
    "1e6-long": (1_000_000, 10_000.0),
    "1e4-48h": (10_000, 48.0),
    "1e6-48h": (1_000_000, 48.0),
}


def run_busy(hours: float) -> dict[str, float | int | str]:
    """The busy scenario for ``hours`` simulated hours: audited events per second, and the
    audit encoder side by side with ``json.dumps`` on that run's own record payloads."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from phoenix_gui.engine import Simulation, canonical_json
    from phoenix_gui.scenario import load_config

    config = load_config(BUSY)
    t0 = time.perf_counter()
    sim = Simulation(config)
    build = time.perf_counter() - t0
    before = len(sim.audit)
    w0, c0 = time.perf_counter(), time.process_time()
    sim.run(hours=hours)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    records = len(sim.audit) - before
    payloads = [r.payload for r in sim.audit.records[before:]]
    reference = json.JSONEncoder(
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode
    e0 = time.process_time()
    ours = [canonical_json(p) for p in payloads]
    e1 = time.process_time()
    theirs = [reference(p) for p in payloads]
    e2 = time.process_time()
    if ours != theirs:
        raise SystemExit("FAILED: canonical_json differs from json.dumps on the busy run")
    return {
        "case": "busy",
        "build_s": round(build, 2),
        "sim_hours": hours,
        "records": records,
        "run_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "events_per_s": round(records / wall),
        "events_per_s_cpu": round(records / cpu),
        "encode_us_ours": round((e1 - e0) / len(payloads) * 1e6, 2),
        "encode_us_json": round((e2 - e1) / len(payloads) * 1e6, 2),
        "head": sim.audit.head,
        "load_average": round(os.getloadavg()[0], 2),
    }


def run_window(
    steps: int, profile: str | None = None, scenario: Path = BUSY
) -> dict[str, float | int | str]:
    """The real window (offscreen, 1280×800, the docks as it opens them) on the busy scenario:
    a step is the engine step plus every dock update and repaint it causes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import tempfile

    from PySide6 import QtWidgets

    from phoenix_gui.qt.document.settings import Settings
    from phoenix_gui.qt.shell.app import create_app, quiet_harmless_qt_messages
    from phoenix_gui.qt.shell.heap import keep_collections_short
    from phoenix_gui.qt.shell.workbench import open_workbench, workbench_of

    app = create_app()
    with quiet_harmless_qt_messages(), tempfile.TemporaryDirectory() as scratch:
        keep_collections_short()  # as the app does before its first run (shell/heap.py)
        window = open_workbench(
            scenario,
            settings=Settings.from_file(Path(scratch) / "settings.ini"),
            autosave_folder=Path(scratch) / "autosave",
        )
        workbench = workbench_of(window)
        workbench.document.confirm_discard = lambda _doc: "discard"
        window.resize(1280, 800)
        window.show()
        workbench.start()
        app.processEvents()
        docks = window.findChildren(QtWidgets.QDockWidget)
        shown = sum(1 for d in docks if d.isVisible())
        for _ in range(5):  # warm-up: first paints, caches
            window.adapter.step_once()
            app.processEvents()
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        times = []
        c0 = time.process_time()
        for _ in range(steps):
            s0 = time.perf_counter()
            window.adapter.step_once()
            app.processEvents()
            times.append(time.perf_counter() - s0)
        cpu = time.process_time() - c0
        if profiler is not None and profile:
            profiler.disable()
            profiler.dump_stats(profile)
        window.adapter.pause()
        window.close()
        app.processEvents()
    ms = sorted(t * 1000 for t in times)
    return {
        "case": "window",
        "steps": steps,
        "docks": len(docks),
        "docks_visible": shown,
        "median_step_ms": round(ms[len(ms) // 2], 2),
        "p95_step_ms": round(ms[int(0.95 * (len(ms) - 1))], 2),
        "window_steps_per_s": round(steps / sum(times), 1),
        "window_steps_per_s_cpu": round(steps / cpu, 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


def run_case(name: str, steps: int) -> dict[str, float | int | str]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from phoenix_gui.engine import (
        MembersConfig,
        RingConfig,
        Simulation,
        SimulationConfig,
        WorkloadConfig,
    )

    tasks, work = CASES[name]
    cfg = SimulationConfig(
        seed=1,
        members=MembersConfig(generate=1000),
        ring=RingConfig(vnodes=100),
        workload=WorkloadConfig(initial_tasks=tasks, work_mean=work),
    )
    t0 = time.perf_counter()
    sim = Simulation(cfg)
    build = time.perf_counter() - t0
    sim.run(steps=5)  # warm-up
    before = sim.counters.migrations, sim.counters.completed, len(sim.audit)
    times = []
    for _ in range(steps):
        s0 = time.perf_counter()
        sim.step()
        times.append(time.perf_counter() - s0)
    times.sort()
    mean = sum(times) / len(times)
    return {
        "case": name,
        "tasks": tasks,
        "work_mean_h": work,
        "build_s": round(build, 2),
        "steps": steps,
        "mean_ms": round(mean * 1000, 3),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 3),
        "max_ms": round(times[-1] * 1000, 3),
        "steps_per_s": round(1.0 / mean, 1),
        "changes": sim.counters.joins + sim.counters.leaves,
        "migrations": sim.counters.migrations - before[0],
        "completions": sim.counters.completed - before[1],
        "audit_records": len(sim.audit) - before[2],
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _subprocess_case(args: list[str]) -> dict[str, float | int | str]:
    """Run one case in a fresh interpreter (its memory and Qt state its own); its last line."""
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, float | int | str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps (under a minute)")
    cases = [*sorted(CASES), "busy", "window"]
    parser.add_argument("--case", choices=cases, help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--hours", type=float, default=48.0, help=argparse.SUPPRESS)
    parser.add_argument("--profile", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--scenario", type=Path, default=BUSY, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case == "window":
        print(json.dumps(run_window(args.steps or 100, args.profile, args.scenario)))
        return 0
    if args.case == "busy":
        print(json.dumps(run_busy(args.hours)))
        return 0
    if args.case:
        print(json.dumps(run_case(args.case, args.steps or 200)))
        return 0
    hours = "12" if args.quick else "48"
    busy = _subprocess_case(["--case", "busy", "--hours", hours])
    window = _subprocess_case(["--case", "window", "--steps", "40" if args.quick else "150"])
    bcols = ("case", "build_s", "sim_hours", "records", "run_s", "cpu_s", "events_per_s",
             "events_per_s_cpu", "encode_us_ours", "encode_us_json", "load_average")  # fmt: skip
    print(" | ".join(bcols))
    print(" | ".join("---" for _ in bcols))
    print(" | ".join(str(busy[c]) for c in bcols))
    wcols = ("case", "steps", "docks_visible", "median_step_ms", "p95_step_ms",
             "window_steps_per_s", "window_steps_per_s_cpu", "load_average")  # fmt: skip
    print(" | ".join(wcols))
    print(" | ".join("---" for _ in wcols))
    print(" | ".join(str(window[c]) for c in wcols))
    steps = {"1e5": 300, "1e4-long": 400, "1e6-long": 400, "1e4-48h": 200, "1e6-48h": 30}
    if not args.quick:
        steps = {k: v * 4 for k, v in steps.items()}
    rows = []
    for name in CASES:
        cmd = [sys.executable, __file__, "--case", name, "--steps", str(steps[name])]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    cols = ("case", "tasks", "work_mean_h", "build_s", "steps", "mean_ms", "p95_ms", "max_ms",
            "steps_per_s", "migrations", "completions", "audit_records", "rss_mb")  # fmt: skip
    print(" | ".join(cols))
    print(" | ".join("---" for _ in cols))
    for row in rows:
        print(" | ".join(str(row[c]) for c in cols))
    by = {r["case"]: r for r in rows}
    ratio_48 = float(by["1e6-48h"]["mean_ms"]) / float(by["1e4-48h"]["mean_ms"])
    print(f"ratio 1e6/1e4 with 48 h work (completions grow 100x): {ratio_48:.1f}")
    headline = {
        "events_per_s": busy["events_per_s"],
        "events_per_s_cpu": busy["events_per_s_cpu"],
        "audit_encode_speedup": round(
            float(busy["encode_us_json"]) / float(busy["encode_us_ours"]), 1
        ),
        "busy_audit_head": busy["head"],
        "window_steps_per_s_1e5": window["window_steps_per_s"],
        "window_steps_per_s_1e5_cpu": window["window_steps_per_s_cpu"],
        "window_p95_step_ms_1e5": window["p95_step_ms"],
        "steps_per_s_1e5_tasks": by["1e5"]["steps_per_s"],
        "step_cost_ratio_1e6_vs_1e4": round(
            float(by["1e6-long"]["mean_ms"]) / float(by["1e4-long"]["mean_ms"]), 2
        ),
        # Reported beside the headline so it cannot be read as "cost never grows with tasks":
        # with 48 h tasks, 100x the tasks also means 100x the completions (real changes).
        "step_cost_ratio_1e6_vs_1e4_default_workload": round(ratio_48, 2),
        # The larger of the two 10^6 runs: the 48 h one also holds completed tasks' records.
        "rss_mb_1e6_tasks": max(by["1e6-long"]["rss_mb"], by["1e6-48h"]["rss_mb"]),
    }
    print(json.dumps(headline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
