"""The window, the command line and the benchmarks use only the engine's public surface.

The surface is ``phoenix_gui.engine`` itself (its ``__all__``, described in
docs/engine_api.md); the submodules are the engine's own business. Every module under
``phoenix_gui/qt``, ``phoenix_gui/cli`` and ``benchmarks/`` is read with :mod:`ast` (nothing is
imported) and may import ``phoenix_gui.engine`` but nothing below it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import phoenix_gui.engine as engine

ROOT = Path(__file__).resolve().parents[1]
CONSUMERS = [
    ROOT / "phoenix_gui" / "qt",
    ROOT / "phoenix_gui" / "cli",
    ROOT / "phoenix_gui" / "scenario",
    ROOT / "phoenix_gui" / "experiments",
    ROOT / "benchmarks",
    ROOT / "docs",
]
ENGINE = "phoenix_gui.engine"


def package_of(path: Path) -> list[str]:
    """The dotted package a file sits in (for relative imports); [] outside ``phoenix_gui``."""
    parts = list(path.relative_to(ROOT).parent.parts)
    return parts if parts and parts[0] == "phoenix_gui" else []


def engine_imports(source: str, package: list[str]) -> list[tuple[int, str, str]]:
    """``(line, module, name)`` of every import of the engine in ``source``, at any depth;
    ``name`` is ``""`` for ``import module``. Relative imports are resolved from ``package``."""
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, "") for a in node.names if _in_engine(a.name)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            for alias in node.names:
                if _in_engine(f"{module}.{alias.name}") and not _in_engine(module):
                    found.append((node.lineno, f"{module}.{alias.name}", ""))  # from pkg import mod
                elif _in_engine(module):
                    found.append((node.lineno, module, alias.name))
    return sorted(found)


def _in_engine(module: str) -> bool:
    return module == ENGINE or module.startswith(ENGINE + ".")


def _consumer_files() -> list[Path]:
    return sorted(p for folder in CONSUMERS for p in folder.rglob("*.py"))


def _private(path: Path) -> list[str]:
    rel = path.relative_to(ROOT)
    return [
        f"{rel}:{line}: {module}" + (f" ({name})" if name else "")
        for line, module, name in engine_imports(path.read_text(encoding="utf-8"), package_of(path))
        if module != ENGINE
    ]


def test_consumers_import_only_the_engine_package() -> None:
    private = [hit for path in _consumer_files() for hit in _private(path)]
    assert not private, "import from phoenix_gui.engine instead:\n" + "\n".join(private)


def test_every_name_the_consumers_import_is_on_the_surface() -> None:
    # Whatever they take from a submodule today can be taken from the package: the switch is
    # a change of the module path only.
    missing = sorted(
        f"{path.relative_to(ROOT)}: {module}.{name}"
        for path in _consumer_files()
        for _, module, name in engine_imports(path.read_text(encoding="utf-8"), package_of(path))
        if name and name not in engine.__all__
    )
    assert not missing, "not in phoenix_gui.engine.__all__:\n" + "\n".join(missing)


def test_the_surface_is_complete_public_and_documented() -> None:
    assert len(set(engine.__all__)) == len(engine.__all__)
    assert all(hasattr(engine, name) for name in engine.__all__)
    assert not [name for name in engine.__all__ if name.startswith("_")]
    doc = (ROOT / "docs" / "engine_api.md").read_text(encoding="utf-8")
    block = doc.split("<!-- surface -->")[1].split("<!-- /surface -->")[0]
    listed = set(re.findall(r"`(\w+)`", block))
    assert listed == set(engine.__all__)


def test_the_finder_sees_private_imports() -> None:
    # The test above must be able to fail: each submodule import is found, with its line.
    source = (
        "from phoenix_gui.engine import Simulation\n"
        "from phoenix_gui.engine.ring import HashRing\n"
        "import phoenix_gui.engine.audit\n"
        "from phoenix_gui import engine, params\n"
        "from phoenix_gui.engine import report\n"
        "def late():\n"
        "    from ..engine.tasks import TaskState\n"
    )
    assert engine_imports(source, ["phoenix_gui", "qt"]) == [
        (1, ENGINE, "Simulation"),
        (2, "phoenix_gui.engine.ring", "HashRing"),
        (3, "phoenix_gui.engine.audit", ""),
        (4, ENGINE, ""),
        (5, ENGINE, "report"),
        (7, "phoenix_gui.engine.tasks", "TaskState"),
    ]
