"""Where things sit on the ring drawing (pure numpy, no Qt, no simulation randomness).

Angle = token · 360° / 10000 with 0° at 12 o'clock, increasing clockwise, so
x = r · sin θ and y = r · cos θ (DESIGN.md §4).
"""

from __future__ import annotations

import numpy as np

TOKEN_SPACE = 10_000
RING_R = 1.0  # the ring itself; vnode ticks straddle it, owned arcs are shaded on it
TICK_IN, TICK_OUT = 0.95, 1.05
ARC_IN, ARC_OUT = 0.975, 1.025
MEMBER_R = 1.17  # member markers, at the member's own ring token
LABEL_R = 1.27
PACKET_R = 1.10  # phoenix packets fly along the ring just outside it
TASK_R_MIN, TASK_R_MAX = 0.58, 0.90  # task dots, jittered radially inside the ring

_GOLDEN = 0.6180339887498949


def token_angle(tokens: np.ndarray | float) -> np.ndarray:
    """Angle in radians, clockwise from 12 o'clock."""
    return np.asarray(tokens, dtype=np.float64) * (2.0 * np.pi / TOKEN_SPACE)


def polar_xy(
    theta: np.ndarray | float, radius: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Screen coordinates of angles (clockwise from the top) at the given radius."""
    return radius * np.sin(theta), radius * np.cos(theta)


def token_xy(tokens: np.ndarray, radius: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    return polar_xy(token_angle(tokens), radius)


def task_radius(task_ids: np.ndarray) -> np.ndarray:
    """Radial jitter from the task id alone (golden-ratio low-discrepancy sequence).

    A deterministic function of the id, so the picture never consumes simulation randomness and
    a task keeps its place when its owner changes.
    """
    frac = np.modf(np.asarray(task_ids, dtype=np.float64) * _GOLDEN)[0]
    return TASK_R_MIN + (TASK_R_MAX - TASK_R_MIN) * frac


def owner_runs(owner_table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run-length encode the token → owner table: (start, end exclusive, owner) per owned arc.

    Vectorised so that redrawing 10^4 arcs after a membership change stays in milliseconds.
    """
    table = np.asarray(owner_table)
    if table.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    change = np.flatnonzero(np.diff(table)) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    ends = np.concatenate((change, [table.size])).astype(np.int64)
    return starts, ends, table[starts].astype(np.int64)


def arc_polyline(
    starts: np.ndarray, ends: np.ndarray, radius: float, step: int = 25
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points along each arc [start, end] with a ``connect`` mask for ``pg.arrayToQPath``.

    Each arc is sampled every ``step`` positions plus its end point and is not connected to the
    next arc. Vectorised: one membership change redraws 10^4 arcs without a Python loop.
    """
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    if starts.size == 0:
        empty = np.zeros(0)
        return empty, empty, np.zeros(0, dtype=np.int32)
    inner = (ends - starts + step - 1) // step  # samples start, start+step, … below end
    counts = inner + 1  # … plus the end point itself
    first = np.cumsum(counts) - counts  # index of each arc's first point
    within = np.arange(int(counts.sum())) - np.repeat(first, counts)
    arc_start = np.repeat(starts, counts)
    arc_end = np.repeat(ends, counts)
    tok = np.minimum(arc_start + within * step, arc_end).astype(np.float64)
    connect = np.ones(tok.size, dtype=np.int32)
    connect[first + counts - 1] = 0  # an arc's last point does not join the next arc
    x, y = token_xy(tok, radius)
    return x, y, connect
