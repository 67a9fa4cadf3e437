"""Flight Recorder panel: table, filters, Verify, export and verifying a tampered export."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine.audit import AuditLog
from phoenix_gui.engine.audit_lines import LineRecords
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.qt.panels.recorder import FlightRecorderPanel
from tests.qt.panels.conftest import step_into


def _log_with(n: int, on_disk: bool = False) -> AuditLog:
    """A log of ``n`` plausible records cycling through a few primitives and kinds (kept in a
    temporary file, as the window keeps its run's log, with ``on_disk``)."""
    log = AuditLog()
    if on_disk:
        log.keep_on_disk()
    kinds = [
        (Primitive.IDENTITY, "member_joined", {"member": "host-{i}", "kind": "host"}),
        (Primitive.ASSIGNMENT, "task_pending", {"task": "{i}"}),
        (Primitive.MIGRATION, "migration_started", {"task": "{i}", "from": "a", "to": "b"}),
    ]
    for i in range(n):
        prim, kind, details = kinds[i % len(kinds)]
        filled = {k: v.format(i=i) for k, v in details.items()}
        log.append(Event(0.25 * i, prim, kind, filled))
    return log


@pytest.fixture
def panel(qtbot):
    widget = FlightRecorderPanel()
    qtbot.addWidget(widget)
    return widget


def _sim(n: int, on_disk: bool = False) -> SimpleNamespace:
    return SimpleNamespace(audit=_log_with(n, on_disk))


# The window keeps its log on disk (AuditLog.keep_on_disk); the panel must not tell the difference.
both_storages = pytest.mark.parametrize("on_disk", [False, True], ids=["in-memory", "on-disk"])


@both_storages
def test_table_follows_the_log_incrementally(qtbot, panel, on_disk):
    sim = _sim(5, on_disk)
    panel.set_simulation(sim)
    assert panel.view.model().rowCount() == 5
    assert panel.model.index(4, 3).data() == "task_pending"
    event = Event(9.0, Primitive.GOVERNANCE, "member_rejected", {"member": "x", "reason": "trust"})
    sim.audit.append(event)
    panel.on_event(event)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 6)
    assert panel.model.index(5, 3).data() == "member_rejected"
    # A new event type appears in the event filter, in sorted position.
    kinds = [panel.kind_combo.itemText(i) for i in range(panel.kind_combo.count())]
    assert kinds == ["All events", *sorted(set(kinds[1:]))]
    assert "member_rejected" in kinds


@pytest.mark.qt_log_ignore("propagateSizeHints")  # a shown top-level window, offscreen
def test_a_past_moment_then_now_again_keeps_the_newest_record_in_view(qtbot, panel):
    panel.resize(600, 200)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_simulation(_sim(300))
    panel.show_until(20)
    assert panel.model.rowCount() == 20
    panel.show_until(None)  # back to now: Follow is on, so the last record is in view
    assert panel.model.rowCount() == 300
    last = panel.view.visualRect(panel.model.index(299, 0))
    assert panel.view.viewport().rect().intersects(last)


@both_storages
def test_filters_by_primitive_and_event_type(qtbot, panel, on_disk):
    sim = _sim(9, on_disk)
    panel.set_simulation(sim)
    panel.primitive_combo.setCurrentIndex(panel.primitive_combo.findText("migration"))
    assert panel.model.rowCount() == 3
    assert {panel.model.index(r, 2).data() for r in range(3)} == {"migration"}
    # Records appended later that match join the filtered view; others do not.
    sim.audit.append(Event(10.0, Primitive.MIGRATION, "migration_completed", {"task": "1"}))
    sim.audit.append(Event(10.0, Primitive.IDENTITY, "member_joined", {"member": "z"}))
    panel.refresh()
    assert panel.model.rowCount() == 4
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findText("migration_completed"))
    assert panel.model.rowCount() == 1
    assert panel.model.index(0, 0).data() == "9"
    panel.primitive_combo.setCurrentIndex(0)
    panel.kind_combo.setCurrentIndex(0)
    assert panel.model.rowCount() == 11


@both_storages
def test_verify_reports_ok_with_count_and_head(qtbot, panel, on_disk):
    sim = _sim(7, on_disk)
    panel.set_simulation(sim)
    with qtbot.waitSignal(panel.verified) as blocker:
        qtbot.mouseClick(panel.verify_button, QtCore.Qt.MouseButton.LeftButton)
    assert blocker.args[0] is True
    assert panel.status_label.text() == f"OK — 7 records, head {sim.audit.head}"


def test_tampered_in_memory_record_is_named(qtbot, panel):
    sim = _sim(6)
    panel.set_simulation(sim)
    # Mutate record 4 behind the log's back (the chain must notice): its payload, and the line
    # the log holds for it in memory (records are built from their lines when read).
    records = sim.audit.records
    assert isinstance(records, LineRecords)
    records[4].payload["details"]["task"] = "forged"
    records._lines[4] = records[4].line.replace('"4"', '"forged"')
    qtbot.mouseClick(panel.verify_button, QtCore.Qt.MouseButton.LeftButton)
    assert panel.status_label.text().startswith("Record 4: hash mismatch")


@both_storages
def test_export_then_verify_file_ok_and_tampered(qtbot, panel, tmp_path, monkeypatch, on_disk):
    sim = _sim(12, on_disk)
    panel.set_simulation(sim)
    out = tmp_path / "audit.jsonl"
    # The buttons go through the file dialogs; answer them like a user would.
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(panel.export_button, QtCore.Qt.MouseButton.LeftButton)
    lines = out.read_bytes().splitlines(keepends=True)
    assert len(lines) == 13  # the run's 12 records and the closing record (issue 12)
    assert json.loads(lines[-1])["event"] == "log_closed"
    assert json.loads(lines[-1])["prev_hash"] == sim.audit.head
    assert "Exported 12 records and a closing record" in panel.status_label.text()
    assert len(sim.audit) == 12 and not sim.audit.sealed  # the run itself goes on

    qtbot.mouseClick(panel.verify_file_button, QtCore.Qt.MouseButton.LeftButton)
    sealed_head = json.loads(lines[-1])["hash"]
    assert f"OK — 13 records, sealed, head {sealed_head} (this run's log)" in (
        panel.status_label.text()
    )

    k = 7
    line = bytearray(lines[k])
    pos = line.index(b'"event":"') + len(b'"event":"')
    line[pos] ^= 0x01  # flip one bit of one byte inside record k
    lines[k] = bytes(line)
    out.write_bytes(b"".join(lines))
    with qtbot.waitSignal(panel.verified) as blocker:
        qtbot.mouseClick(panel.verify_file_button, QtCore.Qt.MouseButton.LeftButton)
    assert blocker.args[0] is False
    assert f"Record {k}: hash mismatch" in panel.status_label.text()


def test_a_truncated_export_fails_verification(qtbot, panel, tmp_path):
    """Without its closing record an exported log is reported as truncated (issue 12)."""
    sim = _sim(5)
    panel.set_simulation(sim)
    out = tmp_path / "cut.jsonl"
    panel.export_jsonl(out)
    out.write_bytes(b"".join(out.read_bytes().splitlines(keepends=True)[:-1]))
    result = panel.verify_path(out)
    assert result is not None and not result.ok and result.bad_index == 5
    assert "log ends without its closing record" in panel.status_label.text()


def test_export_failure_keeps_the_old_file(qtbot, panel, tmp_path):
    panel.set_simulation(_sim(3))
    missing_dir = tmp_path / "nope" / "audit.jsonl"
    with pytest.raises(OSError, match="cannot write"):
        panel.export_jsonl(missing_dir)
    assert not missing_dir.exists()


def test_unreadable_file_is_a_message_not_a_traceback(qtbot, panel, tmp_path):
    panel.set_simulation(_sim(1))
    assert panel.verify_path(tmp_path / "absent.jsonl") is None
    assert "Cannot read" in panel.status_label.text()


def test_without_simulation_buttons_are_disabled(qtbot, panel):
    assert not panel.verify_button.isEnabled()
    assert panel.verify() is None
    panel.refresh()  # nothing to show, nothing raised
    assert panel.model.rowCount() == 0


def test_empty_log_verifies_ok(qtbot, panel, tmp_path: Path):
    panel.set_simulation(SimpleNamespace(audit=AuditLog()))
    result = panel.verify()
    assert result is not None and result.ok and result.count == 0


def test_fresh_run_verifies_and_a_tampered_export_names_the_record(
    qtbot, panel, make_sim, tmp_path, monkeypatch
):
    """Acceptance (issue 6): OK on a fresh run; the first bad record of a tampered export."""
    sim = make_sim(hosts=5, tasks=40)
    panel.set_simulation(sim)
    sim.request_crash("host-2")
    for _ in range(6):
        step_into(sim, panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(sim.audit))
    qtbot.mouseClick(panel.verify_button, QtCore.Qt.MouseButton.LeftButton)
    assert panel.status_label.text() == f"OK — {len(sim.audit)} records, head {sim.audit.head}"

    out = tmp_path / "run.jsonl"
    panel.export_jsonl(out)
    lines = out.read_bytes().splitlines(keepends=True)
    assert len(lines) == len(sim.audit) + 1  # and the closing record
    k = next(i for i, line in enumerate(lines) if b'"member_crashed"' in line)
    tampered = bytearray(lines[k])
    at = tampered.index(b'"stranded":') + len(b'"stranded":')
    tampered[at] = ord("9") if tampered[at] != ord("9") else ord("8")  # one byte changed
    lines[k] = bytes(tampered)
    out.write_bytes(b"".join(lines))
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **kw: (str(out), ""))
    qtbot.mouseClick(panel.verify_file_button, QtCore.Qt.MouseButton.LeftButton)
    assert f"Record {k}: hash mismatch" in panel.status_label.text()


def test_batch_event_details_stay_short(qtbot, panel):
    log = AuditLog()
    tasks = list(range(5000))
    log.append(
        Event(1.0, Primitive.MIGRATION, "migrations_started", {"count": 5000, "tasks": tasks})
    )
    panel.set_simulation(SimpleNamespace(audit=log))
    cell = panel.model.index(0, 4)
    assert "… 5000 items]" in cell.data()
    assert len(cell.data(QtCore.Qt.ItemDataRole.ToolTipRole)) < 2000
