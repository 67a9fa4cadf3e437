"""Member colours: a colour-blind-safe palette (Okabe–Ito) that stays distinct past 8 members.

A member's colour depends only on its stable ring index (never reused), so a member keeps its
colour for its whole life and a screenshot can be compared with the next one.
"""

from __future__ import annotations

import time
from functools import lru_cache

import numpy as np
from PySide6 import QtGui

# Okabe & Ito (2008), "Color Universal Design", without black: the ring is drawn on a dark
# background, where black would vanish. Ordered so neighbours in join order contrast well.
OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#F4F4F5",  # near white: the eighth hue, distinct from the grey of unowned tasks
)
CRASHED = "#FF3B30"  # a saturated red no member colour uses: crashed / suspect members
UNOWNED = "#6B7280"  # pending tasks with no owner
BACKGROUND = "#15181E"
RING = "#3A4150"
TEXT = "#E5E7EB"

# Past 8 members the hues repeat; each further cycle is lighter or darker so that member 0 and
# member 8 are still told apart (factor per cycle, alternating lighter / darker, never equal).
_CYCLE_FACTORS = (100, 145, 70, 175, 55, 125, 85)
# Lighter variants of light hues clip to white, so a candidate too close to a colour already
# given (or to the background, the unowned grey, the crashed red) is turned round the hue
# circle until it stands apart: up to DISTINCT_UP_TO members no two share a colour, and a
# picture's share of a colour is one member's share.
MIN_DISTANCE = 48.0  # Euclidean distance in RGB between any two member colours
DISTINCT_UP_TO = 64


def rgb_of(colour: QtGui.QColor) -> tuple[int, int, int]:
    """(red, green, blue) of a colour, 0–255."""
    return (colour.red(), colour.green(), colour.blue())


_RESERVED = tuple(rgb_of(QtGui.QColor(c)) for c in (BACKGROUND, UNOWNED, CRASHED, RING))
_GIVEN: list[tuple[int, int, int]] = []


def member_color(index: int) -> QtGui.QColor:
    """The colour of member ``index``; ``-1`` is the unowned grey, ``-2`` the crashed red."""
    return QtGui.QColor(_member_rgba(index))


def _shaded(index: int) -> QtGui.QColor:
    return QtGui.QColor(
        _shade(index % len(OKABE_ITO), (index // len(OKABE_ITO)) % len(_CYCLE_FACTORS))
    )


@lru_cache(maxsize=len(OKABE_ITO) * len(_CYCLE_FACTORS))
def _shade(hue: int, cycle: int) -> int:
    """The Okabe–Ito colour ``hue`` at its ``cycle``'s brightness (rgba): colours past
    DISTINCT_UP_TO repeat these, so a step adding thousands of members makes 56 of them."""
    base = QtGui.QColor(OKABE_ITO[hue])
    factor = _CYCLE_FACTORS[cycle]
    return (base.lighter(factor) if factor >= 100 else base.darker(int(10000 / factor))).rgba()


def prepare_colours(deadline: float) -> bool:
    """Choose the distinct colours (the first DISTINCT_UP_TO members', each measured against
    those before it: ~0.2 ms apiece) ahead of need, until ``deadline`` (time.perf_counter());
    True once all are chosen. A step that first adds dozens of members then finds them made."""
    while len(_GIVEN) < DISTINCT_UP_TO:
        if time.perf_counter() >= deadline:
            return False
        _GIVEN.append(_distinct(len(_GIVEN)))
    return True


def _candidates(index: int) -> list[QtGui.QColor]:
    """The shaded Okabe–Ito colour first, then the same turned round the hue circle in 30°
    steps at a few saturations and brightnesses."""
    shaded = _shaded(index)
    hue = max(shaded.hsvHue(), 0)
    out = [shaded]
    for step in range(1, 12):
        for sat, val in ((230, 235), (120, 240), (255, 160), (150, 190)):
            out.append(QtGui.QColor.fromHsv((hue + 30 * step) % 360, sat, val))
    return out


def _distinct(index: int) -> tuple[int, int, int]:
    if index >= DISTINCT_UP_TO:
        # Past that many members colours repeat anyway: the shaded cycle, without measuring
        # it against every colour given before (that made a jump to thousands of members
        # quadratic: 0.6 s on the GUI thread when a step added them).
        return rgb_of(_shaded(index))
    # The first candidate at least MIN_DISTANCE from every colour taken, else the first of
    # those farthest from them (all candidates against all colours at once: a step that adds
    # dozens of members chose their colours one distance at a time for ~100 ms).
    colours = _candidates(index)
    rgbs = np.array([rgb_of(c) for c in colours], dtype=np.int64)
    taken = np.array(list(_GIVEN) + list(_RESERVED), dtype=np.int64).reshape(-1, 3)
    squared = ((rgbs[:, None, :] - taken[None, :, :]) ** 2).sum(axis=2)
    gaps = np.sqrt(squared.astype(np.float64)).min(axis=1)
    far = np.flatnonzero(gaps >= MIN_DISTANCE)
    return rgb_of(colours[int(far[0]) if far.size else int(np.argmax(gaps))])


@lru_cache(maxsize=4096)
def _member_rgba(index: int) -> int:
    if index == -2:
        return QtGui.QColor(CRASHED).rgba()
    if index < 0:
        return QtGui.QColor(UNOWNED).rgba()
    # Deterministic: member i's colour depends only on i (each is chosen after those before).
    while len(_GIVEN) <= index:
        _GIVEN.append(_distinct(len(_GIVEN)))
    return QtGui.QColor(*_GIVEN[index]).rgba()


@lru_cache(maxsize=4096)
def member_brush(index: int) -> QtGui.QBrush:
    """A cached brush per member: building QBrush objects per point per frame is the slow path."""
    return QtGui.QBrush(member_color(index))
