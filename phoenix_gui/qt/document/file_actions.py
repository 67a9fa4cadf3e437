"""The File menu of the workbench and opening files dropped onto the window.

:class:`FileActions` owns the QActions (New, Open… Ctrl+O, Open Recent ▸, Save Ctrl+S,
Save As… Ctrl+Shift+S, Revert) and drives a
:class:`~phoenix_gui.qt.document.document.ScenarioDocument`.
The open-file dialog is the replaceable attribute ``ask_open_path`` so tests trigger the real
Open action with a path injected. :class:`DropOpener` is an event filter for the main window:
a dragged ``.yaml`` file is accepted and opened on drop.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.qt.document.document import FILE_FILTER, ScenarioDocument
from phoenix_gui.qt.document.settings import Settings

SCENARIO_SUFFIXES = (".yaml", ".yml")


def scenario_paths(mime: QtCore.QMimeData | None) -> list[str]:
    """Local scenario files (``.yaml`` / ``.yml``) among the URLs of dragged data."""
    if mime is None or not mime.hasUrls():
        return []
    paths = []
    for url in mime.urls():
        if url.isLocalFile():
            local = url.toLocalFile()
            if Path(local).suffix.lower() in SCENARIO_SUFFIXES:
                paths.append(local)
    return paths


class FileActions(QtCore.QObject):
    """File menu actions bound to one document; recent files kept in ``settings``."""

    def __init__(
        self,
        document: ScenarioDocument,
        settings: Settings,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self.dialog_parent = parent
        # Replaceable: returns the chosen path or None (cancelled).
        self.ask_open_path: Callable[[], str | None] = self._ask_open_path
        # Called before every file operation: the window sends slider changes still being
        # coalesced, so Save writes (and Open asks about) what the user sees.
        self.before_action: Callable[[], None] = lambda: None
        # Called before Save and Save As only: what the window shows beyond the parameters
        # (a comparison of two runs) goes into the document then.
        self.before_save: Callable[[], None] = lambda: None

        keys = QtGui.QKeySequence.StandardKey
        self.new_action = self._action("&New", self._on_new, keys.New, "Start a new scenario")
        self.open_action = self._action(
            "&Open…", self._on_open, keys.Open, "Open a scenario file (Ctrl+O)"
        )
        self.recent_menu = QtWidgets.QMenu("Open &Recent", parent)
        self.recent_menu.setObjectName("recentMenu")
        self.save_action = self._action(
            "&Save", self._on_save, keys.Save, "Save the scenario (Ctrl+S)"
        )
        self.save_as_action = self._action(
            "Save &As…",
            self._on_save_as,
            QtGui.QKeySequence("Ctrl+Shift+S"),
            "Save the scenario to another file (Ctrl+Shift+S)",
        )
        self.revert_action = self._action(
            "Re&vert", self._on_revert, None, "Reload the file, dropping unsaved changes"
        )

        document.dirtyChanged.connect(self._update_enabled)
        document.pathChanged.connect(self._update_enabled)
        document.loaded.connect(self._on_loaded)
        document.saved.connect(self._remember)
        self._update_enabled()
        self.rebuild_recent_menu()

    def actions(self) -> list[QtGui.QAction]:
        return [
            self.new_action,
            self.open_action,
            self.save_action,
            self.save_as_action,
            self.revert_action,
        ]

    def populate_menu(self, menu: QtWidgets.QMenu) -> None:
        """Fill a File menu: New, Open…, Open Recent ▸, —, Save, Save As…, Revert."""
        menu.addAction(self.new_action)
        menu.addAction(self.open_action)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        menu.addAction(self.save_action)
        menu.addAction(self.save_as_action)
        menu.addAction(self.revert_action)

    def open_path(self, path: str | os.PathLike[str]) -> bool:
        """Open ``path`` in the document (Open, Open Recent and drop all end here); a bundled
        lesson opens as an untitled copy (:meth:`ScenarioDocument.open`)."""
        self.before_action()
        ok = self.document.open(path)
        if not ok and not Path(path).exists():
            # A recent file that was moved or deleted: stop offering it.
            self.settings.remove_recent_file(path)
            self.rebuild_recent_menu()
        return ok

    def handle_drop(self, mime: QtCore.QMimeData | None) -> bool:
        """Open the first scenario file of a drop; False if there was none."""
        paths = scenario_paths(mime)
        return bool(paths) and self.open_path(paths[0])

    def rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for number, path in enumerate(files, start=1):
            label = f"&{number % 10} {Path(path).name}"
            action = self.recent_menu.addAction(label)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if files:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear Recent Files")
            clear.triggered.connect(self._clear_recent)
        self.recent_menu.setEnabled(bool(files))

    def recent_actions(self) -> list[QtGui.QAction]:
        """The actions opening a recent file, most recent first."""
        return [a for a in self.recent_menu.actions() if isinstance(a.data(), str)]

    # -- slots -----------------------------------------------------------------------------
    def _on_new(self) -> None:
        self.before_action()
        self.document.new()

    def _on_open(self) -> None:
        path = self.ask_open_path()
        if path:
            self.open_path(path)

    def _on_save(self) -> None:
        self.before_action()
        self.before_save()
        self.document.save()

    def _on_save_as(self) -> None:
        self.before_action()
        self.before_save()
        self.document.save_as()

    def _on_revert(self) -> None:
        self.before_action()
        self.document.revert()

    def _on_loaded(self, _scenario: object) -> None:
        if self.document.path is not None:
            self._remember(str(self.document.path))

    def _remember(self, path: str) -> None:
        self.settings.add_recent_file(path)
        self.rebuild_recent_menu()

    def _clear_recent(self) -> None:
        self.settings.clear_recent_files()
        self.rebuild_recent_menu()

    def _update_enabled(self, *_: object) -> None:
        self.revert_action.setEnabled(self.document.path is not None and self.document.is_dirty())

    def _ask_open_path(self) -> str | None:
        recent = self.settings.recent_files()
        start = str(Path(recent[0]).parent) if recent else str(Path.home())
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.dialog_parent, "Open scenario", start, FILE_FILTER
        )
        return path or None

    def _action(
        self,
        text: str,
        slot: Callable[[], None],
        shortcut: QtGui.QKeySequence | QtGui.QKeySequence.StandardKey | None,
        tip: str,
    ) -> QtGui.QAction:
        action = QtGui.QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        return action


class DropOpener(QtCore.QObject):
    """Event filter: install on the main window to open scenario files dropped onto it.

    ``window.setAcceptDrops(True); window.installEventFilter(DropOpener(file_actions, window))``
    """

    def __init__(self, actions: FileActions, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.actions = actions

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if kind in (QtCore.QEvent.Type.DragEnter, QtCore.QEvent.Type.DragMove):
            assert isinstance(event, QtGui.QDropEvent)
            if scenario_paths(event.mimeData()):
                event.acceptProposedAction()
                return True
        elif kind == QtCore.QEvent.Type.Drop:
            assert isinstance(event, QtGui.QDropEvent)
            if scenario_paths(event.mimeData()):
                event.acceptProposedAction()
                # Open after the drop finishes: a dialog inside the drop handler would block
                # the drag source (the file manager) until it is closed.
                mime = _copy_urls(event.mimeData())
                QtCore.QTimer.singleShot(0, lambda: self.actions.handle_drop(mime))
                return True
        return super().eventFilter(watched, event)


def _copy_urls(mime: QtCore.QMimeData) -> QtCore.QMimeData:
    copy = QtCore.QMimeData()
    copy.setUrls(mime.urls())
    return copy
