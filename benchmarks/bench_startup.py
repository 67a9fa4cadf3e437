"""Start to first frame: PhoenixFlight's window against a bare PySide6 + pyqtgraph window.

Usage: ``python benchmarks/bench_startup.py [--quick] [--frozen]``. Each measurement is a fresh
process, timed from the process's own start (the kernel's start time, so interpreter start-up
and every import count) to its first painted frame, offscreen:

- ``bare``: ``QApplication`` + a ``QMainWindow`` holding one ``pyqtgraph.PlotWidget`` with a
  line, shown at 1280×800, events processed, ``grab()`` of the window — the least a PySide6 +
  pyqtgraph app can do before it shows something;
- ``source``: ``phoenix-flight gui --self-test --steps 1`` from this checkout (the workbench on
  the default lesson; the self-test reports ``startup_ms`` once the window is shown and the ring
  has painted);
- ``frozen`` (with ``--frozen``, when ``dist/phoenix-flight`` exists): the same command with the
  packaged app.

Runs alternate (bare, source[, frozen]) so load on the machine falls on all of them alike; the
medians and the ratios to the bare window are printed, the last line as one JSON object. The
budget (issue 17) is a ratio of at most 2. Each process also reports the CPU time (user +
system) it had used at its first frame: on a busy machine wall-clock times stretch while CPU
times stay close to what an idle machine shows, so both ratios are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "dist" / "phoenix-flight" / "phoenix-flight"

BARE = """
import json, os, time
from PySide6 import QtWidgets
import pyqtgraph as pg
app = QtWidgets.QApplication([])
window = QtWidgets.QMainWindow()
plot = pg.PlotWidget()
plot.plot([0, 1, 2, 3], [0, 1, 0, 1])
window.setCentralWidget(plot)
window.resize(1280, 800)
window.show()
app.processEvents()
window.grab()
done = time.time()
cpu = sum(os.times()[:2]) * 1000.0
from phoenix_gui.qt.shell.app import process_start_time  # the clock the self-test uses
print(json.dumps({"startup_ms": (done - process_start_time()) * 1000.0, "startup_cpu_ms": cpu}))
"""


def _env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))


def _startup(argv: list[str]) -> tuple[float, float]:
    """(wall ms, CPU ms) from the process's start to its first frame."""
    proc = subprocess.run(
        argv, capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=300, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} … failed ({proc.returncode}):\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return float(result["startup_ms"]), float(result["startup_cpu_ms"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 7")
    parser.add_argument("--frozen", action="store_true", help="also time dist/phoenix-flight")
    args = parser.parse_args()
    rounds = 3 if args.quick else 7
    variants: dict[str, list[str]] = {
        "bare": [sys.executable, "-c", BARE],
        # The stall bound is not what this measures (start-up is): never fail on it here.
        "source": [
            sys.executable,
            "-m",
            "phoenix_gui",
            "gui",
            "--self-test",
            "--steps",
            "1",
            "--max-stall-ms",
            "60000",
        ],
    }
    if args.frozen:
        if not FROZEN.is_file():
            raise SystemExit(f"{FROZEN} is missing: run `make package` first")
        variants["frozen"] = [str(FROZEN), "gui", "--self-test", "--steps", "1",
                              "--max-stall-ms", "60000"]  # fmt: skip
    for argv in variants.values():  # warm the file cache; not counted
        _startup(argv)
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, argv in variants.items():
            w, c = _startup(argv)
            wall[name].append(w)
            cpu[name].append(c)
    result: dict[str, float] = {}
    print(f"start to first frame, median of {rounds} runs (offscreen, 1280×800):")
    for label, times in (("wall", wall), ("cpu", cpu)):
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, values in times.items():
            spread = f"{min(values):.0f}–{max(values):.0f}"
            ratio = medians[name] / medians["bare"]
            print(
                f"  {label:<4} {name:<7} {medians[name]:7.0f} ms  (runs {spread} ms)"
                f"  × {ratio:.2f} of bare"
            )
            suffix = "" if label == "wall" else "_cpu"
            result[f"{name}{suffix}_ms"] = round(medians[name], 1)
            if name != "bare":
                result[f"ratio_{name}{suffix}_vs_bare"] = round(ratio, 2)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
