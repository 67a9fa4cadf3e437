"""Member colours: a colour-blind-safe palette (Okabe–Ito) that stays distinct past 8 members.

A member's colour depends only on its stable ring index (never reused), so a member keeps its
colour for its whole life and a screenshot can be compared with the next one.
"""

from __future__ import annotations

from functools import lru_cache

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


def member_color(index: int) -> QtGui.QColor:
    """The colour of member ``index``; ``-1`` is the unowned grey, ``-2`` the crashed red."""
    return QtGui.QColor(_member_rgba(index))


@lru_cache(maxsize=4096)
def _member_rgba(index: int) -> int:
    if index == -2:
        return QtGui.QColor(CRASHED).rgba()
    if index < 0:
        return QtGui.QColor(UNOWNED).rgba()
    base = QtGui.QColor(OKABE_ITO[index % len(OKABE_ITO)])
    factor = _CYCLE_FACTORS[(index // len(OKABE_ITO)) % len(_CYCLE_FACTORS)]
    shaded = base.lighter(factor) if factor >= 100 else base.darker(int(10000 / factor))
    return shaded.rgba()


@lru_cache(maxsize=4096)
def member_brush(index: int) -> QtGui.QBrush:
    """A cached brush per member: building QBrush objects per point per frame is the slow path."""
    return QtGui.QBrush(member_color(index))
