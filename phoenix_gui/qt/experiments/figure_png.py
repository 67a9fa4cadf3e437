"""The sweep chart to a PNG without a window: `phoenix-flight sweep --plot FILE.png`.

The same :class:`ExperimentFigure` the Experiment dialog shows, rendered offscreen (on the
offscreen platform unless an application is already running), so the file and the window agree.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from phoenix_gui.experiments.design import Design
from phoenix_gui.experiments.table import Row

WIDTH = 1280
ROW_HEIGHT = 420


def save_png(path: Path, design: Design, rows: Sequence[Row], metrics: Sequence[str]) -> None:
    """Draw ``rows`` of ``design`` (one chart row per metric) to ``path``; OSError on failure."""
    from PySide6 import QtWidgets

    if QtWidgets.QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a file, not a window

    from phoenix_gui.qt.experiments.figure import ExperimentFigure

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["phoenix-flight"])
    figure = ExperimentFigure()
    try:
        figure.resize(WIDTH, ROW_HEIGHT * max(1, len(metrics)))
        figure.set_design(design, metrics)
        figure.set_rows(rows)
        app.processEvents()
        image = figure.grab()
        partial = path.with_name(path.name + ".partial")
        if not image.save(str(partial), "PNG"):
            raise OSError(f"cannot write {partial}")
        os.replace(partial, path)
    finally:
        figure.close()
        figure.deleteLater()
        app.processEvents()
