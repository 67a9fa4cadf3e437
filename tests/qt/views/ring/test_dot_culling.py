"""Task dots hidden under others (or off the device) are not stamped, and nothing shows it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtGui

from phoenix_gui.qt.views.ring.layers import DotLayer, top_dots

SIDE = 240


def test_only_the_last_dots_at_a_pixel_and_those_on_the_device_are_kept() -> None:
    px = np.array([5.0, 5.0, 9.0, 5.0, 5.0, -40.0, 300.0])
    py = np.array([5.0, 5.0, 2.0, 5.0, 5.0, 10.0, 10.0])
    # Four dots at (5, 5): the last two stay; (−40, 10) and (300, 10) are off a 100-px device.
    assert top_dots(px, py, (100, 100), margin=3).tolist() == [2, 3, 4]
    assert top_dots(px, py, (100, 100), margin=3, depth=3).tolist() == [1, 2, 3, 4]
    assert top_dots(px[2:5], py[2:5], (100, 100), margin=3) is None  # every dot counts
    assert top_dots(px[5:], py[5:], (100, 100), margin=3).tolist() == []


def render(
    cull: bool, extent: float, n: int = 40_000, dpr: float = 1.0
) -> tuple[np.ndarray, DotLayer]:
    rng = np.random.default_rng(7)
    x, y = rng.uniform(-extent, extent, n), rng.uniform(-extent, extent, n)
    layer = DotLayer(size_px=4.0, alpha=230, cull=cull)
    layer.set_data(x, y, rng.integers(-1, 12, n))
    side = round(SIDE * dpr)  # device pixels; the painter works in SIDE logical pixels
    image = QtGui.QImage(side, side, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(dpr)
    image.fill(QtGui.QColor("#101418"))
    painter = QtGui.QPainter(image)
    painter.setTransform(QtGui.QTransform.fromTranslate(SIDE / 2, SIDE / 2).scale(100, 100))
    layer.paint(painter)
    painter.end()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return data.reshape(side, side, 4).astype(np.int64), layer


@pytest.mark.parametrize("dpr", [1.0, 2.0])
def test_culled_dots_paint_the_picture_of_every_dot(qapp, dpr) -> None:
    # 4·10^4 dots on 240² pixels, some past the edges: most pixels hold several dots.
    every, _ = render(cull=False, extent=1.5, dpr=dpr)
    culled, _ = render(cull=True, extent=1.5, dpr=dpr)
    diff = np.abs(every - culled)
    assert diff.max() <= 4  # of 255: what two dots of alpha 230 above let through
    assert diff.mean() < 0.05


def test_a_dense_or_zoomed_layer_stamps_fewer_dots(qapp) -> None:
    _, dense = render(cull=True, extent=0.5)  # four dots a pixel
    _, zoomed = render(cull=True, extent=6.0)  # most dots lie off the device
    _, plain = render(cull=False, extent=1.0)
    assert plain.last_stamped == 40_000
    assert dense.last_stamped < 0.8 * 40_000
    assert zoomed.last_stamped < 0.1 * 40_000
