"""With no display and no Qt platform chosen, `phoenix-flight gui` explains what to do."""

from __future__ import annotations

import os
import subprocess
import sys

from phoenix_gui.qt.app import display_available

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _bare_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["PYTHONPATH"] = ROOT
    return env


def test_display_detection() -> None:
    assert not display_available({}, "linux")
    assert display_available({"DISPLAY": ":0"}, "linux")
    assert display_available({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert display_available({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert display_available({}, "darwin") and display_available({}, "win32")


def test_gui_without_display_says_how_to_proceed() -> None:
    for argv in (["gui"], []):
        proc = subprocess.run(
            [sys.executable, "-m", "phoenix_gui", *argv],
            env=_bare_env(),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        assert proc.returncode == 2, proc.stderr
        assert "QT_QPA_PLATFORM=offscreen" in proc.stderr
        assert "phoenix-flight run" in proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
