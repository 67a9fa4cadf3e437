"""Start-up of a sweep's local worker process, kept free of heavy imports on purpose.

A worker runs :func:`init` before its first run (a spawned one then imports numpy and the engine
as it unpickles the run; a forked one has them already). For the window's sweeps it lowers its
own priority first, so the window stays responsive on a machine whose every core is running a
sweep; the command line's workers keep the normal priority (nobody is waiting on that terminal
but for the result). Ctrl-C reaches the whole process group; the parent decides what happens, so
a worker ignores it.
"""

from __future__ import annotations

import contextlib
import os
import signal

BACKGROUND_NICENESS = 10


def init(niceness: int = 0) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if niceness:
        # Not on this platform, or not allowed: run as is.
        with contextlib.suppress(AttributeError, OSError):
            os.nice(niceness)
