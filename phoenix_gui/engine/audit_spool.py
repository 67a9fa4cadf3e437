"""Audit records kept on disk instead of in memory, for a window that runs for hours.

A window needs every record of its run (the Flight Recorder's table, Verify, export), but holding
each as Python objects costs about a kilobyte a record: a busy run at 120 steps a second grew by
hundreds of megabytes in half an hour. :class:`SpooledRecords` writes each record's line to an
anonymous temporary file (deleted by the system when the process ends, however it ends) and keeps
in memory only a code for its primitive and event type (one byte while there are fewer than 256
kinds) and, for every :data:`BLOCK`-th record, where its line starts: about 1.1 bytes a record. A
record is found by reading its block (its lines end with newlines; JSON text has none inside).
A record read back is rebuilt from its line (json.loads) and the last few thousand read are
cached, so a table scrolling over the log decodes each visible row once.

The rebuilt record hashes to the same value as the one appended (its payload is the line's
content) but its dicts list their keys in the line's sorted order, not the order they were built
in.

A write that fails (a full disk, a quota) loses nothing: the lines not yet written stay in memory,
are read from there, and are written when a later batch succeeds; :attr:`SpooledRecords.write_error`
says why meanwhile, so the window can tell the user. Reads and writes are positional
(``os.pread``/``os.pwrite``): a failed write cannot leave a buffer half-flushed.
"""

from __future__ import annotations

import json
import os
import tempfile
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np

from phoenix_gui.engine.audit_record import AuditRecord

# Records decoded from the file that are kept for the next read (a table's visible rows and
# their neighbours; a filter's matches as they are shown).
CACHE_RECORDS = 4096
# Lines gathered in memory before they go to the file in one write.
WRITE_BATCH = 512
# After a failed write, the next attempt waits for this many more bytes (not one per record).
RETRY_BYTES = 1 << 20
# Bytes read at a time when every line is read in order (export, Verify).
READ_CHUNK = 1 << 20
# Records per block: the file offset of each block's first line is kept, the others are found
# by reading the block (a few kB). Blocks read are cached, the last BLOCKS_CACHED of them.
BLOCK = 64
BLOCKS_CACHED = 64
_PAYLOAD_ORDER = ("time", "primitive", "event", "details")


class SpooledRecords(Sequence[AuditRecord]):
    """An append-only sequence of audit records whose lines live in a temporary file."""

    def __init__(self) -> None:
        # An unnamed file: nothing is left behind on disk if the process is killed.
        self._file = tempfile.TemporaryFile(prefix="phoenix-audit-")  # noqa: SIM115
        # Closed when this sequence is collected (a replaced run), not left to the file's own
        # finaliser, which would warn about an unclosed file.
        weakref.finalize(self, self._file.close)
        self._fd = self._file.fileno()
        self._count = 0
        self._blocks = array("q")  # where each BLOCK-th record's line starts
        self._written = 0  # bytes in the file
        self._pending = bytearray()  # the lines after those, not written yet
        self._lines_pending = 0
        self._retry_at = 0  # pending bytes before the next attempt after a failed write
        self.write_error: str | None = None  # why the last write failed; None once one works
        self._codes: dict[tuple[str, str], int] = {}  # (primitive, event) -> code
        self._names: list[tuple[str, str]] = []
        self._kinds = array("B")  # each record's (primitive, event) code ("H" from 256 kinds)
        self._cache: OrderedDict[int, AuditRecord] = OrderedDict()
        self._block_lines: OrderedDict[int, list[bytes]] = OrderedDict()  # complete blocks

    @property
    def _size(self) -> int:
        return self._written + len(self._pending)

    def append(self, record: AuditRecord) -> None:
        data = record.line.encode() + b"\n"
        if self._count % BLOCK == 0:
            self._blocks.append(self._size)
        self._count += 1
        self._pending += data
        self._lines_pending += 1
        if self._lines_pending >= WRITE_BATCH and len(self._pending) >= self._retry_at:
            self._write_pending()
        payload = record.payload
        key = (str(payload["primitive"]), str(payload["event"]))
        code = self._codes.get(key)
        if code is None:
            code = self._codes[key] = len(self._names)
            self._names.append(key)
            if code == 256:
                self._kinds = array("H", self._kinds)
        self._kinds.append(code)

    def _write_pending(self) -> None:
        """Write what is pending; on failure keep it in memory and say why."""
        view = memoryview(self._pending)
        done = 0
        try:
            while done < len(view):
                done += os.pwrite(self._fd, view[done:], self._written + done)
        except OSError as error:
            self.write_error = f"cannot write the audit spool: {error.strerror or error}"
            self._retry_at = len(self._pending) - done + RETRY_BYTES
        else:
            self.write_error = None
            self._retry_at = 0
            self._lines_pending = 0
        finally:
            view.release()
            self._written += done
            del self._pending[:done]

    def _bytes(self, start: int, end: int) -> bytes:
        """The spool's bytes ``start:end``, from the file and the pending lines."""
        on_disk = b""
        if start < self._written:
            stop = min(end, self._written)
            on_disk = os.pread(self._fd, stop - start, start)
            if len(on_disk) != stop - start:
                raise OSError(f"audit spool: short read at byte {start}")
        if end <= self._written:
            return on_disk
        return on_disk + bytes(self._pending[max(start - self._written, 0) : end - self._written])

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> AuditRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[AuditRecord]: ...

    def __getitem__(self, index: int | slice) -> AuditRecord | list[AuditRecord]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = self._count
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("audit record index out of range")
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        record = _rebuild(self._line(index))
        self._cache[index] = record
        if len(self._cache) > CACHE_RECORDS:
            self._cache.popitem(last=False)
        return record

    def _line(self, index: int) -> bytes:
        block, place = divmod(index, BLOCK)
        lines = self._block_lines.get(block)
        if lines is not None:
            self._block_lines.move_to_end(block)
            return lines[place]
        start = self._blocks[block]
        end = self._blocks[block + 1] if block + 1 < len(self._blocks) else self._size
        lines = self._bytes(start, end).split(b"\n")[:-1]
        if len(lines) == BLOCK:  # the newest block still grows: not cached
            self._block_lines[block] = lines
            if len(self._block_lines) > BLOCKS_CACHED:
                self._block_lines.popitem(last=False)
        return lines[place]

    def __iter__(self) -> Iterator[AuditRecord]:
        for index, line in enumerate(self.lines()):
            cached = self._cache.get(index)
            yield cached if cached is not None else _rebuild(line.encode())

    def lines(self) -> Iterator[str]:
        """Every record's line in order (no newline), read in large chunks."""
        # Records appended while the caller iterates are not part of this pass.
        left = self._count
        end_of_all = self._size
        position = 0
        rest = b""
        while left and position < end_of_all:
            chunk = self._bytes(position, min(position + READ_CHUNK, end_of_all))
            position += len(chunk)
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()  # the part after the last newline: the next line's start
            for line in lines[:left]:
                yield line.decode()
            left -= min(left, len(lines))

    def indexes(self, primitive: str | None, kind: str | None, start: int = 0) -> list[int]:
        """Numbers of the records from ``start`` on of this primitive and/or event type
        (``None`` matches any), without reading the file."""
        wanted = {
            code
            for code, (prim, event) in enumerate(self._names)
            if (primitive is None or prim == primitive) and (kind is None or event == kind)
        }
        if not wanted:
            return []
        dtype = np.uint8 if self._kinds.typecode == "B" else np.uint16
        codes = np.frombuffer(self._kinds, dtype=dtype)[start:]
        return (np.flatnonzero(np.isin(codes, list(wanted))) + start).tolist()

    def event_kinds(self, start: int = 0) -> set[str]:
        """The event types among the records from ``start`` on, without reading the file."""
        dtype = np.uint8 if self._kinds.typecode == "B" else np.uint16
        codes = np.unique(np.frombuffer(self._kinds, dtype=dtype)[start:])
        return {self._names[code][1] for code in codes.tolist()}


def _rebuild(line: bytes) -> AuditRecord:
    obj: dict[str, Any] = json.loads(line)
    seq, prev_hash, digest = obj.pop("seq"), obj.pop("prev_hash"), obj.pop("hash")
    payload = {key: obj.pop(key) for key in _PAYLOAD_ORDER if key in obj}
    payload.update(obj)
    return AuditRecord(seq, prev_hash, payload, digest, line.decode())
