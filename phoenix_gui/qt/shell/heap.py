"""Keep Python's full garbage collections short, so they do not stall the window.

CPython's cyclic collector now and then runs a *full* collection, which walks every object
the process holds: ~10^5 objects once the modules, classes and widgets are loaded, 20–130 ms
on the GUI thread in the middle of some step (the self-test's ``max_stall_ms``).
:func:`keep_collections_short`, called once the modules are imported and before the first run
is built, moves what import time made (nearly all of those objects, which live as long as the
process anyway) out of the collected generations (``gc.freeze``): a full collection then walks
only the window and the runs, ~10^4 objects, about 1 ms.

Freed memory goes back to the system: glibc's allocator keeps what a long run frees (the
timeline's history drops keyframes of hundreds of kB to MBs, runs of the step make and free
arrays) in its heaps, and the window's resident memory then only grows (a 10^5-task soak: 100
MB more after 5000 steps than with it given back). :class:`FreeMemoryReturner` asks it to give
back its free pages (``malloc_trim``) every :data:`TRIM_EVERY` steps; elsewhere it does nothing.

Runs are never frozen: a run replaced by Reset or Open must stay collectable (a run holds
reference cycles; frozen, it would never be freed — an earlier version froze the survivors of
every full collection and leaked every run a Reset replaced).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from typing import Any

from PySide6 import QtCore

TRIM_EVERY = 50  # steps between two returns of freed memory (a few ms each)


def keep_collections_short() -> None:
    """Imports are done, no run is built yet: collect once and freeze what is left."""
    gc.collect()
    gc.freeze()


def collect_everything() -> None:
    """Undo :func:`keep_collections_short` (tests): nothing frozen."""
    gc.unfreeze()


def _malloc_trim() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None


_TRIM = _malloc_trim()


def give_back_free_memory() -> bool:
    """Return the allocator's free pages to the system; False where that cannot be done."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


class FreeMemoryReturner(QtCore.QObject):
    """Gives freed memory back every :data:`TRIM_EVERY` steps of the run (``stepped``)."""

    def __init__(self, stepped: Any, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.steps = 0
        self.returns = 0
        stepped.connect(self._on_stepped)

    def _on_stepped(self, *_args: object) -> None:
        self.steps += 1
        if self.steps % TRIM_EVERY == 0 and give_back_free_memory():
            self.returns += 1
