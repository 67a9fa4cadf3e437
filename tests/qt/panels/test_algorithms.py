"""Algorithms panel: events move the highlighted line of the right listing."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui

from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.qt.panels.algorithms import (
    REGISTRATION,
    RETIREMENT,
    ROUTING,
    AlgorithmsPanel,
)
from phoenix_gui.qt.panels.models import FAILED_COLOR, HIGHLIGHT_COLOR


@pytest.fixture
def panel(qtbot):
    widget = AlgorithmsPanel()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    return widget


def _ev(kind: str, prim: Primitive = Primitive.IDENTITY, **details) -> Event:
    return Event(1.0, prim, kind, details)


def _migration(kind: str, task: int, src: str, dst: str, **extra) -> Event:
    return Event(1.0, Primitive.MIGRATION, kind, {"task": task, "from": src, "to": dst, **extra})


STEP_NAMES = (
    "ValidateIdentity",
    "VerifyGovernancePolicies",
    "RegisterCapabilities",
    "AddEntityToRegistry",
    "SetActive",
    "BroadcastMembershipUpdate",
    "ReturnSuccess",
)


def test_listing_is_algorithm_1_of_the_source(panel):
    text = panel.editors[REGISTRATION].toPlainText().splitlines()
    assert text[0] == "def RegisterEntity(Entity E):"
    assert [line.strip()[:2] for line in text[1:8]] == [f"{k}." for k in range(1, 8)]
    assert text[2].strip() == "2. VerifyGovernancePolicies(E)"
    font = panel.editors[REGISTRATION].font()
    assert QtGui.QFontInfo(font).fixedPitch()


def test_each_registration_step_highlights_its_line(qtbot, panel):
    assert panel.highlighted_line(REGISTRATION) is None
    for step, name in enumerate(STEP_NAMES, start=1):
        with qtbot.waitSignal(panel.lineHighlighted) as blocker:
            panel.on_event(_ev("registration_step", member="agent-9", step=step, name=name))
        assert blocker.args == [REGISTRATION, step]
        assert panel.highlighted_line(REGISTRATION) == step
        qtbot.waitUntil(
            lambda s=step: (panel.highlighted_text(REGISTRATION) or "").strip().startswith(f"{s}.")
        )
    selection = panel.editors[REGISTRATION].extraSelections()[0]
    assert selection.format.background().color() == QtGui.QColor(HIGHLIGHT_COLOR)
    assert "step 7/7" in panel.caption_labels[REGISTRATION].text()


def test_rejection_keeps_the_failed_step_and_says_why(qtbot, panel):
    panel.on_event(_ev("registration_step", member="agent-1", step=1, name="ValidateIdentity"))
    panel.on_event(_ev("registration_step", member="agent-1", step=2, name="Verify", ok=False))
    reason = "trust 0.20 below the minimum 0.50"
    panel.on_event(_ev("member_rejected", Primitive.GOVERNANCE, member="agent-1", reason=reason))
    qtbot.waitUntil(lambda: "REJECTED" in panel.caption_labels[REGISTRATION].text())
    assert reason in panel.caption_labels[REGISTRATION].text()
    assert panel.highlighted_text(REGISTRATION).strip() == "2. VerifyGovernancePolicies(E)"
    assert panel.line_failed(REGISTRATION)
    selection = panel.editors[REGISTRATION].extraSelections()[0]
    assert selection.format.background().color() == QtGui.QColor(FAILED_COLOR)


def test_migrations_walk_routing_or_retirement_by_reason(qtbot, panel):
    joined = {"member": "host-5", "kind": "host", "token": 10}
    panel.on_event(Event(1.0, Primitive.IDENTITY, "member_joined", joined))
    assert panel.highlighted_line(ROUTING) == 4
    panel.on_event(_migration("migration_started", 3, "host-1", "host-5", reason="join", eta=1))
    assert panel.highlighted_line(ROUTING) == 5
    panel.on_event(_ev("checkpoint_invalid", Primitive.MIGRATION, task=3, attempt=1))
    assert panel.highlighted_line(ROUTING) == 6
    panel.on_event(_migration("migration_completed", 3, "host-1", "host-5"))
    assert panel.highlighted_line(ROUTING) == 7
    qtbot.waitUntil(
        lambda: (panel.highlighted_text(ROUTING) or "").strip().startswith("7. P resumes")
    )
    # Retirement flow: draining, a drain migration, retired.
    panel.on_event(_ev("member_draining", Primitive.RETIREMENT, member="host-2"))
    assert panel.highlighted_line(RETIREMENT) == 1
    panel.on_event(_migration("migration_started", 8, "host-2", "host-3", reason="drain", eta=1))
    assert panel.highlighted_line(RETIREMENT) == 2
    assert panel.highlighted_line(ROUTING) == 7  # routing untouched by a drain
    panel.on_event(_migration("migration_completed", 8, "host-2", "host-3"))
    assert panel.highlighted_line(RETIREMENT) == 3
    panel.on_event(_ev("member_retired", Primitive.RETIREMENT, member="host-2"))
    qtbot.waitUntil(lambda: "RETIRED" in (panel.highlighted_text(RETIREMENT) or ""))


def test_crash_path_and_follow_switches_tab(qtbot, panel):
    panel.follow_box.setChecked(True)
    panel.on_event(_ev("member_crashed", Primitive.DISCOVERY, member="host-4", stranded=12))
    qtbot.waitUntil(lambda: panel.tabs.currentIndex() == 2)
    assert "12 packets stranded" in panel.caption_labels[RETIREMENT].text()
    panel.on_event(_ev("member_suspect", Primitive.DISCOVERY, member="host-4"))
    panel.on_event(_ev("member_removed", Primitive.DISCOVERY, member="host-4"))
    panel.refresh()
    assert panel.highlighted_text(RETIREMENT).strip().startswith("7. M.status = REMOVED")


def test_unrelated_events_change_nothing_and_new_run_clears(qtbot, panel):
    panel.on_event(_ev("registration_step", member="a", step=3, name="RegisterCapabilities"))
    panel.on_event(_ev("param_changed", Primitive.SYSTEM, name="joins", old=1, new=2))
    panel.on_event(_ev("task_completed", Primitive.ASSIGNMENT, task=1))
    panel.refresh()
    assert panel.highlighted_line(REGISTRATION) == 3
    panel.set_simulation(None)
    assert panel.highlighted_line(REGISTRATION) is None
    assert panel.highlighted_text(REGISTRATION) is None


def test_user_clicks_a_tab(qtbot, panel):
    bar = panel.tabs.tabBar()
    qtbot.mouseClick(bar, QtCore.Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert panel.tabs.currentIndex() == 1


def test_batch_events_move_the_same_lines(qtbot, panel):
    tasks = list(range(300))
    batch = {"count": 300, "tasks": tasks, "from": ["a"] * 300, "to": ["b"] * 300}
    panel.on_event(
        Event(2.0, Primitive.MIGRATION, "migrations_started", {**batch, "reason": "retire"})
    )
    assert panel.highlighted_line(RETIREMENT) == 2
    panel.on_event(Event(2.1, Primitive.MIGRATION, "migrations_completed", batch))
    assert panel.highlighted_line(RETIREMENT) == 3
    panel.on_event(Event(2.2, Primitive.ASSIGNMENT, "tasks_assigned", {"count": 40, "first": 0}))
    assert panel.highlighted_line(ROUTING) == 3
    qtbot.waitUntil(lambda: "300 tasks resumed" in panel.caption_labels[RETIREMENT].text())
