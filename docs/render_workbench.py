"""Render the workbench pieces (issue 6) to PNG files offscreen, to look at them.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/render_workbench.py [OUT_DIR]

Writes (default OUT_DIR build/workbench-renders, not committed): the caption strip under a
ring view at 1280×800 and 1920×1080 in normal and presentation mode, the scenario error
dialog, the File / Lessons / Export menus, the unsaved-changes and save-failed boxes, and a
table window in normal and presentation mode (fonts 1.5×, high contrast).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6 import QtGui, QtWidgets

from phoenix_gui.engine import HashRing, tokens_of
from phoenix_gui.qt.document.caption_overlay import CaptionStage
from phoenix_gui.qt.document.document import ScenarioDocument
from phoenix_gui.qt.document.error_dialog import ScenarioErrorDialog
from phoenix_gui.qt.document.export import ExportActions
from phoenix_gui.qt.document.file_actions import FileActions
from phoenix_gui.qt.document.lessons import LessonController, LessonsMenu
from phoenix_gui.qt.document.settings import Settings
from phoenix_gui.qt.shell.presentation import Presentation
from phoenix_gui.qt.snapshots import MemberInfo, TaskArrays
from phoenix_gui.qt.views.ring.ring_view import RingView
from phoenix_gui.resources import bundled_scenarios
from phoenix_gui.scenario import ScenarioError, load_scenario


def ring_view(width: int, height: int) -> RingView:
    view = RingView()
    view.resize(width, height)
    ids = [f"host-{i}" for i in range(8)]
    ring = HashRing.from_members(ids, vnodes=32)
    members = [
        MemberInfo(m, ring.index_of(m), int(tokens_of([m])[0]), vnodes=32, load=12) for m in ids
    ]
    vnode_tokens = {ring.index_of(m): ring.vnode_tokens(m) for m in ids}
    view.set_members("phoenix", members, ring.owner_table(), vnode_tokens)
    tok = tokens_of([f"task-{i}" for i in range(600)])
    owner = ring.route_tokens(tok).astype(np.int64)
    view.set_tasks(TaskArrays(np.arange(600), tok, owner, np.ones(600, np.int8), np.zeros(600)))
    return view


def longest_caption() -> str:
    texts = [
        e.text
        for p in bundled_scenarios()
        for e in load_scenario(p).timeline
        if e.kind == "caption"
    ]
    return max(texts, key=len)


def save(widget: QtWidgets.QWidget, out: Path, name: str) -> None:
    QtWidgets.QApplication.processEvents()
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(f"{path}  {widget.width()}x{widget.height()}")


def render_overlays(out: Path, settings: Settings) -> None:
    text = longest_caption()
    for width, height in ((1280, 800), (1920, 1080)):
        for presentation in (False, True):
            view = ring_view(width, height)
            stage = CaptionStage(view)
            stage.resize(width, height)
            overlay = stage.strip
            controller = LessonController(overlay)
            overlay.set_presentation_mode(presentation)
            stage.show()
            view.render_frame()
            controller.on_event(_caption(text))
            QtWidgets.QApplication.processEvents()
            mode = "presentation" if presentation else "normal"
            print(f"  caption {mode} {width}x{height}: {overlay.point_size():.0f} pt")
            save(stage, out, f"caption-{mode}-{width}x{height}")
            stage.close()


def _caption(text: str) -> object:
    from phoenix_gui.engine import Event, Primitive

    return Event(1.0, Primitive.SYSTEM, "caption", {"text": text, "pause": True})


def render_dialogs(out: Path, tmp: Path) -> None:
    bad = tmp / "broken-lesson.yaml"
    bad.write_text(
        "schema_version: 1\nname: broken\nmetrics:\n  trust: 1.5\n  joins: -2\n"
        "members:\n  listed:\n    - id: 'bad id!'\n",
        encoding="utf-8",
    )
    try:
        load_scenario(bad)
    except ScenarioError as error:
        dialog = ScenarioErrorDialog(error, str(bad))
        dialog.show()
        save(dialog, out, "error-dialog")
        dialog.close()

    doc = ScenarioDocument()
    doc.update({"metrics.joins": 3})
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Warning,
        "Unsaved changes",
        f"Save the changes to “{doc.scenario.name}” ({doc.file_name()})?",
        QtWidgets.QMessageBox.StandardButton.Save
        | QtWidgets.QMessageBox.StandardButton.Discard
        | QtWidgets.QMessageBox.StandardButton.Cancel,
    )
    box.setInformativeText("Your changes are lost if you don't save them.")
    box.show()
    save(box, out, "unsaved-changes")
    box.close()

    doc.save_as(tmp / "not-a-folder.yaml")
    doc.save_as(tmp / "not-a-folder.yaml" / "x.yaml")
    if doc.message_box is not None:
        save(doc.message_box, out, "save-failed")
        doc.message_box.close()


def render_menus(out: Path, settings: Settings) -> None:
    window = QtWidgets.QMainWindow()
    doc = ScenarioDocument()
    files = FileActions(doc, settings, window)
    for path in bundled_scenarios()[:3]:
        settings.add_recent_file(path)
    files.rebuild_recent_menu()
    file_menu = QtWidgets.QMenu("&File", window)
    files.populate_menu(file_menu)
    lessons = LessonsMenu(window)
    export = ExportActions(window, ring=lambda: None, timeseries=lambda: None, audit=lambda: None)
    export_menu = QtWidgets.QMenu("&Export", window)
    export.populate_menu(export_menu)
    for menu, name in (
        (file_menu, "menu-file"),
        (files.recent_menu, "menu-recent"),
        (lessons.menu, "menu-lessons"),
        (export_menu, "menu-export"),
    ):
        menu.adjustSize()
        save(menu, out, name)


def render_presentation(out: Path, settings: Settings) -> None:
    window = QtWidgets.QMainWindow()
    window.setWindowTitle("PhoenixFlight")
    table = QtWidgets.QTableWidget(6, 4)
    table.setHorizontalHeaderLabels(["Member", "Status", "Load", "Trust"])
    for row in range(6):
        for col, value in enumerate((f"host-{row}", "ACTIVE", str(10 + row), "0.95")):
            table.setItem(row, col, QtWidgets.QTableWidgetItem(value))
    big = QtWidgets.QLabel("DHS 82.5 % Healthy")
    font = QtGui.QFont(big.font())
    font.setPointSizeF(24)
    big.setFont(font)
    central = QtWidgets.QWidget()
    layout = QtWidgets.QVBoxLayout(central)
    layout.addWidget(big)
    layout.addWidget(QtWidgets.QLabel("Stability index 0.5455 · MCR 0.8333 /h"))
    layout.addWidget(table)
    window.setCentralWidget(central)
    window.resize(1280, 800)
    window.show()
    save(window, out, "window-normal")
    presentation = Presentation(settings)
    presentation.toggle(window)
    # Offscreen, "full screen" is the platform's fake 800×800 screen.
    save(window, out, "window-presentation")
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Information,
        "Audit log",
        "Verify OK: 1204 records.",
        parent=window,
    )
    box.show()
    save(box, out, "messagebox-presentation")
    box.close()
    presentation.toggle(window)
    window.close()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/workbench-renders")
    out.mkdir(parents=True, exist_ok=True)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        settings = Settings.from_file(tmp / "settings.ini")
        render_overlays(out, settings)
        render_dialogs(out, tmp)
        render_menus(out, settings)
        render_presentation(out, settings)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
