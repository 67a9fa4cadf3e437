"""Themes (light, dark, high-contrast) and presentation mode (F11) for projecting in class.

A theme is a QPalette plus a small application stylesheet for what palettes do not reach
(tooltips, header sections, grid lines). Presentation mode puts the window full screen,
switches to the high-contrast theme and makes all text larger by the persisted scale (1.5×
by default):

* the application font is scaled (``QApplication.setFont``), which every widget that does not
  set its own font follows — dialogs and message boxes included;
* widgets that set their own font (big metric read-outs, monospace tables) are scaled one by
  one and restored afterwards;
* item views, headers, menus, tooltips and message boxes get class fonts of the same size
  (``QApplication.setFont(font, className)``), because some platforms give those classes
  fonts of their own that a plain ``setFont`` does not change (macOS does). Not a stylesheet
  ``font-size``: a stylesheet pins the font a widget was polished with, and Qt then left
  tables at 1.5× after presentation mode ended once a message box had been created (seen
  with PySide6 6.11.3, reproduced in tests/qt/shell/test_presentation.py).

Leaving restores font, palette, stylesheet, fonts of widgets and the window geometry exactly.
Widgets that manage their own presentation size (the caption overlay) opt out with the
dynamic property ``OWN_PRESENTATION_FONT`` and follow :attr:`Presentation.activeChanged`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.document.settings import DEFAULT_THEME, THEMES, Settings
from phoenix_gui.qt.fonts import OWN_PRESENTATION_FONT

PRESENTATION_THEME = "high-contrast"

_ROLE = QtGui.QPalette.ColorRole
_GROUP = QtGui.QPalette.ColorGroup


def theme_palette(name: str) -> QtGui.QPalette:
    """The palette of theme ``name`` (one of :data:`~phoenix_gui.qt.document.settings.THEMES`)."""
    if name == "light":
        style = QtWidgets.QApplication.style()
        return style.standardPalette() if style is not None else QtGui.QPalette()
    if name == "dark":
        return _palette(
            window="#202329",
            text="#E8EAED",
            base="#16181D",
            alternate="#23262D",
            button="#2B2F37",
            highlight="#3D8BFD",
            highlighted_text="#FFFFFF",
            link="#8AB4F8",
            disabled="#7D838C",
        )
    if name == "high-contrast":
        return _palette(
            window="#000000",
            text="#FFFFFF",
            base="#000000",
            alternate="#1A1A1A",
            button="#000000",
            highlight="#FFD400",
            highlighted_text="#000000",
            link="#00E5FF",
            disabled="#A0A0A0",
        )
    raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {name!r}")


def _palette(
    *,
    window: str,
    text: str,
    base: str,
    alternate: str,
    button: str,
    highlight: str,
    highlighted_text: str,
    link: str,
    disabled: str,
) -> QtGui.QPalette:
    p = QtGui.QPalette()
    colours = {
        _ROLE.Window: window,
        _ROLE.WindowText: text,
        _ROLE.Base: base,
        _ROLE.AlternateBase: alternate,
        _ROLE.ToolTipBase: highlight,
        _ROLE.ToolTipText: highlighted_text,
        _ROLE.PlaceholderText: disabled,
        _ROLE.Text: text,
        _ROLE.Button: button,
        _ROLE.ButtonText: text,
        _ROLE.BrightText: "#FF5252",
        _ROLE.Highlight: highlight,
        _ROLE.HighlightedText: highlighted_text,
        _ROLE.Link: link,
        _ROLE.LinkVisited: link,
        _ROLE.Light: "#5A5F69",
        _ROLE.Midlight: "#40444C",
        _ROLE.Mid: "#33373E",
        _ROLE.Dark: "#111317",
        _ROLE.Shadow: "#000000",
    }
    for role, colour in colours.items():
        p.setColor(role, QtGui.QColor(colour))
    for role in (_ROLE.WindowText, _ROLE.Text, _ROLE.ButtonText):
        p.setColor(_GROUP.Disabled, role, QtGui.QColor(disabled))
    return p


def theme_stylesheet(name: str) -> str:
    """The part of a theme a palette does not cover."""
    if name == "high-contrast":
        return (
            "QToolTip { color: #000000; background-color: #FFD400; border: 2px solid #FFFFFF; }\n"
            "QHeaderView::section { background-color: #000000; color: #FFFFFF;"
            " border: 1px solid #FFFFFF; padding: 2px 6px; }\n"
            "QAbstractItemView { gridline-color: #FFFFFF; }\n"
            "QGroupBox { border: 1px solid #FFFFFF; margin-top: 1.2em; }\n"
            "QGroupBox::title { subcontrol-origin: margin; left: 8px; color: #FFD400; }\n"
        )
    if name == "dark":
        return (
            "QToolTip { color: #E8EAED; background-color: #2B2F37; border: 1px solid #5F6368; }\n"
        )
    if name == "light":
        return ""
    raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {name!r}")


def apply_theme(name: str, app: QtWidgets.QApplication | None = None) -> None:
    """Switch the application to theme ``name`` (palette and stylesheet)."""
    app = app or _app()
    palette, sheet = theme_palette(name), theme_stylesheet(name)
    app.setPalette(palette)
    app.setStyleSheet(sheet)


# Classes some platforms give a font of their own (macOS: item views, headers, menus, message
# boxes), which a plain QApplication.setFont does not change.
CLASS_FONTS = (
    "QAbstractItemView",
    "QHeaderView",
    "QMenu",
    "QMenuBar",
    "QMessageBox",
    "QToolTip",
    "QStatusBar",
    "QTabBar",
)


@dataclass
class _Saved:
    font: QtGui.QFont
    palette: QtGui.QPalette
    stylesheet: str
    class_fonts: dict[str, QtGui.QFont]
    geometry: QtCore.QRect
    state: QtCore.Qt.WindowState
    widget_fonts: list[tuple[weakref.ref[QtWidgets.QWidget], QtGui.QFont]]


class Presentation(QtCore.QObject):
    """Toggles presentation mode on a window; ``activeChanged(bool)`` tells overlays."""

    activeChanged = QtCore.Signal(bool)  # noqa: N815  (Qt signal naming)

    def __init__(
        self,
        settings: Settings | None = None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else Settings()
        self._window: QtWidgets.QWidget | None = None
        self._saved: _Saved | None = None
        self._action: QtGui.QAction | None = None

    def is_active(self) -> bool:
        return self._saved is not None

    def scale(self) -> float:
        return self.settings.presentation_scale()

    def action(self, window: QtWidgets.QWidget) -> QtGui.QAction:
        """A checkable "Presentation Mode" action with the F11 shortcut, bound to ``window``."""
        if self._action is None:
            action = QtGui.QAction("&Presentation Mode", window)
            action.setCheckable(True)
            action.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key.Key_F11))
            action.setStatusTip("Full screen, larger text and high contrast for a projector (F11)")
            action.toggled.connect(lambda on: self.set_active(window, on))
            self.activeChanged.connect(action.setChecked)
            self._action = action
        return self._action

    def toggle(self, window: QtWidgets.QWidget) -> None:
        self.set_active(window, not self.is_active())

    def set_active(self, window: QtWidgets.QWidget, on: bool) -> None:
        if on and not self.is_active():
            self._enter(window)
        elif not on and self.is_active():
            self._leave()

    def apply_normal_theme(self) -> None:
        """Apply the persisted theme (at start, or after the user picks one)."""
        if not self.is_active():
            apply_theme(self.settings.theme())

    # -- internals -------------------------------------------------------------------------
    def _enter(self, window: QtWidgets.QWidget) -> None:
        app = _app()
        scale = self.scale()
        font = QtGui.QFont(app.font())
        self._saved = _Saved(
            font=QtGui.QFont(font),
            palette=QtGui.QPalette(app.palette()),
            stylesheet=app.styleSheet(),
            class_fonts={name: _class_font(app, name) for name in CLASS_FONTS},
            geometry=QtCore.QRect(window.geometry()),
            state=window.windowState(),
            widget_fonts=[],
        )
        self._window = window
        # Widgets with a font of their own do not follow the application font: scale them.
        for widget in [window, *window.findChildren(QtWidgets.QWidget)]:
            if widget.testAttribute(QtCore.Qt.WidgetAttribute.WA_SetFont) and not _opted_out(
                widget
            ):
                own = QtGui.QFont(widget.font())
                self._saved.widget_fonts.append((weakref.ref(widget), QtGui.QFont(own)))
                widget.setFont(_scaled(own, scale))
        big = _scaled(font, scale)
        app.setPalette(theme_palette(PRESENTATION_THEME))
        class_fonts = {name: _scaled(f, scale) for name, f in self._saved.class_fonts.items()}
        _set_fonts_and_stylesheet(app, big, class_fonts, theme_stylesheet(PRESENTATION_THEME))
        window.showFullScreen()
        self.activeChanged.emit(True)

    def _leave(self) -> None:
        saved, window = self._saved, self._window
        assert saved is not None and window is not None
        self._saved = None
        self._window = None
        app = _app()
        app.setPalette(saved.palette)
        _set_fonts_and_stylesheet(app, saved.font, saved.class_fonts, saved.stylesheet)
        own_fonts = set()
        for ref, own in saved.widget_fonts:
            widget = ref()
            if widget is not None:
                widget.setFont(own)
                own_fonts.add(id(widget))
        _drop_fonts_qt_pinned(window, own_fonts)
        state = saved.state & ~QtCore.Qt.WindowState.WindowFullScreen
        if state & QtCore.Qt.WindowState.WindowMaximized:
            window.showMaximized()
        else:
            window.showNormal()
            # Most platforms restore the normal geometry themselves; make sure of it (a
            # geometry restored from bytes would be clamped to the screen, so use the rect).
            if window.geometry() != saved.geometry:
                window.setGeometry(saved.geometry)
        self.activeChanged.emit(False)


def _set_fonts_and_stylesheet(
    app: QtWidgets.QApplication,
    font: QtGui.QFont,
    class_fonts: dict[str, QtGui.QFont],
    sheet: str,
) -> None:
    """Change the application fonts and stylesheet so that every widget follows.

    While a stylesheet is set, widgets keep the font they were polished with and ignore a
    new application font. So: drop the stylesheet, set the fonts, deliver the font-change
    events Qt posts to each widget, then set the stylesheet again, which re-polishes them.
    """
    app.setStyleSheet("")
    app.setFont(font)
    for name, class_font in class_fonts.items():
        app.setFont(class_font, name)  # type: ignore[arg-type]  # stub says bytes; str works
    QtCore.QCoreApplication.sendPostedEvents()
    app.setStyleSheet(sheet)
    _resolve_fonts_top_down(app)


def _drop_fonts_qt_pinned(window: QtWidgets.QWidget, own_fonts: set[int]) -> None:
    """Let widgets that had no font of their own before presentation mode inherit again.

    Removing the presentation stylesheet makes Qt give some widgets the font they had while
    it was set, as if it were their own (seen on the viewports of text edits with a font of
    their own, PySide6 6.11.3): those kept the 1.5× size. Top-down, so each widget resolves
    from a parent that is already right.
    """
    for widget in [window, *window.findChildren(QtWidgets.QWidget)]:
        if (
            id(widget) not in own_fonts
            and widget.testAttribute(QtCore.Qt.WidgetAttribute.WA_SetFont)
            and not _opted_out(widget)
        ):
            widget.setFont(QtGui.QFont())  # an empty resolve mask: inherit everything


def _resolve_fonts_top_down(app: QtWidgets.QApplication) -> None:
    """Make every widget take its font again, each after its parent.

    Qt delivers the application font change to widgets in no particular order, and a widget
    that inherits its font copies its parent's *current* one: in the full workbench (tables
    in tabbed docks) some widgets kept the 1.5× font after presentation mode ended (seen with
    PySide6 6.11.3). ``findChildren`` lists a parent before its descendants, so resending the
    event in that order resolves each widget from an already-correct parent.
    """
    change = QtCore.QEvent.Type.ApplicationFontChange
    for top in app.topLevelWidgets():
        for widget in [top, *top.findChildren(QtWidgets.QWidget)]:
            QtCore.QCoreApplication.sendEvent(widget, QtCore.QEvent(change))


def _scaled(font: QtGui.QFont, scale: float) -> QtGui.QFont:
    out = QtGui.QFont(font)
    if font.pointSizeF() > 0:
        out.setPointSizeF(font.pointSizeF() * scale)
    elif font.pixelSize() > 0:
        out.setPixelSize(max(1, round(font.pixelSize() * scale)))
    return out


def _class_font(app: QtWidgets.QApplication, name: str) -> QtGui.QFont:
    # The stubs ask for bytes, but PySide6 6.11 only accepts a str class name here.
    return QtGui.QFont(app.font(name))  # type: ignore[call-overload]


def _opted_out(widget: QtWidgets.QWidget) -> bool:
    node: QtWidgets.QWidget | None = widget
    while node is not None:
        if node.property(OWN_PRESENTATION_FONT):
            return True
        node = node.parentWidget()
    return False


def _app() -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance()
    if not isinstance(app, QtWidgets.QApplication):
        raise RuntimeError("presentation mode needs a QApplication")
    return app


__all__ = [
    "CLASS_FONTS",
    "DEFAULT_THEME",
    "OWN_PRESENTATION_FONT",
    "PRESENTATION_THEME",
    "Presentation",
    "apply_theme",
    "theme_palette",
    "theme_stylesheet",
]
