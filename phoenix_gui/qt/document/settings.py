"""What the workbench remembers between runs, over one QSettings store.

Every getter is typed and has a default, and it survives garbage: a settings file edited by
hand, written by an older version or half-corrupted gives the default (or the usable part of
a list), never an exception. QSettings hands back strings from INI files and native types
from the registry / plist backends, so each getter accepts both.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from typing import Any

from PySide6 import QtCore

ORGANIZATION = "PhoenixFlight"
APPLICATION = "PhoenixFlight"

MAX_RECENT = 10
THEMES = ("light", "dark", "high-contrast")
DEFAULT_THEME = "light"
DEFAULT_PRESENTATION_SCALE = 1.5
# Below 1 presentation mode would shrink text; past 3 a 1280×800 projector shows a few words.
SCALE_RANGE = (1.0, 3.0)

_GEOMETRY = "window/geometry"
_STATE = "window/state"
_RECENT = "files/recent"
_THEME = "appearance/theme"
_SCALE = "presentation/font_scale"


class Settings:
    """Typed access to the persisted settings (window layout, recent files, theme, scale)."""

    def __init__(self, store: QtCore.QSettings | None = None) -> None:
        self.store = store if store is not None else QtCore.QSettings(ORGANIZATION, APPLICATION)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Settings:
        """Settings kept in an INI file at ``path`` (tests, portable installs)."""
        return cls(QtCore.QSettings(os.fspath(path), QtCore.QSettings.Format.IniFormat))

    # -- window layout -------------------------------------------------------------------
    def geometry(self) -> QtCore.QByteArray | None:
        """Bytes of ``QWidget.saveGeometry()``, or None when nothing usable is stored."""
        return _bytes(self.store.value(_GEOMETRY))

    def set_geometry(self, data: QtCore.QByteArray | bytes) -> None:
        self.store.setValue(_GEOMETRY, QtCore.QByteArray(data))

    def window_state(self) -> QtCore.QByteArray | None:
        """Bytes of ``QMainWindow.saveState()`` (docks and toolbars), or None."""
        return _bytes(self.store.value(_STATE))

    def set_window_state(self, data: QtCore.QByteArray | bytes) -> None:
        self.store.setValue(_STATE, QtCore.QByteArray(data))

    # -- recent files --------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        """Most recent first, at most :data:`MAX_RECENT`, no duplicates, no empty entries."""
        raw = self.store.value(_RECENT)
        items: Iterable[Any]
        if isinstance(raw, str):
            items = [raw]  # INI files store a one-element list as a plain string
        elif isinstance(raw, list | tuple):
            items = raw
        else:
            items = []
        out: list[str] = []
        for item in items:
            if isinstance(item, str) and item and item not in out:
                out.append(item)
        return out[:MAX_RECENT]

    def add_recent_file(self, path: str | os.PathLike[str]) -> list[str]:
        """Put ``path`` (made absolute) first in the list and return the new list."""
        entry = os.path.abspath(os.fspath(path))
        files = [entry] + [p for p in self.recent_files() if p != entry]
        self._set_recent(files[:MAX_RECENT])
        return self.recent_files()

    def remove_recent_file(self, path: str | os.PathLike[str]) -> list[str]:
        entry = os.path.abspath(os.fspath(path))
        self._set_recent([p for p in self.recent_files() if p != entry])
        return self.recent_files()

    def clear_recent_files(self) -> None:
        self.store.remove(_RECENT)

    def _set_recent(self, files: list[str]) -> None:
        if files:
            self.store.setValue(_RECENT, files)
        else:
            self.store.remove(_RECENT)

    # -- appearance ----------------------------------------------------------------------
    def theme(self) -> str:
        """One of :data:`THEMES`; anything else stored gives :data:`DEFAULT_THEME`."""
        value = self.store.value(_THEME)
        return value if isinstance(value, str) and value in THEMES else DEFAULT_THEME

    def set_theme(self, name: str) -> None:
        if name not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {name!r}")
        self.store.setValue(_THEME, name)

    def presentation_scale(self) -> float:
        """Font scale of presentation mode, within :data:`SCALE_RANGE` (default 1.5)."""
        value = _number(self.store.value(_SCALE))
        low, high = SCALE_RANGE
        if value is None or not low <= value <= high:
            return DEFAULT_PRESENTATION_SCALE
        return value

    def set_presentation_scale(self, scale: float) -> None:
        low, high = SCALE_RANGE
        if not (isinstance(scale, int | float) and math.isfinite(scale) and low <= scale <= high):
            raise ValueError(f"presentation font scale must be in [{low}, {high}], got {scale!r}")
        self.store.setValue(_SCALE, float(scale))

    def sync(self) -> None:
        """Write pending changes to disk now (QSettings otherwise does it lazily)."""
        self.store.sync()


def _bytes(value: Any) -> QtCore.QByteArray | None:
    if isinstance(value, QtCore.QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QtCore.QByteArray(bytes(value))
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None
