"""Opening input files safely: regular files only (or ``-`` for standard input), never blocking.

A FIFO or a terminal opened for reading waits for a writer forever, and a character device such
as ``/dev/zero`` never ends, so every input the program reads (scenario files, audit logs) goes
through :func:`open_input`: it opens without blocking (``O_NONBLOCK``), then refuses anything
that is not a regular file *after* opening (``fstat`` of the open descriptor, so the check and
the read concern the same file). Readers then cap what they read (scenario files at 1 MiB,
audit logs per record line). No Qt, no YAML: every layer may import this.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from typing import BinaryIO

STDIN = "-"


class InputFileError(OSError):
    """An input that cannot or must not be read; ``str()`` is one line naming the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason  # "cannot read the file: it is a FIFO (named pipe); …"
        self.detail = reason.removeprefix("cannot read the file: ")  # "it is a FIFO …"

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_input(path: str | os.PathLike[str], *, allow_stdin: bool = False) -> BinaryIO:
    """The file at ``path`` opened for binary reading; :class:`InputFileError` unless it is a
    regular file (``-`` means standard input when ``allow_stdin``)."""
    name = os.fspath(path)
    if allow_stdin and name == STDIN:
        return sys.stdin.buffer
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(name, flags)
    except OSError as exc:
        raise InputFileError(name, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputFileError(
                name, f"cannot read the file: it is {_kind(mode)}; only regular files are read"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return io.open(fd, "rb", closefd=True)  # noqa: UP020 - io.open takes a descriptor
    except BaseException:
        os.close(fd)
        raise
