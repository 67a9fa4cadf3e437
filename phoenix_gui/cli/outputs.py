"""Output files of the command line: checked before a run starts, written atomically.

Every output option (``run --audit``, ``run --csv`` …) goes through :class:`Outputs`:

- before anything is created, the paths are compared with each other and with the inputs
  (resolved paths, and ``os.path.samefile`` for links to the same file), and a clash is refused
  naming both options — so ``--audit`` and ``--csv`` never interleave into one file and an
  output never overwrites the scenario it was made from;
- each file is written to ``NAME.partial`` and renamed to ``NAME`` only when the run has ended
  (finished or stopped with Ctrl-C), so a run refused before it starts, or one that fails,
  leaves an existing ``NAME`` untouched and no ``.partial`` behind;
- a path that already is something other than a regular file (``/dev/null``, ``/dev/full``, a
  FIFO) is written directly: renaming over a device would replace it;
- a failing write (disk full, a read-only or vanished target) raises :class:`OutputError`,
  which names the option and the file; the command turns it into one line and exit status 1.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from phoenix_gui.cli.errors import CliError

PARTIAL = ".partial"


class OutputError(Exception):
    """Writing an output file failed; ``str()`` is one line naming the option and the file."""

    def __init__(self, flag: str, path: str, exc: OSError) -> None:
        reason = exc.strerror or str(exc) or type(exc).__name__
        super().__init__(f"{flag}: cannot write {path}: {reason}")


def _identity(path: str) -> tuple[str, tuple[int, int] | None]:
    """The resolved path, and (device, inode) when the file exists."""
    resolved = os.path.realpath(path)
    try:
        st = os.stat(path)
    except OSError:
        return resolved, None
    return resolved, (st.st_dev, st.st_ino)


def check_distinct(outputs: dict[str, str], inputs: dict[str, str]) -> None:
    """Refuse an output path that is another output's or an input's (CliError naming both)."""
    seen: list[tuple[str, str, tuple[str, tuple[int, int] | None]]] = [
        (label, path, _identity(path)) for label, path in inputs.items() if path != "-"
    ]
    for flag, path in outputs.items():
        mine = _identity(path)
        for other, other_path, theirs in seen:
            same = mine[0] == theirs[0] or (mine[1] is not None and mine[1] == theirs[1])
            if same and not _is_sink_device(path):
                role = "an input" if other in inputs else "another output"
                raise CliError(
                    f"{flag}: {path} is the same file as {other} ({other_path}); "
                    f"{role} is never overwritten — choose another path"
                )
        seen.append((flag, path, mine))


def _is_sink_device(path: str) -> bool:
    """/dev/null and friends may take several outputs (nothing is kept there)."""
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


class _Writer:
    """A text file that reports a failing write as :class:`OutputError`."""

    def __init__(self, flag: str, path: str, handle: TextIO) -> None:
        self.flag = flag
        self.path = path
        self.handle = handle

    def write(self, text: str) -> int:
        try:
            return self.handle.write(text)
        except OSError as exc:
            raise OutputError(self.flag, self.path, exc) from None

    def flush(self) -> None:
        try:
            self.handle.flush()
        except OSError as exc:
            raise OutputError(self.flag, self.path, exc) from None


@dataclass
class _Pending:
    flag: str
    path: str
    temp: str | None  # None: written in place (a device or FIFO)
    writer: _Writer
    done: bool = False


@dataclass
class Outputs:
    """The output files of one command; use as a context manager around the run."""

    pending: list[_Pending] = field(default_factory=list)

    def open(self, flag: str, path: str) -> TextIO:
        """Start ``path`` (as ``path.partial``); the returned writer raises OutputError."""
        direct = False
        with contextlib.suppress(OSError):
            direct = not stat.S_ISREG(os.stat(path).st_mode)
        if direct and os.path.isdir(path):
            raise OutputError(flag, path, IsADirectoryError(21, "it is a directory"))
        temp = None if direct else path + PARTIAL
        try:
            if temp is None:
                flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO without reader
                handle = os.fdopen(os.open(path, flags), "w", encoding="utf-8", newline="")
            else:
                handle = open(temp, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise OutputError(flag, path, exc) from None
        writer = _Writer(flag, path, handle)
        self.pending.append(_Pending(flag, path, temp, writer))
        return writer  # type: ignore[return-value]

    def commit(self) -> None:
        """Flush, sync and rename every file into place (OutputError on failure)."""
        for item in self.pending:
            handle = item.writer.handle
            try:
                handle.flush()
                if item.temp is not None:
                    os.fsync(handle.fileno())
                handle.close()
                if item.temp is not None:
                    Path(item.temp).replace(item.path)
            except OSError as exc:
                raise OutputError(item.flag, item.path, exc) from None
            item.done = True

    def discard(self) -> None:
        """Close every file not committed and remove its partial file."""
        for item in self.pending:
            if item.done:
                continue
            with contextlib.suppress(OSError):
                item.writer.handle.close()
            if item.temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(item.temp)

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()
