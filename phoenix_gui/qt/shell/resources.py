"""Qt-side resource helpers: the application icon, found by name.

Paths come from :func:`phoenix_gui.resources.resource_path`, the project's one lookup that
works from a source checkout and from the frozen app (``sys._MEIPASS``) and whose error lists
the names it knows (STYLE.md rule 10). Both icon files are shipped; a missing one is a broken
install or bundle and raises, so the self-test catches it.
"""

from __future__ import annotations

from PySide6 import QtGui

from phoenix_gui.resources import resource_path

# The SVG scales to any size where Qt's SVG plug-in is present; the PNG covers the rest.
ICON_NAMES = ("resources/icon.svg", "resources/icon.png")


def app_icon() -> QtGui.QIcon:
    """The PhoenixFlight icon."""
    icon = QtGui.QIcon()
    for name in ICON_NAMES:
        icon.addFile(str(resource_path(name)))
    return icon
