"""`phoenix-flight gui --self-test`: prove the real window works, without a display.

Opens the real :class:`MainWindow` on the scenario, runs animated steps (each step is followed
by a few animation frames on a synthetic clock and a forced repaint, so packets really fly and
the window really paints), crashes a member half-way so migrations happen, verifies the audit
chain, saves the scenario with QSaveFile and loads it back, runs a small Simulation ▸
Experiment… sweep on 2 worker processes once the window is at rest (experiment_runs;
experiment_max_stall_ms: the longest pass of the GUI thread's event processing meanwhile,
pressing Run included, wall clock, held to the same bound as max_stall_ms;
experiment_max_pass_cpu_ms: the same pass in the GUI thread's own CPU time, which a machine
busy with other work cannot inflate), and prints one JSON line:
startup_ms (and startup_cpu_ms, the CPU time the process had used by then, which load on the
machine changes far less), first_paint_ms and first_paint_cpu_ms (the window's first full
paint and the events delivered with it, wall clock and GUI-thread CPU; not a stall the probe
sees, as it starts later), frames, median_frame_ms, p95_frame_ms (ring view frames: a
frame's render and the event pass that paints it),
median_step_ms, p95_step_ms (a step with every dock update and repaint it causes; and
median_step_cpu_ms, p95_step_cpu_ms: the same in the GUI thread's CPU time), steps,
audit_head (and what it checked),
and ``layout``: what a class would see, measured from the real widgets at the start, after a
Reset, after the crash and at the end — ``metrics_hidden_rows`` (Metrics parts cut off by the
dock), ``caption_covers_ring`` (a caption over the view, or a member marker whose click would
not reach the ring), ``narration_cut`` (the line under the view drawn past its edges),
``label_overlaps`` (pairs of member labels overlapping), ``labels_detached`` (labels away
from their member's marker with no leader line to it) and
``dot_share_max_error_pct`` (largest gap between a member's share of visible task-dot pixels
and its share of tasks; 0 where colours cannot tell members apart: another paradigm's view,
fewer than 200 dots, or more owners than the palette's 64 distinct colours). ``--size WxH``
runs the window at that size (on an offscreen screen of that size), ``--presentation`` in
presentation mode, ``--screenshot DIR`` writes a PNG of the window at each of those moments,
``--lessons`` also opens every bundled lesson and measures the window right after each.

Then the case that once froze the window for ten minutes: J and L at their maximum with Δt at
the lowest the rate bound allows for them, set through the parameter state as the sliders do,
and one Step. The window must keep answering (the step runs in slices), show the busy indicator,
and Esc must cut the step with the audit log still verifying. Throughout, a 10 ms probe timer
measures the longest the GUI thread went without its event loop: ``max_stall_ms``, which fails
the self-test above 100 ms; ``max_stall_cause`` names the phase it spent most of its time in
("step": the engine's step, "step-events": the docks' updates and repaints it caused,
"frames", "moment:NAME", "grab", "stress", …) and ``max_stall_phases`` every phase it ran
through with its milliseconds, ``max_stall_cpu_ms`` the most GUI-thread CPU time spent in any
one gap (see :class:`StallProbe`). Exit status 0 only when every check passed.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FRAMES_PER_STEP = 3
FRAME_DT = 1.0 / 60.0
DOT_SHARE_LIMIT_PCT = 2.0
AFTER_CRASH = 2  # steps after detection of the crash to the "crash" moment (packets flying)
STRESS_S = 1.5  # how long the stress step runs before Esc
# The hang of issue 11: J = L = 10^5 per Δt = 0.5 h, about 10^5 churn events in one step.
STRESS_VALUES = (("hours", 0.5), ("joins", 100_000), ("leaves", 100_000))
EXPERIMENT_TIMEOUT_S = 120.0
SETTLE_CLOCK_S = 60.0  # synthetic seconds: every animation of the last steps has ended
LAYOUT_SETTLE_S = 2.0  # wall seconds a layout may take to catch up with its content
SETTLE_S = 0.5  # wall seconds of event processing for the deferred repaints


def run_self_test(
    config: Any,
    source: str | None = None,
    steps: int = 200,
    max_stall_ms: float | None = None,
    size: tuple[int, int] | None = None,
    presentation: bool = False,
    screenshot: Path | None = None,
    lessons: bool = False,
) -> int:
    """Run the self-test (see the module docstring); 0 when every check passed.

    ``max_stall_ms`` (default :data:`MAX_STALL_MS`, 100) is the longest the window may go
    without answering; tests on a shared, busy machine pass a looser bound.
    """
    import os

    from phoenix_gui.qt.shell.app import quiet_harmless_qt_messages

    platform = os.environ.get("QT_QPA_PLATFORM", "")
    scratch = tempfile.TemporaryDirectory(prefix="phoenix-screen-")
    if size is not None and platform == "offscreen":
        # An offscreen screen of exactly that size, so full screen (presentation) is that too.
        config_file = Path(scratch.name) / "screen.json"
        config_file.write_text(json.dumps(offscreen_screen(*size)), encoding="utf-8")
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config_file}"
    view = _View(size, presentation, screenshot, lessons)
    try:
        with quiet_harmless_qt_messages():  # stderr keeps real Qt warnings, not offscreen noise
            return _self_test(config, source, steps, max_stall_ms, view)
    finally:
        scratch.cleanup()


@dataclass(frozen=True)
class _View:
    """How the self-test shows the window: size, presentation mode, pictures, lessons."""

    size: tuple[int, int] | None = None
    presentation: bool = False
    screenshot: Path | None = None
    lessons: bool = False


def offscreen_screen(width: int, height: int) -> dict[str, Any]:
    """Qt's offscreen platform configuration of one screen of that size at 96 dpi, scale 1."""
    return {
        "screens": [
            {
                "name": f"screen-{width}x{height}",
                "x": 0,
                "y": 0,
                "width": width,
                "height": height,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ]
    }


def _settled_layout(window: Any, app: Any, probe: Any = None) -> dict[str, Any]:
    """The layout once the window has caught up with what it was asked to show.

    A change of content reaches the screen in a chain of event passes (the content asks for
    room, the Metrics dock widens, the scroll area follows): measured in the middle of that
    chain, a panel that is about to fit looks cut off. So events are passed while Metrics has
    parts cut off (a cheap check), for at most :data:`LAYOUT_SETTLE_S`; then the whole layout
    is measured once, and a part still cut off is reported. Given the window's stall
    ``probe``, that measurement (dot shares painted into an image, every label's box) is
    excluded from it: it is the self-test's own work, and no user waits for it.
    """
    for _ in range(3):
        app.processEvents()
    metrics = _shown_metrics(window)
    deadline = time.monotonic() + LAYOUT_SETTLE_S
    while metrics.hidden_parts() and time.monotonic() < deadline:
        app.processEvents()
    with probe.excluded() if probe is not None else contextlib.nullcontext():
        return measure_layout(window)


def _shown_metrics(window: Any) -> Any:
    """The Metrics panel on screen: A's, or the A/B comparison's when one is open."""
    comparison = getattr(window.workbench, "comparison", None)
    return comparison.shown_metrics() if comparison is not None else window.metrics


def measure_layout(window: Any) -> dict[str, Any]:
    """The ``layout`` figures of the window as it is now (see the module docstring)."""

    from phoenix_gui.qt.views.ring import measure

    view = window.ring_view
    workbench = window.workbench
    strip = getattr(workbench, "overlay", None)
    shown = window.stage.view  # the paradigm's view with its narration line
    covers = False
    if strip is not None and strip.isVisible():
        covers = _window_rect(window, strip).intersects(_window_rect(window, shown))
    ring_shown = view.isVisible()
    for info in window.adapter.member_infos() if ring_shown else []:
        point = view.mapTo(window, view.mapFromScene(view.member_position(info.id)))
        child = window.childAt(point)
        if child is not None and child is not view and not view.isAncestorOf(child):
            covers = True
    comparison = getattr(workbench, "comparison", None)
    hidden = _shown_metrics(window).hidden_parts()
    # Run B's view beside A's (a comparison): its narration and labels are measured too.
    views_b = comparison.views_b if comparison is not None and comparison.run else None
    narrations = [window.views.narration] + ([views_b.narration] if views_b else [])
    ring_b = views_b.ring if views_b is not None and views_b.ring.isVisible() else None
    overlaps_b = len(measure.overlapping_labels(ring_b)) if ring_b is not None else 0
    detached = measure.detached_labels(view) if ring_shown else []
    detached += [f"B:{m}" for m in measure.detached_labels(ring_b)] if ring_b is not None else []
    return {
        "metrics_hidden_rows": len(hidden),
        "metrics_hidden": hidden,
        "caption_covers_ring": covers,
        "narration_cut": not all(label.fits() for label in narrations),
        "label_overlaps": (len(measure.overlapping_labels(view)) if ring_shown else 0) + overlaps_b,
        "labels_detached": detached,
        "dot_share_max_error_pct": (
            round(measure.dot_share_error(view), 2)
            if ring_shown and measure.dots_measurable(view)
            else 0.0
        ),
    }


def _window_rect(window: Any, widget: Any) -> Any:
    from PySide6 import QtCore

    return QtCore.QRect(widget.mapTo(window, QtCore.QPoint(0, 0)), widget.size())


def _merge_layout(total: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    if not total:
        return dict(now)
    return {
        "metrics_hidden_rows": max(total["metrics_hidden_rows"], now["metrics_hidden_rows"]),
        "metrics_hidden": sorted(set(total["metrics_hidden"]) | set(now["metrics_hidden"])),
        "caption_covers_ring": total["caption_covers_ring"] or now["caption_covers_ring"],
        "narration_cut": total["narration_cut"] or now["narration_cut"],
        "label_overlaps": max(total["label_overlaps"], now["label_overlaps"]),
        "labels_detached": sorted(set(total["labels_detached"]) | set(now["labels_detached"])),
        "dot_share_max_error_pct": max(
            total["dot_share_max_error_pct"], now["dot_share_max_error_pct"]
        ),
    }


def _self_test(
    config: Any, source: str | None, steps: int, max_stall_ms: float | None, shown: _View
) -> int:
    from phoenix_gui.qt.shell.app import create_app, process_start_time

    app = create_app()
    from PySide6 import QtWidgets

    from phoenix_gui.qt.document.settings import Settings
    from phoenix_gui.qt.shell.excepthook import ExceptionHook
    from phoenix_gui.qt.shell.heap import keep_collections_short
    from phoenix_gui.qt.shell.stall_probe import MAX_STALL_MS, StallProbe
    from phoenix_gui.qt.shell.workbench import open_workbench, workbench_of

    hook = ExceptionHook()
    hook.install()
    # The whole workbench, as `phoenix-flight gui` opens it, but with settings and autosaves in
    # a temporary folder: a self-test never reads or changes the user's own.
    scratch = tempfile.TemporaryDirectory(prefix="phoenix-selftest-")
    keep_collections_short()  # as the app does before its first run is built (heap.py)
    window = open_workbench(
        source,
        config=config,
        settings=Settings.from_file(Path(scratch.name) / "settings.ini"),
        autosave_folder=Path(scratch.name) / "autosave",
    )
    workbench = workbench_of(window)
    workbench.document.confirm_discard = lambda _doc: "discard"
    if shown.size is not None:
        from PySide6 import QtCore

        window.setWindowState(QtCore.Qt.WindowState.WindowNoState)
        window.setGeometry(0, 0, *shown.size)
        workbench.apply_default_layout()
    window.show()
    workbench.start()
    if shown.presentation:
        workbench.presentation.set_active(window, True)
    # The window's first full paint (every dock at its size: the most a paint ever costs,
    # and before the probe runs): first_paint_ms, and first_paint_cpu_ms on the GUI thread.
    p0, c0 = time.perf_counter(), time.thread_time()
    window.ring_view.viewport().repaint()
    app.processEvents()
    first_paint = ((time.perf_counter() - p0) * 1000.0, (time.thread_time() - c0) * 1000.0)
    first_frame = time.time()
    # The start time is read only now: finding it (psutil) is not part of starting up.
    startup_ms = (first_frame - process_start_time()) * 1000.0
    startup_cpu_ms = sum(os.times()[:2]) * 1000.0  # user + system, since the process started
    clock = [time.monotonic()]
    view = window.ring_view
    view._clock = lambda: clock[0]  # drive animations on a synthetic clock, many per second
    failures: list[str] = []
    frame_ms: list[float] = []
    step_ms: list[float] = []
    step_cpu_ms: list[float] = []
    probe = StallProbe()
    probe.start()
    stress: dict[str, Any] = {}
    steps_done = 0
    layout: dict[str, Any] = {}

    def moment(name: str) -> None:
        nonlocal layout
        probe.mark(f"moment:{name}")
        # The brief outline of a caption's reference lasts wall-clock time: a picture taken
        # with or without it would depend on the machine's speed.
        workbench.references.highlight.clear()
        workbench.comparison.catch_up()  # run B (if open) at A's step: one clock
        now = _settled_layout(window, app, probe)
        now["metrics_hidden"] = [f"{name}: {part}" for part in now["metrics_hidden"]]
        layout = _merge_layout(layout, now)
        if shown.screenshot is not None:
            shown.screenshot.mkdir(parents=True, exist_ok=True)
            path = shown.screenshot / f"self-test-{name}.png"
            window.timeseries.catch_up()
            # A screenshot is the self-test's own picture, not a stall anyone would meet.
            with probe.excluded():
                picture = window.grab()
                saved = picture.save(str(path))
            if not saved:
                failures.append(f"could not write {path}")

    try:
        moment("start")
        probe.mark("reset")
        window.reset_action.trigger()
        _wait_for_build(window, app)  # a big run is rebuilt on a worker thread meanwhile
        moment("reset")
        crash_at = steps // 2
        timing = window.adapter.sim.config.timing
        # Detection takes the heartbeat timeout; the migrations fly in the steps after it.
        after_crash = math.ceil(timing.heartbeat_timeout / timing.step_hours) + AFTER_CRASH
        for k in range(steps):
            if k == crash_at:
                probe.mark("crash")
                _crash_one(window)
            if k == min(steps - 1, crash_at + after_crash):
                moment("crash")  # packets of the crash's first migrations on their way
            # A step as the user sees it: the engine step, then every dock's update and the
            # window's repaints that it triggers (delivered by processEvents).
            s0, c0 = time.perf_counter(), time.thread_time()
            probe.mark("step")
            _step_in_slices(window, app)
            probe.mark("step-events")  # the docks' updates and repaints the step caused
            app.processEvents()
            step_ms.append((time.perf_counter() - s0) * 1000.0)
            step_cpu_ms.append((time.thread_time() - c0) * 1000.0)
            # One frame per pass of the event loop, as the view's frame timer draws them: the
            # frame's render, then the pass that paints it (a forced repaint() on top of that
            # painted the view twice per frame, which no frame of the window does).
            for _ in range(FRAMES_PER_STEP):
                probe.mark("frames")
                clock[0] += FRAME_DT
                t0 = time.perf_counter()
                view.render_frame()
                app.processEvents()
                frame_ms.append((time.perf_counter() - t0) * 1000.0)
        past = steps // 3  # the timeline: an earlier step on screen, with its banner
        # A jump waits for its moment to be rebuilt and shown (the docks' and the view's
        # repaints of that moment, delivered by the next event pass): its time is the
        # benchmark's figure (bench_scrub.py times the same view() + processEvents()), not a
        # stall of the running window.
        probe.mark("jump")
        with probe.excluded():
            window.time_machine.model.view(past)
            app.processEvents()
            if window.time_machine.model.jumping:  # a far jump's slices, a pass each,
                while window.time_machine.model.jumping:
                    app.processEvents()
                app.processEvents()  # then the pass that paints the moment
        moment("past")
        if steps and window.adapter.sim.step_index != past:
            failures.append(f"the timeline did not show step {past}")
        probe.mark("back-to-now")
        window.time_machine.model.back_to_now()
        # The whole window, docks included, paints without error. Painting everything into one
        # picture at once is the self-test's check, not something the window does for a user
        # (it repaints what changed, already measured): not measured as a stall.
        with probe.excluded():
            window.grab()
        moment("end")
        steps_done = int(window.adapter.sim.step_index)
        probe.mark("stress")
        stress = _stress(window, app, failures)
        probe.stop()
        allowed = MAX_STALL_MS if max_stall_ms is None else max_stall_ms
        if probe.max_gap_ms > allowed:
            failures.append(
                f"the window stalled {probe.max_gap_ms:.0f} ms (at most {allowed:g} allowed)"
            )
        sim = window.adapter.sim
        verdict = sim.audit.verify()
        if not verdict.ok:
            failures.append(f"audit chain broken at record {verdict.bad_index}: {verdict.reason}")
        if hook.errors:
            failures.append(f"{hook.errors} error(s) raised in the event loop")
        saved = _save_and_reload(window.adapter.sim.config, failures)
        # The window at rest, as when someone opens Simulation ▸ Experiment…: the flights of
        # the last steps have landed (on the synthetic clock they would fly forever and the ring
        # would repaint on every pass) and the repaints the stress step left are done. What the
        # experiment then measures is what a sweep costs the window.
        clock[0] += SETTLE_CLOCK_S
        _settle(window, app)
        experiment = _experiment(workbench, app, failures)
        allowed = MAX_STALL_MS if max_stall_ms is None else max_stall_ms
        if experiment.get("experiment_max_stall_ms", 0.0) > allowed:
            failures.append(
                f"the window stalled {experiment['experiment_max_stall_ms']:.0f} ms during the "
                f"experiment (at most {allowed:g} allowed)"
            )
        if shown.lessons:
            from phoenix_gui.resources import bundled_scenarios

            for path in bundled_scenarios():
                if not workbench.open_lesson(str(path)):
                    failures.append(f"could not open the lesson {path.name}")
                    continue
                _wait_for_build(window, app)
                moment(f"lesson-{path.stem}")
        failures += _layout_failures(layout)
    finally:
        probe.stop()
        view.stop_animation()
        window.adapter.pause()
        hook.close_dialogs()
        if shown.presentation:
            workbench.presentation.set_active(window, False)
        window.close()
        hook.uninstall()
        QtWidgets.QApplication.processEvents()
        scratch.cleanup()
    ms = np.asarray(frame_ms) if frame_ms else np.zeros(1)
    result = {
        "startup_ms": round(startup_ms, 1),
        "startup_cpu_ms": round(startup_cpu_ms, 1),
        "first_paint_ms": round(first_paint[0], 1),
        "first_paint_cpu_ms": round(first_paint[1], 1),
        "frames": len(frame_ms),
        "median_frame_ms": round(float(np.median(ms)), 3),
        "p95_frame_ms": round(float(np.percentile(ms, 95)), 3),
        "steps": steps_done,
        "median_step_ms": round(float(np.median(step_ms or [0.0])), 3),
        "p95_step_ms": round(float(np.percentile(step_ms or [0.0], 95)), 3),
        "median_step_cpu_ms": round(float(np.median(step_cpu_ms or [0.0])), 3),
        "p95_step_cpu_ms": round(float(np.percentile(step_cpu_ms or [0.0], 95)), 3),
        "audit_head": window.adapter.sim.audit.head,
        "audit_records": len(window.adapter.sim.audit),
        "scenario_roundtrip": saved,
        "max_stall_ms": round(probe.max_gap_ms, 1),
        "max_stall_cpu_ms": round(probe.max_gap_cpu_ms, 1),
        "max_stall_cpu_cause": probe.max_gap_cpu_cause,
        "max_stall_cause": probe.max_gap_cause,
        "max_stall_phases": probe.max_gap_phases,
        "layout": layout,
        **stress,
        **experiment,
        "ok": not failures,
    }
    for failure in failures:
        print(f"self-test: FAILED: {failure}", file=sys.stderr)
    print(json.dumps(result))
    return 0 if not failures else 1


def _layout_failures(layout: dict[str, Any]) -> list[str]:
    out = []
    if layout.get("metrics_hidden_rows"):
        out.append(f"Metrics parts cut off: {', '.join(layout['metrics_hidden'])}")
    if layout.get("caption_covers_ring"):
        out.append("the caption covers the ring")
    if layout.get("narration_cut"):
        out.append("the narration line under the view is cut off")
    if layout.get("label_overlaps"):
        out.append(f"{layout['label_overlaps']} pair(s) of member labels overlap")
    if layout.get("labels_detached"):
        out.append(
            "member labels away from their marker with no leader line: "
            + ", ".join(layout["labels_detached"])
        )
    if layout.get("dot_share_max_error_pct", 0.0) > DOT_SHARE_LIMIT_PCT:
        out.append(
            f"a member's share of task-dot pixels is {layout['dot_share_max_error_pct']} points"
            f" off its share of tasks (limit {DOT_SHARE_LIMIT_PCT})"
        )
    return out


def _stress(window: Any, app: Any, failures: list[str]) -> dict[str, Any]:
    """J and L at their maximum, Δt low, one Step through the event loop, then Esc."""
    from PySide6 import QtCore

    window.adapter.pause()
    for name, value in STRESS_VALUES:
        window.state.edit(name, value)  # what dragging the sliders there does
    window.step_action.trigger()
    deadline = time.perf_counter() + STRESS_S
    while time.perf_counter() < deadline and window.adapter.step_in_progress:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    stepper_total = 0
    busy = window.busy_bar.isVisible()
    if window.adapter.step_in_progress:
        stepper = window.adapter._stepper
        stepper_total = stepper.total if stepper is not None else 0
        handled = stepper.done if stepper is not None else 0
        window.stop_step_action.trigger()  # Esc
        if stepper is None or stepper.dropped == 0:
            failures.append("Esc did not cut the long step")
        # What is left of the step (its timed things up to the step's end) runs in slices.
        deadline = time.perf_counter() + 30.0
        while window.adapter.step_in_progress and time.perf_counter() < deadline:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if window.adapter.step_in_progress:
            failures.append("the long step did not end after Esc")
        if not busy:
            failures.append("a step running 1.5 s showed no busy indicator")
    else:
        handled = stepper_total
    for _ in STRESS_VALUES:
        window.undo_action.trigger()  # Edit ▸ Undo, three times: the lesson's values are back
    if window.state.values()["joins"] == STRESS_VALUES[1][1]:
        failures.append("undo did not restore the values the stress step changed")
    return {"stress_events": stepper_total, "stress_handled": handled, "stress_busy": busy}


def _step_in_slices(window: Any, app: Any) -> None:
    """One step as Step and Play do it: the adapter's bounded slices (at most SLICE_MS of
    engine work, or EMIT_PER_SLICE events handed to the views), with the event loop running
    between them — so the probe measures what a user of the window meets."""
    adapter = window.adapter
    adapter.request_step()
    while adapter.step_in_progress:
        app.processEvents()


def _wait_for_build(window: Any, app: Any) -> None:
    """Keep the event loop running while a big run is built on its worker thread, as the
    window does (a Step then would wait for the build inside the step: a stall no user meets,
    since Step waits for the run to be there)."""
    deadline = time.monotonic() + 60.0
    while window.adapter.building and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def _settle(window: Any, app: Any) -> None:
    """Process events for :data:`SETTLE_S` and, given ``window``, until its ring's frame timer
    has stopped (its animations ended; the docks' deferred redraws done)."""
    start = time.monotonic()
    while time.monotonic() - start < 5.0:
        app.processEvents()
        animating = window is not None and window.ring_view._frame_timer.isActive()
        if time.monotonic() - start >= SETTLE_S and not animating:
            return
        time.sleep(0.01)


def _experiment(workbench: Any, app: Any, failures: list[str]) -> dict[str, Any]:
    """Simulation ▸ Experiment… with 2 worker processes (in the packaged app too: frozen
    multiprocessing), 2 × 2 runs; the GUI thread's longest event-processing pass meanwhile."""
    dialog = workbench.show_experiment()
    dialog.param1.setCurrentText("vnodes")
    dialog.values1.setText("1,8")
    dialog.param2.setCurrentText("(none)")
    dialog.replicates.setValue(2)
    dialog.steps.setValue(1)
    dialog.workers.setValue(2)
    # The dialog opens (its first paint, the main window repainting as it loses the focus)
    # before anyone presses Run.
    _settle(None, app)
    stall_ms = cpu_ms = 0.0
    try:
        c0, t0 = time.thread_time(), time.perf_counter()
        started = dialog.run()  # what pressing Run costs the GUI thread counts too
        if not started:
            failures.append(f"experiment did not start: {dialog.status.text()}")
            return {"experiment_runs": 0}
        deadline = time.monotonic() + EXPERIMENT_TIMEOUT_S
        while True:
            stall_ms = max(stall_ms, (time.perf_counter() - t0) * 1000.0)
            cpu_ms = max(cpu_ms, (time.thread_time() - c0) * 1000.0)
            if not dialog.job.running or time.monotonic() > deadline:
                break
            time.sleep(0.005)
            c0, t0 = time.thread_time(), time.perf_counter()
            app.processEvents()
        if dialog.job.running:
            dialog.cancel()
            failures.append(f"experiment not done after {EXPERIMENT_TIMEOUT_S} s")
        session = dialog.session
        done = len(session.rows)
        if done != 4 or session.failures:
            failures.append(
                f"experiment: {done} of 4 runs, {session.failures} failed: {dialog.status.text()}"
            )
    finally:
        dialog.close()
    return {
        "experiment_runs": done,
        "experiment_max_stall_ms": round(stall_ms, 1),
        "experiment_max_pass_cpu_ms": round(cpu_ms, 1),
    }


def _crash_one(window: Any) -> None:
    """Crash the busiest live member, so the run shows crash, detection and migrations."""
    infos = [m for m in window.adapter.member_infos() if m.status == "ACTIVE"]
    if len(infos) > 1:
        window.adapter.request_crash(max(infos, key=lambda m: (m.load, m.id)).id)


def _save_and_reload(config: Any, failures: list[str]) -> bool:
    """Save the running configuration as a scenario with QSaveFile, load it back, compare."""
    from PySide6 import QtCore

    from phoenix_gui.scenario import dump_scenario, load_config, scenario_from_config

    with tempfile.TemporaryDirectory(prefix="phoenix-selftest-") as folder:
        path = Path(folder) / "self-test.yaml"
        out = QtCore.QSaveFile(str(path))
        data = dump_scenario(scenario_from_config(config, name="self-test")).encode("utf-8")
        if not (out.open(QtCore.QIODevice.OpenModeFlag.WriteOnly) and out.write(data) >= 0):
            failures.append(f"could not write {path}: {out.errorString()}")
            return False
        if not out.commit():
            failures.append(f"could not save {path}: {out.errorString()}")
            return False
        again = load_config(path)
    same = (again.seed, again.paradigm, again.metrics) == (
        config.seed,
        config.paradigm,
        config.metrics,
    )
    if not same:
        failures.append("the saved scenario did not load back to the same configuration")
    return same
