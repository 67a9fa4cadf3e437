"""Checkpoints of a whole run: capture, restore, and a safe file format.

A :class:`Checkpoint` is the complete state of a :class:`~phoenix_gui.engine.simulation.Simulation`
between two steps — clock, every random stream's state, registry, ring, tasks, in-flight transfers,
queued requests, the observed history, counters and the audit head and count — frozen into plain
data: one JSON text describing the object graph, plus the numpy arrays it refers to (read-only
copies). Restoring rebuilds a simulation that continues exactly: n steps after a restore write the
same audit bytes as n more steps of the original would.

The graph is captured generically (every attribute of every engine object), so state added to the
engine later is captured too without touching this module; objects that hold something that is not
state (listeners, an open audit sink, the in-memory audit records, which live in the audit file)
say so with ``__getstate__`` / ``__setstate__``, the standard Python protocol.

It is not pickle. Decoding constructs only classes defined in ``phoenix_gui.engine`` (found by
name, created with ``object.__new__`` and given their attributes — no constructor or other code
runs), numpy arrays without object dtype (``allow_pickle=False``), numpy random generators from a
fixed list, and plain JSON values, so a state file from a stranger cannot run code. The file is a
zip (numpy's ``.npz``) of ``state.json`` — format name, version, program version, summary fields
and the SHA-256 of the graph and arrays — and one ``.npy`` per array; a damaged file fails its hash,
a file from a newer program is refused by version, and both say so in words.
"""

from __future__ import annotations

import collections
import enum
import functools
import hashlib
import importlib
import io
import json
import math
import os
import re
import stat
import types
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

STATE_FORMAT = "phoenix-flight-state"
STATE_VERSION = 1
ENGINE_PACKAGE = "phoenix_gui.engine."
# Bit generators a state may name; anything else is refused.
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")
_ENGINE_MODULE = re.compile(r"phoenix_gui\.engine\.[a-z_][a-z0-9_]*")
_QUALNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_CODE = (types.FunctionType, types.MethodType, types.BuiltinFunctionType, functools.partial)
# A state file is a bounded read: the header and every array together.
MAX_STATE_BYTES = 2 << 30
MAX_HEADER_BYTES = 256 << 20


class StateError(ValueError):
    """A checkpoint that cannot be taken, or a state file that cannot be restored."""


@dataclass(frozen=True)
class Checkpoint:
    """The whole state of a run between two steps; immutable (its arrays are read-only)."""

    version: int
    step: int
    time: float
    audit_head: str
    audit_count: int
    graph: str  # JSON text of the object graph
    arrays: Mapping[str, np.ndarray]

    def digest(self) -> str:
        """SHA-256 over the graph and every array (name, dtype, shape, bytes), in name order."""
        h = hashlib.sha256(self.graph.encode())
        for name in sorted(self.arrays):
            arr = self.arrays[name]
            h.update(f"\n{name}:{arr.dtype.str}:{arr.shape}\n".encode())
            h.update(np.ascontiguousarray(arr).tobytes())
        return h.hexdigest()


# -- capture ----------------------------------------------------------------------------------


class _Encoder:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.memo: dict[int, int] = {}
        self.keep: list[Any] = []  # keeps memoised objects alive so their ids stay unique

    def ref(self, obj: Any) -> int | None:
        return self.memo.get(id(obj))

    def remember(self, obj: Any) -> int:
        n = len(self.memo)
        self.memo[id(obj)] = n
        self.keep.append(obj)
        return n

    def encode(self, obj: Any, path: str) -> Any:
        if isinstance(obj, enum.Enum):  # first: a str or int enum is also a str or an int
            return {"$enum": _class_name(type(obj), path), "value": self.encode(obj.value, path)}
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return obj
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else {"$float": repr(obj)}
        if isinstance(obj, np.generic):
            if obj.dtype.kind not in "biuf":
                raise StateError(f"{path}: numpy scalar of dtype {obj.dtype} is not state")
            return {"$np": obj.dtype.str, "value": self.encode(obj.item(), path)}
        if isinstance(obj, tuple) and type(obj) is not tuple:  # a NamedTuple of the engine
            name = _class_name(type(obj), path)
            return {
                "$named": name,
                "items": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)],
            }
        if isinstance(obj, tuple):
            return {"$tuple": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)]}
        if isinstance(obj, frozenset):
            return {"$frozenset": [self.encode(v, f"{path}{{}}") for v in _ordered(obj)]}
        seen = self.ref(obj)
        if seen is not None:
            return {"$ref": seen}
        return self.encode_mutable(obj, path)

    def encode_mutable(self, obj: Any, path: str) -> Any:
        if isinstance(obj, np.ndarray):
            if obj.dtype.hasobject:
                raise StateError(f"{path}: an array of Python objects is not state")
            if obj.base is not None and not isinstance(obj.base, bytes):
                # A view shares memory with another array; restored apart they would not.
                base = obj.base
                if isinstance(base, np.ndarray) and self.ref(base) is not None:
                    raise StateError(f"{path}: a view of another state array")
            n = self.remember(obj)
            key = f"a{len(self.arrays)}"
            self.arrays[key] = obj.copy()
            return {"$array": key, "id": n}
        n = self.remember(obj)
        if isinstance(obj, list):
            return {"$list": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)], "id": n}
        if isinstance(obj, collections.deque):
            items = [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)]
            return {"$deque": items, "maxlen": obj.maxlen, "id": n}
        if isinstance(obj, dict):
            if type(obj) not in (dict, collections.OrderedDict):
                raise StateError(f"{path}: {type(obj).__name__} is not a state container")
            pairs = [
                [self.encode(k, f"{path}.key"), self.encode(v, f"{path}[{k!r}]")]
                for k, v in obj.items()
            ]
            tag = "$odict" if type(obj) is collections.OrderedDict else "$dict"
            return {tag: pairs, "id": n}
        if isinstance(obj, set):
            return {"$set": [self.encode(v, f"{path}{{}}") for v in _ordered(obj)], "id": n}
        if isinstance(obj, np.random.Generator):
            bitgen = obj.bit_generator
            name = type(bitgen).__name__
            if name not in BIT_GENERATORS:
                raise StateError(f"{path}: bit generator {name} is not supported")
            return {"$generator": name, "state": self.encode(bitgen.state, path), "id": n}
        if isinstance(obj, np.random.SeedSequence):
            return {
                "$seedseq": self.encode(
                    {
                        "entropy": obj.entropy,
                        "spawn_key": tuple(obj.spawn_key),
                        "pool_size": obj.pool_size,
                        "n_children_spawned": obj.n_children_spawned,
                    },
                    path,
                ),
                "id": n,
            }
        if isinstance(obj, _CODE):
            raise StateError(f"{path}: a function is not state (define __getstate__)")
        name = _class_name(type(obj), path)
        state = _state_of(obj)
        encoded = {k: self.encode(v, f"{path}.{k}") for k, v in state.items()}
        return {"$obj": name, "state": encoded, "id": n}


def _ordered(items: set[Any] | frozenset[Any]) -> list[Any]:
    # A set has no order of its own; sort so the same state gives the same text.
    return sorted(items, key=lambda v: (type(v).__name__, repr(v)))


def _class_name(cls: type, path: str) -> str:
    module = cls.__module__
    if not module.startswith(ENGINE_PACKAGE):
        raise StateError(f"{path}: {module}.{cls.__qualname__} is not engine state")
    return f"{module}:{cls.__qualname__}"


def _state_of(obj: Any) -> dict[str, Any]:
    getstate = getattr(type(obj), "__getstate__", None)
    if getstate is not None and getstate is not object.__getstate__:
        state = obj.__getstate__()
        if not isinstance(state, dict):
            raise StateError(f"{type(obj).__name__}.__getstate__ must return a dict")
        return state
    state = dict(getattr(obj, "__dict__", {}))
    for klass in type(obj).__mro__:
        for slot in getattr(klass, "__slots__", ()):
            if slot not in ("__dict__", "__weakref__") and hasattr(obj, slot):
                state[slot] = getattr(obj, slot)
    return state


def capture(root: Any, *, step: int, time: float, audit_head: str, audit_count: int) -> Checkpoint:
    """Freeze ``root`` (a Simulation) into a :class:`Checkpoint`."""
    encoder = _Encoder()
    graph = json.dumps(
        encoder.encode(root, "simulation"), separators=(",", ":"), ensure_ascii=False
    )
    arrays = {}
    for key, arr in encoder.arrays.items():
        arr.setflags(write=False)
        arrays[key] = arr
    return Checkpoint(
        STATE_VERSION, step, time, audit_head, audit_count, graph, MappingProxyType(arrays)
    )


# -- restore ----------------------------------------------------------------------------------


class _Decoder:
    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.arrays = arrays
        self.memo: dict[int, Any] = {}

    def decode(self, data: Any) -> Any:
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if isinstance(data, list):
            raise StateError("state graph: a bare list where a tagged value was expected")
        if not isinstance(data, dict) or len(data) == 0:
            raise StateError("state graph: malformed value")
        tag = next(iter(data))
        handler = _HANDLERS.get(tag)
        if handler is None:
            raise StateError(f"state graph: unknown tag {tag!r}")
        return handler(self, data)

    def keep(self, data: dict[str, Any], obj: Any) -> Any:
        ident = data.get("id")
        if not isinstance(ident, int):
            raise StateError("state graph: a container without its id")
        self.memo[ident] = obj
        return obj


def _engine_class(name: Any) -> type:
    if not isinstance(name, str) or ":" not in name:
        raise StateError(f"state graph: bad class name {name!r}")
    module_name, qualname = name.split(":", 1)
    if not _ENGINE_MODULE.fullmatch(module_name) or not _QUALNAME.fullmatch(qualname):
        raise StateError(f"state graph: {name} is not an engine class")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise StateError(f"state graph: no engine module {module_name}") from exc
    obj: Any = module
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    if not isinstance(obj, type) or obj.__module__ != module_name:
        raise StateError(f"state graph: {name} is not an engine class")
    return obj


def _d_float(dec: _Decoder, data: dict[str, Any]) -> float:
    text = data["$float"]
    if text not in ("nan", "inf", "-inf"):
        raise StateError(f"state graph: bad float {text!r}")
    return float(text)


def _d_np(dec: _Decoder, data: dict[str, Any]) -> Any:
    dtype = np.dtype(str(data["$np"]))
    if dtype.kind not in "biuf":
        raise StateError(f"state graph: numpy scalar of dtype {dtype}")
    return dtype.type(dec.decode(data["value"]))


def _d_enum(dec: _Decoder, data: dict[str, Any]) -> Any:
    cls = _engine_class(data["$enum"])
    if not issubclass(cls, enum.Enum):
        raise StateError(f"state graph: {data['$enum']} is not an enum")
    return cls(dec.decode(data["value"]))


def _d_tuple(dec: _Decoder, data: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(dec.decode(v) for v in _items(data["$tuple"]))


def _d_named(dec: _Decoder, data: dict[str, Any]) -> tuple[Any, ...]:
    cls = _engine_class(data["$named"])
    if not issubclass(cls, tuple) or not hasattr(cls, "_fields"):
        raise StateError(f"state graph: {data['$named']} is not a named tuple")
    items = [dec.decode(v) for v in _items(data["items"])]
    if len(items) != len(cls._fields):
        raise StateError(f"state graph: {data['$named']} needs {len(cls._fields)} fields")
    named: tuple[Any, ...] = cls(*items)
    return named


def _d_frozenset(dec: _Decoder, data: dict[str, Any]) -> frozenset[Any]:
    return frozenset(dec.decode(v) for v in _items(data["$frozenset"]))


def _d_ref(dec: _Decoder, data: dict[str, Any]) -> Any:
    ident = data["$ref"]
    if ident not in dec.memo:
        raise StateError(f"state graph: reference {ident!r} before its object")
    return dec.memo[ident]


def _d_array(dec: _Decoder, data: dict[str, Any]) -> np.ndarray:
    key = data["$array"]
    if key not in dec.arrays:
        raise StateError(f"state graph: missing array {key!r}")
    return dec.keep(data, np.array(dec.arrays[key], copy=True))  # type: ignore[no-any-return]


def _d_list(dec: _Decoder, data: dict[str, Any]) -> list[Any]:
    out: list[Any] = dec.keep(data, [])
    out.extend(dec.decode(v) for v in _items(data["$list"]))
    return out


def _d_deque(dec: _Decoder, data: dict[str, Any]) -> collections.deque[Any]:
    maxlen = data.get("maxlen")
    if maxlen is not None and not isinstance(maxlen, int):
        raise StateError("state graph: bad deque length")
    out: collections.deque[Any] = dec.keep(data, collections.deque(maxlen=maxlen))
    out.extend(dec.decode(v) for v in _items(data["$deque"]))
    return out


def _d_dict(dec: _Decoder, data: dict[str, Any]) -> dict[Any, Any]:
    ordered = "$odict" in data
    out: dict[Any, Any] = dec.keep(data, collections.OrderedDict() if ordered else {})
    for pair in _items(data["$odict" if ordered else "$dict"]):
        if not isinstance(pair, list) or len(pair) != 2:
            raise StateError("state graph: bad dictionary entry")
        out[dec.decode(pair[0])] = dec.decode(pair[1])
    return out


def _d_set(dec: _Decoder, data: dict[str, Any]) -> set[Any]:
    out: set[Any] = dec.keep(data, set())
    out.update(dec.decode(v) for v in _items(data["$set"]))
    return out


def _d_generator(dec: _Decoder, data: dict[str, Any]) -> np.random.Generator:
    name = data["$generator"]
    if name not in BIT_GENERATORS:
        raise StateError(f"state graph: bit generator {name!r} is not supported")
    bitgen = getattr(np.random, name)()
    try:
        bitgen.state = dec.decode(data["state"])
    except (TypeError, ValueError, KeyError) as exc:
        raise StateError(f"state graph: bad {name} state: {exc}") from exc
    return dec.keep(data, np.random.Generator(bitgen))  # type: ignore[no-any-return]


def _d_seedseq(dec: _Decoder, data: dict[str, Any]) -> np.random.SeedSequence:
    fields = dec.decode(data["$seedseq"])
    try:
        seq = np.random.SeedSequence(
            fields["entropy"],
            spawn_key=tuple(fields["spawn_key"]),
            pool_size=fields["pool_size"],
            n_children_spawned=fields["n_children_spawned"],
        )
    except (TypeError, ValueError, KeyError) as exc:
        raise StateError(f"state graph: bad seed sequence: {exc}") from exc
    return dec.keep(data, seq)  # type: ignore[no-any-return]


def _d_obj(dec: _Decoder, data: dict[str, Any]) -> Any:
    cls = _engine_class(data["$obj"])
    obj = dec.keep(data, object.__new__(cls))
    raw = data.get("state")
    if not isinstance(raw, dict):
        raise StateError(f"state graph: {data['$obj']} without its state")
    state = {str(k): dec.decode(v) for k, v in raw.items()}
    setstate = getattr(cls, "__setstate__", None)
    if setstate is not None:
        obj.__setstate__(state)
    else:
        for key, value in state.items():
            object.__setattr__(obj, key, value)
    return obj


def _items(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise StateError("state graph: expected a list")
    return value


_HANDLERS = {
    "$float": _d_float,
    "$np": _d_np,
    "$enum": _d_enum,
    "$tuple": _d_tuple,
    "$named": _d_named,
    "$frozenset": _d_frozenset,
    "$ref": _d_ref,
    "$array": _d_array,
    "$list": _d_list,
    "$deque": _d_deque,
    "$dict": _d_dict,
    "$odict": _d_dict,
    "$set": _d_set,
    "$generator": _d_generator,
    "$seedseq": _d_seedseq,
    "$obj": _d_obj,
}


def rebuild(checkpoint: Checkpoint) -> Any:
    """The object graph of ``checkpoint``, freshly built (the checkpoint is left unchanged)."""
    if checkpoint.version > STATE_VERSION:
        raise StateError(
            f"state version {checkpoint.version} is newer than this program's "
            f"({STATE_VERSION}): update PhoenixFlight to open it"
        )
    try:
        data = json.loads(checkpoint.graph)
    except (ValueError, RecursionError) as exc:
        raise StateError(f"state graph is not readable JSON: {exc}") from exc
    try:
        return _Decoder(checkpoint.arrays).decode(data)
    except RecursionError as exc:
        raise StateError("state graph is nested too deeply") from exc
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, StateError):
            raise
        raise StateError(f"state graph is malformed: {exc}") from exc


# -- files ------------------------------------------------------------------------------------


def write_state(checkpoint: Checkpoint, path: str | os.PathLike[str], program: str) -> None:
    """Write ``checkpoint`` to ``path`` atomically (``NAME.partial``, fsync, rename)."""
    target = Path(path)
    header = {
        "format": STATE_FORMAT,
        "version": checkpoint.version,
        "program": program,
        "step": checkpoint.step,
        "time": checkpoint.time,
        "audit_head": checkpoint.audit_head,
        "audit_count": checkpoint.audit_count,
        "sha256": checkpoint.digest(),
        "graph": checkpoint.graph,
    }
    partial = target.with_name(target.name + ".partial")
    try:
        with open(partial, "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("state.json", json.dumps(header, ensure_ascii=False))
                for name, arr in checkpoint.arrays.items():
                    buf = io.BytesIO()
                    np.save(buf, np.ascontiguousarray(arr), allow_pickle=False)
                    archive.writestr(f"{name}.npy", buf.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def read_state(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a state file written by :func:`write_state`; refuse anything else in words."""
    source = Path(path)
    try:
        info = source.stat()
    except OSError as exc:
        raise StateError(f"{source}: cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise StateError(f"{source}: not a regular file")
    if info.st_size > MAX_STATE_BYTES:
        raise StateError(f"{source}: larger than {MAX_STATE_BYTES >> 20} MiB")
    try:
        with zipfile.ZipFile(source) as archive:
            return _read_archive(archive, source)
    except zipfile.BadZipFile as exc:
        raise StateError(f"{source}: not a PhoenixFlight state file (damaged or other)") from exc
    except OSError as exc:
        raise StateError(f"{source}: cannot read: {exc}") from exc


def _read_archive(archive: zipfile.ZipFile, source: Path) -> Checkpoint:
    names = archive.namelist()
    if "state.json" not in names:
        raise StateError(f"{source}: not a PhoenixFlight state file (no state.json)")
    total = sum(i.file_size for i in archive.infolist())
    if total > MAX_STATE_BYTES:
        raise StateError(f"{source}: expands to more than {MAX_STATE_BYTES >> 20} MiB")
    if archive.getinfo("state.json").file_size > MAX_HEADER_BYTES:
        raise StateError(f"{source}: state.json is larger than {MAX_HEADER_BYTES >> 20} MiB")
    try:
        header = json.loads(archive.read("state.json").decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise StateError(f"{source}: state.json is damaged: {exc}") from exc
    if not isinstance(header, dict) or header.get("format") != STATE_FORMAT:
        raise StateError(f"{source}: not a PhoenixFlight state file")
    version = header.get("version")
    if not isinstance(version, int) or version < 1:
        raise StateError(f"{source}: state.json has no valid version")
    if version > STATE_VERSION:
        raise StateError(
            f"{source}: state version {version} was written by a newer PhoenixFlight "
            f"({header.get('program', '?')}); this program reads up to version {STATE_VERSION}"
        )
    arrays: dict[str, np.ndarray] = {}
    for name in names:
        if name == "state.json":
            continue
        if not name.endswith(".npy") or "/" in name:
            raise StateError(f"{source}: unexpected member {name!r}")
        try:
            arr = np.load(io.BytesIO(archive.read(name)), allow_pickle=False)
        except ValueError as exc:
            raise StateError(f"{source}: array {name} is damaged: {exc}") from exc
        arr.setflags(write=False)
        arrays[name[: -len(".npy")]] = arr
    try:
        checkpoint = Checkpoint(
            version,
            int(header["step"]),
            float(header["time"]),
            str(header["audit_head"]),
            int(header["audit_count"]),
            str(header["graph"]),
            MappingProxyType(arrays),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StateError(f"{source}: state.json lacks a field: {exc}") from exc
    if checkpoint.digest() != header.get("sha256"):
        raise StateError(f"{source}: damaged (its SHA-256 does not match its contents)")
    return checkpoint
