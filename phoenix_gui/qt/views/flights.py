"""Flights of migrating tasks, shared by the ring, Kubernetes and agent views (pure numpy).

A flight goes from where the task was (a dot on its old owner's arc, a block in its old node,
a chip on its old agent's card) to where it lands, on a quadratic curve, in its old owner's
colour for the first half and the new owner's for the second, with a short trail behind it.
The flights of one batch set off one after another over the first part of the duration
(a stream a class can count, not one blob), and every flight of a batch has landed when the
duration is over. Time is passed in, so tests and benchmarks drive frames on their own clock
and drawing never consumes simulation randomness.
"""

from __future__ import annotations

import numpy as np

TRAIL = (0.05, 0.10, 0.16)  # the trail: where the packet was this much (flight time) earlier
STAGGER = 0.45  # share of a batch's duration over which its flights set off
DEFAULT_SECONDS = 1.5  # a batch at the default speed (see flight_seconds)
MAX_SECONDS = 6.0  # slower speeds stop stretching flights here (but never below one step)


def flight_seconds(speed: float, default_speed: float, time_scale: float = 1.0) -> float:
    """Wall time of a batch: ~1.5 s at the default speed, scaled by the speed control, never
    shorter than one step at that speed; a replay at ``time_scale`` 0.25 takes 4× as long."""
    speed = max(float(speed), 1e-6)
    base = min(DEFAULT_SECONDS * default_speed / speed, MAX_SECONDS)
    return max(base, 1.0 / speed) / max(time_scale, 1e-6)


class FlightBook:
    """Flights in the air, as columns; :meth:`frame` evaluates all of them at once."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._start = np.zeros(0)
        self._dur = np.zeros(0)
        self._pts = np.zeros((0, 6))  # x0 y0 cx cy x1 y1
        self._keys = np.zeros((0, 2), dtype=np.int64)  # colour before, colour after
        self._task = np.zeros(0, dtype=np.int64)
        self._source = np.zeros(0, dtype=np.int64)
        self._landed: list[np.ndarray] = []
        self._last_landing: dict[int, float] = {}

    def add(
        self,
        now: float,
        start: tuple[np.ndarray, np.ndarray],
        end: tuple[np.ndarray, np.ndarray],
        keys: tuple[np.ndarray, np.ndarray],
        tasks: np.ndarray,
        sources: np.ndarray,
        seconds: float,
        control: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """A batch: ``start``/``end`` points (x, y), colour keys before/after, task ids, source
        member of each, all landed ``seconds`` from ``now``. ``control`` bends each curve
        (default: the chord's midpoint pulled halfway towards the origin)."""
        x0, y0 = (np.asarray(a, dtype=np.float64) for a in start)
        x1, y1 = (np.asarray(a, dtype=np.float64) for a in end)
        n = x0.size
        if n == 0:
            return
        if control is None:
            cx, cy = 0.25 * (x0 + x1), 0.25 * (y0 + y1)
        else:
            cx, cy = (np.asarray(a, dtype=np.float64) for a in control)
        each = seconds * (1.0 - STAGGER) if n > 1 else seconds
        offsets = np.arange(n) * ((seconds - each) / max(n - 1, 1))
        self._start = np.concatenate((self._start, now + offsets))
        self._dur = np.concatenate((self._dur, np.full(n, each)))
        pts = np.column_stack((x0, y0, cx, cy, x1, y1))
        self._pts = np.concatenate((self._pts, pts))
        k = np.column_stack([np.broadcast_to(np.asarray(a, dtype=np.int64), (n,)) for a in keys])
        self._keys = np.concatenate((self._keys, k))
        self._task = np.concatenate((self._task, np.asarray(tasks, dtype=np.int64)))
        src = np.broadcast_to(np.asarray(sources, dtype=np.int64), (n,))
        self._source = np.concatenate((self._source, src))
        landing = now + seconds
        for s in dict.fromkeys(src.tolist()):  # (not np.unique: see narration._tally)
            self._last_landing[s] = max(self._last_landing.get(s, landing), landing)

    @property
    def count(self) -> int:
        return int(self._start.size)

    def tasks(self) -> np.ndarray:
        """Task ids still in the air (or waiting for their turn to set off)."""
        return self._task.copy()

    def sources(self) -> np.ndarray:
        return self._source.copy()

    def endpoints(self) -> tuple[np.ndarray, np.ndarray]:
        """(start xy, end xy) of every flight, shape (n, 2) each, in :meth:`tasks` order."""
        return self._pts[:, 0:2].copy(), self._pts[:, 4:6].copy()

    def last_landing(self, source: int) -> float | None:
        """When the last flight from member ``source`` lands (None: none ever left it)."""
        return self._last_landing.get(source)

    def forget_source(self, source: int) -> None:
        self._last_landing.pop(source, None)

    def take_landed(self) -> np.ndarray:
        """Task ids that landed since the last call."""
        if not self._landed:
            return np.zeros(0, dtype=np.int64)
        out = np.concatenate(self._landed)
        self._landed = []
        return out

    def frame(self, now: float) -> tuple[np.ndarray, ...]:
        """(x, y, key) of every packet and (x, y, key) of its trail points at ``now``."""
        t = (now - self._start) / self._dur if self._dur.size else np.zeros(0)
        done = t >= 1.0
        if done.any():
            self._landed.append(self._task[done])
            keep = ~done
            self._start, self._dur, self._pts = self._start[keep], self._dur[keep], self._pts[keep]
            self._keys, self._task = self._keys[keep], self._task[keep]
            self._source, t = self._source[keep], t[keep]
        t = np.clip(t, 0.0, 1.0)
        x, y = self._at_rows(t, np.arange(t.size))
        key = np.where(t < 0.5, self._keys[:, 0], self._keys[:, 1])
        flying = np.flatnonzero(t > 0.0)
        tx, ty, tk = [], [], []
        for lag in TRAIL:
            back = np.clip(t[flying] - lag, 0.0, 1.0)
            bx, by = self._at_rows(back, flying)
            tx.append(bx)
            ty.append(by)
            tk.append(np.where(back < 0.5, self._keys[flying, 0], self._keys[flying, 1]))
        if flying.size:
            return x, y, key, np.concatenate(tx), np.concatenate(ty), np.concatenate(tk)
        empty = np.zeros(0)
        return x, y, key, empty, empty, np.zeros(0, dtype=np.int64)

    def _at_rows(self, t: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points of flights ``rows`` at normalised times ``t`` on their curves."""
        t = t * t * (3.0 - 2.0 * t)  # smoothstep: ease out of the old owner, into the new
        p = self._pts[rows]
        u = 1.0 - t
        x = u * u * p[:, 0] + 2 * u * t * p[:, 2] + t * t * p[:, 4]
        y = u * u * p[:, 1] + 2 * u * t * p[:, 3] + t * t * p[:, 5]
        return x, y

    def busy(self) -> bool:
        return bool(self._start.size)
