"""Wall-clock animation state: packet flights and member pulses, fades and blinks.

Pure numpy with the time passed in, so it never consumes simulation randomness, a test can
drive it frame by frame, and the self-test can run 200 steps of animation in a second.
A flight's position is evaluated for all packets at once; finished flights are dropped in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from phoenix_gui.qt.views.ring.geometry import PACKET_R

FLIGHT_SECONDS = 0.6  # wall time of one migration packet
PULSE_SECONDS = 1.2  # a joining member pulses in
FADE_SECONDS = 1.0  # a draining member fades to FADED_ALPHA
FADED_ALPHA = 0.35
BLINK_HZ = 2.0  # stranded tasks of a crashed member blink until it is removed


@dataclass(frozen=True)
class MemberEffect:
    """How a member marker looks at a given instant."""

    scale: float = 1.0
    alpha: float = 1.0
    crashed: bool = False


class Animator:
    """Flights in flight and per-member effects, evaluated at wall time ``now`` (seconds)."""

    def __init__(self, flight_seconds: float = FLIGHT_SECONDS) -> None:
        self.flight_seconds = flight_seconds
        self.clear()

    def clear(self) -> None:
        """Forget every flight and effect (a reset of the simulation)."""
        # Columns of the flights in flight: start, p0 (x, y), control (x, y), p1 (x, y),
        # along-the-ring start angle and signed sweep, arc mode flag, colour index.
        self._start = np.zeros(0)
        self._pts = np.zeros((0, 6))
        self._arc = np.zeros((0, 2))
        self._is_arc = np.zeros(0, dtype=bool)
        self._colour = np.zeros(0, dtype=np.int64)
        self._pending: list[tuple[float, tuple[float, ...], tuple[float, float], bool, int]] = []
        self._pulse: dict[int, float] = {}
        self._fade: dict[int, float] = {}
        self._crashed: set[int] = set()

    # ---- flights -----------------------------------------------------------------------
    def add_flight(
        self, now: float, theta_from: float, theta_to: float, colour: int, along_ring: bool
    ) -> None:
        """A packet from angle ``theta_from`` to ``theta_to`` (radians, clockwise from the top).

        Along the ring (phoenix) it travels the shorter way round at PACKET_R; otherwise it
        crosses the circle on a quadratic curve bent towards the centre.
        """
        r = PACKET_R
        x0, y0 = r * np.sin(theta_from), r * np.cos(theta_from)
        x1, y1 = r * np.sin(theta_to), r * np.cos(theta_to)
        # Control point: the chord's midpoint pulled most of the way to the centre.
        cx, cy = 0.25 * (x0 + x1), 0.25 * (y0 + y1)
        sweep = (theta_to - theta_from + np.pi) % (2 * np.pi) - np.pi
        self._pending.append(
            (now, (x0, y0, cx, cy, x1, y1), (theta_from, sweep), along_ring, colour)
        )

    def _flush(self) -> None:
        if not self._pending:
            return
        p = self._pending
        self._start = np.concatenate((self._start, [f[0] for f in p]))
        self._pts = np.concatenate((self._pts, np.array([f[1] for f in p]).reshape(-1, 6)))
        self._arc = np.concatenate((self._arc, np.array([f[2] for f in p]).reshape(-1, 2)))
        self._is_arc = np.concatenate((self._is_arc, [f[3] for f in p]))
        self._colour = np.concatenate((self._colour, [f[4] for f in p]))
        self._pending = []

    @property
    def flights(self) -> int:
        return int(self._start.size) + len(self._pending)

    def packets(self, now: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, y, colour index) of every packet still in flight at ``now``; drops landed ones."""
        self._flush()
        t = (now - self._start) / self.flight_seconds
        keep = t < 1.0
        if not keep.all():
            self._start, self._pts, self._arc = self._start[keep], self._pts[keep], self._arc[keep]
            self._is_arc, self._colour, t = self._is_arc[keep], self._colour[keep], t[keep]
        t = np.clip(t, 0.0, 1.0)
        t = t * t * (3.0 - 2.0 * t)  # smoothstep: packets ease out of and into members
        p = self._pts
        u = 1.0 - t
        bx = u * u * p[:, 0] + 2 * u * t * p[:, 2] + t * t * p[:, 4]
        by = u * u * p[:, 1] + 2 * u * t * p[:, 3] + t * t * p[:, 5]
        theta = self._arc[:, 0] + self._arc[:, 1] * t
        x = np.where(self._is_arc, PACKET_R * np.sin(theta), bx)
        y = np.where(self._is_arc, PACKET_R * np.cos(theta), by)
        return x, y, self._colour

    # ---- member effects ----------------------------------------------------------------
    def member_joined(self, now: float, index: int) -> None:
        self._pulse[index] = now
        self._fade.pop(index, None)
        self._crashed.discard(index)

    def member_draining(self, now: float, index: int) -> None:
        self._fade.setdefault(index, now)

    def member_crashed(self, index: int) -> None:
        self._crashed.add(index)

    def member_removed(self, index: int) -> None:
        self._pulse.pop(index, None)
        self._fade.pop(index, None)
        self._crashed.discard(index)

    @property
    def crashed(self) -> frozenset[int]:
        return frozenset(self._crashed)

    def effect(self, now: float, index: int) -> MemberEffect:
        scale, alpha = 1.0, 1.0
        start = self._pulse.get(index)
        if start is not None:
            phase = (now - start) / PULSE_SECONDS
            if 0.0 <= phase < 1.0:
                # Grows in from nothing, overshoots twice, settles at full size.
                scale = min(1.0, 3 * phase) + 0.6 * np.sin(3 * np.pi * phase) * (1 - phase)
        start = self._fade.get(index)
        if start is not None:
            phase = min(1.0, max(0.0, (now - start) / FADE_SECONDS))
            alpha = 1.0 - (1.0 - FADED_ALPHA) * phase
        return MemberEffect(max(scale, 0.05), alpha, index in self._crashed)

    def has_member_effects(self, now: float) -> bool:
        """Whether some marker is pulsing or fading right now (markers need redrawing)."""
        if any(now - s < PULSE_SECONDS for s in self._pulse.values()):
            return True
        return any(now - s < FADE_SECONDS for s in self._fade.values())

    def blink_on(self, now: float) -> bool:
        """Whether stranded tasks are drawn in this half-period of the blink."""
        return int(now * BLINK_HZ * 2) % 2 == 0

    def busy(self, now: float) -> bool:
        """True while anything moves: the frame timer may stop when this turns False."""
        return bool(self.flights or self._crashed) or self.has_member_effects(now)
