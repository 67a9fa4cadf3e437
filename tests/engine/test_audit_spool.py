"""An audit log kept on disk (the window's) reads back exactly what an in-memory one holds."""

from __future__ import annotations

import errno
import json
import os
import random
import tracemalloc
from pathlib import Path

import pytest

from phoenix_gui.engine import Simulation, audit_spool
from phoenix_gui.engine.audit import AuditLog, canonical_json, record_hash
from phoenix_gui.engine.audit_spool import BLOCK, CACHE_RECORDS, WRITE_BATCH, SpooledRecords
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.scenario import load_config

LESSON = Path(__file__).resolve().parents[2] / "scenarios" / "classroom-basics.yaml"


def run_log(on_disk: bool, steps: int = 40) -> Simulation:
    sim = Simulation(load_config(LESSON))
    if on_disk:
        sim.audit.keep_on_disk()  # after the start: the records so far move to the file too
    sim.run(steps=steps)
    return sim


def test_a_log_on_disk_holds_the_same_records_as_one_in_memory(tmp_path: Path) -> None:
    kept, spooled = run_log(False).audit, run_log(True).audit
    assert spooled.on_disk and not kept.on_disk
    assert len(spooled) == len(kept) > 100
    assert spooled.head == kept.head
    for a, b in zip(kept.records, spooled.records, strict=True):
        assert (b.seq, b.prev_hash, b.hash, b.line) == (a.seq, a.prev_hash, a.hash, a.line)
        assert canonical_json(b.payload) == canonical_json(a.payload)
        assert record_hash(b.seq, b.prev_hash, b.payload) == b.hash
    # Read at random, from the end, and as slices: the same records as reading in order.
    last = spooled.records[-1]
    assert last.hash == kept.records[-1].hash
    assert [r.seq for r in spooled.records[5:9]] == [5, 6, 7, 8]
    for primitive, kind in ((None, "member_joined"), ("migration", None), (None, None)):
        assert spooled.indexes(primitive, kind) == kept.indexes(primitive, kind)
        assert [r.hash for r in spooled.filter(primitive, kind)] == [
            r.hash for r in kept.filter(primitive, kind)
        ]
    assert spooled.indexes(None, "no_such_event") == []
    a, b = tmp_path / "kept.jsonl", tmp_path / "spooled.jsonl"
    kept.write_jsonl(a, sealed=True)
    spooled.write_jsonl(b, sealed=True)
    assert a.read_bytes() == b.read_bytes()
    assert spooled.verify().ok


def test_verify_reads_the_records_back_from_the_file() -> None:
    log = AuditLog()
    log.keep_on_disk()
    for k in range(50):
        log.append(Event(float(k), Primitive.SYSTEM, "tick", {"k": k}))
    assert log.verify().ok
    spool = log.records
    assert isinstance(spool, SpooledRecords)
    spool._write_pending()
    # Change one digit of record 20's content on disk: Verify must find it at that record.
    start = sum(len(spool._line(i)) + 1 for i in range(20))
    end = start + len(spool._line(20)) + 1
    line = os.pread(spool._fd, end - start, start)
    os.pwrite(spool._fd, line.replace(b'"k":20', b'"k":29'), start)
    result = log.verify()
    assert not result.ok
    assert result.bad_index == 20


def test_records_keep_coming_while_they_are_read() -> None:
    log = AuditLog()
    log.keep_on_disk()
    seen = []
    for k in range(3 * CACHE_RECORDS):
        log.append(Event(k / 7, Primitive.MIGRATION, "moved", {"task": k, "to": f"h{k % 5}"}))
        if k % 997 == 0:
            seen.append(log.records[k // 2].payload["details"]["task"])
    assert seen == [k // 2 for k in range(0, 3 * CACHE_RECORDS, 997)]
    lines = list(log.records.lines())  # type: ignore[attr-defined]
    assert len(lines) == 3 * CACHE_RECORDS
    assert json.loads(lines[-1])["details"]["task"] == 3 * CACHE_RECORDS - 1
    with pytest.raises(IndexError):
        log.records[3 * CACHE_RECORDS]


def memory_per_record(on_disk: bool, count: int) -> float:
    """Bytes the log holds per record appended, measured over the second ``count`` records
    (what the log holds whatever its length — the recent records, a batch of lines not yet
    written — is left out)."""
    log = AuditLog()
    if on_disk:
        log.keep_on_disk()
    details = {"task": 0, "from": "host-12", "to": "host-40", "checkpoint": 0.25}

    def append(first: int) -> None:
        for k in range(first, first + count):
            log.append(Event(k * 0.01, Primitive.MIGRATION, "task_migrated", dict(details, task=k)))

    tracemalloc.start()
    try:
        append(0)
        middle = tracemalloc.get_traced_memory()[0]
        append(count)
        return (tracemalloc.get_traced_memory()[0] - middle) / count
    finally:
        tracemalloc.stop()


def test_a_log_on_disk_holds_a_few_bytes_per_record_not_the_record() -> None:
    assert memory_per_record(False, 10_000) > 300  # the records themselves: hundreds of bytes
    assert memory_per_record(True, 10_000) < 20  # an offset and a code: 10 bytes and slack


class FullDisk:
    """``os.pwrite`` for the spool: writes ``room`` bytes in all, then fails as a full disk."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.calls = 0
        self.write = os.pwrite  # the real one, before the test puts this in its place

    def __call__(self, fd: int, data: memoryview, offset: int) -> int:
        self.calls += 1
        if self.room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = min(len(data), self.room)
        self.room -= n
        return self.write(fd, data[:n], offset)


def test_a_full_disk_loses_no_record_and_says_so(monkeypatch) -> None:
    log = AuditLog()
    log.keep_on_disk()
    spool = log.records
    assert isinstance(spool, SpooledRecords)
    disk = FullDisk(room=10_000)  # runs out in the middle of a line
    monkeypatch.setattr(audit_spool.os, "pwrite", disk)
    events = [
        Event(k / 3, Primitive.SYSTEM, "tick", {"k": k, "pad": "x" * 40}) for k in range(5000)
    ]
    for event in events[:3000]:
        log.append(event)
    assert spool.write_error is not None and "No space left" in spool.write_error
    assert 0 < spool._written < spool._size  # part on disk, the rest in memory
    # Not one attempt per record after the failure: they wait for another RETRY_BYTES.
    assert disk.calls < 3000 / WRITE_BATCH + 5
    assert log.verify().ok and len(log.records) == 3000
    assert [r.payload["details"]["k"] for r in log.records] == list(range(3000))
    assert spool[1500].payload["details"]["k"] == 1500  # a line across the disk/memory edge
    disk.room = 10**9  # space again
    for event in events[3000:]:
        log.append(event)
    spool._write_pending()
    assert spool.write_error is None and spool._written == spool._size
    assert log.verify().ok
    lines = list(spool.lines())
    assert len(lines) == 5000 and all(json.loads(line)["seq"] == i for i, line in enumerate(lines))


def test_lines_longer_than_a_read_chunk_come_back_whole(monkeypatch) -> None:
    monkeypatch.setattr(audit_spool, "READ_CHUNK", 64)
    log = AuditLog()
    log.keep_on_disk()
    for k in range(700):  # past one write batch: some on disk, some pending
        log.append(Event(k / 3, Primitive.SYSTEM, "tick", {"k": k, "pad": "y" * (k % 90)}))
    spool = log.records
    assert isinstance(spool, SpooledRecords) and 0 < spool._written < spool._size
    lines = list(spool.lines())
    assert [json.loads(line)["details"]["k"] for line in lines] == list(range(700))
    assert log.verify().ok


def test_many_kinds_and_blocks_read_back_in_any_order() -> None:
    log = AuditLog()
    log.keep_on_disk()
    count = 3 * BLOCK * 7 + 5  # complete blocks and a growing one
    for k in range(count):
        log.append(Event(k / 9, Primitive.SYSTEM, f"kind{k % 300}", {"k": k}))
    spool = log.records
    assert isinstance(spool, SpooledRecords)
    assert spool._kinds.typecode == "H"  # 300 kinds do not fit one byte
    assert len(spool._blocks) == -(-count // BLOCK)
    order = list(range(count))
    random.Random(5).shuffle(order)
    for i in [*order[:400], count - 1, 0, BLOCK - 1, BLOCK, count - 5]:
        assert spool[i].payload["details"]["k"] == i
    assert log.indexes(kind="kind299") == list(range(299, count, 300))
    assert log.verify().ok


@pytest.mark.parametrize("on_disk", [False, True])
def test_event_kinds_are_the_records_event_types_from_any_start(on_disk: bool) -> None:
    # The Flight Recorder lists them to filter by; read from the kept kind codes, a lesson
    # pointing at it no longer re-reads every record of the run.
    log = run_log(on_disk).audit
    records = list(log.records)
    for start in (0, 1, len(records) // 2, len(records) - 1, len(records)):
        expected = {str(r.payload.get("event", "")) for r in records[start:]}
        assert log.event_kinds(start) == expected
    assert len(log.event_kinds()) > 5
    plain = AuditLog()
    plain._records = records  # a log kept as record objects (e.g. one read back from a file)
    assert plain.event_kinds(3) == {str(r.payload.get("event", "")) for r in records[3:]}
