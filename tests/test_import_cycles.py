"""No import cycles between the modules of the engine or of the window (issue 10).

The test reads every module of ``phoenix_gui`` with :mod:`ast` (nothing is imported), collects
its imports — at module level and inside functions — and keeps those under ``if TYPE_CHECKING:``
apart as type-only. ``from pkg import name`` is an import of ``pkg.name`` when that is a module,
else of ``pkg``; relative imports are resolved; an import of one's own ancestor package (which
Python has already started to run) is not an edge. A run-time cycle inside ``engine`` or ``qt``
fails the test, and so does any cycle inside ``engine``, type-only edges included: a reader
must be able to understand an engine module without the ones that use it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "phoenix_gui"

Graph = Mapping[str, Iterable[str]]


@dataclass
class Imports:
    """The modules one module imports: ``runtime`` (any scope) and ``type_only``."""

    runtime: set[str] = field(default_factory=set)
    type_only: set[str] = field(default_factory=set)


def module_name(path: Path, root: Path = ROOT) -> str:
    """``phoenix_gui/engine/core.py`` → ``phoenix_gui.engine.core``; a package's ``__init__.py``
    is the package itself."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules(package_dir: Path, root: Path = ROOT) -> dict[str, Path]:
    """Every module under ``package_dir`` by dotted name, in name order."""
    found = {module_name(p, root): p for p in package_dir.rglob("*.py")}
    return dict(sorted(found.items()))


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of ``from <dots><target> import …`` written in ``module``."""
    if level == 0:
        return target or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, target] if target else base)


def _known(name: str, modules: Iterable[str]) -> str | None:
    """``name`` or its longest prefix that is a known module (``None``: not ours)."""
    known = set(modules)
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def imports_of(source: str, module: str, is_package: bool, modules: Iterable[str]) -> Imports:
    """The known modules ``module`` imports, split into run-time and type-only."""
    known = set(modules)
    out = Imports()

    def targets(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [t for a in node.names if (t := _known(a.name, known)) is not None]
        base = _resolve(module, is_package, node.level, node.module)
        names = []
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            found = sub if sub in known else _known(base, known)
            if found is not None:
                names.append(found)
        return names

    def visit(node: ast.AST, type_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, type_only)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            (out.type_only if type_only else out.runtime).update(targets(node))
        for child in ast.iter_child_nodes(node):
            visit(child, type_only)

    visit(ast.parse(source), False)
    ancestors = {".".join(module.split(".")[:k]) for k in range(1, module.count(".") + 1)}
    if is_package:
        ancestors.add(module)
    out.runtime -= ancestors
    out.type_only -= ancestors | out.runtime
    return out


def import_graph(package_dir: Path, root: Path = ROOT) -> dict[str, Imports]:
    """Every module of the package and what it imports."""
    modules = package_modules(package_dir, root)
    return {
        name: imports_of(path.read_text(encoding="utf-8"), name, path.stem == "__init__", modules)
        for name, path in modules.items()
    }


def find_cycles(graph: Graph) -> list[list[str]]:
    """One cycle per strongly connected component that has one, as ``[a, b, …, a]``.

    Tarjan's algorithm (iterative) over the nodes in name order, so the report is stable.
    """
    nodes = sorted({*graph, *(t for targets in graph.values() for t in targets)})
    succ = {n: sorted(set(graph.get(n, ()))) for n in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for start in nodes:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(succ[node]):
                work.append((node, i + 1))
                nxt = succ[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in succ[node]:
                    components.append(sorted(component))
    return [_cycle_in(component, succ) for component in sorted(components)]


def _cycle_in(component: list[str], succ: Mapping[str, list[str]]) -> list[str]:
    """A closed path through ``component``'s first node (breadth-first: a shortest one)."""
    inside = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in succ[node]:
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start] if node != start else [start, start]
                if nxt in inside and nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"{component} is not strongly connected")  # pragma: no cover


def within(graph: Mapping[str, Imports], prefix: str, type_only: bool) -> dict[str, set[str]]:
    """The edges between modules of ``prefix`` (a package name) only."""

    def inside(name: str) -> bool:
        return name == prefix or name.startswith(prefix + ".")

    return {
        name: {t for t in (imp.runtime | imp.type_only if type_only else imp.runtime) if inside(t)}
        for name, imp in graph.items()
        if inside(name)
    }


def _describe(cycles: list[list[str]]) -> str:
    return "\n".join(" → ".join(cycle) for cycle in cycles)


@pytest.fixture(scope="module")
def graph() -> dict[str, Imports]:
    return import_graph(ROOT / PACKAGE)


@pytest.mark.parametrize("prefix", ["phoenix_gui.engine", "phoenix_gui.qt"])
def test_no_runtime_import_cycle(graph: dict[str, Imports], prefix: str) -> None:
    cycles = find_cycles(within(graph, prefix, type_only=False))
    assert not cycles, f"run-time import cycles in {prefix}:\n{_describe(cycles)}"


def test_no_import_cycle_in_engine_even_type_only(graph: dict[str, Imports]) -> None:
    cycles = find_cycles(within(graph, "phoenix_gui.engine", type_only=True))
    assert not cycles, f"import cycles in the engine (type-only included):\n{_describe(cycles)}"


def test_the_graph_covers_the_package(graph: dict[str, Imports]) -> None:
    # The walk really sees the engine: the simulation imports its core at run time.
    assert "phoenix_gui.engine.core" in graph["phoenix_gui.engine.simulation"].runtime
    assert len([m for m in graph if m.startswith("phoenix_gui.engine.")]) >= 20


# -- the finder and the walker themselves --------------------------------------------------


def test_finder_reports_a_synthetic_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert "a → b → c → a" in _describe(find_cycles(graph))


def test_finder_reports_each_knot_and_self_imports() -> None:
    graph = {"x": {"y"}, "y": {"x"}, "p": {"q"}, "q": {"r"}, "r": {"p"}, "s": {"s"}}
    assert find_cycles(graph) == [["p", "q", "r", "p"], ["s", "s"], ["x", "y", "x"]]


def test_finder_passes_a_layered_graph() -> None:
    assert find_cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_walker_classifies_and_resolves_imports() -> None:
    modules = ["pkg", "pkg.sub", "pkg.sub.a", "pkg.sub.b", "pkg.sub.c", "pkg.d", "pkg.e"]
    source = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "import os\n"
        "from pkg.sub import b\n"  # a module: an edge to pkg.sub.b
        "from pkg import VALUE\n"  # a name: an edge to the package, an ancestor, so none
        "from . import c\n"  # relative: pkg.sub.c
        "if TYPE_CHECKING:\n"
        "    from ..d import Thing\n"  # relative, two levels: pkg.d, type-only
        "    from pkg.sub.b import Other\n"  # already a run-time edge: stays run-time
        "def late():\n"
        "    import pkg.e.missing\n"  # inside a function, longest known prefix: pkg.e
    )
    found = imports_of(source, "pkg.sub.a", False, modules)
    assert found.runtime == {"pkg.sub.b", "pkg.sub.c", "pkg.e"}
    assert found.type_only == {"pkg.d"}


def test_walker_resolves_relative_imports_in_a_package_init() -> None:
    modules = ["pkg", "pkg.sub", "pkg.sub.a", "pkg.d"]
    found = imports_of("from .a import x\nfrom ..d import y\n", "pkg.sub", True, modules)
    assert found.runtime == {"pkg.sub.a", "pkg.d"}
