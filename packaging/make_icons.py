"""Render resources/icon.svg into the per-platform icon files the packaged app uses.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py

writes resources/icon.png (256 px, Linux and the window icon), resources/icon.ico (Windows)
and resources/icon.icns (macOS) with Qt's own image writers, so no extra tool is needed.
Rerun it after editing the SVG; tests/test_icons.py checks the files match the SVG's sizes.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6 import QtCore, QtGui, QtSvg, QtWidgets

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
OUTPUTS = {"icon.png": (b"png", 256), "icon.ico": (b"ico", 256), "icon.icns": (b"icns", 512)}
# ICNS entries holding PNG data, by edge length (Apple's types ic07, ic08, ic09). Qt's own icns
# writer emits a table of contents its reader then calls corrupt, so the file is assembled here.
ICNS_TYPES = {512: b"ic09", 256: b"ic08", 128: b"ic07"}  # largest first: readers show it


def render(svg: Path, size: int) -> QtGui.QImage:
    renderer = QtSvg.QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QtGui.QImage) -> bytes:
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("could not encode PNG")
    return bytes(buffer.data().data())


def icns_bytes(svg: Path) -> bytes:
    """An ICNS container: 'icns' + total length, then (type, length, PNG) per size."""
    body = b""
    for size, kind in ICNS_TYPES.items():
        data = png_bytes(render(svg, size))
        body += kind + struct.pack(">I", len(data) + 8) + data
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> int:
    _app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    svg = RESOURCES / "icon.svg"
    for name, (fmt, size) in OUTPUTS.items():
        target = RESOURCES / name
        if fmt == b"icns":
            target.write_bytes(icns_bytes(svg))
            print(f"wrote {target.relative_to(ROOT)} ({', '.join(map(str, ICNS_TYPES))} px)")
            continue
        writer = QtGui.QImageWriter(str(target), fmt)
        if not writer.write(render(svg, size)):
            print(f"{target}: {writer.errorString()}", file=sys.stderr)
            return 1
        print(f"wrote {target.relative_to(ROOT)} ({size} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
