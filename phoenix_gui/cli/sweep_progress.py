"""The sweep's progress bar (rich): runs done of all, failures so far, elapsed time and ETA.

Kept apart from the command so a test can drive it with a recording console.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from phoenix_gui.experiments.session import SweepSession
from phoenix_gui.experiments.table import Row


@contextlib.contextmanager
def sweep_progress(console: Console, session: SweepSession) -> Iterator[Callable[[Row], None]]:
    """A live bar for ``session``; yields the callback that advances it by one finished row."""
    columns = (
        TextColumn("sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failures {task.fields[failures]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        job = bar.add_task("sweep", total=session.total, completed=session.resumed, failures=0)

        def on_row(row: Row) -> None:
            bar.update(job, advance=1, failures=session.failures)

        yield on_row
