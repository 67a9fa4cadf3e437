"""QApplication set-up and the window's entry point.

Startup time is measured from the process start (psutil when available, else /proc, else the
import of this module). The display check (:mod:`.platform_check`) runs before this module
imports Qt, so a machine with no usable display gets a clear message instead of Qt's abort.
The entry points silence the one Qt message that is only noise (:data:`HARMLESS_QT_MESSAGES`)
and pass every other one on.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

_IMPORTED_AT = time.time()


def process_start_time() -> float:
    """Wall-clock time (epoch seconds) at which this process started."""
    try:
        import psutil

        return float(psutil.Process().create_time())
    except Exception:  # psutil is a dev dependency; the frozen app may not ship it
        pass
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat", encoding="ascii") as fh:
            boot = next(int(line.split()[1]) for line in fh if line.startswith("btime"))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return _IMPORTED_AT


# The offscreen platform says this each time a window is shown; nothing is wrong.
HARMLESS_QT_MESSAGES = frozenset({"This plugin does not support propagateSizeHints()"})

MessageHandler = Callable[[Any, Any, str], None]  # (QtMsgType, QMessageLogContext, message)


class QtMessageFilter:
    """A Qt message handler that drops :data:`HARMLESS_QT_MESSAGES` and hands every other
    message to the handler installed before it, or, when that was Qt's own, writes it to
    stderr in Qt's usual format (``qFormatLogMessage``: QT_MESSAGE_PATTERN is honoured)."""

    def __init__(self, previous: MessageHandler | None = None) -> None:
        self.previous = previous

    def __call__(self, kind: Any, context: Any, message: str) -> None:
        if message in HARMLESS_QT_MESSAGES:
            return
        if self.previous is not None:
            self.previous(kind, context, message)
            return
        from PySide6 import QtCore

        sys.stderr.write(QtCore.qFormatLogMessage(kind, context, message) + "\n")
        sys.stderr.flush()


@contextmanager
def quiet_harmless_qt_messages() -> Iterator[QtMessageFilter]:
    """Install a :class:`QtMessageFilter` chained to the current handler; restore it after.

    Only the real entry points use this (``run_window``, ``run_self_test``): a test harness
    that installs its own handler (pytest-qt does, per test) keeps seeing every message,
    because the filter forwards to whatever handler it found.
    """
    from PySide6 import QtCore

    dropper = QtMessageFilter()
    dropper.previous = QtCore.qInstallMessageHandler(dropper)
    try:
        yield dropper
    finally:
        QtCore.qInstallMessageHandler(dropper.previous)  # None: Qt's own handler again


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists) with name, icon and widget style set."""
    from PySide6 import QtCore, QtWidgets

    from phoenix_gui import __version__
    from phoenix_gui.qt.shell.resources import app_icon

    app = QtWidgets.QApplication.instance()
    if app is None:
        app = QtWidgets.QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QtWidgets.QApplication)
    app.setApplicationName("PhoenixFlight")
    app.setApplicationDisplayName("PhoenixFlight")
    app.setOrganizationName("PhoenixFlight")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("phoenix-flight")
    app.setStyle("Fusion")
    app.setWindowIcon(app_icon())
    QtCore.QTimer.singleShot(WARM_AFTER_MS, warm_imports)
    return app


# Modules the window's first uses of would otherwise import on the GUI thread mid-run: numpy
# 2.4's unique / isin / union1d import numpy.ma on their first call (~20-50 ms, in the step
# that first moves tasks). Imported on a thread once the window is up (not on its way there).
WARM_IMPORTS = ("numpy.ma",)
WARM_AFTER_MS = 1000


def warm_imports() -> threading.Thread:
    """Import :data:`WARM_IMPORTS` on a daemon thread (returned, started)."""

    def run() -> None:
        for name in WARM_IMPORTS:
            importlib.import_module(name)

    thread = threading.Thread(target=run, name="warm-imports", daemon=True)
    thread.start()
    return thread


def run_window(config: object, source: str | None = None) -> int:
    """Open the workbench on ``source`` (or ``config``) and run the event loop until it closes."""
    from phoenix_gui.qt.shell.excepthook import ExceptionHook
    from phoenix_gui.qt.shell.heap import keep_collections_short
    from phoenix_gui.qt.shell.workbench import open_workbench, workbench_of

    with quiet_harmless_qt_messages():
        app = create_app()
        hook = ExceptionHook()
        hook.install()
        try:
            keep_collections_short()  # full collections walk only the window and its runs
            window = open_workbench(source, config=config)  # type: ignore[arg-type]
            window.show()
            workbench_of(window).start()  # autosave, and the offer to restore a crashed session
            return int(app.exec())
        finally:
            hook.uninstall()
