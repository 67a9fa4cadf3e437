"""Workload queue: submit a task, the lazy task table, selecting a task shows its lineage."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6 import QtCore

from phoenix_gui.qt.panels.workload import WorkloadPanel
from tests.qt.panels.conftest import select_row, step_into

LEFT = QtCore.Qt.MouseButton.LeftButton


@pytest.fixture
def panel(qtbot):
    widget = WorkloadPanel()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    return widget


def _cell(panel: WorkloadPanel, row: int, col: int) -> str:
    return panel.model.index(row, col).data()


def test_table_reads_the_columns(qtbot, panel, make_sim):
    sim = make_sim(hosts=4, tasks=60)
    panel.set_simulation(sim)
    assert panel.model.rowCount() == 60
    for _ in range(8):
        sim.step()
    panel.refresh()
    for row in (0, 17, 59):
        packet = sim.packet(row)
        assert _cell(panel, row, 0) == packet.id
        assert _cell(panel, row, 1) == (packet.owner or "—")
        assert _cell(panel, row, 2) == packet.state
        assert _cell(panel, row, 3) == f"{100 * packet.progress / packet.work:.0f} %"
        ckpt = packet.checkpoint
        assert _cell(panel, row, 4) == (
            f"{100 * ckpt['progress'] / packet.work:.0f} % at {ckpt['time']:.2f} h"
        )
    assert "60 tasks" in panel.count_label.text()


def test_submit_a_task_with_capability_demand_and_policy(qtbot, panel, make_sim):
    sim = make_sim(hosts=3, tasks=5)
    panel.set_simulation(sim)
    qtbot.keyClicks(panel.capability_edit, "gpu")
    panel.cpu_box.setValue(2.0)
    panel.memory_box.setValue(8.0)
    panel.trust_box.setValue(0.7)
    qtbot.mouseClick(panel.submit_button, LEFT)
    assert "next step" in panel.status_label.text()
    step_into(sim, panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 6)
    assert "Submitted task-5" in panel.status_label.text()
    packet = sim.packet(5)
    assert packet.capabilities == ("gpu",)
    assert packet.demand == {"cpu": 2.0, "memory": 8.0}
    assert packet.policy["min_trust"] == pytest.approx(0.7)


def test_two_capabilities_are_refused_with_the_field_named(qtbot, panel, make_sim):
    sim = make_sim(hosts=3, tasks=5)
    panel.set_simulation(sim)
    qtbot.keyClicks(panel.capability_edit, "gpu, ssd")
    qtbot.mouseClick(panel.submit_button, LEFT)
    assert panel.status_label.text().startswith("capabilities:")
    step_into(sim, panel)
    assert panel.model.rowCount() == 5


def test_selecting_a_task_shows_lineage_and_emits(qtbot, panel, make_sim):
    sim = make_sim(hosts=4, tasks=80)
    panel.set_simulation(sim)
    victim = sim.packet(0).owner
    sim.request_retire(victim)
    step_into(sim, panel)
    moved = next(i for i in range(80) if len(sim.packet(i).lineage) > 1)
    with qtbot.waitSignal(panel.taskSelected) as blocker:
        select_row(panel.view, moved)
    assert blocker.args == [moved]
    items = [panel.lineage_list.item(i).text() for i in range(panel.lineage_list.count())]
    lineage = sim.packet(moved).lineage
    assert len(items) == len(lineage) >= 2
    assert victim in items[0] and "(assigned)" in items[0]
    assert lineage[-1]["owner"] in items[-1] and "(retire)" in items[-1]
    assert f"task-{moved}" in panel.packet_label.text()
    # Selection survives a refresh with new rows.
    sim.submit_task()
    step_into(sim, panel)
    assert panel.selected_task() == moved


def test_never_builds_rows_for_a_large_population(qtbot, panel, make_sim):
    sim = make_sim(hosts=20, tasks=100_000)
    panel.set_simulation(sim)
    assert panel.model.rowCount() == 100_000
    sim.step()
    start = time.perf_counter()
    panel.refresh()
    panel.select_task(99_999)
    assert _cell(panel, 99_999, 0) == "task-99999"
    elapsed = time.perf_counter() - start
    # Only the blocks that were asked for were computed.
    assert len(panel.model._blocks) <= 4
    assert elapsed < 0.2, f"refresh of 10^5 tasks took {elapsed * 1000:.0f} ms"
    assert panel.selected_task() == 99_999
    assert np.count_nonzero(sim.tasks.active_mask()) > 0


def _forgetful_run(panel, make_sim, monkeypatch, setting: str, value: int):
    """40 steps of a small busy run that forgets often (tasks.``setting`` = ``value``),
    shown in the panel."""
    from phoenix_gui.engine import simulation, tasks

    monkeypatch.setattr(simulation, "FORGET_EVERY", 2)
    monkeypatch.setattr(tasks, setting, value)
    sim = make_sim(hosts=4, tasks=60, workload={"work_mean": 0.5, "arrival_rate": 40.0})
    panel.set_simulation(sim)
    for _ in range(40):
        sim.step()
    panel.refresh()
    return sim


def test_forgotten_finished_tasks_read_as_such(qtbot, panel, make_sim, monkeypatch):
    """A run forgets finished tasks' rows (engine/tasks.py live_from): the table and the
    lineage box say so instead of reading the zeros left (owner 0 would name a member)."""

    sim = _forgetful_run(panel, make_sim, monkeypatch, "_FORGET_ROWS", 8)
    low = sim.tasks.live_from
    assert 8 < low < panel.model.rowCount()
    assert _cell(panel, 0, 1) == "—" and _cell(panel, 0, 4) == "—"
    assert _cell(panel, 0, 2) in ("COMPLETED", "DENIED")
    assert _cell(panel, 0, 3) == ("100 %" if _cell(panel, 0, 2) == "COMPLETED" else "0 %")
    with qtbot.waitSignal(panel.taskSelected) as picked:
        select_row(panel.view, 0)
    assert "forgotten" in panel.packet_label.text()
    assert picked.args == [-1]  # nothing to inspect or explain
    with qtbot.waitSignal(panel.taskSelected) as picked:
        select_row(panel.view, low)
    assert panel.packet_label.text().startswith(f"task-{low} · token")
    assert picked.args == [low]


def test_a_finished_task_whose_moves_were_forgotten_says_so(qtbot, panel, make_sim, monkeypatch):
    """A long run keeps the lineage of live tasks only (LineageLog.keep_live): a finished task
    not yet forgotten whose hops went reads as such, not as "never assigned"."""
    from phoenix_gui.engine import tasks

    sim = _forgetful_run(panel, make_sim, monkeypatch, "LINEAGE_COMPACT_FROM", 16)
    state = sim.tasks.state
    done = [
        t
        for t in range(sim.tasks.live_from, len(sim.tasks))
        if state[t] == int(tasks.TaskState.COMPLETED) and not sim.tasks.lineage_of(t)
    ]
    assert done
    select_row(panel.view, done[0])
    items = [panel.lineage_list.item(i).text() for i in range(panel.lineage_list.count())]
    assert items == ["moves forgotten once it finished (scrub back to see them)"]
