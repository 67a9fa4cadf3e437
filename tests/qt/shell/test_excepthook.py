"""A slot that raises is logged and shown in a dialog, and the window keeps running."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.qt.shell.excepthook import ExceptionHook

# Qt's offscreen platform warns about a QMessageBox size hint it cannot pass on; harmless.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


class Emitter(QtCore.QObject):
    fired = QtCore.Signal()


def test_slot_error_is_logged_shown_and_survived(qtbot, caplog) -> None:
    window = QtWidgets.QMainWindow()
    window.setWindowTitle("host window")
    qtbot.addWidget(window)
    window.show()
    hook = ExceptionHook(parent_widget=lambda: window)
    hook.install()
    try:
        assert sys.excepthook is hook
        emitter = Emitter()

        def broken_slot() -> None:
            raise RuntimeError("boom in a slot")

        emitter.fired.connect(broken_slot)
        with (
            caplog.at_level(logging.ERROR, logger="phoenix_gui"),
            qtbot.waitSignal(hook.errorShown, timeout=2000) as shown,
        ):
            emitter.fired.emit()  # PySide6 hands the slot's exception to sys.excepthook
        assert shown.args == ["RuntimeError: boom in a slot"]
        assert any("boom in a slot" in r.getMessage() or r.exc_info for r in caplog.records)
        boxes = [
            w
            for w in QtWidgets.QApplication.topLevelWidgets()
            if w.objectName() == "phoenix-error-dialog"
        ]
        box = next(b for b in boxes if b.isVisible())
        assert isinstance(box, QtWidgets.QMessageBox)
        assert "boom in a slot" in box.text() and "broken_slot" in box.detailedText()
        assert window.isVisible()  # the window survived
        # And it still works: another signal is delivered normally.
        seen: list[int] = []
        emitter.fired.disconnect(broken_slot)
        emitter.fired.connect(lambda: seen.append(1))
        emitter.fired.emit()
        assert seen == [1]
    finally:
        hook.close_dialogs()
        hook.uninstall()
    assert sys.excepthook is not hook


def test_dialogs_are_capped_when_errors_repeat(qtbot) -> None:
    hook = ExceptionHook(parent_widget=lambda: None)
    try:
        for i in range(6):
            try:
                raise ValueError(f"error {i}")
            except ValueError as exc:
                hook(type(exc), exc, exc.__traceback__)
        assert hook.errors == 6
        assert len(hook.dialogs) == 3
    finally:
        hook.close_dialogs()
