"""`phoenix-flight audit verify FILE [--head HASH] [--count N]`: check a Flight Recorder file.

Prints ``OK <n> records, head <hash>`` and exits 0 when the chain holds, or
``record <k>: <reason>`` and exits 1 at the first bad record. With the head hash and record
count stored alongside a saved run, a cleanly truncated file is caught too. A file that cannot
be read is a usage error (exit 2). The chain is tamper-evident, not tamper-proof.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from phoenix_gui.cli.errors import CliError
from phoenix_gui.engine import verify_file

_HEX64 = re.compile(r"[0-9a-f]{64}")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="check a Flight Recorder (audit log) file",
        description="Work with Flight Recorder files: hash-chained JSON lines (tamper-evident, "
        "not tamper-proof: anyone can recompute the chain, so keep the head hash elsewhere).",
    )
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="verify the hash chain; exit 0 if intact, 1 at the first bad record",
        description="Verify the hash chain of an audit file. Exit 0 and 'OK <n> records, head "
        "<hash>' when intact, exit 1 and 'record <k>: <reason>' at the first bad record.",
    )
    verify.add_argument("file", metavar="FILE", help="audit log (JSON lines) to check")
    verify.add_argument(
        "--head",
        metavar="HASH",
        help="expected head hash (stored with the run): catches truncation and appended records",
    )
    verify.add_argument(
        "--count", metavar="N", help="expected number of records (stored with the run)"
    )
    verify.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace) -> int:
    head = _parse_head(args.head)
    count = _parse_count(args.count)
    try:
        result = verify_file(args.file, expected_head=head, expected_count=count)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CliError(f"cannot read audit file {args.file}: {reason}") from None
    print(result.message())
    return 0 if result.ok else 1


def _parse_head(text: str | None) -> str | None:
    if text is None:
        return None
    value = text.strip().lower()
    if not _HEX64.fullmatch(value):
        raise CliError(f"--head: must be a SHA-256 hash of 64 hex digits, got {text!r}")
    return value


def _parse_count(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        raise CliError(f"--count: must be a whole number, got {text!r}") from None
    if value < 0:
        raise CliError(f"--count: must be ≥ 0, got {value}")
    return value
