"""ScenarioDocument and the File menu: open, edit, save, reopen; bad files; failed saves."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine.config import SimulationConfig
from phoenix_gui.qt.document.document import PARAM_FIELDS, ScenarioDocument, write_text_atomically
from phoenix_gui.qt.document.error_dialog import ScenarioErrorDialog
from phoenix_gui.qt.document.file_actions import DropOpener, FileActions
from phoenix_gui.qt.document.settings import Settings
from phoenix_gui.resources import bundled_scenarios
from phoenix_gui.scenario import load_scenario, scenario_from_config

# The offscreen platform warns when a dialog is shown; that is not a failure of ours.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def lesson() -> Path:
    lessons = bundled_scenarios()
    if not lessons:
        pytest.skip("no bundled lesson scenarios yet")
    return lessons[0]


@pytest.fixture
def document(qapp: QtWidgets.QApplication) -> ScenarioDocument:
    doc = ScenarioDocument()
    doc.confirm_discard = lambda _doc: pytest.fail("unexpected unsaved-changes question")
    return doc


@pytest.fixture
def actions(document: ScenarioDocument, settings: Settings) -> FileActions:
    return FileActions(document, settings)


def _write_scenario(path: Path, name: str, joins: int) -> Path:
    from phoenix_gui.scenario import save_scenario

    save_scenario(path, scenario_from_config(SimulationConfig(), name=name))
    doc = ScenarioDocument()
    assert doc.open(path)
    doc.update({"metrics.joins": joins})
    assert doc.save()
    return path


def test_open_a_bundled_lesson_through_the_file_menu(qtbot, actions, document, lesson) -> None:
    actions.ask_open_path = lambda: str(lesson)
    with qtbot.waitSignal(document.loaded) as loaded:
        actions.open_action.trigger()
    expected = load_scenario(lesson)
    assert loaded.args == [expected]
    assert document.scenario == expected
    # A shipped lesson opens as an untitled copy: Save must never write inside the bundle.
    assert document.path is None
    assert not document.is_dirty()
    assert document.title() == f"{expected.name} — untitled"
    assert actions.settings.recent_files() == []


def test_a_bundled_lesson_is_never_written_even_by_save_as(document, lesson) -> None:
    before = lesson.read_bytes()
    errors: list[str] = []
    document.show_error = lambda _title, text: errors.append(text)
    assert document.open_copy(lesson)
    document.update({"metrics.joins": 2})
    assert not document.save_as(lesson)
    assert lesson.read_bytes() == before
    assert errors and lesson.name in errors[0] and "Save As" in errors[0]
    assert document.is_dirty() and document.path is None


def test_edit_save_reopen_finds_the_same_values(qtbot, document, tmp_path) -> None:
    start = tmp_path / "start.yaml"
    _write_scenario(start, "Lesson A", joins=3)
    assert document.open(start)
    with qtbot.waitSignal(document.dirtyChanged) as dirty:
        document.update({"metrics.joins": 17, "metrics.trust": 0.8, "seed": 99})
    assert dirty.args == [True]
    assert document.title().endswith("start.yaml*")
    target = tmp_path / "out" / "saved.yaml"
    target.parent.mkdir()
    with qtbot.waitSignal(document.pathChanged):
        assert document.save_as(target)
    assert not document.is_dirty()
    assert document.title() == "Lesson A — saved.yaml"

    reopened = ScenarioDocument()
    assert reopened.open(target)
    assert reopened.scenario.metrics.joins == 17
    assert reopened.scenario.metrics.trust == 0.8
    assert reopened.scenario.seed == 99
    assert reopened.scenario == document.scenario


def test_update_with_a_bad_value_is_refused_and_changes_nothing(document) -> None:
    from phoenix_gui.scenario import ScenarioError

    before = document.scenario
    with pytest.raises(ScenarioError, match=r"metrics\.trust"):
        document.update({"metrics.trust": 1.5})
    with pytest.raises(ScenarioError, match=r"metrics\.nonsense"):
        document.update({"metrics.nonsense": 1})
    assert document.scenario is before
    assert not document.is_dirty()


def test_a_malformed_file_shows_the_problems_and_keeps_the_scenario(
    qtbot, actions, document, tmp_path, malformed_scenario
) -> None:
    good = _write_scenario(tmp_path / "good.yaml", "Good", joins=5)
    assert document.open(good)
    document.update({"metrics.joins": 6})
    before = document.scenario
    bad = malformed_scenario

    actions.ask_open_path = lambda: str(bad)
    actions.open_action.trigger()

    dialogs = [
        w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, ScenarioErrorDialog)
    ]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialog = dialogs[0]
    lines = dialog.problem_lines()
    assert f"{bad}:5:10: metrics.trust: " in lines[0]
    assert dialog.row_texts()[0][:2] == ["bad.yaml:5:10", "metrics.trust"]
    assert dialog.table.item(0, 0).toolTip() == f"{bad}:5:10"
    assert "bad.yaml" in dialog.summary.text()
    assert dialog.table.item(0, 1).text() == "metrics.trust"
    # The current scenario, its file and its unsaved edit are untouched.
    assert document.scenario is before
    assert document.path == good.absolute()
    assert document.is_dirty()
    dialog.close()


def test_a_failing_commit_leaves_the_old_file_byte_identical(
    qtbot, document, tmp_path, monkeypatch
) -> None:
    target = _write_scenario(tmp_path / "keep.yaml", "Keep", joins=4)
    original = target.read_bytes()
    assert document.open(target)
    document.update({"metrics.joins": 40})
    monkeypatch.setattr(QtCore.QSaveFile, "commit", lambda self: False)
    errors: list[tuple[str, str]] = []
    document.show_error = lambda title, text: errors.append((title, text))

    assert not document.save()
    assert target.read_bytes() == original
    assert document.is_dirty()
    assert errors and str(target) in errors[0][1]
    assert [p.name for p in tmp_path.iterdir()] == ["keep.yaml"]  # no temp file left


def test_a_save_into_a_read_only_folder_keeps_the_old_file(qtbot, document, tmp_path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    target = _write_scenario(folder / "keep.yaml", "Keep", joins=4)
    original = target.read_bytes()
    assert document.open(target)
    document.update({"metrics.joins": 41})
    folder.chmod(0o500)
    try:
        if QtCore.QFileInfo(str(folder)).isWritable():
            pytest.skip("running as root: folder permissions are not enforced")
        assert not document.save()
        box = document.message_box
        assert box is not None and box.isVisible()
        assert str(target) in box.text()
        box.close()
    finally:
        folder.chmod(0o700)
    assert target.read_bytes() == original


def test_an_unwritable_path_shows_a_message_naming_the_file_and_the_reason(
    qtbot, document, tmp_path
) -> None:
    (tmp_path / "plain-file").write_text("not a folder", encoding="utf-8")
    target = tmp_path / "plain-file" / "x.yaml"
    assert not document.save_as(target)
    box = document.message_box
    assert box is not None and box.isVisible()
    assert box.windowTitle() == "Save failed"
    assert str(target) in box.text()
    assert "directory" in box.text().lower()  # the OS reason ("Not a directory" on POSIX)
    assert document.path is None
    box.close()


def test_write_text_atomically_replaces_the_whole_file(tmp_path) -> None:
    target = tmp_path / "x.yaml"
    target.write_text("old old old old\n", encoding="utf-8")
    write_text_atomically(target, "new ✓\n")
    assert target.read_text(encoding="utf-8") == "new ✓\n"


@pytest.mark.parametrize(
    ("answer", "opens", "saved"),
    [("cancel", False, False), ("discard", True, False), ("save", True, True)],
)
def test_opening_with_unsaved_changes_asks_first(document, tmp_path, answer, opens, saved) -> None:
    first = _write_scenario(tmp_path / "first.yaml", "First", joins=1)
    second = _write_scenario(tmp_path / "second.yaml", "Second", joins=2)
    assert document.open(first)
    document.update({"metrics.joins": 9})
    asked: list[str] = []
    document.confirm_discard = lambda doc: asked.append(doc.title()) or answer

    assert document.open(second) is opens
    assert asked == ["First — first.yaml*"]
    assert (document.scenario.name == "Second") is opens
    assert (load_scenario(first).metrics.joins == 9) is saved


def test_closing_asks_only_when_dirty(document, tmp_path) -> None:
    assert document.maybe_close()
    document.update({"metrics.joins": 13})
    document.confirm_discard = lambda _doc: "cancel"
    assert not document.maybe_close()
    document.confirm_discard = lambda _doc: "discard"
    assert document.maybe_close()


def test_save_of_an_untitled_scenario_asks_for_a_path(document, tmp_path) -> None:
    document.update({"metrics.leaves": 3})
    document.ask_save_path = lambda _doc: str(tmp_path / "chosen")
    assert document.save()
    assert document.path == tmp_path / "chosen.yaml"
    assert load_scenario(tmp_path / "chosen.yaml").metrics.leaves == 3
    document.confirm_discard = lambda _doc: "discard"
    assert document.new()
    document.update({"metrics.leaves": 4})
    document.ask_save_path = lambda _doc: None  # a cancelled dialog saves nothing
    assert not document.save()
    assert document.is_dirty() and document.path is None


def test_revert_reloads_from_disk_after_confirmation(actions, document, tmp_path) -> None:
    path = _write_scenario(tmp_path / "r.yaml", "R", joins=2)
    assert document.open(path)
    assert not actions.revert_action.isEnabled()
    document.update({"metrics.joins": 30})
    assert actions.revert_action.isEnabled()
    document.confirm_discard = lambda _doc: "cancel"
    actions.revert_action.trigger()
    assert document.scenario.metrics.joins == 30
    document.confirm_discard = lambda _doc: "discard"
    actions.revert_action.trigger()
    assert document.scenario.metrics.joins == 2
    assert not document.is_dirty()


def test_new_starts_untitled(qtbot, actions, document, tmp_path) -> None:
    path = _write_scenario(tmp_path / "n.yaml", "N", joins=2)
    assert document.open(path)
    with qtbot.waitSignal(document.pathChanged) as changed:
        actions.new_action.trigger()
    assert changed.args == [""]
    assert document.path is None
    assert document.title() == "Untitled — untitled"


def test_recent_files_open_and_missing_ones_are_dropped(actions, document, tmp_path) -> None:
    a = _write_scenario(tmp_path / "a.yaml", "A", joins=1)
    b = _write_scenario(tmp_path / "b.yaml", "B", joins=2)
    assert actions.open_path(a)
    assert actions.open_path(b)
    assert [x.data() for x in actions.recent_actions()] == [str(b), str(a)]
    actions.recent_actions()[1].trigger()
    assert document.scenario.name == "A"
    a.unlink()
    document.show_problems = lambda error, path: None
    assert not actions.open_path(a)
    assert [x.data() for x in actions.recent_actions()] == [str(b)]


def test_dropping_a_yaml_file_opens_it(qtbot, actions, document, tmp_path) -> None:
    path = _write_scenario(tmp_path / "dropped.yaml", "Dropped", joins=7)
    window = QtWidgets.QWidget()
    qtbot.addWidget(window)
    window.setAcceptDrops(True)
    opener = DropOpener(actions, window)
    window.installEventFilter(opener)

    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(path))])
    enter = _drop_event(QtCore.QEvent.Type.DragEnter, mime)
    QtWidgets.QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(document.loaded):
        QtWidgets.QApplication.sendEvent(window, _drop_event(QtCore.QEvent.Type.Drop, mime))
    assert document.path == path

    text = QtCore.QMimeData()
    text.setUrls([QtCore.QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    assert not actions.handle_drop(text)
    refused = _drop_event(QtCore.QEvent.Type.DragEnter, text)
    refused.ignore()
    QtWidgets.QApplication.sendEvent(window, refused)
    assert not refused.isAccepted()


def _drop_event(kind: QtCore.QEvent.Type, mime: QtCore.QMimeData) -> QtCore.QEvent:
    cls = {
        QtCore.QEvent.Type.DragEnter: QtGui.QDragEnterEvent,
        QtCore.QEvent.Type.Drop: QtGui.QDropEvent,
    }[kind]
    return cls(
        QtCore.QPoint(5, 5),
        QtCore.Qt.DropAction.CopyAction,
        mime,
        QtCore.Qt.MouseButton.LeftButton,
        QtCore.Qt.KeyboardModifier.NoModifier,
    )


def test_a_lesson_opened_as_a_copy_is_untitled(document, lesson, tmp_path) -> None:
    assert document.open_copy(lesson)
    assert document.path is None
    assert document.scenario == load_scenario(lesson)
    document.update({"metrics.joins": 1})
    document.ask_save_path = lambda _doc: str(tmp_path / "mine.yaml")
    before = lesson.read_bytes()
    assert document.save()
    assert lesson.read_bytes() == before  # the bundled file is never written
    assert document.path == tmp_path / "mine.yaml"


def test_moving_a_slider_is_an_unsaved_change_that_saves(qtbot, document, tmp_path) -> None:
    from phoenix_gui.params import PARAMS, RUN_LENGTH_PARAMS

    with qtbot.waitSignal(document.dirtyChanged):
        assert document.set_param("joins", 18.0)
    assert document.set_param("trust", 0.7)
    assert document.set_param("vnodes", 64.0)
    assert not document.set_param("speed", 4.0)  # a view setting, not part of a scenario
    # Every parameter a scenario stores has a field (speed is a view setting, the run length
    # a command-line choice).
    assert set(PARAMS) - {"speed", *RUN_LENGTH_PARAMS} <= set(PARAM_FIELDS)
    assert document.save_as(tmp_path / "slid.yaml")
    saved = load_scenario(tmp_path / "slid.yaml")
    assert (saved.metrics.joins, saved.metrics.trust, saved.ring.vnodes) == (18, 0.7, 64)
