"""Can Qt open a window here? Answered *before* Qt is imported, so a user gets cause and fix.

Qt aborts the process (exit 134, "Reinstalling the application may fix this problem") when its
platform plugin cannot start. Three causes are common on Linux and each is checked here without
loading Qt: no display at all; a ``DISPLAY`` whose X server cannot be reached (a connection
attempt through libxcb, as Qt makes it); and the xcb plugin's libraries missing (``ldd`` on the
plugin, so every missing library is named at once, with the Debian/Ubuntu and Fedora packages
that provide it). :func:`platform_problem` returns the message, or None when Qt should start.
No Qt import in this module.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# soname → (Debian/Ubuntu package, Fedora package): what Qt 6's xcb plugin loads.
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libSM.so.6": ("libsm6", "libSM"),
    "libICE.so.6": ("libice6", "libICE"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
}

HEADLESS_HINTS = (
    "  To run the window without a screen:  QT_QPA_PLATFORM=offscreen phoenix-flight gui\n"
    "  To run a scenario headless:          phoenix-flight run ring-join (or --sim-hours 48)\n"
    "  To check the window works:           phoenix-flight gui --self-test\n"
    "  (from a source checkout the command is .venv/bin/phoenix-flight)"
)

NO_DISPLAY_MESSAGE = (
    "phoenix-flight gui: no display: DISPLAY and WAYLAND_DISPLAY are unset, so there is no "
    "screen to open the window on.\n" + HEADLESS_HINTS
)


def display_available(env: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether there is anything to open a window on: a platform chosen explicitly, a desktop
    OS, or a display named in the environment (reachable or not: see :func:`platform_problem`)."""
    env = dict(os.environ) if env is None else env
    platform = sys.platform if platform is None else platform
    if env.get("QT_QPA_PLATFORM"):
        return True  # the user chose a platform (offscreen, vnc, …): trust them
    if platform.startswith(("win", "darwin")):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def platform_problem(env: dict[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why Qt's window platform would fail to start here (cause and fix), or None."""
    env = dict(os.environ) if env is None else env
    platform = sys.platform if platform is None else platform
    if not display_available(env, platform):
        return NO_DISPLAY_MESSAGE
    if not platform.startswith("linux") or not _uses_xcb(env):
        return None  # Windows, macOS, Wayland or a platform the user chose: Qt knows best
    # Both checks run: a user who must install libraries *and* start an X server hears both.
    problems = []
    plugin = xcb_plugin()
    if plugin is not None:
        missing = missing_libraries(plugin, env)
        if missing:
            problems.append(missing_libraries_message(missing))
    display = env.get("DISPLAY", "")
    reason = x_connection_error(display)
    if reason is not None:
        problems.append(
            f"phoenix-flight gui: cannot open display {display!r}: {reason}. Is the X server "
            "running, and is DISPLAY right? Over ssh use `ssh -X`; in a container, share the "
            "X socket (/tmp/.X11-unix) and DISPLAY, or unset DISPLAY."
        )
    if not problems:
        return None
    return "\n".join(problems) + "\n" + HEADLESS_HINTS


def _uses_xcb(env: dict[str, str]) -> bool:
    """Whether Qt will pick the xcb (X11) plugin: chosen, or the default on an X display (Qt
    takes Wayland only in a Wayland session or when no DISPLAY is set)."""
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    if not env.get("DISPLAY"):
        return False
    return not (env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland")


def xcb_plugin() -> Path | None:
    """Qt's xcb platform plugin file, from source (the PySide6 package) or frozen (its copy in
    the bundle), found without importing Qt."""
    roots = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.append(Path(frozen) / "PySide6")
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.submodule_search_locations:
        roots.extend(Path(p) for p in spec.submodule_search_locations)
    for root in roots:
        for sub in ("Qt/plugins/platforms", "plugins/platforms"):
            candidate = root / sub / "libqxcb.so"
            if candidate.is_file():
                return candidate
    return None


_NOT_FOUND = re.compile(r"^\s*(\S+) => not found", re.MULTILINE)
_LOAD_ERROR = re.compile(r"error while loading shared libraries: (\S+?): (.+)$", re.MULTILINE)


def missing_libraries(plugin: Path, env: dict[str, str] | None = None) -> list[str]:
    """Libraries ``plugin`` needs that the dynamic loader cannot load with ``env``'s library
    path, each as ``soname`` or ``soname (reason)``; [] when all load or when it cannot tell."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return _first_missing_by_dlopen(plugin)
    try:
        proc = subprocess.run(
            [ldd, str(plugin)],
            capture_output=True,
            text=True,
            env=dict(os.environ) if env is None else env,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    text = proc.stdout + proc.stderr
    found = list(dict.fromkeys(_NOT_FOUND.findall(text)))
    for name, reason in _LOAD_ERROR.findall(text):
        found.append(f"{Path(name).name} ({reason.strip()})")
    return found


def _first_missing_by_dlopen(plugin: Path) -> list[str]:
    """Without ldd: load the plugin and name the library the loader stopped at."""
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        match = re.search(r"(\S+\.so[.\d]*): cannot open shared object file", str(exc))
        return [match.group(1)] if match else [str(exc)]
    return []


def missing_libraries_message(missing: list[str]) -> str:
    """Cause and fix for missing xcb plugin libraries, with the packages to install."""
    names = [m.split(" ")[0] for m in missing]
    debian = sorted({PACKAGES.get(n, (f"(the package providing {n})", ""))[0] for n in names})
    fedora = sorted({PACKAGES[n][1] for n in names if n in PACKAGES})
    lines = [
        "phoenix-flight gui: Qt's X11 (xcb) platform plugin cannot load: missing "
        + ", ".join(missing)
        + ".",
        f"  Debian/Ubuntu:  sudo apt install {' '.join(debian)}",
    ]
    if fedora:
        lines.append(f"  Fedora:         sudo dnf install {' '.join(fedora)}")
    return "\n".join(lines)


def x_connection_error(display: str) -> str | None:
    """Try to connect to the X server of ``display`` as Qt would (libxcb); the reason it
    failed, or None when it answered (or when libxcb itself is absent: the library check
    reports that)."""
    name = ctypes.util.find_library("xcb")
    if name is None:
        return None
    try:
        xcb = ctypes.CDLL(name)
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        code = int(xcb.xcb_connection_has_error(connection))
    finally:
        xcb.xcb_disconnect(connection)
    if code == 0:
        return None
    return _XCB_ERRORS.get(code, f"connection error {code}")


# xcb_connection_has_error codes (xcb.h) in words.
_XCB_ERRORS = {
    1: "the connection failed (no X server answered there, or it refused the connection)",
    2: "the X server does not support a needed extension",
    3: "out of memory",
    4: "the request was too long",
    5: "the display name could not be parsed",
    6: "no screen of that number on the server",
    7: "the file descriptor could not be passed",
}
