"""Keep Python's full garbage collections short, so they do not stall the window.

CPython's cyclic collector now and then runs a *full* collection, which walks every object
the process holds: ~10^5 objects once the modules, classes and widgets are loaded, 20–130 ms
on the GUI thread in the middle of some step (the self-test's ``max_stall_ms``).
:func:`keep_collections_short`, called once the modules are imported and before the first run
is built, moves what import time made (nearly all of those objects, which live as long as the
process anyway) out of the collected generations (``gc.freeze``): a full collection then walks
only the window and the runs, ~10^4 objects, about 1 ms.

Runs are never frozen: a run replaced by Reset or Open must stay collectable (a run holds
reference cycles; frozen, it would never be freed — an earlier version froze the survivors of
every full collection and leaked every run a Reset replaced).
"""

from __future__ import annotations

import gc


def keep_collections_short() -> None:
    """Imports are done, no run is built yet: collect once and freeze what is left."""
    gc.collect()
    gc.freeze()


def collect_everything() -> None:
    """Undo :func:`keep_collections_short` (tests): nothing frozen."""
    gc.unfreeze()
