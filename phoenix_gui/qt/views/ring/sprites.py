"""Dot sprites for the ring's dot layers: one pre-rendered dot per colour key, and a sheet of
them side by side, so a layer stamps every dot from one pixmap in one call.

A sheet grows: a key gets its square the first time it is drawn and keeps it (a layer whose
colours change every frame, the packets in flight, then never rebuilds it) — up to
:data:`MAX_KEYS` keys; a long run's members come and go, so a sheet that would hold more
starts afresh with the keys drawn now. Squares are
copied pixel for pixel from :func:`dot_sprite`, so a dot stamped from the sheet is the same
pixels as one stamped from its own sprite.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from PySide6 import QtCore, QtGui

from phoenix_gui.qt.views.palette import member_color

COLUMNS = 64  # squares per row of a sheet
MAX_KEYS = 4096  # squares a sheet holds at most (a few MB at the largest dots)


@lru_cache(maxsize=1024)
def dot_sprite(key: int, alpha: int, size_px: float, dpr: float) -> QtGui.QPixmap:
    """One dot, drawn with the round cosmetic pen the dots always had, centred in a square."""
    side = 2 * int(np.ceil(size_px / 2 + 1))  # even: the centre falls on a pixel corner
    pix = QtGui.QPixmap(round(side * dpr), round(side * dpr))
    pix.setDevicePixelRatio(dpr)
    pix.fill(QtCore.Qt.GlobalColor.transparent)
    colour = member_color(key)
    colour.setAlpha(alpha)
    pen = QtGui.QPen(colour, size_px)
    pen.setCosmetic(True)
    pen.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
    painter = QtGui.QPainter(pix)
    painter.setPen(pen)
    painter.drawPoint(QtCore.QPointF(side / 2, side / 2))
    painter.end()
    return pix


class SpriteSheet:
    """The sprites of one dot size and alpha, a square per colour key (see the module doc)."""

    def __init__(self, size_px: float, alpha: int) -> None:
        self._size = size_px
        self._alpha = alpha
        self._dpr = 0.0
        self._cells: dict[int, int] = {}
        self._image: QtGui.QImage | None = None
        self._pixmap: QtGui.QPixmap | None = None
        self.side = 0  # a square's side, in device pixels

    def cells(self, keys: Sequence[int], dpr: float) -> np.ndarray:
        """Each key's square (those not on the sheet yet are added), at device ratio ``dpr``."""
        if dpr != self._dpr:
            self._dpr = dpr
            self._cells = {}
            self._image = self._pixmap = None
            self.side = dot_sprite(-1, self._alpha, self._size, dpr).width()
        missing = [k for k in dict.fromkeys(keys) if k not in self._cells]
        if missing and len(self._cells) + len(missing) > MAX_KEYS:
            self._cells = {}  # afresh: the keys of members long gone are let go
            self._image = self._pixmap = None
            missing = list(dict.fromkeys(keys))
        if missing:
            self._add(missing)
        return np.array([self._cells[k] for k in keys], dtype=np.int64)

    def origins(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each square starts on the sheet (left, top), in device pixels."""
        return (cells % COLUMNS) * self.side, (cells // COLUMNS) * self.side

    def pixmap(self) -> QtGui.QPixmap:
        if self._pixmap is None:
            assert self._image is not None, "cells() first"
            self._pixmap = QtGui.QPixmap.fromImage(self._image)
            self._pixmap.setDevicePixelRatio(self._dpr)
        return self._pixmap

    def _add(self, keys: list[int]) -> None:
        side = self.side
        first = len(self._cells)
        rows = -(-(first + len(keys)) // COLUMNS)
        image = self._image
        if image is None or image.height() < rows * side:
            had = image.height() // side if image is not None else 0
            grown = QtGui.QImage(
                COLUMNS * side,
                max(rows, 2 * had) * side,
                QtGui.QImage.Format.Format_ARGB32_Premultiplied,
            )
            grown.fill(QtCore.Qt.GlobalColor.transparent)
            if image is not None:
                _copy(grown, image, 0, 0)
            image = self._image = grown
        for cell, key in enumerate(keys, start=first):
            sprite = dot_sprite(key, self._alpha, self._size, self._dpr).toImage()
            sprite.setDevicePixelRatio(1.0)  # copied pixel for pixel
            _copy(image, sprite, (cell % COLUMNS) * side, (cell // COLUMNS) * side)
            self._cells[key] = cell
        self._pixmap = None


def _copy(target: QtGui.QImage, source: QtGui.QImage, x: int, y: int) -> None:
    painter = QtGui.QPainter(target)
    painter.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_Source)
    painter.drawImage(QtCore.QPoint(x, y), source)
    painter.end()
