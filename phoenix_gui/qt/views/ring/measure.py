"""What the ring view really shows, measured from its rendered pixels and item geometry.

Used by the tests and by ``phoenix-flight gui --self-test`` (its ``layout`` figures):

* :func:`dot_shares` — each member's share of the visible task-dot pixels, read from an image
  of the view (each pixel classified to the nearest dot colour), beside its share of the tasks
  drawn as dots (packets in flight and their trails are left out of the picture);
* :func:`label_rects` / :func:`overlapping_labels` — the member labels' rectangles on screen
  and the pairs that overlap;
* :func:`detached_labels` — labels standing away from their member's marker with no leader
  line between them (which dot is that name's?).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import numpy as np
from PySide6 import QtCore, QtGui

from phoenix_gui.qt.views.palette import BACKGROUND, DISTINCT_UP_TO, member_color, rgb_of
from phoenix_gui.qt.views.ring import geometry as geo

DOT_ALPHA = 230 / 255.0  # the task dots' alpha (RingView builds DotLayer(alpha=230))


def _rgb(image: QtGui.QImage) -> np.ndarray:
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    rows = data.reshape(height, image.bytesPerLine())[:, : 4 * width].reshape(height, width, 4)
    return rows[:, :, [2, 1, 0]].astype(np.float64)  # BGRA in memory → RGB


def dot_shares(
    view: Any, colour_of: Callable[[int], QtGui.QColor] = member_color
) -> dict[int, tuple[float, float]]:
    """Member index → (share of visible dot pixels, share of tasks), both in percent.

    Tasks nobody owns (−1, grey) and tasks stranded on a crashed member (−2, red) are groups
    of their own, as they are drawn. Pixels inside the task annulus are classified to the
    nearest colour among the members' dot colours (drawn over the background) and the
    background itself; the palette keeps up to 64 members' colours apart, so each colour is
    one member's (``colour_of`` lets a test draw with colours of its own).
    """
    catch_up = getattr(view, "catch_up_dots", None)
    if catch_up is not None:  # a big ring's paced redraw: the picture shows the tasks now
        catch_up()
    owners = view.task_owner_array().astype(np.int64)
    hidden = np.asarray(getattr(view, "_hidden", np.zeros(0)), dtype=np.int64)
    if hidden.size:  # tasks in the air are drawn as packets, not as dots on the ring
        owners = owners[~np.isin(view.task_ids, hidden)]
    crashed = sorted(view.animator.crashed)
    if (
        crashed and view.stranded_shown_red
    ):  # their tasks blink in the crashed red while stranded: count them as that
        owners = np.where(np.isin(owners, crashed), -2, owners)
    owners = np.where(owners < -2, -1, owners)
    keys = sorted(int(k) for k in np.unique(owners))
    if not keys:
        return {}
    image = _dots_image(view)
    rgb = _rgb(image)
    vb = view.getPlotItem().getViewBox()
    origin = view.mapFromScene(vb.mapViewToScene(QtCore.QPointF(0.0, 0.0)))
    edge = view.mapFromScene(vb.mapViewToScene(QtCore.QPointF(1.0, 0.0)))
    scale = float(edge.x() - origin.x())  # device pixels per ring unit
    dpr = image.devicePixelRatio()
    height, width = rgb.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width]
    r = np.hypot((xx + 0.5) / dpr - origin.x(), (yy + 0.5) / dpr - origin.y()) / scale
    pad = 4.0 / scale
    inside = (r >= geo.TASK_R_MIN - pad) & (r <= geo.TASK_R_MAX + pad)
    pixels = rgb[inside]
    back = np.array(rgb_of(QtGui.QColor(BACKGROUND)), dtype=np.float64)
    palette = [back]
    for key in keys:
        colour = np.array(rgb_of(colour_of(key)), dtype=np.float64)
        palette.append(DOT_ALPHA * colour + (1 - DOT_ALPHA) * back)
    ref = np.asarray(palette)
    nearest = np.argmin(((pixels[:, None, :] - ref[None, :, :]) ** 2).sum(axis=2), axis=1)
    counts = np.bincount(nearest, minlength=len(keys) + 1)[1:]
    total_pixels = max(1, int(counts.sum()))
    tasks = np.array([int(np.count_nonzero(owners == key)) for key in keys])
    total_tasks = max(1, int(tasks.sum()))
    return {
        key: (100.0 * counts[i] / total_pixels, 100.0 * tasks[i] / total_tasks)
        for i, key in enumerate(keys)
    }


MIN_DOTS = 200  # fewer dots: a pixel share says more about dot edges than about shares


def dots_measurable(view: Any) -> bool:
    """Whether pixel shares mean something here: the ring paradigm (others draw assignment
    links across the dots) with at least :data:`MIN_DOTS` task dots, no member lit up, and
    owners no more than the palette keeps apart (past that, colours repeat and a pixel's
    colour no longer says whose dot it is)."""
    plain = getattr(view, "highlighted", None) is None  # a lit member dims the others on purpose
    owners = view.task_owner_array()
    if not (plain and view.paradigm == "phoenix" and owners.size >= MIN_DOTS):
        return False
    return int(np.unique(owners[owners >= 0]).size) <= DISTINCT_UP_TO


def _dots_image(view: Any) -> QtGui.QImage:
    """The view as drawn, without what only passes over the dots for a moment (packets in
    flight, their trails, the flash of arcs changing hands)."""
    passing = [getattr(view, name, None) for name in ("_packets", "_trail", "_flash")]
    shown = [(item, item.isVisible()) for item in passing if item is not None]
    for item, _visible in shown:
        item.setVisible(False)
    try:
        image: QtGui.QImage = view.grab().toImage()
        return image
    finally:
        for item, visible in shown:
            item.setVisible(visible)


def dot_share_error(view: Any, colour_of: Callable[[int], QtGui.QColor] = member_color) -> float:
    """The largest |pixel share − task share| over the members, in percentage points."""
    shares = dot_shares(view, colour_of)
    return max((abs(p - t) for p, t in shares.values()), default=0.0)


def label_rects(view: Any) -> dict[str, QtCore.QRectF]:
    """Each shown member label's rectangle in view (widget) coordinates."""
    out = {}
    for member_id, item in view.visible_labels().items():
        rect = item.mapRectToScene(item.boundingRect())
        out[member_id] = QtCore.QRectF(view.mapFromScene(rect).boundingRect())
    return out


def overlapping_labels(view: Any) -> list[tuple[str, str]]:
    """Pairs of shown member labels whose rectangles overlap, and labels over other text of
    the view (the saturation note)."""
    rects = label_rects(view)
    pairs = [
        (a, b)
        for a, b in combinations(sorted(rects), 2)
        if rects[a].adjusted(1, 1, -1, -1).intersects(rects[b].adjusted(1, 1, -1, -1))
    ]
    obstacles = view.label_obstacles() if hasattr(view, "label_obstacles") else {}
    for name, rect in obstacles.items():
        pairs += [
            (m, name) for m in sorted(rects) if rects[m].adjusted(1, 1, -1, -1).intersects(rect)
        ]
    return pairs


def _leader_segments(view: Any) -> list[tuple[QtCore.QPointF, QtCore.QPointF]]:
    """The leader lines as drawn, each as its two ends in view (widget) coordinates."""
    xs, ys = view._leaders.getData()
    if xs is None or len(xs) < 2:
        return []
    vb = view.getPlotItem().getViewBox()

    def on_screen(x: float, y: float) -> QtCore.QPointF:
        return QtCore.QPointF(view.mapFromScene(vb.mapViewToScene(QtCore.QPointF(x, y))))

    return [
        (on_screen(float(xs[i]), float(ys[i])), on_screen(float(xs[i + 1]), float(ys[i + 1])))
        for i in range(0, len(xs) - 1, 2)
    ]


def _gap(rect: QtCore.QRectF, point: QtCore.QPointF) -> float:
    """Pixels from a point to the nearest point of a rectangle (0 inside it)."""
    return geo.box_gap(point.x(), point.y(), rect.left(), rect.top(), rect.width(), rect.height())


def _apart(a: QtCore.QPointF, b: QtCore.QPointF) -> float:
    return float(np.hypot(a.x() - b.x(), a.y() - b.y()))


def detached_labels(view: Any) -> list[str]:
    """Shown member labels that stand away from their member's marker with no leader line
    from that marker to them.

    "Away" is farther than a label sitting just outside the ring would be: the gap between
    the marker circle and the label circle plus one label height. A leader counts when one
    end is on the marker and the other on the label (within 4 pixels).
    """
    rects = label_rects(view)
    if not rects:
        return []
    vb = view.getPlotItem().getViewBox()
    ux, _uy = vb.viewPixelSize()
    ring_gap = (geo.LABEL_R - geo.MEMBER_R) / ux if ux > 0 else 0.0
    leaders = _leader_segments(view)
    out = []
    for member_id, rect in sorted(rects.items()):
        try:
            marker = QtCore.QPointF(view.mapFromScene(view.member_position(member_id)))
        except KeyError:
            out.append(member_id)  # a name with no marker at all
            continue
        if _gap(rect, marker) <= ring_gap + rect.height():
            continue
        near = rect.adjusted(-4, -4, 4, 4)
        tied = any(
            (_gap(near, b) == 0 and _apart(a, marker) <= 4)
            or (_gap(near, a) == 0 and _apart(b, marker) <= 4)
            for a, b in leaders
        )
        if not tied:
            out.append(member_id)
    return out
