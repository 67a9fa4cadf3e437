"""Audit records kept as lines and payload parts (engine/audit_lines.py): each record read
back is the one that was appended, and a bounded store holds only its last records."""

from __future__ import annotations

import numpy as np

from phoenix_gui.engine.audit import RECENT, AuditLog, record_hash
from phoenix_gui.engine.audit_lines import LineRecords
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.engine.step_events import StepEvents


def _events(n: int, start: int = 0) -> list[Event]:
    prims = list(Primitive)
    return [
        Event(0.25 * i + 1e-3, prims[i % len(prims)], f"kind_{i % 3}", {"task": i, "n": [i]})
        for i in range(start, start + n)
    ]


def _log(keep: bool = True) -> AuditLog:
    log = AuditLog(keep=keep)
    log.append_payload(
        {"time": 0.0, "primitive": "system", "event": "run_started", "details": {}, "extra": 1}
    )
    log.append_many(_events(40))
    for event in _events(3, 40):
        log.append(event)
    log.append_many(_events(25, 43))
    return log


def test_records_read_back_are_the_chain() -> None:
    log = _log()
    records = log.records
    assert isinstance(records, LineRecords) and len(records) == len(log) == 69
    prev = "0" * 64
    for seq, record in enumerate(records):
        assert record.seq == seq and record.prev_hash == prev
        assert record.hash == record_hash(seq, prev, record.payload)
        assert record.line.startswith(f'{{"seq":{seq},') and record.line.endswith(
            f'"hash":"{record.hash}"}}'
        )
        prev = record.hash
    assert prev == log.head
    assert records[0].payload["extra"] == 1  # a payload given whole comes back whole
    assert records[5].payload == _events(40)[4].payload()
    assert records[-1] == records[68] and records[10:13] == [records[i] for i in (10, 11, 12)]
    assert log.filter(kind="kind_1") == [r for r in records if r.kind == "kind_1"]
    assert log.filter(primitive="system") == [r for r in records if r.primitive == "system"]


def test_a_bounded_store_keeps_only_its_last_records() -> None:
    full, bounded = LineRecords(), LineRecords(bound=5)
    log = _log()
    for record in log.records:
        full.append(record)
        bounded.append(record)
        assert len(bounded._lines) <= 10
    assert len(bounded) == 5 and list(bounded) == list(full)[-5:]
    assert bounded[0] == full[-5] and bounded[-1] == full[-1]
    assert bounded.indexes(None, None) == [0, 1, 2, 3, 4]


def test_recent_of_a_streamed_log_is_bounded_and_chained() -> None:
    log = AuditLog(keep=False)
    for block in range(30):
        log.append_many(_events(100, 100 * block))
    recent = log.recent
    assert len(log.records) == 0 and len(recent) == RECENT and len(log) == 3000
    assert recent[-1].hash == log.head and recent[0].seq == 2000
    assert all(recent[i + 1].prev_hash == recent[i].hash for i in range(RECENT - 1))
    assert log.verify().ok


def test_step_events_are_built_when_read() -> None:
    events = _events(7)
    step = StepEvents()
    step.extend_columns(
        [e.time for e in events[:5]],
        [e.primitive for e in events[:5]],
        [e.kind for e in events[:5]],
        [e.details for e in events[:5]],
    )
    assert step._built == [] and len(step) == 5
    step.append(events[5])
    assert list(step) == events[:6] and step[2] == events[2]
    step.append(events[6])
    assert step == events and step[-1] is step[-1]
    assert step != events[:6]


def test_append_many_from_columns_alone_equals_from_events() -> None:
    events = [*_events(50), Event(3, Primitive.SYSTEM, "int_time", {"v": np.int64(4)})]
    one, other = AuditLog(), AuditLog()
    one.append_many(events)
    columns = (
        [e.time for e in events],
        [e.primitive for e in events],
        [e.kind for e in events],
        [e.details for e in events],
    )
    other.append_many(None, columns)
    assert [r.line for r in one.records] == [r.line for r in other.records]
    assert '"time":3,' in other.records[-1].line
