"""The one resource lookup works from source and from a (simulated) frozen bundle."""

import sys
from pathlib import Path

import pytest

from phoenix_gui import resources


def test_finds_bundled_files_from_source() -> None:
    names = resources.known_resources()
    assert names, "the repository ships resources/ and scenarios/"
    first = names[0]
    assert resources.resource_path(first).is_file()


def test_unknown_name_lists_known_names() -> None:
    with pytest.raises(resources.ResourceNotFoundError) as err:
        resources.resource_path("resources/no-such-file.png")
    message = str(err.value)
    assert "no-such-file.png" in message
    assert resources.known_resources()[0] in message


@pytest.mark.parametrize("name", ["../pyproject.toml", "/etc/passwd", "phoenix_gui/cli.py"])
def test_refuses_names_outside_the_resource_folders(name: str) -> None:
    with pytest.raises(resources.ResourceNotFoundError):
        resources.resource_path(name)


def test_frozen_layout_uses_meipass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "scenarios").mkdir()
    lesson = tmp_path / "scenarios" / "lesson.yaml"
    lesson.write_text("schema_version: 1\n", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.base_dir() == tmp_path
    assert resources.resource_path("scenarios/lesson.yaml") == lesson
    assert resources.bundled_scenarios() == [lesson]
