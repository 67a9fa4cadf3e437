"""The open scenario file of the workbench: its model, where it lives, whether it changed.

:class:`ScenarioDocument` never loses work: a file that fails to load leaves the current
scenario as it was (the problems are listed in a :class:`ScenarioErrorDialog`), unsaved
changes are confirmed before they are dropped, and saving goes through ``QSaveFile`` so a
failed write leaves the old file byte-identical.

Everything that would block on a user (the Save / Discard / Cancel question, the save-as file
dialog) or pop up a window is a replaceable attribute, so tests and the window can inject
answers: ``confirm_discard``, ``ask_save_path``, ``show_problems``, ``show_error``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.params import PARAMS
from phoenix_gui.qt.document.error_dialog import ScenarioErrorDialog
from phoenix_gui.scenario import (
    Scenario,
    ScenarioError,
    dump_scenario,
    load_scenario,
    scenario_from_config,
    scenario_from_data,
    scenario_to_config,
)

Answer = Literal["save", "discard", "cancel"]

# Slider / value-box parameter (phoenix_gui.params) → its field in the scenario file.
# "speed" is a view setting, not part of a scenario.
PARAM_FIELDS = {
    "joins": "metrics.joins",
    "leaves": "metrics.leaves",
    "hours": "metrics.hours",
    "trust": "metrics.trust",
    "compliance": "metrics.compliance",
    "w_join": "metrics.w_join",
    "w_leave": "metrics.w_leave",
    "crash_share": "churn.crash_share",
    "hosts": "members.generate",
    "vnodes": "ring.vnodes",
    "tasks": "workload.initial_tasks",
    "arrival_rate": "workload.arrival_rate",
    "reliability": "members.template.reliability",
}
UNTITLED = "untitled"
FILE_FILTER = "Scenario files (*.yaml *.yml);;All files (*)"


class SaveError(OSError):
    """A file that could not be written; the message names the file and the OS reason."""


def write_text_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 through ``QSaveFile``: the old file survives any failure.

    ``commit()`` is only called after every byte was written; on any failure the temporary
    file is dropped with ``cancelWriting()`` and :class:`SaveError` says why.
    """
    target = os.fspath(path)
    data = text.encode("utf-8")
    out = QtCore.QSaveFile(target)
    if not out.open(QtCore.QIODevice.OpenModeFlag.WriteOnly):
        raise SaveError(f"cannot write {target}: {out.errorString() or 'cannot open the file'}")
    written = out.write(QtCore.QByteArray(data))
    if written != len(data):
        reason = out.errorString() or f"only {max(written, 0)} of {len(data)} bytes written"
        out.cancelWriting()
        raise SaveError(f"cannot write {target}: {reason}")
    if not out.commit():
        reason = out.errorString() or "the file could not be replaced"
        out.cancelWriting()
        raise SaveError(f"cannot save {target}: {reason}")


def is_bundled(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is one of the lessons shipped with the app (never written to)."""
    from phoenix_gui.resources import base_dir

    try:
        Path(path).resolve().relative_to((base_dir() / "scenarios").resolve())
    except (OSError, ValueError):
        return False
    return True


def _file_of(target: Path) -> Path | None:
    """The document's file for a scenario read from ``target``: None (untitled) for a bundled
    lesson."""
    return None if is_bundled(target) else target.absolute()


def default_scenario() -> Scenario:
    """What File ▸ New starts from: the engine's defaults."""
    return scenario_from_config(SimulationConfig(), name="Untitled")


class ScenarioDocument(QtCore.QObject):
    """The current scenario, its file (None = untitled) and its unsaved-changes flag."""

    changed = QtCore.Signal()  # the scenario model changed (edit, load, revert)
    dirtyChanged = QtCore.Signal(bool)  # noqa: N815  (Qt signal naming)
    pathChanged = QtCore.Signal(str)  # noqa: N815  "" when untitled
    loaded = QtCore.Signal(object)  # a whole new scenario: rebuild the simulation from it
    saved = QtCore.Signal(str)  # path written

    def __init__(
        self,
        scenario: Scenario | None = None,
        parent: QtCore.QObject | None = None,
        dialog_parent: QtWidgets.QWidget | None = None,
        path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._scenario = scenario if scenario is not None else default_scenario()
        self._path = path  # the file ``scenario`` was loaded from (None = untitled)
        # What was loaded or saved last: the document is dirty exactly when its scenario
        # differs from this (values compared, not a flag). None: never saved (a recovery).
        self._clean: Scenario | None = self._scenario
        self._dirty = False
        self.dialog_parent = dialog_parent
        # Replaceable hooks (see the module docstring).
        self.confirm_discard: Callable[[ScenarioDocument], Answer] = _ask_save_discard_cancel
        self.ask_save_path: Callable[[ScenarioDocument], str | None] = _ask_save_path
        self.show_problems: Callable[[ScenarioError, str], None] = self._show_problems
        self.show_error: Callable[[str, str], None] = self._show_error
        self.error_dialog: ScenarioErrorDialog | None = None
        self.message_box: QtWidgets.QMessageBox | None = None

    # -- state -----------------------------------------------------------------------------
    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def path(self) -> Path | None:
        return self._path

    def is_dirty(self) -> bool:
        return self._dirty

    def config(self) -> SimulationConfig:
        """The engine configuration of the current scenario."""
        return scenario_to_config(self._scenario)

    def file_name(self) -> str:
        return self._path.name if self._path is not None else UNTITLED

    def title(self) -> str:
        """``"name — file.yaml*"``: the asterisk marks unsaved changes."""
        return f"{self._scenario.name} — {self.file_name()}{'*' if self._dirty else ''}"

    def window_title(self, app_name: str = "PhoenixFlight") -> str:
        """Title for ``QWidget.setWindowTitle`` with Qt's ``[*]`` placeholder; pair it with
        ``setWindowModified(document.is_dirty())``."""
        return f"{self._scenario.name} — {self.file_name()}[*] — {app_name}"

    # -- editing ---------------------------------------------------------------------------
    def set_scenario(self, scenario: Scenario) -> None:
        """Replace the model by an edited one (same file); dirty if it differs from the file."""
        self._scenario = scenario
        self.changed.emit()
        self._set_dirty(self._clean is None or scenario != self._clean)

    def update(self, changes: Mapping[str, Any]) -> Scenario:
        """Apply ``{"metrics.joins": 20, "seed": 7}`` (dotted field paths) and mark dirty.

        The result is validated exactly like a file (ScenarioError on a bad value, and the
        document is then left unchanged).
        """
        data = self._scenario.model_dump(mode="json")
        for dotted, value in changes.items():
            _assign(data, dotted, value)
        scenario = scenario_from_data(data, source="<edit>")
        if scenario != self._scenario:
            self.set_scenario(scenario)
        return scenario

    def set_param(self, name: str, value: float) -> bool:
        """A slider moved: store it in the scenario (False for view-only ones like speed)."""
        field = PARAM_FIELDS.get(name)
        if field is None:
            return False
        spec = PARAMS[name]
        self.update({field: round(value) if spec.kind == "int" else float(value)})
        return True

    def set_values(self, values: Mapping[str, Any]) -> Scenario:
        """Take the parameter state's start values (slider names, plus seed and paradigm)."""
        changes: dict[str, Any] = {}
        for name, value in values.items():
            if name in ("seed", "paradigm"):
                changes[name] = value
            elif name in PARAM_FIELDS:
                changes[PARAM_FIELDS[name]] = (
                    round(value) if PARAMS[name].kind == "int" else float(value)
                )
        return self.update(changes)

    def update_from_config(self, config: SimulationConfig) -> Scenario:
        """Take the engine's current configuration (sliders moved), keeping name and text."""
        scenario = scenario_from_config(
            config, name=self._scenario.name, description=self._scenario.description
        )
        if self._scenario.experiment is not None:  # not part of the engine's config: keep it
            scenario = scenario.model_copy(update={"experiment": self._scenario.experiment})
        if scenario != self._scenario:
            self.set_scenario(scenario)
        return scenario

    # -- file operations -------------------------------------------------------------------
    def new(self, scenario: Scenario | None = None) -> bool:
        """Start an untitled scenario (after confirming unsaved changes)."""
        if not self.maybe_discard():
            return False
        self._replace(scenario if scenario is not None else default_scenario(), None)
        return True

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ScenarioDocument:
        """A document on the scenario in ``path`` (as :meth:`open` would make it); a file that
        does not load raises :class:`ScenarioError` instead of showing its problems."""
        target = Path(path)
        return cls(load_scenario(target), path=_file_of(target))

    def open(self, path: str | os.PathLike[str]) -> bool:
        """Load ``path``; on problems show them and keep the current scenario (False).

        A lesson shipped with the app opens as an untitled copy: Save then asks where to keep
        it, and the bundled file is never written.
        """
        target = Path(path)
        return self._open(target, as_copy=_file_of(target) is None)

    def open_copy(self, path: str | os.PathLike[str]) -> bool:
        """Load ``path`` as a new untitled scenario (a bundled lesson: Save asks where)."""
        return self._open(Path(path), as_copy=True)

    def _open(self, target: Path, as_copy: bool) -> bool:
        # Load first: a broken file must not cost the user the unsaved-changes question.
        scenario = self.read(target)
        if scenario is None or not self.maybe_discard():
            return False
        self._replace(scenario, None if as_copy else target.absolute())
        return True

    def read(self, target: Path) -> Scenario | None:
        """The scenario in ``target``, or None once its problems are shown (``show_problems``);
        the document itself is not changed."""
        try:
            return load_scenario(target)
        except ScenarioError as error:
            self.show_problems(error, str(target))
            return None

    def revert(self) -> bool:
        """Reload the file from disk, dropping unsaved changes after confirmation."""
        if self._path is None:
            return False
        if self._dirty and self.confirm_discard(self) != "discard":
            return False
        scenario = self.read(self._path)
        if scenario is None:
            return False
        self._replace(scenario, self._path)
        return True

    def save(self) -> bool:
        """Save to the current file, or ask for one when untitled."""
        if self._path is None:
            return self.save_as()
        return self._write(self._path)

    def save_as(self, path: str | os.PathLike[str] | None = None) -> bool:
        """Save to ``path`` (asked for when None) and make it the document's file."""
        if path is None:
            chosen = self.ask_save_path(self)
            if not chosen:
                return False
            path = with_yaml_suffix(chosen)
        target = Path(path).absolute()
        if not self._write(target):
            return False
        if target != self._path:
            self._path = target
            self.pathChanged.emit(str(target))
        return True

    def maybe_discard(self) -> bool:
        """True if the current scenario may be replaced: clean, saved, or discarded."""
        if not self._dirty:
            return True
        answer = self.confirm_discard(self)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def maybe_close(self) -> bool:
        """The window's closeEvent asks this; False means ignore the close."""
        return self.maybe_discard()

    def restore_from(self, scenario: Scenario, path: Path | None) -> None:
        """Adopt a recovered scenario (autosave) as unsaved changes to ``path``."""
        self._replace(scenario, path)
        self._clean = None  # not what the file holds (or there is no file): unsaved
        self._set_dirty(True)

    # -- internals -------------------------------------------------------------------------
    def _replace(self, scenario: Scenario, path: Path | None) -> None:
        old_path = self._path
        self._scenario = scenario
        self._path = path
        self._clean = scenario
        self._set_dirty(False)
        if path != old_path:
            self.pathChanged.emit(str(path) if path is not None else "")
        self.changed.emit()
        self.loaded.emit(scenario)

    def _write(self, target: Path) -> bool:
        if is_bundled(target):
            self.show_error(
                "Save failed",
                f"{target.name} is a lesson shipped with PhoenixFlight and is not changed.\n\n"
                "Use Save As to keep your version in a folder of your own.",
            )
            return False
        try:
            write_text_atomically(target, dump_scenario(self._scenario))
        except OSError as exc:
            self.show_error("Save failed", f"The scenario was not saved.\n\n{exc}")
            return False
        self._clean = self._scenario
        self._set_dirty(False)
        self.saved.emit(str(target))
        return True

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    def _show_problems(self, error: ScenarioError, path: str) -> None:
        # Window-modal but not blocking (open(), not exec()), so nothing waits on it.
        dialog = ScenarioErrorDialog(error, path, self.dialog_parent)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.error_dialog = dialog
        dialog.open()

    def _show_error(self, title: str, text: str) -> None:
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Critical,
            title,
            text,
            QtWidgets.QMessageBox.StandardButton.Ok,
            self.dialog_parent,
        )
        box.setObjectName("saveErrorBox")
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.open()


def with_yaml_suffix(path: str) -> str:
    """Add ``.yaml`` to a chosen name without one (the file dialog does not always)."""
    return path if Path(path).suffix.lower() in (".yaml", ".yml") else path + ".yaml"


def _assign(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node: Any = data
    for part in parts[:-1]:
        if not isinstance(node, dict) or part not in node:
            raise ScenarioError.single("<edit>", "no such field", path=dotted)
        node = node[part]
    if not isinstance(node, dict) or parts[-1] not in node:
        raise ScenarioError.single("<edit>", "no such field", path=dotted)
    node[parts[-1]] = value


def _ask_save_discard_cancel(document: ScenarioDocument) -> Answer:
    buttons = QtWidgets.QMessageBox.StandardButton
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Warning,
        "Unsaved changes",
        f"Save the changes to “{document.scenario.name}” ({document.file_name()})?",
        buttons.Save | buttons.Discard | buttons.Cancel,
        document.dialog_parent,
    )
    box.setInformativeText("Your changes are lost if you don't save them.")
    box.setDefaultButton(buttons.Save)
    result = box.exec()
    if result == buttons.Save:
        return "save"
    if result == buttons.Discard:
        return "discard"
    return "cancel"


def _ask_save_path(document: ScenarioDocument) -> str | None:
    suggested = (
        str(document.path)
        if document.path is not None
        else str(Path.home() / f"{safe_stem(document.scenario.name)}.yaml")
    )
    path, _ = QtWidgets.QFileDialog.getSaveFileName(
        document.dialog_parent, "Save scenario as", suggested, FILE_FILTER
    )
    return path or None


def safe_stem(name: str) -> str:
    """A file-name-safe version of a scenario name (letters, digits, - and _)."""
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in name.strip()).strip("-")
    return stem[:60] or UNTITLED
