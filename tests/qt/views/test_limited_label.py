"""Labels of a fixed number of lines (the narration line, the warning line): elided, never cut
by their own edges."""

from __future__ import annotations

import pytest
from PySide6 import QtWidgets

from phoenix_gui.qt.views.limited_label import LimitedLabel

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # offscreen top-level windows

LONG = (
    "host-7 declared dead (missed heartbeats): 82 tasks → host-6 (21), host-8 (16),"
    " host-4 (13), 5 more (32), from their last checkpoint"
)


KEEP: list[QtWidgets.QWidget] = []  # the hosts outlive the helper that made them


def _line(qtbot, width: int, font_pt: int, lines: int = 2) -> LimitedLabel:
    host = QtWidgets.QWidget()
    host.setStyleSheet(f"QWidget {{ font-size: {font_pt}pt; }}")  # as presentation mode does
    layout = QtWidgets.QVBoxLayout(host)
    line = LimitedLabel("background: black; color: white;", host, lines=lines)
    layout.addWidget(line)
    qtbot.addWidget(host)
    KEEP[:] = [host]
    host.resize(width, 300)
    host.show()
    qtbot.waitExposed(host)
    return line


@pytest.mark.parametrize("width", [260, 480, 760, 1400])
@pytest.mark.parametrize("font_pt", [10, 24])
@pytest.mark.parametrize("lines", [1, 2])
def test_any_sentence_fits_in_its_lines(qtbot, width: int, font_pt: int, lines: int) -> None:
    line = _line(qtbot, width, font_pt, lines)
    line.set_full_text(LONG)
    shown = line.text().split("\n")
    assert len(shown) <= lines
    assert line.fits()
    if line.lines_needed() > lines:
        assert shown[-1].endswith("…")
    else:
        assert " ".join(shown) == LONG  # nothing dropped when it fits
    assert line.full_text() == LONG and line.toolTip() == LONG


def test_a_larger_font_later_refits_the_height_and_the_text(qtbot) -> None:
    line = _line(qtbot, 760, 10)
    line.set_full_text(LONG)
    small = line.height()
    line.parentWidget().setStyleSheet("QWidget { font-size: 24pt; }")
    qtbot.waitUntil(lambda: line.height() > small)
    assert line.fits()


def test_fits_sees_a_cut_line(qtbot) -> None:
    """The check can fail: a text set behind the elision's back is reported as cut."""
    line = _line(qtbot, 300, 24)
    QtWidgets.QLabel.setText(line, LONG)  # one unwrapped line, far wider than the label
    assert not line.fits()
