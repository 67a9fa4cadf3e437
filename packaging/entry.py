"""Entry script of the frozen app: the same `phoenix-flight` command line as from source.

``multiprocessing.freeze_support()`` comes first: a sweep's worker processes (the window's
Experiment dialog, `phoenix-flight sweep`) are started with ``spawn``, which re-runs this
executable with multiprocessing's own arguments; freeze_support turns that start into a
worker instead of a second app.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from phoenix_gui.cli import main

    sys.exit(main())
