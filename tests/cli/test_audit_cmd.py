"""`phoenix-flight audit verify`: exit codes and the one line it prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from phoenix_gui.cli import main
from phoenix_gui.engine.audit import AuditLog
from phoenix_gui.engine.events import Event, Primitive

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, AuditLog]:
    log = AuditLog()
    for i in range(4):
        log.append(Event(i * 0.5, Primitive.DISCOVERY, "heartbeat", {"member": f"host-{i}"}))
    log.seal(2.0)  # record 4: the closing record, "5 records"
    path = tmp_path / "run.audit.jsonl"
    log.write_jsonl(path)
    return path, log


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_intact_file_is_ok(
    saved: tuple[Path, AuditLog], capsys: pytest.CaptureFixture[str]
) -> None:
    path, log = saved
    code, out, err = run(["audit", "verify", str(path)], capsys)
    assert (code, out, err) == (0, f"OK 5 records, sealed; head {log.head}\n", "")
    args = ["audit", "verify", str(path), "--head", log.head.upper(), "--count", "5"]
    assert run(args, capsys)[:2] == (0, f"OK 5 records, sealed; head {log.head}\n")


def test_tampered_record_is_named(
    saved: tuple[Path, AuditLog], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = saved
    path.write_bytes(path.read_bytes().replace(b"host-2", b"host-7"))
    code, out, _ = run(["audit", "verify", str(path)], capsys)
    assert code == 1
    assert out.startswith("record 2: hash mismatch")


def test_truncation_is_caught_by_the_missing_closing_record(
    saved: tuple[Path, AuditLog], capsys: pytest.CaptureFixture[str]
) -> None:
    path, log = saved
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:3]))
    code, out, _ = run(["audit", "verify", str(path)], capsys)
    assert (code, out) == (
        1,
        "record 3: log ends without its closing record — truncated or still being written\n",
    )
    code, out, _ = run(["audit", "verify", str(path), "--count", "5"], capsys)
    assert (code, out) == (1, "record 3: truncated: expected 5 records, found 3\n")
    code, out, _ = run(["audit", "verify", str(path), "--head", log.head], capsys)
    assert code == 1 and out.startswith("record 3: head mismatch")


def test_an_empty_file_and_records_after_the_seal_fail(
    saved: tuple[Path, AuditLog], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    code, out, _ = run(["audit", "verify", str(empty)], capsys)
    assert code == 1 and out.startswith("record 0: log ends without its closing record")
    path, log = saved
    extra = AuditLog()  # a correctly chained record appended after the seal
    from phoenix_gui.engine.audit import _encode

    _, line = _encode(5, log.head, {"time": 3.0, "primitive": "system", "event": "x",
                                    "details": {}})  # fmt: skip
    del extra
    path.write_bytes(path.read_bytes() + line.encode() + b"\n")
    code, out, _ = run(["audit", "verify", str(path)], capsys)
    assert (code, out) == (
        1,
        "record 5: record after the closing record (record 4 sealed the log)\n",
    )


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--head", "abc"], "--head: must be a SHA-256 hash of 64 hex digits, got 'abc'"),
        (["--count", "many"], "--count: must be a whole number, got 'many'"),
        (["--count", "-1"], "--count: must be ≥ 0, got -1"),
    ],
)
def test_bad_options_name_themselves(
    saved: tuple[Path, AuditLog],
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    fragment: str,
) -> None:
    path, _ = saved
    code, out, err = run(["audit", "verify", str(path), *extra], capsys)
    assert (code, out) == (2, "")
    assert fragment in err and "Traceback" not in err


def test_unreadable_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.jsonl"
    code, out, err = run(["audit", "verify", str(missing)], capsys)
    assert (code, out) == (2, "")
    assert str(missing) in err and "No such file" in err
    code, _, err = run(["audit", "verify", str(tmp_path)], capsys)
    assert code == 2 and str(tmp_path) in err


def test_audit_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["audit"])
    assert exit_info.value.code == 2
    assert "ACTION" in capsys.readouterr().err


def test_module_entry_point_in_a_subprocess(saved: tuple[Path, AuditLog]) -> None:
    path, log = saved
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    ok = subprocess.run(
        [sys.executable, "-m", "phoenix_gui", "audit", "verify", str(path)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert (ok.returncode, ok.stdout) == (0, f"OK 5 records, sealed; head {log.head}\n")
    path.write_bytes(path.read_bytes().replace(b'"seq":4', b'"seq":5'))
    bad = subprocess.run(
        [sys.executable, "-m", "phoenix_gui", "audit", "verify", str(path)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert (bad.returncode, bad.stdout) == (1, "record 4: seq out of order: expected 4, found 5\n")
