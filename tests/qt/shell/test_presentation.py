"""Presentation mode: full screen, all text 1.5× (tables, headers, dialogs too), high contrast,
and everything restored when it is toggled off; themes."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.document.caption_overlay import PRESENTATION_MIN_POINT_SIZE, CaptionStage
from phoenix_gui.qt.document.settings import Settings
from phoenix_gui.qt.shell.presentation import Presentation, apply_theme, theme_palette

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
ROLE = QtGui.QPalette.ColorRole


@pytest.fixture
def window(qtbot, restore_app) -> QtWidgets.QMainWindow:
    win = QtWidgets.QMainWindow()
    central = QtWidgets.QWidget()
    layout = QtWidgets.QVBoxLayout(central)
    win.table = QtWidgets.QTableWidget(3, 2)  # type: ignore[attr-defined]
    win.table.setHorizontalHeaderLabels(["Member", "Status"])  # type: ignore[attr-defined]
    win.big = QtWidgets.QLabel("82.5 %")  # type: ignore[attr-defined]
    big_font = QtGui.QFont(win.big.font())  # type: ignore[attr-defined]
    big_font.setPointSizeF(28.0)
    win.big.setFont(big_font)  # type: ignore[attr-defined]
    win.plain = QtWidgets.QLabel("Stability index")  # type: ignore[attr-defined]
    for w in (win.table, win.big, win.plain):  # type: ignore[attr-defined]
        layout.addWidget(w)
    win.setCentralWidget(central)
    win.setGeometry(50, 60, 900, 600)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _size(widget: QtWidgets.QWidget) -> float:
    widget.ensurePolished()
    return widget.font().pointSizeF()


def test_toggle_scales_every_text_and_applies_high_contrast_then_restores(
    qtbot, qapp, window, settings
) -> None:
    presentation = Presentation(settings)
    app_size = qapp.font().pointSizeF()
    table, header = window.table, window.table.horizontalHeader()
    before = {w: _size(w) for w in (table, header, window.big, window.plain)}
    geometry = window.geometry()
    window_colour = qapp.palette().color(ROLE.Window)

    with qtbot.waitSignal(presentation.activeChanged) as changed:
        presentation.toggle(window)
    assert changed.args == [True]
    assert presentation.is_active()
    assert window.isFullScreen()
    assert qapp.font().pointSizeF() == pytest.approx(app_size * 1.5)
    for widget, size in before.items():
        assert _size(widget) == pytest.approx(size * 1.5, abs=0.06), type(widget).__name__
    assert qapp.palette().color(ROLE.Window) == QtGui.QColor("#000000")
    assert qapp.palette().color(ROLE.WindowText) == QtGui.QColor("#FFFFFF")
    assert qapp.palette().color(ROLE.Highlight) == QtGui.QColor("#FFD400")

    # A dialog opened during the presentation follows too.
    box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Information, "t", "Saved", parent=window)
    label = box.findChild(QtWidgets.QLabel, "qt_msgbox_label")
    assert label is not None and _size(label) == pytest.approx(app_size * 1.5, abs=0.06)
    box.deleteLater()

    with qtbot.waitSignal(presentation.activeChanged) as changed:
        presentation.toggle(window)
    assert changed.args == [False]
    assert not window.isFullScreen()
    qtbot.waitUntil(lambda: window.geometry() == geometry)
    assert qapp.font().pointSizeF() == pytest.approx(app_size)
    for widget, size in before.items():
        assert _size(widget) == pytest.approx(size), type(widget).__name__
    assert qapp.palette().color(ROLE.Window) == window_colour
    assert qapp.styleSheet() == ""


def test_the_scale_comes_from_the_settings(qapp, window, settings) -> None:
    settings.set_presentation_scale(2.0)
    presentation = Presentation(settings)
    size = qapp.font().pointSizeF()
    presentation.set_active(window, True)
    assert qapp.font().pointSizeF() == pytest.approx(size * 2.0)
    presentation.set_active(window, False)
    assert qapp.font().pointSizeF() == pytest.approx(size)


def test_f11_action_toggles_and_tracks_the_state(qtbot, qapp, window, settings) -> None:
    presentation = Presentation(settings)
    action = presentation.action(window)
    window.addAction(action)
    assert action.shortcut() == QtGui.QKeySequence(QtCore.Qt.Key.Key_F11)
    assert action.isCheckable() and not action.isChecked()
    action.trigger()
    assert presentation.is_active() and window.isFullScreen()
    presentation.toggle(window)
    assert not action.isChecked() and not presentation.is_active()


def test_the_caption_strip_follows_presentation_mode(qtbot, qapp, window, settings) -> None:
    presentation = Presentation(settings)
    stage = CaptionStage(QtWidgets.QWidget())
    window.setCentralWidget(stage)
    overlay = stage.strip
    presentation.activeChanged.connect(overlay.set_presentation_mode)
    overlay.show_caption("Which tasks move when host-4 joins?", paused=True)
    normal = overlay.point_size()
    presentation.toggle(window)
    assert overlay.point_size() >= PRESENTATION_MIN_POINT_SIZE
    # The strip sizes its own font: presentation mode did not scale it on top.
    assert overlay.label.font().pointSizeF() == overlay.point_size()
    presentation.toggle(window)
    assert overlay.point_size() == normal


@pytest.mark.parametrize("name", ["light", "dark", "high-contrast"])
def test_themes_apply_a_palette(qapp, restore_app, name) -> None:
    apply_theme(name)
    assert qapp.palette().color(ROLE.Window) == theme_palette(name).color(ROLE.Window)
    if name != "light":
        text = qapp.palette().color(ROLE.WindowText)
        window = qapp.palette().color(ROLE.Window)
        assert text.lightness() - window.lightness() > 150  # light text on a dark ground


def test_an_unknown_theme_is_refused(qapp) -> None:
    with pytest.raises(ValueError, match="theme"):
        theme_palette("neon")


def test_normal_theme_comes_from_the_settings(qapp, restore_app, tmp_path) -> None:
    settings = Settings.from_file(tmp_path / "s.ini")
    settings.set_theme("dark")
    Presentation(settings).apply_normal_theme()
    assert qapp.palette().color(ROLE.Window) == theme_palette("dark").color(ROLE.Window)


def test_leaving_restores_the_previous_theme_and_fonts_after_a_dialog(
    qtbot, qapp, window, settings
) -> None:
    apply_theme("dark")
    sheet, colour = qapp.styleSheet(), qapp.palette().color(ROLE.Window)
    table_size = _size(window.table)
    presentation = Presentation(settings)
    presentation.toggle(window)
    # Creating a message box while presenting once left tables big after leaving (a
    # stylesheet font-size pinned them); class fonts do not.
    box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Information, "t", "x", parent=window)
    presentation.toggle(window)
    box.deleteLater()
    assert qapp.styleSheet() == sheet
    assert qapp.palette().color(ROLE.Window) == colour
    assert _size(window.table) == pytest.approx(table_size)
    assert _size(window.table.horizontalHeader()) == pytest.approx(table_size)
