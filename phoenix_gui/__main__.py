"""`python -m phoenix_gui` runs the same entry point as the `phoenix-flight` command."""

import sys

from phoenix_gui.cli import main

sys.exit(main())
