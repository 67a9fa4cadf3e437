"""Bounded, safe YAML loading that remembers where every value came from.

Only plain data is accepted: mappings, sequences, strings, numbers, booleans, null (and
implicit timestamps, which the schema then refuses by type). No object is ever constructed
from a tag; any tag outside that set is reported at its position. The file is checked in
three passes, each bounded, so no input can exhaust memory, time or the Python stack:

1. bytes: at most :data:`MAX_BYTES`, valid UTF-8, no NUL byte;
2. the event stream (iterative, no recursion): nesting at most :data:`MAX_DEPTH`, so the
   recursive composer below never sees a deep document (PyYAML's pure-Python composer
   raises RecursionError on one; libyaml stops at 1000 levels on its own);
3. the composed node graph, walked iteratively with aliases followed: at most
   :data:`MAX_NODES` *expanded* nodes. A nine-level "billion laughs" bomb is 341 bytes with
   only 72 aliases but expands to ~387 million nodes, so counting aliases would not help.

The walk builds the Python data itself and records the (line, column) of every value and
every mapping key by field path, e.g. ``("members", "listed", 3, "trust")``, so schema
errors can point into the file. Duplicate keys, which PyYAML silently collapses, are errors.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from phoenix_gui.scenario.errors import DOCUMENT, Problem, ScenarioError, format_path

MAX_BYTES = 1 << 20  # 1 MiB
MAX_NODES = 200_000
MAX_DEPTH = 100
MAX_PROBLEMS = 20  # stop collecting after this many; the first ones are what matters

# The C loader is about 4× faster; the pure-Python one behaves the same.
_BASE: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)

_STD = "tag:yaml.org,2002:"
_INT, _FLOAT, _BOOL = _STD + "int", _STD + "float", _STD + "bool"

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution). PyYAML resolves
# YAML 1.1: `010` is octal 8, `1:30` sexagesimal 90, `1_000` 1000, `yes`/`on` booleans, and
# `1e3` (no dot) a string. Here `010` is 10, `1:30` and `yes` stay text (the schema then
# refuses them where a number or a boolean belongs) and `1e3` is a float.
_INT_12 = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_12 = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)
_BOOL_12 = re.compile(r"true|True|TRUE|false|False|FALSE")


class Yaml12Loader(_BASE):  # type: ignore[misc, valid-type]
    """The safe loader with YAML 1.2 core-schema resolution of booleans and numbers."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT, _BOOL)]
        for first, resolvers in _BASE.yaml_implicit_resolvers.items()
    }


Yaml12Loader.add_implicit_resolver(_BOOL, re.compile(f"^(?:{_BOOL_12.pattern})$"), list("tTfF"))
Yaml12Loader.add_implicit_resolver(
    _INT, re.compile(f"^(?:{_INT_12.pattern})$"), list("-+0123456789")
)
Yaml12Loader.add_implicit_resolver(
    _FLOAT, re.compile(f"^(?:{_FLOAT_12.pattern})$"), list("-+.0123456789")
)

LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = Yaml12Loader

_SCALAR_TAGS = frozenset(_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_SEQ_TAG = _STD + "seq"
_MAP_TAG = _STD + "map"

Path = tuple[str | int, ...]
Position = tuple[int, int]


@dataclass
class Document:
    """Plain data loaded from YAML plus where each part of it was written."""

    source: str
    data: Any
    positions: dict[Path, Position] = field(default_factory=dict)
    key_positions: dict[Path, Position] = field(default_factory=dict)

    def locate(self, loc: Path, key: bool = False) -> Position:
        """Position of ``loc`` (its key if ``key``), else of its nearest written ancestor."""
        if key and loc in self.key_positions:
            return self.key_positions[loc]
        for n in range(len(loc), -1, -1):
            pos = self.positions.get(loc[:n])
            if pos is not None:
                return pos
        return (1, 1)

    def problem(self, loc: Path, message: str, key: bool = False) -> Problem:
        line, column = self.locate(loc, key)
        return Problem(self.source, line, column, format_path(loc), message)


def load_bytes(data: bytes, source: str) -> Document:
    """Check and decode raw file bytes, then :func:`load_text`."""
    if len(data) > MAX_BYTES:
        raise ScenarioError.single(
            source, f"file is {_mib(len(data))}; scenario files are limited to {_mib(MAX_BYTES)}"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        raise ScenarioError.single(
            source,
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}",
            line,
            column,
        ) from None
    return load_text(text.removeprefix("\ufeff"), source)


def load_text(text: str, source: str) -> Document:
    """Parse ``text`` as one YAML document of plain data, within the limits."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        line, column = _char_position(text, exc.start)
        raise ScenarioError.single(
            source, "text holds a character that is not valid Unicode", line, column
        ) from None
    if size > MAX_BYTES:
        raise ScenarioError.single(
            source, f"text is {_mib(size)}; scenario files are limited to {_mib(MAX_BYTES)}"
        )
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _char_position(text, nul)
        raise ScenarioError.single(source, "NUL byte in file (is it a binary file?)", line, column)
    _check_depth(text, source)
    try:
        root = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, source, text) from None
    except RecursionError:  # defence in depth: _check_depth should make this unreachable
        raise ScenarioError.single(source, f"nesting deeper than {MAX_DEPTH} levels") from None
    if root is None:
        raise ScenarioError.single(source, "the file is empty; expected a scenario mapping")
    return _Walker(source).walk(root)


def _check_depth(text: str, source: str) -> None:
    """Walk the event stream (iterative in both loaders) and refuse deep nesting early."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    raise ScenarioError.single(
                        source, f"nesting deeper than {MAX_DEPTH} levels", line, column
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, source, text) from None


class _Walker:
    """Iterative walk of the composed node graph (aliases followed) that builds plain data."""

    def __init__(self, source: str) -> None:
        self.doc = Document(source, None)
        self.problems: list[Problem] = []
        self.nodes = 0
        self.constructor = SafeConstructor()

    def walk(self, root: Node) -> Document:
        holder: list[Any] = [None]
        # (node, path, depth, container, slot): the value of node goes into container[slot].
        stack: list[tuple[Node, Path, int, Any, Any]] = [(root, (), 1, holder, 0)]
        while stack:
            node, path, depth, container, slot = stack.pop()
            self.nodes += 1
            if self.nodes > MAX_NODES:
                self._fatal(
                    node,
                    path,
                    f"document expands to more than {MAX_NODES} nodes "
                    "(aliases are counted each time they are used)",
                )
            if depth > MAX_DEPTH:
                self._fatal(
                    node,
                    path,
                    f"nesting deeper than {MAX_DEPTH} levels "
                    "(through aliases, or an alias that contains itself)",
                )
            self.doc.positions[path] = _pos(node)
            container[slot] = self._value(node, path, depth, stack)
            if len(self.problems) >= MAX_PROBLEMS:
                break
        if self.problems:
            raise ScenarioError(self.problems)
        self.doc.data = holder[0]
        return self.doc

    def _value(self, node: Node, path: Path, depth: int, stack: list[Any]) -> Any:
        if isinstance(node, ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                return self._bad_tag(node, path)
            if node.tag in (_INT, _FLOAT, _BOOL):
                return self._yaml12_scalar(node, path)
            try:
                return self.constructor.construct_object(node, deep=True)
            except Exception as exc:  # e.g. "!!int abc" or a timestamp like 2024-13-45
                self._add(node, path, f"cannot read {node.value!r} as {_short(node.tag)}: {exc}")
                return None
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                return self._bad_tag(node, path)
            items: list[Any] = [None] * len(node.value)
            for i in range(len(node.value) - 1, -1, -1):
                stack.append((node.value[i], (*path, i), depth + 1, items, i))
            return items
        if isinstance(node, MappingNode):
            if node.tag != _MAP_TAG:
                return self._bad_tag(node, path)
            return self._mapping(node, path, depth, stack)
        self._add(node, path, f"unsupported YAML node {type(node).__name__}")
        return None

    def _yaml12_scalar(self, node: ScalarNode, path: Path) -> Any:
        """A boolean or number read as YAML 1.2 reads it (also under an explicit tag)."""
        text = str(node.value)
        if node.tag == _BOOL and _BOOL_12.fullmatch(text):
            return text.lower() == "true"
        if node.tag == _INT and _INT_12.fullmatch(text):
            if text.startswith(("0o", "0x")):
                return int(text[2:], 8 if text[1] == "o" else 16)
            return int(text, 10)
        if node.tag == _FLOAT and _FLOAT_12.fullmatch(text):
            if text.lstrip("+-").lower() == ".inf":
                return -math.inf if text.startswith("-") else math.inf
            if text.lower() == ".nan":
                return math.nan
            return float(text)
        if node.tag == _FLOAT and _INT_12.fullmatch(text):  # !!float 0x10 and the like
            return float(self._yaml12_scalar(ScalarNode(_INT, text, node.start_mark), path))
        self._add(node, path, f"cannot read {text!r} as {_short(node.tag)} (YAML 1.2)")
        return None

    def _mapping(self, node: MappingNode, path: Path, depth: int, stack: list[Any]) -> Any:
        result: dict[str, Any] = {}
        pending: list[tuple[Node, Path, int, Any, Any]] = []
        for key_node, value_node in node.value:
            self.nodes += 1  # a key is a node too
            if key_node.tag == _STD + "merge":
                self._add(key_node, path, "merge keys (<<) are not supported; write the keys out")
                continue
            if not isinstance(key_node, ScalarNode):
                self._add(key_node, path, "a mapping key must be plain text")
                continue
            # The raw text is the key: `on:` or `1:` stay the strings "on" / "1", so an unknown
            # key is reported by name instead of as a boolean or a number.
            key = str(key_node.value)
            child = (*path, key)
            if key in result:
                first = self.doc.key_positions[child]
                self._add(key_node, child, f"duplicate key {key!r} (first at line {first[0]})")
                continue
            self.doc.key_positions[child] = _pos(key_node)
            result[key] = None  # keeps the file's key order
            pending.append((value_node, child, depth + 1, result, key))
        stack.extend(reversed(pending))
        return result

    def _bad_tag(self, node: Node, path: Path) -> None:
        self._add(
            node,
            path,
            f"tag {_short(node.tag)} is not allowed: scenario files hold plain data only",
        )

    def _add(self, node: Node, path: Path, message: str) -> None:
        line, column = _pos(node)
        self.problems.append(Problem(self.doc.source, line, column, format_path(path), message))

    def _fatal(self, node: Node, path: Path, message: str) -> None:
        self._add(node, path, message)
        raise ScenarioError(self.problems)


def _syntax_error(exc: yaml.YAMLError, source: str, text: str) -> ScenarioError:
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = _char_position(text, min(exc.position, len(text)))
        char = exc.character
        code = ord(char) if isinstance(char, str) and len(char) == 1 else char
        shown = f"U+{code:04X}" if isinstance(code, int) else repr(code)
        message = f"character {shown} is not allowed in YAML: {exc.reason}"
        return ScenarioError([Problem(source, line, column, DOCUMENT, message)])
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        message = f"YAML syntax: {problem}" + (f" ({context})" if context else "")
    else:
        message = "YAML syntax: " + " ".join(str(exc).split())
    if "maximum nesting depth" in message:
        # libyaml's scanner stops at 1000 levels before our event check sees level 101.
        message = f"nesting deeper than {MAX_DEPTH} levels ({message})"
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return ScenarioError([Problem(source, line, column, DOCUMENT, message)])


def _pos(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _short(tag: str) -> str:
    return "!!" + tag[len(_STD) :] if tag.startswith(_STD) else tag


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB" if size >= 1 << 20 else f"{size} bytes"


def _byte_position(data: bytes, offset: int) -> Position:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _char_position(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def reads_as_non_text(text: str) -> bool:
    """Whether a plain (unquoted) ``text`` would be read back as a boolean or a number."""
    return bool(_BOOL_12.fullmatch(text) or _INT_12.fullmatch(text) or _FLOAT_12.fullmatch(text))
