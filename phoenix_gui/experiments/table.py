"""The sweep's output table: its columns, atomic CSV writing and reading it back to resume.

Rows are kept as the text that goes into the file, so a resumed file is byte-identical to one
written in one go: a value read back is written back exactly as it was read. The file is
written to ``FILE.partial`` and renamed over ``FILE`` (DESIGN.md §6), so an interrupted sweep
leaves either the previous complete table or the new one, never half a file.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from phoenix_gui.experiments.design import ExperimentError
from phoenix_gui.experiments.runs import METRIC_COLUMNS, Job

Row = dict[str, str]


def columns(names: tuple[str, ...]) -> list[str]:
    """The header of a sweep varying ``names``."""
    return ["cell", "replicate", *names, "seed", "error", *METRIC_COLUMNS]


def as_text(row: Mapping[str, Any]) -> Row:
    """A result row as the text of its CSV fields (None → empty; floats as Python prints
    them, which reads back to the same float)."""
    return {k: "" if v is None else str(v) for k, v in row.items()}


def key(row: Mapping[str, str]) -> tuple[int, int]:
    return int(row["cell"]), int(row["replicate"])


def render(rows: Iterable[Row], header: list[str]) -> str:
    """The CSV text of ``rows`` sorted by (cell, replicate)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=key):
        writer.writerow(row)
    return out.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through ``path.partial`` + fsync + rename."""
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, path)


def read_done(path: Path, header: list[str], jobs: list[Job]) -> dict[tuple[int, int], Row]:
    """Rows of an earlier run of the same sweep in ``path``, by (cell, replicate), for
    ``--resume``. Rows that recorded an error are dropped so they run again. A file of another
    sweep (other columns, cells, values or seeds) is refused rather than mixed in."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ExperimentError(where, f"cannot read it to resume: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != header:
        raise ExperimentError(
            where, "its columns are not this sweep's (another --vary?); choose another --out"
        )
    expected = {(j.cell, j.replicate): j for j in jobs}
    done: dict[tuple[int, int], Row] = {}
    for line, row in enumerate(reader, start=2):
        try:
            job = expected[key(row)]
        except (KeyError, ValueError):
            raise ExperimentError(
                f"{where}:{line}", "this row is not a run of this sweep; choose another --out"
            ) from None
        values = [str(v) for v in job.values]
        if [row[n] for n in job.names] != values or row["seed"] != str(job.seed):
            raise ExperimentError(
                f"{where}:{line}",
                "its values or seed differ from this sweep's (another scenario or seed?); "
                "choose another --out",
            )
        if not row["error"]:
            done[key(row)] = row
    return done
