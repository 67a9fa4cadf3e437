"""Audit records held in memory as their lines and payload parts, each :class:`AuditRecord`
built when it is read.

A busy run appends a hundred thousand records a minute; building a record object and its
payload dict for each, only for most of them never to be looked at, was a large share of the
engine's time (and of the collector's: every one of them is a tracked object). A record's
``seq``, ``prev_hash`` and ``hash`` are in its line at known places (the line starts with
``{"seq":N,`` and ends with ``"prev_hash":"<64 hex>","hash":"<64 hex>"}``), so a record only
needs its line and its payload: the payload dict itself where one was given, or its four parts
(time, primitive, event, details) as the batch path has them (the same values, so the
payload read back equals the one that was hashed, key order included).

With a ``bound``, only the last ``bound`` records are readable and memory stays bounded (the
log's :attr:`~phoenix_gui.engine.audit.AuditLog.recent`): at most twice that many are held
between two trims.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from phoenix_gui.engine.audit_record import AuditRecord

_new_object = object.__new__
_SET_SEQ, _SET_PREV, _SET_PAYLOAD, _SET_HASH, _SET_LINE = (
    AuditRecord.__dict__[name].__set__ for name in ("seq", "prev_hash", "payload", "hash", "line")
)


def record_of(line: str, payload: dict[str, Any]) -> AuditRecord:
    """The record whose line is ``line`` (seq and hashes read from it) and payload ``payload``."""
    record = _new_object(AuditRecord)
    _SET_SEQ(record, int(line[7 : line.index(",", 7)]))
    _SET_PREV(record, line[-140:-76])
    _SET_PAYLOAD(record, payload)
    _SET_HASH(record, line[-66:-2])
    _SET_LINE(record, line)
    return record


class LineRecords(Sequence[AuditRecord]):
    """An append-only sequence of audit records kept as lines and payloads (see the module).

    The payload parts are kept in parallel lists, not a tuple per record: a tuple holding a
    dict stays tracked by the garbage collector for good, and tens of thousands of them made
    its full collections both longer and more frequent. A record appended with a payload dict
    keeps that dict in ``_details`` with ``None`` as its time.
    """

    __slots__ = ("_bound", "_details", "_kinds", "_lines", "_primitives", "_times")

    def __init__(self, bound: int | None = None) -> None:
        self._lines: list[str] = []
        self._times: list[float | None] = []
        self._primitives: list[str | None] = []
        self._kinds: list[str | None] = []
        self._details: list[dict[str, Any]] = []
        self._bound = bound

    def append(self, record: AuditRecord) -> None:
        self._lines.append(record.line)
        self._times.append(None)
        self._primitives.append(None)
        self._kinds.append(None)
        self._details.append(record.payload)
        if self._bound is not None and len(self._lines) > 2 * self._bound:
            self._trim()

    def extend(
        self,
        lines: list[str],
        times: list[float],
        primitives: list[str],
        kinds: list[str],
        details: list[dict[str, Any]],
    ) -> None:
        """Append the records of these lines and payload parts (rounded time, primitive's
        text, event, details), in order."""
        bound = self._bound
        if bound is not None and len(lines) > bound:
            lines, times, primitives = lines[-bound:], times[-bound:], primitives[-bound:]
            kinds, details = kinds[-bound:], details[-bound:]
        self._lines += lines
        self._times += times
        self._primitives += primitives
        self._kinds += kinds
        self._details += details
        if bound is not None and len(self._lines) > 2 * bound:
            self._trim()

    def _trim(self) -> None:
        assert self._bound is not None
        drop = len(self._lines) - self._bound
        for column in (self._lines, self._times, self._primitives, self._kinds, self._details):
            del column[:drop]

    def _offset(self) -> int:
        held = len(self._lines)
        return held - self._bound if self._bound is not None and held > self._bound else 0

    def _record(self, i: int) -> AuditRecord:
        when = self._times[i]
        if when is None:
            return record_of(self._lines[i], self._details[i])
        payload = {
            "time": when,
            "primitive": self._primitives[i],
            "event": self._kinds[i],
            "details": self._details[i],
        }
        return record_of(self._lines[i], payload)

    def __len__(self) -> int:
        held = len(self._lines)
        return min(held, self._bound) if self._bound is not None else held

    @overload
    def __getitem__(self, index: int) -> AuditRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[AuditRecord]: ...

    def __getitem__(self, index: int | slice) -> AuditRecord | list[AuditRecord]:
        count, offset = len(self), self._offset()
        if isinstance(index, slice):
            lo, hi, stride = index.indices(count)
            return [self._record(i) for i in range(lo + offset, hi + offset, stride)]
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("audit record index out of range")
        return self._record(index + offset)

    def __iter__(self) -> Iterator[AuditRecord]:
        return map(self._record, range(self._offset(), len(self._lines)))

    def lines(self) -> Iterator[str]:
        """Every record's line in order (no newline)."""
        return iter(self._lines[self._offset() :])

    def event_kinds(self, start: int = 0) -> set[str]:
        """The event types among the records from ``start`` on, without building them."""
        offset = self._offset()
        return {
            str(self._details[i].get("event", "") if self._times[i] is None else self._kinds[i])
            for i in range(start + offset, len(self._lines))
        }

    def indexes(self, primitive: str | None, kind: str | None, start: int = 0) -> list[int]:
        """Numbers of the records from ``start`` on of this primitive and/or event type
        (``None`` matches any), read from the payloads without building the records."""
        offset = self._offset()
        out = []
        for i in range(start + offset, len(self._lines)):
            if self._times[i] is None:
                payload = self._details[i]
                prim, event = payload.get("primitive"), payload.get("event")
            else:
                prim, event = self._primitives[i], self._kinds[i]
            if (primitive is None or prim == primitive) and (kind is None or event == kind):
                out.append(i - offset)
        return out
