"""The timeline in the window: a jump anywhere in a 10^4-step run at 10^4 tasks (issue 15).

Imported by ``bench_gui.py`` (``scrub_ms_1e4``, ``scrub_cpu_ms_1e4``, ``history_mb_1e4`` in its
last-line JSON); runs on its own too: ``python benchmarks/bench_scrub.py [--steps N]``.

A real :class:`MainWindow` (offscreen, 1280×800) runs 100 hosts and 10^4 tasks (default churn)
for 10^4 steps; the adapter's :class:`~phoenix_gui.engine.RunHistory` records them as in any
window run (the steps themselves are taken without the views' per-step work, which is not what
is measured). Then the timeline jumps, as a drag released there does: to the worst places (the
step just before each of the last keyframes: the most replay), to random ones, and back to now.
After one untimed jump (the plots catch up with the paused run once, as on any Pause), a
jump is timed from the request until the window has drawn that moment: the past rebuilt
(keyframe + replay, in slices over passes of the event loop), the ring, Metrics, status bar
and plots updated, and the ring repainted; ``scrub_block_cpu_ms_1e4`` is the longest single
piece of that (the request, one pass of the loop, the repaint).
Wall time, and this process's CPU time beside it (on a shared machine the wall time includes
waiting for a core).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6 import QtWidgets

try:  # the same run as bench_rewind's (imported as benchmarks.… in tests, or as a script)
    from benchmarks.bench_rewind import config
except ModuleNotFoundError:
    from bench_rewind import config  # type: ignore[no-redef]


def scrub_figures(steps: int = 10_000) -> dict[str, float]:
    """Worst and median jump (wall and CPU ms) and the history's memory after ``steps``."""
    from phoenix_gui.qt.shell.main_window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    window = MainWindow(config())
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    adapter = window.adapter
    sim, history = adapter.live_sim, adapter.history
    started = time.perf_counter()
    for _ in range(steps):
        sim.step()
        history.stepped(sim)
    run_s = time.perf_counter() - started
    adapter.announce()
    app.processEvents()
    model = window.time_machine.model
    # One jump first, not timed: pausing the run makes the plots catch up with its 10^4 steps
    # once (what Pause does anyway), which is not the cost of a jump.
    model.view(steps // 4)
    while model.jumping:
        app.processEvents()
    window.timeseries.catch_up()
    app.processEvents()
    frames = history.keyframe_steps()
    worst = [s - 1 for s in frames[1:]][-6:]
    spread = [(k * 7919) % steps for k in range(1, 7)]  # fixed, spread over the whole run
    wall, cpu, blocks = [], [], []
    for step in [*worst, *spread, steps // 2]:
        w0, c0 = time.perf_counter(), time.process_time()
        model.view(step)
        blocks.append((time.process_time() - c0) * 1000.0)
        shown = not model.jumping
        while True:  # a far jump is rebuilt in slices, a pass of the event loop each …
            b0 = time.process_time()
            app.processEvents()
            blocks.append((time.process_time() - b0) * 1000.0)
            if shown:  # … and the pass after the moment is shown paints it
                break
            shown = not model.jumping
        b0 = time.process_time()
        window.ring_view.viewport().repaint()
        blocks.append((time.process_time() - b0) * 1000.0)
        wall.append((time.perf_counter() - w0) * 1000.0)
        cpu.append((time.process_time() - c0) * 1000.0)
        assert adapter.sim.step_index == step
    engine = []  # the same jumps without the window: rebuilding the moment alone (CPU)
    for step in [*worst, *spread, steps // 2]:
        c0 = time.process_time()
        history.at(step)
        engine.append((time.process_time() - c0) * 1000.0)
    model.back_to_now()
    app.processEvents()
    window.close()
    return {
        "scrub_ms_1e4": round(max(wall), 1),
        "scrub_ms_1e4_median": round(statistics.median(wall), 1),
        "scrub_cpu_ms_1e4": round(max(cpu), 1),
        "scrub_cpu_ms_1e4_median": round(statistics.median(cpu), 1),
        # The longest the window was held up in one piece during those jumps (CPU): the call
        # that asked for the jump, or one pass of the event loop (a slice, the moment shown).
        "scrub_block_cpu_ms_1e4": round(max(blocks), 1),
        "scrub_engine_cpu_ms_1e4": round(max(engine), 1),
        "history_mb_1e4": round(history.nbytes() / 1e6, 1),
        "history_keyframe_every": history.every,
        "history_run_s": round(run_s, 1),
        "scrub_steps": steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000)
    args = parser.parse_args()
    print(json.dumps(scrub_figures(args.steps)))


if __name__ == "__main__":
    main()
