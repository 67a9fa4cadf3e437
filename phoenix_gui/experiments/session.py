"""One sweep from start to file: the jobs, the rows so far, resuming, and atomic saving.

The command line and the window both drive a :class:`SweepSession`: it knows which runs are
still to do (``--resume`` skips the ones the output file already holds), takes rows as a runner
yields them, and writes the whole sorted table atomically — every few seconds while running
and once at the end, also after Ctrl-C or Cancel, so finished runs are never lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.experiments.design import Design
from phoenix_gui.experiments.executors import Runner
from phoenix_gui.experiments.runs import Job, make_jobs
from phoenix_gui.experiments.table import Row, as_text, columns, key, read_done, render
from phoenix_gui.experiments.table import write_atomic as _write

SAVE_EVERY_S = 5.0


class SweepSession:
    def __init__(
        self,
        base: SimulationConfig,
        design: Design,
        out: Path | None = None,
        resume: bool = False,
    ) -> None:
        self.base = base
        self.design = design
        self.out = out
        self.header = columns(design.names)
        self.jobs: list[Job] = make_jobs(base, design)
        self.rows: dict[tuple[int, int], Row] = {}
        if resume and out is not None:
            self.rows.update(read_done(out, self.header, self.jobs))
        self.resumed = len(self.rows)
        self.todo = [j for j in self.jobs if (j.cell, j.replicate) not in self.rows]
        self.failures = 0
        self.cancelled = False

    @property
    def total(self) -> int:
        return len(self.jobs)

    def add(self, row: dict[str, Any]) -> Row:
        text = as_text(row)
        self.rows[key(text)] = text
        if text["error"]:
            self.failures += 1
        return text

    def text(self) -> str:
        return render(self.rows.values(), self.header)

    def save(self) -> None:
        if self.out is not None:
            _write(self.out, self.text())

    def run(self, runner: Runner, on_row: Callable[[Row], None] | None = None) -> None:
        """Take every row ``runner`` yields; save now and then and always at the end (the
        caller cancels the runner on Ctrl-C; the rows so far are saved on the way out)."""
        last = time.monotonic()
        try:
            for row in runner.results():
                text = self.add(row)
                if on_row is not None:
                    on_row(text)
                if self.out is not None and time.monotonic() - last > SAVE_EVERY_S:
                    self.save()
                    last = time.monotonic()
        except BaseException:
            self.cancelled = True
            runner.cancel()
            raise
        finally:
            runner.close()
            self.save()
