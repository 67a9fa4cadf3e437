"""Find bundled files by name, from a source checkout and from the frozen app alike.

Resources live in two folders beside the package — ``resources/`` (icons, the JSON
Schema, the .desktop file) and ``scenarios/`` (the bundled lessons). PyInstaller unpacks both
under ``sys._MEIPASS``; from source they sit in the repository root. Nothing is ever written
here: user data goes to the user's own folders.
"""

from __future__ import annotations

import sys
from pathlib import Path

FOLDERS = ("resources", "scenarios")
DEFAULT_SCENARIO = "scenarios/classroom-basics.yaml"


class ResourceNotFoundError(FileNotFoundError):
    """A resource name that is not bundled; the message lists the names that are."""


def base_dir() -> Path:
    """The folder holding ``resources/`` and ``scenarios/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def known_resources() -> list[str]:
    """Every bundled file as a name like ``scenarios/ring-join.yaml``, sorted."""
    root = base_dir()
    names: list[str] = []
    for folder in FOLDERS:
        top = root / folder
        if top.is_dir():
            names.extend(
                p.relative_to(root).as_posix() for p in sorted(top.rglob("*")) if p.is_file()
            )
    return names


def resource_path(name: str) -> Path:
    """The path of bundled file ``name`` (e.g. ``resources/icon.svg``)."""
    relative = Path(name)
    inside = bool(relative.parts) and relative.parts[0] in FOLDERS
    if relative.is_absolute() or ".." in relative.parts or not inside:
        raise ResourceNotFoundError(_unknown(name))
    path = base_dir() / relative
    if not path.is_file():
        raise ResourceNotFoundError(_unknown(name))
    return path


def bundled_scenarios() -> list[Path]:
    """The lesson scenario files shipped with the app, sorted by name."""
    folder = base_dir() / "scenarios"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def lesson_names() -> list[str]:
    """Names of the bundled lessons (``ring-join``, …): their file names without ``.yaml``."""
    return [path.stem for path in bundled_scenarios()]


def lesson_path(name: str) -> Path | None:
    """The bundled lesson called ``name`` (``ring-join`` or ``ring-join.yaml``), else None."""
    stem = name[: -len(".yaml")] if name.endswith(".yaml") else name
    for path in bundled_scenarios():
        if path.stem == stem:
            return path
    return None


class ScenarioNotFoundError(FileNotFoundError):
    """Neither a scenario file nor a bundled lesson; the message lists the lesson names."""


def scenario_source(text: str) -> Path:
    """The scenario a user named: a file path (relative to the working directory), else a
    bundled lesson by name (``ring-join``), else its bundled path (``scenarios/ring-join.yaml``,
    as the README's examples write it) — so a lesson opens from any folder, from source and
    from the frozen app alike. The one lookup every command that takes a scenario uses."""
    given = Path(text)
    if text == "-" or given.is_file():  # "-": standard input, for the readers that take it
        return given
    if given.is_dir():
        raise ScenarioNotFoundError(f"{text}: is a folder, not a scenario file")
    if len(given.parts) == 1:
        found = lesson_path(text)
        if found is not None:
            return found
    elif given.parts[0] == "scenarios" and not given.is_absolute():
        try:
            return resource_path(given.as_posix())
        except ResourceNotFoundError:
            pass
    names = ", ".join(lesson_names()) or "(none installed)"
    raise ScenarioNotFoundError(
        f"{text}: no such file, and no bundled lesson of that name (lessons: {names})"
    )


def _unknown(name: str) -> str:
    known = known_resources()
    listing = ", ".join(known) if known else "(none: the resources folder is missing)"
    return f"no bundled resource named {name!r}; known resources: {listing}"
