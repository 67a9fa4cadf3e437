"""Wall-clock animation state of the ring: task flights, changed arcs flashing, member pulses,
fades and blinks.

Pure numpy with the time passed in, so it never consumes simulation randomness, a test can
drive it frame by frame, and the self-test can run 200 steps of animation in a second.
Flights live in a :class:`~phoenix_gui.qt.views.flights.FlightBook`. A leaving member fades
only once the last of its tasks has landed elsewhere; a crashed one stays red, its stranded
tasks blinking, until the failure is detected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from phoenix_gui.qt.views.flights import DEFAULT_SECONDS, FlightBook

PULSE_SECONDS = 1.2  # a joining member pulses in
FADE_SECONDS = 1.0  # a leaving member fades out once its last task has left
FADED_ALPHA = 0.35  # a draining member still registered after its fade
BLINK_HZ = 2.0  # stranded tasks of a crashed member blink until it is removed
FLASHES = 3  # changed arcs flash this many times over a batch's duration


@dataclass(frozen=True)
class MemberEffect:
    """How a member marker looks at a given instant."""

    scale: float = 1.0
    alpha: float = 1.0
    crashed: bool = False


class Animator:
    """Flights in the air and per-member effects, evaluated at wall time ``now`` (seconds)."""

    def __init__(self, flight_seconds: float = DEFAULT_SECONDS) -> None:
        self.flight_seconds = flight_seconds  # the current batch duration (speed-scaled)
        self.book = FlightBook()
        self.clear()

    def clear(self) -> None:
        """Forget every flight and effect (a reset of the simulation)."""
        self.book.clear()
        self._pulse: dict[int, float] = {}
        self._leaving: dict[int, float] = {}  # member → when it started to leave
        self._crashed: set[int] = set()
        self._flash: tuple[float, float] | None = None  # start, duration

    # ---- flights -----------------------------------------------------------------------
    @property
    def flights(self) -> int:
        return self.book.count

    def flash_arcs(self, now: float, seconds: float) -> None:
        self._flash = (now, seconds)

    def flash_on(self, now: float) -> bool:
        """Whether the changed arcs are lit: FLASHES on/off blinks over the batch's first
        two thirds. (Blinking, not fading: a changing opacity would make Qt redraw the
        layer's cache every frame.)"""
        if self._flash is None:
            return False
        start, seconds = self._flash
        phase = (now - start) / (seconds * 2.0 / 3.0)
        if phase >= 1.0:
            self._flash = None
        if not 0.0 <= phase < 1.0:
            return False
        return int(phase * FLASHES * 2) % 2 == 0

    # ---- member effects ----------------------------------------------------------------
    def member_joined(self, now: float, index: int) -> None:
        self._pulse[index] = now
        self._leaving.pop(index, None)
        self._crashed.discard(index)

    def member_leaving(self, now: float, index: int) -> None:
        """A drain or a confirmed crash: fade once every flight from it has landed."""
        self._leaving.setdefault(index, now)

    def member_crashed(self, index: int) -> None:
        self._crashed.add(index)

    def member_removed(self, index: int) -> None:
        """Detected: its stranded tasks stop blinking (they fly off as flights)."""
        self._crashed.discard(index)

    def forget(self, index: int) -> None:
        self._pulse.pop(index, None)
        self._leaving.pop(index, None)
        self._crashed.discard(index)
        self.book.forget_source(index)

    @property
    def crashed(self) -> frozenset[int]:
        return frozenset(self._crashed)

    def fade_start(self, index: int) -> float | None:
        """When a leaving member starts to fade: after its last outgoing flight has landed."""
        left = self._leaving.get(index)
        if left is None:
            return None
        landing = self.book.last_landing(index)
        return left if landing is None else max(left, landing)

    def faded_out(self, now: float, index: int) -> bool:
        start = self.fade_start(index)
        return start is not None and now - start >= FADE_SECONDS

    def effect(self, now: float, index: int) -> MemberEffect:
        scale, alpha = 1.0, 1.0
        start = self._pulse.get(index)
        if start is not None:
            phase = (now - start) / PULSE_SECONDS
            if 0.0 <= phase < 1.0:
                # Grows in from nothing, overshoots twice, settles at full size.
                scale = min(1.0, 3 * phase) + 0.6 * np.sin(3 * np.pi * phase) * (1 - phase)
        fade = self.fade_start(index)
        if fade is not None:
            alpha = 1.0 - min(1.0, max(0.0, (now - fade) / FADE_SECONDS))
        return MemberEffect(max(scale, 0.05), alpha, index in self._crashed)

    def marked(self, now: float) -> set[int]:
        """Members whose :meth:`effect` at ``now`` may differ from the plain one (full size,
        opaque, not crashed): pulsing, leaving or crashed. Every other member looks plain, so
        a frame works out the effects of these few, not of every member."""
        out = {i for i, s in self._pulse.items() if now - s < PULSE_SECONDS}
        out.update(self._leaving)
        out.update(self._crashed)
        return out

    def has_member_effects(self, now: float) -> bool:
        """Whether some marker is pulsing or waiting to fade / fading (markers need redrawing)."""
        if any(now - s < PULSE_SECONDS for s in self._pulse.values()):
            return True
        for index in self._leaving:
            start = self.fade_start(index)  # nothing changes before the fade begins
            if start is not None and 0.0 <= now - start < FADE_SECONDS:
                return True
        return False

    def blink_on(self, now: float) -> bool:
        """Whether stranded tasks are drawn in this half-period of the blink."""
        return int(now * BLINK_HZ * 2) % 2 == 0

    def busy(self, now: float) -> bool:
        """True while anything moves: the frame timer may stop when this turns False."""
        waiting = any(
            (start := self.fade_start(i)) is not None and now < start + FADE_SECONDS
            for i in self._leaving
        )
        return (
            waiting
            or self.book.busy()
            or bool(self._crashed)
            or self._flash is not None
            or self.has_member_effects(now)
        )
