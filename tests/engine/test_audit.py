"""Flight Recorder: the chain, its canonical hash, tamper evidence and atomic writing."""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phoenix_gui.engine.audit import (
    GENESIS_HASH,
    AuditError,
    AuditLog,
    verify_file,
    verify_lines,
)
from phoenix_gui.engine.audit import (
    load_jsonl as load_audit,
)
from phoenix_gui.engine.events import Event, Primitive


def independent_hash(seq: int, prev_hash: str, payload: dict[str, Any]) -> str:
    """DESIGN §6 written out with hashlib and json directly, not through the module."""
    canonical = json.dumps(
        {"seq": seq, "prev_hash": prev_hash, "payload": payload},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


EVENTS = [
    Event(0.0, Primitive.SYSTEM, "run_started", {"entropy": 12345678901234567890, "seed": 7}),
    Event(0.5, Primitive.IDENTITY, "member_joined", {"member": "host-1", "kind": "host"}),
    Event(0.5, Primitive.IDENTITY, "registration_step", {"member": "hôte-β", "step": 3}),
    Event(
        1.25,
        Primitive.MIGRATION,
        "migration_started",
        {"task": 42, "from": "host-1", "to": "host-2", "eta": 1e-05, "tags": [1, None, True]},
    ),
    Event(
        2.0, Primitive.GOVERNANCE, "task_denied", {"task": 43, "nested": {"b": 1, "a": "ü\u2028"}}
    ),
    Event(3.0 + 1 / 3, Primitive.RETIREMENT, "member_retired", {"member": "host-1"}),
]
N = len(EVENTS)


@pytest.fixture
def log() -> AuditLog:
    built = AuditLog()
    for event in EVENTS:
        built.append(event)
    return built


@pytest.fixture
def lines(log: AuditLog) -> list[str]:
    return [r.to_json_line() for r in log.records]


# --- building the chain ---------------------------------------------------------------------


def test_chain_links_every_record_to_the_one_before(log: AuditLog) -> None:
    records = log.records
    assert len(log) == N
    assert records[0].prev_hash == GENESIS_HASH == "0" * 64
    for k, record in enumerate(records):
        assert record.seq == k
        if k:
            assert record.prev_hash == records[k - 1].hash
        assert record.hash == independent_hash(k, record.prev_hash, EVENTS[k].payload())
    assert log.head == records[-1].hash
    assert AuditLog().head == GENESIS_HASH


def test_golden_hash_is_pinned() -> None:
    payload = {
        "time": 1.5,
        "primitive": "identity",
        "event": "member_joined",
        "details": {"member": "host-é", "token": 4711},
    }
    record = AuditLog().append_payload(payload)
    expected = independent_hash(0, GENESIS_HASH, payload)
    assert record.hash == expected
    # The literal (also checked with `printf ... | sha256sum`) pins the format: changing it
    # would break every saved run.
    assert expected == "336e3e8f614f1f5d434428a5ba25d303b906fd21ff11d4fc105671f931b091b4"


def test_line_flattens_the_payload_between_seq_and_the_hashes(log: AuditLog) -> None:
    record = log.records[3]
    obj = json.loads(record.to_json_line())
    assert list(obj) == ["seq", "details", "event", "primitive", "time", "prev_hash", "hash"]
    assert obj["seq"] == 3
    assert obj["event"] == "migration_started"
    assert obj["primitive"] == "migration"
    assert obj["details"] == EVENTS[3].details
    assert (obj["prev_hash"], obj["hash"]) == (record.prev_hash, record.hash)
    assert "\n" not in record.to_json_line()
    assert "hôte-β" in log.records[2].to_json_line()  # UTF-8, not \\u escapes
    assert (record.time, record.primitive, record.kind) == (1.25, "migration", "migration_started")
    assert record.details["task"] == 42


def test_filter_by_primitive_and_kind(log: AuditLog) -> None:
    assert [r.seq for r in log.filter(primitive=Primitive.IDENTITY)] == [1, 2]
    assert [r.seq for r in log.filter(primitive="identity", kind="registration_step")] == [2]
    assert [r.seq for r in log.filter(kind="task_denied")] == [4]
    assert log.filter(primitive=Primitive.DISCOVERY) == []
    assert len(log.filter()) == N


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"time": 0, "primitive": "system", "event": "x", "details": {}, "seq": 1}, "'seq'"),
        ({"time": 0, "primitive": "system", "event": "x", "details": {}, "hash": ""}, "'hash'"),
        ({"time": 0, "primitive": "system", "event": "x"}, "'details'"),
        ({"primitive": "system", "event": "x", "details": {}}, "'time'"),
        ({"time": 0, "primitive": "s", "event": "x", "details": {"v": float("nan")}}, "record 7"),
        ({"time": 0, "primitive": "s", "event": "x", "details": {"v": {1, 2}}}, "not plain JSON"),
        ({"time": 0, "primitive": "s", "event": "x", "details": {}, 3: "k"}, "strings"),
    ],
)
def test_bad_payload_is_refused_and_leaves_the_log_unchanged(
    log: AuditLog, payload: dict[Any, Any], fragment: str
) -> None:
    log.append_payload({"time": 9.0, "primitive": "system", "event": "ok", "details": {}})
    head, count = log.head, len(log)
    with pytest.raises(AuditError, match=fragment.replace("'", ".")):
        log.append_payload(payload)
    assert (log.head, len(log)) == (head, count)
    assert verify_lines(r.to_json_line() for r in log.records).ok


def test_numpy_values_are_recorded_as_plain_json() -> None:
    plain = {"task": 7, "share": 0.25, "ok": True, "owners": [1, 2, 3]}
    from_numpy = {
        "task": np.int64(7),
        "share": np.float64(0.25),
        "ok": np.bool_(True),
        "owners": np.array([1, 2, 3], dtype=np.int32),
    }
    a = AuditLog().append(Event(1.0, Primitive.ASSIGNMENT, "task_assigned", plain))
    b = AuditLog().append(Event(1.0, Primitive.ASSIGNMENT, "task_assigned", from_numpy))
    assert (b.hash, b.to_json_line()) == (a.hash, a.to_json_line())
    with pytest.raises(AuditError, match="not plain JSON"):
        AuditLog().append(Event(1.0, Primitive.SYSTEM, "x", {"v": np.float32("nan")}))


@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=8),
            st.recursive(
                st.none()
                | st.booleans()
                | st.integers()
                | st.floats(allow_nan=False, allow_infinity=False)
                | st.text(max_size=12),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3)
                ),
                max_leaves=8,
            ),
            max_size=4,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_json_details_hash_canonically_and_verify(details_list: list[dict[str, Any]]) -> None:
    log = AuditLog()
    for i, details in enumerate(details_list):
        event = Event(i * 0.25, Primitive.ASSIGNMENT, "task_assigned", details)
        record = log.append(event)
        assert record.hash == independent_hash(i, record.prev_hash, event.payload())
    result = verify_lines([r.to_json_line() for r in log.records], log.head, len(log))
    assert result.ok, result.message()
    assert (result.count, result.head) == (len(details_list), log.head)


def test_append_is_fast_enough_for_the_engine() -> None:
    event = Event(
        1.0,
        Primitive.MIGRATION,
        "migration_started",
        {"task": 1, "from": "host-1", "to": "host-2", "eta": 0.5},
    )
    log = AuditLog(io.StringIO())
    start = time.perf_counter()
    for _ in range(10_000):
        log.append(event)
    # ~0.1 s on a laptop; the bound leaves room for a loaded CI machine.
    assert time.perf_counter() - start < 1.0


# --- verification and tampering -----------------------------------------------------------


def test_untouched_log_verifies(lines: list[str], log: AuditLog) -> None:
    result = verify_lines(lines, expected_head=log.head, expected_count=N)
    assert result.ok and result.bad_index is None and result.reason is None
    assert (result.count, result.head) == (N, log.head)
    assert result.message() == f"OK {N} records, head {log.head}"
    # bytes or str, with or without the newline: the same answer
    assert verify_lines([(x + "\n").encode() for x in lines]) == result
    assert verify_lines([]).ok and verify_lines([]).head == GENESIS_HASH
    assert log.verify() == result


def _flip(line: str, position: int, mask: int) -> bytes:
    data = bytearray(line.encode("utf-8"))
    data[position] ^= mask
    return bytes(data)


def _positions(line: str) -> dict[str, int]:
    data = line.encode("utf-8")
    return {
        "first": 0,
        "seq": data.index(b'"seq":') + 6,
        "details": data.index(b'"details":') + 12,
        "event": data.index(b'"event":') + 9,
        "time": data.index(b'"time":') + 7,
        "prev_hash": data.index(b'"prev_hash":') + 20,
        "hash": data.index(b'"hash":') + 8,
        "hash_last": len(data) - 3,
        "last": len(data) - 1,
    }


@pytest.mark.parametrize("k", range(N))
@pytest.mark.parametrize(
    "where", ["first", "seq", "details", "event", "time", "prev_hash", "hash", "hash_last", "last"]
)
@pytest.mark.parametrize("mask", [0x01, 0x20])
def test_changing_a_byte_is_caught_at_that_record(
    lines: list[str], k: int, where: str, mask: int
) -> None:
    tampered: list[str | bytes] = list(lines)
    tampered[k] = _flip(lines[k], _positions(lines[k])[where], mask)
    result = verify_lines(tampered)
    assert not result.ok
    assert result.bad_index == k, result.message()
    assert result.count == k
    assert result.message().startswith(f"record {k}: ")


def test_changing_any_byte_of_the_file_is_caught_at_its_record(
    log: AuditLog, tmp_path: Path
) -> None:
    path = tmp_path / "run.jsonl"
    log.write_jsonl(path)
    original = path.read_bytes()
    record_of_byte = []
    for k, line in enumerate(original.split(b"\n")[:-1]):
        record_of_byte += [k] * (len(line) + 1)  # the newline belongs to its record
    assert len(record_of_byte) == len(original)
    for position, k in enumerate(record_of_byte):
        for mask in (0x01, 0x20, 0x80):
            data = bytearray(original)
            data[position] ^= mask
            path.write_bytes(bytes(data))
            result = verify_file(path, log.head, N)
            assert not result.ok, (position, mask)
            assert result.bad_index == k, (position, mask, result.message())


def test_same_content_in_other_bytes_is_still_caught(lines: list[str]) -> None:
    # 1e-05 → 1E-05 and ü → \u00fc parse to the same values: only the byte check sees them.
    for old, new in (("1e-05", "1E-05"), ("ü", "\\u00fc"), (',"event"', ', "event"')):
        k = next(i for i, line in enumerate(lines) if old in line)
        tampered = list(lines)
        tampered[k] = lines[k].replace(old, new, 1)
        result = verify_lines(tampered)
        assert (result.ok, result.bad_index) == (False, k), old
        assert "canonical" in (result.reason or "")


@pytest.mark.parametrize("k", range(N - 1))
def test_deleting_a_record_is_caught_there(lines: list[str], k: int) -> None:
    result = verify_lines(lines[:k] + lines[k + 1 :])
    assert (result.ok, result.bad_index) == (False, k)
    assert "seq" in (result.reason or "")


@pytest.mark.parametrize("k", range(N + 1))
@pytest.mark.parametrize("copy_of", [0, N - 1])
def test_inserting_a_copied_record_is_caught_there(lines: list[str], k: int, copy_of: int) -> None:
    result = verify_lines([*lines[:k], lines[copy_of], *lines[k:]])
    # A copy of record k put right before itself is the same bytes as record k: the chain
    # first breaks at the original that follows it.
    expected = k + 1 if copy_of == k else k
    assert (result.ok, result.bad_index) == (False, expected)


@pytest.mark.parametrize("k", range(N))
def test_inserting_a_forged_record_is_caught_at_the_next(log: AuditLog, k: int) -> None:
    # A forger who chains the new record correctly still breaks the record it displaces.
    records = log.records
    forged = AuditLog()
    for r in records[:k]:
        forged.append_payload(r.payload)
    forged.append_payload({"time": 0.0, "primitive": "system", "event": "forged", "details": {}})
    lines = [r.to_json_line() for r in forged.records] + [r.to_json_line() for r in records[k:]]
    result = verify_lines(lines)
    assert (result.ok, result.bad_index) == (False, k + 1)


def test_a_full_rewrite_needs_the_stored_head(log: AuditLog) -> None:
    # Tamper-evident, not tamper-proof: recomputing every hash makes a self-consistent chain.
    rewritten = AuditLog()
    for r in log.records:
        payload = dict(r.payload)
        if r.seq == 2:
            payload["details"] = {"member": "mallory"}
        rewritten.append_payload(payload)
    lines = [r.to_json_line() for r in rewritten.records]
    assert verify_lines(lines).ok
    result = verify_lines(lines, expected_head=log.head, expected_count=N)
    assert not result.ok and "head mismatch" in (result.reason or "")


@pytest.mark.parametrize("k", range(N - 1))
def test_reordering_records_is_caught_at_the_first_moved(lines: list[str], k: int) -> None:
    swapped = list(lines)
    swapped[k], swapped[k + 1] = swapped[k + 1], swapped[k]
    result = verify_lines(swapped)
    assert (result.ok, result.bad_index) == (False, k)


@pytest.mark.parametrize("keep", range(N))
def test_truncation_is_caught_against_stored_head_and_count(
    log: AuditLog, lines: list[str], keep: int
) -> None:
    cut = lines[:keep]
    assert verify_lines(cut).ok  # a clean cut is invisible without what was stored
    by_count = verify_lines(cut, expected_count=N)
    assert (by_count.ok, by_count.bad_index) == (False, keep)
    assert by_count.reason == f"truncated: expected {N} records, found {keep}"
    by_head = verify_lines(cut, expected_head=log.head)
    assert (by_head.ok, by_head.bad_index) == (False, keep)
    assert "head mismatch" in (by_head.reason or "")
    assert not verify_lines(cut, expected_head=log.head, expected_count=N).ok


def test_records_appended_after_the_stored_head_are_caught(log: AuditLog) -> None:
    head, count = log.head, len(log)
    log.append(Event(9.0, Primitive.SYSTEM, "late", {}))
    lines = [r.to_json_line() for r in log.records]
    by_head = verify_lines(lines, expected_head=head)
    assert (by_head.ok, by_head.bad_index) == (False, count)
    assert "extra records" in (by_head.reason or "")
    by_count = verify_lines(lines, expected_count=count)
    assert (by_count.ok, by_count.bad_index) == (False, count)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", "empty line"),
        ("not json", "bad JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"seq": 0}', "missing field 'time'"),
        (
            '{"seq":0,"details":{},"event":"e","primitive":"p","time":NaN,"prev_hash":"","hash":""}',
            "bad JSON",
        ),
    ],
)
def test_malformed_first_line_names_its_reason(line: str, reason: str) -> None:
    result = verify_lines([line])
    assert (result.ok, result.bad_index, result.count) == (False, 0, 0)
    assert reason in (result.reason or "")


def test_invalid_utf8_is_reported(lines: list[str]) -> None:
    result = verify_lines([lines[0], b"\xff" + lines[1].encode()])
    assert (result.bad_index, result.ok) == (1, False)
    assert "UTF-8" in (result.reason or "")


# --- writing ---------------------------------------------------------------------------------


def test_streaming_sink_output_verifies_and_matches_write_jsonl(tmp_path: Path) -> None:
    streamed = tmp_path / "streamed.jsonl"
    with open(streamed, "w", encoding="utf-8", newline="\n") as sink:
        log = AuditLog(sink)
        for event in EVENTS:
            log.append(event)
            log.flush()
            # each record is on disk as soon as it is appended and flushed
            assert streamed.read_text(encoding="utf-8").count("\n") == len(log)
    result = verify_file(streamed, expected_head=log.head, expected_count=N)
    assert result.ok, result.message()
    written = tmp_path / "written.jsonl"
    log.write_jsonl(written)
    assert written.read_bytes() == streamed.read_bytes()


def test_write_jsonl_replaces_the_file(log: AuditLog, tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text("old\n", encoding="utf-8")
    log.write_jsonl(path)
    assert verify_file(path, log.head, N).ok
    assert os.listdir(tmp_path) == ["run.jsonl"]
    if os.name == "posix":  # permission bits mean little on Windows
        fresh = tmp_path / "fresh.jsonl"
        log.write_jsonl(fresh)
        assert fresh.stat().st_mode & 0o777 == 0o644  # not mkstemp's private 0600
        path.chmod(0o640)
        log.write_jsonl(path)
        assert path.stat().st_mode & 0o777 == 0o640  # an existing file keeps its mode


def test_write_jsonl_is_atomic(
    log: AuditLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "run.jsonl"
    first = AuditLog()
    first.append(EVENTS[0])
    first.write_jsonl(path)
    before = path.read_bytes()

    def failing_replace(src: str, dst: str) -> None:
        assert Path(src).read_bytes().count(b"\n") == N  # the new content was fully written
        raise OSError("disk pulled out between write and replace")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk pulled out"):
        log.write_jsonl(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["run.jsonl"]


def test_load_round_trip_and_refusal(log: AuditLog, tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    log.write_jsonl(path)
    loaded = load_audit(path, expected_head=log.head, expected_count=N)
    assert loaded.head == log.head and len(loaded) == N
    assert [r.payload for r in loaded.records] == [e.payload() for e in EVENTS]
    assert [r.to_json_line() for r in loaded.records] == [r.to_json_line() for r in log.records]
    loaded.append(EVENTS[0])  # a loaded log keeps chaining
    assert loaded.records[-1].prev_hash == log.head
    data = path.read_bytes().replace(b"host-2", b"host-9")
    path.write_bytes(data)
    with pytest.raises(AuditError, match=r"run\.jsonl: record 3: hash mismatch"):
        load_audit(path)


def test_seal_closes_the_log_and_verifiers_need_it(tmp_path: Path) -> None:
    from phoenix_gui.engine.audit import SEAL_EVENT

    log = AuditLog()
    for i in range(3):
        log.append(Event(float(i), Primitive.SYSTEM, "tick", {"i": i}))
    head_before = log.head
    preview = log.closing_record(3.0)
    assert len(log) == 3 and not log.sealed  # a preview appends nothing
    exported = tmp_path / "exported.jsonl"
    log.write_jsonl(exported, sealed=True, time=3.0)  # the file is sealed, the log is not
    result = verify_file(exported, require_seal=True)
    assert result.ok and result.sealed and result.count == 4
    assert result.before_seal == (3, head_before) and result.head == preview.hash
    assert result.message() == f"OK 4 records, sealed; head {preview.hash}"
    log.append(Event(3.5, Primitive.SYSTEM, "tick", {"i": 3}))  # the run goes on
    sealed = log.seal(4.0, interrupted=True)
    assert sealed.kind == SEAL_EVENT and sealed.details == {
        "records": 5, "complete": True, "interrupted": True,
    }  # fmt: skip
    with pytest.raises(AuditError, match="sealed"):
        log.append(Event(5.0, Primitive.SYSTEM, "late", {}))
    lines = [r.line for r in log.records]
    assert verify_lines(lines, require_seal=True).ok
    unsealed = verify_lines(lines[:-1], require_seal=True)
    assert not unsealed.ok and unsealed.bad_index == 4
    assert unsealed.reason == (
        "log ends without its closing record — truncated or still being written"
    )
    assert not verify_lines([], require_seal=True).ok
    with pytest.raises(AuditError, match="seal"):
        AuditLog().append_payload(
            {"time": 0.0, "primitive": "system", "event": SEAL_EVENT, "details": {}}
        )
