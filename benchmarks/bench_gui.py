"""Frame cost of the ring view, side by side with the naive redraw (DESIGN.md §8, issue 5),
and of migrations and the Kubernetes and agent views (issue 14, ``bench_views.py``), and a
timeline jump in a 10^4-step run at 10^4 tasks (issue 15, ``bench_scrub.py``).

Ours: static layers (ring, vnode ticks, arcs, task dots) built once and cached; per frame only
the packets in flight (a small scatter) and the member markers are updated, then the view is
painted. Naive: ``setData`` of every task dot each frame. Both run here, in the same process,
offscreen at 1280×800. Last line: one JSON object with the headline figures.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py --quick
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine import HashRing, tokens_of
from phoenix_gui.qt.snapshots import MemberInfo, TaskArrays
from phoenix_gui.qt.views.palette import member_brush
from phoenix_gui.qt.views.ring.geometry import MEMBER_R, task_radius, token_angle, token_xy
from phoenix_gui.qt.views.ring.ring_view import RingView

try:  # imported as benchmarks.bench_gui (tests) or run as a script from this folder
    from benchmarks.bench_scrub import scrub_figures
    from benchmarks.bench_views import agents_frames, cluster_frames, migration_frames
except ModuleNotFoundError:
    from bench_scrub import scrub_figures  # type: ignore[no-redef]
    from bench_views import agents_frames, cluster_frames, migration_frames  # type: ignore[no-redef]

FRAME_DT = 1.0 / 60.0  # frames are driven on a synthetic clock 60 times per simulated second


def _members_of(ring: HashRing) -> tuple[list[MemberInfo], dict[int, np.ndarray]]:
    """What the view is fed about the ring's live members: their infos and vnode tokens."""
    members = [
        MemberInfo(m, ring.index_of(m), int(tokens_of([m])[0]), vnodes=ring.vnodes)
        for m in ring.members
    ]
    return members, ring.vnode_tokens_by_index()


def build_view(hosts: int, tasks: int, vnodes: int = 100) -> tuple[RingView, HashRing]:
    ids = [f"host-{i}" for i in range(hosts)]
    ring = HashRing.from_members(ids, vnodes=vnodes)
    view = RingView()
    view.resize(1280, 800)
    view.show()
    members, vt = _members_of(ring)
    view.set_members("phoenix", members, ring.owner_table(), vt)
    task_ids = np.arange(tasks, dtype=np.int64)
    tok = tokens_of([f"task-{i}" for i in range(tasks)])
    view.set_tasks(TaskArrays(task_ids, tok, ring.route_tokens(tok).astype(np.int64)))
    QtWidgets.QApplication.processEvents()
    return view, ring


def top_up(view: RingView, now: float, target: int, hosts: int, counter: list[int]) -> None:
    """Keep ``target`` packets in flight, their starts staggered over one flight time: each
    flies from a task's dot to a member's marker, with its trail (as a migration does)."""
    missing = target - view.packets_in_flight
    seconds = view.animator.flight_seconds
    for _ in range(missing):
        k = counter[0]
        counter[0] += 1
        # Fixed arithmetic choice of task and target: the benchmark uses no randomness at all.
        task, dst = (k * 7919) % 10_000, (k * 7 + 3) % hosts
        started = now - (k % 37) / 37.0 * seconds
        x0, y0 = token_xy(tokens_of([f"task-{task}"]), task_radius(np.array([task])))
        x1, y1 = token_xy(np.array([view._members[dst].token]), MEMBER_R)
        view.animator.book.add(
            started, (x0, y0), (x1, y1), (np.array([k % hosts]), np.array([dst])),
            np.array([task]), np.array([k % hosts]), seconds,
        )  # fmt: skip


def run_ours(view: RingView, hosts: int, packets: int, frames: int) -> np.ndarray:
    counter = [0]
    now = 1000.0
    out = np.empty(frames)
    for f in range(frames):
        now += FRAME_DT
        top_up(view, now, packets, hosts, counter)
        t0 = time.perf_counter()
        view.render_frame(now)
        view.viewport().repaint()
        out[f] = (time.perf_counter() - t0) * 1000.0
    return out


def run_naive(view: RingView, tasks: int, frames: int) -> np.ndarray:
    """Every frame: setData of all task dots (positions and brushes) in one ScatterPlotItem."""
    ids = np.arange(tasks)
    theta = token_angle(tokens_of([f"task-{i}" for i in range(tasks)]))
    r = 0.6 + 0.3 * ((ids * 0.618) % 1.0)
    owner = view.task_owner_array()
    scatter = pg.ScatterPlotItem(pxMode=True, size=4, pen=None)
    view.addItem(scatter)
    out = np.empty(frames)
    for f in range(frames):
        t0 = time.perf_counter()
        wobble = 1.0 + 0.001 * f  # the points really move, as a naive animation would
        brushes = [member_brush(int(o)) for o in owner]
        scatter.setData(x=r * wobble * np.sin(theta), y=r * np.cos(theta), brush=brushes)
        view.viewport().repaint()
        out[f] = (time.perf_counter() - t0) * 1000.0
    view.removeItem(scatter)
    return out


def rebuild_cost(view: RingView, ring: HashRing, tasks: int) -> tuple[float, float]:
    """Cost of the rare rebuilds: membership (ticks, arcs) and ownership (task dots)."""
    t0 = time.perf_counter()
    ring.add("host-new")
    members, vt = _members_of(ring)
    view.set_members("phoenix", members, ring.owner_table(), vt)
    members_ms = (time.perf_counter() - t0) * 1000.0
    tok = tokens_of([f"task-{i}" for i in range(tasks)])
    t0 = time.perf_counter()
    view.set_tasks(TaskArrays(np.arange(tasks), tok, ring.route_tokens(tok).astype(np.int64)))
    view.viewport().repaint()
    tasks_ms = (time.perf_counter() - t0) * 1000.0
    return members_ms, tasks_ms


def stats(ms: np.ndarray) -> tuple[float, float]:
    return float(np.median(ms)), float(np.percentile(ms, 95))


def mm(ms: np.ndarray) -> tuple[float, float]:
    """Median and maximum: an event frame must fit the worst-case budget every time."""
    return float(np.median(ms)), float(ms.max())


def _settle(view: RingView) -> None:
    """Let Qt hand the dirty areas to the viewport, then paint: what one frame does."""
    QtWidgets.QApplication.processEvents()
    view.viewport().repaint()


def ownership_frames(view: RingView, tasks: int, moved: int, events: int) -> np.ndarray:
    """Frames after ``moved`` tasks change owner (a crash, a drain, a reassignment)."""
    tok = tokens_of([f"task-{i}" for i in range(tasks)])
    ids = np.arange(tasks)
    owner = view.task_owner_array()
    hosts = int(owner.max()) + 1
    out = np.empty(events)
    for e in range(events):
        owner = owner.copy()
        pick = (np.arange(moved) * 9973 + e * 131) % tasks  # fixed arithmetic, no randomness
        owner[pick] = (owner[pick] + 1 + e) % hosts
        t0 = time.perf_counter()
        view.set_tasks(TaskArrays(ids, tok, owner))
        _settle(view)
        out[e] = (time.perf_counter() - t0) * 1000.0
    return out


def membership_frames(
    view: RingView, ring: HashRing, tasks: int, events: int
) -> tuple[np.ndarray, np.ndarray]:
    """Frames after a join and after a leave: membership layers, re-routed task dots, paint."""
    tok = tokens_of([f"task-{i}" for i in range(tasks)])
    ids = np.arange(tasks)
    joins, leaves = np.empty(events), np.empty(events)
    for e in range(events):
        for out, change in ((joins, ring.add), (leaves, ring.remove)):
            change(f"host-extra-{e}")
            members, vt = _members_of(ring)
            t0 = time.perf_counter()
            view.set_members("phoenix", members, ring.owner_table(), vt)
            view.set_tasks(TaskArrays(ids, tok, ring.route_tokens(tok).astype(np.int64)))
            _settle(view)
            out[e] = (time.perf_counter() - t0) * 1000.0
    return joins, leaves


def wheel(view: RingView, steps: int) -> None:
    """``steps`` notches of the mouse wheel over the middle of the view (a real QWheelEvent;
    the ring view tests zoom with it too)."""
    centre = QtCore.QPointF(view.viewport().rect().center())
    event = QtGui.QWheelEvent(
        centre,
        QtCore.QPointF(view.viewport().mapToGlobal(centre.toPoint())),
        QtCore.QPoint(0, 0),
        QtCore.QPoint(0, 120 * steps),
        QtCore.Qt.MouseButton.NoButton,
        QtCore.Qt.KeyboardModifier.NoModifier,
        QtCore.Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QtWidgets.QApplication.sendEvent(view.viewport(), event)


def _sharp(view: RingView) -> bool:
    return bool(view._ticks.sharp and view._arcs.sharp)


def zoom_frames(view: RingView, events: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Frames after a mouse-wheel zoom step: every cached layer is redrawn at the new scale
    (the vnode ticks and owned arcs shown rescaled), then the frames that redraw those two
    sharp at the new scale.

    Returns the zoom frames, the follow-up frames, and the most follow-ups one step needed.
    """
    out, after, most = np.empty(events), [], 0
    for e in range(events):
        steps = 1 if e % 2 == 0 else -1  # in and out again: the ring stays in view
        t0 = time.perf_counter()
        wheel(view, steps)
        _settle(view)
        out[e] = (time.perf_counter() - t0) * 1000.0
        count = 0
        while not _sharp(view):  # their timers fire in the next processEvents
            t0 = time.perf_counter()
            _settle(view)
            after.append((time.perf_counter() - t0) * 1000.0)
            count += 1
            assert count < 100, "the ticks never became sharp again"
        most = max(most, count)
    view.reset_view()
    _settle(view)
    while not _sharp(view):
        _settle(view)
    return out, np.asarray(after or [0.0]), most


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer frames (under a minute)")
    args = parser.parse_args(argv)
    frames = 120 if args.quick else 600
    naive_frames = 4 if args.quick else 12
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    rows = []

    view, ring = build_view(hosts=100, tasks=10_000)
    run_ours(view, 100, 1000, 10)  # warm-up: fragment atlas, pixmap caches
    med4, p954 = stats(run_ours(view, 100, 1000, frames))
    rows.append(("ours", "1e4 tasks, 100 hosts, 1e3 packets", frames, med4, p954))
    events = 30
    own_k = {k: ownership_frames(view, 10_000, k, events) for k in (100, 1000)}
    for k, ms in own_k.items():
        rows.append(("frame after ownership change", f"1e4 tasks, {k} moved", events, *mm(ms)))
    join, leave = membership_frames(view, ring, 10_000, events)
    for name, ms in (("frame after a join", join), ("frame after a leave", leave)):
        rows.append((name, "1e4 tasks, 100 hosts", events, *mm(ms)))
    zoom, sharpen, most = zoom_frames(view, events)
    rows.append(("frame after a zoom step", "1e4 tasks, 100 hosts", events, *mm(zoom)))
    rows.append(
        (f"then redraw ticks, arcs (≤{most} frames)", "1e4 vnodes", sharpen.size, *mm(sharpen))
    )
    members_ms, tasks_ms = rebuild_cost(view, ring, 10_000)
    rows.append(("rebuild membership layers (join)", "1e4 tasks, 101 hosts", 1, members_ms, 0))
    rows.append(("rebuild task dots (ownership)", "1e4 tasks", 1, tasks_ms, 0))
    view.close()

    view, _ = build_view(hosts=100, tasks=100_000)
    run_ours(view, 100, 1000, 10)
    med5, p955 = stats(run_ours(view, 100, 1000, frames))
    rows.append(("ours", "1e5 tasks, 100 hosts, 1e3 packets", frames, med5, p955))
    nmed5, np955 = stats(run_naive(view, 100_000, naive_frames))
    rows.append(("naive setData every frame", "1e5 tasks", naive_frames, nmed5, np955))
    view.close()
    app.processEvents()

    migration, migration_cpu = migration_frames()
    rows.append(("migration: 1e3 of 1e4 tasks fly", "100 hosts, every frame", migration.size,
                 *stats(migration)))  # fmt: skip
    rows.append(("  the same, CPU time", "", migration.size, *stats(migration_cpu)))
    cluster, cluster_cpu = cluster_frames(frames=frames)
    rows.append(("kubernetes view", "100 nodes, 5e3 pods, steps", frames, *stats(cluster)))
    rows.append(("  the same, CPU time", "", frames, *stats(cluster_cpu)))
    agents, agents_cpu = agents_frames(frames=frames)
    rows.append(("agent view", "50 agents, 2e3 tasks, steps", frames, *stats(agents)))
    rows.append(("  the same, CPU time", "", frames, *stats(agents_cpu)))
    app.processEvents()

    scrub = scrub_figures(10_000)  # the timeline: a jump anywhere in a 10^4-step run
    worst = scrub["scrub_ms_1e4"]
    rows.append(("timeline jump, worst (wall)", "1e4 steps, 1e4 tasks", 1, worst, 0))
    rows.append(("  the same, CPU time", "", 1, scrub["scrub_cpu_ms_1e4"], 0))

    print(f"{'variant':34} {'workload':36} {'frames':>6} {'median ms':>10} {'p95/max':>8}")
    for name, load, n, med, p95 in rows:
        p95_txt = f"{p95:8.2f}" if n > 1 else f"{'':>8}"
        print(f"{name:34} {load:36} {n:6d} {med:10.2f} {p95_txt}")
    result = {
        "median_frame_ms_1e4": round(med4, 3),
        "p95_frame_ms_1e4": round(p954, 3),
        "median_frame_ms_1e5": round(med5, 3),
        "naive_median_frame_ms_1e5": round(nmed5, 3),
        "speedup_vs_naive_1e5": round(nmed5 / med5, 1),
        "rebuild_members_ms": round(members_ms, 2),
        "rebuild_tasks_ms_1e4": round(tasks_ms, 2),
        "ownership_change_frame_ms_1e4": round(float(max(ms.max() for ms in own_k.values())), 2),
        "join_frame_ms_1e4": round(float(join.max()), 2),
        "leave_frame_ms_1e4": round(float(leave.max()), 2),
        "join_frame_median_ms_1e4": round(float(np.median(join)), 2),
        "leave_frame_median_ms_1e4": round(float(np.median(leave)), 2),
        "zoom_frame_ms_1e4": round(float(zoom.max()), 2),
        "zoom_frame_median_ms_1e4": round(float(np.median(zoom)), 2),
        "zoom_restroke_frame_ms_1e4": round(float(sharpen.max()), 2),
        "zoom_restroke_frames": most,
        "migration_median_frame_ms": round(stats(migration)[0], 3),
        "migration_p95_frame_ms": round(stats(migration)[1], 3),
        "cluster_median_frame_ms": round(stats(cluster)[0], 3),
        "cluster_p95_frame_ms": round(stats(cluster)[1], 3),
        "agents_median_frame_ms": round(stats(agents)[0], 3),
        "agents_p95_frame_ms": round(stats(agents)[1], 3),
        # This process's CPU time per frame: the same frames without the wait for a core.
        "migration_p95_frame_cpu_ms": round(stats(migration_cpu)[1], 3),
        "cluster_p95_frame_cpu_ms": round(stats(cluster_cpu)[1], 3),
        "agents_p95_frame_cpu_ms": round(stats(agents_cpu)[1], 3),
        **scrub,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
