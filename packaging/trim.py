"""Keep the frozen app small: drop the Qt parts PhoenixFlight never loads (used by build.spec).

PyInstaller's PySide6 hooks collect every plugin of every group the imported Qt modules might
use, all Qt translations, and the system libraries those plugins link to. PhoenixFlight needs
the xcb, Wayland and offscreen platforms, SVG and PNG images, and English text. :func:`trim`
removes the rest from the Analysis tables, then drops every shared library that no kept
extension module, plugin or library still links to (a closure over the libraries' own import
tables, so nothing still needed can go). The frozen ``--self-test`` and a frozen run of every
bundled lesson in CI prove the result still works.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

# Qt plugins, by "group/file" under the plugins folder (any OS's file naming).
DROP_PLUGINS = (
    "platforms/*qeglfs*", "platforms/*qlinuxfb*", "platforms/*qminimal*", "platforms/*qvnc*",
    "platforms/*qvkkhrdisplay*", "platforms/*qdirect2d*",
    "egldeviceintegrations/*", "generic/*", "networkinformation/*", "tls/*", "sqldrivers/*",
    "platformthemes/*qgtk3*", "position/*", "multimedia/*", "qmltooling/*", "designer/*",
    "imageformats/*qgif*", "imageformats/*qjpeg*", "imageformats/*qtga*", "imageformats/*qtiff*",
    "imageformats/*qwbmp*", "imageformats/*qwebp*", "imageformats/*qpdf*",
)  # fmt: skip

# Data files: Qt's translations (the app's text is English only).
DROP_DATA = ("PySide6/Qt/translations/*", "PySide6/translations/*")

Entry = tuple[str, str, str]  # (name in the bundle, source path, PyInstaller type code)


def _plugin_part(name: str) -> str | None:
    """``PySide6/Qt/plugins/platforms/libqvnc.so`` → ``platforms/libqvnc.so``."""
    parts = name.replace("\\", "/").split("/")
    if "plugins" not in parts:
        return None
    at = len(parts) - 1 - parts[::-1].index("plugins")
    return "/".join(parts[at + 1 :])


def dropped_plugin(name: str) -> bool:
    part = _plugin_part(name)
    return part is not None and any(fnmatch.fnmatch(part, pat) for pat in DROP_PLUGINS)


def trim_datas(datas: Iterable[Entry]) -> list[Entry]:
    return [e for e in datas if not any(fnmatch.fnmatch(e[0], pat) for pat in DROP_DATA)]


def trim_binaries(binaries: Iterable[Entry]) -> list[Entry]:
    """The binaries without the dropped plugins and without libraries nothing links to."""
    from PyInstaller.depend import bindepend

    kept = [e for e in binaries if not dropped_plugin(e[0])]
    libraries = [e for e in kept if e[2] == "BINARY" and _plugin_part(e[0]) is None]
    by_basename: dict[str, list[Entry]] = {}
    for entry in libraries:
        by_basename.setdefault(entry[0].replace("\\", "/").rsplit("/", 1)[-1], []).append(entry)
    roots = [e for e in kept if e not in libraries and e[2] != "SYMLINK"]
    # libpython and the like are loaded by the bootloader, not linked: always roots.
    roots += [e for e in libraries if "python" in e[0].lower()]
    reached: set[Entry] = set()
    todo = list(roots)
    while todo:
        entry = todo.pop()
        try:
            imports = bindepend.get_imports(entry[1])
        except Exception:  # not a binary we can read: keep what it might need
            continue
        for needed, _path in imports:
            for lib in by_basename.get(needed.rsplit("/", 1)[-1], []):
                if lib not in reached:
                    reached.add(lib)
                    todo.append(lib)
    keep_libs = reached | set(roots)
    result = [e for e in kept if e not in libraries or e in keep_libs]
    # A symlink stays only when what it points to stays.
    names = {e[0] for e in result if e[2] != "SYMLINK"}
    return [e for e in result if e[2] != "SYMLINK" or _symlink_target(e) in names]


# Binaries whose debug information goes (``strip --strip-debug``): libpython (23 MB → 6 MB for a
# Python built with ``-g``, as pyenv builds it) and zstandard's C backend (12 MB → 1 MB; the
# wheel ships it with debug information and no libraries beside it for auditwheel to patch).
STRIP_DEBUG = ("libpython", "zstandard/backend_c")


def strip_python(binaries: Iterable[Entry], workdir: str) -> list[Entry]:
    """The :data:`STRIP_DEBUG` binaries with their debug information removed. Only those:
    libraries from wheels were rewritten by auditwheel, and stripping those breaks them (numpy's
    OpenBLAS stops loading). Linux only, and only when ``strip`` is there; otherwise
    unchanged."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    tool = shutil.which("strip")
    out = []
    for name, source, kind in binaries:
        path = name.replace("\\", "/")
        base = path.rsplit("/", 1)[-1]
        if tool and sys.platform.startswith("linux") and path.startswith(STRIP_DEBUG):
            target = Path(workdir) / "stripped" / base
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            subprocess.run([tool, "--strip-debug", str(target)], check=True)
            source = str(target)
        out.append((name, source, kind))
    return out


def _symlink_target(entry: Entry) -> str:
    """A SYMLINK entry's target, as a name in the bundle (PyInstaller stores it relative to
    the link's folder)."""
    import posixpath

    folder = posixpath.dirname(entry[0].replace("\\", "/"))
    return posixpath.normpath(posixpath.join(folder, entry[1].replace("\\", "/")))
