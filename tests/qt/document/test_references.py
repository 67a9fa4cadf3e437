"""Caption references: every bundled caption resolves against the real window and highlights."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.qt.document.references import REFERENCE, plain_mentions
from phoenix_gui.qt.shell.workbench import open_workbench
from phoenix_gui.resources import bundled_scenarios
from phoenix_gui.scenario import load_scenario

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def window(qtbot, settings, tmp_path: Path, restore_app):
    QtCore.QStandardPaths.setTestModeEnabled(True)
    window = open_workbench(None, settings=settings, autosave_folder=tmp_path / "autosave")
    window.workbench.document.confirm_discard = lambda _doc: "discard"
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    QtCore.QStandardPaths.setTestModeEnabled(False)


def _captions() -> list[tuple[str, str]]:
    return [
        (path.name, e.text)
        for path in bundled_scenarios()
        for e in load_scenario(path).timeline
        if e.kind == "caption"
    ]


def test_every_bundled_caption_resolves_and_names_no_missing_panel(window) -> None:
    refs = window.workbench.references
    labels = {t.label.lower() for t in refs.targets.values()}
    captions = _captions()
    assert sum(bool(REFERENCE.search(text)) for _name, text in captions) >= 8
    for name, text in captions:
        assert refs.unresolved(text) == [], (name, text)
        rendered = refs.render_plain(text)
        assert "{" not in rendered, (name, rendered)
        for mention in plain_mentions(text):
            # A panel named in plain words must be one the window has, under that name.
            assert any(label in mention for label in labels), (name, mention)


def test_plain_mentions_catch_what_the_window_does_not_have(window) -> None:
    assert plain_mentions("The overhead panel shows it") == ["overhead panel"]
    assert plain_mentions("Count them on the event log") == ["event log"]
    assert plain_mentions("Look at {panel:balance}") == []
    assert window.workbench.references.unresolved("{panel:nope} {control:leaves}") == [
        "{panel:nope}"
    ]


def test_a_reference_renders_as_the_real_label_and_highlights_it(window, qtbot) -> None:
    bench = window.workbench
    refs = bench.references
    assert refs.render_plain("raise {control:leaves}") == "raise " + (
        window.controls.rows["leaves"].label.text().replace("&", "")
    )
    assert refs.render_plain("{panel:balance}") == window.metrics.balance_box.title()
    assert refs.render_plain("{panel:recorder}") == bench.recorder_dock.windowTitle()
    rich = refs.render_rich("<i>{panel:balance}</i>")
    assert "&lt;i&gt;" in rich and "<b" in rich
    shown = refs.point_at("see {panel:balance}")
    assert shown == [window.metrics.balance_box]
    highlight = refs.highlight
    assert highlight.isVisible() and len(highlight.rects) == 1
    box = window.metrics.balance_box
    where = QtCore.QRect(box.mapTo(window, QtCore.QPoint(0, 0)), box.size())
    assert highlight.rects[0].contains(where)
    # It never takes a click, and it goes by itself.
    assert highlight.testAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    qtbot.waitUntil(lambda: not highlight.isVisible(), timeout=5000)


def test_a_caption_shown_in_the_window_uses_the_labels(window, qtbot) -> None:
    bench = window.workbench
    # ring-join's caption at hour 1.5 points at {panel:balance} (vnodes-balance, which did at
    # its start, opens as A/B now: Metrics then shows A, B and B - A instead).
    path = next(p for p in bundled_scenarios() if p.name == "ring-join.yaml")
    assert bench.open_lesson(str(path))
    qtbot.waitUntil(lambda: not window.adapter.building, timeout=30_000)
    while window.adapter.sim.time < 1.75:  # the caption at 1.5 h fires in the step from 1.5
        window.adapter.step_once()
    qtbot.waitUntil(lambda: "Balance" in bench.overlay.text(), timeout=5_000)
    assert bench.overlay.isVisible()
    assert "Balance" in bench.overlay.text() and "{panel" not in bench.overlay.text()
    assert window.metrics.balance_box.isVisible()
    QtWidgets.QApplication.processEvents()
