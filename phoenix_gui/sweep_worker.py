"""Start-up of a sweep's local worker process, kept free of heavy imports on purpose.

A spawned worker runs :func:`init` before it unpickles its first run (which imports numpy and
the engine), so it lowers its own priority first: the window, and the shell that started the
sweep, stay responsive on a machine whose every core is running a sweep. Ctrl-C reaches the
whole process group; the parent decides what happens, so a worker ignores it.
"""

from __future__ import annotations

import contextlib
import os
import signal

NICENESS = 10


def init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Not on this platform, or not allowed: run as is.
    with contextlib.suppress(AttributeError, OSError):
        os.nice(NICENESS)
