"""Autosave: writes unsaved changes to the data folder, never over the user's file, is removed
on a clean exit and offered for restore after a run that did not exit cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from phoenix_gui.engine.config import SimulationConfig
from phoenix_gui.qt.document.autosave import INTERVAL_MS, Autosave, original_path
from phoenix_gui.qt.document.document import ScenarioDocument
from phoenix_gui.scenario import load_scenario, save_scenario, scenario_from_config


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    path = tmp_path / "lesson.yaml"
    save_scenario(path, scenario_from_config(SimulationConfig(), name="My Lesson"))
    return path


def _session(qapp, user_file: Path | None = None) -> tuple[ScenarioDocument, Autosave]:
    doc = ScenarioDocument()
    doc.confirm_discard = lambda _doc: pytest.fail("unexpected unsaved-changes question")
    if user_file is not None:
        assert doc.open(user_file)
    return doc, Autosave(doc, interval_ms=5)


def test_the_default_interval_is_a_minute(qapp) -> None:
    doc = ScenarioDocument()
    autosave = Autosave(doc)
    assert autosave.timer.interval() == INTERVAL_MS == 60_000
    assert not autosave.timer.isActive()


def test_the_timer_writes_unsaved_changes_to_the_data_folder(
    qtbot, qapp, data_dir, user_file
) -> None:
    original = user_file.read_bytes()
    doc, autosave = _session(qapp, user_file)
    doc.update({"metrics.joins": 23})
    autosave.start()
    with qtbot.waitSignal(autosave.saved, timeout=2000) as saved:
        pass
    autosave.stop()
    written = Path(saved.args[0])
    assert written.parent == data_dir
    assert written.name == "lesson.autosave.yaml"
    assert user_file.read_bytes() == original  # never over the user's file
    assert load_scenario(written).metrics.joins == 23
    assert original_path(written) == user_file

    autosave.clean_exit()
    assert not autosave.timer.isActive()
    assert not written.exists()


def test_nothing_is_written_without_unsaved_changes(qapp, data_dir, user_file) -> None:
    _doc, autosave = _session(qapp, user_file)
    assert autosave.save_now() is None
    assert not any(data_dir.glob("*"))


def test_after_a_crash_the_next_start_restores_the_changes(qapp, data_dir, user_file) -> None:
    doc, autosave = _session(qapp, user_file)
    doc.update({"metrics.leaves": 11, "seed": 4242})
    written = autosave.save_now()
    assert written is not None
    # The process dies here: no clean_exit(). Next start:
    doc2, autosave2 = _session(qapp)
    assert autosave2.pending_restore() == written
    assert autosave2.restore()
    assert doc2.scenario.metrics.leaves == 11 and doc2.scenario.seed == 4242
    assert doc2.path == user_file  # saves go back to the user's file ...
    assert doc2.is_dirty()  # ... but only when the user saves
    assert doc2.title() == "My Lesson — lesson.yaml*"
    assert load_scenario(user_file).metrics.leaves != 11
    autosave2.clean_exit()
    assert autosave2.pending_restore() is None
    assert not written.exists()


def test_an_untitled_scenario_is_restored_untitled(qapp, data_dir) -> None:
    doc, autosave = _session(qapp)
    doc.update({"name": "Scratch: ideas", "metrics.joins": 2})
    written = autosave.save_now()
    assert written is not None and written.name == "Scratch--ideas.autosave.yaml"
    doc2, autosave2 = _session(qapp)
    assert autosave2.restore()
    assert doc2.path is None and doc2.scenario.name == "Scratch: ideas"
    autosave2.clean_exit()


def test_declining_the_offer_deletes_the_autosave(qapp, data_dir, user_file) -> None:
    doc, autosave = _session(qapp, user_file)
    doc.update({"metrics.joins": 5})
    written = autosave.save_now()
    doc2, autosave2 = _session(qapp)
    asked: list[Path] = []
    autosave2.ask_restore = lambda path: asked.append(path) or False
    assert not autosave2.offer_restore()
    assert asked == [written]
    assert autosave2.pending_restore() is None
    assert doc2.scenario.metrics.joins != 5


def test_saving_the_document_removes_its_autosave(qapp, data_dir, user_file) -> None:
    doc, autosave = _session(qapp, user_file)
    doc.update({"metrics.joins": 8})
    written = autosave.save_now()
    assert written is not None and written.exists()
    assert doc.save()
    assert not written.exists()


def test_an_unwritable_data_folder_reports_without_a_dialog(qtbot, qapp, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    doc = ScenarioDocument()
    autosave = Autosave(doc, folder=blocker / "autosave")
    doc.update({"metrics.joins": 3})
    with qtbot.waitSignal(autosave.failed) as failed:
        assert autosave.save_now() is None
    assert "not-a-folder" in failed.args[0] or "directory" in failed.args[0].lower()
    assert autosave.last_error
