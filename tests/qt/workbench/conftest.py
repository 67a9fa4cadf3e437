"""Fixtures for the workbench tests: settings in a temporary INI file, QStandardPaths in test
mode, and a check that no test leaves a top-level window open behind it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.qt.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_file(tmp_path / "settings.ini")


@pytest.fixture
def data_dir(qapp: QtWidgets.QApplication, tmp_path: Path) -> Iterator[Path]:
    """QStandardPaths in test mode, with the test-mode data folder emptied before and after.

    Test mode puts AppDataLocation under ~/.qttest, shared by every test run: start and end
    with an empty autosave folder so runs do not see each other's files.
    """
    QtCore.QStandardPaths.setTestModeEnabled(True)
    from phoenix_gui.qt.autosave import autosave_folder

    folder = autosave_folder()
    _empty(folder)
    yield folder
    _empty(folder)
    QtCore.QStandardPaths.setTestModeEnabled(False)


def _empty(folder: Path) -> None:
    if folder.is_dir():
        for entry in folder.iterdir():
            entry.unlink()


@pytest.fixture(autouse=True)
def no_leftover_windows(qapp: QtWidgets.QApplication) -> Iterator[None]:
    """Fail a test that leaves a visible top-level window (a dialog it forgot) behind."""
    before = {id(w) for w in qapp.topLevelWidgets() if w.isVisible()}
    yield
    QtWidgets.QApplication.processEvents()
    left = [
        w
        for w in qapp.topLevelWidgets()
        if w.isVisible() and id(w) not in before and not isinstance(w, QtWidgets.QMenu)
    ]
    for w in left:
        w.close()
    assert not left, f"windows left open: {[type(w).__name__ for w in left]}"
