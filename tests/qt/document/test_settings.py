"""Settings: typed getters with defaults that survive garbage, and values that persist."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore

from phoenix_gui.qt.document.settings import (
    DEFAULT_PRESENTATION_SCALE,
    DEFAULT_THEME,
    MAX_RECENT,
    Settings,
)


def test_defaults_on_an_empty_store(settings: Settings) -> None:
    assert settings.geometry() is None
    assert settings.window_state() is None
    assert settings.recent_files() == []
    assert settings.theme() == DEFAULT_THEME
    assert settings.presentation_scale() == DEFAULT_PRESENTATION_SCALE


def test_values_survive_a_new_settings_object(tmp_path: Path) -> None:
    first = Settings.from_file(tmp_path / "s.ini")
    first.set_geometry(b"\x01\x02geometry")
    first.set_window_state(QtCore.QByteArray(b"\x00state\xff"))
    first.set_theme("high-contrast")
    first.set_presentation_scale(2.0)
    first.add_recent_file(tmp_path / "a.yaml")
    first.sync()

    second = Settings.from_file(tmp_path / "s.ini")
    assert bytes(second.geometry().data()) == b"\x01\x02geometry"  # type: ignore[union-attr]
    assert bytes(second.window_state().data()) == b"\x00state\xff"  # type: ignore[union-attr]
    assert second.theme() == "high-contrast"
    assert second.presentation_scale() == 2.0
    assert second.recent_files() == [str(tmp_path / "a.yaml")]


def test_recent_files_most_recent_first_deduplicated_and_capped(
    settings: Settings, tmp_path: Path
) -> None:
    for i in range(MAX_RECENT + 3):
        settings.add_recent_file(tmp_path / f"f{i}.yaml")
    settings.add_recent_file(tmp_path / "f5.yaml")
    files = settings.recent_files()
    assert len(files) == MAX_RECENT
    assert files[0] == str(tmp_path / "f5.yaml")
    assert files[1] == str(tmp_path / f"f{MAX_RECENT + 2}.yaml")
    assert files.count(str(tmp_path / "f5.yaml")) == 1
    settings.remove_recent_file(tmp_path / "f5.yaml")
    assert str(tmp_path / "f5.yaml") not in settings.recent_files()
    settings.clear_recent_files()
    assert settings.recent_files() == []


def test_garbage_in_the_file_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "garbage.ini"
    path.write_text(
        "[appearance]\ntheme=purple\n"
        "[presentation]\nfont_scale=huge\n"
        "[window]\ngeometry=not bytes\nstate=\n"
        "[files]\nrecent=@Invalid()\n",
        encoding="utf-8",
    )
    s = Settings.from_file(path)
    assert s.theme() == DEFAULT_THEME
    assert s.presentation_scale() == DEFAULT_PRESENTATION_SCALE
    assert s.geometry() is None
    assert s.window_state() is None
    assert s.recent_files() == []


@pytest.mark.parametrize("stored", ["nan", "inf", "0.2", "99", "-1.5", "true"])
def test_out_of_range_or_odd_scales_give_the_default(settings: Settings, stored: str) -> None:
    settings.store.setValue("presentation/font_scale", stored)
    assert settings.presentation_scale() == DEFAULT_PRESENTATION_SCALE


def test_a_scale_written_as_text_is_read_as_a_number(settings: Settings) -> None:
    settings.store.setValue("presentation/font_scale", " 1.75 ")
    assert settings.presentation_scale() == 1.75


def test_one_recent_file_written_as_plain_text_is_a_list(tmp_path: Path) -> None:
    path = tmp_path / "one.ini"
    path.write_text("[files]\nrecent=/tmp/only.yaml\n", encoding="utf-8")
    assert Settings.from_file(path).recent_files() == ["/tmp/only.yaml"]


def test_setters_refuse_bad_values(settings: Settings) -> None:
    with pytest.raises(ValueError, match="theme"):
        settings.set_theme("neon")
    with pytest.raises(ValueError, match="scale"):
        settings.set_presentation_scale(float("nan"))
    with pytest.raises(ValueError, match="scale"):
        settings.set_presentation_scale(0.5)
