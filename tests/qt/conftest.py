"""Qt test hygiene: offscreen rendering, and no test may leave a window open or a timer running.

The check runs after pytest-qt has closed the widgets registered with ``qtbot.addWidget``; a
visible top-level window (a forgotten dialog, say) or an active QTimer anywhere under the
application or a top-level widget fails the test that left it (STYLE.md rule 8).

Also the fixtures more than one Qt test module needs: a shown main window, a shown workbench
window opened as the app opens it, settings in a temporary INI file, application-wide look
restored, and a scenario file with one known error.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine.config import SimulationConfig
from phoenix_gui.qt.document.settings import Settings

if TYPE_CHECKING:
    from phoenix_gui.qt.shell.main_window import MainWindow

# Qt's own transient windows: the tooltip label hides itself on a timer of its own.
_QT_INTERNAL = {"QTipLabel"}


def _leaks(app: QtWidgets.QApplication) -> list[str]:
    found: list[str] = []
    roots: list[QtCore.QObject] = [app, *app.topLevelWidgets()]
    for widget in app.topLevelWidgets():
        name = type(widget).__name__
        if widget.isVisible() and name not in _QT_INTERNAL:
            found.append(f"window left open: {name} {widget.windowTitle()!r}")
    for root in roots:
        if type(root).__name__ in _QT_INTERNAL:
            continue
        for timer in root.findChildren(QtCore.QTimer):
            if timer.isActive():
                owner = timer.parent()
                found.append(
                    f"timer left running: {timer.objectName() or 'QTimer'} "
                    f"(interval {timer.interval()} ms) under {type(owner).__name__}"
                )
    return found


@pytest.fixture(autouse=True)
def _no_leaked_windows_or_timers(qapp: QtWidgets.QApplication) -> Iterator[None]:
    yield
    leaks = _leaks(qapp)
    if leaks:
        # Clean up so one leak does not fail every later test too.
        for widget in qapp.topLevelWidgets():
            if widget.isVisible():
                widget.close()
        for root in [qapp, *qapp.topLevelWidgets()]:
            for timer in root.findChildren(QtCore.QTimer):
                timer.stop()
        pytest.fail("; ".join(leaks))


@pytest.fixture
def open_main_window(qtbot) -> Iterator[Callable[[SimulationConfig], MainWindow]]:
    """``open_main_window(config)``: a shown MainWindow; play and ring animation are stopped at
    teardown, before pytest-qt closes it, so no timer outlives the test."""
    from phoenix_gui.qt.shell.main_window import MainWindow

    opened: list[MainWindow] = []

    def build(config: SimulationConfig) -> MainWindow:
        window = MainWindow(config)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        opened.append(window)
        return window

    yield build
    for window in opened:
        window.adapter.pause()
        window.views.stop_animation()


@pytest.fixture
def open_workbench_window(
    qtbot, settings: Settings, tmp_path: Path, restore_app: None
) -> Iterator[Callable[..., MainWindow]]:
    """``open_workbench_window(source=None, size=None)``: the whole app's window on a scenario
    file or lesson (None: the default lesson), shown, with autosave in a test folder; closing
    it discards unsaved changes unless a test answers the question itself."""
    from phoenix_gui.qt.shell.workbench import open_workbench

    QtCore.QStandardPaths.setTestModeEnabled(True)
    opened: list[MainWindow] = []

    def build(source: Path | str | None = None, size: tuple[int, int] | None = None) -> MainWindow:
        window = open_workbench(source, settings=settings, autosave_folder=tmp_path / "autosave")
        assert window.workbench is not None
        # pytest-qt closes the window before fixtures are torn down: never ask then.
        window.workbench.document.confirm_discard = lambda _doc: "discard"
        qtbot.addWidget(window)
        if size is not None:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        opened.append(window)
        return window

    yield build
    for window in opened:
        window.close()
    QtCore.QStandardPaths.setTestModeEnabled(False)


@pytest.fixture
def restore_app(qapp: QtWidgets.QApplication) -> Iterator[None]:
    """Themes and presentation mode change application-wide font, palette and stylesheet."""
    font, palette, sheet = (
        QtGui.QFont(qapp.font()),
        QtGui.QPalette(qapp.palette()),
        qapp.styleSheet(),
    )
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setFont(font)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_file(tmp_path / "settings.ini")


MALFORMED = """\
schema_version: 1
name: broken lesson
metrics:
  joins: 12
  trust: 1.5
"""


@pytest.fixture
def malformed_scenario(tmp_path: Path) -> Path:
    """``bad.yaml``: a scenario whose one problem is ``metrics.trust`` (1.5) at line 5, col 10."""
    path = tmp_path / "bad.yaml"
    path.write_text(MALFORMED, encoding="utf-8")
    return path
