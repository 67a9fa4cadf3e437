"""The Flight Recorder: a hash-chained audit log of engine events, one JSON object per line.

Each record is written as one line with the payload keys flattened in for readability::

    {"seq":0,"details":{...},"event":"run_started","primitive":"system","time":0.0,
     "prev_hash":"000…000","hash":"…"}

``hash`` is the SHA-256 hex digest of the canonical JSON (sorted keys, separators ``,`` and
``:``, UTF-8, no NaN) of ``{"seq": seq, "prev_hash": prev_hash, "payload": payload}``, where the
payload is every key of the line except ``seq``, ``prev_hash`` and ``hash``. Record 0 has the
all-zero :data:`GENESIS_HASH` as ``prev_hash``; every later record carries the hash of the one
before it, so altering, deleting, inserting or reordering a record breaks the chain at that
record, and truncation shows against the head hash and record count stored with a saved run.

This is **tamper-evident, not tamper-proof**: the chain is not keyed or signed, so anyone who can
edit the file can recompute every hash after their edit. It catches accidents and casual edits;
it proves nothing against someone who rewrites the chain. Keep the head hash somewhere the
editor cannot reach if that matters.

A finished or interrupted run ends its log with a closing record (event ``log_closed``, see
:meth:`AuditLog.seal`) stating how many records the log holds, itself included. A verifier then
catches a truncated log, an empty file and records appended after the seal without being told
the head or the count; only a log whose every hash was recomputed after an edit needs a head
kept elsewhere (``run --json`` prints it).

Memory: with ``keep=False`` (headless runs) the log streams each line to its sink and keeps
only the last :data:`RECENT` records in :attr:`AuditLog.recent`, so a long run does not grow;
the window keeps every record (``keep=True``) for its table, Verify and export.

Reading a log back is bounded too: regular files only, at most :data:`MAX_LINE_BYTES` per
record, and a record nested too deep for the JSON reader is a bad record, not a crash.

Appending costs one encoding of the payload and one SHA-256: the hashed text and the line are
both assembled from that single encoding, because the canonical key order of the outer object
(``payload`` < ``prev_hash`` < ``seq``) is known in advance. The encoding is
:func:`canonical_json`: orjson (sorted keys) where its bytes are exactly those of
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)``, and
that ``json.dumps`` itself for the few payloads where they could differ, so the log is the same
byte for byte whichever path wrote a record (tests/engine/test_audit_encoding.py compares both
over generated payloads); it lives in engine/audit_text.py with the batch encoders of
:meth:`AuditLog.append_many`.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from phoenix_gui.engine.audit_lines import LineRecords, record_of
from phoenix_gui.engine.audit_record import AuditRecord as AuditRecord
from phoenix_gui.engine.audit_spool import SpooledRecords
from phoenix_gui.engine.audit_text import (
    KIND_TEXT,
    PRIMITIVE_TEXT,
    audit_times,
    dict_texts,
)
from phoenix_gui.engine.audit_text import (
    canonical_json as canonical_json,
)
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.files import STDIN, open_input

GENESIS_HASH = "0" * 64
# The closing record's event type; its details say how many records the log holds.
SEAL_EVENT = "log_closed"
# Longest record line a reader accepts (bytes, newline excluded).
MAX_LINE_BYTES = 1 << 20
# Records an AuditLog that does not keep everything still holds, for views.
RECENT = 1000

# Keys the chain itself owns; a payload may not use them because the line is flattened.
CHAIN_FIELDS = ("seq", "prev_hash", "hash")
# Keys every payload carries (DESIGN.md §6), in the order a verifier reports them missing.
PAYLOAD_FIELDS = ("time", "primitive", "event", "details")


_sha256 = hashlib.sha256
_PRIMITIVE_VALUE = {p: str(p) for p in Primitive}


class AuditError(ValueError):
    """A payload that cannot be recorded, or a log that does not verify when loaded."""


# A record built on the hot path without the frozen dataclass's __init__ (one
# object.__setattr__ call per field): the slots are set through their descriptors, which
# builds the same object at about half the cost.
_new_object = object.__new__
_SET_SEQ, _SET_PREV, _SET_PAYLOAD, _SET_HASH, _SET_LINE = (
    AuditRecord.__dict__[name].__set__ for name in ("seq", "prev_hash", "payload", "hash", "line")
)


def _encode(seq: int, prev_hash: str, payload: dict[str, Any]) -> tuple[str, str]:
    """Return (hash, line) for a record. Raises ValueError/TypeError for non-JSON payloads."""
    body = canonical_json(payload)
    # Canonical JSON of {"payload", "prev_hash", "seq"}: sorted keys put them in this order.
    digest = _sha256(
        f'{{"payload":{body},"prev_hash":"{prev_hash}","seq":{seq}}}'.encode()
    ).hexdigest()
    inner = body[1:-1]
    sep = "," if inner else ""
    line = f'{{"seq":{seq}{sep}{inner},"prev_hash":"{prev_hash}","hash":"{digest}"}}'
    return digest, line


def _payload_texts(
    times: Sequence[Any], primitives: Sequence[Any], kinds: Sequence[Any], details: Sequence[Any]
) -> tuple[list[float], list[str | None]]:
    """Each record's rounded time and its payload's canonical text without the braces (None
    where the record must go through :meth:`AuditLog.append`: a time that is not a finite
    ``float``, a kind that is not a ``str``, a primitive that is not a :class:`Primitive`, or
    details that do not encode)."""
    rounded, when_texts = audit_times(times)
    bodies = dict_texts(list(details))
    kind_text, prim_text = KIND_TEXT, PRIMITIVE_TEXT
    if (
        None not in when_texts
        and (not bodies or bodies[0] is not None)
        and set(map(type, times)) == {float}
        and set(map(type, kinds)) == {str}
        and set(map(type, primitives)) == {Primitive}
    ):
        first_kind, first_primitive = kinds[0], primitives[0]
        if kinds.count(first_kind) == len(kinds) and (
            primitives.count(first_primitive) == len(primitives)
        ):  # one kind of record (completions, moves …): the text between them worked out once
            middle = (
                f'}},"event":{kind_text[first_kind]},'
                f'"primitive":{prim_text[first_primitive]},"time":'
            )
            return rounded, [
                f'"details":{{{body}{middle}{when}'
                for body, when in zip(bodies, when_texts, strict=True)
            ]
        return rounded, [
            f'"details":{{{body}}},"event":{kind_text[kind]},'
            f'"primitive":{prim_text[primitive]},"time":{when}'
            for body, kind, primitive, when in zip(
                bodies, kinds, primitives, when_texts, strict=True
            )
        ]
    inners: list[str | None] = []
    for when, time, primitive, kind, detail, body in zip(
        when_texts, times, primitives, kinds, details, bodies, strict=True
    ):
        try:
            if (
                when is None
                or type(time) is not float
                or type(kind) is not str
                or type(primitive) is not Primitive
            ):
                raise ValueError("left to append")
            text = "{" + body + "}" if body is not None else canonical_json(detail)
            inners.append(
                f'"details":{text},"event":{kind_text[kind]},'
                f'"primitive":{prim_text[primitive]},"time":{when}'
            )
        except (TypeError, ValueError):
            inners.append(None)
    return rounded, inners


def record_hash(seq: int, prev_hash: str, payload: dict[str, Any]) -> str:
    """The hash a record with these contents must carry."""
    return _encode(seq, prev_hash, payload)[0]


class AuditLog:
    """The hash chain of a run, optionally streamed to ``sink`` as it grows.

    ``keep`` (default) holds every record in memory (the window's table, Verify, export);
    with ``keep=False`` only the last :data:`RECENT` are held, in :attr:`recent`.
    """

    def __init__(self, sink: TextIO | None = None, keep: bool = True) -> None:
        self._records: Sequence[AuditRecord] = LineRecords()
        self._recent = LineRecords(bound=RECENT)
        self._keep = keep
        self._count = 0  # records in the whole chain (a resumed log holds only its own)
        self._start = (GENESIS_HASH, 0)  # head and count where the records in memory begin
        self._head = GENESIS_HASH
        self._sink = sink
        self._sealed = False

    # A checkpoint keeps the chain's head and length; the records are in the audit file and the
    # sink belongs to whoever resumes the run (see :meth:`resume`).
    def __getstate__(self) -> dict[str, Any]:
        return {"head": self._head, "count": self._count}

    def __setstate__(self, state: dict[str, Any]) -> None:
        head, count = state.get("head"), state.get("count")
        if not isinstance(head, str) or not isinstance(count, int) or count < 0:
            raise AuditError("audit state: needs its head hash and record count")
        self.__init__()  # type: ignore[misc]
        self._head, self._count = head, count
        self._start = (head, count)

    def resume(self, sink: TextIO | None, keep: bool | None = None) -> None:
        """Continue the chain into ``sink``: the next record's previous hash is :attr:`head`.
        ``keep`` (when given) says whether records are kept in memory from now on."""
        self._sink = sink
        if keep is not None:
            self._keep = keep

    def keep_on_disk(self) -> None:
        """Keep every record from now on (and those kept so far) in a temporary file instead
        of in memory (:class:`~phoenix_gui.engine.audit_spool.SpooledRecords`): the window's
        long runs. :attr:`records`, Verify and export read them back from there."""
        if isinstance(self._records, SpooledRecords):
            return
        spool = SpooledRecords()
        for record in self._records:
            spool.append(record)
        self._records = spool
        self._keep = True

    @property
    def on_disk(self) -> bool:
        return isinstance(self._records, SpooledRecords)

    @property
    def write_error(self) -> str | None:
        """Why the records' file could not be written (they wait in memory), or None."""
        records = self._records
        return records.write_error if isinstance(records, SpooledRecords) else None

    def append(self, event: Event) -> AuditRecord:
        """Record an engine event (its :meth:`Event.payload`)."""
        # The engine's hot path (one call per event): _append and _encode inlined, same bytes.
        if self._sealed:
            raise AuditError(f"record {self._count}: the log is sealed; nothing may follow")
        payload = {  # Event.payload(), inlined
            "time": round(event.time, 9),
            "primitive": str(event.primitive),
            "event": event.kind,
            "details": event.details,
        }
        seq = self._count
        prev = self._head
        try:
            body = canonical_json(payload)
            digest = _sha256(
                f'{{"payload":{body},"prev_hash":"{prev}","seq":{seq}}}'.encode()
            ).hexdigest()
        except (TypeError, ValueError) as exc:  # NaN, a set, an object … never half-recorded
            raise AuditError(f"record {seq}: payload is not plain JSON: {exc}") from exc
        if len(body) > 2:
            line = f'{{"seq":{seq},{body[1:-1]},"prev_hash":"{prev}","hash":"{digest}"}}'
        else:
            line = f'{{"seq":{seq},"prev_hash":"{prev}","hash":"{digest}"}}'
        record = _new_object(AuditRecord)
        _SET_SEQ(record, seq)
        _SET_PREV(record, prev)
        _SET_PAYLOAD(record, payload)
        _SET_HASH(record, digest)
        _SET_LINE(record, line)
        if self._keep:
            self._records.append(record)  # type: ignore[attr-defined]
        self._recent.append(record)
        self._count = seq + 1
        self._head = digest
        if self._sink is not None:
            self._sink.write(line + "\n")
        return record

    def append_many(
        self,
        events: Sequence[Event] | None,
        columns: tuple[Sequence[Any], Sequence[Any], Sequence[Any], Sequence[Any]] | None = None,
    ) -> None:
        """:meth:`append` of each event in turn, the same records, at batch cost: the times are
        rounded and written all at once (:func:`~phoenix_gui.engine.audit_text.audit_times`),
        each payload's text is assembled from its details' encoding (a payload's keys sort as
        ``details`` < ``event`` < ``primitive`` < ``time``), the chain is hashed in one tight
        loop and the lines are written in one call. An event whose time is not a finite
        ``float``, or whose kind or details do not encode, goes through :meth:`append` (which
        records it, or raises as it does). ``columns``: the events' (times, primitives, kinds,
        details) when the caller has them already (:meth:`Core.emit_many`), which may then
        pass ``None`` for the events (they are made only for a record the batch path leaves
        to :meth:`append`)."""
        if columns is None:
            if events is None:
                raise TypeError("append_many needs the events or their columns")
            columns = (
                [e.time for e in events],
                [e.primitive for e in events],
                [e.kind for e in events],
                [e.details for e in events],
            )
        times, primitives, kinds, details = columns
        if not times:
            return
        if self._sealed:
            raise AuditError(f"record {self._count}: the log is sealed; nothing may follow")
        rounded, inners = _payload_texts(times, primitives, kinds, details)
        n = len(times)
        start = 0
        while start < n:
            try:
                end = inners.index(None, start)
            except ValueError:
                end = n
            if end > start:
                start += self._chain(
                    inners[start:end],
                    rounded[start:end],
                    [_PRIMITIVE_VALUE[p] for p in primitives[start:end]],
                    list(kinds[start:end]),
                    list(details[start:end]),
                )
            if start < n:  # a record the fast path cannot take: append records it, or raises
                if events is not None:
                    self.append(events[start])
                else:
                    when, primitive = times[start], primitives[start]
                    self.append(Event(when, primitive, kinds[start], details[start]))
                start += 1

    def _chain(
        self,
        inners: list[str | None],
        times: list[float],
        primitives: list[str],
        kinds: list[str],
        details: list[dict[str, Any]],
    ) -> int:
        """Hash and record the payload texts ``inners`` (with their payloads' parts); returns
        how many were recorded (fewer than all if one's text cannot be encoded to UTF-8: a
        lone surrogate, left to :meth:`append`)."""
        seq = self._count
        prev = self._head
        lines: list[str] = []
        add = lines.append
        sha256 = _sha256
        try:
            for inner in inners:
                digest = sha256(
                    f'{{"payload":{{{inner}}},"prev_hash":"{prev}","seq":{seq}}}'.encode()
                ).hexdigest()
                add(f'{{"seq":{seq},{inner},"prev_hash":"{prev}","hash":"{digest}"}}')
                prev = digest
                seq += 1
        except UnicodeEncodeError:
            pass
        done = len(lines)
        if done == 0:
            return 0
        if done < len(times):
            times, primitives, kinds = times[:done], primitives[:done], kinds[:done]
            details = details[:done]
        records = self._records if self._keep else None
        if isinstance(records, LineRecords):
            records.extend(lines, times, primitives, kinds, details)
        elif records is not None:
            for line, when, primitive, kind, detail in zip(
                lines, times, primitives, kinds, details, strict=True
            ):
                payload = {"time": when, "primitive": primitive, "event": kind, "details": detail}
                records.append(record_of(line, payload))  # type: ignore[attr-defined]
        self._recent.extend(lines, times, primitives, kinds, details)
        self._count, self._head = seq, prev
        if self._sink is not None:
            self._sink.write("\n".join(lines) + "\n")
        return done

    def append_payload(self, payload: dict[str, Any]) -> AuditRecord:
        """Record a ready-made payload; it needs time, primitive, event and details."""
        if not isinstance(payload, dict):
            raise AuditError(f"payload must be a dict, got {type(payload).__name__}")
        for key in CHAIN_FIELDS:
            if key in payload:
                raise AuditError(f"payload may not use the chain field {key!r}")
        for key in PAYLOAD_FIELDS:
            if key not in payload:
                raise AuditError(f"payload is missing the field {key!r}")
        for key in payload:
            if not isinstance(key, str):
                raise AuditError(f"payload keys must be strings, got {key!r}")
        if payload.get("event") == SEAL_EVENT:
            raise AuditError(f"the {SEAL_EVENT!r} record is written by seal() only")
        return self._append(payload)

    def _append(self, payload: dict[str, Any]) -> AuditRecord:
        if self._sealed:
            raise AuditError(f"record {self._count}: the log is sealed; nothing may follow")
        record = self._make(payload)
        if self._keep:
            self._records.append(record)  # type: ignore[attr-defined]
        self._recent.append(record)
        self._count += 1
        self._head = record.hash
        if self._sink is not None:
            self._sink.write(record.line + "\n")
        return record

    def _make(self, payload: dict[str, Any]) -> AuditRecord:
        seq = self._count
        try:
            digest, line = _encode(seq, self._head, payload)
        except (TypeError, ValueError) as exc:  # NaN, a set, an object … never half-recorded
            raise AuditError(f"record {seq}: payload is not plain JSON: {exc}") from exc
        return AuditRecord(seq, self._head, payload, digest, line)

    def closing_record(self, time: float, interrupted: bool = False) -> AuditRecord:
        """The record :meth:`seal` would append now (the log itself is left as it is)."""
        return self._make(seal_payload(time, self._count + 1, interrupted))

    def seal(self, time: float, interrupted: bool = False) -> AuditRecord:
        """Append the closing record (the count, itself included); nothing may follow it."""
        record = self._append(seal_payload(time, self._count + 1, interrupted))
        self._sealed = True
        return record

    @property
    def sealed(self) -> bool:
        return self._sealed

    @property
    def keeps_records(self) -> bool:
        return self._keep

    @property
    def records(self) -> Sequence[AuditRecord]:
        """All records in order (a live view: do not modify). Empty when ``keep=False``."""
        return self._records

    @property
    def recent(self) -> Sequence[AuditRecord]:
        """The last :data:`RECENT` records, oldest first (bounded, whatever ``keep`` is)."""
        return self._recent

    @property
    def head(self) -> str:
        """Hash of the last record, or :data:`GENESIS_HASH` for an empty log."""
        return self._head

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[AuditRecord]:
        return iter(self._records)

    def filter(
        self, primitive: Primitive | str | None = None, kind: str | None = None
    ) -> list[AuditRecord]:
        """Records of one primitive and/or one event kind (``None`` matches everything)."""
        records = self._records
        return [records[i] for i in self.indexes(primitive, kind)]

    def indexes(
        self, primitive: Primitive | str | None = None, kind: str | None = None, start: int = 0
    ) -> list[int]:
        """Positions in :attr:`records` (from ``start`` on) of :meth:`filter`'s records."""
        prim = primitive.value if isinstance(primitive, Primitive) else primitive
        records = self._records
        if isinstance(records, SpooledRecords | LineRecords):
            return records.indexes(prim, kind, start)
        return [
            i
            for i in range(start, len(records))
            if (prim is None or records[i].payload.get("primitive") == prim)
            and (kind is None or records[i].payload.get("event") == kind)
        ]

    def event_kinds(self, start: int = 0) -> set[str]:
        """The event types of the records from ``start`` on (a window lists them to filter
        by); read from the kept kind codes where the records are spooled or kept as lines."""
        records = self._records
        if isinstance(records, SpooledRecords | LineRecords):
            return records.event_kinds(start)
        return {str(records[i].payload.get("event", "")) for i in range(start, len(records))}

    def _lines(self) -> Iterator[str]:
        records = self._records
        if isinstance(records, SpooledRecords | LineRecords):
            return records.lines()
        return (r.line for r in records)

    def flush(self) -> None:
        """Push streamed lines to the operating system (no-op without a sink)."""
        if self._sink is not None:
            self._sink.flush()

    def verify(self) -> VerifyResult:
        """Re-check the in-memory chain (what the GUI's "verify" button shows). A log that
        does not keep its records re-checks the links of the :attr:`recent` window."""
        if not self._keep:
            return self._verify_recent()
        if self._start == (GENESIS_HASH, 0):
            return verify_lines(self._lines(), self._head, len(self._records))
        return self._verify_resumed()

    def _verify_recent(self) -> VerifyResult:
        held = list(self._recent)
        if not held:
            return VerifyResult(True, self._count, self._head)
        head = held[0].prev_hash
        for record in held:
            if record.prev_hash != head or record_hash(record.seq, head, record.payload) != (
                record.hash
            ):
                return VerifyResult(False, record.seq, head, record.seq, "hash chain broken")
            head = record.hash
        return VerifyResult(head == self._head, self._count, self._head)

    def _verify_resumed(self) -> VerifyResult:
        # A resumed log holds the records since the checkpoint; they chain from its head.
        prev, seq = self._start
        for record in self._records:
            if record.seq != seq:
                return VerifyResult(False, seq, prev, seq, f"seq out of order: found {record.seq}")
            if record.prev_hash != prev:
                return VerifyResult(False, seq, prev, seq, "previous hash does not match")
            if record_hash(seq, prev, record.payload) != record.hash:
                return VerifyResult(False, seq, prev, seq, "hash does not match its contents")
            prev, seq = record.hash, seq + 1
        if (prev, seq) != (self._head, self._count):
            return VerifyResult(False, seq, prev, seq, "records missing at the end")
        return VerifyResult(True, seq, prev)

    def write_jsonl(
        self, path: str | os.PathLike[str], *, sealed: bool = False, time: float | None = None
    ) -> None:
        """Write the whole log to ``path`` atomically: the old file survives any failure.

        With ``sealed`` the file ends with a closing record at ``time`` (the last record's
        time by default), as if the run stopped here; the log in memory goes on unsealed.
        """
        if not self._keep:
            raise AuditError("this log does not keep its records (it was streamed to its sink)")
        lines: Iterable[str] = self._lines()
        if sealed and not self._sealed:
            when = time if time is not None else (self._records[-1].time if self._records else 0.0)
            lines = itertools.chain(lines, (self.closing_record(when).line,))
        write_lines_atomic(path, lines)


def seal_payload(time: float, records: int, interrupted: bool = False) -> dict[str, Any]:
    """The closing record's payload: the log holds ``records`` records, this one included."""
    return {
        "time": time,
        "primitive": Primitive.SYSTEM.value,
        "event": SEAL_EVENT,
        "details": {"records": records, "complete": True, "interrupted": interrupted},
    }


def write_lines_atomic(path: str | os.PathLike[str], lines: Iterable[str]) -> None:
    """Write ``lines`` (one newline each) to a temp file beside ``path``, fsync, then replace."""
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            # mkstemp makes the file private (0600); keep the old file's mode, else 0644.
            os.chmod(tmp_name, target.stat().st_mode & 0o7777 if target.exists() else 0o644)
            for line in lines:
                handle.write(line)
                handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        # Whatever went wrong (including Ctrl-C), leave no half-written temp file behind.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable where the platform allows opening a directory."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a verification: ``ok``, or the index and reason of the first bad record.

    ``count`` and ``head`` describe the records that verified (all of them when ``ok``);
    ``sealed`` says the log ends with its closing record.
    """

    ok: bool
    count: int
    head: str
    bad_index: int | None = None
    reason: str | None = None
    sealed: bool = False
    # Of a sealed log: the records before the closing record, and the hash of the last one
    # (what a live log that was exported with a seal compares its own records against).
    before_seal: tuple[int, str] | None = None

    def message(self) -> str:
        """One line for people: ``OK <n> records, sealed; head <hash>`` (``OK <n> records,
        head <hash>`` for a log without its closing record) or ``record <k>: <reason>``."""
        if self.ok:
            state = "sealed; head" if self.sealed else "head"
            return f"OK {self.count} records, {state} {self.head}"
        return f"record {self.bad_index}: {self.reason}"


UNSEALED = "log ends without its closing record — truncated or still being written"


class _BadRecordError(Exception):
    """Internal: the current line fails verification for ``reason``."""


class _TooLong(bytes):
    """Internal: a line longer than :data:`MAX_LINE_BYTES` (only its start was read)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in the audit log")


def _check_line(raw: str | bytes, index: int, prev_hash: str) -> AuditRecord:
    """Parse one line and check it against its position and predecessor."""
    if isinstance(raw, _TooLong):
        raise _BadRecordError(
            f"line longer than {MAX_LINE_BYTES} bytes (1 MiB), the limit of one record"
        )
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _BadRecordError(f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    line = raw[:-1] if raw.endswith("\n") else raw
    if not line:
        raise _BadRecordError("empty line")
    if len(line) > MAX_LINE_BYTES:
        raise _BadRecordError(
            f"line longer than {MAX_LINE_BYTES} bytes (1 MiB), the limit of one record"
        )
    try:
        obj = json.loads(line, parse_constant=_reject_constant)
    except RecursionError:
        raise _BadRecordError("nested too deeply to be a record") from None
    except ValueError as exc:
        raise _BadRecordError(f"bad JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise _BadRecordError(f"not a JSON object but {type(obj).__name__}")
    for key in ("seq", *PAYLOAD_FIELDS, "prev_hash", "hash"):
        if key not in obj:
            raise _BadRecordError(f"missing field {key!r}")
    seq = obj.pop("seq")
    if type(seq) is not int or seq != index:
        raise _BadRecordError(f"seq out of order: expected {index}, found {seq!r}")
    stored_prev = obj.pop("prev_hash")
    if stored_prev != prev_hash:
        before = "the genesis hash" if index == 0 else f"the hash of record {index - 1}"
        raise _BadRecordError(f"prev_hash mismatch: it is not {before}")
    stored_hash = obj.pop("hash")
    try:
        digest, canonical = _encode(index, prev_hash, obj)
    except RecursionError:
        raise _BadRecordError("nested too deeply to be a record") from None
    except ValueError as exc:  # e.g. a lone surrogate escape that UTF-8 cannot carry
        raise _BadRecordError(f"content cannot be encoded: {exc}") from None
    if stored_hash != digest:
        raise _BadRecordError("hash mismatch: the record's content was altered")
    # Same content, different bytes (key order, spacing, escapes, 1E5 for 1e5 …): still altered.
    if canonical != line:
        raise _BadRecordError("not in canonical form: the line's bytes were altered")
    return AuditRecord(index, prev_hash, obj, digest, canonical)


def _is_seal(record: AuditRecord) -> bool:
    return record.payload.get("event") == SEAL_EVENT and (
        record.payload.get("primitive") == Primitive.SYSTEM.value
    )


def _check_seal(record: AuditRecord) -> None:
    details = record.payload.get("details")
    stated = details.get("records") if isinstance(details, dict) else None
    if type(stated) is not int or stated != record.seq + 1:
        raise _BadRecordError(
            f"closing record states {stated!r} records, but it is record {record.seq} "
            f"(the log holds {record.seq + 1})"
        )


def _verify(
    lines: Iterable[str | bytes],
    expected_head: str | None,
    expected_count: int | None,
    keep: list[AuditRecord] | None,
    require_seal: bool = False,
) -> VerifyResult:
    head = GENESIS_HASH
    count = 0
    head_seen_at: int | None = None  # where the chain passed expected_head, if it did
    sealed_at: int | None = None
    before_seal: tuple[int, str] | None = None
    for index, raw in enumerate(lines):
        if sealed_at is not None:
            return VerifyResult(
                False, count, head, index,
                f"record after the closing record (record {sealed_at} sealed the log)",
            )  # fmt: skip
        try:
            record = _check_line(raw, index, head)
            if _is_seal(record):
                _check_seal(record)
                sealed_at = index
                before_seal = (index, head)
        except _BadRecordError as bad:
            return VerifyResult(False, count, head, index, str(bad))
        if keep is not None:
            keep.append(record)
        head = record.hash
        count = index + 1
        if head == expected_head:
            head_seen_at = index
    if expected_count is not None and count != expected_count:
        what = "truncated" if count < expected_count else "extra records"
        return VerifyResult(
            False,
            count,
            head,
            min(count, expected_count),
            f"{what}: expected {expected_count} records, found {count}",
        )
    if expected_head is not None and head != expected_head:
        if head_seen_at is not None:  # the stored head was passed: records were added after it
            return VerifyResult(
                False,
                count,
                head,
                head_seen_at + 1,
                f"extra records: the expected head is record {head_seen_at}'s hash",
            )
        return VerifyResult(
            False,
            count,
            head,
            count,
            f"head mismatch: the log ends after {count} records without reaching the "
            f"expected head {expected_head} (truncated or rewritten)",
        )
    if require_seal and sealed_at is None:
        reason = UNSEALED + (" (the file is empty)" if count == 0 else "")
        return VerifyResult(False, count, head, count, reason)
    return VerifyResult(True, count, head, sealed=sealed_at is not None, before_seal=before_seal)


def verify_lines(
    lines: Iterable[str | bytes],
    expected_head: str | None = None,
    expected_count: int | None = None,
    *,
    require_seal: bool = False,
) -> VerifyResult:
    """Check a chain given as lines (with or without their newline; ``str`` or UTF-8 bytes).

    Split text on ``"\\n"`` only (file iteration does): ``str.splitlines`` also splits on
    U+2028 and friends, which may legitimately appear inside a record's strings.

    A closing record must be the last one and state the right count. With ``require_seal`` a
    log without one fails (truncated, still being written, or empty). With ``expected_head`` /
    ``expected_count`` (stored with a saved run) a recomputed chain is caught too.
    """
    return _verify(lines, expected_head, expected_count, None, require_seal)


def _file_lines(handle: Any) -> Iterator[bytes]:
    """The lines of a binary file, each read with a cap: a longer one comes back as _TooLong
    (its first bytes) and the reading stops there."""
    while True:
        line = handle.readline(MAX_LINE_BYTES + 2)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES + 1 or (
            len(line) == MAX_LINE_BYTES + 1 and not line.endswith(b"\n")
        ):
            yield _TooLong(line[:64])
            return
        yield line


def verify_file(
    path: str | os.PathLike[str],
    expected_head: str | None = None,
    expected_count: int | None = None,
    *,
    require_seal: bool = False,
) -> VerifyResult:
    """Verify a JSON-lines file (a regular file, or ``-`` for standard input). Raises
    ``OSError`` (:class:`~phoenix_gui.files.InputFileError` for a FIFO, a device …) when it
    cannot be read.

    Read as bytes and split on newline only, so a changed line ending or an invalid UTF-8 byte
    is reported as tampering instead of being smoothed over by text mode.
    """
    handle = open_input(path, allow_stdin=True)
    try:
        return _verify(_file_lines(handle), expected_head, expected_count, None, require_seal)
    finally:
        if os.fspath(path) != STDIN:
            handle.close()


def load_jsonl(
    path: str | os.PathLike[str],
    expected_head: str | None = None,
    expected_count: int | None = None,
) -> AuditLog:
    """Read a saved log back into memory; raises :class:`AuditError` if it does not verify."""
    records: list[AuditRecord] = []
    with open_input(path) as handle:
        result = _verify(_file_lines(handle), expected_head, expected_count, records)
    if not result.ok:
        raise AuditError(f"{os.fspath(path)}: {result.message()}")
    log = AuditLog()
    log._records = records
    for record in records[-RECENT:]:
        log._recent.append(record)
    log._count = len(records)
    log._head = result.head
    log._sealed = result.sealed
    return log
