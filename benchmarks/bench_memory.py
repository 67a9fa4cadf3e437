"""Memory over long runs: does resident memory stay flat once a run has settled?

Usage: ``python benchmarks/bench_memory.py [--quick] [--headless-steps N] [--window-minutes M]``.
Two soaks, each in its own process so its memory is its own:

- ``headless``: ``phoenix-flight run`` of the default lesson for ``--headless-steps`` steps
  (10^6 by default, 2·10^4 with ``--quick``), the audit log streamed to a file; the child's RSS
  is sampled every 0.2 s together with the step it has reached (read from the time of the last
  record in its audit file). The marks are in steps, not seconds: a run's later steps are
  slower (more members), so a tenth of its time is not a tenth of its steps.
  ``headless_rss_growth_mb`` is the highest RSS after the first 10 % of the steps (or
  ``--headless-mark``) minus the RSS at that mark (issue 11: ≤ 50 MB);
  ``headless_mb_per_1e4_steps`` is the fitted slope after the mark, and
  ``headless_projected_1e6_mb`` that slope over the 9·10^5 steps after a 10^6-step run's mark —
  an extrapolation, for runs shorter than the issue's.
- ``window``: the real window (offscreen, 1280×800, every dock as it opens) on the busy
  scenario ``benchmarks/busy-1e5.yaml`` (10^5 tasks), playing at the speed setting 120 steps/s
  for ``--window-minutes`` (30 by default, 1 with ``--quick``); RSS sampled every 2 s.
  ``window_rss_growth_mb`` is the highest RSS after the first sixth of the soak (5 of 30 minutes)
  minus the RSS at that mark (issue 11: ≤ 30 MB). The window steps as fast as it can up to
  120 per second; ``window_steps`` says how many it did.

Both also report ``*_mb_per_hour``: the growth's slope after the settle mark, fitted over the
samples, for runs shorter than the issue's. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from phoenix_gui.cli.outputs import PARTIAL

ROOT = Path(__file__).resolve().parent.parent
BUSY = ROOT / "benchmarks" / "busy-1e5.yaml"


def growth(samples: list[tuple[float, float]], settle: float) -> tuple[float, float, float]:
    """(RSS at the settle mark, highest RSS after it minus that, MB per hour after it)."""
    end = samples[-1][0]
    mark = settle * end
    before = [rss for t, rss in samples if t <= mark] or [samples[0][1]]
    after = [(t, rss) for t, rss in samples if t >= mark] or [samples[-1]]
    base = before[-1]
    peak = max(rss for _t, rss in after)
    slope = 0.0
    if len(after) >= 3 and after[-1][0] > after[0][0]:
        n = len(after)
        mt = sum(t for t, _ in after) / n
        mr = sum(r for _, r in after) / n
        var = sum((t - mt) ** 2 for t, _ in after)
        slope = sum((t - mt) * (r - mr) for t, r in after) / var * 3600.0 if var else 0.0
    return base, peak - base, slope


def by_tenth(samples: list[tuple[float, float]]) -> list[float]:
    """RSS at the start and at each tenth of the soak's time (the curve, not just its peak)."""
    end = samples[-1][0]
    out = []
    for k in range(11):
        mark = k * end / 10
        out.append(round(min(samples, key=lambda s: abs(s[0] - mark))[1], 1))
    return out


def fit(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x (0.0 with fewer than three points)."""
    if len(points) < 3:
        return 0.0
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0


def step_reached(audit: Path, step_hours: list[float]) -> int:
    """The step a streaming run has reached: the time of the last whole record in its audit
    file over the step length (read once from the first record, ``run_started``)."""
    try:
        with audit.open("rb") as f:
            if not step_hours:
                first = f.readline()
                if not first.endswith(b"\n"):
                    return 0
                step_hours.append(float(json.loads(first)["details"]["step_hours"]))
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 8192))
            lines = f.read().split(b"\n")
    except (OSError, ValueError, KeyError):
        return 0
    for line in reversed(lines[1:-1] if len(lines) > 2 else lines[:-1]):
        try:
            return int(float(json.loads(line)["time"]) / step_hours[0])
        except (ValueError, KeyError):
            continue
    return 0


def by_steps(
    samples: list[tuple[int, float]], steps: int, mark: int
) -> dict[str, float | list[float]]:
    """RSS at each tenth of the steps, the growth after the ``mark`` step and its slope."""
    tenths = []
    for k in range(11):
        at = k * steps / 10
        tenths.append(round(min(samples, key=lambda s: abs(s[0] - at))[1], 1))
    before = [rss for step, rss in samples if step <= mark] or [samples[0][1]]
    after = [(step, rss) for step, rss in samples if step >= mark] or [samples[-1]]
    base = before[-1]
    slope = fit([(float(step), rss) for step, rss in after]) * 1e4
    return {
        "headless_rss_by_tenth_mb": tenths,
        "headless_mark_step": mark,
        "headless_rss_at_mark_mb": round(base, 1),
        "headless_rss_growth_mb": round(max(rss for _s, rss in after) - base, 1),
        "headless_mb_per_1e4_steps": round(slope, 2),
        "headless_projected_1e6_mb": round(slope * 90, 1),
    }


def headless(
    steps: int, mark: int | None = None, dump: str | None = None
) -> dict[str, float | int | list[float]]:
    with tempfile.TemporaryDirectory(prefix="phoenix-soak-") as folder:
        audit = Path(folder) / "audit.jsonl"
        cmd = [
            sys.executable, "-c", "import sys; from phoenix_gui.cli import main; sys.exit(main())",
            "run", str(ROOT / "scenarios" / "classroom-basics.yaml"),
            "--steps", str(steps), "--audit", str(audit), "--json",
        ]  # fmt: skip
        t0 = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        proc = psutil.Process(child.pid)
        samples: list[tuple[float, float]] = []
        stepped: list[tuple[int, float]] = []
        step_hours: list[float] = []
        while child.poll() is None:
            try:
                rss = proc.memory_info().rss / 2**20
            except psutil.Error:
                break
            samples.append((time.perf_counter() - t0, rss))
            # The CLI writes AUDIT.partial and renames it once the run has ended.
            # (Never back: once renamed, the file is gone and the run has done its steps.)
            reached = step_reached(Path(f"{audit}{PARTIAL}"), step_hours)
            stepped.append((max(reached, stepped[-1][0]) if stepped else reached, rss))
            time.sleep(0.2)
        out, err = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"headless run failed: {err.decode(errors='replace')[-2000:]}")
        summary = json.loads(out.decode().strip().splitlines()[-1])
        audit_mb = audit.stat().st_size / 2**20 if audit.exists() else 0.0
    _base, _grown, slope = growth(samples, 0.10)
    if dump is not None:
        Path(dump).write_text(json.dumps({"seconds": samples, "steps": stepped}))
    return {
        **by_steps(stepped, steps, steps // 10 if mark is None else mark),
        "headless_steps": steps,
        "headless_seconds": round(time.perf_counter() - t0, 1),
        "headless_mb_per_hour": round(slope, 1),
        "headless_audit_records": int(summary.get("audit_records", 0)),
        "headless_audit_file_mb": round(audit_mb, 1),
    }


def window_child(minutes: float) -> int:
    """Inside the child: play the window on the busy scenario, print RSS samples as JSON."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6 import QtCore

    from phoenix_gui.qt.document.settings import Settings
    from phoenix_gui.qt.shell.app import create_app, quiet_harmless_qt_messages
    from phoenix_gui.qt.shell.workbench import open_workbench, workbench_of

    app = create_app()
    proc = psutil.Process()
    samples: list[tuple[float, float]] = []
    with quiet_harmless_qt_messages(), tempfile.TemporaryDirectory() as scratch:
        window = open_workbench(
            BUSY,
            settings=Settings.from_file(Path(scratch) / "settings.ini"),
            autosave_folder=Path(scratch) / "autosave",
        )
        workbench = workbench_of(window)
        workbench.document.confirm_discard = lambda _doc: "discard"
        window.resize(1280, 800)
        window.show()
        workbench.start()
        app.processEvents()
        t0 = time.perf_counter()
        window.adapter.set_speed(120.0)
        window.adapter.play()
        sampler = QtCore.QTimer()
        sampler.setInterval(2000)

        def sample() -> None:
            samples.append((time.perf_counter() - t0, proc.memory_info().rss / 2**20))
            # The steps so far, for the parent: a window that stops stepping is a finding.
            print(json.dumps({"steps": int(window.adapter.sim.step_index)}), flush=True)

        sampler.timeout.connect(sample)
        sampler.start()
        stop = QtCore.QTimer()
        stop.setSingleShot(True)
        stop.timeout.connect(app.quit)
        stop.start(round(minutes * 60_000))
        app.exec()
        sampler.stop()
        window.adapter.pause()
        steps = int(window.adapter.sim.step_index)
        records = len(window.adapter.sim.audit)
        window.close()
        app.processEvents()
    print(json.dumps({"samples": samples, "steps": steps, "records": records}))
    return 0


def window(minutes: float) -> dict[str, float | int]:
    cmd = [sys.executable, __file__, "--window-child", str(minutes)]
    # A window that froze (its stop timer never fires) is ended two minutes after the soak's
    # length and reported as such, with the steps it had reached.
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, check=False, cwd=ROOT, timeout=minutes * 60 + 120
        )
    except subprocess.TimeoutExpired as late:
        out = late.stdout.decode() if isinstance(late.stdout, bytes) else (late.stdout or "")
        reached = [json.loads(line)["steps"] for line in out.splitlines() if line.startswith("{")]
        raise SystemExit(
            f"window soak: the window stopped answering (steps reached: {reached[-30:]})"
        ) from None
    if done.returncode != 0:
        raise SystemExit(f"window soak failed: {done.stderr[-2000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    samples = [(float(t), float(r)) for t, r in data["samples"]]
    base, grown, slope = growth(samples, 1.0 / 6.0)
    return {
        "window_rss_by_tenth_mb": by_tenth(samples),
        "window_minutes": minutes,
        "window_steps": data["steps"],
        "window_steps_per_s": round(data["steps"] / (minutes * 60.0), 1),
        "window_audit_records": data["records"],
        "window_rss_at_settle_mb": round(base, 1),
        "window_rss_growth_mb": round(grown, 1),
        "window_mb_per_hour": round(slope, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short soaks (about two minutes)")
    parser.add_argument("--headless-steps", type=int, default=None)
    parser.add_argument(
        "--headless-mark",
        type=int,
        default=None,
        help="the step growth is measured after (default: 10 %% of the steps; 100000 puts "
        "a shorter run's mark where a 10^6-step run's is)",
    )
    parser.add_argument("--headless-samples", metavar="FILE", help="write the RSS samples here")
    parser.add_argument("--window-minutes", type=float, default=None)
    parser.add_argument("--skip-window", action="store_true", help="the headless soak only")
    parser.add_argument("--skip-headless", action="store_true", help="the window soak only")
    parser.add_argument("--window-child", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.window_child is not None:
        return window_child(args.window_child)
    steps = args.headless_steps or (20_000 if args.quick else 1_000_000)
    minutes = args.window_minutes or (1.0 if args.quick else 30.0)
    result: dict[str, float | int | list[float]] = {}
    if not args.skip_headless:
        result.update(headless(steps, args.headless_mark, args.headless_samples))
    if not args.skip_window:
        result.update(window(minutes))
    result["load_average"] = round(os.getloadavg()[0], 2)
    for key, value in result.items():
        print(f"{key:28} {value}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
