"""With no display and no Qt platform chosen, `phoenix-flight gui` explains what to do."""

from __future__ import annotations

from phoenix_gui.qt.shell.app import display_available
from tests.qt.child_process import bare_env, run_python


def test_display_detection() -> None:
    assert not display_available({}, "linux")
    assert display_available({"DISPLAY": ":0"}, "linux")
    assert display_available({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert display_available({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert display_available({}, "darwin") and display_available({}, "win32")


def test_gui_without_display_says_how_to_proceed() -> None:
    for argv in (["gui"], []):
        proc = run_python("-m", "phoenix_gui", *argv, env=bare_env(), timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert "QT_QPA_PLATFORM=offscreen" in proc.stderr
        assert "phoenix-flight run" in proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
