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


def _unknown(name: str) -> str:
    known = known_resources()
    listing = ", ".join(known) if known else "(none: the resources folder is missing)"
    return f"no bundled resource named {name!r}; known resources: {listing}"
