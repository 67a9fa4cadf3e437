"""phoenix_gui.files: inputs are opened only if they are regular files, without blocking."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from phoenix_gui.files import STDIN, InputFileError, open_input


def test_a_regular_file_opens_and_stdin_is_allowed_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"abc")
    with open_input(path) as handle:
        assert handle.read() == b"abc"
    assert open_input(STDIN, allow_stdin=True) is sys.stdin.buffer
    with pytest.raises(InputFileError, match="No such file"):
        open_input(STDIN)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_devices_and_folders_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # nobody writes: a blocking open would wait forever
    for path, kind in (
        (fifo, "FIFO"),
        (Path("/dev/zero"), "character device"),
        (tmp_path, "directory"),
    ):
        with pytest.raises(InputFileError) as info:
            open_input(path)
        assert kind in str(info.value) and str(info.value).startswith(f"{path}: cannot read")
        assert info.value.detail.startswith("it is ")
