"""Qt-side resource helpers: the application icon and style sheet, found by name.

Paths come from :func:`phoenix_gui.resources.resource_path`, the project's one lookup that
works from a source checkout and from the frozen app (``sys._MEIPASS``) and whose error lists
the names it knows (STYLE.md rule 10).
"""

from __future__ import annotations

from PySide6 import QtGui

from phoenix_gui.resources import ResourceNotFoundError, resource_path

ICON_NAMES = ("resources/icon.svg", "resources/icon.png")
STYLE_NAME = "resources/style.qss"


def app_icon() -> QtGui.QIcon:
    """The PhoenixFlight icon (SVG where Qt's SVG plug-in is present, the PNG export else)."""
    icon = QtGui.QIcon()
    for name in ICON_NAMES:
        try:
            icon.addFile(str(resource_path(name)))
        except ResourceNotFoundError:
            continue
    return icon


def style_sheet() -> str:
    """The application style sheet, or an empty one when it is not bundled."""
    try:
        return resource_path(STYLE_NAME).read_text(encoding="utf-8")
    except ResourceNotFoundError:
        return ""
