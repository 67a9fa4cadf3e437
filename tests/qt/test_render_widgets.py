"""docs/render_widgets.py keeps working: it renders the three panels to non-empty PNGs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from PySide6 import QtGui

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "render_widgets.py"


def test_render_script_writes_the_three_images_at_dock_sizes(qapp, tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("render_widgets", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    assert module.main(["render_widgets.py", str(tmp_path)]) == 0
    sizes = {}
    for name in ("controls", "metrics", "timeseries"):
        image = QtGui.QImage(str(tmp_path / f"{name}.png"))
        assert not image.isNull()
        sizes[name] = (image.width(), image.height())
    assert sizes == {"controls": (380, 700), "metrics": (380, 700), "timeseries": (800, 300)}
