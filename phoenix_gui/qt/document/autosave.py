"""Autosave of unsaved changes, and the offer to restore them after a crash.

Every 60 s, if the document has unsaved changes, its scenario is written to the user's data
folder (``QStandardPaths.AppDataLocation / "autosave" / "<name>.autosave.yaml"``) — never over
the user's own file. A clean exit removes the autosave; so does saving or discarding the
changes. An autosave still there at the next start is therefore the work of a run that did
not exit cleanly, and :meth:`Autosave.pending_restore` finds it.

The first line of an autosave names the file it belongs to, so a restored scenario saves back
to that file (as unsaved changes, never silently).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from phoenix_gui.qt.document.document import ScenarioDocument, safe_stem, write_text_atomically
from phoenix_gui.scenario import dump_scenario

INTERVAL_MS = 60_000
SUFFIX = ".autosave.yaml"
_HEADER = "# PhoenixFlight autosave of: "
_UNTITLED = "(untitled)"


def autosave_folder() -> Path:
    """Where autosaves go: the application's data folder (never next to the user's file)."""
    base = QtCore.QStandardPaths.writableLocation(
        QtCore.QStandardPaths.StandardLocation.AppDataLocation
    )
    return Path(base) / "autosave"


def original_path(autosave: Path) -> Path | None:
    """The user's file an autosave belongs to, from its first line (None: untitled)."""
    try:
        with autosave.open(encoding="utf-8") as handle:
            first = handle.readline().rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if not first.startswith(_HEADER):
        return None
    named = first[len(_HEADER) :]
    return Path(named) if named and named != _UNTITLED else None


class Autosave(QtCore.QObject):
    """Owns the autosave timer of one document; :meth:`clean_exit` when the window closes."""

    saved = QtCore.Signal(str)  # autosave file written
    failed = QtCore.Signal(str)  # why an autosave could not be written (no dialog: it retries)

    def __init__(
        self,
        document: ScenarioDocument,
        parent: QtCore.QObject | None = None,
        interval_ms: int = INTERVAL_MS,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.folder = folder if folder is not None else autosave_folder()
        self.timer = QtCore.QTimer(self)
        self.timer.setObjectName("autosaveTimer")
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.last_error: str | None = None
        self._ours: set[Path] = set()  # files this session wrote or adopted
        # Replaceable: asked by offer_restore(); True restores, False discards the autosave.
        self.ask_restore: Callable[[Path], bool] = self._ask_restore
        document.dirtyChanged.connect(self._on_dirty_changed)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def target(self) -> Path:
        """The autosave file for the document as it is now."""
        if self.document.path is not None:
            stem = self.document.path.stem
        else:
            stem = safe_stem(self.document.scenario.name)
        path = self.folder / f"{stem}{SUFFIX}"
        user = self.document.path
        if user is not None and path.absolute() == user.absolute():
            path = self.folder / f"{stem}-recovered{SUFFIX}"  # never over the user's file
        return path

    def save_now(self) -> Path | None:
        """Write the autosave if there are unsaved changes; return its path (None: nothing)."""
        if not self.document.is_dirty():
            return None
        path = self.target()
        owner = str(self.document.path) if self.document.path is not None else _UNTITLED
        text = f"{_HEADER}{owner}\n" + dump_scenario(self.document.scenario)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_text_atomically(path, text)
        except OSError as exc:
            self.last_error = str(exc)
            self.failed.emit(self.last_error)
            return None
        self.last_error = None
        self._remove_ours(keep=path)  # the scenario was renamed: drop its older autosave
        self._ours.add(path)
        self.saved.emit(str(path))
        return path

    def clean_exit(self) -> None:
        """Stop the timer and remove this session's autosaves (the window is closing)."""
        self.stop()
        self._remove_ours()

    def pending_restore(self) -> Path | None:
        """The newest autosave left by an earlier run that did not exit cleanly, or None."""
        if not self.folder.is_dir():
            return None
        found = [p for p in self.folder.glob(f"*{SUFFIX}") if p.is_file() and p not in self._ours]
        if not found:
            return None
        return max(found, key=lambda p: (p.stat().st_mtime_ns, p.name))

    def restore(self, path: Path | None = None) -> bool:
        """Load an autosave into the document as unsaved changes to its original file."""
        source = path if path is not None else self.pending_restore()
        if source is None:
            return False
        scenario = self.document.read(source)
        if scenario is None:
            return False
        self.document.restore_from(scenario, original_path(source))
        self._ours.add(source)  # cleaned up on exit, replaced by the next autosave
        return True

    def discard_pending(self) -> None:
        """Delete every autosave of earlier runs (the user declined to restore)."""
        while (pending := self.pending_restore()) is not None:
            pending.unlink(missing_ok=True)

    def offer_restore(self) -> bool:
        """At start: if an autosave is pending, ask, then restore or discard it."""
        pending = self.pending_restore()
        if pending is None:
            return False
        if self.ask_restore(pending):
            return self.restore(pending)
        self.discard_pending()
        return False

    def _on_dirty_changed(self, dirty: bool) -> None:
        if not dirty:  # saved, reverted or replaced: the autosave has nothing left to keep
            self._remove_ours()

    def _remove_ours(self, keep: Path | None = None) -> None:
        for path in list(self._ours):
            if path != keep:
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)
                self._ours.discard(path)

    def _ask_restore(self, pending: Path) -> bool:
        owner = original_path(pending)
        named = owner.name if owner is not None else "an untitled scenario"
        when = QtCore.QFileInfo(str(pending)).lastModified().toString("yyyy-MM-dd HH:mm")
        buttons = QtWidgets.QMessageBox.StandardButton
        answer = QtWidgets.QMessageBox.question(
            self.document.dialog_parent,
            "Restore unsaved changes?",
            f"PhoenixFlight did not close normally. Unsaved changes to {named} "
            f"were kept at {when}.\n\nRestore them?",
            buttons.Yes | buttons.No,
            buttons.Yes,
        )
        return answer == buttons.Yes
