"""Entry script of the frozen app: the same `phoenix-flight` command line as from source."""

import sys

from phoenix_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
