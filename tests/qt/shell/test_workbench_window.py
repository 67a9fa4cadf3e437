"""The whole workbench (issue 6 acceptance), driven through the real window as a user would.

Every window is built by :func:`open_workbench`, like ``phoenix-flight gui``: settings in a
temporary INI file, autosaves in a temporary folder, QStandardPaths in test mode. Dialogs that
would block (file choosers, the unsaved-changes question) are injected; dialogs that open
without blocking (the scenario error dialog, the save-failed box) are looked at and closed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.params import PARAMS
from phoenix_gui.qt.shell.main_window import MainWindow
from phoenix_gui.qt.shell.presentation import theme_palette
from phoenix_gui.qt.shell.workbench import Workbench
from phoenix_gui.resources import resource_path
from phoenix_gui.scenario import load_config, load_scenario
from tests.qt.panels.test_controls import type_into
from tests.qt.shell.stepping import press_step

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

LEFT = QtCore.Qt.MouseButton.LeftButton
PAUSE_TEXT = "Watch the arcs: only the tasks between the new host and its predecessor move."
SMALL_LESSON = f"""\
schema_version: 1
name: Small lesson
description: Four hosts, a few tasks, no random churn, two captions.
seed: 7
metrics:
  joins: 4
  leaves: 2
  hours: 24
  trust: 0.9
  compliance: 0.95
ring:
  vnodes: 16
members:
  generate: 4
workload:
  initial_tasks: 60
churn:
  enabled: false
timeline:
  - at: 0.5
    kind: caption
    text: Four hosts share the ring.
  - at: 1.0
    kind: caption
    text: "{PAUSE_TEXT}"
    pause: true
"""


@pytest.fixture
def autosave_dir(tmp_path: Path) -> Path:
    return tmp_path / "autosave"  # where open_workbench_window puts it


@pytest.fixture
def small_lesson(tmp_path: Path) -> Path:
    path = tmp_path / "lessons" / "small.yaml"
    path.parent.mkdir()
    path.write_text(SMALL_LESSON, encoding="utf-8")
    return path


@pytest.fixture
def open_window(open_workbench_window):
    """``open_window(path)``: a shown workbench window (autosave in ``autosave_dir``)."""
    return open_workbench_window


@pytest.fixture
def window(open_window, small_lesson) -> MainWindow:
    return open_window(small_lesson)


def bench(window: MainWindow) -> Workbench:
    assert window.workbench is not None
    return window.workbench


def dialogs_of(kind: type) -> list[QtWidgets.QWidget]:
    return [
        w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()
    ]


def test_the_default_lesson_opens_as_an_untitled_copy(open_window) -> None:
    window = open_window()
    default = resource_path("scenarios/classroom-basics.yaml")
    doc = bench(window).document
    assert doc.path is None and not doc.is_dirty()
    assert doc.scenario == load_scenario(default)
    assert window.adapter.config == load_config(default)
    assert window.windowTitle().startswith("Classroom basics — untitled")
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "&Simulation", "&Lessons", "&Help"]


def test_open_a_bundled_lesson_through_the_file_menu(window, qtbot, tmp_path) -> None:
    wb = bench(window)
    lesson = resource_path("scenarios/crash-vs-drain.yaml")
    before = lesson.read_bytes()
    press_step(window, qtbot)
    wb.file_actions.ask_open_path = lambda: str(lesson)
    with qtbot.waitSignal(window.adapter.simulationReset):
        wb.file_actions.open_action.trigger()

    expected = load_config(lesson)
    assert window.adapter.config == expected
    assert window.adapter.sim.step_index == 0
    assert window.controls.values()["joins"] == expected.metrics.joins
    assert window.controls.seed() == expected.seed
    name = load_scenario(lesson).name
    assert window.windowTitle().startswith(f"{name} — untitled")
    assert not window.isWindowModified()
    # Saving the copy asks where (never the bundle) and leaves the shipped file alone.
    type_into(qtbot, window.controls.rows["joins"].box, "3")
    wb.document.ask_save_path = lambda _doc: str(tmp_path / "my-copy.yaml")
    wb.file_actions.save_action.trigger()
    assert lesson.read_bytes() == before
    assert load_scenario(tmp_path / "my-copy.yaml").metrics.joins == 3
    assert window.windowTitle().startswith(f"{name} — my-copy.yaml")


def test_the_lessons_menu_opens_a_lesson(window, qtbot) -> None:
    wb = bench(window)
    action = next(a for a in wb.lessons_menu.actions() if a.data().endswith("ring-join.yaml"))
    assert action.toolTip()  # the description
    with qtbot.waitSignal(window.adapter.simulationReset):
        action.trigger()
    assert window.adapter.config == load_config(action.data())
    assert window.windowTitle().startswith("Ring join — untitled")


def test_edit_sliders_save_reopen_finds_the_same_values(window, qtbot, tmp_path) -> None:
    wb, controls = bench(window), window.controls
    type_into(qtbot, controls.rows["joins"].box, "17")
    controls.rows["trust"].slider.setValue(80)  # dragged to 80 %
    type_into(qtbot, controls.rows["vnodes"].box, "64")
    # Save flushes the slider changes still being coalesced: no wait needed.
    target = tmp_path / "saved" / "mine.yaml"
    target.parent.mkdir()
    wb.document.ask_save_path = lambda _doc: str(target)
    wb.file_actions.save_as_action.trigger()
    assert target.is_file() and not wb.document.is_dirty()
    assert not window.isWindowModified() and "mine.yaml" in window.windowTitle()

    wb.file_actions.new_action.trigger()  # something else in between
    assert window.adapter.config.metrics.joins != 17
    wb.file_actions.ask_open_path = lambda: str(target)
    wb.file_actions.open_action.trigger()

    values = controls.values()
    assert (values["joins"], values["trust"], values["vnodes"]) == (17, pytest.approx(0.8), 64)
    assert controls.rows["joins"].box.value() == 17
    assert controls.rows["trust"].slider.value() == 80
    cfg = window.adapter.sim.config
    assert (cfg.metrics.joins, cfg.metrics.trust, cfg.ring.vnodes) == (17, pytest.approx(0.8), 64)
    assert len(window.adapter.sim.ring.vnode_tokens("host-0")) == 64  # the run uses V = 64
    assert wb.document.path == target and not wb.document.is_dirty()


def test_a_slider_edit_marks_the_title_unsaved(window, qtbot) -> None:
    assert not window.isWindowModified()
    type_into(qtbot, window.controls.rows["leaves"].box, "5")
    window.controls.flush()
    assert window.isWindowModified()
    assert bench(window).document.scenario.metrics.leaves == 5


def test_a_malformed_file_shows_the_error_dialog_and_keeps_the_scenario(
    window, qtbot, malformed_scenario
) -> None:
    wb = bench(window)
    press_step(window, qtbot)
    sim, config, title = window.adapter.sim, window.adapter.config, window.windowTitle()
    bad = malformed_scenario
    wb.file_actions.ask_open_path = lambda: str(bad)
    wb.file_actions.open_action.trigger()

    dialog = wb.document.error_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.parentWidget() is window
    assert dialog.row_texts()[0][:2] == ["bad.yaml:5:10", "metrics.trust"]
    assert window.adapter.sim is sim and window.adapter.config == config
    assert sim.step_index == 1
    assert window.windowTitle() == title
    dialog.close()


def test_a_failing_save_leaves_the_old_file_intact(
    window, qtbot, small_lesson, monkeypatch
) -> None:
    wb = bench(window)
    original = small_lesson.read_bytes()
    type_into(qtbot, window.controls.rows["joins"].box, "9")
    monkeypatch.setattr(QtCore.QSaveFile, "commit", lambda self: False)
    wb.file_actions.save_action.trigger()

    box = wb.document.message_box
    assert box is not None and box.isVisible()
    assert str(small_lesson) in box.text()
    assert small_lesson.read_bytes() == original
    assert sorted(p.name for p in small_lesson.parent.iterdir()) == ["small.yaml"]
    assert wb.document.is_dirty() and window.isWindowModified()
    box.close()


def test_registering_an_agent_below_the_trust_minimum_shows_the_rejection(window, qtbot) -> None:
    wb = bench(window)
    wb.members_dock.raise_()
    form = wb.members.form
    minimum = window.adapter.sim.config.governance.min_member_trust
    assert f"{minimum:.2f}" in form.policy_label.text()
    qtbot.keyClicks(form.id_edit, "agent-low")
    form.kind_combo.setCurrentText("agent")
    type_into(qtbot, form.trust_box, "0.2")
    qtbot.mouseClick(form.register_button, LEFT)
    press_step(window, qtbot)
    qtbot.waitUntil(lambda: "Rejected agent-low" in form.status_label.text())
    assert f"trust 0.2 is below the policy minimum {minimum:g}" in form.status_label.text()
    assert not window.adapter.sim.registry.is_live("agent-low")


def test_flight_recorder_verifies_a_fresh_run_and_names_a_tampered_record(
    window, qtbot, tmp_path
) -> None:
    wb = bench(window)
    wb.recorder_dock.raise_()
    window.adapter.request_crash("host-2")
    for _ in range(4):
        press_step(window, qtbot)
    audit = window.adapter.sim.audit
    qtbot.waitUntil(lambda: wb.recorder.model.rowCount() == len(audit))
    qtbot.mouseClick(wb.recorder.verify_button, LEFT)
    assert wb.recorder.status_label.text() == f"OK — {len(audit)} records, head {audit.head}"

    out = tmp_path / "audit.jsonl"
    wb.export.ask_save_path = lambda _title, _name, _filter: str(out)
    wb.export.audit_action.trigger()  # File ▸ Export ▸ Audit Log
    lines = out.read_bytes().splitlines(keepends=True)
    assert len(lines) == len(audit) + 1  # the run's records and the closing record (issue 12)
    k = next(i for i, line in enumerate(lines) if b'"member_crashed"' in line)
    lines[k] = lines[k].replace(b'"host-2"', b'"host-9"', 1)
    out.write_bytes(b"".join(lines))
    result = wb.recorder.verify_path(out)
    assert result is not None and not result.ok and result.bad_index == k
    assert f"Record {k}: hash mismatch" in wb.recorder.status_label.text()


def test_after_a_reset_the_panels_follow_the_new_run(window, qtbot) -> None:
    wb = bench(window)
    for _ in range(3):
        press_step(window, qtbot)
    window.reset_action.trigger()
    assert wb.recorder.model.rowCount() == len(window.adapter.sim.audit)
    assert wb.members.sim is window.adapter.sim and wb.workload.sim is window.adapter.sim


def test_a_caption_with_pause_stops_the_run_and_next_resumes(window, qtbot) -> None:
    wb, adapter = bench(window), window.adapter
    adapter.set_speed(PARAMS["speed"].maximum)
    window.play_action.trigger()
    qtbot.waitUntil(lambda: not adapter.is_playing, timeout=5000)
    step_hours = adapter.sim.config.timing.step_hours
    assert adapter.sim.time == pytest.approx(1.0, abs=step_hours)
    assert window.play_action.text() == "Play"
    overlay = wb.overlay
    assert overlay.isVisible() and overlay.text() == PAUSE_TEXT
    assert overlay.next_button.isVisible() and wb.lessons.waiting
    # Below the ring, never over it: the ring made room for it.
    assert not overlay.geometry().intersects(window.ring_view.geometry())

    qtbot.mouseClick(overlay.next_button, LEFT)
    assert adapter.is_playing and not wb.lessons.waiting
    assert not overlay.is_waiting() and overlay.text() == PAUSE_TEXT
    window.play_action.trigger()
    assert not adapter.is_playing
    window.reset_action.trigger()
    assert not overlay.isVisible()  # this lesson's first caption is at 0.5 h, not t = 0


def test_play_while_held_at_a_caption_counts_as_next(window, qtbot) -> None:
    wb = bench(window)
    while not wb.lessons.waiting:
        press_step(window, qtbot)
    window.play_action.trigger()
    assert window.adapter.is_playing and not wb.lessons.waiting
    window.play_action.trigger()


def test_f11_toggles_presentation_mode_with_text_one_and_a_half_times_larger(
    window, qtbot, qapp
) -> None:
    wb = bench(window)
    widgets = [w for w in window.findChildren(QtWidgets.QWidget) if not _own_font(w)]
    before = [w.font().pointSizeF() for w in widgets]
    base = qapp.font().pointSizeF()
    window.activateWindow()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is window)

    qtbot.keyClick(window, QtCore.Qt.Key.Key_F11)
    assert wb.presentation.is_active() and wb.presentation_action.isChecked()
    assert window.isFullScreen() and wb.overlay.is_presentation_mode()
    assert qapp.font().pointSizeF() == pytest.approx(base * 1.5)
    # Every widget, the tables in tabbed docks included, is 1.5x larger.
    scaled = [w.font().pointSizeF() for w in widgets]
    wrong = [
        (type(w).__name__, w.objectName(), a, b)
        for w, a, b in zip(widgets, before, scaled, strict=True)
        if b != pytest.approx(a * 1.5)
    ]
    assert not wrong
    table = window.metrics.table  # sized to show every row, at the larger font too
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    assert table.height() >= table.horizontalHeader().height() + rows

    qtbot.keyClick(window, QtCore.Qt.Key.Key_F11)
    assert not wb.presentation.is_active() and not wb.presentation_action.isChecked()
    assert not window.isFullScreen() and not wb.overlay.is_presentation_mode()
    assert qapp.font().pointSizeF() == pytest.approx(base)
    after = [w.font().pointSizeF() for w in widgets]
    assert [
        (type(w).__name__, w.objectName(), a, b)
        for w, a, b in zip(widgets, before, after, strict=True)
        if a != b
    ] == []


def _own_font(widget: QtWidgets.QWidget) -> bool:
    """The caption overlay sizes its own text (larger still in presentation mode)."""
    from phoenix_gui.qt.shell.presentation import OWN_PRESENTATION_FONT

    node: QtWidgets.QWidget | None = widget
    while node is not None:
        if node.property(OWN_PRESENTATION_FONT):
            return True
        node = node.parentWidget()
    return False


def test_export_menu_writes_the_ring_as_png_and_svg(window, qtbot, tmp_path) -> None:
    wb = bench(window)
    press_step(window, qtbot)
    titles = [a.text() for a in wb.export_menu.actions() if a.text()]
    assert "Export View as &PNG…" in titles and "Export View as &SVG…" in titles
    asked: list[str] = []

    def answer(title: str, suggested: str, _filter: str) -> str:
        asked.append(title)
        return str(tmp_path / Path(suggested).stem)  # no suffix: the action adds it

    wb.export.ask_save_path = answer
    with qtbot.waitSignal(wb.export.exported):
        wb.export.png_action.trigger()
    with qtbot.waitSignal(wb.export.exported):
        wb.export.svg_action.trigger()
    image = QtGui.QImage(str(tmp_path / "phoenixflight.png"))
    ratio = window.ring_view.devicePixelRatioF()
    assert image.width() == round(window.ring_view.width() * ratio)
    assert image.height() == round(window.ring_view.height() * ratio)
    svg = (tmp_path / "phoenixflight.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "</svg>" in svg
    assert len(asked) == 2
    assert "Exported" in window.statusBar().currentMessage()


@pytest.mark.parametrize("paradigm", ["kubernetes", "agentic"])
def test_export_writes_the_view_on_screen_in_every_paradigm(
    window, qtbot, tmp_path, paradigm
) -> None:
    """A Kubernetes or agents run exports its own view, not the hidden ring."""
    wb = bench(window)
    window.controls.set_paradigm(paradigm)
    window.controls.paradigmChanged.emit(paradigm)
    press_step(window, qtbot)
    shown = window.views.current
    assert shown is not window.ring_view and shown.isVisible()
    errors: list[str] = []
    wb.export.show_error = errors.append
    assert wb.export.export_to("png", tmp_path / "view.png")
    assert wb.export.export_to("svg", tmp_path / "view.svg")
    assert errors == []
    image = QtGui.QImage(str(tmp_path / "view.png"))
    ratio = shown.devicePixelRatioF()
    assert (image.width(), image.height()) == (
        round(shown.width() * ratio),
        round(shown.height() * ratio),
    )
    fmt = QtGui.QImage.Format.Format_RGB32
    assert image.convertToFormat(fmt) == shown.grab().toImage().convertToFormat(fmt)
    svg = (tmp_path / "view.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "</svg>" in svg


def test_ring_clicks_select_in_the_panels_and_a_task_is_explained(window, qtbot) -> None:
    wb = bench(window)
    window.ring_view.memberClicked.emit("host-1")
    selected = wb.members.selected_member()
    assert selected is not None and selected.id == "host-1"
    assert "host-1" in window.inspector.toPlainText()
    window.ring_view.taskClicked.emit(5)
    assert wb.workload.selected_task() == 5
    assert wb.decisions.task == 5
    assert "Task 5" in window.inspector.toPlainText()


def test_view_menu_toggles_every_panel_and_the_theme_persists(
    window, qtbot, qapp, settings
) -> None:
    wb = bench(window)
    view_titles = {a.text() for a in window.view_menu.actions()}
    for dock in wb.panel_docks:
        assert dock.windowTitle() in view_titles
    wb.algorithms_dock.toggleViewAction().trigger()
    assert wb.algorithms_dock.isHidden()
    wb.theme_actions["dark"].trigger()
    assert settings.theme() == "dark"
    dark = theme_palette("dark").color(QtGui.QPalette.ColorRole.Window)
    assert qapp.palette().color(QtGui.QPalette.ColorRole.Window) == dark
    assert wb.theme_actions["dark"].isChecked() and not wb.theme_actions["light"].isChecked()
    wb.theme_actions["light"].trigger()
    assert settings.theme() == "light"


def test_dock_layout_and_geometry_persist_across_sessions(open_window, small_lesson, settings):
    first = open_window(small_lesson)
    bench(first).algorithms_dock.toggleViewAction().trigger()
    first.close()
    assert settings.window_state() is not None and settings.geometry() is not None
    second = open_window(small_lesson)
    assert bench(second).algorithms_dock.isHidden()
    assert not bench(second).members_dock.isHidden()


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(window, qtbot) -> None:
    wb = bench(window)
    wb.start()
    type_into(qtbot, window.controls.rows["joins"].box, "11")
    asked: list[str] = []
    wb.document.confirm_discard = lambda doc: asked.append(doc.file_name()) or "cancel"
    assert not window.close()
    assert window.isVisible() and asked == ["small.yaml"]
    assert wb.autosave.timer.isActive()
    wb.document.confirm_discard = lambda _doc: "discard"
    assert window.close()
    assert not wb.autosave.timer.isActive()


def test_an_autosave_left_by_a_crash_is_offered_at_the_next_start(
    open_window, small_lesson, autosave_dir, qtbot, tmp_path
) -> None:
    first = open_window(small_lesson)
    type_into(qtbot, first.controls.rows["joins"].box, "13")
    first.controls.flush()
    saved = bench(first).autosave.save_now()
    assert saved is not None and saved.parent == autosave_dir
    kept = tmp_path / "kept.autosave.yaml"
    shutil.copy(saved, kept)
    bench(first).document.confirm_discard = lambda _doc: "discard"
    first.close()  # a clean exit removes it …
    assert not saved.exists()
    shutil.copy(kept, saved)  # … so put it back, as a crash would have left it

    second = open_window(small_lesson)
    wb = bench(second)
    offered: list[Path] = []
    wb.autosave.ask_restore = lambda path: offered.append(path) or True
    wb.start()
    assert offered == [saved]
    assert wb.document.is_dirty() and wb.document.path == small_lesson.absolute()
    assert second.controls.values()["joins"] == 13
    assert second.adapter.config.metrics.joins == 13
    assert second.isWindowModified()


def test_seed_and_paradigm_edits_are_unsaved_changes_and_restart_the_run(window, qtbot) -> None:
    wb, controls = bench(window), window.controls
    controls.paradigm_combo.setCurrentIndex(controls.paradigm_combo.findData("kubernetes"))
    type_into(qtbot, controls.seed_box, "99")
    assert window.adapter.config.paradigm == "kubernetes" and window.adapter.config.seed == 99
    assert wb.document.scenario.paradigm == "kubernetes" and wb.document.scenario.seed == 99
    assert window.isWindowModified()


def test_a_scenario_dropped_on_the_window_opens(window, qtbot, tmp_path) -> None:
    dropped = tmp_path / "dropped.yaml"
    dropped.write_text(SMALL_LESSON.replace("Small lesson", "Dropped lesson"), encoding="utf-8")
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(dropped))])
    point = QtCore.QPointF(window.width() / 2, window.height() / 2)
    actions = QtCore.Qt.DropAction.CopyAction
    buttons, mods = QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier
    enter = QtGui.QDragEnterEvent(point.toPoint(), actions, mime, buttons, mods)
    QtWidgets.QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(point, actions, mime, buttons, mods)
    with qtbot.waitSignal(window.adapter.simulationReset):
        QtWidgets.QApplication.sendEvent(window, drop)
    assert window.windowTitle().startswith("Dropped lesson — dropped.yaml")
    assert bench(window).document.path == dropped.absolute()


def test_a_small_screen_keeps_the_ring_readable(open_window) -> None:
    window = open_window()
    window.resize(820, 760)
    bench(window).apply_default_layout(window.size())
    QtWidgets.QApplication.processEvents()
    # Controls folds into a tab beside the time series rather than squeezing the ring, and
    # Metrics keeps the right column to itself (every row in view).
    assert window.controls_dock in window.tabifiedDockWidgets(window.timeseries_dock)
    assert window.tabifiedDockWidgets(window.metrics_dock) == []
    assert window.ring_view.width() >= 360


def test_panels_behind_tabs_are_built_when_their_dock_first_shows(window, qtbot) -> None:
    wb = bench(window)
    # At start-up the registry panels sit behind the time series and inspector tabs: none is
    # built, so none cost the first frame anything.
    assert wb.panels == []
    assert isinstance(wb.members_dock.widget().widget(), QtWidgets.QWidget)  # a placeholder
    window.step_action.trigger()  # events before a panel exists are not lost to it later
    wb.recorder_dock.raise_()
    qtbot.waitUntil(lambda: len(wb.panels) == 1)
    recorder = wb.panels[0]
    assert recorder is wb.recorder and wb.recorder_dock.widget().widget() is recorder
    audit = window.adapter.sim.audit
    qtbot.waitUntil(lambda: recorder.model.rowCount() == len(audit))
    before = recorder.model.rowCount()
    window.step_action.trigger()  # and it follows the run from then on
    qtbot.waitUntil(lambda: recorder.model.rowCount() == len(window.adapter.sim.audit) > before)
    assert wb.panel("recorder") is recorder  # built once
    # A click on the ring builds the panel it selects in, even behind a tab.
    window.ring_view.memberClicked.emit("host-1")
    assert wb.members in wb.panels and wb.members.selected_member().id == "host-1"


def test_trust_weighted_paradigm_runs_in_the_window(window, qtbot, tmp_path) -> None:
    controls = window.controls
    controls.paradigm_combo.setCurrentIndex(controls.paradigm_combo.findData("trust-weighted"))
    assert window.adapter.config.paradigm == "trust-weighted"
    for _ in range(4):
        window.adapter.step_once()
    assert window.adapter.sim.config.paradigm == "trust-weighted"
    assert window.adapter.sim.check_invariants() == []


def test_views_take_a_steps_events_in_one_batch(window) -> None:
    adapter = window.adapter
    batches = adapter.receivers(QtCore.SIGNAL("eventsEmitted(PyObject)"))
    assert batches >= len(bench(window).panels) + 1  # every panel and the lessons
    assert adapter.receivers(QtCore.SIGNAL("eventEmitted(PyObject)")) == 0  # none per event
