"""A value axis whose tick labels never overlap, however short the plot.

pyqtgraph always draws at least two labelled major ticks (its spacing aims at 2.25 intervals or
more) and only thins the minor levels by how much text they would add. A plot squeezed to a few
dozen pixels (the time-series dock at 1280×800) then prints "0.8" over "0.6". This axis puts its
ticks at least a label and a half apart, in pixels, with no minor level when the axis is
that short (a round value near the middle when no multiple of a readable step is in view), so a
short plot shows one or two readable labels instead of a smudge.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6 import QtGui

# Labels are at least this many label heights apart (centre to centre).
LABEL_GAP = 1.5
# Nice steps within a decade, as in pyqtgraph's own spacing.
_NICE = (1.0, 2.0, 5.0, 10.0)


class ShortAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph ships no type hints
    """An :class:`pyqtgraph.AxisItem` for vertical value axes of short plots."""

    def label_height(self) -> float:
        font = self.style.get("tickFont") or self.font()
        return float(QtGui.QFontMetricsF(font).height())

    def tickValues(
        self, min_value: float, max_value: float, size: float
    ) -> list[tuple[float, list[float]]]:
        levels: list[tuple[float, list[float]]] = super().tickValues(min_value, max_value, size)
        low, high = sorted((min_value, max_value))
        span = high - low
        if not levels or span <= 0 or size <= 0 or not math.isfinite(span):
            return levels
        least = span * self.label_height() * LABEL_GAP / size  # smallest readable major step
        if levels[0][0] >= least:
            return levels
        # Only values whose whole label fits on the axis: pyqtgraph hides a label that would
        # stick out past either end, which on a short axis is most of them.
        margin = span * self.label_height() / 2.0 / size
        low, high = low + margin, high - margin
        if low > high:
            return [(least, [])]
        step = _nice_at_least(least)
        values = _multiples(step, low, high)
        while not values:
            # No round value within reach: the nearest to the middle at a finer step, alone.
            step = _nice_below(step)
            inside = _multiples(step, low, high)
            if inside:
                middle = (low + high) / 2.0
                values = [min(inside, key=lambda value: abs(value - middle))]
        return [(step, values)]


def _multiples(step: float, low: float, high: float) -> list[float]:
    first = math.ceil(low / step)
    last = math.floor(high / step)
    return [index * step for index in range(first, last + 1)]


def _nice_below(step: float) -> float:
    """The next 1, 2 or 5 × 10^k below ``step`` (itself such a number)."""
    decade = 10.0 ** math.floor(math.log10(step) + 1e-9)
    factor = round(step / decade)
    return {1: 0.5, 2: 1.0, 5: 2.0}.get(factor, 1.0) * decade


def _nice_at_least(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k that is ≥ ``value`` (> 0)."""
    decade = 10.0 ** math.floor(math.log10(value))
    for factor in _NICE:
        step = factor * decade
        if step >= value * (1.0 - 1e-12):
            return step
    return 10.0 * decade
