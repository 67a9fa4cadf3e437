"""The dots' sprite sheet: each key's square is its own sprite, pixel for pixel, and stays put."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtGui

from phoenix_gui.qt.views.ring import sprites
from phoenix_gui.qt.views.ring.sprites import SpriteSheet, dot_sprite


def pixels(image: QtGui.QImage) -> np.ndarray:
    image = image.convertToFormat(QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine())[:, : 4 * image.width()].copy()


@pytest.mark.parametrize("dpr", [1.0, 1.5, 2.0])
def test_every_square_is_its_keys_sprite_pixel_for_pixel(qapp, dpr) -> None:
    sheet = SpriteSheet(4.0, 230)
    keys = [-2, -1, *range(3 * sprites.COLUMNS)]  # more than one row, so the sheet grows
    cells = sheet.cells(keys[:5], dpr)
    cells = np.concatenate((cells, sheet.cells(keys[5:], dpr)))
    image = sheet.pixmap().toImage()
    side = sheet.side
    left, top = sheet.origins(cells)
    for key, x, y in zip(keys, left.tolist(), top.tolist(), strict=True):
        square = image.copy(x, y, side, side)
        own = dot_sprite(key, 230, 4.0, dpr).toImage()
        np.testing.assert_array_equal(pixels(square), pixels(own), err_msg=str(key))


def test_a_key_keeps_its_square_as_others_come_and_go(qapp) -> None:
    sheet = SpriteSheet(8.0, 255)
    first = sheet.cells([3, 1], 1.0)
    later = sheet.cells([7, 1, 3, 9], 1.0)
    assert later.tolist()[1:3] == [first[1], first[0]]
    assert len(set(later.tolist())) == 4
    assert sheet.cells([1], 2.0).tolist() == [0]  # another pixel ratio: a sheet of its own


def test_a_sheet_holding_too_many_keys_starts_afresh_with_the_keys_drawn_now(
    qapp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sprites, "MAX_KEYS", 2 * sprites.COLUMNS)
    sheet = SpriteSheet(4.0, 230)
    sheet.cells(list(range(2 * sprites.COLUMNS)), 1.0)
    height = sheet.pixmap().height()
    keys = [5, 1000, 1001]  # over the bound: only these are on the new sheet
    cells = sheet.cells(keys, 1.0)
    assert cells.tolist() == [0, 1, 2] and sheet.pixmap().height() < height
    image = sheet.pixmap().toImage()
    left, top = sheet.origins(cells)
    for key, x, y in zip(keys, left.tolist(), top.tolist(), strict=True):
        own = dot_sprite(key, 230, 4.0, 1.0).toImage()
        np.testing.assert_array_equal(pixels(image.copy(x, y, sheet.side, sheet.side)), pixels(own))
