"""Fixtures for the document tests: QStandardPaths in test mode (tests/qt/conftest.py has the
settings fixture and already fails a test that leaks a window or a timer)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets


@pytest.fixture
def data_dir(qapp: QtWidgets.QApplication, tmp_path: Path) -> Iterator[Path]:
    """QStandardPaths in test mode, with the test-mode data folder emptied before and after.

    Test mode puts AppDataLocation under ~/.qttest, shared by every test run: start and end
    with an empty autosave folder so runs do not see each other's files.
    """
    QtCore.QStandardPaths.setTestModeEnabled(True)
    from phoenix_gui.qt.document.autosave import autosave_folder

    folder = autosave_folder()
    _empty(folder)
    yield folder
    _empty(folder)
    QtCore.QStandardPaths.setTestModeEnabled(False)


def _empty(folder: Path) -> None:
    if folder.is_dir():
        for entry in folder.iterdir():
            entry.unlink()
