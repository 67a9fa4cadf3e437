"""`phoenix-flight sweep --plot FILE.png`: the dialog's chart, drawn offscreen to a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtGui

from phoenix_gui.cli import main

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _colours(path: Path) -> set[tuple[int, int, int]]:
    image = QtGui.QImage(str(path))
    step = 7
    return {
        QtGui.QColor(image.pixel(x, y)).getRgb()[:3]
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }


def test_one_parameter_draws_a_line_per_metric(qapp, tmp_path: Path) -> None:
    png = tmp_path / "one.png"
    code = main(["sweep", "--vary", "vnodes=1,10,100", "--replicates", "2", "--steps", "4",
                 "--out", str(tmp_path / "one.csv"), "--workers", "1", "--plot", str(png),
                 "--metric", "load_std_over_mean", "--metric", "obs_dhs"])  # fmt: skip
    assert code == 0
    image = QtGui.QImage(str(png))
    assert (image.width(), image.height()) == (1280, 840)  # two metrics, one row each
    assert (31, 119, 180) in _colours(png)  # the mean line


def test_two_parameters_draw_mean_and_spread_heatmaps(qapp, tmp_path: Path) -> None:
    png = tmp_path / "two.png"
    code = main(["sweep", "--vary", "vnodes=1,10", "--vary", "tasks=500,2000", "--replicates",
                 "2", "--steps", "2", "--out", str(tmp_path / "two.csv"), "--workers", "1",
                 "--plot", str(png), "--metric", "load_std_over_mean"])  # fmt: skip
    assert code == 0
    image = QtGui.QImage(str(png))
    assert (image.width(), image.height()) == (1280, 420)
    assert len(_colours(png)) > 20  # two colour maps, not a blank canvas
    assert not (tmp_path / "two.png.partial").exists()
