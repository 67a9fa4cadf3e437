"""The application's exception hook: log, show a dialog, keep the window running.

Since PySide6 6.5.2 an exception raised in a slot is handed to ``sys.excepthook`` and then
swallowed; pytest-qt's capture does not see it (DESIGN.md §9). Installing this hook makes
every such error visible to the user (a non-blocking QMessageBox with the traceback under
"Show Details…") and to the log, while the event loop carries on.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6 import QtCore, QtWidgets

log = logging.getLogger("phoenix_gui")

MAX_OPEN_DIALOGS = 3  # an error on every timer tick must not bury the window in dialogs

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class ExceptionHook(QtCore.QObject):
    """Callable installed as ``sys.excepthook``. ``errorShown`` carries the dialog's text."""

    errorShown = QtCore.Signal(str)  # noqa: N815

    def __init__(
        self,
        parent_widget: Callable[[], QtWidgets.QWidget | None] | None = None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent_widget = parent_widget or QtWidgets.QApplication.activeWindow
        self._previous: ExceptHook | None = None
        self.dialogs: list[QtWidgets.QMessageBox] = []
        self.errors = 0

    def install(self) -> None:
        if self._previous is None:
            self._previous = sys.excepthook
            sys.excepthook = self

    def uninstall(self) -> None:
        if self._previous is not None and sys.excepthook is self:
            sys.excepthook = self._previous
        self._previous = None

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            # Ctrl+C in the terminal and sys.exit in a slot: not errors, let Python handle them.
            (self._previous or sys.__excepthook__)(exc_type, exc, tb)
            return
        self.errors += 1
        log.error("unhandled error in the event loop", exc_info=(exc_type, exc, tb))
        if QtWidgets.QApplication.instance() is None:
            return
        self.dialogs = [d for d in self.dialogs if d.isVisible()]
        if len(self.dialogs) >= MAX_OPEN_DIALOGS:
            return  # logged above; the open dialogs already say something is wrong
        text = f"{exc_type.__name__}: {exc}"
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Critical,
            "PhoenixFlight — unexpected error",
            "Something went wrong. The window keeps running; the error was logged.\n\n" + text,
            QtWidgets.QMessageBox.StandardButton.Ok,
            self._parent_widget(),
        )
        box.setObjectName("phoenix-error-dialog")
        box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setModal(False)
        box.finished.connect(lambda _r, b=box: self._forget(b))
        self.dialogs.append(box)
        box.show()  # never exec(): a nested event loop inside a slot invites re-entrancy
        self.errorShown.emit(text)

    def _forget(self, box: QtWidgets.QMessageBox) -> None:
        if box in self.dialogs:
            self.dialogs.remove(box)

    def close_dialogs(self) -> None:
        for box in list(self.dialogs):
            box.close()
        self.dialogs = []
