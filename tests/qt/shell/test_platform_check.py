"""Qt start-up problems end with exit 2 and cause + fix, before Qt can abort (exit 134).

Each cause is simulated for real in a child process started as a user would start the app:
a DISPLAY with no X server behind it, and a library path that hides one of the xcb plugin's
libraries behind a file the loader cannot load.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from phoenix_gui.qt.shell.platform_check import (
    PACKAGES,
    missing_libraries,
    missing_libraries_message,
    platform_problem,
    x_connection_error,
    xcb_plugin,
)
from tests.qt.child_process import bare_env, run_python

pytestmark = pytest.mark.skipif(xcb_plugin() is None, reason="Qt's xcb plugin is Linux only")

NO_SERVER = ":87"  # no X server answers on display 87 on a test machine


def _xcb_env(**extra: str) -> dict[str, str]:
    """A desktop-like environment: DISPLAY set, no Qt platform chosen."""
    return dict(bare_env(), DISPLAY=NO_SERVER, **extra)


def test_a_display_with_no_server_behind_it_is_named_with_the_fix() -> None:
    assert x_connection_error(NO_SERVER) is not None
    proc = run_python("-m", "phoenix_gui", "gui", "ring-join", env=_xcb_env(), timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert f"cannot open display '{NO_SERVER}'" in proc.stderr
    assert "Is the X server running" in proc.stderr
    assert "QT_QPA_PLATFORM=offscreen" in proc.stderr
    assert "Reinstalling the application" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_hidden_xcb_library_is_named_with_its_packages(tmp_path: Path) -> None:
    plugin = xcb_plugin()
    assert plugin is not None
    present_before = set(missing_libraries(plugin))
    # libxcb-shape is one the plugin needs; a file the loader cannot load shadows the real one.
    (tmp_path / "libxcb-shape.so.0").write_bytes(b"")
    env = _xcb_env(LD_LIBRARY_PATH=str(tmp_path))
    hidden = missing_libraries(plugin, env)
    assert "libxcb-shape.so.0" not in present_before
    assert any(m.startswith("libxcb-shape.so.0") for m in hidden), hidden
    proc = run_python("-m", "phoenix_gui", "gui", env=env, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "xcb) platform plugin cannot load: missing" in proc.stderr
    assert "libxcb-shape.so.0" in proc.stderr
    assert "sudo apt install" in proc.stderr and "libxcb-shape0" in proc.stderr
    assert "sudo dnf install" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_message_names_debian_and_fedora_packages() -> None:
    text = missing_libraries_message(["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1" in text
    assert "sudo dnf install xcb-util-keysyms xcb-util-wm" in text
    assert all(deb and fedora for deb, fedora in PACKAGES.values())


def test_a_chosen_platform_or_another_os_is_left_to_qt() -> None:
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": NO_SERVER}) is None
    assert platform_problem({"DISPLAY": NO_SERVER}, "darwin") is None
    assert platform_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert "no display" in (platform_problem({}, "linux") or "")


def test_self_test_without_a_display_still_runs_offscreen_after_the_check() -> None:
    # The stall bound is loosened: this test is about the platform check, and a shared machine
    # may be busy (tests/qt/shell/test_selftest.py checks the bound itself).
    proc = run_python(
        "-m", "phoenix_gui", "--self-test", "--steps", "3", "--max-stall-ms", "60000",
        env=bare_env(),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
