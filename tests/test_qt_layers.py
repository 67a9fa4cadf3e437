"""The qt/ folders keep to their import rules, and each folder says what it holds.

The rules are the ones each folder's ``__init__`` docstring states: the shell may import
anything; document, panels and views never import the shell; views and panels never import the
document; the adapter imports only readers/ (what it reads from the engine). Read from the
source with ``ast``, so the rule keeps holding as files are added.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

QT = Path(__file__).resolve().parents[1] / "phoenix_gui" / "qt"

# folder → folders it must never import
FORBIDDEN = {
    "views": {"shell", "panels", "document"},
    "panels": {"shell", "document"},
    "document": {"shell"},
    "adapter": {"shell", "views", "panels", "document"},
    "readers": {"shell", "views", "panels", "document", "adapter"},
    "snapshots": {"shell", "views", "panels", "document", "adapter"},
    "experiments": {"shell"},
}


def folder_of(module: str) -> str | None:
    """``phoenix_gui.qt.views.ring.ring_view`` → ``views``; None outside qt/."""
    parts = module.split(".")
    if parts[:2] != ["phoenix_gui", "qt"] or len(parts) < 3:
        return None
    return parts[2]


def qt_imports(path: Path) -> set[str]:
    """Every ``phoenix_gui.qt…`` module named by an import anywhere in ``path``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if folder_of(node.module) is None:  # from phoenix_gui.qt import shell
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("phoenix_gui.qt.")}


def violations(root: Path) -> list[str]:
    bad = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent.parent).with_suffix("")
        module = ".".join(rel.parts)
        source = folder_of(module)
        for target in sorted(qt_imports(path)):
            dest = folder_of(target)
            if source in FORBIDDEN and dest in FORBIDDEN[source]:
                bad.append(f"{module} imports {target} ({source}/ must not import {dest}/)")
    return bad


def test_qt_folders_import_only_what_their_rules_allow() -> None:
    assert violations(QT) == []


def test_a_forbidden_import_is_reported(tmp_path: Path) -> None:
    # The check must be able to fail: a view that imports the shell is caught.
    fake = tmp_path / "phoenix_gui" / "qt" / "views"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from phoenix_gui.qt.shell.main_window import MainWindow\n")
    assert violations(tmp_path / "phoenix_gui" / "qt") == [
        "phoenix_gui.qt.views.bad imports phoenix_gui.qt.shell.main_window "
        "(views/ must not import shell/)"
    ]


@pytest.mark.parametrize(
    "folder", sorted(p for p in QT.rglob("*") if p.is_dir() and p.name != "__pycache__")
)
def test_every_qt_folder_opens_with_a_docstring(folder: Path) -> None:
    init = folder / "__init__.py"
    assert init.is_file(), f"{folder} has no __init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and len(doc) > 40, f"{init} must say what the folder holds and may import"


def test_qt_top_level_stays_small() -> None:
    # New modules go into a folder; only the adapter and the small shared modules sit at the top.
    top = sorted(p.stem for p in QT.glob("*.py"))
    assert top == ["__init__", "adapter", "fonts", "snapshots"]
