"""Export: the ring view as PNG and SVG, the clipboard image, metrics CSV and audit JSON lines."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtGui, QtWidgets

from phoenix_gui.engine.audit import AuditLog, verify_file
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.engine.ring import HashRing, tokens_of
from phoenix_gui.qt.document.export import (
    ExportActions,
    ExportError,
    copy_widget_image,
    export_audit_jsonl,
    export_plot_png,
    export_plot_svg,
    export_widget_png,
)
from phoenix_gui.qt.snapshots import MemberInfo, TaskArrays
from phoenix_gui.qt.views.ring.ring_view import RingView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ring_view(qtbot) -> RingView:
    view = RingView()
    qtbot.addWidget(view)
    view.resize(640, 480)
    view.show()
    qtbot.waitExposed(view)
    ids = [f"host-{i}" for i in range(4)]
    ring = HashRing.from_members(ids, vnodes=16)
    members = [
        MemberInfo(m, ring.index_of(m), int(tokens_of([m])[0]), vnodes=16, load=3) for m in ids
    ]
    view.set_members(
        "phoenix",
        members,
        ring.owner_table(),
        ring.vnode_tokens_by_index(),
    )
    tok = tokens_of([f"task-{i}" for i in range(200)])
    view.set_tasks(
        TaskArrays(
            np.arange(200),
            tok,
            ring.route_tokens(tok).astype(np.int64),
            np.ones(200, np.int8),
            np.zeros(200),
        )
    )
    view.render_frame()
    return view


def _dpr_size(widget: QtWidgets.QWidget) -> tuple[int, int]:
    ratio = widget.devicePixelRatioF()
    return round(widget.width() * ratio), round(widget.height() * ratio)


def test_png_is_a_valid_image_of_the_widget_size(ring_view, tmp_path) -> None:
    path = tmp_path / "ring.png"
    export_widget_png(ring_view, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QtGui.QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == _dpr_size(ring_view)
    # Not a blank grab: the ring and members put several colours on the background.
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 5


def test_plot_png_through_pyqtgraph_has_the_requested_width(ring_view, tmp_path) -> None:
    path = tmp_path / "ring-wide.png"
    export_plot_png(ring_view, path, width=800)
    image = QtGui.QImage(str(path))
    assert image.width() == 800 and image.height() > 0


def test_svg_parses_as_xml_with_an_svg_root(ring_view, tmp_path) -> None:
    path = tmp_path / "ring.svg"
    export_plot_svg(ring_view, path)
    root = ET.parse(path).getroot()
    assert root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")
    assert len(list(root.iter())) > 10  # the drawing, not an empty document


def test_clipboard_holds_an_image_of_the_widget_size(ring_view) -> None:
    QtGui.QGuiApplication.clipboard().clear()
    copy_widget_image(ring_view)
    image = QtGui.QGuiApplication.clipboard().image()
    assert not image.isNull()
    assert (image.width(), image.height()) == _dpr_size(ring_view)


def test_audit_log_as_json_lines_verifies(tmp_path) -> None:
    log = AuditLog()
    for i in range(3):
        log.append(Event(float(i), Primitive.IDENTITY, "member_joined", {"member": f"h{i}"}))
    path = tmp_path / "audit.jsonl"
    export_audit_jsonl(log, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [0, 1, 2, 3]
    result = verify_file(path, require_seal=True)  # sealed: it verifies on its own
    assert result.ok and result.sealed and result.before_seal == (3, log.head)
    assert json.loads(lines[-1])["details"]["records"] == 4 and len(log) == 3


def test_a_failed_export_names_the_file(ring_view, tmp_path) -> None:
    target = tmp_path / "missing-folder" / "ring.png"
    with pytest.raises(ExportError, match="missing-folder"):
        export_widget_png(ring_view, target)
    with pytest.raises(ExportError, match="missing-folder"):
        export_audit_jsonl(AuditLog(), tmp_path / "missing-folder" / "a.jsonl")


def test_export_actions_write_each_kind(qtbot, ring_view, tmp_path) -> None:
    class Series:
        def export_csv(self, path):
            Path(path).write_text("time,dhs\n0,82.5\n", encoding="utf-8")

    log = AuditLog()
    log.append(Event(0.0, Primitive.SYSTEM, "run_started", {"entropy": 1}))
    actions = ExportActions(None, ring=lambda: ring_view, timeseries=Series, audit=lambda: log)
    errors: list[str] = []
    actions.show_error = errors.append
    for action, name in [
        (actions.png_action, "r"),
        (actions.svg_action, "r.svg"),
        (actions.csv_action, "m"),
        (actions.audit_action, "a.jsonl"),
    ]:
        actions.ask_save_path = lambda _t, _s, _f, name=name: str(tmp_path / name)
        with qtbot.waitSignal(actions.exported):
            action.trigger()
    assert errors == []
    assert QtGui.QImage(str(tmp_path / "r.png")).width() == _dpr_size(ring_view)[0]
    assert ET.parse(tmp_path / "r.svg").getroot().tag.endswith("svg")
    assert (tmp_path / "m.csv").read_text(encoding="utf-8").startswith("time,dhs")
    assert verify_file(tmp_path / "a.jsonl").ok

    actions.ask_save_path = lambda *_: str(tmp_path / "nope" / "x.png")
    actions.png_action.trigger()
    assert errors and "nope" in errors[0]


def test_export_without_a_source_reports_it(qtbot) -> None:
    actions = ExportActions(None, ring=lambda: None)
    errors: list[str] = []
    actions.show_error = errors.append
    assert not actions.csv_action.isEnabled()
    assert not actions.export_to("png", "/tmp/never.png")
    assert errors == ["there is no view to export"]


def test_svg_of_a_plain_plot(qtbot, tmp_path) -> None:
    import pyqtgraph as pg

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.plot([0, 1, 2, 3], [1, 3, 2, 4])
    path = tmp_path / "plot.svg"
    writer = export_plot_svg(plot.getPlotItem(), path)
    # pyqtgraph 0.14.0 cannot rewrite Qt 6.11's closed paths (issue #3495): Qt writes it.
    assert writer in ("pyqtgraph", "qt")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    shapes = [e for e in root.iter() if e.tag.split("}")[-1] in ("path", "polyline")]
    assert len(shapes) >= 3  # axes, ticks and the curve
