"""Engine events: what every primitive emits, what the audit log records and the GUI animates.

An event is plain data (JSON-able details) so the audit log can hash it and the Qt adapter can
re-emit it as a signal without knowing the engine's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Primitive(StrEnum):
    """The six primitives of DMA, plus SYSTEM for run bookkeeping (start, parameter changes)."""

    IDENTITY = "identity"
    DISCOVERY = "discovery"
    ASSIGNMENT = "assignment"
    MIGRATION = "migration"
    RETIREMENT = "retirement"
    GOVERNANCE = "governance"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened at simulated time ``time`` (hours).

    ``kind`` is a short snake_case name (``member_joined``, ``migration_started`` …);
    ``details`` holds only JSON types (str, int, float, bool, None, lists, dicts with str keys).
    """

    time: float
    primitive: Primitive
    kind: str
    details: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """The part of the event the audit log hashes (DESIGN.md §6)."""
        return {
            "time": round(self.time, 9),
            # str() of a StrEnum member is its plain value, without Enum.value's descriptor
            # (a few per cent of a busy run's audit cost).
            "primitive": str(self.primitive),
            "event": self.kind,
            "details": self.details,
        }
