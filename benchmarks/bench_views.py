"""Frame cost of migrations on the ring and of the Kubernetes and agent views (issue 14).

Imported by ``bench_gui.py``, which prints these figures in its last-line JSON:

* ``migration_p95_frame_ms``: the ring at 100 hosts and 10^4 tasks while 1,000 of them fly to
  new owners (dots of the moving tasks hidden, packets and trails drawn, changed arcs flashing,
  landed tasks reappearing), every frame of the 1.5 s flight at 60 frames per second;
* ``cluster_*_frame_ms``: 100 nodes with 5,000 pods while a drained node's pods fly and the
  scores of a placement show, with a new snapshot (a step) every sixth frame;
* ``agents_*_frame_ms``: 50 agents with 2,000 tasks while hand-offs fly between cards, with a
  new snapshot every sixth frame.

Everything is synthetic and fixed arithmetic (no randomness); frames run on a synthetic clock
and each is timed as update + paint, offscreen at 1280×800. Each function returns the frames'
wall times and, beside them, this process's CPU times (``time.process_time``): on a machine
shared with other work the wall time includes waiting for a core, the CPU time does not.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6 import QtWidgets

from phoenix_gui.engine import HashRing, tokens_of
from phoenix_gui.qt.snapshots import (
    AgentInfo,
    AgentsSnapshot,
    ClusterSnapshot,
    Decision,
    MemberInfo,
    MembershipChange,
    Moves,
    NodeInfo,
    RefusedAgent,
    StepStory,
    TaskArrays,
)
from phoenix_gui.qt.views.agents.agents_view import AgentsView
from phoenix_gui.qt.views.cluster.cluster_view import ClusterView
from phoenix_gui.qt.views.ring.ring_view import RingView

FRAME_DT = 1.0 / 60.0
FLIGHT = 1.5
STEP_EVERY = 6  # a step at 10 steps/s is every sixth frame at 60 frames/s


class FrameTimer:
    """Wall and CPU milliseconds of each frame between :meth:`start` and :meth:`stop`."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def start(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def stop(self) -> None:
        self.wall.append((time.perf_counter() - self._wall) * 1000.0)
        self.cpu.append((time.process_time() - self._cpu) * 1000.0)

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(self.wall), np.asarray(self.cpu)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def migration_frames(
    hosts: int = 100, tasks: int = 10_000, moving: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """Every frame of a flight of ``moving`` tasks to new owners on the ring."""
    clock = Clock()
    view = RingView(clock=clock)
    view.resize(1280, 800)
    view.show()
    ring = HashRing.from_members([f"host-{i}" for i in range(hosts)], vnodes=100)
    members = [
        MemberInfo(m, ring.index_of(m), int(tokens_of([m])[0]), vnodes=100) for m in ring.members
    ]
    view.set_members("phoenix", members, ring.owner_table(), ring.vnode_tokens_by_index())
    ids = np.arange(tasks, dtype=np.int64)
    tok = tokens_of([f"task-{i}" for i in range(tasks)])
    owner = ring.route_tokens(tok).astype(np.int64)
    view.set_tasks(TaskArrays(ids, tok, owner))
    QtWidgets.QApplication.processEvents()
    pick = (np.arange(moving) * 9973) % tasks  # fixed arithmetic: spread over the ring
    new = owner.copy()
    new[pick] = (owner[pick] + 1 + np.arange(moving) % 7) % hosts
    moves = Moves(ids[pick], tok[pick], owner[pick], new[pick], ("retire",) * moving)
    positions = np.arange(0, 10_000, 7, dtype=np.int64)
    change = MembershipChange(
        "drain", members[0], "phoenix", moves, positions, (positions * 31) % hosts
    )
    view.set_tasks(TaskArrays(ids, tok, new))
    view.play_story(StepStory(moves=moves, changes=(change,)), FLIGHT)
    view.stop_animation()  # frames are driven here, on the synthetic clock
    timer = FrameTimer()
    while view.packets_in_flight or not timer.wall:
        clock.now += FRAME_DT
        timer.start()
        view.render_frame()
        view.viewport().repaint()
        timer.stop()
    view.close()
    return timer.result()


def _board_frames(
    view: ClusterView | AgentsView,
    clock: Clock,
    snapshots: Sequence[Any],
    stories: Sequence[StepStory],
    frames: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Frames of a board view; a new snapshot and story (a step) every STEP_EVERY frames."""
    timer = FrameTimer()
    for f in range(frames):
        clock.now += FRAME_DT
        timer.start()
        if f % STEP_EVERY == 0:
            k = f // STEP_EVERY
            view.set_snapshot(snapshots[k % len(snapshots)])
            view.play_story(stories[k % len(stories)], FLIGHT)
            view.stop_animation()
        view.render_frame()
        view.repaint()
        timer.stop()
    return timer.result()


def cluster_frames(
    nodes: int = 100, pods: int = 5000, frames: int = 120
) -> tuple[np.ndarray, np.ndarray]:
    clock = Clock()
    view = ClusterView(clock=clock)
    view.resize(1280, 800)
    view.show()
    QtWidgets.QApplication.processEvents()
    per = pods // nodes

    def snapshot(shift: int) -> ClusterSnapshot:
        # Each step a few pods sit on the next node: the still picture really changes.
        owner = (np.arange(pods) // per + (np.arange(pods) % 97 < shift)) % nodes
        infos = tuple(
            NodeInfo(
                f"node-{i}", i, "DRAINING" if i == 0 else "ACTIVE", 64.0, 256.0,
                float((owner == i).sum()), 2.0 * float((owner == i).sum()),
                np.flatnonzero(owner == i).astype(np.int64),
            )
            for i in range(nodes)
        )  # fmt: skip
        return ClusterSnapshot(infos, np.arange(pods, pods + 12, dtype=np.int64), 2.0, 4.0,
                               "no node has 2 CPU free")  # fmt: skip

    snapshots = [snapshot(s) for s in range(3)]
    moving = np.arange(per, dtype=np.int64)
    moves = Moves(moving, moving, np.zeros(per, np.int64), 1 + moving % (nodes - 1),
                  ("retire",) * per)  # fmt: skip
    scores = tuple((f"node-{i}", round(1.0 + i / nodes, 6)) for i in range(1, 21))
    decision = Decision(int(moving[-1]), "kubernetes", "fit", scores, "node-20", nodes - 1)
    stories = [StepStory(moves=moves, decision=decision)]
    _board_frames(view, clock, snapshots, stories, 12)  # warm-up: sprites, fonts
    out = _board_frames(view, clock, snapshots, stories, frames)
    view.close()
    return out


def agents_frames(
    agents: int = 50, tasks: int = 2000, frames: int = 120
) -> tuple[np.ndarray, np.ndarray]:
    clock = Clock()
    view = AgentsView(clock=clock)
    view.resize(1280, 800)
    view.show()
    QtWidgets.QApplication.processEvents()
    skills = ("code", "summarise", "translate")

    def snapshot(shift: int) -> AgentsSnapshot:
        owner = (np.arange(tasks) + shift * (np.arange(tasks) % 13 == 0)) % agents
        cards = tuple(
            AgentInfo(
                f"agent-{i}", i, "ACTIVE", skills[: 1 + i % 3], 0.8, 0.9,
                int((owner == i).sum()), 4.0, (i % 8) / 2.0,
                np.flatnonzero(owner == i).astype(np.int64),
            )
            for i in range(agents)
        )  # fmt: skip
        refused = (RefusedAgent("rogue", "trust 0.3 is below the policy minimum 0.6", 0.3),)
        return AgentsSnapshot(cards, refused, 5)

    snapshots = [snapshot(s) for s in range(3)]
    moving = np.arange(0, tasks, 40, dtype=np.int64)
    moves = Moves(moving, moving, moving % agents, (moving + 1) % agents,
                  ("context_limit",) * moving.size)  # fmt: skip
    scores = tuple((f"agent-{i}", round(0.9 / (1 + i), 6)) for i in range(20))
    decision = Decision(int(moving[-1]), "agentic", "score", scores, "agent-0", agents)
    stories = [StepStory(moves=moves, decision=decision)]
    _board_frames(view, clock, snapshots, stories, 12)
    out = _board_frames(view, clock, snapshots, stories, frames)
    view.close()
    return out
