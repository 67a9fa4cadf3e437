"""One record of the audit log's hash chain (its own module: the log and the records it keeps
on disk both build them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One link of the chain. ``payload`` must not be mutated after it was appended."""

    seq: int
    prev_hash: str
    payload: dict[str, Any]
    hash: str
    line: str  # the exact JSON line (no newline) that was hashed alongside and gets written

    def to_json_line(self) -> str:
        """The record as written to the file, without the trailing newline."""
        return self.line

    @property
    def time(self) -> float:
        return float(self.payload["time"])

    @property
    def primitive(self) -> str:
        return str(self.payload["primitive"])

    @property
    def kind(self) -> str:
        return str(self.payload["event"])

    @property
    def details(self) -> dict[str, Any]:
        details: dict[str, Any] = self.payload["details"]
        return details
