"""Where things sit on the ring drawing (pure numpy, no Qt, no simulation randomness).

Angle = token · 360° / 10000 with 0° at 12 o'clock, increasing clockwise, so
x = r · sin θ and y = r · cos θ (DESIGN.md §4).
"""

from __future__ import annotations

from typing import Any

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


class TaskPlaces:
    """Task dot positions by task id, computed once per (id, token) and then looked up.

    A dot's place is a pure function of its id and token (:func:`task_radius`,
    :func:`token_xy`), so a step that adds a few tasks to 10^5 computes the few: a full
    recompute of 10^5 sines and cosines was most of a busy window's ring update. Ids whose
    token differs from the cached one (another run) are recomputed, so the cache never lies.
    """

    def __init__(self) -> None:
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._token = np.zeros(0, dtype=np.int64)  # -1: not computed yet

    def xy(self, ids: np.ndarray, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ids = np.asarray(ids, dtype=np.int64)
        tokens = np.asarray(tokens, dtype=np.int64)
        if ids.size == 0:
            return np.zeros(0), np.zeros(0)
        need = int(ids.max()) + 1
        if need > self._token.size:
            size = max(need, 2 * self._token.size, 1024)
            self._x = np.concatenate((self._x, np.zeros(size - self._x.size)))
            self._y = np.concatenate((self._y, np.zeros(size - self._y.size)))
            grown = np.full(size - self._token.size, -1, dtype=np.int64)
            self._token = np.concatenate((self._token, grown))
        stale = self._token[ids] != tokens
        if stale.any():
            fresh = ids[stale]
            x, y = token_xy(tokens[stale], task_radius(fresh))
            self._x[fresh], self._y[fresh] = x, y
            self._token[fresh] = tokens[stale]
        return self._x[ids], self._y[ids]


LABEL_GAP = 0.2  # radians between neighbouring member labels (about a label's width at 12 o'clock)


def spread_angles(angles: np.ndarray, gap: float = LABEL_GAP) -> np.ndarray:
    """Angles moved apart so neighbours are at least ``gap`` apart on the circle (labels).

    Labels of members at nearby tokens would be drawn over each other: each run of labels
    closer than ``gap`` is spread evenly around its mean angle, and runs that then touch are
    merged and spread again. The result keeps the input order. With too many labels for the
    circle the gap shrinks to fit them all.
    """
    theta = np.mod(np.asarray(angles, dtype=np.float64), 2.0 * np.pi)
    n = theta.size
    if n < 2:
        return theta.copy()
    gap = min(gap, 2.0 * np.pi / n)
    order = np.argsort(theta, kind="stable")
    sorted_theta = theta[order]
    # Cut the circle at its widest gap, so no run wraps past the cut.
    gaps = np.diff(np.concatenate((sorted_theta, [sorted_theta[0] + 2.0 * np.pi])))
    cut = int(np.argmax(gaps)) + 1
    line = np.concatenate((sorted_theta[cut:], sorted_theta[:cut] + 2.0 * np.pi))
    where = np.concatenate((order[cut:], order[:cut]))  # line position -> input index
    # Runs as [start, end) index pairs; merge until every neighbour is gap apart.
    runs = [[i, i + 1, float(line[i])] for i in range(n)]  # start, end, centre
    while True:
        runs = _merge_close_runs(runs, gap)
        if len(runs) < 2:
            break
        # Spread runs may reach round the circle to the first one: then the first run moves
        # to the end of the line (one turn on) and merges with the last.
        first, last = runs[0], runs[-1]
        first_start = first[2] - (first[1] - first[0] - 1) * gap / 2.0 + 2.0 * np.pi
        last_end = last[2] + (last[1] - last[0] - 1) * gap / 2.0
        if first_start - last_end >= gap - 1e-12:
            break
        k = first[1] - first[0]
        where = np.concatenate((where[k:], where[:k]))
        runs = [[s - k, e - k, c] for s, e, c in runs[1:]] + [[n - k, n, first[2] + 2.0 * np.pi]]
    placed = np.empty(n)
    for start, end, centre in runs:
        k = end - start
        placed[start:end] = centre + (np.arange(k) - (k - 1) / 2.0) * gap
    result = np.empty(n)
    result[where] = placed
    return np.mod(result, 2.0 * np.pi)


def _merge_close_runs(runs: list[list[Any]], gap: float) -> list[list[Any]]:
    """Runs along a line merged (about their weighted centre) until neighbours are gap apart."""
    merged = True
    while merged:
        merged = False
        out = [runs[0]]
        for run in runs[1:]:
            last = out[-1]
            last_end = last[2] + (last[1] - last[0] - 1) * gap / 2.0
            run_start = run[2] - (run[1] - run[0] - 1) * gap / 2.0
            if run_start - last_end < gap - 1e-12:
                k_last, k_run = last[1] - last[0], run[1] - run[0]
                centre = (last[2] * k_last + run[2] * k_run) / (k_last + k_run)
                out[-1] = [last[0], run[1], centre]
                merged = True
            else:
                out.append(run)
        runs = out
    return runs


def box_gap(x: float, y: float, left: float, top: float, width: float, height: float) -> float:
    """Distance from a point to the nearest point of a box (0 inside it); y grows downward,
    as on screen."""
    dx = max(left - x, 0.0, x - (left + width))
    dy = max(top - y, 0.0, y - (top + height))
    return float(np.hypot(dx, dy))
