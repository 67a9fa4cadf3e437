"""Scenario format versions and the chain of migrations between them.

``SCHEMA_VERSION`` is the version this program writes. ``MIGRATIONS[v]`` turns the plain data
of a version-``v`` file into version ``v + 1`` (plain dicts in, plain dicts out, before schema
validation), so a file of any older version is carried forward one step at a time on load and
saved in the newest form. Version 1 is the first format, so the chain is empty today; when the
format changes, bump ``SCHEMA_VERSION``, add ``MIGRATIONS[old] = fn`` and keep a fixture file
of the old version under ``tests/data/`` (``scenario-v{old}.yaml``).

Code reads ``migrations.SCHEMA_VERSION`` at call time (never ``from … import``), so a test
can bump it with ``monkeypatch`` and prove that an old fixture still loads through the chain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 1

Migration = Callable[[dict[str, Any]], dict[str, Any]]

# version → function migrating a document of that version to the next one.
MIGRATIONS: dict[int, Migration] = {}


class MigrationError(ValueError):
    """A document whose version cannot be brought up to date; the message says why."""


def migrate(data: dict[str, Any], version: int) -> dict[str, Any]:
    """Apply the migrations from ``version`` up to :data:`SCHEMA_VERSION`, in order."""
    current = SCHEMA_VERSION
    if version > current:
        raise MigrationError(
            f"this file is schema version {version}, but this program reads versions up to "
            f"{current}; update PhoenixFlight to open it"
        )
    oldest = min([*MIGRATIONS, current])
    if version < oldest:
        raise MigrationError(
            f"schema version {version} is unknown; this program reads versions {oldest} to "
            f"{current}"
        )
    for step in range(version, current):
        migration = MIGRATIONS.get(step)
        if migration is None:
            raise MigrationError(f"no migration from schema version {step} to {step + 1}")
        data = migration(dict(data))
        data["schema_version"] = step + 1
    return data
