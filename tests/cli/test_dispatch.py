"""The dispatcher: sub-commands are listed, a closed pipe ends quietly, no traceback."""

import os
import subprocess
import sys

from phoenix_gui.cli import build_parser


def test_every_sub_command_is_registered() -> None:
    text = build_parser().format_help()
    for name in ("metrics", "ring", "run", "audit", "validate", "schema", "gui"):
        assert name in text


RING_JSON = (
    *(sys.executable, "-m", "phoenix_gui", "ring", "--members", "a,b,c"),
    *("--vnodes", "10", "--task-count", "50000", "--json"),
)


def test_closed_pipe_exits_quietly_without_traceback() -> None:
    # Far more output than a pipe buffer holds; the reader closes after the first bytes.
    proc = subprocess.Popen(
        [*RING_JSON],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.read(100)
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert b"BrokenPipeError" not in err


def test_help_on_an_ascii_terminal_prints_instead_of_crashing() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    proc = subprocess.run(
        [sys.executable, "-m", "phoenix_gui", "metrics", "--help"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert b"--hours" in proc.stdout
    assert b"Traceback" not in proc.stderr
