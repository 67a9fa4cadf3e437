"""Ring exports are clean slides, the caption a title on request, and SVG renders like PNG."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtSvg

from phoenix_gui.engine.config import MembersConfig, SimulationConfig, WorkloadConfig
from phoenix_gui.qt.adapter import SimulationAdapter
from phoenix_gui.qt.document.export import ExportActions, export_plot_svg, export_ring_png
from phoenix_gui.qt.views.palette import member_color, rgb_of
from phoenix_gui.qt.views.ring.ring_binding import RingBinding
from phoenix_gui.qt.views.ring.ring_view import RingView


@pytest.fixture
def view(qtbot) -> RingView:
    config = replace(
        SimulationConfig(seed=3),
        members=MembersConfig(generate=10),
        workload=WorkloadConfig(initial_tasks=1000),
    )
    adapter = SimulationAdapter(config)
    ring = RingView()
    adapter.setParent(ring)
    ring.resize(700, 500)
    RingBinding(adapter, ring)
    qtbot.addWidget(ring)
    ring.show()
    qtbot.waitExposed(ring)
    # The run's first keyframe is stored in slices on a timer: done before the test goes on
    # (a quick test under load ended with that timer still running at teardown).
    store = adapter.findChild(QtCore.QTimer, "history-store-timer")
    qtbot.waitUntil(lambda: not adapter.history.storing and not store.isActive(), timeout=20_000)
    return ring


def _pixels(image: QtGui.QImage) -> np.ndarray:
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    rows = data.reshape(image.height(), image.bytesPerLine())[:, : 4 * image.width()]
    return rows.reshape(image.height(), image.width(), 4)[:, :, [2, 1, 0]].astype(float)


def _svg_image(path: Path, width: int, height: int) -> QtGui.QImage:
    renderer = QtSvg.QSvgRenderer(str(path))
    assert renderer.isValid()
    image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QtGui.QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def test_svg_renders_like_the_png(view, tmp_path) -> None:
    png = export_ring_png(view, tmp_path / "ring.png")
    export_plot_svg(view, tmp_path / "ring.svg")
    svg = _svg_image(tmp_path / "ring.svg", png.width(), png.height())
    a, b = _pixels(png), _pixels(svg)
    # Markers are drawn as markers: the pixel under each member's marker has its colour in both.
    for info in view._by_id.values():
        point = view.mapFromScene(view.member_position(info.id))
        want = np.array(rgb_of(member_color(info.index)), dtype=float)
        for image in (a, b):
            assert np.abs(image[point.y(), point.x()] - want).max() <= 40, info.id
    # And the pictures agree on the whole (text is rendered slightly differently).
    assert np.abs(a - b).mean() <= 6.0


def test_the_caption_becomes_a_title_only_on_request(view, tmp_path) -> None:
    exports = ExportActions(None, ring=lambda: view, caption=lambda: "Which tasks move?")
    assert exports.export_to("png", tmp_path / "plain.png")
    plain = QtGui.QImage(str(tmp_path / "plain.png"))
    assert plain.size() == view.size()  # the ring alone: no caption, no strip
    exports.title_action.setChecked(True)
    assert exports.export_to("png", tmp_path / "titled.png")
    titled = QtGui.QImage(str(tmp_path / "titled.png"))
    assert titled.width() == view.width() and titled.height() > view.height()
    # The slide under the title is the plain picture.
    band = titled.height() - view.height()
    assert titled.copy(QtCore.QRect(0, band, view.width(), view.height())) == plain.convertToFormat(
        titled.format()
    )
    assert exports.export_to("svg", tmp_path / "titled.svg")
    assert "Which tasks move?" in (tmp_path / "titled.svg").read_text(encoding="utf-8")


def test_an_export_leaves_the_selection_out_and_puts_it_back(view, tmp_path) -> None:
    plain = export_ring_png(view, tmp_path / "plain.png")
    member = next(iter(view._by_id))
    view.set_selected(member)
    assert view.highlighted == member
    lit = view.grab().toImage()
    exported = export_ring_png(view, tmp_path / "selected.png")
    assert exported == plain and lit != plain  # no dimming, no lit member on the slide
    assert view.highlighted == member  # the user's selection is still there
    export_plot_svg(view, tmp_path / "selected.svg")
    assert view.highlighted == member
