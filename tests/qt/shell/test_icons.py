"""The per-platform icons exist, decode, and are the sizes packaging/make_icons.py renders."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6 import QtGui

ROOT = Path(__file__).resolve().parents[3]


def _outputs() -> dict[str, tuple[bytes, int]]:
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "packaging/make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.OUTPUTS)


@pytest.mark.parametrize("name", sorted(_outputs()))
def test_icon_decodes_at_its_size(qapp, name: str) -> None:
    fmt, size = _outputs()[name]
    reader = QtGui.QImageReader(str(ROOT / "resources" / name), fmt)
    image = reader.read()
    assert not image.isNull(), f"{name}: {reader.errorString()}"
    assert (image.width(), image.height()) == (size, size)
    # Not blank: the ring's colours are there, and the corners stay transparent.
    assert image.pixelColor(size // 2, size // 10).alpha() > 0
    assert image.pixelColor(0, 0).alpha() == 0
    if fmt == b"icns":
        assert QtGui.QImageReader(str(ROOT / "resources" / name), fmt).imageCount() == 3


def test_build_spec_names_every_platform_icon() -> None:
    spec_text = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert "icon.ico" in spec_text and "icon.icns" in spec_text
